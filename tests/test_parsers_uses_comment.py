"""The trailing comment of a `uses:` line (`@<sha> # v4.1.0`): captured by the parsers into Step."""

from __future__ import annotations

import pytest

from npm_auth_lint.analysis import analyze
from npm_auth_lint.engine import build_project
from npm_auth_lint.model import Location, Text
from npm_auth_lint.parsers.uses_comment import uses_comment
from npm_auth_lint.workspace import Workspace

SHA = "0123456789abcdef0123456789abcdef01234567"


def at(line: int, column: int, path: str = "w.yml") -> Location:
    return Location(path, line, column)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"      - uses: x/y@{SHA} # v4.1.0", Text("v4.1.0", at(2, 62))),
        (f"      - uses: x/y@{SHA} #tag=v1.6.4", Text("tag=v1.6.4", at(2, 61))),
        (f'      - uses: "x/y@{SHA}"  #  v2  ', Text("v2  ", at(2, 66))),  # kept as written
        (f"      - uses: x/y@{SHA}", None),
        (f"      - uses: x/y@{SHA} #", None),  # an empty comment says nothing
        ("      - uses: x/y@${{ inputs.ref }} # v1", None),  # not written as the expanded value
    ],
)
def test_the_comment_after_the_reference(line, expected):
    lines = ("steps:", line)
    assert uses_comment("w.yml", lines, Text(f"x/y@{SHA}", at(2, 15))) == expected


def test_a_reference_on_another_line_or_in_another_file_has_no_comment():
    lines = ("a", f"b x/y@{SHA} # v1")
    assert uses_comment("w.yml", lines, Text(f"x/y@{SHA}", at(3, 1))) is None
    assert uses_comment("w.yml", lines, Text(f"x/y@{SHA}", at(0, 1))) is None
    assert uses_comment("other.yml", lines, Text(f"x/y@{SHA}", at(2, 3))) is None


WORKFLOW = f"""\
on: push
permissions:
  id-token: write
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@{SHA} # v4.2.2\r
      - uses: ./.github/actions/publish
      - uses: JS-DevTools/npm-publish@{SHA} # tag=v3.1.1
        with:
          token: ${{{{ secrets.NPM_TOKEN }}}}
      - uses: JS-DevTools/npm-publish@v2 # v3.1.1
"""

ACTION = f"""\
runs:
  using: composite
  steps:
    - uses: JS-DevTools/npm-publish@{SHA}    #   v3.0.0
"""


def _project(repo):
    root = repo({".github/workflows/release.yml": WORKFLOW, ".github/actions/publish/action.yml": ACTION})
    workspace = Workspace(root)
    return build_project(workspace, workspace.discover([root]))


def test_github_steps_carry_the_comment_located_in_their_own_file(repo):
    project = _project(repo)
    (pipeline,) = project.pipelines
    (job,) = pipeline.jobs
    comments = [(s.uses.value.split("@")[0], s.uses_comment) for s in job.steps]
    workflow = ".github/workflows/release.yml"
    assert comments == [
        ("actions/checkout", Text("v4.2.2", Location(workflow, 8, 75))),  # CRLF: the \r is no part of it
        ("JS-DevTools/npm-publish", Text("v3.0.0", Location(".github/actions/publish/action.yml", 4, 85))),
        ("JS-DevTools/npm-publish", Text("tag=v3.1.1", Location(workflow, 10, 82))),
        ("JS-DevTools/npm-publish", Text("v3.1.1", Location(workflow, 13, 44))),
    ]


def test_the_analysis_reads_the_tag_a_sha_pins_and_trusts_a_version_ref(repo):
    publishes = analyze(_project(repo)).publishes
    pins = [(p.tool_pin.package, p.tool_pin.version) for p in publishes if p.tool_pin is not None]
    assert pins == [
        ("JS-DevTools/npm-publish", "v3.0.0"),  # from the composite action's own line
        ("JS-DevTools/npm-publish", "v3.1.1"),  # `tag=` dropped
        ("JS-DevTools/npm-publish", "v2"),  # a version ref is the version; the comment is not read
    ]


CIRCLECI = """\
version: 2.1
orbs:
  node: circleci/node@5.1.0
jobs:
  release:
    docker:
      - image: cimg/node:22.14
    steps:
      - node/install-packages # with npm ci
workflows:
  main:
    jobs: [release]
"""


def test_circleci_orb_steps_carry_the_comment_too(repo):
    root = repo({".circleci/config.yml": CIRCLECI})
    workspace = Workspace(root)
    project = build_project(workspace, workspace.discover([root]))
    steps = [s for _, job in project.jobs() for s in job.steps if s.uses is not None]
    assert [(s.uses.value, s.uses_comment) for s in steps] == [
        ("node/install-packages", Text("with npm ci", Location(".circleci/config.yml", 9, 33)))
    ]


def test_an_empty_reference_has_no_comment() -> None:
    # Found by the property test: `uses: ${{ inputs.a }}` in a composite action expands to ''.
    from npm_auth_lint.model import Location, Text
    from npm_auth_lint.parsers.uses_comment import uses_comment

    assert uses_comment("action.yml", ("    uses: ${{ inputs.a }}  # v1",), Text("", Location("action.yml", 1, 11))) is None
