from __future__ import annotations

import textwrap
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.model import Command, Location
from npm_auth_lint.shell import _PosixParser, _SimpleParser, shell_dialect, split_script


def split(script: str, *, first_line: int = 10, column: int = 9, shell: str | None = None) -> tuple[Command, ...]:
    return split_script(textwrap.dedent(script), path="ci.yml", first_line=first_line, column=column, shell=shell)


def words(commands: tuple[Command, ...]) -> list[tuple[str, ...]]:
    return [c.words for c in commands]


def where(command: Command) -> tuple[int, int]:
    return command.location.line, command.location.column


# ---- lines and columns -----------------------------------------------------------------------


def test_multi_line_script_gives_each_command_its_line_and_column():
    commands = split(
        """\
        npm ci
          npm test
        npm publish --provenance
        """
    )
    assert words(commands) == [("npm", "ci"), ("npm", "test"), ("npm", "publish", "--provenance")]
    assert [where(c) for c in commands] == [(10, 9), (11, 11), (12, 9)]
    assert commands[0].location == Location("ci.yml", 10, 9)


def test_continuation_lines_belong_to_the_line_where_the_command_starts():
    commands = split(
        """\
        echo start
        npm publish \\
          --access public \\
          --provenance
        echo end
        """
    )
    assert words(commands)[1] == ("npm", "publish", "--access", "public", "--provenance")
    assert [c.location.line for c in commands] == [10, 11, 14]
    assert commands[1].text.startswith("npm publish \\\n")


def test_list_operators_split_commands_on_one_line():
    commands = split("npm ci && npm test || echo failed; npm publish & wait")
    assert words(commands) == [("npm", "ci"), ("npm", "test"), ("echo", "failed"), ("npm", "publish"), ("wait",)]
    assert [c.location.column for c in commands] == [9, 19, 31, 44, 58]


def test_blank_lines_and_comments_are_ignored():
    commands = split(
        """\
        # publish to npm
        npm publish # with a comment

           # indented comment
        echo 'a # not a comment' a#b
        """
    )
    assert words(commands) == [("npm", "publish"), ("echo", "a # not a comment", "a#b")]
    assert [c.location.line for c in commands] == [11, 14]


def test_windows_line_endings():
    commands = split_script("npm ci\r\nnpm publish\r\n", path="p", first_line=1)
    assert words(commands) == [("npm", "ci"), ("npm", "publish")]
    assert [c.location.line for c in commands] == [1, 2]


def test_empty_and_blank_scripts_have_no_commands():
    assert split_script("", path="p", first_line=1) == ()
    assert split_script("  \n\n # only a comment\n", path="p", first_line=1) == ()


# ---- words and quoting -----------------------------------------------------------------------


def test_quote_removal_keeps_expansions_as_written():
    (command,) = split("""echo "a b" 'c $d' $'e\\tf' "${NPM_TOKEN}" $NPM_TOKEN x\\ y "q\\"r" $"loc\"""")
    assert command.words == ("echo", "a b", "c $d", "e\tf", "${NPM_TOKEN}", "$NPM_TOKEN", "x y", 'q"r', "loc")


def test_ansi_c_byte_escapes_that_spell_utf8_decode_to_one_character():
    # bash writes the bytes; read as UTF-8 (playwright: `sed $'s/\xef\xbb\xbf//g'`) they are the
    # BOM. Bytes that are no UTF-8 stay one character each, as before.
    (command,) = split(r"""sed $'s/\xef\xbb\xbf//g' $'\303\251' $'\xff\x41' $'\u00e9\x'""")
    assert command.words == ("sed", "s/\ufeff//g", "\u00e9", "\u00ffA", "\u00e9\\x")


