"""A small parser of GNU Makefiles: what ``make T`` would run, line by line, with locations.

CI steps publish through ``make publish`` / ``make -C packages/x release``; the analysis needs the
recipe lines such a call runs (prerequisites first), expanded as far as the Makefile itself says.

Own parser rather than a library: on PyPI ``makefile`` (2020) reads variables only, ``kati`` and
``gnumake`` are build tools to run, not to read, and ``tree-sitter-make`` is a grammar only (a
syntax tree, with no variables, no rule merging, no recipe prefixes) that would still need all the
semantics below. The syntax part of make is small; the semantics are the work either way.

What it reads (GNU make 4.x manual): rules (``:``, ``::``, order-only ``|``, static patterns,
inline ``; recipe``, target-specific variables), recipes (``.RECIPEPREFIX``, backslash
continuations kept as make hands them to the shell, ``@``/``-``/``+``), comments, variables
(``=``, ``:=``, ``::=``, ``:::=``, ``?=``, ``+=``, ``!=``, ``override``, ``export``, ``define``),
``ifeq``/``ifneq``/``ifdef``/``ifndef`` (evaluated when known; both branches read otherwise),
``include`` (noted, not followed), ``.PHONY``, ``.DEFAULT_GOAL``. Functions (``$(shell ..)``,
``$(wildcard ..)``, ...) and variables the file does not set are kept as written and reported
as unresolved: they are known only at run time.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from npm_auth_lint import lazy_regex
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Location, frozen_map
from npm_auth_lint.parsers.script_types import NoteKind, ScriptNote, size_note
from npm_auth_lint.shell import split_script

__all__ = [
    "Hop",
    "MakeCommand",
    "MakeExpansion",
    "Makefile",
    "RecipeLine",
    "Rule",
    "SubMake",
    "Variable",
    "expand_text",
    "parse_makefile",
]

MAX_DEPTH = 16  # targets and sub-makes nested deeper than this are not followed
_MAX_EXPANSION_DEPTH = 32  # nested variable references
_MAX_LINES = 200_000
_MAX_COMMANDS = 5_000  # recipe lines one expansion returns


@frozen_dataclass
class Variable:
    name: str
    value: str  # as written for ``recursive`` variables; already expanded for ``simple``
    flavor: str  # "recursive" | "simple" | "shell" (``!=``: known only at run time)
    location: Location
    exported: bool = False
    override: bool = False


@frozen_dataclass
class RecipeLine:
    """One recipe line as written (continuation lines joined with backslash-newline)."""

    location: Location  # first character after the recipe prefix
    text: str


@frozen_dataclass
class Rule:
    targets: tuple[str, ...]
    prerequisites: tuple[str, ...]
    order_only: tuple[str, ...]
    recipe: tuple[RecipeLine, ...]
    location: Location  # of the first target
    double_colon: bool = False
    # Target-specific variables (``T: VAR = value``): in effect for T and its prerequisites.
    target_variables: tuple[Variable, ...] = ()


@frozen_dataclass
class SubMake:
    """A ``make``/``$(MAKE)`` call inside a recipe line."""

    location: Location
    directory: str | None  # ``-C dir`` (or a ``cd dir &&`` before it), as written
    makefile: str | None  # ``-f file``
    targets: tuple[str, ...]  # empty: the default goal
    variables: tuple[tuple[str, str], ...] = ()  # ``make T VAR=value``


@frozen_dataclass
class Hop:
    """One step of the way from the requested target to a recipe line."""

    label: str  # "target publish" or "make -C pkg release"
    location: Location


@frozen_dataclass
class MakeCommand:
    """A recipe line as ``make T`` runs it: variables expanded, prefixes removed."""

    location: Location
    command: str  # what the shell receives
    written: str  # the line as written
    target: str
    chain: tuple[Hop, ...]  # from the requested target down to ``target``
    silent: bool = False  # ``@``
    ignore_errors: bool = False  # ``-``
    always: bool = False  # ``+``
    unresolved: tuple[str, ...] = ()  # references kept as written: ``$(shell ...)``, ``$(TOKEN)``
    sub_makes: tuple[SubMake, ...] = ()
    # Variables make exports to the recipe's environment (``export NPM_CONFIG_REGISTRY = ..``,
    # ``T: export TOKEN = ..``), expanded, sorted by name; unknown parts kept as written.
    exported: tuple[tuple[str, str], ...] = ()


@frozen_dataclass
class MakeExpansion:
    commands: tuple[MakeCommand, ...]
    notes: tuple[ScriptNote, ...]


@frozen_dataclass
class Makefile:
    path: str
    rules: tuple[Rule, ...] = ()
    variables: Mapping[str, Variable] = field(default_factory=frozen_map)
    phony: frozenset[str] = frozenset()
    includes: tuple[tuple[str, Location], ...] = ()
    default_goal: str | None = None
    notes: tuple[ScriptNote, ...] = ()

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for rule in self.rules for t in rule.targets))

    @cached_property
    def _rule_index(self) -> dict[str, tuple[int, ...]]:
        index: dict[str, list[int]] = {}
        for k, rule in enumerate(self.rules):
            for target in rule.targets:
                index.setdefault(target, []).append(k)
        return {target: tuple(ks) for target, ks in index.items()}

    @cached_property
    def _merged(self) -> dict[str, tuple[Rule, ...]]:
        return {}  # rules_for's answers, filled as asked

    def rules_for(self, target: str) -> tuple[Rule, ...]:
        """The rules that make ``target``: all of them for ``::``; for ``:``, one rule with the
        prerequisites of all and the last recipe (make overrides an earlier one)."""
        if target not in self._merged:
            self._merged[target] = self._rules_for(target)
        return self._merged[target]

    def _rules_for(self, target: str) -> tuple[Rule, ...]:
        rules = [self.rules[k] for k in self._rule_index.get(target, ())]
        if not rules:
            return ()
        if rules[0].double_colon:
            return tuple(rules)
        with_recipe = [rule for rule in rules if rule.recipe]
        base = with_recipe[-1] if with_recipe else rules[0]
        return (
            replace(
                base,
                prerequisites=tuple(dict.fromkeys(p for r in rules for p in r.prerequisites)),
                order_only=tuple(dict.fromkeys(p for r in rules for p in r.order_only)),
                target_variables=tuple(v for r in rules for v in r.target_variables),
            ),
        )

    def pattern_rule_for(self, target: str) -> Rule | None:
        """The first pattern rule (``npm-publis%:``) whose target pattern matches ``target``, with
        the stem put into its prerequisites; the match-anything ``%`` last, as make tries it."""
        candidates = [
            (rule, pattern, stem)
            for rule in self.rules
            for pattern in rule.targets
            if "%" in pattern and not rule.target_variables and (stem := _stem(pattern, target)) is not None
        ]
        candidates.sort(key=lambda c: c[1] == "%")
        if not candidates:
            return None
        rule, _, stem = candidates[0]
        return replace(
            rule,
            targets=(target,),
            prerequisites=tuple(p.replace("%", stem, 1) for p in rule.prerequisites),
            order_only=tuple(p.replace("%", stem, 1) for p in rule.order_only),
        )

    def expand(
        self,
        target: str | None = None,
        *,
        overrides: Mapping[str, str] | None = None,
        environment: Mapping[str, str] | None = None,
        load: Callable[[SubMake], Makefile | None] | None = None,
        max_depth: int = MAX_DEPTH,
    ) -> MakeExpansion:
        """What ``make target`` runs: the recipe lines of its prerequisites (depth first, each
        target once, cycles cut) and then its own, expanded; ``$(MAKE) T`` in a recipe is
        followed in this file, ``make -C dir``/``-f file`` through ``load`` (None: noted).

        ``overrides`` are command-line variables (``make T VERSION=1``), which win over the
        file's; ``environment`` fills variables the file does not set."""
        walker = _Walker(self, overrides or {}, environment or {}, load, max_depth)
        goal = target or self.default_goal
        if goal is None:
            note = ScriptNote(Location(self.path), NoteKind.UNRESOLVED, "the Makefile has no target")
            return MakeExpansion((), (note,))
        walker.target(self, goal, (), {}, 0, required=True)
        return MakeExpansion(tuple(walker.commands), tuple(walker.notes))

    def commands_for(self, target: str | None = None, **options: object) -> tuple[MakeCommand, ...]:
        """``expand(target).commands``."""
        return self.expand(target, **options).commands  # type: ignore[arg-type]


