from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.commands import (
    OIDC_PUBLISHER_SUPPORT,
    ActionKind,
    EnvExport,
    ExportTarget,
    IdTokenExport,
    Install,
    Login,
    NpmrcWrite,
    NpmUpgrade,
    PackageManagerInstall,
    Publish,
    RunsCode,
    Tool,
    classify,
    classify_action,
    classify_script,
    ref_version,
    refine_tool,
    script_lookup,
)
from npm_auth_lint.model import Command, Location, NpmrcKind, PackageJson, Text, frozen_map
from npm_auth_lint.shell import split_script
from npm_auth_lint.toolchain.ranges import can_reach


def run(script: str, *, scripts: dict[str, str] | None = None, shell: str | None = None, first_line: int = 20):
    """Classify a CI script; package scripts sit on package.json lines 3, 4, ... in order."""
    commands = split_script(textwrap.dedent(script), path=".github/workflows/release.yml", first_line=first_line, column=11, shell=shell)
    lookup = None
    if scripts is not None:
        table = {name: (text, Location("package.json", 3 + i, 5)) for i, (name, text) in enumerate(scripts.items())}
        lookup = table.get
    return classify_script(commands, lookup)


def of(results, kind):
    return [r for r in results if isinstance(r, kind)]


def one(results, kind):
    found = of(results, kind)
    assert len(found) == 1, results
    return found[0]


# ---- publish ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "tool"),
    [
        ("npm publish", Tool.NPM),
        ("npm publish --access public", Tool.NPM),
        ("npm --prefix packages/a publish", Tool.NPM),
        ("npm -w packages/a publish", Tool.NPM),
        ("pnpm publish --no-git-checks", Tool.PNPM),
        ("pnpm --filter ./packages/core publish", Tool.PNPM),
        ("yarn npm publish --access public", Tool.YARN_BERRY),
        ("yarn publish --non-interactive", Tool.YARN_CLASSIC),
        ("bun publish", Tool.BUN),
        ("lerna publish from-package --yes", Tool.LERNA),
        ("npx lerna publish from-git", Tool.LERNA),
        ("npx @lerna-lite/cli publish from-package", Tool.LERNA_LITE),
        ("changeset publish", Tool.CHANGESETS),
        ("npx changeset publish", Tool.CHANGESETS),
        ("npx @changesets/cli publish", Tool.CHANGESETS),
        ("pnpm changeset publish", Tool.CHANGESETS),
        ("yarn changeset publish", Tool.CHANGESETS),
        ("semantic-release", Tool.SEMANTIC_RELEASE),
        ("npx semantic-release", Tool.SEMANTIC_RELEASE),
        ("npx -p semantic-release -p @semantic-release/git -p @semantic-release/changelog semantic-release", Tool.SEMANTIC_RELEASE),
        ("npx semantic-release@24 --branches main", Tool.SEMANTIC_RELEASE),
        ("npm exec -- semantic-release", Tool.SEMANTIC_RELEASE),
        ("pnpm exec semantic-release", Tool.SEMANTIC_RELEASE),
        ("pnpm dlx semantic-release", Tool.SEMANTIC_RELEASE),
        ("yarn dlx -p semantic-release semantic-release", Tool.SEMANTIC_RELEASE),
        ("bunx semantic-release", Tool.SEMANTIC_RELEASE),
        ("./node_modules/.bin/semantic-release", Tool.SEMANTIC_RELEASE),
        ("np --yolo --no-2fa", Tool.NP),
        ("npx np patch", Tool.NP),
        ("release-it --ci", Tool.RELEASE_IT),
        ("npx release-it minor --ci", Tool.RELEASE_IT),
        ("nx release publish", Tool.NX),
        ("npx nx release --yes", Tool.NX),
        ("nx release patch", Tool.NX),
        ("corepack pnpm publish", Tool.PNPM),
        ("corepack yarn npm publish", Tool.YARN_BERRY),
        ("sudo -E npm publish", Tool.NPM),
        ("env NODE_AUTH_TOKEN=x npm publish", Tool.NPM),
        ("time npm publish", Tool.NPM),
        ("nice -n 10 npm publish", Tool.NPM),
        ("xvfb-run -a npm publish", Tool.NPM),
        ("dotenv -e .env.ci -- npm publish", Tool.NPM),
        ("cross-env NODE_ENV=production npm publish", Tool.NPM),
        ("npx npm@11 publish", Tool.NPM),
        ("bash -c 'npm publish --tag next'", Tool.NPM),
        ("sh -ec \"cd dist && npm publish\"", Tool.NPM),
    ],
)
def test_publish_commands(script, tool):
    publish = one(run(script), Publish)
    assert publish.tool is tool
    assert publish.command.location.line == 20


@pytest.mark.parametrize(
    "script",
    [
        "npm publish --dry-run",
        "npm publish --dry-run=true",
        "pnpm publish --dry-run",
        "yarn npm publish --dry-run",
        "bun publish --dry-run",
        "npx semantic-release --dry-run",
        "semantic-release -d",
        "npx pkg-pr-new publish './packages/*'",
        "pnpm exec pkg-pr-new publish --compact",
        "pnpm dlx pkg-pr-new publish",
        "vsce publish -p $VSCE_PAT",
        "npx @vscode/vsce publish",
        "ovsx publish",
        "cargo publish --token $CARGO_TOKEN",
        "gh release create v1.0.0 --generate-notes",
        "echo publish",
        "echo 'npm publish'",
        "npm pack",
        "changeset version",
        "lerna version --yes",
        "nx release version",
        "nx release --skip-publish",
        "nx release --dry-run",
        "np --no-publish",
        "np --preview",
        "release-it --no-npm.publish",
        "release-it --dry-run",
        "npm run publish-docs",
        "docker push image:latest && helm publish",
        "twine upload dist/*",
    ],
)
def test_not_publish(script):
    assert of(run(script), Publish) == []


def test_publish_flags_registry_and_provenance():
    results = run(
        """\
        npm publish --provenance --registry https://npm.pkg.github.com
        npm publish --provenance=false --registry=https://registry.npmjs.org/
        npm publish --no-provenance
        NPM_CONFIG_PROVENANCE=true npm_config_registry=https://r.test/ npm publish
        pnpm -r publish --access public
        pnpm recursive publish
        npm publish --workspaces
        yarn workspaces foreach -A --no-private npm publish --tolerate-republish
        """
    )
    publishes = of(results, Publish)
    assert [(p.registry, p.provenance, p.recursive) for p in publishes] == [
        ("https://npm.pkg.github.com", True, False),
        ("https://registry.npmjs.org/", False, False),
        (None, False, False),
        ("https://r.test/", True, False),
        (None, None, True),
        (None, None, True),
        (None, None, True),
        (None, None, True),
    ]
    assert [p.command.location.line for p in publishes] == list(range(20, 28))