def test_github_expressions_are_opaque_even_with_spaces_and_quotes():
    commands = split(
        """\
        npm publish --tag ${{ github.event.inputs.tag == 'next' && 'next' || 'latest' }}
        echo '${{ github.ref == 'refs/heads/main' }}' done
        echo "//registry.npmjs.org/:_authToken=${{ secrets.NPM_TOKEN }}" >> .npmrc
        """
    )
    assert commands[0].words == (
        "npm",
        "publish",
        "--tag",
        "${{ github.event.inputs.tag == 'next' && 'next' || 'latest' }}",
    )
    assert commands[1].words == ("echo", "${{ github.ref == 'refs/heads/main' }}", "done")
    assert commands[2].words == ("echo", "//registry.npmjs.org/:_authToken=${{ secrets.NPM_TOKEN }}")
    assert commands[2].redirects == ((">>", ".npmrc"),)


def test_parameter_expansions_with_nested_braces_and_quotes_stay_one_word():
    (command,) = split("""echo ${X:-"a }"} ${#arr[@]} ${Y/\\}/x} $1 $@ $? end""")
    assert command.words == ("echo", '${X:-"a }"}', "${#arr[@]}", "${Y/\\}/x}", "$1", "$@", "$?", "end")


def test_multi_line_quoted_string_is_one_word():
    commands = split(
        """\
        echo "line one
        line two" > out
        npm publish
        """
    )
    assert commands[0].words == ("echo", "line one\nline two")
    assert [c.location.line for c in commands] == [10, 12]


# ---- assignments ------------------------------------------------------------------------------


def test_leading_assignments_move_out_of_the_words():
    (command,) = split('NPM_CONFIG_PROVENANCE=true NODE_AUTH_TOKEN="$T" npm publish X=1')
    assert command.assignments == (("NPM_CONFIG_PROVENANCE", "true"), ("NODE_AUTH_TOKEN", "$T"))
    assert command.words == ("npm", "publish", "X=1")
    assert where(command) == (10, 9)


def test_bare_assignment_is_a_command_without_words():
    commands = split("X=1\nY=$(cat version.txt) Z+=2")
    assert commands[0].words == () and commands[0].assignments == (("X", "1"),)
    assert commands[1].words == ("cat", "version.txt")
    assert commands[2].words == ()
    assert commands[2].assignments == (("Y", "$(cat version.txt)"), ("Z", "2"))


def test_export_keeps_its_assignment_as_a_word():
    (command,) = split('export NPM_TOKEN="${{ secrets.NPM_TOKEN }}"')
    assert command.words == ("export", "NPM_TOKEN=${{ secrets.NPM_TOKEN }}")
    assert command.assignments == ()


def test_quoted_name_is_not_an_assignment():
    (command,) = split('"X"=1 npm ci')
    assert command.words == ("X=1", "npm", "ci")


def test_array_assignment_is_one_assignment():
    commands = split('args=(--access public "--tag next")\nnpm publish "${args[@]}"')
    assert commands[0].assignments == (("args", '(--access public "--tag next")'),)
    assert commands[1].words == ("npm", "publish", "${args[@]}")


# ---- substitutions -------------------------------------------------------------------------


def test_command_substitution_yields_inner_command_and_keeps_outer_word():
    (inner, outer) = split(
        """export NPM_ID_TOKEN=$(circleci run oidc get --claims '{"aud": "npm:registry.npmjs.org"}')"""
    )
    assert outer.words == (
        "export",
        """NPM_ID_TOKEN=$(circleci run oidc get --claims '{"aud": "npm:registry.npmjs.org"}')""",
    )
    assert inner.words == ("circleci", "run", "oidc", "get", "--claims", '{"aud": "npm:registry.npmjs.org"}')
    assert where(outer) == (10, 9)
    assert where(inner) == (10, 31)
    assert inner.text == """circleci run oidc get --claims '{"aud": "npm:registry.npmjs.org"}'"""


def test_nested_substitutions_come_innermost_first():
    commands = split('echo "v=$(node -p "$(cat expr.js)")" && npm publish')
    assert words(commands) == [
        ("cat", "expr.js"),
        ("node", "-p", "$(cat expr.js)"),
        ("echo", 'v=$(node -p "$(cat expr.js)")'),
        ("npm", "publish"),
    ]


