"""A JS/TS script that exits on an argument before a command (babel's ensure-packages-exist.ts,
trials round 3): the command is unreached for a caller that passes that argument."""

from __future__ import annotations

import pytest

from npm_auth_lint.parsers.js_exec import find_exec_calls

_HEAD = 'import { execSync } from "node:child_process";\n'


def _unreached(body: str, path: str = "s.ts") -> dict[str, tuple[str, ...]]:
    result = find_exec_calls(path, _HEAD + body)
    assert not result.notes, result.notes
    return {call.shell or "": call.unreached_with for call in result.calls}


def test_top_level_guard_marks_later_calls() -> None:
    got = _unreached(
        'execSync("npm whoami");\n'
        'if (process.argv.includes("--check-only")) {\n  console.error("missing");\n  process.exit(1);\n}\n'
        'for (const dir of dirs) execSync("npm publish", { cwd: dir });\n'
    )
    assert got == {"npm whoami": (), "npm publish": ("--check-only",)}


@pytest.mark.parametrize(
    "guard",
    [
        'if (process.argv.slice(2).includes("--dry")) process.exit(0);\n',
        'if ((process.argv.includes("--dry"))) { process.exit(); }\n',
    ],
)
def test_guard_forms(guard: str) -> None:
    assert _unreached(guard + 'execSync("npm publish");\n') == {"npm publish": ("--dry",)}


@pytest.mark.parametrize(
    "body",
    [
        # an else branch: the guard does not always end the run
        'if (process.argv.includes("--dry")) process.exit(0); else console.log(1);\nexecSync("npm publish");\n',
        # not an exit
        'if (process.argv.includes("--dry")) console.log("dry");\nexecSync("npm publish");\n',
        # the exit is conditional inside the block
        'if (process.argv.includes("--dry")) { if (x) process.exit(0); }\nexecSync("npm publish");\n',
        # a negated test exits when the argument is absent
        'if (!process.argv.includes("--dry")) process.exit(0);\nexecSync("npm publish");\n',
        # not at top level: a function may run it in any order
        'function main() { if (process.argv.includes("--dry")) process.exit(0); }\nexecSync("npm publish");\n',
        # the call is in a function (declarations are hoisted: it may be called before the guard)
        'if (process.argv.includes("--dry")) process.exit(0);\nfunction go() { execSync("npm publish"); }\n',
        # the call comes before the guard
        'execSync("npm publish");\nif (process.argv.includes("--dry")) process.exit(0);\n',
        # `process` is not Node's
        'const process = fake;\nif (process.argv.includes("--dry")) process.exit(0);\nexecSync("npm publish");\n',
        # the argument is computed
        'if (process.argv.includes(flag)) process.exit(0);\nexecSync("npm publish");\n',
    ],
)
def test_no_guard(body: str) -> None:
    assert _unreached(body) == {"npm publish": ()}


def test_wrapper_call_after_guard_is_marked() -> None:
    got = _unreached(
        "const run = (cmd) => execSync(cmd, { stdio: 'inherit' });\n"
        'if (process.argv.includes("--check")) process.exit(1);\n'
        'run("npm publish");\n'
    )
    assert got["npm publish"] == ("--check",)