def test_publish_spec_is_the_first_positional_argument():
    results = run(
        """\
        npm publish packages/ui --tag next --access public
        npm publish --tag latest ./dist/pkg.tgz
        pnpm publish "$package/" --no-git-checks
        yarn publish lib --new-version 1.2.3
        npm publish --provenance
        """
    )
    assert [p.spec for p in of(results, Publish)] == ["packages/ui", "./dist/pkg.tgz", "$package/", "lib", None]


def test_dry_run_decided_at_run_time_still_publishes():
    results = run(
        """\
        npm publish --dry-run=${{ inputs.dry_run }}
        yarn nx release publish --dry-run=$DRY
        npm_config_dry_run=$DRY npm publish
        npm publish --dry-run=true
        """
    )
    assert [p.command.location.line for p in of(results, Publish)] == [20, 21, 22]


def test_script_gets_the_arguments_after_its_name():
    results = run("pnpm changeset publish --tag beta", scripts={"changeset": "changeset"})
    publish = one(results, Publish)
    assert publish.tool is Tool.CHANGESETS and publish.script_command is not None
    assert publish.script_command.words == ("changeset", "publish", "--tag", "beta")
    # Without arguments the script still runs bare (`changeset` alone is the version-bump CLI).
    assert of(run("pnpm changeset", scripts={"changeset": "changeset"}), Publish) == []


def test_publish_tool_package_and_support_table_agree():
    for tool in Tool:
        assert tool.value in OIDC_PUBLISHER_SUPPORT
    publish = one(run("npx semantic-release"), Publish)
    assert publish.tool_package == "@semantic-release/npm"
    assert OIDC_PUBLISHER_SUPPORT[publish.tool.value].package == publish.tool_package


def test_lerna_binary_is_lerna_lite_when_only_lerna_lite_is_a_dependency():
    publish = one(run("npx lerna publish from-package"), Publish)
    assert refine_tool(publish, {"@lerna-lite/cli": "^4.9.0", "@lerna-lite/publish": "^4.9.0"}).tool is Tool.LERNA_LITE
    assert refine_tool(publish, {"lerna": "^9.0.0"}).tool is Tool.LERNA


def test_npx_npm_version_is_publish_and_upgrade():
    results = run("npx -y npm@11.6.2 publish --provenance")
    assert one(results, Publish).tool is Tool.NPM
    upgrade = one(results, NpmUpgrade)
    assert (upgrade.spec, upgrade.method) == ("11.6.2", "npx")


# ---- package scripts --------------------------------------------------------------------------


def test_npm_run_follows_scripts_transitively_with_pre_and_post():
    scripts = {
        "build": "tsc -p .",
        "prerelease": "npm run build",
        "release": "npm run release:publish",
        "release:publish": "changeset publish",
        "postrelease": "git push --follow-tags",
    }
    results = run("npm ci\nnpm run release", scripts=scripts)
    publish = one(results, Publish)
    assert publish.tool is Tool.CHANGESETS
    assert publish.command.location.line == 21
    assert publish.command.words == ("npm", "run", "release")
    assert [name for name, _ in publish.via_scripts] == ["release", "release:publish"]
    assert [loc.line for _, loc in publish.via_scripts] == [5, 6]
    assert publish.script_command is not None and publish.script_command.words == ("changeset", "publish")
    assert publish.script_command.location.path == "package.json"
    assert [r.what for r in of(results, RunsCode)] == ["npm ci", "npm run release"]


def test_publish_found_in_a_post_script():
    results = run("yarn release", scripts={"release": "standard-version", "postrelease": "npm publish --provenance"})
    publish = one(results, Publish)
    assert publish.via_scripts[0][0] == "postrelease"
    assert publish.provenance is True


@pytest.mark.parametrize(
    "script",
    ["npm run deploy", "npm run-script deploy", "pnpm run deploy", "pnpm deploy-pkg", "yarn run deploy", "yarn deploy", "bun run deploy"],
)
def test_every_package_manager_runs_scripts(script):
    name = script.split()[-1]
    results = run(script, scripts={name: "pnpm publish -r --access public"})
    publish = one(results, Publish)
    assert publish.tool is Tool.PNPM and publish.recursive
    assert of(results, RunsCode)


def test_script_cycles_terminate():
    results = run("npm run a", scripts={"a": "npm run b && npm publish", "b": "npm run a"})
    assert len(of(results, Publish)) == 1


def test_script_that_merely_mentions_publish_is_not_a_publish():
    results = run("npm run release", scripts={"release": "echo 'remember to npm publish' && node scripts/publish-docs.js"})
    assert of(results, Publish) == []
    assert len(of(results, RunsCode)) == 1


def test_npm_test_and_start_follow_their_scripts():
    results = run("npm test\nnpm start\nnpm t", scripts={"test": "jest", "start": "node ."})
    assert [r.what for r in of(results, RunsCode)] == ["npm test", "npm start", "npm test"]


def test_yarn_binary_when_there_is_no_such_script():
    results = run("yarn semantic-release", scripts={"build": "tsc"})
    assert one(results, Publish).tool is Tool.SEMANTIC_RELEASE


def test_script_lookup_from_package_json():
    package = PackageJson(
        path="package.json",
        scripts=frozen_map({"release": Text("npm publish", Location("package.json", 9, 16))}),
    )
    commands = split_script("npm run release", path="ci.yml", first_line=4)
    publish = one(classify(commands[0], script_lookup(package)), Publish)
    assert publish.via_scripts == (("release", Location("package.json", 9, 16)),)
    assert classify(commands[0], script_lookup(None)) == (RunsCode(command=commands[0], what="npm run release"),)


def test_lookup_that_raises_does_not_stop_classification():
    def broken(name: str):
        raise RuntimeError("boom")

    (command,) = split_script("npm run release", path="ci.yml", first_line=1)
    assert [type(r) for r in classify(command, broken)] == [RunsCode]


# ---- install, runs code ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "tool"),
    [
        ("npm ci", "npm"),
        ("npm install", "npm"),
        ("npm i --no-audit", "npm"),
        ("npm install --legacy-peer-deps", "npm"),
        ("npm install-ci-test", "npm"),
        ("npm cit", "npm"),
        ("npm install-test", "npm"),
        ("npm clean-install", "npm"),
        ("pnpm install --frozen-lockfile", "pnpm"),
        ("pnpm i", "pnpm"),
        ("yarn", "yarn"),
        ("yarn --frozen-lockfile", "yarn"),
        ("yarn install --immutable", "yarn"),
        ("bun install", "bun"),
        ("bun i --frozen-lockfile", "bun"),
    ],
)
def test_install_commands(script, tool):
    results = run(script)
    assert one(results, Install).tool == tool
    assert of(results, RunsCode)


@pytest.mark.parametrize(
    "script",
    ["npm install -g npm@11", "npm i -g typescript", "npm install --global pnpm", "pnpm --version", "yarn --version", "yarn config get registry", "pnpm"],
)
def test_not_install(script):
    assert of(run(script), Install) == []