def parse_makefile(path: str, text: str) -> Makefile:
    """The rules, variables and notes of the Makefile ``text`` at ``path``; never raises."""
    skipped = size_note(path, text)
    if skipped is not None:
        return Makefile(path, notes=(skipped,))
    try:
        return _Reader(path, text).read()
    except Exception as exc:
        note = ScriptNote(Location(path), NoteKind.PARSE_ERROR, f"not parsed: {exc}")
        return Makefile(path, notes=(note,))


# --------------------------------------------------------------------------------------------
# Expansion of ``$(...)`` references

_FUNCTIONS = frozenset(
    ["subst", "patsubst", "strip", "findstring", "filter", "filter-out", "sort", "word", "words", "wordlist", "firstword", "lastword", "dir", "notdir", "suffix", "basename", "addsuffix", "addprefix", "join", "wildcard", "realpath", "abspath", "error", "warning", "info", "shell", "origin", "flavor", "foreach", "if", "or", "and", "call", "eval", "file", "value", "let", "intcmp", "guile"]
)
_AUTOMATIC = frozenset("@<^+*?|%")


def expand_text(
    text: str,
    lookup: Callable[[str], Variable | str | None],
    automatic: Mapping[str, str] | None = None,
) -> tuple[str, tuple[str, ...]]:
    """``text`` with ``$(VAR)``/``${VAR}``/``$X``/``$$`` expanded; returns the result and the
    references kept as written (functions, substitution references, unknown variables).

    ``lookup`` gives a :class:`Variable` (recursive ones are expanded in turn), a plain string, or
    None for unknown."""
    expansion = _Expansion(lookup, automatic or {}, [])
    out = expansion.expand(text, frozenset(), 0)
    return out, tuple(dict.fromkeys(expansion.unresolved))


