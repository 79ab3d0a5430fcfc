"""The JS/TS exec-call finder: child_process, execa, zx, shelljs; argv and shell forms; positions."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.model import Location
from npm_auth_lint.parsers.js_exec import find_exec_calls, language_for
from npm_auth_lint.parsers.script_types import NoteKind


def calls(path: str, source: str):
    result = find_exec_calls(path, textwrap.dedent(source))
    return result.calls


def summary(path: str, source: str):
    return [
        (c.location.line, c.location.column, c.api, c.shell, c.argv, c.computed) for c in calls(path, source)
    ]


def test_commonjs_release_script_with_destructured_and_member_require() -> None:
    # Modelled on small release.js scripts: build, version, push, publish with stdio inherit.
    source = """\
        const { execSync, spawn: run } = require("child_process");
        const execFile = require('node:child_process').execFileSync;
        execSync("npm run build", { stdio: "inherit" });
        execSync(`npm publish --tag ${tag}`, { stdio: "inherit", cwd: "packages/core" });
        const runner = run('npm', ['publish']);
        execFile('npm', ['publish', '--access', 'public'])
        require('child_process').execSync('npm ' + 'publish --provenance')
        """
    assert summary("scripts/release.js", source) == [
        (3, 1, "child_process.execSync", "npm run build", None, False),
        (4, 1, "child_process.execSync", "npm publish --tag ${tag}", None, True),
        (5, 16, "child_process.spawn", None, ("npm", "publish"), False),
        (6, 1, "child_process.execFileSync", None, ("npm", "publish", "--access", "public"), False),
        (7, 1, "child_process.execSync", "npm publish --provenance", None, False),
    ]
    assert calls("scripts/release.js", source)[1].cwd == "packages/core"


def test_esm_typescript_imports_namespace_default_and_options() -> None:
    source = """\
        import { spawnSync } from 'child_process';
        import * as cp from "node:child_process";
        import ChildProcess from 'child_process';

        export function npmPublish(packagePath: string, distTag: string): string | null {
          const result = spawnSync('npm', ['publish', '--access', 'public', '--tag', distTag], {
            cwd: packagePath,
            shell: true,
          });
          cp.execSync(`pnpm publish --no-git-checks` as string);
          ChildProcess.execSync(`pnpm publish`, { cwd: 'dist', stdio: 'inherit' });
          return null;
        }
        """
    first, second, third = calls("scripts/publish.ts", source)
    assert first.location == Location("scripts/publish.ts", 6, 18)
    assert first.argv == ("npm", "publish", "--access", "public", "--tag", "${distTag}")
    assert first.computed and first.uses_shell and first.cwd is None  # cwd is a variable
    assert (second.api, second.shell, second.computed) == (
        "child_process.execSync",
        "pnpm publish --no-git-checks",
        False,
    )
    assert third.cwd == "dist"


def test_execa_forms() -> None:
    source = """\
        import { execa, execaCommand, $ as x$ } from 'execa'
        import { sync as execaSync } from 'execa'
        const ARGS = ['publish', '--access', 'public']
        await execa('npm', [...ARGS, '--tag', tag], { cwd: 'pkg' })
        execaSync('npm', ['publish', '--registry', options.registry])
        await execaCommand('npm publish --dry-run')
        await x$`npm publish --tag ${tag} ${'--provenance'}`
        """
    a, b, c, d = calls("scripts/publish.mts", source)
    assert (a.api, a.argv, a.computed, a.cwd) == (
        "execa.execa",
        ("npm", "publish", "--access", "public", "--tag", "${tag}"),
        True,
        "pkg",
    )
    assert b.api == "execa.sync" and b.argv == ("npm", "publish", "--registry", "${options.registry}")
    assert (c.form, c.shell) == ("command", "npm publish --dry-run")
    assert d.form == "template-argv" and d.argv == ("npm", "publish", "--tag", "${tag}", "--provenance")
    assert d.location == Location("scripts/publish.mts", 7, 7)


def test_execa_v5_default_require() -> None:
    source = """\
        const execa = require('execa')
        execa.sync('npm', ['publish'])
        execa.command('npm publish')
        execa('npm', ['publish'])
        """
    assert [(c.api, c.form) for c in calls("release.cjs", source)] == [
        ("execa.sync", "argv"),
        ("execa.command", "command"),
        ("execa.execa", "argv"),
    ]


def test_zx_scripts_with_and_without_import() -> None:
    # A zx script run as ``zx scripts/release.mjs`` uses the global ``$``.
    source = """\
        #!/usr/bin/env zx
        const { stdout } = await $`node -p "require('./package.json').version"`;
        await $`npm publish --access=public`;
        await $`cd packages/cli && npm publish ${flags}`;
        await $({ cwd: 'packages/sdk' })`npm publish`;
        $.sync`npm whoami`
        """
    found = calls("scripts/release.mjs", source)
    assert [(c.location.line, c.api, c.shell, c.computed) for c in found] == [
        (2, "zx.$", "node -p \"require('./package.json').version\"", False),
        (3, "zx.$", "npm publish --access=public", False),
        (4, "zx.$", "cd packages/cli && npm publish ${flags}", True),
        (5, "zx.$", "npm publish", False),
        (6, "zx.$", "npm whoami", False),
    ]
    assert found[3].cwd == "packages/sdk"
    imported = calls(
        "publish.mjs", "import { $, fs } from 'zx/core'\nawait $`npx pnpm -r publish --access public`\n"
    )
    assert imported[0].shell == "npx pnpm -r publish --access public"


def test_shelljs_and_bun() -> None:
    source = """\
        const shell = require('shelljs');
        shell.exec('npm publish');
        import { $ as bun$ } from "bun";
        await bun$`bun publish`;
        await Bun.$`npm publish`;
        """
    assert [(c.api, c.shell) for c in calls("x.ts", source)] == [
        ("shelljs.exec", "npm publish"),
        ("bun.$", "bun publish"),
        ("bun.$", "npm publish"),
    ]
    assert calls("g.js", "require('shelljs/global')\nexec('npm publish')\n")[0].api == "shelljs.exec"


def test_local_wrappers_and_promisify() -> None:
    source = """\
        const execSync = require('child_process').execSync;
        const { exec, spawnSync } = require('child_process');
        const util = require('util');
        const execAsync = util.promisify(exec);
        function run(command) {
          console.log(`Running: ${command}`);
          execSync(command, { stdio: 'inherit' });
        }
        const spawnIn = (bin, args) => spawnSync(bin, args, { cwd: 'dist' })
        const publish = (tag) => run(`npm publish --tag ${tag}`)
        run('npm run build')
        spawnIn('npm', ['publish', '--provenance'])
        publish('next')
        await execAsync('npm publish')
        """
    found = calls("scripts/release.js", source)
    runner = next(c for c in found if c.location.line == 7)
    assert runner.forwarded and runner.shell == "${command}"
    wrapped = [
        (c.location.line, c.wrapper, c.shell or " ".join(c.argv), c.computed) for c in found if c.wrapper
    ]
    assert wrapped == [
        (10, "run", "npm publish --tag ${tag}", True),
        (11, "run", "npm run build", False),
        (12, "spawnIn", "npm publish --provenance", False),
        (13, "publish", "npm publish --tag next", False),
    ]
    assert next(c for c in found if c.wrapper == "spawnIn").cwd == "dist"
    assert next(c for c in found if c.wrapper == "run").wrapper_location == Location(
        "scripts/release.js", 7, 3
    )
    assert found[-1].api == "child_process.exec" and found[-1].shell == "npm publish"


def test_unrelated_calls_and_shadowing_names_are_ignored() -> None:
    source = """\
        const exec = (s) => s.toUpperCase()
        exec('npm publish')
        db.exec('npm publish')
        const re = /x/; re.exec('npm publish')
        """
    assert calls("a.js", source) == ()


def test_constants_declared_twice_are_not_substituted() -> None:
    source = """\
        import { execSync } from 'child_process'
        const CMD = 'npm publish'
        function f() { const CMD = 'echo'; return CMD }
        execSync(CMD)
        """
    (call,) = calls("a.mjs", source)
    assert call.shell == "${CMD}" and call.computed


@pytest.mark.parametrize(
    ("path", "source"),
    [
        (
            "App.jsx",
            "import {execSync} from 'child_process'\nconst A = () => <div onClick={() => execSync('npm publish')} />\n",
        ),
        (
            "App.tsx",
            "import {execSync} from 'child_process'\nconst A = (): JSX.Element => <b>{execSync('npm publish') as any}</b>\n",
        ),
        ("a.cts", "import cp = require('child_process')\nconst x: number = 1\ncp.execSync('npm publish')\n"),
    ],
)
def test_jsx_and_typescript_flavours(path: str, source: str) -> None:
    found = calls(path, source)
    assert [c.shell for c in found] == ["npm publish"], found


def test_syntax_error_keeps_calls_and_reports_position() -> None:
    source = "import { execSync } from 'child_process'\nconst x = ;\nexecSync('npm publish')\n"
    result = find_exec_calls("broken.js", source)
    assert [c.shell for c in result.calls] == ["npm publish"]
    (note,) = result.notes
    assert note.kind is NoteKind.PARSE_ERROR and note.location.line == 2


def test_columns_count_characters_not_bytes() -> None:
    source = "import {execSync} from 'child_process'\n/* é€ */ execSync('npm publish')\n"
    (call,) = calls("a.js", source)
    assert call.location == Location("a.js", 2, 10)  # bytes would give 13


def test_large_files_skipped_and_language_by_extension() -> None:
    result = find_exec_calls("big.js", "x" * 1_000_001)
    assert result.calls == () and result.notes[0].kind is NoteKind.SKIPPED
    assert [language_for(p) for p in ("a.cjs", "a.mts", "a.tsx", "a.jsx", "a.py", "bin/release")] == [
        "javascript",
        "typescript",
        "tsx",
        "javascript",
        None,
        None,
    ]


_JS_ALPHABET = st.sampled_from(
    list("(){}[];,.'\"`$\\\n =+")
    + [
        "execSync",
        "require('child_process')",
        "import {$} from 'zx'",
        "${",
        "const ",
        "x",
        "=>",
        "function f(c)",
        "npm publish",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_JS_ALPHABET, max_size=40).map("".join), st.sampled_from(["a.js", "a.ts", "a.tsx"]))
def test_never_raises_and_positions_in_range(text: str, path: str) -> None:
    result = find_exec_calls(path, text)
    lines = text.split("\n")
    for call in result.calls:
        assert 1 <= call.location.line <= len(lines)
        assert 1 <= call.location.column <= len(lines[call.location.line - 1]) + 1


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_on_unicode(text: str) -> None:
    find_exec_calls("a.ts", text)


def test_grammars_load_only_when_a_script_is_parsed() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import npm_auth_lint.parsers.js_exec as j; "
        "assert 'tree_sitter' not in sys.modules; "
        "j.find_exec_calls('a.js', 'require(\"child_process\")'); assert 'tree_sitter_javascript' in sys.modules; "
        "assert 'tree_sitter_typescript' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_files_that_name_no_runner_are_not_parsed() -> None:
    # No runner named: nothing can run, so a syntax error there is not worth a note either.
    assert find_exec_calls("lib/util.js", "export const f = (x) => x +\n") == find_exec_calls(
        "lib/util.js", ""
    )


def test_callback_and_spread_arguments() -> None:
    source = """\
        const cp = require('child_process')
        cp.execFile('npm', (err, out) => out)
        cp.execFile(...args)
        cp.spawn('npm publish', { shell: true, cwd: 'pkg' })
        """
    first, second, third = calls("a.js", source)
    assert (first.argv, first.computed) == (("npm",), False)
    assert (second.argv, second.computed) == (("${...args}",), True)
    assert (third.argv, third.uses_shell, third.cwd) == (("npm publish",), True, "pkg")


def test_env_option_entries_and_spread() -> None:
    source = """\
        import { execSync, spawnSync } from 'node:child_process'
        execSync('npm publish', { env: { ...process.env, NODE_AUTH_TOKEN: token, NPM_CONFIG_PROVENANCE: 'true' } })
        spawnSync('npm', ['publish'], { env: { NPM_TOKEN } })
        execSync('npm publish', { stdio: 'inherit' })
        """
    first, second, third = calls("publish.mjs", source)
    assert first.env == (("NODE_AUTH_TOKEN", "${token}"), ("NPM_CONFIG_PROVENANCE", "true"))
    assert first.env_spreads_process_env is True
    assert second.env == (("NPM_TOKEN", "${NPM_TOKEN}"),) and second.env_spreads_process_env is False
    assert third.env == () and third.env_spreads_process_env is None


def test_calls_in_loops_carry_the_loop_variable() -> None:
    # A publish inside a loop publishes several packages (react-router's publish.js); a call in
    # a named function is marked where that function is called, not where it is written.
    source = textwrap.dedent(
        """\
        const { execSync } = require("child_process");
        const run = (cmd) => execSync(cmd, { stdio: "inherit" });
        for (const dir of fs.readdirSync("build")) {
          execSync(`npm publish build/${dir}`);
        }
        packages.forEach((pkg) => run(`npm publish ${pkg}`));
        await Promise.all(dirs.map(async function (d) { await execSync("npm publish " + d); }));
        for (const x of execSync("ls").toString().split("\\n")) {}
        function publishOne() { execSync("npm publish"); }
        execSync("npm publish --tag once");
        let i = 0; while (i < 3) { execSync("npm publish"); i++; }
        """
    )
    loops = {(c.location.line, c.loop) for c in find_exec_calls("p.js", source).calls if not c.forwarded}
    assert loops == {(4, "dir"), (6, "pkg"), (7, "d"), (8, None), (9, None), (10, None), (11, "")}


@pytest.mark.parametrize(
    ("calls", "loop"),
    [
        ('publishBuild("router");\npublishBuild("react-router");\n', ""),  # react-router's publish.js
        ("for (const name of names) { publishBuild(name); }\n", "name"),
        ('publishBuild("router");\n', None),
        ("module.exports = { publishBuild };\n", None),  # called elsewhere, if at all
    ],
)
@pytest.mark.parametrize("header", ["function publishBuild(packageName) {", "const publishBuild = (packageName) => {"])
def test_a_named_function_runs_as_often_as_it_is_called(calls: str, loop: str | None, header: str) -> None:
    source = (
        'const { execSync } = require("child_process");\n'
        f"{header}\n"
        "  let buildDir = path.join(rootDir, packageName);\n"
        "  execSync(`pnpm publish ${buildDir}`);\n"
        "};\n" + calls
    )
    (call,) = [c for c in find_exec_calls("publish.js", source).calls if not c.forwarded]
    assert call.location.line == 4 and call.loop == loop
