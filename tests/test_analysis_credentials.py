from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.analysis.credentials import expanded_when_written


@pytest.mark.parametrize(
    ("command", "value", "expanded"),
    [
        ('echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" >> ~/.npmrc', "${NPM_TOKEN}", True),
        ("echo //registry.npmjs.org/:_authToken=$NPM_TOKEN > .npmrc", "$NPM_TOKEN", True),
        ('npm config set //registry.npmjs.org/:_authToken "$NPM_TOKEN"', "$NPM_TOKEN", True),
        ("echo '//registry.npmjs.org/:_authToken=${NPM_TOKEN}' > .npmrc", "${NPM_TOKEN}", False),
        ("echo \"it's\" '//r/:_authToken=${NPM_TOKEN}' > .npmrc", "${NPM_TOKEN}", False),
        ("cat <<EOF > ~/.npmrc", "${NPM_TOKEN}", True),
        ("cat <<'EOF' > ~/.npmrc", "${NPM_TOKEN}", False),
        ('cat <<"EOF" > ~/.npmrc', "${NPM_TOKEN}", False),
        ("cat <<-\\EOF > ~/.npmrc", "${NPM_TOKEN}", False),
        ('Add-Content .npmrc "//r/:_authToken=$env:NPM_TOKEN"', "$env:NPM_TOKEN", True),
        # A GitHub expression is substituted before the shell runs: nothing for the shell to do.
        ('echo "//r/:_authToken=${{ secrets.NPM_TOKEN }}" > .npmrc', "${{ secrets.NPM_TOKEN }}", False),
    ],
)
def test_expanded_when_written(command: str, value: str, expanded: bool) -> None:
    assert expanded_when_written(command, value) is expanded


@settings(max_examples=200)
@given(st.text(max_size=80), st.text(max_size=30))
def test_expanded_when_written_never_raises(command: str, value: str) -> None:
    assert expanded_when_written(command, value) in (True, False)