@frozen_dataclass
class _Expansion:
    """One expansion of a text: how names are looked up, and the references kept as written
    (collected in ``unresolved``, the one mutable part, shared by the nested expansions)."""

    lookup: Callable[[str], Variable | str | None]
    automatic: Mapping[str, str]
    unresolved: list[str]

    def expand(self, text: str, active: frozenset[str], depth: int) -> str:
        out: list[str] = []
        i = 0
        while i < len(text):
            dollar = text.find("$", i)
            if dollar < 0 or dollar == len(text) - 1:
                out.append(text[i:])
                break
            out.append(text[i:dollar])
            nxt = text[dollar + 1]
            if nxt == "$":
                out.append("$")
                i = dollar + 2
                continue
            if nxt in "({":
                end = _closing(text, dollar + 1)
                if end < 0:  # unterminated: keep the rest as written
                    self.unresolved.append(text[dollar:])
                    out.append(text[dollar:])
                    break
                written, inner = text[dollar : end + 1], text[dollar + 2 : end]
                i = end + 1
            else:
                written, inner = text[dollar : dollar + 2], nxt
                i = dollar + 2
            out.append(self.reference(written, inner, active, depth))
        return "".join(out)

    def reference(self, written: str, inner: str, active: frozenset[str], depth: int) -> str:
        """The value of one ``$(...)``/``${...}``/``$X`` reference, or ``written`` kept as it is."""
        head = re.split(r"[\s,]", inner, maxsplit=1)[0]
        if (head in _FUNCTIONS and len(inner) > len(head)) or (":" in inner and "=" in inner):
            return self.keep(written)  # a function or a substitution reference: run-time value
        name = self.expand(inner, active, depth + 1) if "$" in inner else inner
        if name in self.automatic:
            return self.automatic[name]
        if name[:1] in _AUTOMATIC and len(name) <= 2:  # ``$@`` outside a recipe, ``$(@D)``
            return self.keep(written)
        value = self.lookup(name)
        if value is None or name in active or depth >= _MAX_EXPANSION_DEPTH:
            return self.keep(written)
        if isinstance(value, str):
            return value
        if value.flavor == "shell":
            return self.keep(written)
        if value.flavor == "simple":
            return value.value
        return self.expand(value.value, active | {name}, depth + 1)

    def keep(self, written: str) -> str:
        self.unresolved.append(written)
        return written


def _closing(text: str, open_at: int) -> int:
    """The index of the bracket closing the one at ``open_at`` (same kind, nested), or -1."""
    opening = text[open_at]
    closing = ")" if opening == "(" else "}"
    level = 0
    for k in range(open_at, len(text)):
        char = text[k]
        if char == opening:
            level += 1
        elif char == closing:
            level -= 1
            if level == 0:
                return k
    return -1


def _top_level(text: str) -> Iterator[tuple[int, str]]:
    """``(index, char)`` of the characters of ``text`` outside ``$(...)``/``${...}``."""
    i = 0
    while i < len(text):
        if text[i] == "$" and i + 1 < len(text) and text[i + 1] in "({":
            end = _closing(text, i + 1)
            i = len(text) if end < 0 else end + 1
            continue
        if text[i] == "$":
            i += 2
            continue
        yield i, text[i]
        i += 1


# --------------------------------------------------------------------------------------------
# Reading the file

_ASSIGN_OPS = (":::=", "::=", ":=", "?=", "+=", "!=", "=")
_CONDITIONALS = frozenset({"ifeq", "ifneq", "ifdef", "ifndef"})


def _separator(text: str) -> tuple[int, str] | None:
    """The first top-level assignment operator or rule colon: ``(index, op)``; op is an
    assignment operator, ``:`` or ``::``."""
    for i, char in _top_level(text):
        if char == "=":
            return i, "="
        if char in "?+!" and text[i + 1 : i + 2] == "=":
            return i, char + "="
        if char == ":":
            if i == 1 and text[0].isalpha() and text[2:3] in ("\\", "/"):
                continue  # a Windows drive letter
            for op in (":::=", "::=", ":=", "::", ":"):
                if text.startswith(op, i):
                    return i, op
    return None


@dataclass
class _Cond:
    parent_active: bool
    branch: bool | None  # None: not known here, both branches are read
    taken: bool | None  # whether an earlier branch of this conditional was taken

    @property
    def active(self) -> bool:
        return self.parent_active and self.branch is not False