@pytest.mark.parametrize(
    "script",
    [
        "npm run build",
        "npm test",
        "npm t",
        "npm start",
        "npx eslint .",
        "npm exec -- tsc",
        "npm x tsc",
        "pnpm run build",
        "pnpm test",
        "pnpm build",
        "pnpm exec vitest",
        "pnpm dlx create-vite",
        "yarn run build",
        "yarn test",
        "yarn lint",
        "yarn dlx prettier --check .",
        "bun run build",
        "bun test",
        "bunx tsc",
        "npm i -g typescript",
    ],
)
def test_runs_code(script):
    assert of(run(script), RunsCode)


@pytest.mark.parametrize("script", ["npm whoami", "npm view pkg version", "node --version", "npm config get registry", "pnpm --version", "yarn cache clean", "echo npm test", "npm pkg get version"])
def test_does_not_run_code(script):
    assert of(run(script), RunsCode) == []


# ---- npm upgrades -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "spec", "method"),
    [
        ("npm install -g npm@latest", "latest", "npm-install-global"),
        ("npm i -g npm@11", "11", "npm-install-global"),
        ("npm i --global npm", "", "npm-install-global"),  # npm's range `*`, not the tag
        ("npm install -g npm", "", "npm-install-global"),
        ("npm install npm -g", "", "npm-install-global"),
        ("pnpm add -g npm", "latest", "pnpm-add-global"),
        ("sudo npm install -g npm@^11.5.1", "^11.5.1", "npm-install-global"),
        ("npm install --location=global npm@11.6.0", "11.6.0", "npm-install-global"),
        ('npm install -g "npm@>=11.5.1"', ">=11.5.1", "npm-install-global"),
        ("corepack prepare npm@11.6.2 --activate", "11.6.2", "corepack"),
        ("corepack use npm@11.5.1", "11.5.1", "corepack"),
        ("volta install npm@11", "11", "volta"),
        ("pnpm add -g npm@11", "11", "pnpm-add-global"),
        ("yarn global add npm@11.5.1", "11.5.1", "yarn-global"),
    ],
)
def test_npm_upgrades(script, spec, method):
    upgrade = one(run(script), NpmUpgrade)
    assert (upgrade.spec, upgrade.method) == (spec, method)
    assert upgrade.command.location.line == 20


def test_package_manager_installs():
    results = run("corepack prepare pnpm@11.0.0 --activate\nnpm i -g pnpm@10 yarn\ncorepack enable")
    found = of(results, PackageManagerInstall)
    assert [(p.tool, p.spec, p.method, p.command.location.line) for p in found] == [
        ("pnpm", "11.0.0", "corepack", 20),
        ("pnpm", "10", "npm-install-global", 21),
        ("yarn", "latest", "npm-install-global", 21),
    ]
    assert of(results, NpmUpgrade) == []


# ---- login ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "tool", "stdin"),
    [
        ("npm login", "npm", False),
        ("npm adduser --registry https://npm.pkg.github.com", "npm", False),
        ("npm add-user", "npm", False),
        ("yarn login", "yarn", False),
        ("yarn npm login --scope acme", "yarn-berry", False),
        ("npx npm-cli-login -u $NPM_USER -p $NPM_PASS -e $NPM_EMAIL", "npm-cli-login", False),
        ("npm-cli-login", "npm-cli-login", False),
        ("npx npm-login-noninteractive", "npm-login-noninteractive", False),
        ('echo "$NPM_USER\\n$NPM_PASS\\n$NPM_EMAIL" | npm login', "npm", True),
        ('printf "%s\\n%s\\n" "$U" "$P" | npm adduser', "npm", True),
        ('npm login <<< "$NPM_PASS"', "npm", True),
    ],
)
def test_login(script, tool, stdin):
    login = one(run(script), Login)
    assert (login.tool, login.stdin) == (tool, stdin)
    assert login.command.location.line == 20


def test_heredoc_into_npm_login_and_expect_style_pipes():
    results = run(
        """\
        npm whoami || npm login <<EOF
        $NPM_USER
        $NPM_PASS
        EOF
        npm publish
        """
    )
    login = one(results, Login)
    assert login.stdin and login.command.location.line == 20
    assert one(results, Publish).command.location.line == 24


def test_login_registry():
    assert one(run("npm login --registry=https://npm.pkg.github.com"), Login).registry == "https://npm.pkg.github.com"


# ---- npmrc writes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "target"),
    [
        ('echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" >> .npmrc', ".npmrc"),
        ("echo '//registry.npmjs.org/:_authToken=${NPM_TOKEN}' > ~/.npmrc", "~/.npmrc"),
        ('echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" >> $HOME/.npmrc', "$HOME/.npmrc"),
        ('echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" >> "${NPM_CONFIG_USERCONFIG}"', "${NPM_CONFIG_USERCONFIG}"),
        ('printf "//registry.npmjs.org/:_authToken=%s\\n" "$NPM_TOKEN" >> ~/.npmrc', "~/.npmrc"),
        ("printf '%s\\n' \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > .npmrc", ".npmrc"),
        ('echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" | tee -a ~/.npmrc', "~/.npmrc"),
        ('echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" | sudo tee $RUNNER_TEMP/.npmrc > /dev/null', "$RUNNER_TEMP/.npmrc"),
        ('npm config set //registry.npmjs.org/:_authToken "$NPM_TOKEN"', "~/.npmrc"),
        ("npm config set //registry.npmjs.org/:_authToken=${NPM_TOKEN}", "~/.npmrc"),
        ("npm set //registry.npmjs.org/:_authToken $NPM_TOKEN", "~/.npmrc"),
        ("npm config set --location=project //registry.npmjs.org/:_authToken $NPM_TOKEN", ".npmrc"),
        ("pnpm config set //registry.npmjs.org/:_authToken $NPM_TOKEN", "~/.config/pnpm/rc"),
    ],
)
def test_npmrc_token_writes(script, target):
    write = one(run(script), NpmrcWrite)
    assert write.target == target
    assert write.auth_keys == ("_authToken",)
    assert write.scopes == ("//registry.npmjs.org/",)
    assert write.env_references == ("NPM_TOKEN",)
    assert write.literal_credential is None
    assert write.command.location.line == 20
    assert [(e.key, e.location.line) for e in write.entries] == [("_authToken", 20)]


