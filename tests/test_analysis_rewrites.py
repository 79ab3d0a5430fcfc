"""Commands that may give a package another name at run time (vuetify's nightly `node -e`)."""

from __future__ import annotations

import pytest

from npm_auth_lint.analysis.rewrites import renamed_package_folders
from npm_auth_lint.shell import split_script


def _folders(text: str, directory: str = "packages/ui") -> list[tuple[str, ...]]:
    return [renamed_package_folders(c, directory) for c in split_script(text, path="ci.yml", first_line=1)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("""node -e "fs.writeFileSync('./package.json', JSON.stringify({ ...require('./package.json'), name: '@ui/nightly' }))"\n""", ("packages/ui",)),
        ("""node -e "const p = require('./dist/package.json'); p.name = 'x'; fs.writeFileSync('dist/package.json', JSON.stringify(p))"\n""", ("packages/ui/dist",)),
        ("npm pkg set name=@ui/next\n", ("packages/ui",)),
        ("pnpm pkg set name=@ui/next version=1.0.0\n", ("packages/ui",)),
        ("""jq '.name = "@ui/next"' package.json > ../other/package.json\n""", ("packages/other",)),
        ("""sed -i 's/"name": "a"/"name": "b"/' package.json\n""", ("packages/ui",)),
    ],
)
def test_renames(text: str, expected: tuple[str, ...]) -> None:
    assert _folders(text)[-1] == expected


@pytest.mark.parametrize(
    "text",
    [
        # version bumps and other files keep the package known
        """node -e "const p = require('./package.json'); p.version = '1.0.0-x'; fs.writeFileSync('package.json', JSON.stringify(p))"\n""",
        """node -e "const j = require('./lerna.json'); j.name = 1; fs.writeFileSync('./lerna.json', JSON.stringify(j))"\n""",
        """node -e "console.log(require('./package.json').name)"\n""",
        "npm pkg set version=2.0.0\n",
        "npm pkg get name\n",
        "npm version prerelease --preid next\n",
        """jq '.version = "2"' package.json > package.json.tmp\n""",
        # a computed path is not guessed
        """node -e "fs.writeFileSync(process.env.DIR + '/package.json', JSON.stringify({ name: 'x' }))"\n""",
    ],
)
def test_not_renames(text: str) -> None:
    assert all(found == () for found in _folders(text))
