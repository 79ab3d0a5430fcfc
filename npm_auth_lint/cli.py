"""The command line: ``npm-auth-lint [PATH...]`` plus the ``rule`` and ``rules`` subcommands.

The CLI only turns flags into a :class:`~npm_auth_lint.config.Config`, calls the engine, renders
and picks the exit code: 0 when nothing is at or above ``--fail-on``, 1 when something is, 2 for
usage and I/O errors (one line on stderr, never a traceback).
"""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

import typer

import npm_auth_lint
from npm_auth_lint.config import Config, ConfigError, find_config, load_config, parse_rule_list
from npm_auth_lint.model import Severity
from npm_auth_lint.plugins import RegistryError
from npm_auth_lint.redact import for_terminal

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
PROG = "npm-auth-lint"


class Format(str, enum.Enum):
    text = "text"
    concise = "concise"
    json = "json"
    sarif = "sarif"
    github = "github"


class FailOn(str, enum.Enum):
    error = "error"
    warning = "warning"
    note = "note"
    never = "never"


class UsageError(Exception):
    """A problem with how the tool was called or with its inputs: exit 2, one line."""


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"{PROG} {npm_auth_lint.__version__}")
        raise typer.Exit(EXIT_OK)


lint_app = typer.Typer(
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@lint_app.command(
    epilog=(
        "Other commands: `npm-auth-lint rules` lists every rule; `npm-auth-lint rule ID` shows a rule's "
        "documentation; `npm-auth-lint strategy [PATH]` shows each publishing pipeline's path and checklist. Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or I/O error."
    )
)
def lint(
    paths: Optional[list[Path]] = typer.Argument(None, metavar="PATH", help="Files or folders to lint (default: the current folder).", show_default=False),
    output_format: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
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
    version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True, help="Show the version and exit."),
) -> int:
    """Audit how a repository authenticates to npm from CI."""
    return run_lint(
        paths=paths or [Path(".")],
        output_format=output_format,
        output=output,
        select=select,
        ignore=ignore,
        fail_on=fail_on,
        config_file=config_file,
        no_config=no_config,
        baseline=baseline,
        write_baseline=write_baseline,
        quiet=quiet,
        statistics=statistics,
    )


def build_config(root: Path, config_file: Path | None, no_config: bool, select: Sequence[str], ignore: Sequence[str]) -> Config:
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
    return Config(
        rules=config.rules,
        ignore=config.ignore,
        select=selected,
        deselect=deselected,
        path=config.path,
    )


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
    if fail_on is FailOn.never:
        return EXIT_OK
    threshold = Severity(fail_on.value).rank
    return EXIT_FINDINGS if any(s.rank >= threshold for s in findings_severities) else EXIT_OK


def run_lint(
    *,
    paths: Sequence[Path],
    output_format: Format,
    output: Path | None,
    select: Sequence[str],
    ignore: Sequence[str],
    fail_on: FailOn,
    config_file: Path | None,
    no_config: bool,
    baseline: Path | None = None,
    write_baseline: Path | None = None,
    quiet: bool = False,
    statistics: bool = False,
) -> int:
    from npm_auth_lint import baseline as baselines
    from npm_auth_lint.engine import lint as run_engine
    from npm_auth_lint.progress import Progress
    from npm_auth_lint.reporters import REPORTERS, Report
    from npm_auth_lint.reporters.common import clean
    from npm_auth_lint.reporters.text import printable
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
    root = find_root(paths[0])
    config = build_config(root, config_file, no_config, select, ignore)
    with Progress(enabled=not quiet and _is_tty(sys.stderr)) as progress:
        result = run_engine(list(paths), config, progress=progress.update)
    for message in result.internal_errors:
        print(for_terminal(f"{PROG}: {message} (please report this bug)"), file=sys.stderr)
    for rel in result.unlintable:
        name = printable(clean(rel))
        print(f"{PROG}: note: {name} is not a file npm-auth-lint reads (workflows live in .github/workflows/); not linted", file=sys.stderr)
    findings = list(result.findings)
    texts = baselines.texts_of(result.projects)
    try:
        if write_baseline is not None:
            count = baselines.write(write_baseline, findings, texts)
            print(f"{PROG}: wrote {count} finding(s) to the baseline {write_baseline}", file=sys.stderr)
            return EXIT_OK
        if baseline is not None:
            findings = baselines.new_findings(findings, texts, baselines.read(baseline))
    except baselines.BaselineError as exc:
        raise UsageError(str(exc)) from None
    report = Report(
        findings=tuple(findings),
        rules=result.rules,
        root=result.root,
        files_scanned=result.files_scanned,
        version=npm_auth_lint.__version__,
        # The strategy report is shown by text (unless --quiet/--statistics), JSON and SARIF only.
        extra=strategy_sections(result.analyses) if _shows_strategy(output_format, quiet, statistics) else {},
    )
    human = output_format in (Format.text, Format.concise)
    color = output is None and human and _use_color(sys.stdout)
    renderer = REPORTERS[output_format.value]
    if human:
        text = renderer(report, color=color, quiet=quiet, statistics=statistics)
    else:
        text = renderer(report)
    if output is not None:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    code = exit_code([f.severity for f in findings], fail_on)
    if result.internal_errors:
        return EXIT_USAGE
    return code