@pytest.mark.parametrize(
    ("script", "kept"),
    [
        ('echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" >> .npmrc', ()),
        ("echo '//registry.npmjs.org/:_authToken=${NPM_TOKEN}' > ~/.npmrc", ("NPM_TOKEN",)),
        ('echo "//registry.npmjs.org/:_authToken=\\${NPM_TOKEN}" > ~/.npmrc', ("NPM_TOKEN",)),
        ("npm config set //registry.npmjs.org/:_authToken '${NPM_TOKEN}'", ("NPM_TOKEN",)),
        ("npm config set //registry.npmjs.org/:_authToken $NPM_TOKEN", ()),
        ("cat > ~/.npmrc <<'EOF'\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\nEOF", ("NPM_TOKEN",)),
        ("cat > ~/.npmrc <<EOF\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\nEOF", ()),
        # quoted once, expanded once: the token reaches the file
        ("""printf '%s\\n' "//a.example/:_authToken=$NPM_TOKEN" '//registry.npmjs.org/:_authToken=$NPM_TOKEN' > .npmrc""", ()),
    ],
)
def test_npmrc_write_keeps_quoted_references(script, kept):
    write = one(run(script), NpmrcWrite)
    assert write.env_references == ("NPM_TOKEN",)
    assert write.kept_references == kept


def test_heredoc_npmrc_entries_are_on_their_own_lines():
    results = run(
        """\
        npm ci
        cat > ~/.npmrc << EOF
        registry=https://registry.npmjs.org/
        //registry.npmjs.org/:_authToken=${NPM_TOKEN}
        always-auth=true
        EOF
        npm publish
        """
    )
    write = one(results, NpmrcWrite)
    assert write.command.location.line == 21
    assert write.kind is NpmrcKind.NPMRC and write.append is False
    assert [(e.key, e.location.line) for e in write.entries] == [("registry", 22), ("_authToken", 23), ("always-auth", 24)]
    assert write.auth_keys == ("_authToken", "always-auth")
    assert write.entries[1].value_location.line == 23


def test_tee_heredoc_and_dash_heredoc():
    results = run("tee ~/.npmrc <<'EOF'\n//r.test/:_auth=${AUTH}\nemail=ci@example.com\nEOF\n")
    write = one(results, NpmrcWrite)
    assert write.auth_keys == ("_auth", "email")
    assert write.env_references == ("AUTH",)
    assert [e.location.line for e in write.entries] == [21, 22]


def test_group_redirect_writes_each_line():
    results = run(
        """\
        {
          echo "@acme:registry=https://npm.pkg.github.com"
          echo "//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}"
        } >> .npmrc
        """
    )
    writes = of(results, NpmrcWrite)
    assert [w.auth_keys for w in writes] == [(), ("_authToken",)]
    assert writes[1].scopes == ("//npm.pkg.github.com/",)
    assert writes[1].env_references == ("GITHUB_TOKEN",)
    assert writes[0].entries[0].key == "registry" and writes[0].entries[0].scope == "@acme"


def test_literal_credentials_are_recorded():
    results = run(
        """\
        echo "//registry.npmjs.org/:_authToken=npm_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789" > .npmrc
        echo "_auth=dXNlcjpwYXNz" >> .npmrc
        echo "//registry.npmjs.org/:_authToken=undefined" >> .npmrc
        """
    )
    writes = of(results, NpmrcWrite)
    assert writes[0].literal_credential == "npm_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
    assert writes[1].literal_credential == "dXNlcjpwYXNz" and writes[1].scopes == ()
    assert writes[2].literal_credential is None


def test_github_expression_in_npmrc_value():
    write = one(run('echo "//registry.npmjs.org/:_authToken=${{ secrets.NPM_TOKEN }}" > .npmrc'), NpmrcWrite)
    assert write.expressions == ("${{ secrets.NPM_TOKEN }}",)
    assert write.env_references == ()
    assert write.literal_credential is None


def test_non_auth_npmrc_write_and_unknown_content():
    results = run("echo 'registry=https://npm.pkg.github.com' >> .npmrc\nenvsubst < .npmrc.template > .npmrc\ncp ci.npmrc .npmrc")
    writes = of(results, NpmrcWrite)
    assert [(w.auth_keys, w.content) for w in writes] == [((), "registry=https://npm.pkg.github.com\n"), ((), "")]
    assert writes[0].entries[0].value == "https://npm.pkg.github.com"


def test_yarn_config_set():
    results = run(
        """\
        yarn config set npmAuthToken "$NPM_TOKEN"
        yarn config set -H 'npmRegistries["//npm.pkg.github.com"].npmAuthToken' "${GITHUB_TOKEN}"
        yarn config set npmScopes.acme.npmAuthIdent "user:pass"
        yarn config set //registry.npmjs.org/:_authToken $NPM_TOKEN
        """
    )
    writes = of(results, NpmrcWrite)
    assert [(w.target, w.kind, w.auth_keys, w.scopes) for w in writes] == [
        (".yarnrc.yml", NpmrcKind.YARNRC_YML, ("npmAuthToken",), ()),
        ("~/.yarnrc.yml", NpmrcKind.YARNRC_YML, ("npmAuthToken",), ("//npm.pkg.github.com",)),
        (".yarnrc.yml", NpmrcKind.YARNRC_YML, ("npmAuthIdent",), ("@acme",)),
        ("~/.yarnrc", NpmrcKind.YARNRC, ("_authToken",), ("//registry.npmjs.org/",)),
    ]
    assert writes[2].literal_credential == "user:pass"
    assert writes[0].env_references == ("NPM_TOKEN",)


def test_yarnrc_yml_heredoc():
    results = run("cat <<EOF >> .yarnrc.yml\nnpmRegistries:\n  //registry.npmjs.org:\n    npmAuthToken: ${NPM_TOKEN}\nEOF\n")
    write = one(results, NpmrcWrite)
    assert write.kind is NpmrcKind.YARNRC_YML
    assert write.auth_keys == ("npmAuthToken",)
    assert write.scopes == ("//registry.npmjs.org",)
    assert write.entries[0].location.line == 23


def test_powershell_and_cmd_npmrc_writes():
    pwsh = run(
        """\
        Add-Content -Path .npmrc -Value "//registry.npmjs.org/:_authToken=$env:NPM_TOKEN"
        "//registry.npmjs.org/:_authToken=$env:NPM_TOKEN" | Out-File -FilePath $HOME/.npmrc -Append
        echo "//registry.npmjs.org/:_authToken=$env:NPM_TOKEN" >> ~/.npmrc
        """,
        shell="pwsh",
    )
    writes = of(pwsh, NpmrcWrite)
    assert [(w.target, w.env_references, w.append) for w in writes] == [
        (".npmrc", ("NPM_TOKEN",), True),
        ("$HOME/.npmrc", ("NPM_TOKEN",), True),
        ("~/.npmrc", ("NPM_TOKEN",), True),
    ]
    cmd = run("echo //registry.npmjs.org/:_authToken=%NPM_TOKEN%>> .npmrc", shell="cmd")
    assert one(cmd, NpmrcWrite).env_references == ("NPM_TOKEN",)


def test_writes_that_are_not_npmrc():
    assert of(run('echo "$NPM_TOKEN" > token.txt\necho x >> .npmignore\nnpm publish > publish.log'), NpmrcWrite) == []


