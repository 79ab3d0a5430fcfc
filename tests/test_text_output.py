"""The default ``text`` format: titles, marked snippets, related places, notes and help.

Snippets are read from real files in a temporary repository, so these tests cover what a user's
terminal shows: alignment of the markers under tabs, wide characters, escapes and redaction,
long lines cut around the span, CRLF files, unreadable files and colour.
"""

from __future__ import annotations

import dataclasses
import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npm_auth_lint.cli import main
from npm_auth_lint.model import Finding, Location, Related, Severity
from npm_auth_lint.reporters import Report
from npm_auth_lint.reporters import concise, json as json_reporter, sarif as sarif_reporter, text
from npm_auth_lint.reporters.snippets import MAX_WIDTH, span
from npm_auth_lint.reporters.wording import Source, clauses, fallback_title, word

from .test_reporters import NPM_TOKEN, RULES, DummyLegacyToken, DummyMissingIdToken, DummyUnresolved, make_report

WORKFLOW = ".github/workflows/release.yml"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


@pytest.fixture
def root(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    return repo


def render(root: Path, findings: list[Finding], **options) -> str:
    report = Report(tuple(sorted(findings)), RULES, root, 3, "1.2.3", {})
    return text.render(report, quiet=True, **options)


def note(location: Location, message: str, **kwargs) -> Finding:
    return DummyUnresolved().finding(location, message, **kwargs)


def source_and_marks(output: str, number: int) -> tuple[str, str]:
    """The source row of line ``number`` and the marker row under it."""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if re.match(rf"^ *{number} \|", line):
            return line, lines[index + 1]
    raise AssertionError(f"line {number} not shown in:\n{output}")


def assert_marked(output: str, number: int, marked: str, marker: str = "^") -> None:
    """``marked`` (as shown) on line ``number`` has ``marker``s exactly under it."""
    row, marks = source_and_marks(output, number)
    column = row.index(marked)
    assert marks[column : column + len(marked)] == marker * len(marked), f"\n{row}\n{marks}"
    assert marks[column - 1] == " ", f"\n{row}\n{marks}"


# Layout -----------------------------------------------------------------------------------------


def test_a_finding_is_a_titled_snippet(root: Path) -> None:
    write(root, {WORKFLOW: "jobs:\n  publish:\n    runs-on: ubuntu-latest\n"})
    finding = DummyMissingIdToken().finding(Location(WORKFLOW, 2, 3), "job `publish` has no `id-token: write`")
    assert render(root, [finding]) == (
        "warning[dummy-missing-id-token]: job `publish` has no `id-token: write`\n"
        " --> .github/workflows/release.yml:2:3\n"
        "  |\n"
        "2 |   publish:\n"
        "  |   ^^^^^^^\n"
        "  |\n"
        "\n"
    )


def test_title_and_help_from_the_rule_and_the_rest_of_the_message_as_note(root: Path) -> None:
    write(root, {WORKFLOW: "jobs:\n  publish:\n"})
    finding = DummyMissingIdToken().finding(
        Location(WORKFLOW, 2, 3),
        "job `publish` cannot get an ID token; its permissions lack `id-token: write`: add `id-token: write` to job `publish`",
        title="job `publish` cannot get an ID token",
        help="add `id-token: write` to job `publish`",
    )
    output = render(root, [finding])
    assert output.startswith("warning[dummy-missing-id-token]: job `publish` cannot get an ID token\n")
    assert "  = note: its permissions lack `id-token: write`\n" in output
    assert output.endswith("  = help: add `id-token: write` to job `publish`\n\n")
    assert output.count("add `id-token: write` to job") == 1


def test_a_short_message_is_the_title_and_a_long_one_gives_its_first_clause(root: Path) -> None:
    write(root, {".npmrc": "a=b\n"})
    short = note(Location(".npmrc", 1, 1), "remote include x: not followed")
    assert render(root, [short]).startswith("note[dummy-unresolved]: remote include x: not followed\n")
    assert "= note" not in render(root, [short])
    long = note(Location(".npmrc", 1, 1), "the toolchain of `npm publish` in job `publish` cannot be determined; the job uses the runner's default Node: pin it")
    output = render(root, [long])
    assert output.startswith("note[dummy-unresolved]: the toolchain of `npm publish` in job `publish` cannot be determined\n")
    assert "  = note: the job uses the runner's default Node: pin it\n" in output


def test_related_places_are_labelled_in_this_file_and_under_their_own_path(root: Path) -> None:
    write(root, {WORKFLOW: "jobs:\n  publish:\n    steps:\n      - run: npm publish\n", "package.json": '{\n  "name": "x"\n}\n'})
    finding = DummyMissingIdToken().finding(
        Location(WORKFLOW, 2, 3),
        "job `publish` has no `id-token: write`",
        related=[Related(Location(WORKFLOW, 4, 14), "the publish"), Related(Location("package.json", 2, 11), "the package")],
    )
    output = render(root, [finding])
    assert output == (
        "warning[dummy-missing-id-token]: job `publish` has no `id-token: write`\n"
        " --> .github/workflows/release.yml:2:3\n"
        "  |\n"
        "2 |   publish:\n"
        "  |   ^^^^^^^\n"
        "3 |     steps:\n"
        "4 |       - run: npm publish\n"
        "  |              ----------- the publish\n"
        " ::: package.json:2:11\n"
        "  |\n"
        '2 |   "name": "x"\n'
        "  |           --- the package\n"
        "  |\n"
        "\n"
    )


def test_lines_far_apart_are_elided_and_labels_left_of_the_last_mark_hang(root: Path) -> None:
    lines = [f"line{n}: value" for n in range(1, 31)]
    lines[19] = "x: aaa bbb ccc"
    write(root, {"ci.yml": "\n".join(lines) + "\n"})
    finding = note(
        Location("ci.yml", 20, 4),
        "a problem",
        related=[Related(Location("ci.yml", 2, 1), "first"), Related(Location("ci.yml", 20, 12), "right"), Related(Location("ci.yml", 20, 8), "middle")],
    )
    output = render(root, [finding])
    assert "\n...\n" in output
    assert (
        "20 | x: aaa bbb ccc\n"
        "   |    ^^^ --- --- right\n"
        "   |        |\n"
        "   |        middle\n"
    ) in output


def test_findings_on_one_line_share_the_snippet(root: Path) -> None:
    write(root, {WORKFLOW: "steps:\n  - uses: actions/setup-node@v4\n    with:\n      node-version: 14\n  - run: npm publish\n"})
    pin = Location(WORKFLOW, 4, 21)
    publish = Related(Location(WORKFLOW, 5, 10), "the publish that runs on it")
    advice = "use Node 24 (e.g. `node-version: 24`), whose npm is new enough"
    old_node = DummyLegacyToken().finding(pin, f"Node 14 is too old; trusted publishing needs Node >= 22.14.0: {advice}", related=[publish])
    old_npm = DummyMissingIdToken().finding(pin, f"npm 6 is too old for trusted publishing; it needs npm >= 11.5.1: {advice}", related=[publish])
    output = render(root, [old_node, old_npm])
    assert output.count("-->") == 1 and output.count("4 |") == 1
    assert output.startswith(
        "error[dummy-legacy-token]: Node 14 is too old\n"
        "warning[dummy-missing-id-token]: npm 6 is too old for trusted publishing\n"
        " --> .github/workflows/release.yml:4:21\n"
    )
    assert "  |                     ^^ dummy-legacy-token, dummy-missing-id-token\n" in output
    assert output.count("the publish that runs on it") == 1
    assert f"  = note[dummy-legacy-token]: trusted publishing needs Node >= 22.14.0: {advice}\n" in output
    # The advice both give is shown once.
    assert "  = note[dummy-missing-id-token]: it needs npm >= 11.5.1\n" in output
    assert output.count(advice) == 1


def test_findings_of_one_level_with_the_same_title_share_the_title_line(root: Path) -> None:
    write(root, {".npmrc": "a=b\n"})
    first = DummyMissingIdToken().finding(Location(".npmrc", 1, 1), "the pin is old")
    second = dataclasses.replace(first, rule_id="dummy-other")
    output = render(root, [first, second])
    assert output.startswith("warning[dummy-missing-id-token, dummy-other]: the pin is old\n --> .npmrc:1:1\n")


def test_no_sentence_repeats_in_a_finding(root: Path) -> None:
    write(root, {WORKFLOW: "jobs:\n  publish:\n    runs-on: self-hosted\n    steps:\n      - run: npm publish\n"})
    blocker = "job `publish` runs on a self-hosted runner; npm supports GitHub-hosted runners only"
    finding = note(
        Location(WORKFLOW, 5, 14),
        f"`npm publish` cannot use trusted publishing: {blocker}. Keep a granular token",
        related=[
            Related(Location(WORKFLOW, 3, 5), blocker),
            Related(Location(WORKFLOW, 2, 3), "the job"),
            Related(Location(WORKFLOW, 4, 5), "the job"),
        ],
    )
    output = render(root, [finding])
    for sentence in ("runs on a self-hosted runner", "npm supports GitHub-hosted runners only", "the job"):
        assert output.count(sentence) == 1, output
    row, marks = source_and_marks(output, 3)
    assert marks.rstrip().endswith("-------")  # the place is still marked, without a label


# Source lines -----------------------------------------------------------------------------------


def test_long_lines_are_cut_around_the_span(root: Path) -> None:
    line = "run: " + "a" * 150 + " TARGET " + "b" * 200
    write(root, {"ci.yml": f"{line}\nshort\n"})
    output = render(root, [note(Location("ci.yml", 1, line.index("TARGET") + 1), "x")])
    row, marks = source_and_marks(output, 1)
    shown = row.split("| ", 1)[1]
    assert shown.startswith("\u2026") and shown.endswith("\u2026") and len(shown) == MAX_WIDTH + 2
    assert_marked(output, 1, "TARGET")


def test_a_line_too_long_for_its_span_keeps_the_start_of_the_span(root: Path) -> None:
    value = "v" * 300
    write(root, {"package.json": f'  "packageManager": "{value}"\n'})
    output = render(root, [note(Location("package.json", 1, 21), "x")])
    row, marks = source_and_marks(output, 1)
    assert row.endswith("\u2026") and '"packageManager": "vvv' in row
    assert marks.index("^") == row.index('"vvv') and marks.rstrip().endswith("^")
    assert len(marks) < len(row)  # the marks stop where the shown text does


def test_crlf_files_show_no_carriage_return(root: Path) -> None:
    write(root, {WORKFLOW: "jobs:\r\n  publish:\r\n    runs-on: x\r\n"})
    output = render(root, [note(Location(WORKFLOW, 2, 3), "x"), note(Location(WORKFLOW, 3, 14), "y")])
    assert "\r" not in output and "\\x0d" not in output
    assert_marked(output, 2, "publish")
    assert_marked(output, 3, "x")


def test_tabs_become_four_spaces_and_marks_stay_aligned(root: Path) -> None:
    write(root, {"Makefile.yml": "\tkey:\t\tvalue\n"})
    output = render(root, [note(Location("Makefile.yml", 1, 8), "x")])
    row, _ = source_and_marks(output, 1)
    assert "\t" not in output and row.endswith("|     key:        value")
    assert_marked(output, 1, "value")


def test_wide_characters_and_escapes_keep_marks_aligned(root: Path) -> None:
    write(root, {"ci.yml": "名前: \x1b[31m値 target\n"})
    output = render(root, [note(Location("ci.yml", 1, 12), "x")])
    assert "\x1b" not in output and "\\x1b[31m" in output
    row, marks = source_and_marks(output, 1)
    # Each wide character takes two columns on screen: count columns, not characters.
    width = sum(2 if char in "名前値" else 1 for char in row[: row.index("target")])
    assert marks.index("^") == width


def test_a_cut_through_a_wide_character_keeps_marks_aligned(root: Path) -> None:
    for shift in range(4):
        line = "x" * shift + "名" * 150 + " TARGET " + "b" * 150
        write(root, {"wide.yml": line + "\n"})
        output = render(root, [note(Location("wide.yml", 1, line.index("TARGET") + 1), "x")])
        row, marks = source_and_marks(output, 1)
        prefix = row[: row.index("TARGET")]
        assert marks.index("^") == sum(2 if char == "名" else 1 for char in prefix), (shift, row)


def test_a_column_past_the_end_of_the_line_marks_the_line_end(root: Path) -> None:
    write(root, {".npmrc": "always-auth=true\n"})
    output = render(root, [note(Location(".npmrc", 1, 40), "x")])
    row, marks = source_and_marks(output, 1)
    assert marks.endswith("^") and marks.index("^") == len(row)


def test_a_line_past_the_end_of_the_file_has_no_snippet(root: Path) -> None:
    write(root, {".npmrc": "a=b\n"})
    assert render(root, [note(Location(".npmrc", 9, 1), "x")]) == "note[dummy-unresolved]: x\n --> .npmrc:9:1\n\n"


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe not utf-8\n", b"text\x00with nul\n", None],
    ids=["not-utf8", "nul-bytes", "missing"],
)
def test_a_file_that_cannot_be_read_is_shown_without_snippet(root: Path, content: bytes | None) -> None:
    if content is not None:
        write(root, {"package.json": content})
    finding = Finding(Location("package.json", 1, 1), "parse-error", "not valid UTF-8 text", Severity.ERROR)
    related = note(Location(".npmrc", 1, 1), "x", related=[Related(Location("package.json", 1, 1), "written here")])
    write(root, {".npmrc": "a=b\n"})
    output = render(root, [finding, related])
    assert output.endswith("error[parse-error]: not valid UTF-8 text\n --> package.json:1:1\n\n")
    assert "  = note: package.json:1:1: written here\n" in output
    assert "with nul" not in output and "not utf-8" not in output


