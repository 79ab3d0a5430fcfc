"""Compose a GitLab CI/CD configuration the way GitLab does, keeping where every value is written.

GitLab builds the configuration in four passes (``Gitlab::Ci::Config#build_config``):

1. load the YAML of each file (anchors and merge keys work within one file; yamlio does them);
2. expand ``include:`` (``External::Processor``): every included file, its own includes expanded
   first, is deep-merged in order, then the including file's own keys are deep-merged on top;
3. apply ``extends:`` (``Config::Extendable``): the parents are deep-merged in order (a later
   parent wins), then the job's own keys;
4. resolve ``!reference [...]`` tags (``Yaml::Tags::Resolver``) against the result of 3, so a
   reference sees the extended job.

``default:`` and ``inherit:`` apply per job afterwards; :mod:`npm_auth_lint.parsers.gitlab` does
that when it builds the model.

The deep merge is ActiveSupport's ``Hash#deep_merge``: two mappings merge key by key, anything
else (lists included) is replaced by the later value. Every merge builds new :class:`YMap` objects
whose ``key_pos``/``value_pos`` come from the mapping that supplied each key; yamlio's ``Pos``
carries the file path, so a value from an included file, an ``extends`` parent or a ``!reference``
keeps its own file and line. Loaded trees are never mutated (aliases share objects).

Where GitLab would fail the whole pipeline (a missing include, an unknown ``extends`` parent, a
``!reference`` that cannot be found, a cycle), we record a :class:`Reference` and compose the rest,
so the other jobs are still checked; a syntax error in an included file is a :class:`ParseError`
located in that file, and the pipeline is composed without it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import field
from typing import Any

from npm_auth_lint import lazy_regex, yamlio
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Location, ParseError, Reference, frozen_map
from npm_auth_lint.workspace import FileReadError, Workspace, linear_regex
from npm_auth_lint.yamlio import Pos, Tagged, YMap, YSeq

# GitLab's limits: `context.max_includes` (150 by default, duplicates counted), Extendable's
# MAX_NESTING_LEVELS = 10 (ancestors of an extended entry, i.e. 11 levels of `extends`), and
# nested `!reference` chains (Tags::Base MAX_NESTING).
MAX_INCLUDES = 150
MAX_EXTENDS_ANCESTORS = 10
MAX_REFERENCE_NESTING = 10

_URL = lazy_regex.compile(r"^https?://", re.I)
_YAML_SUFFIXES = (".yml", ".yaml")
_MISSING: Any = object()


def location(pos: Pos) -> Location:
    """The model location of a yamlio position."""
    return Location(pos.path, pos.line, pos.column)


@frozen_dataclass
class Composed:
    """A configuration after includes, ``extends`` and ``!reference`` tags.

    ``raw`` is the configuration after includes only (before ``extends``), which the model builder
    reads to tell through which ``extends:`` lines a job's section was inherited. ``origins`` maps
    ``id()`` of every list or mapping produced by a ``!reference`` to the tag's position.
    """

    root: YMap
    raw: YMap
    references: tuple[Reference, ...] = ()
    errors: tuple[ParseError, ...] = ()
    origins: Mapping[int, Pos] = field(default_factory=frozen_map)
    files: tuple[str, ...] = ()  # every local file composed into this configuration, in order


# --------------------------------------------------------------------------------------------
# Loading


def load_config(text: str, path: str) -> Any:
    """Load one CI file, accepting GitLab's ``spec:`` header document before a ``---`` line.

    The header (``spec: inputs:`` of a component or an included file) is replaced by blank lines
    so that every position in the body stays the line of the real file. Raises
    :class:`yamlio.LoadError`.
    """
    try:
        return yamlio.load(text, path=path)
    except yamlio.LoadError as exc:
        if "single document" not in exc.message:
            raise
        lines = text.splitlines(keepends=True)
        separator = exc.line - 1
        if not 0 < separator < len(lines):
            raise
        header = yamlio.load("".join(lines[:separator]), path=path)
        if not (isinstance(header, YMap) and "spec" in header):
            raise
        body = "\n" * (separator + 1) + "".join(lines[separator + 1 :])
        return yamlio.load(body, path=path)


# --------------------------------------------------------------------------------------------
# Merging


def copy_map(source: YMap) -> YMap:
    """A new YMap with the same items and positions (loaded trees are shared, never mutated)."""
    result = YMap()
    result.pos = source.pos
    result.tag = source.tag
    for key, value in source.items():
        result[key] = value
        result.key_pos[key] = source.key_pos.get(key, source.pos)
        result.value_pos[key] = source.value_pos.get(key, source.pos)
    return result


def _copy_seq(source: YSeq) -> YSeq:
    result = YSeq()
    result.pos = source.pos
    result.extend(source)
    result.item_pos.extend(source.item_pos)
    return result


def deep_merge(base: YMap, over: YMap) -> YMap:
    """ActiveSupport ``deep_merge``: mappings merge recursively, other values are replaced."""
    result = copy_map(base)
    for key, value in over.items():
        old = result.get(key, _MISSING)
        if isinstance(old, YMap) and isinstance(value, YMap):
            value = deep_merge(old, value)
        result[key] = value
        result.key_pos[key] = over.key_pos.get(key, over.pos)
        result.value_pos[key] = over.value_pos.get(key, over.pos)
    return result


def without(source: YMap, key: Any) -> YMap:
    result = copy_map(source)
    if key in result:
        del result[key]
        result.key_pos.pop(key, None)
        result.value_pos.pop(key, None)
    return result


# --------------------------------------------------------------------------------------------
# include:


@frozen_dataclass
class IncludeEntry:
    """One entry of an ``include:`` list, before wildcard expansion."""

    kind: str  # local | remote | template | project | component | artifact | invalid
    value: str
    pos: Pos  # the entry's first line
    extra: str = ""  # project: the ref; artifact: the job


def include_entries(value: Any, pos: Pos) -> Iterator[IncludeEntry]:
    """The entries of an ``include:`` value (string, list, or one mapping); bad shapes skipped."""
    if isinstance(value, YSeq):
        items = list(zip(value, value.item_pos))
    else:
        items = [(value, pos)]
    for item, item_pos in items:
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            text = str(item)
            yield IncludeEntry("remote" if _URL.match(text) else "local", text, item_pos)
        elif isinstance(item, YMap):
            yield from _mapping_entries(item)


def _mapping_entries(item: YMap) -> Iterator[IncludeEntry]:
    pos = item.pos
    # `rules:` and `inputs:` do not change which file it is: a rules-guarded include is taken
    # as included (the linter cannot evaluate rules), inputs stay as `$[[ inputs.x ]]` text.
    for kind in ("local", "remote", "template", "component"):
        value = item.get(kind)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            yield IncludeEntry(kind, str(value), pos)
            return
    project = item.get("project")
    if isinstance(project, str):
        ref = item.get("ref")
        files = item.get("file")
        ref_text = str(ref) if isinstance(ref, (str, int, float)) and not isinstance(ref, bool) else ""
        if isinstance(files, YSeq):
            for file, file_pos in zip(files, files.item_pos):
                if isinstance(file, str):
                    yield IncludeEntry("project", f"{project}:{file.lstrip('/')}", file_pos, ref_text)
        elif isinstance(files, str):
            yield IncludeEntry("project", f"{project}:{files.lstrip('/')}", pos, ref_text)
        return
    artifact = item.get("artifact")
    if isinstance(artifact, str):
        job = item.get("job")
        yield IncludeEntry("artifact", artifact, pos, str(job) if isinstance(job, str) else "")


def describe_external(entry: IncludeEntry) -> str:
    """The ``Reference.what`` of an include that cannot be followed locally."""
    if entry.kind == "remote":
        return f"remote include {entry.value}"
    if entry.kind == "template":
        return f"template {entry.value}"
    if entry.kind == "component":
        return f"component {entry.value}"
    if entry.kind == "project":
        return f"project include {entry.value}" + (f"@{entry.extra}" if entry.extra else "")
    if entry.kind == "artifact":
        job = f" of job {entry.extra}" if entry.extra else ""
        return f"child pipeline from artifact {entry.value}{job}"
    return f"include {entry.value}"


def wildcard_regex(pattern: str) -> Any:
    """GitLab's ``Repository#search_files_by_wildcard_path``: ``**`` spans folders, ``*`` does not.

    So ``ci/*.yml`` is the files directly in ``ci/``, ``ci/**.yml`` every ``.yml`` below ``ci/``,
    and ``ci/**/*.yml`` only those in sub-folders of ``ci/``. (This is not gitignore semantics,
    which is why ``Workspace.glob`` is not used.)
    """
    escaped = re.escape(pattern)
    escaped = escaped.replace(r"\*\*", ".*?").replace(r"\*", "[^/]*?")
    return linear_regex(f"^{escaped}$")


def normalize_local(path: str) -> str | None:
    """A local include path as a repository path; ``None`` when it leaves the repository."""
    path = path.strip().lstrip("/")
    if not path:
        return None
    normal = posixpath.normpath(path)
    if normal.startswith("../") or normal in ("..", "."):
        return None
    return normal


class _Composer:
    """Mutable state of one composition: what was read, what could not be followed."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.references: list[Reference] = []
        self.errors: dict[str, ParseError] = {}
        self.loaded: dict[str, Any] = {}
        self.missing: set[str] = set()
        self.includes = 0
        self.files: list[str] = []
        self.origins: dict[int, Pos] = {}
        self._resolved: dict[int, Any] = {}
        self._tagged: dict[int, bool] = {}
        self._active: set[int] = set()
        self._sizes: dict[int, int] = {}  # expanded node count of each container, by identity

    def refer(self, pos: Pos, what: str) -> None:
        self.references.append(Reference(location(pos), what))

    # include: ----------------------------------------------------------------------------

    def expand(self, data: YMap, stack: tuple[str, ...]) -> YMap:
        """``data`` with its includes expanded and merged (included files first)."""
        merged = YMap()
        merged.pos = data.pos
        if "include" in data:
            value_pos = data.value_pos.get("include", data.pos)
            for entry in include_entries(data["include"], value_pos):
                for content in self._include(entry, stack):
                    merged = deep_merge(merged, content)
        return deep_merge(merged, without(data, "include"))

    def _include(self, entry: IncludeEntry, stack: tuple[str, ...]) -> Iterator[YMap]:
        if entry.kind != "local":
            self.refer(entry.pos, describe_external(entry))
            return
        if "$" in entry.value:
            self.refer(entry.pos, f"local include {entry.value} (uses CI/CD variables)")
            return
        if "*" in entry.value:
            pattern = entry.value.strip().lstrip("/")
            regex = wildcard_regex(pattern)
            parent = stack[-1] if stack else None
            # GitLab skips the including file itself when its own wildcard matches it.
            paths = [p for p in sorted(self.workspace.index) if regex.match(p) and p != parent]
        else:
            normal = normalize_local(entry.value)
            if normal is None:
                self.refer(entry.pos, f"local include {entry.value} not found")
                return
            paths = [normal]
        for path in paths:
            content = self._local(path, entry, stack)
            if content is not None:
                yield content

    def _local(self, path: str, entry: IncludeEntry, stack: tuple[str, ...]) -> YMap | None:
        if not path.endswith(_YAML_SUFFIXES):
            self.refer(entry.pos, f"local include {path} is not a YAML file (.yml or .yaml)")
            return None
        if path in stack:
            self.refer(entry.pos, f"local include {path} not followed: include cycle")
            return None
        self.includes += 1
        if self.includes > MAX_INCLUDES:
            self.refer(entry.pos, f"local include {path} not followed: more than {MAX_INCLUDES} includes")
            return None
        data = self.load(path)
        if path in self.missing:
            self.refer(entry.pos, f"local include {path} not found")
        if not isinstance(data, YMap):
            return None
        self.files.append(path)
        return self.expand(data, (*stack, path))

    def load(self, path: str) -> Any:
        """The loaded YAML of an included file; a broken file is recorded once, in that file."""
        if path in self.loaded:
            return self.loaded[path]
        data: Any = None
        try:
            text = self.workspace.read(path)
        except FileReadError as exc:
            if exc.message in ("file not found", "is a directory"):
                self.missing.add(path)
            else:
                self.errors.setdefault(path, ParseError(Location(path, exc.line, exc.column), exc.message))
            self.loaded[path] = None
            return None
        try:
            data = load_config(text, path)
        except yamlio.LoadError as exc:
            self.errors.setdefault(path, ParseError(Location(path, exc.line, exc.column), exc.message))
            data = None
        else:
            if data is not None and not isinstance(data, YMap):
                self.errors.setdefault(path, ParseError(Location(path, 1, 1), "expected a mapping at the top level"))
                data = None
        self.loaded[path] = data
        return data

    # extends: ----------------------------------------------------------------------------

    def extend_all(self, root: YMap, reserved: frozenset[str]) -> YMap:
        """``root`` with every job's ``extends:`` applied."""
        done: dict[Any, Any] = {}
        result = copy_map(root)
        for key in root:
            if key in reserved:
                continue
            result[key] = self._extend(root, key, (), done)
        return result

    def _extend(self, root: YMap, key: Any, ancestors: tuple[Any, ...], done: dict[Any, Any]) -> Any:
        if key in done:
            return done[key]
        value = root[key]
        if not (isinstance(value, YMap) and "extends" in value):
            return value
        extends_pos = value.value_pos.get("extends", value.pos)
        if len(ancestors) > MAX_EXTENDS_ANCESTORS:
            self.refer(extends_pos, f"extends: nesting deeper than {MAX_EXTENDS_ANCESTORS + 1} levels at {key}")
            return value
        merged = YMap()
        merged.pos = value.pos
        for parent, parent_pos in extends_names(value):
            if parent == key or parent in ancestors:
                self.refer(parent_pos, f"extends: circular chain through {parent}")
                continue
            if parent not in root:
                self.refer(parent_pos, f"extends: unknown job {parent}")
                continue
            if not isinstance(root[parent], YMap):
                self.refer(parent_pos, f"extends: {parent} is not a job")
                continue
            base = self._extend(root, parent, (*ancestors, key), done)
            if isinstance(base, YMap):
                merged = deep_merge(merged, base)
        merged = deep_merge(merged, value)
        done[key] = merged
        return merged

    # !reference --------------------------------------------------------------------------

    def resolve(self, value: Any, root: YMap, chain: tuple[tuple[str, ...], ...] = ()) -> tuple[Any, Pos | None]:
        """``value`` with every ``!reference`` replaced; a position when the value moved.

        Subtrees without tags are returned as they are, and each resolved subtree is built once
        (by identity): YAML aliases share objects, and walking every alias path of an "alias bomb"
        would never end.
        """
        if isinstance(value, Tagged):
            if value.tag == "!reference":
                return self._reference(value, root, chain)
            # Other tags are not GitLab's; the plain value is what the file says.
            return self.resolve(value.value, root, chain)
        if not isinstance(value, (YMap, YSeq)) or not self._has_tags(value):
            return value, None
        key = id(value)
        if key in self._resolved:
            return self._resolved[key], None
        if key in self._active:  # a structure that contains itself through an alias
            return _MISSING, None
        self._active.add(key)
        try:
            result = self._resolve_container(value, root, chain)
        finally:
            self._active.discard(key)
        self._resolved[key] = result
        self._check_size(result)
        return result, None

    def _size(self, value: Any) -> int:
        """Nodes in ``value`` once every alias and ``!reference`` is expanded (memoised)."""
        if not isinstance(value, (YMap, YSeq)):
            return 1
        key = id(value)
        if key not in self._sizes:
            self._sizes[key] = 1  # provisional: a structure may contain itself through an alias
            items = value.values() if isinstance(value, YMap) else value
            self._sizes[key] = 1 + sum(self._size(item) for item in items)
        return self._sizes[key]

    def _check_size(self, result: YMap | YSeq) -> None:
        # Nested `!reference`s (each level ten references to the one below) multiply like an
        # alias bomb; consumers walk the expanded tree, so refuse it here (issue #13).
        self._sizes.pop(id(result), None)
        if self._size(result) > yamlio.MAX_EXPANDED_NODES:
            raise ExpansionError(result.pos)

    def _resolve_container(self, value: YMap | YSeq, root: YMap, chain: tuple[tuple[str, ...], ...]) -> YMap | YSeq:
        if isinstance(value, YMap):
            result = YMap()
            result.pos = value.pos
            for key, item in value.items():
                resolved, moved = self.resolve(item, root, chain)
                if resolved is _MISSING:
                    continue
                result[key] = resolved
                result.key_pos[key] = value.key_pos.get(key, value.pos)
                result.value_pos[key] = moved or value.value_pos.get(key, value.pos)
            return result
        seq = YSeq()
        seq.pos = value.pos
        for item, item_pos in zip(value, value.item_pos):
            resolved, moved = self.resolve(item, root, chain)
            if resolved is _MISSING:
                continue
            seq.append(resolved)
            seq.item_pos.append(moved or item_pos)
        return seq

    def _has_tags(self, value: Any) -> bool:
        if isinstance(value, Tagged):
            return True
        if not isinstance(value, (YMap, YSeq)):
            return False
        key = id(value)
        if key in self._tagged:
            return self._tagged[key]
        self._tagged[key] = False  # provisional: a structure may contain itself
        items = value.values() if isinstance(value, YMap) else value
        found = any(self._has_tags(item) for item in items)
        self._tagged[key] = found
        return found

    def _reference(self, tag: Tagged, root: YMap, chain: tuple[tuple[str, ...], ...]) -> tuple[Any, Pos | None]:
        path = tag.value
        if not (isinstance(path, YSeq) and path and all(isinstance(p, str) for p in path)):
            self.refer(tag.pos, "!reference needs a list of keys, e.g. !reference [.job, script]")
            return _MISSING, None
        keys = tuple(path)
        shown = "[" + ", ".join(keys) + "]"
        if keys in chain:
            self.refer(tag.pos, f"!reference {shown} is part of a circular chain")
            return _MISSING, None
        if len(chain) >= MAX_REFERENCE_NESTING:
            self.refer(tag.pos, f"!reference {shown} nested deeper than {MAX_REFERENCE_NESTING} levels")
            return _MISSING, None
        target: Any = root
        target_pos: Pos | None = None
        for key in keys:
            if not (isinstance(target, YMap) and key in target):
                self.refer(tag.pos, f"!reference {shown} could not be found")
                return _MISSING, None
            target_pos = target.value_pos.get(key, target.pos)
            target = target[key]
        if id(target) in self._active:  # the reference points into the value that holds it
            self.refer(tag.pos, f"!reference {shown} is part of a circular chain")
            return _MISSING, None
        resolved, moved = self.resolve(target, root, (*chain, keys))
        if resolved is _MISSING:
            return _MISSING, None
        if isinstance(resolved, (YMap, YSeq)):
            # A shallow copy per tag: resolved subtrees are shared, the tag that brought it is not.
            size = self._size(resolved)
            resolved = copy_map(resolved) if isinstance(resolved, YMap) else _copy_seq(resolved)
            self._sizes[id(resolved)] = size
            self.origins[id(resolved)] = tag.pos
        return resolved, moved or target_pos