class _Reader:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = [line.removesuffix("\r") for line in text.split("\n")][:_MAX_LINES]
        self.variables: dict[str, Variable] = {}
        self.rules: list[Rule] = []
        self.open_rules: list[Rule] = []  # the rules the recipe lines that follow belong to
        self.recipe: list[RecipeLine] = []
        self.phony: set[str] = set()
        self.includes: list[tuple[str, Location]] = []
        self.notes: list[ScriptNote] = []
        self.conds: list[_Cond] = []
        self.prefix = "\t"
        self.exported_all = False

    def loc(self, index: int, column: int = 1) -> Location:
        return Location(self.path, index + 1, column)

    def lookup(self, name: str) -> Variable | None:
        return self.variables.get(name)

    def expand(self, text: str) -> str:
        return expand_text(text, self.lookup)[0]

    @property
    def active(self) -> bool:
        return all(cond.active for cond in self.conds)

    def read(self) -> Makefile:
        i = 0
        while i < len(self.lines):
            i = self.step(i)
        self.close_rule()
        if self.conds:
            self.notes.append(
                ScriptNote(self.loc(len(self.lines) - 1), NoteKind.PARSE_ERROR, "missing endif")
            )
        return Makefile(
            path=self.path,
            rules=tuple(self.rules),
            variables=frozen_map(self.variables),
            phony=frozenset(self.phony),
            includes=tuple(self.includes),
            default_goal=self.default_goal(),
            notes=tuple(self.notes),
        )

    def default_goal(self) -> str | None:
        goal = self.variables.get(".DEFAULT_GOAL")
        if goal is not None and goal.value.strip():
            return self.expand(goal.value).strip() or None
        for rule in self.rules:
            if rule.target_variables:
                continue  # ``T: VAR = x`` sets a variable; it does not define T
            for target in rule.targets:
                if "%" not in target and (not target.startswith(".") or "/" in target):
                    return target
        return None

    def step(self, i: int) -> int:
        line = self.lines[i]
        if self.open_rules and line.startswith(self.prefix) and self.prefix:
            return self.recipe_line(i)
        end, text = self.logical(i)
        stripped = _strip_comment(text).strip()
        if not stripped:
            return end
        word = stripped.split(None, 1)[0]
        if word in _CONDITIONALS or word in ("else", "endif"):
            self.conditional(i, word, stripped)
            return end
        if not self.active:
            return self.skip_define(end) if _is_define(stripped) else end
        return self.statement(i, end, stripped, word)

    def logical(self, i: int) -> tuple[int, str]:
        """A line with its backslash continuations joined by one space; returns the index after."""
        parts = [self.lines[i]]
        while _continued(parts[-1]) and i + 1 < len(self.lines):
            parts[-1] = parts[-1][:-1].rstrip()
            i += 1
            parts.append(self.lines[i].lstrip())
        return i + 1, " ".join(parts)

    def recipe_line(self, i: int) -> int:
        start = i
        parts = [self.lines[i][len(self.prefix) :]]
        while _continued(parts[-1]) and i + 1 < len(self.lines):
            i += 1
            nxt = self.lines[i]
            parts.append(nxt[len(self.prefix) :] if nxt.startswith(self.prefix) else nxt)
        if self.active:
            self.recipe.append(RecipeLine(self.loc(start, len(self.prefix) + 1), "\n".join(parts)))
        return i + 1

    def close_rule(self) -> None:
        recipe = tuple(self.recipe)
        for rule in self.open_rules:
            self.rules.append(replace(rule, recipe=rule.recipe + recipe))
        self.open_rules, self.recipe = [], []

    def statement(self, i: int, end: int, text: str, word: str) -> int:
        if _is_define(text):
            self.close_rule()
            return self.define(i, end, text)
        if word in ("include", "-include", "sinclude"):
            self.close_rule()
            for name in self.expand(text[len(word) :]).split():
                self.includes.append((name, self.loc(i)))
            self.notes.append(
                ScriptNote(
                    self.loc(i), NoteKind.INCLUDE, f"{word} is not followed: {text[len(word) :].strip()}"
                )
            )
            return end
        if word in ("vpath", "undefine", "unexport", "endef"):
            for name in text.split()[1:] if word in ("undefine", "unexport") else ():
                if word == "undefine":
                    self.variables.pop(name, None)
                elif name in self.variables:
                    self.variables[name] = replace(self.variables[name], exported=False)
            return end
        self.assignment_or_rule(i, text)
        return end

    def assignment_or_rule(self, i: int, text: str) -> None:
        exported = override = False
        body = text
        while True:
            head, *tail = body.split(None, 1)
            if head in ("export", "override", "private") and tail:
                exported |= head == "export"
                override |= head == "override"
                body = tail[0].strip()
                continue
            break
        if body in ("export", "unexport"):
            self.exported_all = body == "export"
            return
        sep = _separator(body)
        if sep is None:
            if exported:  # ``export A B``: mark existing variables
                for name in self.expand(body).split():
                    if name in self.variables:
                        self.variables[name] = replace(self.variables[name], exported=True)
                return
            self.notes.append(
                ScriptNote(self.loc(i), NoteKind.PARSE_ERROR, f"not a rule or assignment: {body[:80]}")
            )
            return
        index, op = sep
        if op in (":", "::"):
            self.close_rule()
            self.rule(i, body, index, op)
            return
        self.close_rule()
        column = self.lines[i].find(body[: max(index, 1)].strip()) + 1 or 1
        name = self.expand(body[:index]).strip()
        variable = self.assign(
            name, op, body[index + len(op) :].lstrip(), self.loc(i, column), exported, override
        )
        if variable is not None:
            self.variables[name] = variable
            if name == ".RECIPEPREFIX":
                self.prefix = variable.value[:1] or "\t"

    def assign(
        self,
        name: str,
        op: str,
        value: str,
        loc: Location,
        exported: bool,
        override: bool,
        into: Mapping[str, Variable] | None = None,
    ) -> Variable | None:
        into = self.variables if into is None else into
        old = into.get(name) or self.variables.get(name)
        if not name or (old is not None and old.override and not override):
            return None
        exported = exported or self.exported_all or (old is not None and old.exported)
        if op == "?=":
            return None if old is not None else Variable(name, value, "recursive", loc, exported, override)
        if op == "+=" and old is not None:
            added = self.expand(value) if old.flavor == "simple" else value
            joined = f"{old.value} {added}" if old.value else added
            return replace(old, value=joined, location=loc, exported=exported)
        if op in (":=", "::=", ":::="):
            return Variable(name, self.expand(value), "simple", loc, exported, override)
        if op == "!=":
            return Variable(name, value, "shell", loc, exported, override)
        return Variable(name, value, "recursive", loc, exported, override)

    def rule(self, i: int, text: str, index: int, op: str) -> None:
        column = len(self.lines[i]) - len(self.lines[i].lstrip()) + 1
        targets = tuple(self.expand(text[:index]).split())
        rest = text[index + len(op) :]
        inline = None
        for k, char in _top_level(rest):
            if char == ";":
                rest, inline = rest[:k], rest[k + 1 :]
                break
        sep = _separator(rest)
        if sep is not None and sep[1] not in (":", "::"):
            self.target_variable(i, targets, rest, sep)
            return
        normal, _, order_only = self.expand(rest).partition("|")
        prerequisites = tuple(normal.split())
        if sep is not None:  # static pattern rule ``targets: pattern: prereq-patterns``
            prerequisites = ()
        if ".PHONY" in targets:
            self.phony.update(prerequisites)
        recipe: tuple[RecipeLine, ...] = ()
        if inline is not None and inline.strip():
            col = self.lines[i].find(inline.strip()) + 1 or 1
            recipe = (RecipeLine(self.loc(i, col), inline.strip()),)
        if sep is not None:
            self.static_pattern(i, column, targets, rest, sep[0], op, recipe)
            return
        rule = Rule(
            targets, prerequisites, tuple(order_only.split()), recipe, self.loc(i, column), op == "::"
        )
        self.open_rules = [rule]

    def static_pattern(
        self,
        i: int,
        column: int,
        targets: tuple[str, ...],
        rest: str,
        index: int,
        op: str,
        recipe: tuple[RecipeLine, ...],
    ) -> None:
        pattern = self.expand(rest[:index]).strip()
        normal, _, order_only = self.expand(rest[index + 1 :]).partition("|")
        rules = []
        for target in targets:
            stem = _stem(pattern, target)
            prereqs = tuple(p.replace("%", stem, 1) if stem is not None else p for p in normal.split())
            rules.append(
                Rule((target,), prereqs, tuple(order_only.split()), recipe, self.loc(i, column), op == "::")
            )
        self.open_rules = rules

    def target_variable(self, i: int, targets: tuple[str, ...], rest: str, sep: tuple[int, str]) -> None:
        body = rest.strip()
        override = exported = False
        for word in ("override", "export", "private"):
            if body.startswith(word + " "):
                override |= word == "override"
                exported |= word == "export"
                body = body[len(word) :].strip()
        sep = _separator(body) or sep
        name = self.expand(body[: sep[0]]).strip()
        scratch: dict[str, Variable] = {}
        variable = self.assign(
            name, sep[1], body[sep[0] + len(sep[1]) :].lstrip(), self.loc(i), exported, override, scratch
        )
        if variable is not None:
            self.rules.append(Rule(targets, (), (), (), self.loc(i), False, (variable,)))

    def define(self, i: int, end: int, text: str) -> int:
        words = text.split()
        at = words.index("define")
        name = words[at + 1] if len(words) > at + 1 else ""
        op = words[at + 2] if len(words) > at + 2 else "="
        start = end
        end = self.skip_define(start)
        body = "\n".join(self.lines[start : end - 1])
        if name:
            variable = self.assign(
                name, op, body, self.loc(i), "export" in words[:at], "override" in words[:at]
            )
            if variable is not None:
                self.variables[name] = variable
        return end

    def skip_define(self, j: int) -> int:
        """The index after the ``endef`` closing a ``define`` whose body starts at ``j``."""
        level = 1
        while j < len(self.lines):
            first = self.lines[j].strip().split(None, 1)[:1]
            if first == ["define"]:
                level += 1
            elif first == ["endef"]:
                level -= 1
                if level == 0:
                    return j + 1
            j += 1
        self.notes.append(ScriptNote(self.loc(len(self.lines) - 1), NoteKind.PARSE_ERROR, "missing endef"))
        return j

    def conditional(self, i: int, word: str, text: str) -> None:
        if word == "endif":
            if self.conds:
                self.conds.pop()
            else:
                self.notes.append(
                    ScriptNote(self.loc(i), NoteKind.PARSE_ERROR, "endif without a conditional")
                )
            return
        if word == "else":
            if not self.conds:
                self.notes.append(ScriptNote(self.loc(i), NoteKind.PARSE_ERROR, "else without a conditional"))
                return
            self.else_branch(i, self.conds[-1], text[4:].strip())
            return
        value = self.evaluate(i, text)
        self.conds.append(_Cond(self.active, value, value))

    def else_branch(self, i: int, cond: _Cond, rest: str) -> None:
        """``else`` or ``else ifeq ...``: this branch runs when no earlier one did."""
        if cond.taken is True:
            cond.branch = False
            return
        value = (
            self.evaluate(i, rest) if rest.split(None, 1)[:1] and rest.split()[0] in _CONDITIONALS else True
        )
        if cond.taken is None:  # an earlier branch may have run
            cond.branch = None if value is not False else False
        else:
            cond.branch = value
        if cond.branch is True:
            cond.taken = True
        elif cond.branch is None:
            cond.taken = None

    def evaluate(self, i: int, text: str) -> bool | None:
        word, _, arg = text.partition(" ")
        arg = arg.strip()
        if word in ("ifdef", "ifndef"):
            name = self.expand(arg).strip()
            var = self.variables.get(name)
            result = None if var is None else bool(var.value)  # None: the environment may set it
            if result is None:
                self.notes.append(
                    ScriptNote(
                        self.loc(i), NoteKind.UNRESOLVED, f"{text}: not known here; both branches read"
                    )
                )
                return None
            return result if word == "ifdef" else not result
        pair = _condition_args(arg)
        if pair is None:
            self.notes.append(ScriptNote(self.loc(i), NoteKind.PARSE_ERROR, f"cannot read condition: {text}"))
            return None
        (left, u1), (right, u2) = (expand_text(part, self.lookup) for part in pair)
        if u1 or u2:
            self.notes.append(
                ScriptNote(self.loc(i), NoteKind.UNRESOLVED, f"{text}: not known here; both branches read")
            )
            return None
        return (left.strip() == right.strip()) == (word == "ifeq")


