"""Parse package.json into :class:`~npm_auth_lint.model.PackageJson` with line numbers.

Python's ``json`` decides validity (its error positions are exact); the located loader
(``yamlio.load_json``: what the YAML loader gives, read as JSON) then gives every key its line
(JSON is YAML 1.2), and reports duplicate keys, which ``json`` silently accepts but which make
"which value wins" a guess.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from npm_auth_lint import yamlio
from npm_auth_lint.model import Location, PackageJson, ParseError, Text, frozen_map


def _text(path: str, mapping: yamlio.YMap, key: str) -> Text | None:
    value = mapping.get(key)
    if isinstance(value, bool):
        value = "true" if value else "false"
    if not isinstance(value, (str, int, float)):
        return None
    pos = mapping.value_pos[key]
    return Text(str(value), Location(path, pos.line, pos.column))


def _text_map(path: str, mapping: Any) -> dict[str, Text]:
    if not isinstance(mapping, yamlio.YMap):
        return {}
    out = {}
    for key in mapping:
        text = _text(path, mapping, key)
        if text is not None and isinstance(key, str):
            out[key] = text
    return out


def _entries(path: str, value: Any) -> tuple[Mapping[str, Text], ...]:
    """devEngines.runtime / packageManager: an object or an array of objects."""
    if isinstance(value, yamlio.YMap):
        return (frozen_map(_text_map(path, value)),)
    if isinstance(value, yamlio.YSeq):
        return tuple(frozen_map(_text_map(path, item)) for item in value if isinstance(item, yamlio.YMap))
    return ()


def _json_error(path: str, text: str) -> ParseError | None:
    try:
        data = yamlio.json_document(text)
    except json.JSONDecodeError as exc:
        return ParseError(Location(path, exc.lineno, exc.colno), f"invalid JSON: {exc.msg}")
    except RecursionError:
        return ParseError(Location(path, 1, 1), "invalid JSON: nested too deeply")
    except ValueError as exc:  # a number of more than 4,300 digits (Python's int-str limit)
        return ParseError(Location(path, 1, 1), f"invalid JSON: {str(exc).split(':')[0]}")
    if not isinstance(data, dict):
        return ParseError(Location(path, 1, 1), f"expected a JSON object at the top level, found {type(data).__name__}")
    return None


def parse(path: str, text: str) -> PackageJson | ParseError:
    error = _json_error(path, text.removeprefix("\ufeff"))
    if error is not None:
        return error
    try:
        data = yamlio.load_json(text.removeprefix("\ufeff"))
    except yamlio.LoadError as exc:
        return ParseError(Location(path, exc.line, exc.column), exc.message)
    if not isinstance(data, yamlio.YMap):  # pragma: no cover - json accepted an object
        return ParseError(Location(path, 1, 1), "expected a JSON object at the top level")

    repository = data.get("repository")
    repo_text = repo_dir = None
    if isinstance(repository, str):
        repo_text = _text(path, data, "repository")
    elif isinstance(repository, yamlio.YMap):
        repo_text = _text(path, repository, "url")
        repo_dir = _text(path, repository, "directory")

    workspaces: Any = data.get("workspaces")
    if isinstance(workspaces, yamlio.YMap):  # Yarn 1 {"packages": [...]}
        workspaces = workspaces.get("packages")
    workspace_texts: tuple[Text, ...] = ()
    if isinstance(workspaces, yamlio.YSeq):
        workspace_texts = tuple(
            Text(item, Location(path, pos.line, pos.column))
            for item, pos in zip(workspaces, workspaces.item_pos)
            if isinstance(item, str)
        )

    dev_engines = data.get("devEngines")
    dependencies = {**_text_map(path, data.get("dependencies")), **_text_map(path, data.get("devDependencies"))}
    private = data.get("private")
    return PackageJson(
        path=path,
        name=_text(path, data, "name"),
        version=_text(path, data, "version"),
        private=private is True or private == "true",
        scripts=frozen_map(_text_map(path, data.get("scripts"))),
        publish_config=frozen_map(_text_map(path, data.get("publishConfig"))),
        repository=repo_text,
        repository_directory=repo_dir,
        engines=frozen_map(_text_map(path, data.get("engines"))),
        package_manager=_text(path, data, "packageManager"),
        volta=frozen_map(_text_map(path, data.get("volta"))),
        dev_engines_runtime=_entries(path, dev_engines.get("runtime")) if isinstance(dev_engines, yamlio.YMap) else (),
        dev_engines_package_manager=(
            _entries(path, dev_engines.get("packageManager")) if isinstance(dev_engines, yamlio.YMap) else ()
        ),
        workspaces=workspace_texts,
        dependencies=frozen_map(dependencies),
        fields=frozen_map(
            {k: Location(path, p.line, p.column) for k, p in data.key_pos.items() if isinstance(k, str)}
        ),
    )
