"""The cheap scan that lets plugin discovery skip importlib.metadata when no installed
distribution declares a rule plugin: it must never say "none" when importlib would find one."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from npm_auth_lint import plugins

ENTRY_POINTS = "[console_scripts]\ntool = tool:main\n"
PLUGIN = "[npm_auth_lint.rules]\ndemo = nal_demo:DemoRule\n"


def _site(tmp_path: Path, entry_points_text: str | None, suffix: str = ".dist-info") -> Path:
    site = tmp_path / "site"
    info = site / f"demo-1.0{suffix}"
    info.mkdir(parents=True)
    (info / "METADATA" if suffix == ".dist-info" else info / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n")
    if entry_points_text is not None:
        (info / "entry_points.txt").write_text(entry_points_text)
    return site


@pytest.mark.parametrize("suffix", [".dist-info", ".egg-info"])
@pytest.mark.parametrize("text", [None, ENTRY_POINTS, PLUGIN, ENTRY_POINTS + PLUGIN])
def test_scan_agrees_with_importlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | None, suffix: str) -> None:
    site = _site(tmp_path, text, suffix)
    monkeypatch.setattr(sys, "path", [str(site), str(tmp_path / "missing")])
    declared = bool(list(entry_points(group=plugins.ENTRY_POINT_GROUP)))
    assert declared == (text is not None and "npm_auth_lint.rules" in text)
    assert plugins._may_declare_plugins() is declared


def test_a_zip_on_the_path_defers_to_importlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip archive
    monkeypatch.setattr(sys, "path", [str(archive)])
    assert plugins._may_declare_plugins() is True


def test_the_scan_agrees_on_this_install() -> None:
    declared = bool(list(entry_points(group=plugins.ENTRY_POINT_GROUP)))
    assert plugins._may_declare_plugins() is declared
    if not declared:  # the usual case: listing rules skips importlib.metadata
        assert plugins.plugin_rules() == ()