def _is_define(text: str) -> bool:
    words = text.split(None, 2)
    return words[:1] == ["define"] or (words[:1] in (["override"], ["export"]) and words[1:2] == ["define"])


def _continued(line: str) -> bool:
    stripped = line.rstrip("\\")
    return (len(line) - len(stripped)) % 2 == 1


def _strip_comment(text: str) -> str:
    for i, char in enumerate(text):
        if char == "#" and (i == 0 or text[i - 1] != "\\"):
            return text[:i]
    return text


def _stem(pattern: str, target: str) -> str | None:
    prefix, pct, suffix = pattern.partition("%")
    if not pct:
        return None
    if target.startswith(prefix) and target.endswith(suffix) and len(target) >= len(prefix) + len(suffix):
        return target[len(prefix) : len(target) - len(suffix)]
    return None


def _condition_args(arg: str) -> tuple[str, str] | None:
    """``(a,b)``, ``"a" "b"``, ``'a' 'b'`` -> (a, b)."""
    if arg.startswith("(") and arg.endswith(")"):
        inner = arg[1:-1]
        for k, char in _top_level(inner):
            if char == ",":
                return inner[:k], inner[k + 1 :]
        return None
    match = re.fullmatch(r"""(["'])(.*?)\1\s+(["'])(.*?)\3""", arg)
    return (match.group(2), match.group(4)) if match else None


