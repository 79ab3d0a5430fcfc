"""The command line: ``npm-auth-lint [PATH...]`` plus the ``rules``, ``rule`` and ``strategy``
subcommands, in one Typer app whose default command is ``lint``.

The CLI only turns flags into :class:`LintOptions` and a :class:`~npm_auth_lint.config.Config`,
calls the engine, renders and picks the exit code: 0 when nothing is at or above ``--fail-on``, 1
when something is, 2 for usage and I/O errors (one line on stderr, never a traceback).

Start-up is most of a small run, so this module imports only Typer and the standard library at
the top; each command imports what it needs (``--version`` and ``rules`` never load the engine,
and only ``--format sarif`` loads sarif-om).
"""

from __future__ import annotations

import dataclasses
import enum
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, TextIO

import typer
import typer.core

import npm_auth_lint
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.reporters import FORMAT_SPECS, FORMATS

if TYPE_CHECKING:
    from npm_auth_lint.config import Config
    from npm_auth_lint.engine import LintResult
    from npm_auth_lint.model import Finding, Severity
    from npm_auth_lint.reporters import Report
    from npm_auth_lint.strategy import PipelineStrategy

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
PROG = "npm-auth-lint"
DEFAULT_COMMAND = "lint"

# The output formats, from the reporters' one registry of formats.
Format = enum.Enum("Format", {name: name for name in FORMATS}, type=str)  # type: ignore[misc]


class FailOn(str, enum.Enum):
    error = "error"
    warning = "warning"
    note = "note"
    never = "never"


class UsageError(Exception):
    """A problem with how the tool was called or with its inputs: exit 2, one line."""


@frozen_dataclass
class LintOptions:
    """What one ``npm-auth-lint [PATH...]`` run was asked to do."""

    paths: tuple[Path, ...] = (Path("."),)
    output_format: str = "text"
    output: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: FailOn = FailOn.warning
    config_file: Path | None = None
    no_config: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None
    quiet: bool = False
    statistics: bool = False
    fix: bool = False  # --fix: write the fixes
    diff: bool = False  # --diff: print them, write nothing (wins over --fix)
    unsafe_fixes: bool = False

    @property
    def fixing(self) -> bool:
        return self.fix or self.diff

    def render_options(self, color: bool) -> dict[str, Any]:
        """The options the chosen format's reporter takes (the text format's style flags)."""
        wanted = {"color": color, "quiet": self.quiet, "statistics": self.statistics}
        return {k: v for k, v in wanted.items() if k in FORMAT_SPECS[self.output_format].options}

    @property
    def shows_strategy(self) -> bool:
        return FORMAT_SPECS[self.output_format].wants_strategy(self.render_options(color=False))


# ------------------------------------------------------------------------------------------
# The app: one Typer app; a first argument that is not a subcommand goes to `lint`.


class DefaultCommandGroup(typer.core.TyperGroup):
    """A group that runs :data:`DEFAULT_COMMAND` unless the first argument names a subcommand.

    ``lint`` itself is never matched by name, so ``npm-auth-lint lint`` lints a folder named
    ``lint``; a folder named like a subcommand is reached as ``./strategy``.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or args[0] == DEFAULT_COMMAND or args[0] not in self.commands:
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


class DefaultCommand(typer.core.TyperCommand):
    """The default command shows its usage as the program's own (``npm-auth-lint [OPTIONS]``)."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        parent = ctx.parent.command_path if ctx.parent is not None else ctx.command_path
        formatter.write_usage(parent, " ".join(self.collect_usage_pieces(ctx)))


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"{PROG} {npm_auth_lint.__version__}")
        raise typer.Exit(EXIT_OK)


