"""GitHub Actions ``uses:`` values: :func:`classify_action` parses one into an :class:`ActionRef`;
:func:`ref_version` reads the version of its ref (``toolchain.ranges.can_reach`` compares it)."""

from __future__ import annotations

import functools

from npm_auth_lint import lazy_regex
from npm_auth_lint.knowledge.publishing import KNOWN_ACTIONS, ActionKind, KnownAction
from npm_auth_lint.lazy_dataclass import frozen_dataclass

__all__ = ["ActionKind", "ActionRef", "KnownAction", "classify_action", "ref_version"]


@frozen_dataclass
class ActionRef:
    """A parsed ``uses:`` value.

    ``known`` is the action's row of :data:`~npm_auth_lint.knowledge.publishing.KNOWN_ACTIONS`;
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
    known: KnownAction | None = None

    @property
    def name(self) -> str | None:
        """``owner/repo`` as written, without path and ref."""
        return f"{self.owner}/{self.repo}" if self.owner and self.repo else None

    def version(self, comment: str | None = None) -> tuple[int, ...] | None:
        """The version of the ref (see :func:`ref_version`)."""
        return ref_version(self.ref or "", comment)


def classify_action(uses: str) -> ActionRef:
    """Parse ``owner/repo[/path]@ref``, ``./local`` or ``docker://image``; never raises."""
    return _classify(uses if isinstance(uses, str) else "")


@functools.lru_cache(maxsize=1024)  # a workflow tree repeats a few actions (checkout, setup-node) in every job
def _classify(raw: str) -> ActionRef:
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
    known = KNOWN_ACTIONS.get(f"{owner}/{repo}".lower())
    if known is None:
        return ActionRef(raw=raw, kind=ActionKind.OTHER, owner=owner, repo=repo, path=path, ref=ref or None)
    kind, publisher, condition = known.kind, known.publisher, known.only_with
    if path and known.publishing_sub_action is not None:
        # changesets/action/version, /select-mode ... only the /publish sub-action publishes (always).
        kind, publisher, condition = (kind, publisher, None) if path == known.publishing_sub_action else (ActionKind.OTHER, None, None)
    return ActionRef(
        raw=raw, kind=kind, owner=owner, repo=repo, path=path, ref=ref or None, publisher=publisher, condition=condition,
        known=known if kind is not ActionKind.OTHER else None,
    )


_SHA = lazy_regex.compile(r"^[0-9a-fA-F]{40}$")
_VERSION = lazy_regex.compile(r"(?:^|[^0-9A-Za-z.])v?(\d+(?:\.\d+){0,2})(?![\d])")
_REF_VERSION = lazy_regex.compile(r"(?:[A-Za-z_-]*[/@=])?v?(\d+(?:\.\d+){0,2})(?:[-+][0-9A-Za-z.-]*)?")


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
    match = _REF_VERSION.fullmatch(text)
    if match is None and from_comment:
        match = _VERSION.search(text)
    if match is None:
        return None
    return tuple(int(part) for part in match.group(1).split("."))