def extends_names(job: YMap) -> list[tuple[str, Pos]]:
    """The parents named by a job's ``extends:`` (string or list), with where each is written."""
    value = job.get("extends")
    pos = job.value_pos.get("extends", job.pos)
    if isinstance(value, YSeq):
        pairs = list(zip(value, value.item_pos))
    else:
        pairs = [(value, pos)]
    # GitLab does `Array(extends).map(&:to_s)`: scalars become names, anything else is skipped.
    return [
        (str(name).lower() if isinstance(name, bool) else str(name), name_pos)
        for name, name_pos in pairs
        if name is not None and not isinstance(name, (YMap, YSeq, Tagged))
    ]


# --------------------------------------------------------------------------------------------


def compose(workspace: Workspace, data: YMap, path: str, reserved: frozenset[str]) -> Composed:
    """Compose the configuration loaded from ``path``: includes, then ``extends``, then tags."""
    composer = _Composer(workspace)
    composer.files.append(path)
    raw = composer.expand(data, (path,))
    extended = composer.extend_all(raw, reserved)
    return _result(composer, _resolve_root(composer, extended), raw)


class ExpansionError(Exception):
    """``!reference`` tags that expand to more than ``yamlio.MAX_EXPANDED_NODES`` nodes."""

    def __init__(self, pos: Pos) -> None:
        super().__init__(pos)
        self.pos = pos