def test_backticks_yield_inner_commands():
    commands = split("VERSION=`node -p \"require('./package.json').version\"`\nnpm publish --tag `cat tag`")
    assert words(commands) == [
        ("node", "-p", "require('./package.json').version"),
        (),
        ("cat", "tag"),
        ("npm", "publish", "--tag", "`cat tag`"),
    ]
    assert [c.location.line for c in commands] == [10, 10, 11, 11]


def test_substitution_spanning_lines_keeps_inner_lines():
    commands = split(
        """\
        TOKEN=$(
          curl -s https://example.test/token |
            jq -r .token
        )
        npm publish
        """
    )
    assert words(commands) == [
        ("curl", "-s", "https://example.test/token"),
        ("jq", "-r", ".token"),
        (),
        ("npm", "publish"),
    ]
    assert [c.location.line for c in commands] == [11, 12, 10, 14]
    assert commands[1].piped_from == (("curl", "-s", "https://example.test/token"),)
    assert commands[2].piped_from == ()


def test_arithmetic_and_process_substitution():
    commands = split("i=$((i + 1)); (( i > 2 )) && diff <(npm pack --dry-run) expected")
    assert words(commands) == [(), ("npm", "pack", "--dry-run"), ("diff", "<(npm pack --dry-run)", "expected")]


def test_case_inside_substitution_does_not_end_it_early():
    commands = split('X=$(case "$R" in a) echo one ;; *) echo two ;; esac)\nnpm publish')
    assert words(commands) == [("echo", "one"), ("echo", "two"), (), ("npm", "publish")]


# ---- pipelines --------------------------------------------------------------------------------


def test_pipeline_members_know_what_feeds_them():
    commands = split('echo "$NPM_PASS" | base64 -d | npm login --registry https://r.test')
    assert commands[0].piped_from == ()
    assert commands[1].piped_from == (("echo", "$NPM_PASS"),)
    assert commands[2].piped_from == (("echo", "$NPM_PASS"), ("base64", "-d"))
    assert commands[2].words[:2] == ("npm", "login")


def test_pipeline_ends_at_list_operators():
    commands = split("echo a | cat && npm login")
    assert commands[2].piped_from == ()


def test_group_feeding_a_pipeline():
    commands = split('{ echo "$U"; echo "$P"; } | npm adduser')
    assert commands[2].words == ("npm", "adduser")
    assert commands[2].piped_from == (("echo", "$U"), ("echo", "$P"))


def test_pipe_into_loop_body():
    commands = split("ls packages | while read -r p; do npm publish \"$p\"; done")
    assert commands[1].words == ("read", "-r", "p")
    assert commands[2].words == ("npm", "publish", "$p")
    assert commands[2].piped_from == (("ls", "packages"),)


def test_pipeline_inside_a_piped_loop_keeps_the_nearest_feeder_last():
    # Found comparing with tree-sitter-bash (appsemble): the loop's feeders came after the inner
    # pipeline's, so `piped_from[-1]` named `ls`, not `base64` that really feeds `tee`.
    commands = split('ls | while read -r p; do echo "$p" | base64 -d | tee .npmrc; done')
    assert commands[4].words == ("tee", ".npmrc")
    assert commands[4].piped_from == (("ls",), ("echo", "$p"), ("base64", "-d"))


# ---- redirects and heredocs -------------------------------------------------------------------


def test_redirects_are_operator_target_pairs():
    (command,) = split('echo "//registry.npmjs.org/:_authToken=$T" >> ~/.npmrc 2>/dev/null 2>&1 < in')
    assert command.words == ("echo", "//registry.npmjs.org/:_authToken=$T")
    assert command.redirects == ((">>", "~/.npmrc"), ("2>", "/dev/null"), ("2>&", "1"), ("<", "in"))