def _shows_strategy(output_format: Format, quiet: bool, statistics: bool) -> bool:
    if output_format is Format.github:
        return False
    return not (output_format in (Format.text, Format.concise) and (quiet or statistics))


def strategy_sections(analyses: Sequence[object]) -> dict[str, object]:
    """The strategy report for Report.extra: data for JSON/SARIF, text for the text format."""
    from npm_auth_lint.strategy import render_text, strategy, to_data

    strategies = [s for analysis in analyses for s in strategy(analysis)]  # type: ignore[arg-type]
    if not strategies:
        return {}
    return {"strategy": to_data(strategies), "strategy_text": render_text(strategies)}


# ------------------------------------------------------------------------------------------
# Subcommands

docs_app = typer.Typer(
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    no_args_is_help=True,
)


@docs_app.command("rules")
def list_rules() -> int:
    """List every rule with its default level and what it finds."""
    from npm_auth_lint.plugins import all_rules

    rules = all_rules()
    width = max(len(rule.id) for rule in rules)
    for rule in rules:
        typer.echo(f"{rule.id:<{width}}  {rule.severity.value:<7}  {rule.summary()}")
    return EXIT_OK


@docs_app.command("rule")
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


@docs_app.command("strategy")
def show_strategy(
    paths: Optional[list[Path]] = typer.Argument(None, metavar="PATH", help="Repository folders (default: the current folder).", show_default=False),
    output_format: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
    no_config: bool = typer.Option(False, "--no-config", help="Ignore any configuration file."),
) -> int:
    """Show which path each publishing pipeline is on, what to change, and the trusted-publisher settings."""
    import json

    from npm_auth_lint.engine import lint as run_engine
    from npm_auth_lint.reporters.common import clean, redact_data
    from npm_auth_lint.reporters.text import printable
    from npm_auth_lint.strategy import SCHEMA_VERSION, render_text, strategy, to_data
    from npm_auth_lint.workspace import find_root

    targets = paths or [Path(".")]
    missing = [p for p in targets if not p.exists()]
    if missing:
        raise UsageError(f"path does not exist: {missing[0]}")
    if output_format not in (Format.text, Format.json):
        raise UsageError("strategy supports --format text or json")
    config = build_config(find_root(targets[0]), None, no_config, (), ())
    result = run_engine(list(targets), config)
    strategies = [s for analysis in result.analyses for s in strategy(analysis)]
    # The same redaction and escaping as the lint reporters: the strategy quotes publish
    # commands and job names as written, and those may hold a token or a terminal escape.
    secrets = tuple({secret for finding in result.findings for secret in finding.secrets})
    if output_format is Format.json:
        document = {"schema": "npm-auth-lint/strategy", "version": SCHEMA_VERSION, "pipelines": redact_data(to_data(strategies), secrets)}
        typer.echo(json.dumps(document, indent=2))
    else:
        text = printable(clean(render_text(strategies), secrets)).rstrip("\n")
        typer.echo(text or "No publishing pipelines found.")
    return EXIT_OK


SUBCOMMANDS = frozenset({"rules", "rule", "strategy"})


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status instead of raising SystemExit."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SUBCOMMANDS:
        command = typer.main.get_command(docs_app)
    else:
        command = typer.main.get_command(lint_app)
    try:
        result = command.main(args=args, prog_name=PROG, standalone_mode=False)
    except typer.Exit as exc:  # --help, --version, shell completion
        return exc.exit_code
    except typer.Abort:
        print(f"{PROG}: aborted", file=sys.stderr)
        return EXIT_USAGE
    except (UsageError, ConfigError, RegistryError) as exc:
        print(for_terminal(f"{PROG}: error: {exc}"), file=sys.stderr)
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
        if callable(getattr(exc, "format_message", None)):
            # Click's (or Typer's vendored Click's) usage errors: bad option, bad value ...
            print(for_terminal(f"{PROG}: error: {' '.join(exc.format_message().split())}"), file=sys.stderr)
            return EXIT_USAGE
        # Last line of defence: no traceback reaches a user.
        print(for_terminal(f"{PROG}: internal error (please report this bug): {type(exc).__name__}: {exc}"), file=sys.stderr)
        return EXIT_USAGE
    return result if isinstance(result, int) else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