# ---- env exports and ID tokens ----------------------------------------------------------------


def test_github_env_exports():
    results = run(
        """\
        echo "NPM_TOKEN=${{ secrets.NPM_TOKEN }}" >> $GITHUB_ENV
        echo "NODE_AUTH_TOKEN=$TOKEN" >> "$GITHUB_ENV"
        echo "REGISTRY=https://r.test" | tee -a ${GITHUB_ENV}
        printf 'CERT<<EOF\\n%s\\nEOF\\n' "$PEM" >> $GITHUB_ENV
        echo "version=1" >> $GITHUB_OUTPUT
        """
    )
    exports = of(results, EnvExport)
    assert [(e.name, e.value, e.target, e.command.location.line) for e in exports] == [
        ("NPM_TOKEN", "${{ secrets.NPM_TOKEN }}", ExportTarget.GITHUB_ENV, 20),
        ("NODE_AUTH_TOKEN", "$TOKEN", ExportTarget.GITHUB_ENV, 21),
        ("REGISTRY", "https://r.test", ExportTarget.GITHUB_ENV, 22),
        ("CERT", "$PEM", ExportTarget.GITHUB_ENV, 23),
    ]
    assert all(e.target.persists for e in exports)


def test_shell_exports_are_marked_as_this_shell_only():
    results = run('export NPM_TOKEN="$TOKEN" NODE_ENV=production\nexport CI\ndeclare -x A=1')
    exports = of(results, EnvExport)
    assert [(e.name, e.value, e.target) for e in exports] == [
        ("NPM_TOKEN", "$TOKEN", ExportTarget.SHELL),
        ("NODE_ENV", "production", ExportTarget.SHELL),
        ("CI", None, ExportTarget.SHELL),
        ("A", "1", ExportTarget.SHELL),
    ]
    assert not ExportTarget.SHELL.persists


def test_powershell_env_assignment():
    export = one(run('$env:NODE_AUTH_TOKEN = "${{ secrets.NPM_TOKEN }}"', shell="pwsh"), EnvExport)
    assert (export.name, export.value, export.target) == ("NODE_AUTH_TOKEN", "${{ secrets.NPM_TOKEN }}", ExportTarget.SHELL)


def test_circleci_id_token_export():
    results = run("""export NPM_ID_TOKEN=$(circleci run oidc get --claims '{"aud": "npm:registry.npmjs.org"}')\nnpm publish""")
    token = one(results, IdTokenExport)
    assert (token.name, token.audience, token.target) == ("NPM_ID_TOKEN", "npm:registry.npmjs.org", ExportTarget.SHELL)
    assert token.command.location.line == 20
    assert one(results, EnvExport).name == "NPM_ID_TOKEN"


def test_circleci_id_token_assigned_then_exported():
    results = run(
        """\
        NPM_ID_TOKEN=$(circleci run oidc get --claims "{\\"aud\\":\\"npm:registry.npmjs.org\\"}")
        export NPM_ID_TOKEN
        """
    )
    tokens = of(results, IdTokenExport)
    assert [(t.target, t.audience, t.command.location.line) for t in tokens] == [
        (ExportTarget.UNEXPORTED, "npm:registry.npmjs.org", 20),
        (ExportTarget.SHELL, "npm:registry.npmjs.org", 21),
    ]


def test_circleci_id_token_audiences_and_bash_env():
    results = run(
        """\
        export NPM_ID_TOKEN=$(circleci run oidc get)
        export NPM_ID_TOKEN="$(circleci run oidc get --claims '{"aud": "sigstore"}')"
        export TOKEN=$(circleci run oidc get --claims 'not json')
        echo "export NPM_ID_TOKEN=\\$(circleci run oidc get --claims '{\\"aud\\": \\"npm:registry.npmjs.org\\"}')" >> "$BASH_ENV"
        NPM_ID_TOKEN=$(circleci run oidc get --claims '{"aud": ["npm:registry.npmjs.org"]}') npm publish
        """
    )
    tokens = of(results, IdTokenExport)
    assert [(t.name, t.audience, t.target) for t in tokens] == [
        ("NPM_ID_TOKEN", None, ExportTarget.SHELL),
        ("NPM_ID_TOKEN", "sigstore", ExportTarget.SHELL),
        ("TOKEN", None, ExportTarget.SHELL),
        ("NPM_ID_TOKEN", "npm:registry.npmjs.org", ExportTarget.BASH_ENV),
        ("NPM_ID_TOKEN", "npm:registry.npmjs.org", ExportTarget.COMMAND),
    ]
    assert tokens[3].command.location.line == 23


def test_bash_env_exports():
    results = run("""echo 'export NPM_TOKEN="$NPM_PUBLISH_TOKEN"' >> $BASH_ENV""")
    export = one(results, EnvExport)
    assert (export.name, export.value, export.target) == ("NPM_TOKEN", "$NPM_PUBLISH_TOKEN", ExportTarget.BASH_ENV)


# ---- one command, several results --------------------------------------------------------------


def test_npm_run_that_publishes_is_publish_and_runs_code():
    results = run("npm run release", scripts={"release": "npm publish"})
    assert {type(r) for r in results} == {Publish, RunsCode}


def test_results_inside_scripts_keep_the_ci_line():
    scripts = {"ci:publish": "echo \"//registry.npmjs.org/:_authToken=$NPM_TOKEN\" > .npmrc && npm login && npm publish"}
    results = run("\n\nnpm run ci:publish", scripts=scripts)
    assert {r.command.location.line for r in results} == {22}
    write = one(results, NpmrcWrite)
    assert write.via_scripts[0][0] == "ci:publish"
    assert one(results, Login).script_command.location.path == "package.json"


