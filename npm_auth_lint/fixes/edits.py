"""The fixes rules offer: each builds the minimal :class:`~npm_auth_lint.model.Edit` s for one
change the checklist names, from the file's text and the locations the model keeps.

Every builder returns ``None`` when the text around the location is not in a shape it handles:
a fix is never guessed. Whether the edited file still parses is checked when fixes are applied
(:func:`npm_auth_lint.fixes.apply_fixes`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from npm_auth_lint import lazy_regex
from npm_auth_lint.fixes.yaml_edits import KeyLine, SourceText, flow_pairs, is_literal_block_header, owning_key, scalar_text, source_text
from npm_auth_lint.model import Applicability, Edit, Fix, Location

NPM_AUDIENCE = "npm:registry.npmjs.org"
CIRCLECI_EXPORT = f'export NPM_ID_TOKEN=$(circleci run oidc get --claims \'{{"aud": "{NPM_AUDIENCE}"}}\')'
# `"aud": "..."` in the claims of `circleci run oidc get --claims '{...}'`.
_AUDIENCE = lazy_regex.compile(r"(?P<q>[\"'])aud(?P=q)\s*:\s*\"([^\"]*)\"")
# Every scope a GitHub `permissions:` block names (what `read-all` grants, spelled out), in
# GitHub's documentation order; `id-token` is added separately.
GITHUB_SCOPES = (
    "actions", "attestations", "checks", "contents", "deployments", "discussions", "issues",
    "packages", "pages", "pull-requests", "repository-projects", "security-events", "statuses",
)  # fmt: skip


def source_of(files: Mapping[str, str], path: str) -> SourceText | None:
    text = files.get(path)
    return source_text(path, text) if text is not None else None


def _fix(edits: Sequence[Edit] | Edit | None, description: str, unsafe: bool = False) -> Fix | None:
    if edits is None:
        return None
    edits = (edits,) if isinstance(edits, Edit) else tuple(edits)
    return Fix(edits, Applicability.UNSAFE if unsafe else Applicability.SAFE, description)


# GitHub permissions ----------------------------------------------------------------------------


def github_id_token(files: Mapping[str, str], anchor: Location) -> Fix | None:
    """Grant ``id-token: write`` where ``missing-id-token`` points: the job's ``permissions:``
    key, or the job's name line (then a job block carrying over the workflow-level grants)."""
    source = source_of(files, anchor.path)
    if source is None:
        return None
    key = source.key_line(anchor.line, anchor.column)
    if key is None:
        return None
    if key.key == "permissions":
        return _fix(_extend_permissions(source, key), "add `id-token: write` to the job's permissions")
    carried = _workflow_grants(source)
    if carried is None:
        return None
    return _fix(_job_permissions(source, key, carried), "add a `permissions:` block with `id-token: write` to the job")


def _extend_permissions(source: SourceText, key: KeyLine) -> Edit | None:
    value = key.value
    if value == "read-all":
        scopes = ", ".join(f"{scope}: read" for scope in GITHUB_SCOPES)
        return source.replace_value(key, f"{{{scopes}, id-token: write}}")
    if value.startswith("{"):
        pairs = flow_pairs(value)
        if pairs is None:
            return None
        kept = [f"{name}: {level}" for name, level in pairs if name != "id-token"]
        return source.replace_value(key, "{" + ", ".join([*kept, "id-token: write"]) + "}")
    if value:
        return None  # write-all grants it already; anything else is not a permissions value
    children = source.children(key.line, key.indent)
    if children is None:
        return None
    existing = next((child for child in children if child.key == "id-token"), None)
    if existing is not None:
        return source.replace_value(existing, "write") if scalar_text(existing.value) else None
    if not children:  # `permissions:` with no value
        return source.insert_lines_after(key.line, [" " * (key.indent + source.indent_unit()) + "id-token: write"])
    last = source.block_lines(key.line, key.indent)[-1]
    return source.insert_lines_after(last, [" " * children[0].indent + "id-token: write"])


