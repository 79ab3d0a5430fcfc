"""The lazily compiled patterns behave as re.compile's do, and compile only when first used."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from npm_auth_lint import lazy_regex

_PATTERNS = [r"\$\{\{\s*secrets\.(\w+)\s*\}\}", r"(?P<name>[a-z]+)=(?P<value>\S*)", r"^npm\s+publish\b", r"a|b*"]


@given(st.sampled_from(_PATTERNS), st.sampled_from([0, re.IGNORECASE, re.MULTILINE]), st.text(max_size=60))
def test_same_results_as_re_compile(pattern: str, flags: int, text: str) -> None:
    lazy, eager = lazy_regex.compile(pattern, flags), re.compile(pattern, flags)
    for method in ("match", "search", "fullmatch"):
        got, want = getattr(lazy, method)(text), getattr(eager, method)(text)
        assert (got and (got.span(), got.groups())) == (want and (want.span(), want.groups()))
    assert lazy.findall(text) == eager.findall(text)
    assert lazy.sub("<x>", text) == eager.sub("<x>", text)
    assert lazy.split(text) == eager.split(text)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in eager.finditer(text)]
    assert (lazy.pattern, lazy.flags, lazy.groups, dict(lazy.groupindex)) == (
        eager.pattern, eager.flags, eager.groups, dict(eager.groupindex))


def test_compiles_on_first_use_only() -> None:
    bad = lazy_regex.compile("(unclosed")  # no error until it is used
    with pytest.raises(re.error):
        bad.match("x")
    pattern = lazy_regex.compile("a+")
    assert "match" not in vars(pattern)
    assert pattern.match("aa") and "match" in vars(pattern)  # later calls skip __getattr__


def test_a_lint_run_compiles_fewer_patterns_than_the_modules_define() -> None:
    # Importing the engine compiles none of the module-level patterns; a run compiles what it uses.
    code = (
        "import re, sys\n"
        "import npm_auth_lint.engine, npm_auth_lint.cli\n"
        "from npm_auth_lint.lazy_regex import _LazyPattern\n"
        "lazy = [v for m in list(sys.modules.values()) if (m.__name__ or '').startswith('npm_auth_lint')"
        " for v in vars(m).values() if isinstance(v, _LazyPattern)]\n"
        "print(len(lazy), sum('match' in vars(v) for v in lazy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    defined, compiled = int(out[0]), int(out[1])
    assert defined >= 40 and compiled == 0, out