def test_a_link_out_of_the_repository_is_never_shown(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "home-npmrc"
    outside.write_text(f"//registry.npmjs.org/:_authToken=secret-of-the-user\n")
    (root / ".npmrc").symlink_to(outside)
    output = render(root, [Finding(Location(".npmrc", 1, 1), "parse-error", "file is a link to outside the repository", Severity.ERROR)])
    assert "secret-of-the-user" not in output and "|" not in output


def test_snippets_are_redacted_with_every_secret_of_the_report(root: Path) -> None:
    literal = "hunter2-but-longer"
    write(root, {".npmrc": f"//registry.npmjs.org/:_authToken={NPM_TOKEN}\n", "ci.yml": f"password: {literal} # here\n"})
    token = DummyLegacyToken().finding(Location(".npmrc", 1, 34), "a token is committed")
    other = note(Location("ci.yml", 1, 1), "a literal", secrets=[literal])
    # The first finding knows no secret of its own: the pattern and the other finding's secret
    # still keep both out of the output.
    output = render(root, [token, other, note(Location("ci.yml", 1, 11), "same line")])
    assert NPM_TOKEN not in output and literal not in output
    assert_marked(output, 1, "npm_****")
    assert "password: **** # here" in output


def test_a_huge_line_with_secrets_renders_quickly_and_marks_the_mask(root: Path) -> None:
    filler = '"k": "v", ' * 10_000
    line = f'{{{filler}"_authToken": "{NPM_TOKEN}", {filler}"x": "npm_{"Q" * 36}", "end": 1}}'
    write(root, {"package.json": line + "\n"})
    started = time.process_time()
    output = render(root, [note(Location("package.json", 1, line.index("npm_Q") + 1), "x")])
    assert time.process_time() - started < 10  # linear: well under a second; quadratic: minutes
    assert NPM_TOKEN not in output and "npm_Q" not in output
    assert_marked(output, 1, "npm_****")


def test_labels_and_paths_escape_terminal_controls(root: Path) -> None:
    write(root, {".npmrc": "a=b\n"})
    finding = note(Location(".npmrc", 1, 1), "x\x1b[2J", related=[Related(Location(".npmrc", 1, 3), "label \x1b]0;pwn\x07"), Related(Location("gone\x1b.yml", 1, 1), "\x9b")])
    output = render(root, [finding])
    assert CONTROL.search(output) is None
    assert "label \\x1b]0;pwn\\x07" in output and "gone\\x1b.yml:1:1: \\x9b" in output


# Colour -----------------------------------------------------------------------------------------


def test_colour_only_when_asked(tmp_path: Path) -> None:
    from .test_reporters import write_repo

    repo = tmp_path / "sample"
    repo.mkdir()
    write_repo(repo)
    report = make_report(repo)
    assert "\033" not in text.render(report)
    coloured = text.render(report, color=True)
    assert "\033[1;91merror[dummy-legacy-token]\033[0m\033[1m: auth token npm_**** is committed in plain text\033[0m" in coloured
    assert "\033[1;33mwarning[dummy-missing-id-token]\033[0m" in coloured
    assert "\033[1;94m-->\033[0m .npmrc:2:1" in coloured
    assert "\033[1;94m|\033[0m \033[1;91m^^^^" in coloured  # the finding's span in its level's colour
    assert re.search("\033\\[1;94m-+\033\\[0m \033\\[1;94mregistry it authenticates to\033\\[0m", coloured)
    assert re.sub("\033\\[[0-9;]*m", "", coloured) == text.render(report)


@pytest.mark.parametrize("fmt", ["text", "concise"])
@pytest.mark.parametrize(
    ("env", "coloured"),
    [({}, False), ({"FORCE_COLOR": "1"}, True), ({"NO_COLOR": "1"}, False), ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False), ({"NO_COLOR": "", "FORCE_COLOR": "1"}, True)],
)
def test_no_color_and_force_color(root: Path, capsys, monkeypatch, fmt: str, env: dict[str, str], coloured: bool) -> None:
    write(root, {".npmrc": "always-auth=true\n"})
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    main([str(root), "--format", fmt])
    out = capsys.readouterr().out
    assert ("\033[" in out) is coloured
    assert "always-auth" in out


