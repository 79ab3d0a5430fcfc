"""The Makefile parser: rules, recipes, variables, conditionals, sub-makes, with positions."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.model import Location
from npm_auth_lint.parsers.makefile import SubMake, expand_text, parse_makefile
from npm_auth_lint.parsers.script_types import NoteKind

# Modelled on public JS repositories' release Makefiles (publish behind build/test prerequisites,
# an npmrc written from a token, $(MAKE) into a package directory).
RELEASE = textwrap.dedent(
    """\
    # Release helpers
    NPM ?= npm
    TAG := next
    VERSION = $(shell node -p "require('./package.json').version")
    PKG_DIRS = packages/core \\
               packages/cli
    export NODE_AUTH_TOKEN

    .PHONY: all build test publish publish-nightly

    all: build

    build: node_modules
    \t$(NPM) run build

    node_modules: package.json
    \tnpm ci

    test: build
    \t@$(NPM) test

    publish: TAG := latest
    publish: test | build
    \t@echo "//registry.npmjs.org/:_authToken=$${NPM_TOKEN}" > .npmrc
    \t-$(NPM) publish --tag $(TAG) \\
    \t  --access public

    publish-nightly: build
    \t$(MAKE) -C packages/core publish TAG=nightly
    \tcd packages/cli && $(MAKE) release
    \tnpm publish --tag v$(VERSION)
    """
)


def commands(mk, target=None, **kw):
    return [(c.location.line, c.location.column, c.command) for c in mk.commands_for(target, **kw)]


def test_rules_variables_and_default_goal() -> None:
    mk = parse_makefile("Makefile", RELEASE)
    assert mk.default_goal == "all"
    assert mk.phony == {"all", "build", "test", "publish", "publish-nightly"}
    assert mk.variables["TAG"].flavor == "simple" and mk.variables["TAG"].value == "next"
    assert mk.variables["PKG_DIRS"].value == "packages/core packages/cli"
    assert mk.variables["NPM"].location == Location("Makefile", 2, 1)
    (publish,) = mk.rules_for("publish")
    assert publish.prerequisites == ("test",) and publish.order_only == ("build",)
    assert publish.location == Location("Makefile", 23, 1)
    assert [v.name for v in publish.target_variables] == ["TAG"]
    assert mk.notes == ()


def test_prerequisites_run_first_each_once_with_chain() -> None:
    mk = parse_makefile("Makefile", RELEASE)
    expansion = mk.expand("publish")
    assert [(c.location.line, c.command) for c in expansion.commands] == [
        (17, "npm ci"),
        (14, "npm run build"),
        (20, "npm test"),
        (24, 'echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc'),
        # target-specific TAG wins; the continuation is handed to the shell as written
        (25, "npm publish --tag latest \\\n  --access public"),
    ]
    first, *_, last = expansion.commands
    assert [h.label for h in first.chain] == [
        "target publish",
        "target test",
        "target build",
        "target node_modules",
    ]
    assert last.ignore_errors and not last.silent and last.location.column == 2
    assert expansion.commands[2].silent
    assert expansion.notes == ()


def test_sub_makes_are_followed_in_file_and_through_the_loader() -> None:
    mk = parse_makefile("Makefile", RELEASE)
    sub_mk = parse_makefile("packages/core/Makefile", "publish:\n\tnpm publish --tag $(TAG)\n")
    loaded: list[SubMake] = []

    def load(sub: SubMake):
        loaded.append(sub)
        return sub_mk if sub.directory == "packages/core" else None

    expansion = mk.expand("publish-nightly", load=load)
    texts = [c.command for c in expansion.commands]
    assert "npm publish --tag nightly" in texts  # the command-line variable of the sub-make
    inner = next(c for c in expansion.commands if c.command == "npm publish --tag nightly")
    assert inner.location == Location("packages/core/Makefile", 2, 2)
    assert [h.label for h in inner.chain] == [
        "target publish-nightly",
        "make -C packages/core publish",
        "target publish",
    ]
    assert [s.directory for s in loaded] == ["packages/core", "packages/cli"]
    (cd_note,) = [n for n in expansion.notes if "packages/cli" in n.message]
    assert cd_note.kind is NoteKind.UNRESOLVED and cd_note.location.line == 30
    shell_version = next(c for c in expansion.commands if c.command.startswith("npm publish --tag v"))
    assert shell_version.unresolved == ("$(shell node -p \"require('./package.json').version\")",)


def test_make_in_same_file_and_recursion_cut() -> None:
    mk = parse_makefile(
        "Makefile",
        "release-patch:\n\tnpm version patch && $(MAKE) push-publish\n"
        "push-publish:\n\tgit push --all && npm publish dist\n"
        "loop:\n\t$(MAKE) loop\n",
    )
    assert commands(mk, "release-patch") == [
        (2, 2, "npm version patch && make push-publish"),
        (4, 2, "git push --all && npm publish dist"),
    ]
    expansion = mk.expand("loop")
    assert [c.command for c in expansion.commands] == ["make loop"]
    assert [n.kind for n in expansion.notes] == [NoteKind.CYCLE]


def test_prerequisite_cycle_is_cut_and_depth_bounded() -> None:
    mk = parse_makefile("Makefile", "a: b\n\techo a\nb: a\n\techo b\n")
    expansion = mk.expand("a")
    assert [c.command for c in expansion.commands] == ["echo b", "echo a"]
    assert [n.kind for n in expansion.notes] == [NoteKind.CYCLE]
    chain = "".join(f"t{i}: t{i + 1}\n\techo {i}\n" for i in range(30))
    deep = parse_makefile("Makefile", chain).expand("t0", max_depth=5)
    assert len(deep.commands) == 6 and deep.notes[0].kind is NoteKind.DEPTH


def test_assignment_flavors_override_export_and_define() -> None:
    mk = parse_makefile(
        "Makefile",
        textwrap.dedent(
            """\
            A = one
            B := $(A)
            A = two
            C ?= keep
            C ?= ignored
            B += more
            D = x
            D += $(A)
            override E = fixed
            E = changed
            export REG := https://registry.npmjs.org/
            F != git describe
            define BANNER
            echo publish
            endef
            .RECIPEPREFIX = >
            show:
            > echo $(B) $(C) $(D) $(E) $(REG) $(F) ${A} $A$$HOME
            """
        ),
    )
    v = mk.variables
    assert (v["B"].value, v["B"].flavor) == ("one more", "simple")
    assert v["C"].value == "keep" and v["E"].value == "fixed"
    assert v["REG"].exported and v["F"].flavor == "shell"
    assert v["BANNER"].value == "echo publish"
    (cmd,) = mk.commands_for("show")
    assert cmd.command == "echo one more keep x two fixed https://registry.npmjs.org/ $(F) two two$HOME"
    assert cmd.unresolved == ("$(F)",)
    assert cmd.location == Location("Makefile", 18, 2)  # just after the prefix


def test_conditionals_known_and_unknown() -> None:
    mk = parse_makefile(
        "Makefile",
        textwrap.dedent(
            """\
            MODE = ci
            ifeq ($(MODE),ci)
            X = yes
            else ifeq ($(MODE),local)
            X = local
            else
            X = no
            endif
            ifdef NPM_TOKEN
            auth:
            \techo token
            else
            auth:
            \techo oidc
            endif
            ifneq "$(MODE)" "ci"
            never:
            \tnpm publish
            endif
            """
        ),
    )
    assert mk.variables["X"].value == "yes"
    assert "never" not in mk.targets
    # NPM_TOKEN may come from the environment: both branches are read, the later recipe wins
    assert [c.command for c in mk.commands_for("auth")] == ["echo oidc"]
    assert [n.location.line for n in mk.notes if n.kind is NoteKind.UNRESOLVED] == [9]


def test_environment_and_overrides_fill_unknown_variables() -> None:
    mk = parse_makefile("Makefile", "publish:\n\tnpm publish --tag $(TAG) --registry $(REGISTRY)\n")
    (cmd,) = mk.commands_for("publish", overrides={"TAG": "beta"}, environment={"REGISTRY": "https://r/"})
    assert cmd.command == "npm publish --tag beta --registry https://r/" and cmd.unresolved == ()
    (cmd,) = mk.commands_for("publish")
    assert cmd.unresolved == ("$(TAG)", "$(REGISTRY)")


def test_inline_recipe_static_and_pattern_rules_double_colon() -> None:
    mk = parse_makefile(
        "Makefile",
        "PKGS = a b\n"
        "publish-all: $(PKGS:%=publish-%)\n"
        "$(addprefix publish-,a b): publish-%: build-%\n\tnpm publish packages/$*\n"
        "build-a build-b: ; npm run build\n"
        "npm-publis%: ## npm-publish: Publish\n\tnpm publish --access public\n"
        "clean::\n\trm -rf a\nclean::\n\trm -rf b\n",
    )
    assert commands(mk, "build-a") == [(5, 20, "npm run build")]
    assert [c.command for c in mk.commands_for("npm-publish")] == ["npm publish --access public"]
    assert [c.command for c in mk.commands_for("clean")] == ["rm -rf a", "rm -rf b"]
    # functions and substitution references are run-time values: kept, not guessed
    (rule,) = mk.rules_for("publish-all")
    assert rule.prerequisites == ("$(PKGS:%=publish-%)",)


def test_includes_are_noted_and_missing_target_reported() -> None:
    mk = parse_makefile("Makefile", "include common.mk\n-include $(wildcard *.mk)\nall:\n\ttrue\n")
    assert next(name for name, _ in mk.includes) == "common.mk"
    assert [n.kind for n in mk.notes] == [NoteKind.INCLUDE, NoteKind.INCLUDE]
    expansion = mk.expand("publish")
    assert expansion.commands == () and expansion.notes[0].kind is NoteKind.UNRESOLVED


def test_sub_make_options() -> None:
    mk = parse_makefile(
        "Makefile",
        "x:\n\t$(MAKE) -j 4 --directory=pkg -f release.mk publish VERSION=1.2.3 -s\n\tmake -Cdocs\n",
    )
    first, second = mk.commands_for("x")
    (sub,) = first.sub_makes
    assert (sub.directory, sub.makefile, sub.targets, sub.variables) == (
        "pkg",
        "release.mk",
        ("publish",),
        (("VERSION", "1.2.3"),),
    )
    assert second.sub_makes[0].directory == "docs" and second.sub_makes[0].targets == ()


def test_expand_text_handles_nesting_and_self_reference() -> None:
    variables = {"A": "a", "N": "A"}
    assert expand_text("$($(N)) $$ ${A}", variables.get) == ("a $ a", ())
    out, unresolved = expand_text("$(X", {}.get)
    assert out == "$(X" and unresolved == ("$(X",)


def test_large_file_is_skipped() -> None:
    mk = parse_makefile("Makefile", "#" * 1_000_001)
    assert mk.notes[0].kind is NoteKind.SKIPPED and mk.rules == ()


_MAKE_ALPHABET = st.sampled_from(
    list("ab:=$(){}#\\\t\n ;|%@-+?!,\"'")
    + ["ifeq", "endif", "else", "define", "endef", "$(MAKE)", "export ", "include "]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_MAKE_ALPHABET, max_size=60).map("".join))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    mk = parse_makefile("Makefile", text)
    for target in (*mk.targets, None):
        expansion = mk.expand(target)
        for command in expansion.commands:
            assert 1 <= command.location.line <= text.count("\n") + 1
    for note in mk.notes:
        assert 1 <= note.location.line <= text.count("\n") + 1


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_unicode(text: str) -> None:
    parse_makefile("Makefile", text).expand()


def test_exported_variables_reach_the_recipe_environment() -> None:
    mk = parse_makefile(
        "Makefile",
        "REGISTRY = https://registry.npmjs.org/\n"
        "export NPM_CONFIG_REGISTRY = $(REGISTRY)\n"
        "HIDDEN := x\nexport HIDDEN\nunexport HIDDEN\n"
        "publish: export NODE_AUTH_TOKEN = $(NPM_TOKEN)\n"
        "publish:\n\tnpm publish\n"
        "other:\n\tnpm whoami\n",
    )
    (publish,) = mk.commands_for("publish")
    assert publish.exported == (
        ("NODE_AUTH_TOKEN", "$(NPM_TOKEN)"),
        ("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/"),
    )
    (other,) = mk.commands_for("other")
    assert other.exported == (("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/"),)