def test_redirect_without_space_and_before_the_words():
    commands = split("echo registry=https://r.test/>.npmrc\n> .npmrc echo x\n&> log npm ci")
    assert commands[0].redirects == ((">", ".npmrc"),)
    assert commands[0].words == ("echo", "registry=https://r.test/")
    assert commands[1].words == ("echo", "x") and commands[1].redirects == ((">", ".npmrc"),)
    assert commands[2].redirects == (("&>", "log"),)


def test_heredoc_body_is_the_target_and_the_next_command_has_its_own_line():
    commands = split(
        """\
        cat > ~/.npmrc <<EOF
        //registry.npmjs.org/:_authToken=${NPM_TOKEN}
        always-auth=true
        EOF
        npm publish
        """
    )
    assert commands[0].words == ("cat",)
    assert commands[0].redirects == (
        (">", "~/.npmrc"),
        ("<<", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\nalways-auth=true\n"),
    )
    assert commands[0].text == "cat > ~/.npmrc <<EOF"
    assert (commands[1].words, commands[1].location.line) == (("npm", "publish"), 14)


def test_heredoc_with_dash_strips_tabs_and_quoted_delimiters():
    script = "cat <<-'NPMRC' > .npmrc\n\t//r.test/:_authToken=${T}\n\tNPMRC\nnpm ci\ncat <<\"E\" >>x\nbody\nE\n"
    commands = split_script(script, path="p", first_line=1)
    assert commands[0].redirects == (("<<-", "//r.test/:_authToken=${T}\n"), (">", ".npmrc"))
    assert commands[1].words == ("npm", "ci") and commands[1].location.line == 4
    assert commands[2].redirects == (("<<", "body\n"), (">>", "x"))


def test_two_heredocs_on_one_line_and_a_heredoc_into_a_pipeline():
    script = "cat <<A <<B | npm login\none\nA\ntwo\nB\nnpm whoami\n"
    commands = split_script(script, path="p", first_line=1)
    assert commands[0].redirects == (("<<", "one\n"), ("<<", "two\n"))
    assert commands[1].piped_from == (("cat",),)
    assert commands[2].words == ("npm", "whoami") and commands[2].location.line == 6


def test_heredoc_into_npm_login():
    commands = split_script("npm login <<EOF\n$NPM_USER\n$NPM_PASS\nEOF\n", path="p", first_line=3)
    assert commands[0].redirects == (("<<", "$NPM_USER\n$NPM_PASS\n"),)
    assert len(commands) == 1


def test_unterminated_heredoc_takes_the_rest():
    commands = split_script("cat > .npmrc <<EOF\n_auth=abc\nnpm publish\n", path="p", first_line=1)
    assert len(commands) == 1
    assert commands[0].redirects[1] == ("<<", "_auth=abc\nnpm publish\n")


def test_here_string():
    (command,) = split('npm login <<< "$NPM_PASS"')
    assert command.redirects == (("<<<", "$NPM_PASS"),)


def test_tee_stays_words():
    commands = split('echo "//r/:_authToken=$T" | tee -a ~/.npmrc > /dev/null')
    assert commands[1].words == ("tee", "-a", "~/.npmrc")
    assert commands[1].redirects == ((">", "/dev/null"),)


def test_redirect_after_a_group_applies_to_its_commands():
    commands = split(
        """\
        {
          echo "registry=https://registry.npmjs.org/"
          echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}"
        } > ~/.npmrc
        npm publish
        """
    )
    assert [c.redirects for c in commands] == [((">", "~/.npmrc"),), ((">", "~/.npmrc"),), ()]
    assert [c.location.line for c in commands] == [11, 12, 14]


# ---- compound commands ----------------------------------------------------------------------


def test_if_then_else_fi():
    commands = split(
        """\
        if [ "$GITHUB_REF" = refs/heads/main ]; then
          npm publish
        elif [[ $BRANCH == next && -n "$X" ]]; then npm publish --tag next
        else
          echo "skip"
        fi
        """
    )
    assert words(commands) == [
        ("[", "$GITHUB_REF", "=", "refs/heads/main", "]"),
        ("npm", "publish"),
        ("[[", "$BRANCH", "==", "next", "&&", "-n", "$X", "]]"),
        ("npm", "publish", "--tag", "next"),
        ("echo", "skip"),
    ]
    assert [c.location.line for c in commands] == [10, 11, 12, 12, 14]
    assert commands[3].location.column == 53


def test_double_bracket_test_with_operators_is_one_command():
    commands = split('[[ "$A" < "$B" || ( -z $C ) ]] && npm publish')
    assert commands[0].words == ("[[", "$A", "<", "$B", "||", "(", "-z", "$C", ")", "]]")
    assert commands[0].redirects == ()
    assert commands[1].words == ("npm", "publish")


def test_regex_operand_keeps_its_parentheses_and_backslashes():
    commands = split(r'[[ ! $URL =~ github\.com[:/]pnpm/pnpm(\.git)?$ ]] && npm publish')
    assert commands[0].words == ("[[", "!", "$URL", "=~", r"github\.com[:/]pnpm/pnpm(\.git)?$", "]]")
    assert commands[1].words == ("npm", "publish")
    assert split('[[ $a =~ ^"x y"(a|b)$ ]]')[0].words == ("[[", "$a", "=~", "^x y(a|b)$", "]]")


def test_substitutions_inside_arithmetic_and_arrays_are_commands():
    # Found comparing with tree-sitter-bash on real scripts (appsemble, playwright): the text of
    # `$(( ))`, `(( ))` and `( )` arrays was skipped, with the commands substituted inside it.
    commands = split(
        """\
        cutoff="$(( $(date -u +%s) - DAYS * 86400 ))"
        local TAGS=($(tags_for "$FLAVOR") `more`)
        (( n = $(count) + 1 ))
        echo done
        """
    )
    assert words(commands) == [
        ("date", "-u", "+%s"),
        (),
        ("tags_for", "$FLAVOR"),
        ("more",),
        ("local", 'TAGS=($(tags_for "$FLAVOR") `more`)'),
        ("count",),
        ("echo", "done"),
    ]
    assert commands[1].assignments == (("cutoff", "$(( $(date -u +%s) - DAYS * 86400 ))"),)
    assert [where(c) for c in commands] == [(10, 23), (10, 9), (11, 23), (11, 44), (11, 9), (12, 18), (13, 9)]


def test_not_equal_inside_double_brackets_is_one_word():
    # Found comparing with tree-sitter-bash on real workflows (pnpm, typescript-eslint): `!=` was
    # read as the words `!` and `=`.
    commands = split('if [[ $TYPE != canary && ! -f x ]]; then npm publish; fi')
    assert commands[0].words == ("[[", "$TYPE", "!=", "canary", "&&", "!", "-f", "x", "]]")
    assert commands[1].words == ("npm", "publish")


def test_for_and_while_bodies():
    commands = split(
        """\
        for dir in packages/*/ do_not_stop; do
          (cd "$dir" && npm publish)
        done
        for ((i = 0; i < 3; i++)); do echo $i; done
        while ! npm view pkg@1.0.0 > /dev/null; do sleep 5; done
        until npm whoami; do npm login; done
        select x in a b; do echo "$x"; done
        """
    )
    assert words(commands) == [
        ("cd", "$dir"),
        ("npm", "publish"),
        ("echo", "$i"),
        ("npm", "view", "pkg@1.0.0"),
        ("sleep", "5"),
        ("npm", "whoami"),
        ("npm", "login"),
        ("echo", "$x"),
    ]
    assert [c.location.line for c in commands] == [11, 11, 13, 14, 14, 15, 15, 16]
    assert commands[3].redirects == ((">", "/dev/null"),)


def test_for_header_with_substitution_still_yields_it():
    commands = split("for p in $(ls packages); do npm publish packages/$p; done")
    assert words(commands) == [("ls", "packages"), ("npm", "publish", "packages/$p")]


def test_case_statement():
    commands = split(
        """\
        case "$GITHUB_REF" in
          refs/tags/v*-beta*) npm publish --tag beta ;;
          (refs/tags/v*)
            npm publish
            ;;
          *) echo "not a release" ;;
        esac
        npm whoami
        """
    )
    assert words(commands) == [
        ("npm", "publish", "--tag", "beta"),
        ("npm", "publish"),
        ("echo", "not a release"),
        ("npm", "whoami"),
    ]
    assert [c.location.line for c in commands] == [11, 13, 15, 17]


def test_case_last_branch_without_double_semicolon():
    commands = split('case $x in\n a) npm ci\nesac\nnpm publish')
    assert words(commands) == [("npm", "ci"), ("npm", "publish")]


def test_functions_keep_their_body_commands():
    commands = split(
        """\
        publish() {
          npm publish --access public
        }
        function login {
          npm login
        }
        function other() { yarn npm publish; }
        publish
        """
    )
    assert words(commands) == [
        ("npm", "publish", "--access", "public"),
        ("npm", "login"),
        ("yarn", "npm", "publish"),
        ("publish",),
    ]
    assert [c.location.line for c in commands] == [11, 14, 16, 17]


def test_subshells_and_groups():
    commands = split("(cd packages/a && npm publish) || { echo failed; exit 1; }\n( npm ci )")
    assert words(commands) == [
        ("cd", "packages/a"),
        ("npm", "publish"),
        ("echo", "failed"),
        ("exit", "1"),
        ("npm", "ci"),
    ]
    assert [c.location.column for c in commands] == [10, 27, 45, 58, 11]


def test_negation_and_reserved_words_only_at_command_position():
    commands = split("! npm whoami\necho if then fi done {\nnpm publish")
    assert words(commands) == [("npm", "whoami"), ("echo", "if", "then", "fi", "done", "{"), ("npm", "publish")]
    assert commands[0].location.column == 11


def test_wrappers_stay_in_the_words():
    (command,) = split("sudo -E env FOO=1 npm publish")
    assert command.words == ("sudo", "-E", "env", "FOO=1", "npm", "publish")


# ---- other shells ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shell", "dialect"),
    [
        (None, "posix"),
        ("bash", "posix"),
        ("sh", "posix"),
        ("bash --noprofile --norc -eo pipefail {0}", "posix"),
        ("/usr/bin/bash -e {0}", "posix"),
        ("pwsh", "pwsh"),
        ("powershell", "pwsh"),
        ("PowerShell.exe -command \". '{0}'\"", "pwsh"),
        ("cmd", "cmd"),
        ("python", "none"),
        ("node {0}", "none"),
        ("", "posix"),
    ],
)
def test_shell_dialect(shell, dialect):
    assert shell_dialect(shell) == dialect