# --------------------------------------------------------------------------------------------
# What ``make T`` runs


class _Walker:
    def __init__(
        self,
        root: Makefile,
        overrides: Mapping[str, str],
        environment: Mapping[str, str],
        load: Callable[[SubMake], Makefile | None] | None,
        max_depth: int,
    ) -> None:
        self.overrides = dict(overrides)
        self.environment = environment
        self.load = load
        self.max_depth = max_depth
        self.commands: list[MakeCommand] = []
        self.notes: list[ScriptNote] = []
        self.done: set[tuple[str, str]] = set()
        self.stack: list[tuple[str, str]] = []
        self.capped = False

    def lookup_in(
        self, makefile: Makefile, scoped: Mapping[str, Variable]
    ) -> Callable[[str], Variable | str | None]:
        def lookup(name: str) -> Variable | str | None:
            if name in self.overrides:
                return self.overrides[name]
            found = scoped.get(name) or makefile.variables.get(name)
            if found is not None:
                return found
            if name in self.environment:
                return self.environment[name]
            return "make" if name == "MAKE" else None

        return lookup

    def target(
        self,
        mk: Makefile,
        target: str,
        chain: tuple[Hop, ...],
        scoped: dict[str, Variable],
        depth: int,
        *,
        required: bool = False,
    ) -> None:
        key = (mk.path, target)
        where = chain[-1].location if chain else Location(mk.path)
        if key in self.stack:
            self.notes.append(ScriptNote(where, NoteKind.CYCLE, f"cycle at target {target} cut"))
            return
        if key in self.done:
            return
        self.done.add(key)  # files (no rule) too: a prerequisite list names them again and again
        rules = mk.rules_for(target)
        if not rules and (required or target in mk.phony):
            # Pattern rules only for goals and phony targets: for a file prerequisite make would
            # also need to know which files exist.
            pattern = mk.pattern_rule_for(target)
            rules = (pattern,) if pattern is not None else ()
        if not rules:
            if required:
                self.notes.append(
                    ScriptNote(where, NoteKind.UNRESOLVED, f"no rule for target {target} in {mk.path}")
                )
            return  # a prerequisite without a rule is a file
        if depth > self.max_depth:
            self.notes.append(
                ScriptNote(
                    where, NoteKind.DEPTH, f"target {target} not followed: deeper than {self.max_depth}"
                )
            )
            return
        self.stack.append(key)
        for rule in rules:
            self.rule(mk, target, rule, chain, scoped, depth)
        self.stack.pop()

    def rule(
        self,
        mk: Makefile,
        target: str,
        rule: Rule,
        chain: tuple[Hop, ...],
        scoped: dict[str, Variable],
        depth: int,
    ) -> None:
        hop_chain = (*chain, Hop(f"target {target}", rule.location))
        scoped = {**scoped, **{v.name: self.scoped_value(mk, v, scoped) for v in rule.target_variables}}
        done, stack = self.done, self.stack
        for prerequisite in (*rule.prerequisites, *rule.order_only):
            key = (mk.path, prerequisite)
            if key not in done or key in stack:  # a quick skip: object lists name hundreds of files
                self.target(mk, prerequisite, hop_chain, scoped, depth + 1)
        if not rule.recipe:
            return
        automatic = {
            "@": target,
            "<": rule.prerequisites[0] if rule.prerequisites else "",
            "^": " ".join(dict.fromkeys(rule.prerequisites)),
            "+": " ".join(rule.prerequisites),
            "?": " ".join(dict.fromkeys(rule.prerequisites)),
            "|": " ".join(rule.order_only),
        }
        lookup = self.lookup_in(mk, scoped)
        exported = _exported(mk, scoped, lookup)
        for line in rule.recipe:
            self.recipe_line(mk, target, line, hop_chain, lookup, automatic, depth, exported)

    def scoped_value(self, mk: Makefile, variable: Variable, scoped: Mapping[str, Variable]) -> Variable:
        if variable.flavor != "simple":
            return variable
        value, _ = expand_text(variable.value, self.lookup_in(mk, scoped))
        return replace(variable, value=value)

    def recipe_line(
        self,
        mk: Makefile,
        target: str,
        line: RecipeLine,
        chain: tuple[Hop, ...],
        lookup: Callable[[str], Variable | str | None],
        automatic: Mapping[str, str],
        depth: int,
        exported: tuple[tuple[str, str], ...] = (),
    ) -> None:
        if len(self.commands) >= _MAX_COMMANDS:
            if not self.capped:
                self.notes.append(
                    ScriptNote(line.location, NoteKind.DEPTH, f"stopped after {_MAX_COMMANDS} recipe lines")
                )
                self.capped = True
            return
        expanded, unresolved = expand_text(line.text, lookup, automatic)
        command, flags = _recipe_prefixes(expanded)
        # make removes the recipe prefix after each backslash-newline; the shell joins the rest.
        sub_makes = _sub_makes(command, line.location)
        self.commands.append(
            MakeCommand(
                location=line.location,
                command=command,
                written=line.text,
                target=target,
                chain=chain,
                silent="@" in flags,
                ignore_errors="-" in flags,
                always="+" in flags,
                unresolved=unresolved,
                sub_makes=sub_makes,
                exported=exported,
            )
        )
        for sub in sub_makes:
            self.sub_make(mk, sub, chain, depth)

    def sub_make(self, mk: Makefile, sub: SubMake, chain: tuple[Hop, ...], depth: int) -> None:
        label = (
            "make"
            + (f" -C {sub.directory}" if sub.directory else "")
            + (f" -f {sub.makefile}" if sub.makefile else "")
        )
        label += "".join(f" {t}" for t in sub.targets)
        target_mk = mk
        if sub.directory or sub.makefile:
            loaded = self.load(sub) if self.load is not None else None
            if loaded is None:
                self.notes.append(
                    ScriptNote(sub.location, NoteKind.UNRESOLVED, f"{label}: that Makefile is not followed")
                )
                return
            target_mk = loaded
        if depth >= self.max_depth:
            self.notes.append(
                ScriptNote(
                    sub.location, NoteKind.DEPTH, f"{label} not followed: deeper than {self.max_depth}"
                )
            )
            return
        saved = self.overrides
        self.overrides = {**saved, **dict(sub.variables)}
        goals = sub.targets or ((target_mk.default_goal,) if target_mk.default_goal else ())
        hop = (*chain, Hop(label, sub.location))
        if not goals:
            self.notes.append(
                ScriptNote(sub.location, NoteKind.UNRESOLVED, f"{label}: the Makefile has no target")
            )
        saved_done, self.done = self.done, set()  # a sub-make is a new make process
        for goal in goals:
            self.target(target_mk, goal, hop, {}, depth + 1, required=True)
        self.overrides, self.done = saved, saved_done


