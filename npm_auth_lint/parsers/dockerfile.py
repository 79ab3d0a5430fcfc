"""The ``FROM`` lines of a Dockerfile: stages, base images and tags, with their locations.

A CI step that runs a publish inside an image built from the repository's own Dockerfile uses the
Node (and npm) of that image's ``FROM`` line, so this is all the analysis needs from the file.

Own parser rather than ``dockerfile-parse`` (PyPI): tried on a multi-stage file it substituted
``${NODE_VERSION:-18}`` into ``node:20.11.1:-18}-slim`` (it knows no ``:-``/``:+`` forms), gives
0-based lines and no columns, and costs ~8 ms to import. What is needed here (logical lines with the
``escape`` directive, comments, heredocs skipped, ``ARG`` defaults before the first ``FROM``,
``--platform``, ``AS name``) is about a hundred lines, following BuildKit's rules as documented in
the Dockerfile reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import field

from npm_auth_lint import lazy_regex
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Location, frozen_map
from npm_auth_lint.parsers.script_types import NoteKind, ScriptNote, size_note

__all__ = ["BaseImage", "Dockerfile", "FromLine", "parse_dockerfile", "split_image"]

_DIRECTIVE = lazy_regex.compile(r"^#\s*([A-Za-z]+)\s*=\s*(\S+)\s*$")
_INSTRUCTION = lazy_regex.compile(r"^\s*([A-Za-z]+)(?:\s+|$)")
_HEREDOC = lazy_regex.compile(r"<<-?\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\1")
_VAR = lazy_regex.compile(r"\\\$|\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
_OTHER_BRACE = lazy_regex.compile(r"\$\{[^}]*\}")


@frozen_dataclass
class BaseImage:
    """An image reference split the way Docker reads it: ``registry/ns/name:tag@digest``."""

    name: str  # repository with registry, e.g. ``node`` or ``ghcr.io/org/img``
    tag: str | None  # ``None`` when none is written (Docker then uses ``latest``)
    digest: str | None


@frozen_dataclass
class FromLine:
    """One ``FROM [--platform=P] image [AS name]`` instruction."""

    location: Location  # of the ``FROM`` keyword
    index: int  # 0-based position among the FROM lines
    written: str  # the image as written, before ARG substitution
    image: str  # after substituting ARG defaults (unknown references kept as written)
    base: BaseImage
    stage: str | None  # the ``AS`` name, lower-cased as Docker matches it
    platform: str | None
    # Set when ``image`` names an earlier stage: that stage's name.
    parent_stage: str | None = None
    # ARG names substituted from their defaults (a ``--build-arg`` may override them).
    args_used: tuple[str, ...] = ()
    # References with no default (or forms not substituted): the image is only partly known.
    unresolved: tuple[str, ...] = ()

    @property
    def resolved(self) -> bool:
        return not self.unresolved


@frozen_dataclass
class Dockerfile:
    path: str
    froms: tuple[FromLine, ...] = ()
    # ARGs declared before the first FROM (the only ones FROM lines can use): name -> default.
    global_args: Mapping[str, str | None] = field(default_factory=frozen_map)
    notes: tuple[ScriptNote, ...] = ()

    @property
    def final(self) -> FromLine | None:
        """The last stage: what ``docker build`` produces without ``--target``."""
        return self.froms[-1] if self.froms else None

    def stage(self, name: str) -> FromLine | None:
        """The stage ``name`` (``--target``), matched case-insensitively; the last one wins."""
        wanted = name.lower()
        found = [f for f in self.froms if f.stage == wanted]
        return found[-1] if found else None

    def base_of(self, start: FromLine | None = None) -> FromLine | None:
        """The FROM line naming the outside image that ``start`` (default: the final stage) is
        built on, following ``FROM stage`` links back; None when there is no FROM line."""
        current = start or self.final
        seen: set[int] = set()
        while current is not None and current.parent_stage is not None and current.index not in seen:
            seen.add(current.index)
            earlier = [f for f in self.froms[: current.index] if f.stage == current.parent_stage]
            if not earlier:
                break
            current = earlier[-1]
        return current


def split_image(image: str) -> BaseImage:
    """``ghcr.io:443/org/node:20-alpine@sha256:ab`` -> name, tag ``20-alpine``, digest."""
    rest, _, digest = image.partition("@")
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        return BaseImage(rest[:colon], rest[colon + 1 :] or None, digest or None)
    return BaseImage(rest, None, digest or None)


def parse_dockerfile(path: str, text: str) -> Dockerfile:
    """The FROM lines and global ARGs of the Dockerfile ``text`` at ``path``; never raises."""
    skipped = size_note(path, text)
    if skipped is not None:
        return Dockerfile(path, notes=(skipped,))
    try:
        return _parse(path, text)
    except Exception as exc:
        return Dockerfile(
            path, notes=(ScriptNote(Location(path), NoteKind.PARSE_ERROR, f"not parsed: {exc}"),)
        )


@frozen_dataclass
class _Logical:
    line: int  # 1-based line of the instruction's first physical line
    column: int  # 1-based column of the keyword
    keyword: str
    rest: str  # the arguments, continuation lines joined


def _parse(path: str, text: str) -> Dockerfile:
    global_args: dict[str, str | None] = {}
    froms: list[FromLine] = []
    notes: list[ScriptNote] = []
    for logical in _logical_lines(text):
        if logical.keyword == "ARG" and not froms:
            global_args.update(_arg_declarations(logical.rest))
        elif logical.keyword == "FROM":
            loc = Location(path, logical.line, logical.column)
            line = _from_line(loc, len(froms), logical.rest, global_args, froms)
            if line is None:
                notes.append(ScriptNote(loc, NoteKind.PARSE_ERROR, "FROM without an image"))
                continue
            if line.unresolved:
                names = ", ".join(line.unresolved)
                notes.append(ScriptNote(loc, NoteKind.UNRESOLVED, f"FROM image uses {names} with no default"))
            froms.append(line)
    return Dockerfile(path, tuple(froms), frozen_map(global_args), tuple(notes))


def _logical_lines(text: str) -> Iterator[_Logical]:
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    escape = _escape_directive(lines)
    i = 0
    while i < len(lines):
        raw = lines[i]
        match = _INSTRUCTION.match(raw)
        if not raw.strip() or raw.lstrip().startswith("#") or match is None:
            i += 1
            continue
        start, parts = i, [raw]
        while _continues(parts[-1], escape) and i + 1 < len(lines):
            i += 1
            nxt = lines[i]
            if nxt.lstrip().startswith("#") or not nxt.strip():
                continue  # comments and empty lines inside a continuation are dropped
            parts[-1] = parts[-1].rstrip()[:-1]
            parts.append(nxt)
        i += 1
        joined = " ".join(part.strip() for part in parts)
        keyword = match.group(1).upper()
        yield _Logical(start + 1, match.start(1) + 1, keyword, joined[len(match.group(1)) :].strip())
        i = _skip_heredocs(lines, i, joined)


def _escape_directive(lines: list[str]) -> str:
    """Parser directives sit at the very top, before any comment or instruction."""
    for line in lines:
        match = _DIRECTIVE.match(line.strip())
        if match is None:
            break
        if match.group(1).lower() == "escape" and match.group(2) in ("\\", "`"):
            return match.group(2)
    return "\\"


def _continues(line: str, escape: str) -> bool:
    stripped = line.rstrip()
    return stripped.endswith(escape) and not stripped.endswith(escape * 2)


def _skip_heredocs(lines: list[str], i: int, instruction: str) -> int:
    """Skip the bodies of ``RUN <<EOF`` heredocs, whose lines are not instructions."""
    for match in _HEREDOC.finditer(instruction):
        word = match.group(2)
        while i < len(lines) and lines[i].strip() != word:
            i += 1
        i += 1
    return i


def _arg_declarations(rest: str) -> Iterator[tuple[str, str | None]]:
    for token in rest.split():
        name, eq, default = token.partition("=")
        if name:
            yield name, _unquote(default) if eq else None


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _from_line(
    loc: Location, index: int, rest: str, args: Mapping[str, str | None], earlier: list[FromLine]
) -> FromLine | None:
    words = rest.split()
    platform = None
    while words and words[0].startswith("--"):
        flag, _, value = words.pop(0).partition("=")
        if flag == "--platform":
            platform = value or None
    if not words:
        return None
    written = words[0]
    stage = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
    image, used, unresolved = _substitute(written, args)
    stages = {f.stage for f in earlier if f.stage}
    parent = image.lower() if image.lower() in stages else None
    return FromLine(
        location=loc,
        index=index,
        written=written,
        image=image,
        base=split_image(image),
        stage=stage,
        platform=platform,
        parent_stage=parent,
        args_used=used,
        unresolved=unresolved,
    )


def _substitute(word: str, args: Mapping[str, str | None]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Docker's ``$X``/``${X}``/``${X:-d}``/``${X:+d}`` with the global ARG defaults."""
    used: list[str] = []
    unresolved: list[str] = []

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "\\$":
            return "$"
        name = match.group(1) or match.group(4)
        value = args.get(name)
        op, fallback = match.group(2), match.group(3)
        if op is None and value is None:
            unresolved.append(name)  # no default: the value comes from --build-arg, unknown here
            return match.group(0)
        used.append(name)  # a default or fallback; a --build-arg may override it
        if op is None:
            return value or ""
        is_set = value is not None and (value != "" or not op.startswith(":"))
        if op.endswith("-"):
            return (value or "") if is_set else (fallback or "")
        return fallback if is_set else ""

    # Other ``${X#...}`` forms (BuildKit 1.7+) are left as written and reported.
    unresolved.extend(m.group(0) for m in _OTHER_BRACE.finditer(word) if not _VAR.fullmatch(m.group(0)))
    out = _VAR.sub(replace, word)
    return out, tuple(dict.fromkeys(used)), tuple(dict.fromkeys(unresolved))
