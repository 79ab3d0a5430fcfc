"""The words of "what to change", shared by the rules and the strategy report."""

from __future__ import annotations

from npm_auth_lint.analysis.facts import PublishFact
from npm_auth_lint.model import Job, Provider

NPM_AUDIENCE = "npm:registry.npmjs.org"
CIRCLECI_EXPORT = "export NPM_ID_TOKEN=$(circleci run oidc get --claims '{\"aud\": \"npm:registry.npmjs.org\"}')"


def id_token_fix(job: Job) -> str:
    """How to wire the ID token for ``job``, in the provider's own syntax."""
    if job.id_token is not None and job.id_token.fix and "\n" not in job.id_token.fix:
        return job.id_token.fix
    if job.provider is Provider.GITHUB:
        return f"add `permissions: {{contents: read, id-token: write}}` to job `{job.id}` (the publishing job only, not the workflow)"
    if job.provider is Provider.GITLAB:
        sigstore = ", SIGSTORE_ID_TOKEN: {aud: sigstore}" if job.id_token is not None and job.id_token.sigstore else ""
        return f'add `id_tokens: {{NPM_ID_TOKEN: {{aud: "{NPM_AUDIENCE}"}}{sigstore}}}` to job `{job.id}`'
    return f"run `{CIRCLECI_EXPORT}` in the same `run` step as the publish"


def node_pin_example(provider: Provider, pin_source: str | None = None, pin_path: str | None = None) -> str:
    """A Node 24 pin whose bundled npm is new enough for OIDC there, written where the job's
    current pin is (``pin_source``/``pin_path`` of its NodePin: a version file, Volta, an env
    value), else in the provider's own syntax."""
    source = pin_source or ""
    if source.startswith("node-version-file") and pin_path:
        name = pin_path.rpartition("/")[2]
        if name == ".tool-versions":
            return f"`nodejs 24` in `{pin_path}`"
        if name.endswith("mise.toml"):
            return f'`node = "24"` in `{pin_path}`'
        if name == "package.json":
            return f"Node 24 in `{pin_path}`"
        return f"`24` in `{pin_path}`"
    if source == "volta.node":
        return "`volta pin node@24`"
    if source.startswith("env ") and provider is Provider.GITHUB:
        return f"`{source[len('env '):]}: 24`"
    if provider is Provider.GITLAB:
        return "`image: node:24`"
    if provider is Provider.CIRCLECI:
        return "a `cimg/node:24.15` image"  # 24.14.1+ bundles npm >= 11.11.0, CircleCI's floor
    return "`node-version: 24`"


def trusted_publisher_step(publish: PublishFact) -> str:
    """Where to register the trusted publisher (the entry file npm binds to)."""
    pipeline = publish.pipeline
    filename = pipeline.entry_file.rpartition("/")[2]
    if publish.provider is Provider.GITHUB and pipeline.reusable_only:
        # npm checks the filename of the workflow a run starts from, not the reusable one.
        return f"add a trusted publisher on npmjs.com for each workflow that calls `{filename}` (npm checks the calling workflow's filename)"
    if publish.provider is Provider.GITHUB:
        return f"add a trusted publisher on npmjs.com for workflow `{filename}`"
    if publish.provider is Provider.GITLAB:
        return f"add a trusted publisher on npmjs.com for CI file `{pipeline.entry_file}`"
    return "add a CircleCI trusted publisher on npmjs.com (organization, project and pipeline definition IDs)"


def switch_to_oidc(publish: PublishFact) -> str:
    """The whole migration in one sentence."""
    job = publish.job
    token = publish.credential.variable if publish.credential and publish.credential.variable else "the token"
    steps = []
    if not (job.id_token and job.id_token.granted) or publish.provider is Provider.CIRCLECI:
        steps.append(id_token_fix(job))
    if publish.provider is Provider.GITHUB and publish.pipeline.reusable_only:
        steps.append("the calling job needs `id-token: write` too")
    written = publish.credential.written_at if publish.credential else None
    if written is not None:
        steps.append(f"remove the command that writes the token (line {written.line})")
    else:
        steps.append(f"remove {token} from the publish")
    steps.append(trusted_publisher_step(publish))
    return "; ".join(steps)