def _exported(
    mk: Makefile, scoped: Mapping[str, Variable], lookup: Callable[[str], Variable | str | None]
) -> tuple[tuple[str, str], ...]:
    variables = {**mk.variables, **scoped}
    pairs = []
    for name, variable in sorted(variables.items()):
        if variable.exported and variable.flavor != "shell":
            value = variable.value if variable.flavor == "simple" else expand_text(variable.value, lookup)[0]
            pairs.append((name, value))
        elif variable.exported:
            pairs.append((name, f"$({name})"))  # ``!=``: the output of a command
    return tuple(pairs)


def _recipe_prefixes(command: str) -> tuple[str, str]:
    """``@-+`` before a recipe line (any order, blanks between) -> (rest, flags)."""
    flags = ""
    rest = command.lstrip(" \t")
    while rest[:1] in ("@", "-", "+") and rest:
        flags += rest[0]
        rest = rest[1:].lstrip(" \t")
    return rest, flags


_MAKE_OPTIONS_WITH_ARGUMENT = frozenset(
    {
        "-C",
        "-f",
        "-I",
        "-o",
        "-W",
        "-l",
        "--directory",
        "--file",
        "--makefile",
        "--include-dir",
        "--old-file",
        "--what-if",
        "--assume-old",
        "--assume-new",
        "--new-file",
    }
)


