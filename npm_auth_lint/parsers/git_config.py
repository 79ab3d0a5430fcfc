"""Read the origin remote of a repository from ``.git/config`` (no git binary needed)."""

from __future__ import annotations

from pathlib import Path

from npm_auth_lint import lazy_regex
from npm_auth_lint.model import GitRemote

_SECTION = lazy_regex.compile(r'^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]\s*$')
_SCP = lazy_regex.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")
_URL = lazy_regex.compile(r"^[a-z+]+://(?:[^@/]+@)?(?P<host>[^/:]+)(?::\d+)?/(?P<path>.+)$")


def git_dir(root: Path) -> Path | None:
    """The git directory of ``root``, following a ``.git`` file (worktrees, submodules)."""
    dot_git = root / ".git"
    try:
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                target = Path(text.partition(":")[2].strip())
                target = target if target.is_absolute() else (root / target)
                common = target / "commondir"
                if common.is_file():
                    rel = common.read_text(encoding="utf-8", errors="replace").strip()
                    return (target / rel).resolve()
                return target.resolve()
    except OSError:
        return None
    return None


def origin_url(config_text: str) -> str | None:
    """The ``url`` of ``[remote "origin"]`` in git-config text."""
    section: tuple[str, str | None] | None = None
    for raw in config_text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        match = _SECTION.match(line)
        if match:
            section = (match.group(1).lower(), match.group(2))
            continue
        if section == ("remote", "origin") and "=" in line:
            key, _, value = line.partition("=")
            if key.strip().lower() == "url":
                return value.strip().strip('"') or None
    return None


def parse_remote(url: str) -> GitRemote:
    """Split a remote URL into host, owner/namespace and repository name."""
    match = _URL.match(url) or _SCP.match(url)
    if match is None:
        return GitRemote(url=url, host=None, owner=None, repo=None)
    host = match.group("host").lower()
    path = match.group("path").strip("/").removesuffix(".git")
    owner, _, repo = path.rpartition("/")
    return GitRemote(url=url, host=host, owner=owner or None, repo=repo or None)


def read_origin(root: Path) -> GitRemote | None:
    directory = git_dir(root)
    if directory is None:
        return None
    try:
        text = (directory / "config").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    url = origin_url(text)
    return parse_remote(url) if url else None