def _workflow_grants(source: SourceText) -> list[tuple[str, str]] | None:
    """What the workflow-level ``permissions:`` grants, which a job block must carry over (a
    job's block replaces the workflow's); ``contents: read`` when there is none."""
    top = source.top_level_key("permissions")
    if top is None:
        return [("contents", "read")]
    if top.value == "read-all":
        return [(scope, "read") for scope in GITHUB_SCOPES]
    if top.value.startswith("{"):
        return flow_pairs(top.value)
    if top.value:
        return None
    children = source.children(top.line, 0)
    if children is None or any(scalar_text(c.value) is None for c in children):
        return None
    return [(c.key, scalar_text(c.value) or "") for c in children]


def _job_permissions(source: SourceText, job: KeyLine, carried: list[tuple[str, str]]) -> Edit | None:
    if job.value:
        return None  # a flow-style or aliased job
    inner = source.child_indent(job.line, job.indent)
    if inner is None:
        return None
    unit = inner - job.indent
    grants = [(name, level) for name, level in carried if name != "id-token"] + [("id-token", "write")]
    lines = [" " * inner + "permissions:"] + [" " * (inner + unit) + f"{name}: {level}" for name, level in grants]
    return source.insert_lines_after(job.line, lines)


# GitLab id_tokens ------------------------------------------------------------------------------


def gitlab_id_tokens(files: Mapping[str, str], anchor: Location, npm: bool, sigstore: bool) -> Fix | None:
    """Add ``NPM_ID_TOKEN`` (and ``SIGSTORE_ID_TOKEN``) to the job's ``id_tokens:``, creating the
    key under the job's name line when it has none."""
    source = source_of(files, anchor.path)
    key = source.key_line(anchor.line, anchor.column) if source is not None else None
    if source is None or key is None or key.value:
        return None
    wanted = ([("NPM_ID_TOKEN", f'"{NPM_AUDIENCE}"')] if npm else []) + ([("SIGSTORE_ID_TOKEN", "sigstore")] if sigstore else [])
    if not wanted:
        return None
    unit = source.indent_unit()
    if key.key == "id_tokens":
        return _fix(_extend_id_tokens(source, key, wanted, unit), "add the npm ID token to the job's `id_tokens`")
    inner = source.child_indent(key.line, key.indent)
    if inner is None:
        return None
    lines = [" " * inner + "id_tokens:"] + _token_lines(wanted, inner + (inner - key.indent), inner - key.indent)
    return _fix(source.insert_lines_after(key.line, lines), "add `id_tokens:` with the npm ID token to the job")


def _extend_id_tokens(source: SourceText, key: KeyLine, wanted: list[tuple[str, str]], unit: int) -> list[Edit] | None:
    """Add the missing tokens to an ``id_tokens:`` block; a token already there with another
    audience gets the right ``aud``."""
    children = source.children(key.line, key.indent)
    if children is None:
        return None
    out: list[Edit] = []
    present = {child.key: child for child in children}
    for name, audience in wanted:
        if name in present:
            aud = next((c for c in source.children(present[name].line, present[name].indent) or () if c.key == "aud"), None)
            if aud is None or scalar_text(aud.value) is None:
                return None  # a list of audiences, or no `aud`: left to the user
            out.append(source.replace_value(aud, audience))
    missing = [(name, audience) for name, audience in wanted if name not in present]
    if missing:
        inner = children[0].indent if children else key.indent + unit
        block = source.block_lines(key.line, key.indent)
        out.append(source.insert_lines_after(block[-1] if block else key.line, _token_lines(missing, inner, unit)))
    return out or None


def _token_lines(wanted: list[tuple[str, str]], indent: int, unit: int) -> list[str]:
    lines: list[str] = []
    for name, audience in wanted:
        lines += [" " * indent + f"{name}:", " " * (indent + unit) + f"aud: {audience}"]
    return lines


# Shell lines before a command ------------------------------------------------------------------