def test_powershell_splits_statements_and_keeps_words():
    commands = split(
        """\
        if ($env:GITHUB_REF -eq 'refs/heads/main') { npm publish --tag next }
        & npm.cmd ci; npm test | Out-Host
        "//registry.npmjs.org/:_authToken=$env:NPM_TOKEN" | Out-File -Append ~/.npmrc
        npm publish `
          --access public
        Write-Host 'it''s' "a `"b`"" > log.txt 2>&1
        # a comment
        <# block
        comment #> npm whoami
        """,
        shell="pwsh",
    )
    assert words(commands) == [
        ("if", "($env:GITHUB_REF -eq 'refs/heads/main')"),
        ("npm", "publish", "--tag", "next"),
        ("npm.cmd", "ci"),
        ("npm", "test"),
        ("Out-Host",),
        ("//registry.npmjs.org/:_authToken=$env:NPM_TOKEN",),
        ("Out-File", "-Append", "~/.npmrc"),
        ("npm", "publish", "--access", "public"),
        ("Write-Host", "it's", 'a "b"'),
        ("npm", "whoami"),
    ]
    assert [c.location.line for c in commands] == [10, 10, 11, 11, 11, 12, 12, 13, 15, 18]
    assert commands[4].piped_from == (("npm", "test"),)
    assert commands[8].redirects == ((">", "log.txt"), ("2>&", "1"))


