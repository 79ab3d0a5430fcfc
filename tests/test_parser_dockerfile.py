"""The Dockerfile FROM parser: stages, ARG defaults, platforms, positions."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.model import Location
from npm_auth_lint.parsers.dockerfile import BaseImage, parse_dockerfile, split_image
from npm_auth_lint.parsers.script_types import NoteKind

# Modelled on public Node release images: a global ARG for the Node version, a build stage,
# a slim final stage; the ``:-`` default is the form dockerfile-parse gets wrong.
MULTI_STAGE = textwrap.dedent(
    """\
    # syntax=docker/dockerfile:1
    ARG NODE_VERSION=20.11.1
    ARG BASE=node
    FROM --platform=$BUILDPLATFORM ${BASE}:${NODE_VERSION}-alpine AS build
    ARG NODE_VERSION
    RUN npm ci && \\
        npm run build
    FROM build as test
    RUN npm test
      from node:${NODE_VERSION:-18}-slim
    COPY --from=build /app /app
    CMD ["node", "dist/index.js"]
    """
)


def test_multi_stage_with_arg_defaults() -> None:
    df = parse_dockerfile("Dockerfile", MULTI_STAGE)
    build, test, final = df.froms
    assert build.location == Location("Dockerfile", 4, 1)
    assert (build.written, build.image, build.stage, build.platform) == (
        "${BASE}:${NODE_VERSION}-alpine",
        "node:20.11.1-alpine",
        "build",
        "$BUILDPLATFORM",
    )
    assert build.base == BaseImage("node", "20.11.1-alpine", None)
    assert build.args_used == ("BASE", "NODE_VERSION") and build.resolved
    assert test.parent_stage == "build" and test.stage == "test"
    assert final.location == Location("Dockerfile", 10, 3) and final.stage is None
    assert final.image == "node:20.11.1-slim"
    assert df.final is final and df.base_of() is final
    assert df.base_of(df.stage("TEST")) is build
    assert dict(df.global_args) == {"NODE_VERSION": "20.11.1", "BASE": "node"}
    assert df.notes == ()


def test_final_stage_built_on_an_earlier_stage() -> None:
    df = parse_dockerfile("ci/Dockerfile", "FROM node:22 AS base\nFROM base AS release\nRUN npm publish\n")
    assert df.final.stage == "release" and df.base_of().base == BaseImage("node", "22", None)


def test_arg_without_default_is_unresolved_and_noted() -> None:
    df = parse_dockerfile("Dockerfile", "ARG NODE\nFROM node:${NODE}\nFROM node:${NODE:-20}\nFROM $OTHER\n")
    first, second, third = df.froms
    assert first.unresolved == ("NODE",) and first.image == "node:${NODE}"
    assert second.image == "node:20" and second.resolved
    assert third.unresolved == ("OTHER",)
    assert [(n.kind, n.location.line) for n in df.notes] == [
        (NoteKind.UNRESOLVED, 2),
        (NoteKind.UNRESOLVED, 4),
    ]


def test_args_after_first_from_do_not_apply_and_plus_form() -> None:
    df = parse_dockerfile("Dockerfile", "ARG V=1\nFROM a:${V:+x}\nARG W=2\nFROM b:${W}\n")
    assert df.froms[0].image == "a:x"
    assert df.froms[1].unresolved == ("W",)


def test_continuations_comments_heredocs_and_escape_directive() -> None:
    text = textwrap.dedent(
        """\
        # escape=`
        FROM `
          # a comment inside the continuation
          mcr.microsoft.com/windows/servercore:ltsc2022 AS win
        RUN <<EOF
        FROM not-an-instruction
        EOF
        FROM node@sha256:abcd
        """
    )
    df = parse_dockerfile("Dockerfile", text)
    assert [f.image for f in df.froms] == [
        "mcr.microsoft.com/windows/servercore:ltsc2022",
        "node@sha256:abcd",
    ]
    assert df.froms[0].location.line == 2 and df.froms[1].location.line == 8
    assert df.froms[1].base == BaseImage("node", None, "sha256:abcd")


def test_split_image_with_registry_port() -> None:
    assert split_image("localhost:5000/org/img") == BaseImage("localhost:5000/org/img", None, None)
    assert split_image("ghcr.io:443/org/node:20-alpine@sha256:ab") == BaseImage(
        "ghcr.io:443/org/node", "20-alpine", "sha256:ab"
    )


def test_broken_and_large_inputs() -> None:
    df = parse_dockerfile("Dockerfile", "FROM\nFROM --platform=linux/amd64\n")
    assert df.froms == () and [n.kind for n in df.notes] == [NoteKind.PARSE_ERROR] * 2
    assert parse_dockerfile("Dockerfile", "#" * 1_000_001).notes[0].kind is NoteKind.SKIPPED


_ALPHABET = st.sampled_from(
    list("FROMARGas $:{}-+\\`#=\n\t\"'@/") + ["FROM ", "ARG ", " AS ", "<<EOF", "EOF", "${X:-1}"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=50).map("".join))
def test_never_raises_and_positions_in_range(text: str) -> None:
    df = parse_dockerfile("Dockerfile", text)
    lines = text.split("\n")
    for line in df.froms:
        assert lines[line.location.line - 1][line.location.column - 1 :].upper().startswith("FROM")
    df.base_of()


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_on_unicode(text: str) -> None:
    parse_dockerfile("Dockerfile", text).base_of()