def _resolve_root(composer: _Composer, extended: YMap) -> YMap:
    try:
        root, _ = composer.resolve(extended, extended)
    except ExpansionError as exc:
        where = exc.pos.path or (composer.files[0] if composer.files else "")
        message = f"!reference tags expand to more than {yamlio.MAX_EXPANDED_NODES} nodes"
        composer.errors.setdefault(where, ParseError(Location(where, exc.pos.line, exc.pos.column), message))
        empty = YMap()
        empty.pos = extended.pos
        return empty
    return root


def _result(composer: _Composer, root: YMap, raw: YMap) -> Composed:
    seen: set[tuple[Location, str]] = set()
    references = []
    for reference in composer.references:
        key = (reference.location, reference.what)
        if key not in seen:
            seen.add(key)
            references.append(reference)
    return Composed(
        root=root,
        raw=raw,
        references=tuple(references),
        errors=tuple(composer.errors.values()),
        origins=frozen_map(composer.origins),
        files=tuple(dict.fromkeys(composer.files)),
    )


def compose_includes(workspace: Workspace, include: Any, pos: Pos, reserved: frozenset[str]) -> Composed:
    """Compose a configuration made only of ``include:`` entries (a child pipeline's files)."""
    composer = _Composer(workspace)
    data = YMap()
    data.pos = pos
    data["include"] = include
    data.key_pos["include"] = pos
    data.value_pos["include"] = pos
    raw = composer.expand(data, ())
    extended = composer.extend_all(raw, reserved)
    return _result(composer, _resolve_root(composer, extended), raw)