# ---- actions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uses", "kind", "owner", "repo", "path", "ref", "publisher", "condition"),
    [
        ("actions/setup-node@v4", ActionKind.SETUP_NODE, "actions", "setup-node", None, "v4", None, None),
        ("JS-DevTools/npm-publish@v3", ActionKind.PUBLISH, "JS-DevTools", "npm-publish", None, "v3", "JS-DevTools/npm-publish", None),
        ("js-devtools/npm-publish@v4.1.0", ActionKind.PUBLISH, "js-devtools", "npm-publish", None, "v4.1.0", "JS-DevTools/npm-publish", None),
        ("changesets/action@v1", ActionKind.PUBLISH, "changesets", "action", None, "v1", "changesets/action", "publish"),
        ("changesets/action/publish@v2", ActionKind.PUBLISH, "changesets", "action", "publish", "v2", "changesets/action", None),
        ("changesets/action/version@v2", ActionKind.OTHER, "changesets", "action", "version", "v2", None, None),
        ("cycjimmy/semantic-release-action@v4", ActionKind.PUBLISH, "cycjimmy", "semantic-release-action", None, "v4", "semantic-release", None),
        ("codfish/semantic-release-action@v3", ActionKind.PUBLISH, "codfish", "semantic-release-action", None, "v3", "semantic-release", None),
        ("bahmutov/npm-install@v1", ActionKind.INSTALL, "bahmutov", "npm-install", None, "v1", None, None),
        ("pnpm/action-setup@v4", ActionKind.INSTALL, "pnpm", "action-setup", None, "v4", None, "run_install"),
        ("actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab", ActionKind.OTHER, "actions", "checkout", None, "8e5e7e5ab8b370d6c329ec480221332ada57f0ab", None, None),
        ("octo/repo/sub/dir@main", ActionKind.OTHER, "octo", "repo", "sub/dir", "main", None, None),
        ("./.github/actions/publish", ActionKind.LOCAL, None, None, "./.github/actions/publish", None, None, None),
        ("$/.github/actions/publish", ActionKind.LOCAL, None, None, "$/.github/actions/publish", None, None, None),
        ("docker://node:22-alpine", ActionKind.DOCKER, None, None, "node:22-alpine", None, None, None),
        ("nonsense", ActionKind.OTHER, None, None, None, None, None, None),
    ],
)
def test_classify_action(uses, kind, owner, repo, path, ref, publisher, condition):
    action = classify_action(uses)
    assert (action.kind, action.owner, action.repo, action.path, action.ref, action.publisher, action.condition) == (
        kind, owner, repo, path, ref, publisher, condition,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("ref", "comment", "version"),
    [
        ("v1", None, (1,)),
        ("v1.7.0", None, (1, 7, 0)),
        ("v4.1", None, (4, 1)),
        ("1.2.3", None, (1, 2, 3)),
        ("v2.0.0-beta.1", None, (2, 0, 0)),
        ("releases/v3", None, (3,)),
        ("main", None, None),
        ("8e5e7e5ab8b370d6c329ec480221332ada57f0ab", None, None),
        ("8e5e7e5ab8b370d6c329ec480221332ada57f0ab", "# v1.7.0", (1, 7, 0)),
        ("8e5e7e5ab8b370d6c329ec480221332ada57f0ab", "v4.1.5", (4, 1, 5)),
        ("8e5e7e5ab8b370d6c329ec480221332ada57f0ab", "# tag=v1.6.4", (1, 6, 4)),
        ("8e5e7e5ab8b370d6c329ec480221332ada57f0ab", "# pin@v2 (released 2026)", (2,)),
        ("8e5e7e5ab8b370d6c329ec480221332ada57f0ab", "# main", None),
    ],
)
def test_ref_version(ref, comment, version):
    assert ref_version(ref, comment) == version


@pytest.mark.parametrize(
    ("uses", "minimum", "reaches"),
    [
        ("changesets/action@v1.6.4", "1.7.0", False),
        ("changesets/action@v1", "1.7.0", True),  # a floating major tag: its newest 1.x
        ("changesets/action@v1.7.0", "1.7.0", True),
        ("JS-DevTools/npm-publish@v4", "4.1.0", True),
        ("JS-DevTools/npm-publish@v4.0", "4.1.0", False),
        ("JS-DevTools/npm-publish@v4.1", "4.1.5", True),
        ("JS-DevTools/npm-publish@v3", "4.1.0", False),
        ("JS-DevTools/npm-publish@v5", "4.1.0", True),
    ],
)
def test_action_version_reaches_minimum(uses, minimum, reaches):
    version = classify_action(uses).version()
    assert version is not None
    assert can_reach(".".join(map(str, version)), minimum) is reaches


def test_support_table_matches_the_facts():
    table = OIDC_PUBLISHER_SUPPORT
    assert table["yarn-classic"].never and table["bun"].never
    assert table["lerna"].minimum == "9.0.0"
    assert table["lerna-lite"].package == "@lerna-lite/publish" and table["lerna-lite"].minimum == "4.9.0"
    assert table["semantic-release"].minimum == "13.1.0"
    assert table["changesets/action"].minimum == "1.7.0"
    assert table["JS-DevTools/npm-publish"].minimum == "4.1.0"
    assert table["yarn-berry"].minimum == "4.10.0"
    assert table["pnpm"].minimum == "11.0.0" and table["pnpm"].uses_npm_cli
    # npm's floors have one source, toolchain.floors (tests/test_toolchain*.py check them).
    assert table["npm"].minimum is None and not table["npm"].never
    assert all(support.source for support in table.values())


# ---- robustness ------------------------------------------------------------------------------

_VOCAB = [
    "npm", "pnpm", "yarn", "bun", "npx", "bunx", "publish", "run", "exec", "dlx", "install", "i", "-g", "npm@11",
    "--", "-p", "-c", "--registry", "--provenance", "--dry-run", "config", "set", "login", "corepack", "prepare",
    "lerna", "changeset", "nx", "release", "semantic-release", "export", "X=1", "NPM_ID_TOKEN=$(circleci run oidc get)",
    "sudo", "env", "cross-env", "timeout", "bash", "sh", "eval", "-ec", "workspaces", "foreach", "workspace", "volta",
    "tee", "echo", "printf", "%s", "cat", "Add-Content", "-Path", "$GITHUB_ENV", ".npmrc", "_authToken=x", "",
]  # fmt: skip


@st.composite
def commands(draw):
    words = tuple(draw(st.lists(st.one_of(st.sampled_from(_VOCAB), st.text(max_size=8)), max_size=10)))
    redirects = tuple(
        draw(st.lists(st.tuples(st.sampled_from([">", ">>", "<<", "<<<", "2>&", "<"]), st.one_of(st.sampled_from([".npmrc", "$GITHUB_ENV", "$BASH_ENV", "~/.yarnrc.yml"]), st.text(max_size=30))), max_size=2))
    )
    piped = tuple(draw(st.lists(st.tuples(*[st.sampled_from(_VOCAB)] * 2), max_size=2)))
    assignments = tuple(draw(st.lists(st.tuples(st.sampled_from(["A", "NPM_ID_TOKEN"]), st.text(max_size=20)), max_size=2)))
    return Command(words=words, text=" ".join(words), location=Location("p", 1, 1), assignments=assignments, redirects=redirects, piped_from=piped)


@given(commands(), st.dictionaries(st.sampled_from(["release", "prerelease", "build", "publish"]), st.sampled_from(_VOCAB + ["npm run release", "npm publish"]), max_size=4))
@settings(max_examples=200, deadline=None)
def test_classify_never_raises(command, scripts):
    table = {name: (text, Location("package.json", 1, 1)) for name, text in scripts.items()}
    from npm_auth_lint.commands.dispatch import Context, classify_command
    from npm_auth_lint.commands.handlers import HANDLERS

    classify_command(command, Context(HANDLERS, table.get))  # the inner function: no blanket except to hide a crash
    assert isinstance(classify(command, table.get), tuple)


