"""Shell variables set to literals filled in where a command uses them (qlik-oss/dist-flow's
`-- $PUBLISH_CMD`, pact-js's `>> $NPMRC_FILE`), and `cd` inside a command substitution."""

from __future__ import annotations

from npm_auth_lint.analysis.variables import bind_arguments, expand_value
from npm_auth_lint.shell import in_substitution, split_script


def _commands(text: str):
    return split_script(text, path="s.sh", first_line=1)


def test_expand_value_fills_known_literals_only() -> None:
    known = {"PUBLISH_CMD": "pnpm publish", "DIR": "$(pwd)/out"}
    assert expand_value("$PUBLISH_CMD --tag next", known) == "pnpm publish --tag next"
    assert expand_value("${PUBLISH_CMD} -r", known) == "pnpm publish -r"
    assert expand_value("$DIR/x", known) == "$DIR/x"  # its value is known only at run time
    assert expand_value("$UNSET ${UNSET:-y}", known) == "$UNSET ${UNSET:-y}"


def test_whole_word_arguments_are_split_unless_quoted() -> None:
    (command,) = _commands('npx lerna exec --scope a -- $PUBLISH_CMD "$PUBLISH_CMD" x$PUBLISH_CMD\n')
    bound = bind_arguments(command, {"PUBLISH_CMD": "pnpm publish"})
    assert bound.words == ("npx", "lerna", "exec", "--scope", "a", "--", "pnpm", "publish", "pnpm publish", "x$PUBLISH_CMD")


def test_command_word_is_left_to_the_walker() -> None:
    (command,) = _commands("$CMD --yes\n")
    assert bind_arguments(command, {"CMD": "npm publish"}) is command


def test_redirect_targets_of_writes_are_bound_and_heredocs_are_not() -> None:
    commands = _commands('echo "a=1" >> $RC\ncat > "${RC}" <<EOF\n//r/:_authToken=$RC\nEOF\nread x < $RC\n')
    bound = [bind_arguments(c, {"RC": ".npmrc"}).redirects for c in commands]
    assert bound[0] == ((">>", ".npmrc"),)
    assert (">", ".npmrc") in bound[1] and any(target == "//r/:_authToken=$RC\n" for _, target in bound[1])
    assert bound[2] == (("<", "$RC"),)


def test_in_substitution() -> None:
    commands = _commands(
        'SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")"; pwd)"\n'
        "cd foo; X=$(cd bar && pwd)\n"
        "Y=$(\n  cd baz\n  pwd)\n"
        "cd qux\n"
    )
    inside = {(c.text, c.location.line) for c, flag in zip(commands, in_substitution(commands)) if flag and c.words[:1] == ("cd",)}
    outside = {(c.text, c.location.line) for c, flag in zip(commands, in_substitution(commands)) if not flag and c.words[:1] == ("cd",)}
    assert inside == {('cd "$(dirname "${BASH_SOURCE[0]}")"', 1), ("cd bar", 2), ("cd baz", 4)}
    assert outside == {("cd foo", 2), ("cd qux", 6)}


def test_in_substitution_ignores_commands_joined_from_other_files() -> None:
    first = _commands("cd a\n")
    second = split_script("X=$(pwd)\n", path="other.sh", first_line=1)
    assert in_substitution((*first, *second)) == (False, True, False)  # `pwd` is in the substitution


_WORKFLOW = """on: workflow_dispatch
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-node@v4
        with:
          node-version: 24
      - run: |
          {first}
          {second}
        env:
          NODE_AUTH_TOKEN: ${{{{ secrets.NPM_TOKEN }}}}
"""
_WRITE = '#!/bin/sh\nRC=.npmrc\necho "//registry.npmjs.org/:_authToken=${NODE_AUTH_TOKEN}" > $RC\nnpm publish\n'


def _exposed(tmp_path, first: str, second: str) -> list[str]:
    from npm_auth_lint.config import Config
    from npm_auth_lint.engine import lint

    root = tmp_path / "r"
    (root / ".git").mkdir(parents=True)
    (root / ".github/workflows").mkdir(parents=True)
    (root / ".github/workflows/release.yml").write_text(_WORKFLOW.format(first=first, second=second))
    (root / "write.sh").write_text(_WRITE)
    (root / "package.json").write_text('{"name": "x", "version": "1.0.0"}')
    return [f"{f.location.path}:{f.location.line}" for f in lint([root], Config()).findings if f.rule_id == "publish-token-exposed"]


def test_install_before_a_script_that_writes_the_token_is_not_after_it(tmp_path) -> None:
    """Order is the walk's, not the line numbers of two files (pact-js: CI-file-free, script line
    11 of one file vs `npm ci` on line 32 of another)."""
    assert _exposed(tmp_path, "npm ci", "sh ./write.sh") == []


def test_install_after_a_script_that_writes_the_token(tmp_path) -> None:
    assert _exposed(tmp_path, "sh ./write.sh", "npm ci") == ["write.sh:3"]


def test_npx_passes_a_later_double_dash_on() -> None:
    """npm's bin/npx-cli.js puts its own `--` before the command: lerna gets the user's `--`."""
    from npm_auth_lint import commands as cmds
    from npm_auth_lint.commands import Publish

    def publishes(text: str) -> bool:
        command = _commands(text + "\n")[-1]  # after the substitution's commands
        return any(isinstance(r, Publish) for r in cmds.classify(command, cmds.script_lookup(None), ()))

    assert publishes("npx lerna exec --concurrency 1 $(git tag -l) -- pnpm publish")
    assert publishes("npx semantic-release -- --dry-run")  # the tool gets `-- --dry-run`
    assert not publishes("npm exec semantic-release -- --dry-run")  # npm's parser takes the `--`