def test_quiet_and_statistics(root: Path) -> None:
    write(root, {".npmrc": "a=b\n"})
    findings = [note(Location(".npmrc", 1, 1), "x"), note(Location(".npmrc", 1, 3), "y")]
    from npm_auth_lint.reporters.strategy_text import strategy_text

    from .test_reporters import STRATEGY

    report = Report(tuple(findings), RULES, root, 1, "1.2.3", STRATEGY)
    assert text.render(report, quiet=True).count("Found") == 0
    summary = "Found 2 problems (0 errors, 0 warnings, 2 notes) in 1 file.\n\n"
    assert text.render(report).endswith(summary + strategy_text(STRATEGY))
    assert text.render(report, statistics=True) == concise.render(report, statistics=True)


def test_title_and_help_change_no_other_format(tmp_path: Path) -> None:
    from .test_reporters import write_repo

    repo = tmp_path / "sample"
    repo.mkdir()
    write_repo(repo)
    plain = make_report(repo)
    titled = dataclasses.replace(
        plain, findings=tuple(dataclasses.replace(f, title="short", help="do this") for f in plain.findings)
    )
    for reporter in (json_reporter, sarif_reporter, concise):
        assert reporter.render(titled) == reporter.render(plain)
    assert text.render(titled) != text.render(plain)


