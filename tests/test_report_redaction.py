"""The reporters' faster redaction of data (common.Redacted) and line offsets (fix_data.line_starts)
give what the simple versions they replaced gave, kept here as oracles."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.reporters.common import Redacted, clean, redact_data
from npm_auth_lint.reporters.fix_data import line_starts


def oracle_redact_data(value: Any, secrets: tuple[str, ...], memo: dict[str, str]) -> Any:
    """common._redact_data before Redacted: a walk with a memo of cleaned strings."""
    if isinstance(value, str):
        cleaned = memo.get(value)
        if cleaned is None:
            cleaned = memo[value] = clean(value, secrets)
        return cleaned
    if isinstance(value, Mapping):
        return {oracle_redact_data(str(key), secrets, memo): oracle_redact_data(item, secrets, memo) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [oracle_redact_data(item, secrets, memo) for item in value]
    return value


SECRET = "s3cr3t-value"
# Strings that redaction changes (a known secret, an npm token, an auth assignment, a URL
# password, a lone surrogate) and strings it leaves alone, freely mixed.
WORDS = st.sampled_from(
    [SECRET, "npm_" + "a" * 36, "_authToken=abcdef123", "https://u:pw@host/", "caf\udce9", "plain", "authentication", "1"]
)
TEXT = st.text(max_size=6) | WORDS | st.lists(WORDS, max_size=3).map(" ".join)
KEYS = TEXT | st.integers(-2, 2) | st.booleans() | st.none()
DATA = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(KEYS, inner, max_size=4)
        | st.dictionaries(TEXT, inner, max_size=2).map(MappingProxyType)
    ),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(st.lists(DATA, max_size=3), st.sampled_from([(), (SECRET,), (SECRET, "plain")]))
def test_redacted_data_is_the_walks(items: list[Any], secrets: tuple[str, ...]) -> None:
    # One Redacted for several items, as the strategy section uses it; repr tells True from 1
    # and a list from a tuple, and shows the order of keys.
    redacted, memo = Redacted(secrets), {}
    for item in items:
        assert repr(redacted.data(item)) == repr(oracle_redact_data(item, secrets, memo))
    assert repr(redact_data(items, secrets)) == repr(oracle_redact_data(items, secrets, {}))


def test_secrets_are_redacted_everywhere_in_data() -> None:
    data = {SECRET: [SECRET, (f"x {SECRET}", {"k": SECRET})], "n": [1, True, None]}
    assert redact_data(data, (SECRET,)) == {"****": ["****", ["x ****", {"k": "****"}]], "n": [1, True, None]}


def test_clean_is_the_same_with_any_iterable_of_secrets() -> None:
    text = f"token {SECRET} and npm_{'b' * 36}"
    assert clean(text, (SECRET,)) == clean(text, [SECRET]) == clean(text, iter([SECRET])) == "token **** and npm_****"
    assert clean(text) == f"token {SECRET} and npm_****"


@given(st.text(st.sampled_from("ab\n\r\u2028é")))
def test_line_starts_are_the_offsets_after_each_line_feed(text: str) -> None:
    assert line_starts(text) == [0, *(index + 1 for index, char in enumerate(text) if char == "\n"), len(text)]