def test_cmd_splits_on_ampersands_and_skips_remarks():
    commands = split(
        """\
        @echo off
        call npm ci && call npm publish
        rem npm publish
        :: npm publish
        echo //registry.npmjs.org/:_authToken=%NPM_TOKEN%>> .npmrc
        if "%X%"=="y" (npm publish) else (echo no)
        npm publish ^
          --access public
        """,
        shell="cmd",
    )
    assert words(commands) == [
        ("echo", "off"),
        ("call", "npm", "ci"),
        ("call", "npm", "publish"),
        ("echo", "//registry.npmjs.org/:_authToken=%NPM_TOKEN%"),
        ("if", "%X%==y"),
        ("npm", "publish"),
        ("else",),
        ("echo", "no"),
        ("npm", "publish", "--access", "public"),
    ]
    assert commands[3].redirects == ((">>", ".npmrc"),)
    assert commands[0].location.column == 10


def test_non_shell_interpreters_yield_nothing():
    assert split("import os\nos.system('npm publish')", shell="python") == ()


# ---- robustness ----------------------------------------------------------------------------

_PIECES = list("ab =$'\"\\`(){}[]|&;<>#\n\t-EOF!*") + [
    "${{", "}}", "<<", "$(", "<<-", "case ", " in ", "esac", "for ", " do ", "done", "if ", "fi",
    "[[", "]]", "((", "))", "\\\n", "$'", "<(", "2>&1", "function ", "() ",
]  # fmt: skip
_SHELLISH = st.lists(st.sampled_from(_PIECES), max_size=80).map("".join)