_MAKE_WORD = lazy_regex.compile(r"(?<![\w.-])g?make(?![\w.-])")


def _sub_makes(command: str, location: Location) -> tuple[SubMake, ...]:
    if not _MAKE_WORD.search(command):
        return ()  # the shell parser costs ~1 ms a line; most recipe lines run no make
    found: list[SubMake] = []
    cwd: str | None = None
    for cmd in split_script(command, path=location.path, first_line=location.line, column=location.column):
        words = cmd.words
        if not words:
            continue
        if words[0] == "cd":
            cwd = words[1] if len(words) == 2 else None
            continue
        if posixpath.basename(words[0]) in ("make", "gmake"):
            # The recipe line's location: columns in the expanded text differ from the written.
            found.append(_make_call(words[1:], cwd, location))
    return tuple(found)


def _make_call(args: tuple[str, ...], cwd: str | None, location: Location) -> SubMake:
    directory, makefile = cwd, None
    targets: list[str] = []
    variables: list[tuple[str, str]] = []
    k = 0
    while k < len(args):
        word = args[k]
        flag, eq, value = word.partition("=")
        if word.startswith("--") and eq:
            word, inline = flag, value
        elif word[:2] in ("-C", "-f") and len(word) > 2:
            word, inline = word[:2], word[2:]
        else:
            inline = None
        if word in _MAKE_OPTIONS_WITH_ARGUMENT:
            if inline is None:
                k += 1
                inline = args[k] if k < len(args) else ""
            if word in ("-C", "--directory"):
                directory = posixpath.join(directory, inline) if directory else inline
            elif word in ("-f", "--file", "--makefile"):
                makefile = inline
        elif word in ("-j", "--jobs") and k + 1 < len(args) and args[k + 1].isdigit():
            k += 1
        elif word.startswith("-"):
            pass
        elif "=" in word and re.match(r"[A-Za-z_.][A-Za-z0-9_.]*\s*[:?+!]?=", word):
            name, _, value = word.partition("=")
            variables.append((name.rstrip(":?+!").strip(), value))
        else:
            targets.append(word)
        k += 1
    return SubMake(location, directory, makefile, tuple(targets), tuple(variables))