def line_before_command(files: Mapping[str, str], command: Location, line_text: str, description: str) -> Fix | None:
    """Run ``line_text`` in the same shell just before the command at ``command``: a line of
    the same literal block (``run: |``), a script item before it (``- cmd``), or a one-line
    ``run:``/``command:`` value turned into a literal block."""
    source = source_of(files, command.path)
    if source is None or not 1 <= command.line <= source.line_count:
        return None
    text = source.line(command.line)
    prefix = text[: command.column - 1]
    owner = owning_key(source, command.line)
    if prefix.strip() == "":
        if owner is None or not is_literal_block_header(owner.value):
            return None  # a folded or plain multi-line scalar would join the lines
        return _fix(source.insert_lines_before(command.line, [" " * source.indent(command.line) + line_text]), description)
    item = re.fullmatch(r"( *)- +", prefix)
    if item and "#" not in line_text:
        return _fix(source.insert_lines_before(command.line, [f"{item.group(1)}- {line_text}"]), description)
    return _one_line_to_block(source, command, line_text, description)


def _one_line_to_block(source: SourceText, command: Location, line_text: str, description: str) -> Fix | None:
    text = source.line(command.line)
    column = len(text) - len(text.lstrip(" ")) + 1
    if text.lstrip().startswith("- "):
        column += len(text.lstrip()) - len(text.lstrip()[1:].lstrip())
    key = source.key_line(command.line, column)
    if key is None or key.key not in ("run", "command", "script") or scalar_text(key.value) != key.value:
        return None
    if source.offset(command) != key.value_start:
        return None  # the command is not the whole value
    inner = " " * (key.indent + source.indent_unit())
    nl = source.newline
    return _fix(source.replace_value(key, f"|{nl}{inner}{line_text}{nl}{inner}{key.value}"), description)


def circleci_export(files: Mapping[str, str], command: Location, export: Location | None = None) -> Fix | None:
    """Export ``NPM_ID_TOKEN`` before the publish, or correct the audience of the ``export``
    at ``export`` that the shell already runs."""
    description = "export `NPM_ID_TOKEN` from CircleCI's OIDC token before the publish"
    if export is None:
        return line_before_command(files, command, CIRCLECI_EXPORT, description)
    source = source_of(files, export.path)
    if source is None:
        return None
    match = _AUDIENCE.search(source.line(export.line))
    if match is None or match.group(2) == NPM_AUDIENCE:
        return None
    start = source.start(export.line) + match.start(2)
    return _fix(Edit(export.path, start, match.end(2) - match.start(2) + start, NPM_AUDIENCE), "use the npm audience in the `NPM_ID_TOKEN` export")


def github_step_before(files: Mapping[str, str], step: Location, run: str, description: str) -> Fix | None:
    """Insert ``- run: <run>`` as a new step before the step starting at ``step``."""
    source = source_of(files, step.path)
    if source is None or not 1 <= step.line <= source.line_count:
        return None
    text = source.line(step.line)
    match = re.match(r"( *)- ", text)
    if match is None:
        return None
    return _fix(source.insert_lines_before(step.line, [f"{match.group(1)}- run: {run}"]), description)


# Values and lines ------------------------------------------------------------------------------


def replace_text_at(files: Mapping[str, str], where: Location, old: str, new: str, description: str) -> Fix | None:
    """Replace ``old`` (a whole token) in the line at ``where``, at or after its column."""
    source = source_of(files, where.path)
    if source is None or not old or not 1 <= where.line <= source.line_count:
        return None
    text = source.line(where.line)
    # At the column itself (`v20.11.1` points past its `v`), else the first whole token after it.
    pattern = re.compile(r"(?:(?<=^)|(?<![\w.\-/]))" + re.escape(old) + r"(?![\w.\-])")
    at = re.compile(re.escape(old) + r"(?![\w.\-])").match(text, where.column - 1) or pattern.search(text, where.column - 1)
    if at is None or "#" in text[where.column - 1 : at.start()]:
        return None
    start = source.start(where.line) + at.start()
    return _fix(Edit(where.path, start, start + len(old), new), description)