app = typer.Typer(
    cls=DefaultCommandGroup,
    # Completion is an option of the default command (added in build_command), as the
    # program's options are.
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

_EPILOG = (
    "Other commands: `npm-auth-lint rules` lists every rule; `npm-auth-lint rule ID` shows a rule's "
    "documentation; `npm-auth-lint strategy [PATH]` shows each publishing pipeline's path and checklist. "
    "A folder named like a command is linted as ./NAME. "
    "Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or I/O error."
)


@app.command(DEFAULT_COMMAND, cls=DefaultCommand, hidden=True, epilog=_EPILOG)
def lint(
    paths: Optional[list[Path]] = typer.Argument(None, metavar="PATH", help="Files or folders to lint (default: the current folder).", show_default=False),
    output_format: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),  # type: ignore[attr-defined]
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write the report to FILE instead of stdout."),
    select: list[str] = typer.Option([], "--select", metavar="IDS", help="Only run these rules (comma-separated ids; repeatable)."),
    ignore: list[str] = typer.Option([], "--ignore", metavar="IDS", help="Never run these rules (comma-separated ids; repeatable)."),
    fail_on: FailOn = typer.Option(FailOn.warning, "--fail-on", help="Lowest level that makes the exit status 1."),
    config_file: Optional[Path] = typer.Option(None, "--config", metavar="FILE", help="Configuration file (default: .npm-auth-lint.yaml at the repository root)."),
    no_config: bool = typer.Option(False, "--no-config", help="Ignore any configuration file."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", metavar="FILE", help="Report only findings that are not in this baseline."),
    write_baseline: Optional[Path] = typer.Option(None, "--write-baseline", metavar="FILE", help="Record the current findings as the baseline and exit 0."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Text format: print the findings only (no summary, no progress)."),
    statistics: bool = typer.Option(False, "--statistics", help="Text format: print how many findings each rule has instead of the findings."),
    fix: bool = typer.Option(False, "--fix", help="Apply the safe fixes rules offer (edits the files), then report what is left."),
    diff: bool = typer.Option(False, "--diff", help="Print the fixes as a unified diff instead of writing them; exit 1 when there is one."),
    unsafe_fixes: bool = typer.Option(False, "--unsafe-fixes", help="With --fix/--diff, also apply fixes that change what a release does."),
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True, help="Show the version and exit."),
) -> int:
    """Audit how a repository authenticates to npm from CI."""
    options = LintOptions(
        paths=tuple(paths or [Path(".")]),
        output_format=output_format.value,
        output=output,
        select=tuple(select),
        ignore=tuple(ignore),
        fail_on=fail_on,
        config_file=config_file,
        no_config=no_config,
        baseline=baseline,
        write_baseline=write_baseline,
        quiet=quiet,
        statistics=statistics,
        fix=fix,
        diff=diff,
        unsafe_fixes=unsafe_fixes,
    )
    return run_lint(options)


# ------------------------------------------------------------------------------------------
# Linting


def build_config(root: Path, config_file: Path | None, no_config: bool, select: Sequence[str], ignore: Sequence[str]) -> Config:
    from npm_auth_lint.config import Config, ConfigError, find_config, load_config, parse_rule_list
    from npm_auth_lint.plugins import all_rules

    known = [rule.id for rule in all_rules()]
    if no_config:
        config = Config()
    elif config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"config file not found: {config_file}")
        config = load_config(config_file, known)
    else:
        found = find_config(root)
        config = load_config(found, known) if found else Config()
    selected = parse_rule_list(select, known, "--select") if select else None
    deselected = parse_rule_list(ignore, known, "--ignore")
    return dataclasses.replace(config, select=selected, deselect=deselected)


def _is_tty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def _use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _is_tty(stream)


def exit_code(findings_severities: Sequence[Severity], fail_on: FailOn) -> int:
    from npm_auth_lint.model import Severity

    if fail_on is FailOn.never:
        return EXIT_OK
    threshold = Severity(fail_on.value).rank
    return EXIT_FINDINGS if any(s.rank >= threshold for s in findings_severities) else EXIT_OK


def for_terminal(text: str) -> str:
    """``text`` redacted and with terminal controls escaped: everything written to stderr."""
    from npm_auth_lint.redact import for_terminal as scrub  # only on the paths that print

    return scrub(text)


