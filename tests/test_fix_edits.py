"""Each fix kind on small repositories: the exact text after ``--fix`` (CRLF, comments, flow
mappings, ``read-all``, odd indentation and tabs included), and that the finding is gone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint_and_fix
from npm_auth_lint.fixes import apply_fixes, parses, splice, unified_diff
from npm_auth_lint.fixes.yaml_edits import SourceText
from npm_auth_lint.model import Edit, Fix

from .test_fix_fixtures import workflow_errors

WF = ".github/workflows/release.yml"
SETUP = """\
      - uses: actions/setup-node@v6
        with:
          node-version: 24
          registry-url: https://registry.npmjs.org
"""


def fixed(repo, files: dict[str, str], unsafe: bool = False) -> tuple[dict[str, str], list[str]]:
    """The changed texts after the fix loop, and the rule ids still reported."""
    root = repo(files)
    outcome = lint_and_fix([root], Config(), unsafe=unsafe)
    return outcome.after, [f.rule_id for f in outcome.result.findings]


def workflow(head: str, job: str) -> str:
    return f"on: release\n{head}jobs:\n  publish:\n{job}    runs-on: ubuntu-latest\n    steps:\n{SETUP}      - run: npm publish --provenance\n"


# GitHub permissions -----------------------------------------------------------------------------


def test_job_without_permissions_gets_a_block_with_contents_read(repo) -> None:
    after, left = fixed(repo, {WF: workflow("", "")})
    assert after[WF] == workflow("", "    permissions:\n      contents: read\n      id-token: write\n")
    assert "missing-id-token" not in left and workflow_errors(after[WF]) == []


def test_a_new_job_block_carries_over_the_workflow_grants(repo) -> None:
    head = "permissions:\n  contents: write  # tags\n  pull-requests: write\n"
    after, _ = fixed(repo, {WF: workflow(head, "")})
    assert after[WF] == workflow(head, "    permissions:\n      contents: write\n      pull-requests: write\n      id-token: write\n")


def test_workflow_read_all_is_spelled_out_in_the_job_block(repo) -> None:
    after, left = fixed(repo, {WF: workflow("permissions: read-all\n", "")})
    assert "      actions: read\n" in after[WF] and "      statuses: read\n      id-token: write\n" in after[WF]
    assert "missing-id-token" not in left and workflow_errors(after[WF]) == []


def test_job_read_all_becomes_a_flow_mapping_that_keeps_every_read(repo) -> None:
    after, left = fixed(repo, {WF: workflow("", "    permissions: read-all # keep\n")})
    line = next(line for line in after[WF].splitlines() if "permissions:" in line)
    assert line.startswith("    permissions: {actions: read, ") and line.endswith(", id-token: write} # keep")
    assert "missing-id-token" not in left and workflow_errors(after[WF]) == []


def test_flow_style_permissions_are_extended_in_place(repo) -> None:
    after, _ = fixed(repo, {WF: workflow("", "    permissions: {contents: read}\n")})
    assert after[WF] == workflow("", "    permissions: {contents: read, id-token: write}\n")
    after, _ = fixed(repo, {WF: workflow("", "    permissions: {}\n")})
    assert after[WF] == workflow("", "    permissions: {id-token: write}\n")


def test_block_permissions_get_a_line_after_the_last_scope_comments_kept(repo) -> None:
    job = "    permissions:\n      # what the release needs\n      contents: write # tags\n\n"
    after, _ = fixed(repo, {WF: workflow("", job)})
    assert after[WF] == workflow("", "    permissions:\n      # what the release needs\n      contents: write # tags\n      id-token: write\n\n")


def test_id_token_read_is_raised_to_write(repo) -> None:
    after, _ = fixed(repo, {WF: workflow("", "    permissions:\n      id-token: read\n      contents: read\n")})
    assert after[WF] == workflow("", "    permissions:\n      id-token: write\n      contents: read\n")


def test_crlf_workflow_stays_crlf(repo) -> None:
    text = workflow("", "    permissions:\n      contents: read\n").replace("\n", "\r\n")
    root = repo({})
    (root / WF).parent.mkdir(parents=True)
    (root / WF).write_bytes(text.encode())
    outcome = lint_and_fix([root], Config())
    assert outcome.after[WF] == workflow("", "    permissions:\n      contents: read\n      id-token: write\n").replace("\n", "\r\n")


def test_odd_indentation_and_tabs_before_comments(repo) -> None:
    text = "on: release\njobs:\n   publish:\t# three spaces\n      runs-on: ubuntu-latest\n      steps:\n         - run: npm publish --provenance\n"
    after, left = fixed(repo, {WF: text})
    assert after[WF] == text.replace("\t# three spaces\n", "\t# three spaces\n      permissions:\n         contents: read\n         id-token: write\n")
    assert "missing-id-token" not in left


# GitLab and CircleCI ----------------------------------------------------------------------------


def test_gitlab_job_gets_id_tokens_with_sigstore_for_provenance(repo) -> None:
    text = "publish:\n  image: node:24\n  script:\n    - npm publish --provenance\n"
    after, left = fixed(repo, {".gitlab-ci.yml": text})
    assert after[".gitlab-ci.yml"] == (
        'publish:\n  id_tokens:\n    NPM_ID_TOKEN:\n      aud: "npm:registry.npmjs.org"\n    SIGSTORE_ID_TOKEN:\n      aud: sigstore\n'
        "  image: node:24\n  script:\n    - npm publish --provenance\n"
    )
    assert "missing-id-token" not in left


def test_gitlab_existing_id_tokens_get_the_missing_entry(repo) -> None:
    text = "publish:\n  image: node:24\n  id_tokens:\n    OTHER:\n      aud: x   # keep\n  script:\n    - npm publish\n"
    after, _ = fixed(repo, {".gitlab-ci.yml": text})
    assert after[".gitlab-ci.yml"] == text.replace("# keep\n", '# keep\n    NPM_ID_TOKEN:\n      aud: "npm:registry.npmjs.org"\n')


CIRCLE = (
    "version: 2.1\njobs:\n  publish:\n    docker:\n      - image: cimg/node:24.15\n    steps:\n      - checkout\n{run}workflows:\n  w:\n    jobs: [publish]\n"
)
EXPORT = 'export NPM_ID_TOKEN=$(circleci run oidc get --claims \'{"aud": "npm:registry.npmjs.org"}\')'


def test_circleci_export_goes_before_the_publish_in_the_same_block(repo) -> None:
    text = CIRCLE.format(run="      - run:\n          command: |\n            npm ci\n            npm publish\n")
    after, left = fixed(repo, {".circleci/config.yml": text})
    assert after[".circleci/config.yml"] == text.replace("            npm publish\n", f"            {EXPORT}\n            npm publish\n")
    assert "missing-id-token" not in left


def test_circleci_one_line_run_becomes_a_literal_block(repo) -> None:
    text = CIRCLE.format(run="      - run: npm publish\n")
    after, left = fixed(repo, {".circleci/config.yml": text})
    assert after[".circleci/config.yml"] == text.replace("      - run: npm publish\n", f"      - run: |\n          {EXPORT}\n          npm publish\n")
    assert "missing-id-token" not in left


# Toolchain --------------------------------------------------------------------------------------


def test_node_pin_quoted_keeps_its_quotes(repo) -> None:
    text = workflow("", "    permissions:\n      id-token: write\n").replace("node-version: 24", "node-version: '20' # old")
    after, left = fixed(repo, {WF: text})
    assert after[WF] == text.replace("'20' # old", "'24' # old")
    assert "outdated-node" not in left


def test_nvmrc_and_image_tags(repo) -> None:
    job = "    permissions:\n      id-token: write\n"
    text = workflow("", job).replace("node-version: 24", "node-version-file: .nvmrc")
    after, left = fixed(repo, {WF: text, ".nvmrc": "v18.20.0\r\n"})
    assert after == {".nvmrc": "v24\r\n"} and "outdated-node" not in left
    gitlab = "publish:\n  image: node:20-alpine\n  id_tokens:\n    NPM_ID_TOKEN:\n      aud: npm:registry.npmjs.org\n  script:\n    - npm publish\n"
    after, _ = fixed(repo, {".gitlab-ci.yml": gitlab})
    assert after[".gitlab-ci.yml"] == gitlab.replace("node:20-alpine", "node:24-alpine")


def test_npm_upgrade_step_on_node_22(repo) -> None:
    text = workflow("", "    permissions:\n      id-token: write\n").replace("node-version: 24", "node-version: 22")
    after, left = fixed(repo, {WF: text})
    assert after[WF] == text.replace("      - run: npm publish", "      - run: npm install -g npm@^11.5.1\n      - run: npm publish")
    assert "outdated-npm" not in left


# Deletions and unsafe fixes ---------------------------------------------------------------------


def test_always_auth_input_and_npmrc_line_are_deleted(repo) -> None:
    text = workflow("", "    permissions:\n      id-token: write\n").replace(
        "          node-version: 24\n", "          node-version: 24\n          always-auth: true\n"
    )
    after, left = fixed(repo, {WF: text, ".npmrc": "registry=https://registry.npmjs.org/\r\nalways-auth=true\r\n; end\r\n"})
    assert after[WF] == workflow("", "    permissions:\n      id-token: write\n")
    assert after[".npmrc"] == "registry=https://registry.npmjs.org/\r\n; end\r\n"
    assert "legacy-npmrc-auth" not in left


def test_a_lone_input_takes_its_with_key_along(repo) -> None:
    text = "on: release\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@v4\n        with:\n          always-auth: true\n      - run: echo\n"
    after, _ = fixed(repo, {WF: text})
    assert after[WF] == text.replace("        with:\n          always-auth: true\n", "")


def test_token_removal_and_hosted_runner_are_unsafe(repo) -> None:
    token = workflow("", "    permissions:\n      id-token: write\n").replace(
        "npm publish --provenance\n", "npm publish --provenance\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n"
    )
    assert fixed(repo, {WF: token}) == ({}, ["oidc-token-fallback"])
    after, left = fixed(repo, {WF: token}, unsafe=True)
    assert after[WF] == workflow("", "    permissions:\n      id-token: write\n") and left == []
    runner = workflow("", "    permissions:\n      id-token: write\n").replace("runs-on: ubuntu-latest", "runs-on:\n      - self-hosted\n      - linux")
    assert fixed(repo, {WF: runner})[0] == {}
    after, left = fixed(repo, {WF: runner}, unsafe=True)
    assert after[WF] == workflow("", "    permissions:\n      id-token: write\n") and "oidc-blocker" not in left


def test_suppressed_findings_are_not_fixed(repo) -> None:
    text = workflow("", "").replace("  publish:\n", "  publish:  # npm-auth-lint: ignore[missing-id-token]\n")
    assert fixed(repo, {WF: text})[0] == {}


# Applying edits ---------------------------------------------------------------------------------


def test_overlapping_fixes_wait_and_a_fix_applies_whole() -> None:
    text = "abcdef"
    first = Fix((Edit("f", 1, 3, "X"),))
    overlapping = Fix((Edit("f", 2, 4, "Y"), Edit("f", 5, 6, "Z")))
    later = Fix((Edit("f", 4, 5, "W"),))
    done = apply_fixes({"f": text}, [first, overlapping, later, first])
    assert done.texts == {"f": "aXdWf"} and done.fixes == (first, later)


def test_a_fix_that_breaks_the_yaml_is_dropped() -> None:
    text = "a: 1\nb: 2\n"
    good = Fix((Edit("x.yml", 5, 5, "c: 3\n"),))
    bad = Fix((Edit("x.yml", 0, 0, "  - ["),))
    done = apply_fixes({"x.yml": text}, [good, bad])
    assert done.texts == {"x.yml": "a: 1\nc: 3\nb: 2\n"} and done.fixes == (good,)
    assert not parses("x.json", "{") and parses(".nvmrc", "{")


def test_unified_diff_marks_a_missing_final_newline() -> None:
    assert unified_diff({"f": "a\nb"}, {"f": "a\nc"}).endswith("+c\n\\ No newline at end of file\n")
    assert unified_diff({"f": "same"}, {"f": "same"}) == ""


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab\r\n:# -", max_size=40), st.data())
def test_splice_changes_only_the_edited_span(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    replacement = data.draw(st.text(alphabet="xy\n", max_size=5))
    out = splice(text, [Edit("f", start, end, replacement)])
    assert out[:start] == text[:start] and out[start + len(replacement) :] == text[end:]
    source = SourceText("f", text)
    assert "".join(source.line(n) + ("\n" if n < source.line_count else "") for n in range(1, source.line_count + 1)).replace("\r", "") == text.replace(
        "\r", ""
    )


PERMISSIONS = st.sampled_from(
    [
        "",
        "permissions:\n{i}contents: read\n",
        "permissions: {{contents: read}}\n",
        "permissions: {{}}\n",
        "permissions: read-all\n",
        "permissions:\n{i}contents: write # tags\n{i}# more\n{i}id-token: read\n",
    ]
)


def _indented(block: str, depth: int, unit: str) -> str:
    return "".join(unit * depth + line if line else line for line in block.format(i=unit).splitlines(keepends=True))


@settings(max_examples=25, deadline=None)
@given(
    unit=st.sampled_from(["  ", "   ", "    "]),
    newline=st.sampled_from(["\n", "\r\n"]),
    workflow_level=PERMISSIONS,
    job_level=PERMISSIONS,
    comment=st.sampled_from(["", "  # the release job", "\t# tab before a comment"]),
)
def test_id_token_fix_on_generated_workflows(tmp_path_factory, unit: str, newline: str, workflow_level: str, job_level: str, comment: str) -> None:
    """Whatever the indentation, line endings, comments and permissions, the fix grants the ID
    token, keeps every original line, and the workflow still validates."""
    text = (
        "on: release\n"
        + _indented(workflow_level, 0, unit)
        + "jobs:\n"
        + f"{unit}publish:{comment}\n"
        + _indented(job_level, 2, unit)
        + f"{unit * 2}runs-on: ubuntu-latest\n{unit * 2}steps:\n{unit * 3}- run: npm publish --provenance\n"
    ).replace("\n", newline)
    root = tmp_path_factory.mktemp("repo")
    (root / ".git").mkdir()
    (root / WF).parent.mkdir(parents=True)
    (root / WF).write_bytes(text.encode())
    outcome = lint_and_fix([root], Config())
    assert "missing-id-token" not in [f.rule_id for f in outcome.result.findings]
    after = outcome.after[WF]
    if not workflow_errors(text):  # `id-token: read` is not a value the schema allows
        assert workflow_errors(after) == []
    if newline == "\r\n":
        assert after.count("\n") == after.count("\r\n")
    kept = after.split(newline)
    original = text.split(newline)
    # Every original line is still there in order, except a one-line value the fix rewrote.
    rewritten = [line for line in original if line not in kept]
    assert len(rewritten) <= 1 and all("permissions:" in line or "id-token: read" in line for line in rewritten)


def test_a_script_line_that_only_writes_always_auth_is_deleted(repo) -> None:
    job = "    permissions:\n      id-token: write\n"
    text = workflow("", job).replace(
        "      - run: npm publish --provenance\n", "      - run: |\n          echo 'always-auth=true' >> ~/.npmrc\n          npm publish --provenance\n"
    )
    after, left = fixed(repo, {WF: text})
    assert after[WF] == text.replace("          echo 'always-auth=true' >> ~/.npmrc\n", "")
    assert "legacy-npmrc-auth" not in left
    # Alone in its script, or with more on the line: left to the user.
    alone = workflow("", job).replace(
        "      - run: npm publish --provenance\n", "      - run: |\n          echo always-auth=true >> .npmrc\n      - run: npm publish --provenance\n"
    )
    assert fixed(repo, {WF: alone})[0] == {}


def test_a_fix_that_does_not_resolve_its_finding_applies_once(repo, monkeypatch) -> None:
    """A rule whose fix leaves its finding in place must not get the same lines inserted again
    on every round."""
    from npm_auth_lint.plugins import rules_by_id

    MissingIdToken = rules_by_id()["missing-id-token"]

    root = repo({WF: workflow("", "")})
    original = MissingIdToken.check

    def stubborn(self, ctx):  # the finding stays, offering the same insertion again
        yield from original(self, ctx)
        if "id-token: write" in ctx.project.files[WF]:
            yield self.finding(ctx.project.pipelines[0].jobs[0].location, "again", fix=Fix((Edit(WF, 0, 0, "# x\n"),)))

    monkeypatch.setattr(MissingIdToken, "check", stubborn)
    outcome = lint_and_fix([root], Config())
    assert outcome.after[WF].count("# x\n") == 1
