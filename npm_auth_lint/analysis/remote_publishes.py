"""Publishing pipelines that hand the publish to a reusable workflow of another repository.

tree-sitter-javascript's ``publish.yml`` has a job ``uses:
tree-sitter/workflows/.github/workflows/package-npm.yml@main`` with ``secrets: NODE_AUTH_TOKEN:
${{ secrets.NPM_TOKEN }}``: its steps cannot be read here (the lint run notes it as an
``unresolved-reference``), but it is a publishing pipeline all the same, and npm binds its trusted
publisher to the *calling* workflow (npm-facts §1.5). The strategy lists it as unverified.

Such a call counts when it passes a secret whose name says npm (``NPM_TOKEN``,
``NODE_AUTH_TOKEN``, ``secrets: inherit`` excluded) or when the called file's name says npm
(``package-npm.yml``, ``npm-publish.yml``). The facts made here are kept apart from
:attr:`Analysis.publishes`: no rule judges a publish whose commands it cannot see (the note is the
finding); only the strategy reads them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from npm_auth_lint import lazy_regex, yamlio
from npm_auth_lint.analysis.facts import Credential, CredentialChannel, PublishFact, TargetOrigin, Unknown, UnknownKind
from npm_auth_lint.analysis.registry_urls import NPMJS
from npm_auth_lint.model import Job, Location, Pipeline, Project, Provider, Step, Text, ValueSource, ValueSourceKind
from npm_auth_lint.parsers.github_common import key_location, value_location
from npm_auth_lint.parsers.github_permissions import Level, id_token, read_permissions

__all__ = ["remote_publishes"]

_NPM_NAME = lazy_regex.compile(r"npm|node_auth_token", re.I)
_SECRET_REFERENCE = lazy_regex.compile(r"^\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}$")
# A job-level `uses:` of a workflow file in another repository: files without one are not parsed again.
_REMOTE_CALL = lazy_regex.compile(r"""^\s+uses:\s*["']?[A-Za-z0-9_.-]+/[^\s"']*\.github/workflows/""", re.M)


def _npm_secret(secrets: object, path: str) -> tuple[str, ValueSource, Location] | None:
    """The first secret passed whose name (as passed or as stored) says npm."""
    if not isinstance(secrets, yamlio.YMap):
        return None
    for key, value in secrets.items():
        if not isinstance(key, str) or not isinstance(value, str):
            continue
        stored = _SECRET_REFERENCE.match(value.strip())
        name = stored.group(1) if stored else None
        if _NPM_NAME.search(key) or (name is not None and _NPM_NAME.search(name)):
            kind = ValueSourceKind.SECRET if name is not None else ValueSourceKind.EXPRESSION
            return key, ValueSource(kind, name), value_location(path, secrets, key)
    return None


def _calls(project: Project) -> Iterator[tuple[Pipeline, yamlio.YMap, yamlio.YMap, str, str]]:
    """(pipeline, workflow mapping, job mapping, job id, uses) of each remote reusable call."""
    for pipeline in project.pipelines:
        if pipeline.provider is not Provider.GITHUB or pipeline.reusable_only:
            continue
        text = project.files.get(pipeline.path, "")
        if not _REMOTE_CALL.search(text):
            continue
        try:
            data = yamlio.load(text)
        except yamlio.LoadError:
            continue
        jobs = data.get("jobs") if isinstance(data, yamlio.YMap) else None
        if not isinstance(jobs, yamlio.YMap):
            continue
        for job_id, job in jobs.items():
            uses = job.get("uses") if isinstance(job, yamlio.YMap) else None
            if isinstance(job_id, str) and isinstance(uses, str) and not uses.strip().startswith("./") and "/" in uses:
                yield pipeline, data, job, job_id, uses.strip()


def _fact(pipeline: Pipeline, data: yamlio.YMap, mapping: yamlio.YMap, job_id: str, uses: str) -> PublishFact | None:
    path = pipeline.path
    secret = _npm_secret(mapping.get("secrets"), path)
    called_file = posixpath.basename(uses.partition("@")[0])
    if secret is None and not _NPM_NAME.search(called_file):
        return None
    where = key_location(path, mapping, "uses")
    job_location = key_location(path, data["jobs"], job_id)
    level = Level(job_id, job_location, path, read_permissions(mapping, path), read_permissions(data, path))
    job = Job(Provider.GITHUB, job_id, job_location, id_token=id_token((level,)), permissions_location=level.job.location if level.job else None)
    step = Step(where, uses=Text(uses, value_location(path, mapping, "uses")))
    opaque = None
    if secret is not None:
        key, source, at = secret
        via = f"the `{key}` secret passed to reusable workflow `{uses}`"
        opaque = Credential(source, at, via, CredentialChannel.JOB_ENV, variable=key)
    unknown = Unknown(
        UnknownKind.PACKAGE, where,
        f"which package it publishes, and how: reusable workflow `{uses}` is in another repository, so its steps cannot be read here",
    )
    return PublishFact(
        pipeline=pipeline, job=job, step=step, step_index=0, location=where, tool=None, publisher_action=None,
        display=f"reusable workflow {uses}", target=NPMJS, target_origin=TargetOrigin.ACTION_DEFAULT,
        target_via="npm's default registry (taken for the remote workflow's)", credential=None, fallback_credentials=(),
        provenance=None, provenance_via=None, packages=(), id_token=job.id_token, opaque_credential=opaque, directory=None,
        unknowns=(unknown,),
        remote_workflow=uses,
    )


def remote_publishes(project: Project) -> tuple[PublishFact, ...]:
    """One publish for each call of a reusable workflow in another repository that looks like an
    npm publish (see the module's docstring)."""
    found = (_fact(*call) for call in _calls(project))
    return tuple(fact for fact in found if fact is not None)