def repository_root(paths: Sequence[Path]) -> Path:
    """The one repository every path belongs to; a usage error otherwise."""
    from npm_auth_lint.workspace import find_root, leaves_root

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"path does not exist: {missing[0]}")
    outside = [why for p in paths if (why := leaves_root(p))]
    if outside:
        raise UsageError(outside[0])
    roots = sorted({str(find_root(p)) for p in paths})
    if len(roots) > 1:
        # Paths, SARIF's %SRCROOT%, fingerprints and baselines are all relative to one root.
        raise UsageError(f"the paths belong to different repositories ({roots[0]}, {roots[1]}): lint one repository per run")
    return find_root(paths[0])


def _run_engine(options: LintOptions) -> LintResult:
    from npm_auth_lint.engine import lint as run_engine
    from npm_auth_lint.progress import Progress

    root = repository_root(options.paths)
    config = build_config(root, options.config_file, options.no_config, options.select, options.ignore)
    if options.fixing:
        return _run_fixes(options, config)
    with Progress(enabled=not options.quiet and _is_tty(sys.stderr)) as progress:
        return run_engine(list(options.paths), config, progress=progress.update)


def _print_notes(result: LintResult) -> None:
    for message in result.internal_errors:
        print(for_terminal(f"{PROG}: {message} (please report this bug)"), file=sys.stderr)
    for rel in result.unlintable:
        from npm_auth_lint.reporters.common import clean  # the text reporter: only for a note
        from npm_auth_lint.reporters.text import printable

        name = printable(clean(rel))
        print(f"{PROG}: note: {name} is not a file npm-auth-lint reads (workflows live in .github/workflows/); not linted", file=sys.stderr)


def _baseline_filter(findings: list[Finding], result: LintResult, options: LintOptions) -> list[Finding] | None:
    """The findings not in ``--baseline``; ``None`` after ``--write-baseline`` wrote them."""
    if options.write_baseline is None and options.baseline is None:
        return findings
    from npm_auth_lint import baseline as baselines

    texts = baselines.texts_of(result.projects)
    try:
        if options.write_baseline is not None:
            count = baselines.write(options.write_baseline, findings, texts)
            print(f"{PROG}: wrote {count} finding(s) to the baseline {options.write_baseline}", file=sys.stderr)
            return None
        assert options.baseline is not None
        return baselines.new_findings(findings, texts, baselines.read(options.baseline))
    except baselines.BaselineError as exc:
        raise UsageError(str(exc)) from None


def strategy_of(analyses: Sequence[object]) -> tuple[PipelineStrategy, ...]:
    """Every publishing pipeline's strategy, project by project."""
    from npm_auth_lint.strategy import strategy

    return tuple(s for analysis in analyses for s in strategy(analysis))  # type: ignore[arg-type]


def build_report(result: LintResult, findings: Sequence[Finding], options: LintOptions) -> Report:
    from npm_auth_lint.reporters import Report

    return Report(
        findings=tuple(findings),
        rules=result.rules,
        root=result.root,
        files_scanned=result.files_scanned,
        version=npm_auth_lint.__version__,
        # Built only for outputs that show it (not github, --quiet or --statistics).
        strategy=strategy_of(result.analyses) if options.shows_strategy else (),
        # Paths of another root's project are relative to that root, not to the report's.
        texts={path: text for project in result.projects if project.root == str(result.root) for path, text in project.files.items()},
    )


def _write(emit: Callable[[TextIO], None], output: Path | None) -> None:
    """Write the report ``emit`` writes (as it goes: a SARIF log of 40,000 results is never one
    string) to stdout or ``output``."""
    if output is None:
        emit(sys.stdout)
        sys.stdout.flush()
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as stream:
            emit(stream)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None


def run_lint(options: LintOptions) -> int:
    """Lint, report and return the exit status."""
    from npm_auth_lint.reporters import write

    result = _run_engine(options)
    if options.diff:
        return EXIT_FINDINGS if result.fixed else EXIT_OK  # the diff is the output (ruff's exit status)
    _print_notes(result)
    findings = _baseline_filter(list(result.findings), result, options)
    if findings is None:
        return EXIT_OK
    report = build_report(result, findings, options)
    color = options.output is None and _use_color(sys.stdout)
    _write(lambda out: write(options.output_format, report, out, **options.render_options(color)), options.output)
    # The text format ends its summary with the same count on stdout; concise stays one line each.
    if options.output_format == "concise" and not options.quiet and not options.fixing:
        _fixable_hint(findings)
    if result.internal_errors:
        return EXIT_USAGE
    return exit_code([f.severity for f in findings], options.fail_on)