def remove_key_line(files: Mapping[str, str], where: Location, key: str, description: str, unsafe: bool = False) -> Fix | None:
    """Delete the ``key: value`` (or npmrc ``key=value``) line at ``where``; when it is the only
    entry of its block (``with:``, ``env:``), the block's key goes too, so no empty key remains."""
    source = source_of(files, where.path)
    if source is None or not 1 <= where.line <= source.line_count:
        return None
    text = source.line(where.line).lstrip(" ")
    if not text.startswith(key) or text.startswith("-"):
        return None
    if not where.path.endswith((".yml", ".yaml")):
        return _fix(source.remove_lines(where.line, where.line), description, unsafe)
    line = source.key_line(where.line)
    if line is None or line.key != key or not line.value or source.block_lines(where.line, line.indent):
        return None
    owner = owning_key(source, where.line) if line.indent else None
    if owner is None:
        return _fix(source.remove_lines(where.line, where.line), description, unsafe) if not line.indent else None
    siblings = source.children(owner.line, owner.indent)
    if owner.value == "" and siblings is not None and len(siblings) == 1 and not source.line(owner.line).lstrip().startswith("- "):
        return _fix(source.remove_lines(owner.line, where.line), description, unsafe)
    return _fix(source.remove_lines(where.line, where.line), description, unsafe)


def replace_value_block(files: Mapping[str, str], key_at: Location, key: str, value: str, description: str, unsafe: bool) -> Fix | None:
    """Replace the whole value of ``key`` (one line, or a block under it) with ``value``."""
    source = source_of(files, key_at.path)
    line = source.key_line(key_at.line, key_at.column) if source is not None else None
    if source is None or line is None or line.key != key:
        return None
    block = source.block_lines(line.line, line.indent)
    if line.value and not block:
        return _fix(source.replace_value(line, value), description, unsafe)
    if line.value or not block:
        return None
    end = source.start(block[-1]) + len(source.line(block[-1]))
    return _fix(Edit(key_at.path, line.value_start, end, " " + value), description, unsafe)


def remove_script_line(files: Mapping[str, str], where: Location, pattern: re.Pattern[str], description: str) -> Fix | None:
    """Delete a line of a literal block script (``run: |``) that is exactly one command matching
    ``pattern``, when the script has other lines (an empty ``run:`` is not valid)."""
    source = source_of(files, where.path)
    if source is None or not 1 <= where.line <= source.line_count:
        return None
    if pattern.fullmatch(source.line(where.line).strip()) is None:
        return None
    owner = owning_key(source, where.line)
    if owner is None or not is_literal_block_header(owner.value) or len(source.block_lines(owner.line, owner.indent)) < 2:
        return None
    return _fix(source.remove_lines(where.line, where.line), description)



def key_location(files: Mapping[str, str], value_at: Location, first_line: int, key: str) -> Location | None:
    """Where the block-mapping key ``key`` whose value is at ``value_at`` is written: the last
    ``key:`` line from ``first_line`` (e.g. a step's first line) down to the value's line, at the
    key's first character (after a quote)."""
    source = source_of(files, value_at.path)
    if source is None or not 1 <= first_line <= value_at.line <= source.line_count:
        return None
    for number in range(value_at.line, first_line - 1, -1):
        line = source.key_line(number)
        if line is None or line.key != key or source.line(number).lstrip().startswith("-"):
            continue
        text = source.line(number)
        start = line.indent + (1 if text[line.indent] in "'\"" else 0)
        return Location(value_at.path, number, start + 1) if text[start : start + len(key)] == key else None
    return None


def rename_key(files: Mapping[str, str], key_at: Location, old: str, new: str, description: str) -> Fix | None:
    """Rename the key ``old`` written at ``key_at`` (see :func:`key_location`) to ``new``: only
    the key's characters change (its quotes, value and comment stay)."""
    source = source_of(files, key_at.path)
    if source is None or not 1 <= key_at.line <= source.line_count:
        return None
    start = source.offset(key_at)
    if source.text[start : start + len(old)] != old:
        return None
    return _fix(Edit(key_at.path, start, start + len(old), new), description)