def test_rule_finding_takes_title_and_help() -> None:
    finding = DummyUnresolved().finding(Location("a", 1, 1), "m", title="t", help="h")
    assert (finding.title, finding.help) == ("t", "h")
    assert DummyUnresolved().finding(Location("a", 1, 1), "m").title == ""


# Wording and spans ------------------------------------------------------------------------------


def test_clauses_keep_code_and_brackets_whole() -> None:
    text_ = "a `x: y` b (c; d) e: f; g. Hh. i.e. j"
    assert [c.text for c in clauses(text_)] == ["a `x: y` b (c; d) e", "f", "g", "Hh. i.e. j"]


def test_fallback_title() -> None:
    assert fallback_title("short: enough") == "short: enough"
    assert fallback_title("x" * 90 + "; rest") == "x" * 90
    assert fallback_title("first line\nsecond") == "first line"


def test_word_keeps_each_clause_once() -> None:
    [first, second] = word(
        [
            Source(title="", help="", message="p" * 81 + "; same advice", labels=("same advice", "own label")),
            Source(title="other", help="same advice", message="other; more", labels=()),
        ]
    )
    assert first.title == "p" * 81 and second.title == "other"
    assert second.help == "same advice" and first.note == "" and second.note == "more"
    assert first.labels == ("", "own label")