@given(st.text(max_size=300), st.sampled_from([None, "pwsh", "cmd", "python"]))
@settings(max_examples=300, deadline=None)
def test_split_script_never_raises_on_any_text(script, shell):
    commands = split_script(script, path="p", first_line=5, column=3, shell=shell)
    for command in commands:
        assert command.location.line >= 5
        assert command.location.column >= 3


@given(_SHELLISH)
@settings(max_examples=600, deadline=None)
def test_posix_parser_itself_never_raises_on_shell_like_text(script):
    # The parser proper, not the public fallback: a crash here would silently lose precision.
    builders = _PosixParser(script).parse()
    for b in builders:
        assert 0 <= b.start <= len(script)
        assert b.end <= len(script)


@given(st.one_of(_SHELLISH, st.text(max_size=200)))
@settings(max_examples=300, deadline=None)
def test_simple_parsers_never_raise(script):
    _SimpleParser(script, pwsh=True).parse()
    _SimpleParser(script, pwsh=False).parse()


@given(st.lists(st.sampled_from(["npm ci", "npm publish", "echo x | npm login", "X=1", "cat <<EOF\nbody\nEOF"]), max_size=20))
@settings(max_examples=100, deadline=None)
def test_lines_are_exact_for_generated_scripts(lines):
    script = "\n".join(lines)
    commands = split_script(script, path="p", first_line=1)
    text_lines = script.split("\n")
    for command in commands:
        line_text = text_lines[command.location.line - 1]
        assert line_text[command.location.column - 1 :].startswith(command.text.split("\n")[0])


@pytest.mark.parametrize(
    "script",
    [
        "$(" * 3000 + ")" * 3000,
        '"${' * 20000,
        "`" * 10001,
        "(" * 50000,
        "cat <<E " * 3000 + "\n",
        "${{ " * 20000,
        "'${{" * 20000,
        "a|" * 5000 + "b",
    ],
)
def test_pathological_inputs_stay_fast_and_never_raise(script):
    # CPU time of this process (not wall time: other processes on the machine don't count). A
    # guard against catastrophic backtracking (minutes), not a benchmark: scripts/benchmark.py
    # measures speed.
    started = time.process_time()
    _PosixParser(script).parse()
    split_script(script, path="p", first_line=1)
    assert time.process_time() - started < 10.0


