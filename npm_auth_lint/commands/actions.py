"""GitHub Actions ``uses:`` values: :func:`classify_action` parses one into an :class:`ActionRef`;
:func:`ref_version` reads the version of its ref (``toolchain.ranges.can_reach`` compares it)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class ActionKind(str, enum.Enum):
    SETUP_NODE = "setup-node"
    SETUP_VOLTA = "setup-volta"  # volta-cli/action: Node from `node-version` or package.json `volta`
    PUBLISH = "publish"  # publishes (changesets/action only with a `publish` input)
    INSTALL = "install"  # installs dependencies (pnpm/action-setup only with `run_install`)
    LOCAL = "local"  # ./path
    DOCKER = "docker"  # docker://image
    OTHER = "other"


_ACTIONS = {
    "actions/setup-node": (ActionKind.SETUP_NODE, None),
    "volta-cli/action": (ActionKind.SETUP_VOLTA, None),
    "js-devtools/npm-publish": (ActionKind.PUBLISH, "JS-DevTools/npm-publish"),
    "changesets/action": (ActionKind.PUBLISH, "changesets/action"),
    "cycjimmy/semantic-release-action": (ActionKind.PUBLISH, "semantic-release"),
    "codfish/semantic-release-action": (ActionKind.PUBLISH, "semantic-release"),
    "bahmutov/npm-install": (ActionKind.INSTALL, None),
    "pnpm/action-setup": (ActionKind.INSTALL, None),
}


@dataclass(frozen=True)
class ActionRef:
    """A parsed ``uses:`` value.

    ``publisher`` is the key of :data:`OIDC_PUBLISHER_SUPPORT` for a publishing action.
    ``condition`` says when the kind applies only with an input (``publish``, ``run_install``).
    """

    raw: str
    kind: ActionKind
    owner: str | None = None
    repo: str | None = None
    path: str | None = None
    ref: str | None = None
    publisher: str | None = None
    condition: str | None = None

    @property
    def name(self) -> str | None:
        """``owner/repo`` as written, without path and ref."""
        return f"{self.owner}/{self.repo}" if self.owner and self.repo else None

    def version(self, comment: str | None = None) -> tuple[int, ...] | None:
        """The version of the ref (see :func:`ref_version`)."""
        return ref_version(self.ref or "", comment)


def classify_action(uses: str) -> ActionRef:
    """Parse ``owner/repo[/path]@ref``, ``./local`` or ``docker://image``; never raises."""
    raw = uses if isinstance(uses, str) else ""
    text = raw.strip()
    if text.startswith(("./", "../", "$/")) or text == ".":
        return ActionRef(raw=raw, kind=ActionKind.LOCAL, path=text)
    if text.startswith("docker://"):
        return ActionRef(raw=raw, kind=ActionKind.DOCKER, path=text[len("docker://") :])
    name, _, ref = text.partition("@")
    parts = name.split("/")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        return ActionRef(raw=raw, kind=ActionKind.OTHER, ref=ref or None)
    owner, repo = parts[0], parts[1]
    path = "/".join(parts[2:]) or None
    kind, publisher = _ACTIONS.get(f"{owner}/{repo}".lower(), (ActionKind.OTHER, None))
    condition = None
    if (owner + "/" + repo).lower() == "changesets/action":
        condition = "publish"
        if path:  # changesets/action/version, /select-mode ... only the /publish sub-action publishes
            kind, publisher, condition = (ActionKind.PUBLISH, publisher, None) if path == "publish" else (ActionKind.OTHER, None, None)
    elif (owner + "/" + repo).lower() == "pnpm/action-setup":
        condition = "run_install"
    return ActionRef(raw=raw, kind=kind, owner=owner, repo=repo, path=path, ref=ref or None, publisher=publisher, condition=condition)


_SHA = re.compile(r"^[0-9a-fA-F]{40}$")
_VERSION = re.compile(r"(?:^|[^0-9A-Za-z.])v?(\d+(?:\.\d+){0,2})(?![\d])")


def ref_version(ref: str, comment: str | None = None) -> tuple[int, ...] | None:
    """``v1`` -> (1,), ``v1.7.0`` -> (1, 7, 0), ``v4.1`` -> (4, 1); a SHA pin reads ``comment``.

    ``comment`` is a trailing YAML comment such as ``# v1.7.0`` or ``# tag=v1.7.0`` after a SHA
    pin. Branches and unknown refs give ``None``.
    """
    if not isinstance(ref, str):
        return None
    text = ref.strip()
    from_comment = False
    if _SHA.match(text):
        if not comment:
            return None
        text, from_comment = comment.strip().lstrip("#").strip(), True
    match = re.fullmatch(r"(?:[A-Za-z_-]*[/@=])?v?(\d+(?:\.\d+){0,2})(?:[-+][0-9A-Za-z.-]*)?", text)
    if match is None and from_comment:
        match = _VERSION.search(text)
    if match is None:
        return None
    return tuple(int(part) for part in match.group(1).split("."))