@given(st.text(max_size=120))
@settings(max_examples=200, deadline=None)
def test_classify_action_and_ref_version_never_raise(text):
    action = classify_action(text)
    assert action.raw == text
    ref_version(text, text)


# ---- the handler table and the package's structure -------------------------------------------


@pytest.mark.parametrize(
    ("script", "tool"),
    [
        ("NPM.CMD publish", Tool.NPM),
        ("Pnpm.exe publish", Tool.PNPM),
        (r"C:\\tools\\Yarn.cmd npm publish", Tool.YARN_BERRY),
        ("/usr/local/bin/NX release publish", Tool.NX),
    ],
)
def test_program_names_match_in_any_letter_case_and_path(script, tool):
    assert one(run(script), Publish).tool is tool


def test_handler_table_names_are_lowercase_program_names():
    from npm_auth_lint.commands.handlers import HANDLERS
    from npm_auth_lint.commands.words import basename

    # classify_program falls back to the lowercased name: a key in other letters would never match it.
    for name, handler in HANDLERS.items():
        assert name == name.lower() == basename(name), name
        assert callable(handler)


def test_commands_modules_share_no_private_names():
    """Names one module of the package imports from another are public (no leading underscore)."""
    import ast
    import pathlib

    import npm_auth_lint.commands as package

    crossing = []
    for path in sorted(pathlib.Path(package.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("npm_auth_lint.commands"):
                crossing += [(path.name, alias.name) for alias in node.names if alias.name.startswith("_")]
    assert crossing == []


# ---- wrappers that run a command or script they are given (spec "Publish step", 2026-12) --------

from npm_auth_lint.commands import Unfollowed, WorkspaceMember  # noqa: E402


def _members() -> tuple[WorkspaceMember, ...]:
    """A monorepo: @acme/a publishes from its `release` script, @acme/b only builds."""
    a = {"release": ("npm publish --access public", Location("packages/a/package.json", 5, 16))}
    b = {"build": ("tsc", Location("packages/b/package.json", 5, 14))}
    return (WorkspaceMember("@acme/a", "packages/a", a.get), WorkspaceMember("@acme/b", "packages/b", b.get))


def wrapped(line: str, scripts: dict[str, str] | None = None) -> tuple:
    table = {name: (text, Location("package.json", 3 + i, 5)) for i, (name, text) in enumerate((scripts or {}).items())}
    commands = split_script(line, path="ci.yml", first_line=7, column=9)  # `$(...)` is a command too
    return tuple(r for command in commands for r in classify(command, table.get, _members()))


@pytest.mark.parametrize(
    ("line", "through", "inner", "recursive", "workspace"),
    [
        ("npx lerna exec --no-private -- npm publish", "lerna exec", "npm publish", True, None),
        ("lerna exec --scope @acme/a -- npm publish", "lerna exec", "npm publish", False, "@acme/a"),
        ("lerna exec npm publish", "lerna exec", "npm publish", True, None),
        ("npx @lerna-lite/cli exec -- npm publish", "lerna-lite exec", "npm publish", True, None),
        ("lerna run release --no-private", "lerna run", "npm publish --access public", False, "@acme/a"),
        ("pnpm -r exec npm publish", "pnpm -r exec", "npm publish", True, None),
        ("pnpm --recursive exec npm publish", "pnpm -r exec", "npm publish", True, None),
        ("pnpm --filter ./packages/a exec npm publish", "pnpm --filter exec", "npm publish", False, "./packages/a"),
        ("pnpm -r run release", "pnpm -r run", "npm publish --access public", False, "@acme/a"),
        ("pnpm run -r release", "pnpm -r run", "npm publish --access public", False, "@acme/a"),
        ("pnpm --filter @acme/a run release", "pnpm --filter run", "npm publish --access public", False, "@acme/a"),
        ("yarn workspaces foreach -A exec npm publish", "yarn workspaces foreach exec", "npm publish", True, None),
        ("yarn workspaces foreach --all run release", "yarn workspaces foreach run", "npm publish --access public", False, "@acme/a"),
        ("npm run release --workspaces", "npm run --workspaces", "npm publish --access public", False, "@acme/a"),
        ("npm run release -w @acme/a", "npm run --workspaces", "npm publish --access public", False, "@acme/a"),
        ("npx nx run-many -t build,release", "nx run-many", "npm publish --access public", False, "@acme/a"),
        ("nx run a:release", "nx run", "npm publish --access public", False, "@acme/a"),
        ("nx affected --targets=release", "nx affected", "npm publish --access public", False, "@acme/a"),
        ("npx turbo run release --filter=@acme/a", "turbo run", "npm publish --access public", False, "@acme/a"),
        ("turbo release", "turbo run", "npm publish --access public", False, "@acme/a"),
        ("turbo run @acme/a#release", "turbo run", "npm publish --access public", False, "@acme/a"),
        ("find packages -name package.json -execdir npm publish \\;", "find -execdir", "npm publish", False, None),
        ("find dist -name '*.tgz' -exec npm publish {} +", "find -exec", "npm publish {}", False, None),
        ("nix-shell -p nodejs_22 --run 'npm publish'", "nix-shell --run", "npm publish", False, None),
        ("nix develop -c npm publish", "nix develop", "npm publish", False, None),
        ("docker run --rm -v $PWD:/w -w /w node:22 npm publish", "docker run", "npm publish", False, None),
        ("docker compose run --rm release npm publish", "docker compose run", "npm publish", False, None),
        ("docker-compose run release sh -c 'npm publish'", "docker-compose run", "npm publish", False, None),
    ],
)
def test_wrappers_run_the_publish_they_are_given(line, through, inner, recursive, workspace) -> None:
    publish = next(r for r in wrapped(line) if isinstance(r, Publish))
    assert publish.through[0] == through
    assert publish.command.location == Location("ci.yml", 7, 9)  # findings point at the wrapper's line
    assert publish.script_command is not None and " ".join(publish.script_command.words) == inner
    assert (publish.recursive, publish.workspace) == (recursive, workspace)


@pytest.mark.parametrize(
    "line",
    [
        "npx run-s build release",
        "npm-run-all --serial build release",
        "run-p release",
        "concurrently --names pub 'npm run release'",
        "concurrently npm:release",
    ],
)
def test_script_runners_follow_the_package_scripts(line) -> None:
    publish = one(wrapped(line, {"build": "tsc", "release": "npm publish"}), Publish)
    assert publish.script_command is not None and publish.script_command.text == "npm publish"
    assert publish.via_scripts[0][0] == "release"


@pytest.mark.parametrize(
    "line",
    [
        "npx lerna exec -- npm test",
        "lerna exec -- npm publish --dry-run",
        "lerna run build",
        "pnpm --filter @acme/b run release",  # @acme/b has no release script
        "pnpm -r run build",
        "npx nx run-many -t build test",
        "turbo run build",
        "turbo prune @acme/a",
        "run-s build 'release:*'",  # a glob cannot be listed through a script lookup
        "concurrently 'npm test' 'tsc -w'",
        "find . -name '*.js' -exec prettier --check {} +",
        "nix-shell --run 'npm test'",
        "docker run --rm node:22 npm test",
        "docker build -t app .",
        "docker compose up -d",
    ],
)
def test_wrappers_that_do_not_publish(line) -> None:
    assert of(wrapped(line, {"build": "tsc", "release:x": "npm publish"}), Publish) == []


def test_docker_run_records_the_image_the_publish_runs_in() -> None:
    publish = one(wrapped("docker run --rm -e NPM_CONFIG_PROVENANCE=true node:22-alpine npm publish"), Publish)
    assert publish.image == "node:22-alpine"
    assert publish.provenance is True  # `-e X=v` is the container's environment
    compose = one(wrapped("docker compose run --rm release npm publish"), Publish)
    assert compose.image == "docker compose run release"  # the service's image is not read


def test_a_selector_known_only_at_run_time_selects_every_package() -> None:
    publish = one(wrapped("lerna exec --scope $PKG -- npm publish"), Publish)
    assert publish.recursive and publish.workspace is None


def test_a_wrapper_inside_a_package_script_is_followed() -> None:
    publish = one(wrapped("npm run ship", {"ship": "lerna exec --no-private -- npm publish"}), Publish)
    assert publish.via_scripts[0][0] == "ship" and publish.through == ("lerna exec",) and publish.recursive


@pytest.mark.parametrize(
    ("line", "tool"),
    [("pn publish --no-git-checks", Tool.PNPM), ("pn -r publish", Tool.PNPM), ("pnx semantic-release", Tool.SEMANTIC_RELEASE)],
)
def test_pnpm_11_short_aliases(line, tool) -> None:
    assert one(wrapped(line), Publish).tool is tool


def test_npm_stage_publish_is_a_stage_publish() -> None:
    publish = one(wrapped("npm stage publish --access public"), Publish)
    assert (publish.tool, publish.stage) == (Tool.NPM, True)
    assert one(wrapped("npm publish"), Publish).stage is False
    assert of(wrapped("npm stage publish --dry-run"), Publish) == []
    assert of(wrapped("npm stage list"), Publish) == []


@pytest.mark.parametrize(
    ("line", "unknown"),
    [
        ("$PUBLISH_COMMAND", "$PUBLISH_COMMAND"),
        ("${RELEASE} --tag next", "${RELEASE} --tag next"),
        ("pnpm exec ${{ env.TOOL }}", "${{ env.TOOL }}"),
        ('eval "$RELEASE_COMMAND"', "$RELEASE_COMMAND"),
        ('bash -c "$SCRIPT"', "$SCRIPT"),
        ("npx lerna exec -- $CMD", "$CMD"),
    ],
)
def test_a_command_assembled_at_run_time_is_unfollowed(line, unknown) -> None:
    found = one(wrapped(line), Unfollowed)
    assert f"`{unknown}`" in found.what and found.command.location == Location("ci.yml", 7, 9)


@pytest.mark.parametrize(
    "line",
    ['eval "$(ssh-agent -s)"', "eval $(opam env)", "npm publish --tag $DIST_TAG", '"$HOME/bin/release-notes"', "echo $CMD"],
)
def test_shell_setup_and_variable_arguments_are_not_unfollowed(line) -> None:
    assert of(wrapped(line), Unfollowed) == []


def test_stage_publish_floor_is_the_one_source() -> None:
    from npm_auth_lint import toolchain

    assert toolchain.npm_floor(stage=True) == "11.15.0" == toolchain.npm_floor(circleci=True, stage=True)
    assert not toolchain.meets_npm_floor("11.14.9", stage=True) and toolchain.meets_npm_floor("11.15.0", stage=True)
    assert toolchain.npm_floor() == "11.5.1"  # `npm publish` keeps its own floor
    node = toolchain.oldest_node_meeting_floors(stage=True)
    bundled = toolchain.bundled_npm(node)
    assert bundled is not None and toolchain.meets_npm_floor(bundled[0], stage=True)
    assert "npm@^11.15.0" in toolchain.upgrade_advice("24.10.0", stage=True)


def test_changesets_action_v2_publish_script_input_is_v1_publish() -> None:
    from npm_auth_lint.knowledge.publishing import KNOWN_ACTIONS

    row = KNOWN_ACTIONS["changesets/action"]
    assert row.renamed_inputs["publish-script"] == row.script_input == row.only_with == "publish"


_WRAPPER_WORDS = st.sampled_from(
    ["lerna", "exec", "run", "--", "-r", "--filter", "pnpm", "pn", "nx", "run-many", "-t", "turbo", "docker", "compose",
     "run", "-e", "-v", "node:22", "nix-shell", "--run", "find", "-exec", ";", "+", "{}", "concurrently", "npm:x", "run-s",
     "npm", "publish", "stage", "$CMD", "${{ env.X }}", "sh", "-c", "eval", "yarn", "workspaces", "foreach", "-ws", "x"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WRAPPER_WORDS, min_size=1, max_size=12))
def test_wrapper_classification_never_raises(words) -> None:
    from npm_auth_lint.commands.dispatch import Context, classify_command
    from npm_auth_lint.commands.handlers import HANDLERS

    command = Command(words=tuple(words), text=" ".join(words), location=Location("ci.yml", 1, 1))
    scripts = {"x": ("lerna exec -- npm publish", Location("package.json", 2, 3))}
    # The inner entry point, which does not catch: odd argv must never make a wrapper raise.
    classify_command(command, Context(HANDLERS, scripts.get, workspace=_members()))


@pytest.mark.parametrize(
    ("line", "spec"),
    [
        ('bash -c "cd dist && npm publish"', "dist"),
        ("nix-shell --run 'cd packages/a && npm publish'", "packages/a"),
        ('sh -c "cd packages/a; npm publish ../b"', "packages/b"),
        ("sh -c 'cd $DIR && npm publish'", None),  # the folder is known only at run time
        ("bash -c 'cd ~ && cd - && npm publish'", None),
        ("bash -c 'npm publish out'", "out"),
    ],
)
def test_cd_inside_an_inner_script_names_the_folder_it_publishes(line, spec) -> None:
    assert one(wrapped(line), Publish).spec == spec


def test_credential_flags_take_their_value_so_it_is_never_a_package_or_folder() -> None:
    from npm_auth_lint.commands.words import positional_args

    words = ["--_authToken", "0d2f1c9e-58aa-4c4e-9a57-3b7e4fd2c6a1", "--//registry.npmjs.org/:_auth", "dXNlcjpwYXNz", "dist"]
    assert positional_args(words, frozenset()) == ["dist"]
    assert positional_args(["--_authToken=x", "pkg"], frozenset()) == ["pkg"]