@pytest.mark.parametrize(
    ("line", "column", "marked"),
    [
        ("  publish:", 3, "publish"),
        ("      node-version: 20 # pinned", 21, "20"),
        ("      - run: npm publish --provenance", 14, "npm publish --provenance"),
        ('    "lerna": "^8.1.2",', 14, '"^8.1.2"'),
        ("NPM_TOKEN=npm_x npm publish", 11, "npm_x"),
        ("short", 9, " "),
        ("a  b", 2, " "),
    ],
)
def test_span(line: str, column: int, marked: str) -> None:
    start, end = span(line, column)
    assert (line + " " * 10)[start:end] == marked


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(st.text(st.characters(blacklist_categories=["Cs"]), max_size=150), min_size=1, max_size=4),
    places=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 200)), min_size=1, max_size=4),
)
def test_any_source_renders_without_control_characters_or_secrets(tmp_path_factory, lines: list[str], places) -> None:
    root = tmp_path_factory.mktemp("repo")
    body = "\n".join(line.replace("\n", " ") for line in lines) + f"\n_authToken={NPM_TOKEN}\n"
    (root / "f.yml").write_text(body, encoding="utf-8", newline="")
    findings = [note(Location("f.yml", line, column), "x", related=[Related(Location("f.yml", column % 5, line), "y")]) for line, column in places]
    output = render(root, findings, color=False)
    assert CONTROL.search(output) is None
    assert NPM_TOKEN not in output
    assert output.count("-->") == len({f.location.line for f in findings})