def _fixable_hint(findings: Sequence[Finding]) -> None:
    """Say on stderr how many findings ``--fix`` would fix, as ruff does (``[*] N fixable``)."""
    from npm_auth_lint.model import Applicability

    safe = sum(1 for f in findings if f.fix is not None and f.fix.applicability is Applicability.SAFE)
    unsafe = sum(1 for f in findings if f.fix is not None and f.fix.applicability is Applicability.UNSAFE)
    if safe or unsafe:
        more = f" ({unsafe} more with --unsafe-fixes)" if safe and unsafe else ""
        what = f"{safe} finding(s) fixable with --fix{more}" if safe else f"{unsafe} finding(s) fixable with --fix --unsafe-fixes"
        print(f"{PROG}: {what}; --diff shows the edits", file=sys.stderr)


def _run_fixes(options: LintOptions, config: Config) -> LintResult:
    """Apply the fixes (``--fix``) or print them (``--diff``); returns the lint of the fixed
    files, marked ``fixed`` when anything changed."""
    import dataclasses

    from npm_auth_lint.engine import lint_and_fix
    from npm_auth_lint.fixes import redacted_diff, write_texts

    outcome = lint_and_fix(list(options.paths), config, unsafe=options.unsafe_fixes)
    files = len(outcome.after)
    if options.diff:
        sys.stdout.write(redacted_diff(outcome.before, outcome.after, outcome.result.findings))
        sys.stdout.flush()
        if not options.quiet:
            print(f"{PROG}: would apply {outcome.applied} fix(es) to {files} file(s)", file=sys.stderr)
    else:
        try:
            write_texts(outcome.result.root, outcome.after)
        except OSError as exc:
            raise UsageError(f"cannot write a fixed file: {exc.strerror or exc}") from None
        if not options.quiet:
            print(f"{PROG}: applied {outcome.applied} fix(es) to {files} file(s)", file=sys.stderr)
    return dataclasses.replace(outcome.result, fixed=bool(outcome.after))


# ------------------------------------------------------------------------------------------
# Subcommands


@app.command("rules")
def list_rules() -> int:
    """List every rule with its default level and what it finds."""
    from npm_auth_lint.plugins import all_rules

    rules = all_rules()
    width = max(len(rule.id) for rule in rules)
    for rule in rules:
        typer.echo(f"{rule.id:<{width}}  {rule.severity.value:<7}  {rule.summary()}")
    return EXIT_OK


@app.command("rule")
def show_rule(rule_id: str = typer.Argument(..., metavar="ID", help="A rule id, e.g. hardcoded-npm-token.")) -> int:
    """Show a rule's documentation."""
    from npm_auth_lint.plugins import rules_by_id

    rules = rules_by_id()
    rule = rules.get(rule_id)
    if rule is None:
        raise UsageError(f'unknown rule "{rule_id}" (see `{PROG} rules`)')
    typer.echo(f"# {rule.id} ({rule.severity.value})\n")
    typer.echo(rule.docs())
    return EXIT_OK


def strategy_document(strategies: Sequence[PipelineStrategy], secrets: Sequence[str]) -> dict[str, Any]:
    """The ``npm-auth-lint/strategy`` JSON document (``strategy --format json``, the MCP server)."""
    from npm_auth_lint.reporters.common import redact_data, strategy_data
    from npm_auth_lint.strategy import SCHEMA_VERSION

    return {"schema": "npm-auth-lint/strategy", "version": SCHEMA_VERSION, "pipelines": redact_data(strategy_data(strategies), tuple(secrets))}