def test_long_script_is_linear():
    block = 'npm ci\nif [[ "$X" == v* ]]; then echo "a=${T}" >> ~/.npmrc; fi\nX=$(cat f) npm publish\n'
    small, large = block * 200, block * 2000

    def cpu_time(script: str) -> float:
        # The best of three runs in this process's CPU time: load from other processes and
        # one-off pauses (a garbage collection) don't make a linear parser look quadratic.
        times = []
        for _ in range(3):
            started = time.process_time()
            split_script(script, path="p", first_line=1)
            times.append(time.process_time() - started)
        return min(times)

    assert len(split_script(large, path="p", first_line=1)) == 2000 * 5
    # Ten times the input: linear is ~10x; quadratic would be ~100x.
    assert cpu_time(large) < max(cpu_time(small), 0.005) * 30


# ---- constructs tree-sitter-bash gets wrong (docs/shell-parser.md): they must stay right here ---


def test_word_with_expansion_after_at_sign_and_slash_stays_one_word():
    commands = split("git remote set-url origin https://x-access-token:$GITHUB_TOKEN@github.com/$REPO.git")
    assert commands[0].words[-1] == "https://x-access-token:$GITHUB_TOKEN@github.com/$REPO.git"


def test_redirect_after_a_pipeline_belongs_to_its_last_command_only():
    commands = split('echo "$NPMRC_B64" | base64 -d > ~/.npmrc\n[[ -n "$P" ]] && kill "$P" 2>/dev/null || true')
    assert [c.redirects for c in commands] == [(), ((">", "~/.npmrc"),), (), (("2>", "/dev/null"),), ()]


def test_or_list_after_a_redirected_pipeline_is_not_a_pipeline_member():
    commands = split("gh api x 2>&1 | sed a | sed b >> \"$F\" || true")
    assert commands[-1].words == ("true",)
    assert commands[-1].piped_from == ()
    assert commands[2].piped_from == (("gh", "api", "x"), ("sed", "a"))


# ---- the comparison script's block extraction (scripts/compare_shell_parsers.py) --------------


def _compare_script():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scripts" / "compare_shell_parsers.py"
    spec = importlib.util.spec_from_file_location("compare_shell_parsers", path)
    module = importlib.util.module_from_spec(spec)
    import sys

    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_comparison_extracts_blocks_of_every_platform_the_way_each_reads_its_yaml():
    compare = _compare_script()
    github = compare.blocks_of(
        "t",
        ".github/workflows/r.yml",
        "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: npm publish\n"
        "      - uses: actions/github-script@v7\n        with:\n          script: console.log(1)\n"
        "      - run: Write-Host x\n        shell: pwsh\n"
        "  w:\n    runs-on: windows-latest\n    steps:\n      - run: dir\n",
    )
    assert [(b.key, b.text) for b in github] == [("run", "npm publish")]
    gitlab = compare.blocks_of("t", ".gitlab-ci.yml", "j:\n  script:\n    - npm ci\n    - [npm test]\n")
    assert [b.text for b in gitlab] == ["npm ci", "npm test"]
    circle = compare.blocks_of(
        "t", ".circleci/config.yml", "jobs:\n  b:\n    steps:\n      - run: echo a\n"
        "      - run:\n          command: npm publish --tag << parameters.tag >>\n",
    )
    assert [b.text for b in circle] == ["echo a", "npm publish --tag " + "_" * len("<< parameters.tag >>")]
    fixtures = compare.fixture_blocks()
    assert {b.key for b in fixtures} == {"run", "script", "command"}
    assert len(fixtures) > 300


def test_tree_sitter_bash_agrees_with_ours_on_the_fixtures():
    pytest.importorskip("tree_sitter_bash")
    compare = _compare_script()
    outcomes = compare.compare(compare.fixture_blocks(), repeat=1)
    assert [o.block.path for o in outcomes if o.only_ours or o.only_theirs] == []