@app.command("strategy")
def show_strategy(
    paths: Optional[list[Path]] = typer.Argument(None, metavar="PATH", help="Repository folders (default: the current folder).", show_default=False),
    output_format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),  # type: ignore[attr-defined]
    no_config: bool = typer.Option(False, "--no-config", help="Ignore any configuration file."),
) -> int:
    """Show which path each publishing pipeline is on, what to change, and the trusted-publisher settings."""
    import json

    from npm_auth_lint.engine import lint as run_engine
    from npm_auth_lint.reporters.strategy_text import strategy_section

    targets = paths or [Path(".")]
    root = repository_root(targets)  # held to the same rules as the lint command's paths
    if output_format.value not in ("text", "json"):
        raise UsageError("strategy supports --format text or json")
    config = build_config(root, None, no_config, (), ())
    result = run_engine(list(targets), config)
    strategies = strategy_of(result.analyses)
    # The same redaction and escaping as the lint reporters: the strategy quotes publish
    # commands and job names as written, and those may hold a token or a terminal escape.
    secrets = tuple({secret for finding in result.findings for secret in finding.secrets})
    if output_format.value == "json":
        typer.echo(json.dumps(strategy_document(strategies, secrets), indent=2))
    else:
        typer.echo(strategy_section(strategies, secrets) or "No publishing pipelines found.")
    return EXIT_OK


@app.command("mcp")
def serve_mcp(
    root: Optional[Path] = typer.Option(None, "--root", help="Only repositories inside this folder may be linted (default: the current folder).", show_default=False),
    timeout: float = typer.Option(60.0, "--timeout", min=1.0, help="Seconds a call may take before it fails."),
) -> int:
    """Serve the linter to AI agents over the Model Context Protocol (stdio); see the README."""
    from npm_auth_lint.mcp_server import SdkMissing, serve

    folder = (root or Path(".")).resolve()
    if not folder.is_dir():
        raise UsageError(f"--root is not a folder: {folder}")
    try:
        serve(folder, timeout)
    except SdkMissing as exc:
        raise UsageError(str(exc)) from None
    return EXIT_OK



# ------------------------------------------------------------------------------------------
# Entry point


def build_command() -> Any:
    """The Click command behind :data:`app`, with shell completion on the default command."""
    from typer.main import get_install_completion_arguments

    command = typer.main.get_command(app)
    default = command.commands[DEFAULT_COMMAND]  # type: ignore[attr-defined]
    default.params.extend(get_install_completion_arguments())
    return command


def _user_errors() -> tuple[type[Exception], ...]:
    from npm_auth_lint.config import ConfigError
    from npm_auth_lint.plugins import RegistryError

    return (UsageError, ConfigError, RegistryError)


def _report_exception(exc: Exception) -> int:
    """One line on stderr for an exception that ended the run; the exit status."""
    if isinstance(exc, _user_errors()):
        print(for_terminal(f"{PROG}: error: {exc}"), file=sys.stderr)
    elif callable(getattr(exc, "format_message", None)):
        # Click's (or Typer's vendored Click's) usage errors: bad option, bad value ...
        print(for_terminal(f"{PROG}: error: {' '.join(exc.format_message().split())}"), file=sys.stderr)  # type: ignore[attr-defined]
    else:
        # Last line of defence: no traceback reaches a user.
        print(for_terminal(f"{PROG}: internal error (please report this bug): {type(exc).__name__}: {exc}"), file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status instead of raising SystemExit."""
    args = list(sys.argv[1:] if argv is None else argv)
    # A run builds a large tree of parsed files that lives to the end, with few reference cycles:
    # at the default thresholds the cycle collector scans that tree again and again (a third of
    # parsing a 10,000-package monorepo). Collect less often, as mypy does.
    gc.set_threshold(100_000, 50, 100)
    try:
        result = build_command().main(args=args, prog_name=PROG, standalone_mode=False)
    except typer.Exit as exc:  # --help, --version, shell completion
        return exc.exit_code
    except typer.Abort:
        print(f"{PROG}: aborted", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `npm-auth-lint | head`: the reader went away; that is not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        return _report_exception(exc)
    return result if isinstance(result, int) else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
