"""The commands a JavaScript/TypeScript release script runs, with their locations.

Release scripts (``node scripts/release.mjs``, ``tsx scripts/publish.ts``, zx scripts) publish
through ``child_process`` (``execSync('npm publish')``, ``spawn('npm', ['publish'])``), execa
(``execa('npm', ['publish'])``, ``` $`npm publish` ```), zx (``` $`npm publish` ```) or shelljs
(``shell.exec('npm publish')``). This module finds those calls and returns each command as a shell
string or an argv, with the parts computed at run time marked as ``${expression}``.

tree-sitter (with the ``tree-sitter-javascript``/``tree-sitter-typescript`` grammars from PyPI)
parses: it is error tolerant, so a file with a syntax error still yields the calls around it, and
it reads TypeScript and JSX, which no pure-Python JS parser on PyPI does (esprima-python stopped at
ES2017). The grammars are imported inside :func:`find_exec_calls`, never at module import, so a
scan of a repository without JS scripts does not pay for them.

Names are bound per file, not per scope: ``const { execSync } = require('child_process')`` makes
``execSync`` mean child_process' in the whole file. Simple constants (``const cmd = 'npm publish'``,
``const args = ['publish']``) are substituted; anything else is a computed part.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from npm_auth_lint import lazy_regex
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Location
from npm_auth_lint.parsers.script_types import NoteKind, ScriptNote, size_note

__all__ = ["JS_EXTENSIONS", "ExecCall", "JsExecResult", "find_exec_calls", "language_for"]

JS_EXTENSIONS = frozenset({".js", ".cjs", ".mjs", ".jsx", ".ts", ".cts", ".mts", ".tsx"})

_CHILD_PROCESS = "child_process"
_MODULES = {
    "child_process": _CHILD_PROCESS,
    "node:child_process": _CHILD_PROCESS,
    "execa": "execa",
    "zx": "zx",
    "zx/core": "zx",
    "shelljs": "shelljs",
    "bun": "bun",
}
# (module, function) -> how its arguments give the command.
#   shell: the first argument is a shell command line
#   argv: the first argument is the program, the second an array of arguments
#   command: execa's ``execaCommand``: one string split on spaces, no shell
#   template-shell: a tagged template run by a shell (zx, Bun), interpolations quoted
#   template-argv: execa's ``$``: a tagged template split on spaces, each interpolation one argument
#   node: ``fork(module, args)`` / ``execaNode``: runs a Node script
_FORMS: dict[tuple[str, str], str] = {
    **{(_CHILD_PROCESS, name): "shell" for name in ("exec", "execSync")},
    **{(_CHILD_PROCESS, name): "argv" for name in ("spawn", "spawnSync", "execFile", "execFileSync")},
    (_CHILD_PROCESS, "fork"): "node",
    **{("execa", name): "argv" for name in ("execa", "execaSync", "default", "sync")},
    **{("execa", name): "command" for name in ("execaCommand", "execaCommandSync", "command", "commandSync")},
    ("execa", "execaNode"): "node",
    ("execa", "node"): "node",
    ("execa", "$"): "template-argv",
    ("zx", "$"): "template-shell",
    ("shelljs", "exec"): "shell",
    ("bun", "$"): "template-shell",
}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


@frozen_dataclass
class ExecCall:
    """One call that runs a command."""

    location: Location  # where the call expression starts
    api: str  # "child_process.execSync", "execa.execa", "zx.$", "shelljs.exec", ...
    form: str  # "shell" | "argv" | "command" | "template-shell" | "template-argv" | "node"
    # The command line (shell, command, template forms); computed parts as ``${expression}``.
    shell: str | None
    # The argv (argv and node forms; template-argv split on blanks); computed parts as ``${...}``.
    argv: tuple[str, ...] | None
    computed: bool  # some part of the command is known only at run time
    cwd: str | None = None  # a literal ``{cwd: '...'}`` option
    uses_shell: bool = False  # ``{shell: true}`` on an argv form: the argv is joined and run by a shell
    text: str = ""  # the call as written, first 200 characters
    # Set on a call to a local function that passes its argument on to a command runner
    # (``const run = (cmd) => execSync(cmd, {stdio: 'inherit'})``; ``run('npm publish')``):
    # the function's name and where its runner call is.
    wrapper: str | None = None
    wrapper_location: Location | None = None
    # Set on that runner call inside the wrapper: its command is the wrapper's parameter, and
    # the calls of the wrapper are reported with their own commands.
    forwarded: bool = False
    # Arguments of the script with which it exits before reaching this call: a top-level
    # ``if (process.argv.includes("--check-only")) process.exit(1)`` above it (babel's
    # ensure-packages-exist.ts). The caller that passes one of them never runs the call.
    unreached_with: tuple[str, ...] = ()
    # Set when the call runs once per item of a loop written around it in the file (a
    # ``for``/``for…of``/``while`` statement, or an array method's callback such as
    # ``dirs.forEach((dir) => …)``): the loop's variable, or "" when it has none. A publish there
    # publishes several packages (react-router's publish.js).
    loop: str | None = None
    # ``env: {...}`` given to the runner: its literal entries (values with ``${...}`` markers) and
    # whether it spreads ``process.env`` (child_process and zx replace the environment otherwise;
    # execa extends it unless ``extendEnv: false``). ``env_spreads_process_env`` is None when no
    # ``env`` option is written.
    env: tuple[tuple[str, str], ...] = ()
    env_spreads_process_env: bool | None = None

    def with_env(self, options: _Options) -> ExecCall:
        if not options.has_env_option:
            return self
        return replace(self, env=options.env, env_spreads_process_env=options.env_spread)

    @property
    def words(self) -> tuple[str, ...] | None:
        """The argv when there is one (a node form is ``node <module> <args>``)."""
        if self.argv is None:
            return None
        return ("node", *self.argv) if self.form == "node" else self.argv


@frozen_dataclass
class _Options:
    cwd: str | None = None
    shell: bool = False
    env: tuple[tuple[str, str], ...] = ()
    env_spread: bool = False
    has_env_option: bool = False


@frozen_dataclass
class JsExecResult:
    path: str
    calls: tuple[ExecCall, ...] = ()
    notes: tuple[ScriptNote, ...] = ()


def language_for(path: str) -> str | None:
    """``javascript``, ``typescript`` or ``tsx`` for a script path, None for other files."""
    ext = posixpath.splitext(path)[1].lower()
    if ext not in JS_EXTENSIONS:
        return None
    if ext == ".tsx":
        return "tsx"
    return "typescript" if ext in (".ts", ".cts", ".mts") else "javascript"


def find_exec_calls(path: str, text: str, language: str | None = None) -> JsExecResult:
    """The command-running calls in the JS/TS source ``text``; never raises.

    ``language`` (``javascript``/``typescript``/``tsx``) defaults from the extension, and to
    ``javascript`` for a script without one (``#!/usr/bin/env node``, ``zx``)."""
    skipped = size_note(path, text)
    if skipped is not None:
        return JsExecResult(path, notes=(skipped,))
    if not _MENTIONS.search(text):
        return JsExecResult(path)
    try:
        return _Finder(path, text, language or language_for(path) or "javascript").run()
    except Exception as exc:
        note = ScriptNote(Location(path), NoteKind.PARSE_ERROR, f"not parsed: {type(exc).__name__}: {exc}")
        return JsExecResult(path, notes=(note,))


_PARSERS: dict[str, tuple[Any, Any]] = {}
# A second argument of these kinds is options or a callback, not the argument array.
_NOT_ARGS = frozenset({"object", "arrow_function", "function_expression", "function"})
_QUERY = "(call_expression) @call (import_statement) @import (variable_declarator) @decl"
# A file that names none of the runners cannot run a command through them: not parsed at all.
_MENTIONS = lazy_regex.compile(r"child_process|execa|shelljs|zx|\$\s*(?:`|\(|\.sync)|Bun\.\$|bun")


def _parser(language: str) -> tuple[Any, Any]:
    """A cached tree-sitter parser and node query; the grammars load on first use only."""
    if language not in _PARSERS:
        from tree_sitter import Language, Parser, Query

        if language == "javascript":
            import tree_sitter_javascript as grammar

            capsule = grammar.language()
        else:
            import tree_sitter_typescript as grammar_ts

            capsule = grammar_ts.language_tsx() if language == "tsx" else grammar_ts.language_typescript()
        grammar_language = Language(capsule)
        _PARSERS[language] = (Parser(grammar_language), Query(grammar_language, _QUERY))
    return _PARSERS[language]


class _Finder:
    def __init__(self, path: str, text: str, language: str) -> None:
        self.path = path
        self.source = text.encode("utf-8", "surrogatepass")
        self.language = language
        # local name -> (module, export): export "*" for a namespace or default import
        self.bindings: dict[str, tuple[str, str]] = {}
        self.constants: dict[str, Any] = {}  # name -> str | tuple (array) of literal values
        self.redeclared: set[str] = set()
        self.declared: set[str] = set()
        self.zx_globals = False
        self.shelljs_globals = False
        self.root: Any = None
        self.calls_of: dict[str, list[Any]] = {}  # function name -> its call nodes (loop_around)

    def run(self) -> JsExecResult:
        parser, query = _parser(self.language)
        tree = parser.parse(self.source)
        root = self.root = tree.root_node
        # The query collects the few node kinds needed in C: walking every node in Python costs
        # three times as much on a large file.
        from tree_sitter import QueryCursor

        captures = QueryCursor(query).captures(root)
        call_nodes = sorted(captures.get("call", ()), key=lambda n: n.start_byte)
        binders = [*captures.get("import", ()), *captures.get("decl", ()), *call_nodes]
        for node in sorted(binders, key=lambda n: n.start_byte):
            self.bind(node)
        for name in self.redeclared:
            self.constants.pop(name, None)
        found = [(node, call) for node in call_nodes for call in self.call(node)]
        calls = self.with_wrappers(call_nodes, found)
        notes = []
        if root.has_error:
            bad = _first_error(root)
            where = self.loc(bad) if bad is not None else Location(self.path)
            notes.append(
                ScriptNote(where, NoteKind.PARSE_ERROR, "syntax error; the calls around it are still read")
            )
        return JsExecResult(self.path, tuple(calls), tuple(notes))

    def text_of(self, node: Any) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def loc(self, node: Any) -> Location:
        row, byte_col = node.start_point
        line_start = node.start_byte - byte_col
        column = len(self.source[line_start : node.start_byte].decode("utf-8", "replace")) + 1
        return Location(self.path, row + 1, column)

    # -- names ------------------------------------------------------------------------------

    def bind(self, node: Any) -> None:
        if node.type == "import_statement":
            self.bind_import(node)
        elif node.type == "variable_declarator":
            self.bind_declarator(node)
        elif node.type == "call_expression":
            module = self.required_module(node)
            if module == "zx/globals":
                self.zx_globals = True
            elif module == "shelljs/global":
                self.shelljs_globals = True

    def bind_import(self, node: Any) -> None:
        source = node.child_by_field_name("source")
        require = next((c for c in node.named_children if c.type == "import_require_clause"), None)
        if source is None and require is not None:  # TypeScript ``import cp = require('x')``
            source = require.child_by_field_name("source")
        name = self.string_value(source) if source is not None else None
        if name == "zx/globals":
            self.zx_globals = True
        if name == "shelljs/global":
            self.shelljs_globals = True
        module = _MODULES.get(name or "")
        if module is None:
            return
        if require is not None:
            ident = require.named_children[:1]
            if ident and ident[0].type == "identifier":
                self.bindings[self.text_of(ident[0])] = (module, "default" if module == "execa" else "*")
        for clause in (c for c in node.named_children if c.type == "import_clause"):
            for part in clause.named_children:
                if part.type == "identifier":  # default import
                    self.bindings[self.text_of(part)] = (module, "default" if module == "execa" else "*")
                elif part.type == "namespace_import":
                    for ident in part.named_children:
                        self.bindings[self.text_of(ident)] = (module, "*")
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        self.bind_specifier(module, spec)

    def bind_specifier(self, module: str, spec: Any) -> None:
        if spec.type != "import_specifier":
            return
        name = spec.child_by_field_name("name")
        alias = spec.child_by_field_name("alias") or name
        if name is not None and alias is not None:
            self.bindings[self.text_of(alias)] = (module, self.text_of(name))

    def bind_declarator(self, node: Any) -> None:
        target, value = node.child_by_field_name("name"), node.child_by_field_name("value")
        if target is None or value is None:
            return
        value = _unwrap(value)
        module = self.required_module(value)
        if module is not None and module in _MODULES:
            self.bind_pattern(target, _MODULES[module])
            return
        if target.type != "identifier":
            return
        name = self.text_of(target)
        promisified = self.promisified(value)
        if promisified is not None:
            self.bindings[name] = promisified
            return
        if value.type == "member_expression" or (
            value.type == "identifier" and self.text_of(value) in self.bindings
        ):
            alias = self.callee(value)  # ``const execSync = require('child_process').execSync``
            if alias is not None:
                self.bindings[name] = alias
                return
        if name in self.declared:
            self.redeclared.add(name)  # declared twice (another scope): not a constant
        self.declared.add(name)
        literal = self.literal(value)
        if literal is not None and _is_const(node):
            self.constants[name] = literal

    def bind_pattern(self, target: Any, module: str) -> None:
        if target.type == "identifier":
            self.bindings[self.text_of(target)] = (module, "default" if module == "execa" else "*")
            return
        if target.type != "object_pattern":
            return
        for part in target.named_children:
            if part.type == "shorthand_property_identifier_pattern":
                self.bindings[self.text_of(part)] = (module, self.text_of(part))
            elif part.type == "pair_pattern":
                key, value = part.child_by_field_name("key"), part.child_by_field_name("value")
                if key is not None and value is not None and value.type == "identifier":
                    self.bindings[self.text_of(value)] = (module, self.text_of(key))

    def required_module(self, node: Any) -> str | None:
        """``require('x')`` -> ``x``."""
        if node.type != "call_expression":
            return None
        function, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        if function is None or args is None or self.text_of(function) != "require":
            return None
        first = args.named_children[:1]
        return self.string_value(first[0]) if first else None

    def promisified(self, value: Any) -> tuple[str, str] | None:
        """``promisify(exec)`` / ``util.promisify(cp.exec)`` -> what it wraps."""
        if value.type != "call_expression":
            return None
        function, args = value.child_by_field_name("function"), value.child_by_field_name("arguments")
        if function is None or args is None or not self.text_of(function).endswith("promisify"):
            return None
        first = args.named_children[:1]
        return self.callee(first[0]) if first else None

    # -- calls --------------------------------------------------------------------------------

    def callee(self, node: Any) -> tuple[str, str] | None:
        """What the function expression ``node`` names: (module, export)."""
        node = _unwrap(node)
        if node.type == "identifier":
            name = self.text_of(node)
            if name in self.bindings:
                return self.bindings[name]
            if name == "$":
                return ("zx", "$")  # zx scripts use the global ``$`` without an import
            if name == "exec" and self.shelljs_globals:
                return ("shelljs", "exec")
            return None
        if node.type == "member_expression":
            obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
            if obj is None or prop is None:
                return None
            obj = _unwrap(obj)
            prop_name = self.text_of(prop)
            module = self.required_module(obj)
            if module in _MODULES:
                return (_MODULES[module], prop_name)
            if obj.type == "identifier" and self.text_of(obj) == "Bun" and prop_name == "$":
                return ("bun", "$")
            owner = self.callee(obj)
            if owner is not None and owner[1] in ("*", "default"):
                return (owner[0], prop_name)
            if owner is not None and owner[1] == "$" and prop_name == "sync":
                return owner  # ``$.sync`...``` (zx 8, execa)
        if node.type == "call_expression":  # ``$({cwd})`cmd```: options first, then the template
            inner = node.child_by_field_name("function")
            found = self.callee(inner) if inner is not None else None
            if found is not None and found[1] == "$":
                return found
        return None

    def call(self, node: Any) -> Iterator[ExecCall]:
        function, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        if function is None or args is None:
            return
        found = self.callee(function)
        if found is None:
            return
        module, export = found
        if export == "default" and module == "execa":
            export = "execa"
        form = _FORMS.get((module, export))
        if form is None:
            return
        if args.type == "template_string":
            if not form.startswith("template"):
                return
            yield self.template_call(node, f"{module}.{export}", form, args, function)
            return
        if form.startswith("template"):
            return  # ``$(options)`` itself; its template call is found as the outer node
        yield self.plain_call(node, f"{module}.{export}", form, args.named_children)

    def template_call(self, node: Any, api: str, form: str, template: Any, function: Any) -> ExecCall:
        text, computed = self.template(template)
        argv = self.template_argv(template) if form == "template-argv" else None
        options = _unwrap(function)
        opts = _Options()
        if options.type == "call_expression":
            opts_args = options.child_by_field_name("arguments")
            if opts_args is not None and opts_args.named_children:
                opts = self.options(opts_args.named_children[0])
        return ExecCall(
            self.loc(node), api, form, text, argv, computed, opts.cwd, False, self.text_of(node)[:200]
        ).with_env(opts)

    def plain_call(self, node: Any, api: str, form: str, args: list[Any]) -> ExecCall:
        args = [a for a in args if a.type != "comment"]
        computed = not args
        opts = _Options()
        shell: str | None = None
        argv: tuple[str, ...] | None = None
        if form in ("shell", "command"):
            shell, computed = self.string_parts(args[0]) if args else ("", True)
            if len(args) > 1:
                opts = self.options(args[1])
        else:
            program, computed = self.string_parts(args[0]) if args else ("", True)
            rest: tuple[str, ...] = ()
            option_at = 1
            if len(args) > 1 and self.array_like(args[1]):
                rest, more = self.array(args[1])
                computed |= more
                option_at = 2
            elif len(args) > 1 and _unwrap(args[1]).type not in _NOT_ARGS:  # an array built at run time
                rest, computed, option_at = (self.marker(_unwrap(args[1])),), True, 2
            if len(args) > option_at:
                opts = self.options(args[option_at])
            argv = (program, *rest)
        call = ExecCall(
            self.loc(node), api, form, shell, argv, computed, opts.cwd, opts.shell, self.text_of(node)[:200]
        )
        return call.with_env(opts)

    # -- local wrapper functions ----------------------------------------------------------------

    def with_wrappers(self, call_nodes: list[Any], found: list[tuple[Any, ExecCall]]) -> list[ExecCall]:
        """``found`` plus the calls of local functions that hand a parameter to a runner, a few
        levels deep (a wrapper of a wrapper)."""
        found = list(found)
        known: set[str] = set()
        for _ in range(_WRAPPER_LEVELS):
            new: dict[str, _Wrapper] = {}
            for index, (node, call) in enumerate(found):
                wrapper = self.wrapper_of(node, call)
                if wrapper is not None and wrapper.name not in known:
                    new.setdefault(wrapper.name, wrapper)
                    found[index] = (node, replace(call, forwarded=True))
            if not new:
                break
            known.update(new)
            found.extend((node, call) for node in call_nodes for call in self.wrapper_call(node, new))
        guards = self.exit_guards(self.root) if self.root is not None else []
        self.calls_of = self.calls_by_name(call_nodes)
        marked = (self.in_loop(node, self.after_guards(node, call, guards)) for node, call in found)
        return sorted(marked, key=lambda c: (c.location.line, c.location.column))

    # -- exits guarded by an argument ---------------------------------------------------------

    def exit_guards(self, root: Any) -> list[tuple[str, int]]:
        """(argument, end byte) of each top-level ``if (process.argv.includes("X")) process.exit()``
        without ``else``: a run given X ends there. Top level only: a module's top-level statements
        run once, in order, so what follows such a statement (outside functions) is not reached."""
        if "process" in self.declared or "process" in self.bindings:
            return []
        guards = []
        for statement in root.named_children:
            if statement.type != "if_statement" or statement.child_by_field_name("alternative") is not None:
                continue
            condition = statement.child_by_field_name("condition")
            flag = self.argv_includes(_unwrap(condition)) if condition is not None else None
            consequence = statement.child_by_field_name("consequence")
            if flag is not None and consequence is not None and self.exits(consequence):
                guards.append((flag, statement.end_byte))
        return guards

    def argv_includes(self, node: Any) -> str | None:
        """``process.argv.includes("X")`` / ``process.argv.slice(N).includes("X")`` -> X."""
        if node.type == "parenthesized_expression" and node.named_children:
            return self.argv_includes(node.named_children[0])
        function, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        if node.type != "call_expression" or function is None or args is None or len(args.named_children) != 1:
            return None
        receiver = function.child_by_field_name("object") if function.type == "member_expression" else None
        if receiver is None or self.text_of(function.child_by_field_name("property")) != "includes":
            return None
        argv = re.sub(r"\s+", "", self.text_of(receiver))
        if argv != "process.argv" and not re.fullmatch(r"process\.argv\.slice\([0-9]+\)", argv):
            return None
        return self.string_value(args.named_children[0])

    def exits(self, consequence: Any) -> bool:
        """``process.exit(...)`` alone, or a block with one among its own statements."""
        statements = consequence.named_children if consequence.type == "statement_block" else [consequence]
        return any(
            s.type == "expression_statement" and s.named_children
            and s.named_children[0].type == "call_expression"
            and re.sub(r"\s+", "", self.text_of(s.named_children[0].child_by_field_name("function"))) == "process.exit"
            for s in statements
        )

    @staticmethod
    def after_guards(node: Any, call: ExecCall, guards: list[tuple[str, int]]) -> ExecCall:
        if not guards or _enclosing_function(node) is not None:
            return call  # a function may be called before the guard (declarations are hoisted)
        flags = tuple(flag for flag, end in guards if node.start_byte >= end)
        return replace(call, unreached_with=flags) if flags else call

    def in_loop(self, node: Any, call: ExecCall) -> ExecCall:
        """``call`` marked with the loop it runs in, if any (see ``ExecCall.loop``)."""
        loop = self.loop_around(node, _CALL_SITE_LEVELS)
        return call if loop is None else replace(call, loop=loop)

    def loop_around(self, node: Any, levels: int) -> str | None:
        """The loop ``node`` runs in: a loop written around it, or one around the call of the
        named function it is in. A named function called from two places or more runs as many
        times (react-router's ``publishBuild("router", …); publishBuild("react-router", …)``);
        one called nowhere in the file (exported) is taken to run once."""
        child, parent = node, node.parent
        while parent is not None:
            kind = parent.type
            if kind in _LOOP_STATEMENTS and child != parent.child_by_field_name("right"):
                return self.loop_variable(parent)
            if kind in _CALLBACK_FUNCTIONS and _iteration_callback(parent):
                return self.first_parameter(parent)
            # A named function (``function f``, a method, ``const f = () => …``) runs where it
            # is called; an anonymous callback (``main().catch(() => …)``) where it is written.
            name = self.function_name(parent) if kind in _NAMED_FUNCTIONS or kind in _CALLBACK_FUNCTIONS else None
            if kind in _NAMED_FUNCTIONS or name is not None:
                sites = self.calls_of.get(name, []) if name is not None else []
                if len(sites) >= 2:
                    return ""
                return self.loop_around(sites[0], levels - 1) if sites and levels > 0 else None
            child, parent = parent, parent.parent
        return None

    def calls_by_name(self, call_nodes: list[Any]) -> dict[str, list[Any]]:
        """The calls of each plain or ``this.`` name (``publishBuild(…)``, ``this.run(…)``)."""
        found: dict[str, list[Any]] = {}
        for node in call_nodes:
            function = node.child_by_field_name("function")
            function = _unwrap(function) if function is not None else None
            if function is not None and function.type == "member_expression":
                obj = function.child_by_field_name("object")
                function = function.child_by_field_name("property") if obj is not None and obj.type == "this" else None
            if function is not None and function.type in ("identifier", "property_identifier"):
                found.setdefault(self.text_of(function), []).append(node)
        return found

    def loop_variable(self, loop: Any) -> str:
        left = loop.child_by_field_name("left") if loop.type == "for_in_statement" else None
        return self.text_of(left) if left is not None and left.type == "identifier" else ""

    def first_parameter(self, function: Any) -> str:
        names = self.parameters(function)
        return names[0] if names else ""

    def wrapper_of(self, node: Any, call: ExecCall) -> _Wrapper | None:
        """The wrapper ``call`` is the runner of: a named function whose parameters make up
        part of the command (``${param}`` markers)."""
        function = _enclosing_function(node)
        if function is None:
            return None
        name = self.function_name(function)
        params = tuple(self.parameters(function))
        pieces = (call.shell,) if call.shell is not None else call.argv or ()
        markers = {m for piece in pieces for m in _MARKER.findall(piece)}
        if name is None or not markers & set(params):
            return None
        return _Wrapper(name, call, params)

    def parameters(self, function: Any) -> list[str]:
        params = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
        if params is None:
            return []
        if params.type == "identifier":  # ``cmd => ...``
            return [self.text_of(params)]
        names = []
        for param in params.named_children:
            target = param.child_by_field_name("pattern") or param.child_by_field_name("left") or param
            names.append(self.text_of(target) if target.type == "identifier" else "")
        return names

    def function_name(self, function: Any) -> str | None:
        name = function.child_by_field_name("name")
        if name is not None and function.type in (
            "function_declaration",
            "method_definition",
            "generator_function_declaration",
        ):
            return self.text_of(name)
        parent = function.parent
        if parent is not None and parent.type == "variable_declarator":
            target = parent.child_by_field_name("name")
            return self.text_of(target) if target is not None and target.type == "identifier" else None
        return None

    def wrapper_call(self, node: Any, wrappers: dict[str, _Wrapper]) -> Iterator[ExecCall]:
        function, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        if function is None or args is None or args.type != "arguments":
            return
        function = _unwrap(function)
        if function.type == "member_expression":  # ``this.run(...)`` for a method wrapper
            obj, prop = function.child_by_field_name("object"), function.child_by_field_name("property")
            if obj is None or prop is None or obj.type != "this":
                return
            function = prop
        wrapper = (
            wrappers.get(self.text_of(function))
            if function.type in ("identifier", "property_identifier")
            else None
        )
        if wrapper is None or (
            _enclosing_function(node) is not None
            and self.function_name(_enclosing_function(node)) == wrapper.name
        ):
            return
        given = [a for a in args.named_children if a.type != "comment"]
        values = dict(zip(wrapper.params, given))
        inner = wrapper.call
        computed = False

        def fill(piece: str) -> str:
            nonlocal computed

            def one(match: re.Match[str]) -> str:
                nonlocal computed
                if match.group(1) not in values:
                    computed = True  # a marker of the runner's own, or a parameter not passed
                    return match.group(0)
                value, unknown = self.string_parts(values[match.group(1)])
                computed |= unknown
                return value

            return _MARKER.sub(one, piece)

        shell = fill(inner.shell) if inner.shell is not None else None
        argv = None
        if inner.argv is not None:
            items: list[str] = []
            for piece in inner.argv:
                param = _MARKER.fullmatch(piece)
                passed = values.get(param.group(1)) if param else None
                if passed is not None and self.array_like(passed):  # ``spawn(bin, args)``
                    more, unknown = self.array(passed)
                    items.extend(more)
                    computed |= unknown
                else:
                    items.append(fill(piece))
            argv = tuple(items)
        yield replace(
            inner,
            location=self.loc(node),
            shell=shell,
            argv=argv,
            computed=computed,
            text=self.text_of(node)[:200],
            wrapper=wrapper.name,
            wrapper_location=inner.location,
            forwarded=False,
        )

    # -- values -------------------------------------------------------------------------------

    def marker(self, node: Any) -> str:
        return "${" + self.text_of(node) + "}"

    def string_value(self, node: Any) -> str | None:
        """The value of a string literal (or a template without substitutions), else None."""
        node = _unwrap(node)
        if node.type == "string":
            return "".join(self.fragment(c) for c in node.named_children)
        if node.type == "template_string" and not any(
            c.type == "template_substitution" for c in node.named_children
        ):
            return "".join(self.fragment(c) for c in node.named_children)
        return None

    def fragment(self, node: Any) -> str:
        text = self.text_of(node)
        return _unescape(text) if node.type == "escape_sequence" else text

    def template(self, node: Any) -> tuple[str, bool]:
        parts, computed = [], False
        for child in node.named_children:
            if child.type == "template_substitution":
                inner = child.named_children[:1]
                value, unknown = self.string_parts(inner[0]) if inner else ("", False)
                parts.append(value)
                computed |= unknown
            else:
                parts.append(self.fragment(child))
        return "".join(parts), computed

    def template_argv(self, node: Any) -> tuple[str, ...]:
        """execa's ``$``: literal text splits on blanks; an interpolation is part of one word."""
        words: list[str] = []
        current: list[str] = []
        for child in node.named_children:
            if child.type == "template_substitution":
                inner = child.named_children[:1]
                current.append(self.string_parts(inner[0])[0] if inner else "")
                continue
            pieces = re.split(r"(\s+)", self.fragment(child))
            for piece in pieces:
                if piece.isspace():
                    if current:
                        words.append("".join(current))
                    current = []
                elif piece:
                    current.append(piece)
        if current:
            words.append("".join(current))
        return tuple(words)

    def string_parts(self, node: Any) -> tuple[str, bool]:
        """A string-valued expression as text, with ``${...}`` for what is computed."""
        node = _unwrap(node)
        literal = self.string_value(node)
        if literal is not None:
            return literal, False
        if node.type == "template_string":
            return self.template(node)
        if node.type == "binary_expression" and self.text_of(node.child_by_field_name("operator")) == "+":
            left, l_unknown = self.string_parts(node.child_by_field_name("left"))
            right, r_unknown = self.string_parts(node.child_by_field_name("right"))
            return left + right, l_unknown or r_unknown
        if node.type == "identifier" and isinstance(self.constants.get(self.text_of(node)), str):
            return self.constants[self.text_of(node)], False
        if node.type == "array" and self.array_like(node):  # zx: ``${['--tag', t]}`` -> words
            items, unknown = self.array(node)
            return " ".join(items), unknown
        if node.type == "number":
            return self.text_of(node), False
        return self.marker(node), True

    def array_like(self, node: Any) -> bool:
        node = _unwrap(node)
        return node.type == "array" or (
            node.type == "identifier" and isinstance(self.constants.get(self.text_of(node)), tuple)
        )

    def array(self, node: Any) -> tuple[tuple[str, ...], bool]:
        node = _unwrap(node)
        if node.type == "identifier":
            return self.constants[self.text_of(node)], False
        items: list[str] = []
        computed = False
        for item in node.named_children:
            if item.type == "comment":
                continue
            if (
                item.type == "spread_element"
                and item.named_children
                and self.array_like(item.named_children[0])
            ):
                more, unknown = self.array(item.named_children[0])
                items.extend(more)
                computed |= unknown
                continue
            value, unknown = self.string_parts(item)
            items.append(value)
            computed |= unknown
        return tuple(items), computed

    def literal(self, node: Any) -> str | tuple[str, ...] | None:
        """A constant's value when it is made of literals only."""
        node = _unwrap(node)
        if node.type == "array":
            items, computed = self.array(node)
            return None if computed else items
        value, computed = self.string_parts(node)
        return None if computed or node.type == "number" else value

    def options(self, node: Any) -> _Options:
        """``{cwd: 'dir', shell: true, env: {...process.env, X: 'y'}}``."""
        node = _unwrap(node)
        if node.type != "object":
            return _Options()
        cwd: str | None = None
        shell, spread, has_env = False, False, False
        env: tuple[tuple[str, str], ...] = ()
        for pair in (p for p in node.named_children if p.type == "pair"):
            key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if key is None or value is None:
                continue
            name = self.text_of(key).strip("'\"")
            if name == "cwd":
                cwd, unknown = self.string_parts(value)
                cwd = None if unknown else cwd
            elif name == "shell":
                shell = self.text_of(value) not in ("false", "undefined", "null", "0", "''", '""')
            elif name == "env":
                env, spread = self.env_object(_unwrap(value))
                has_env = True
        return _Options(cwd, shell, env, spread, has_env)

    def env_object(self, node: Any) -> tuple[tuple[tuple[str, str], ...], bool]:
        """``{...process.env, NODE_AUTH_TOKEN: token}`` -> ((name, value), ...), spread."""
        if node.type != "object":  # ``env: process.env`` or a variable
            return (), self.text_of(node) == "process.env"
        pairs, spread = [], False
        for item in node.named_children:
            if item.type == "spread_element":
                spread |= self.text_of(item).replace(" ", "") == "...process.env"
            elif item.type == "pair":
                key, value = item.child_by_field_name("key"), item.child_by_field_name("value")
                if key is not None and value is not None:
                    pairs.append((self.text_of(key).strip("'\""), self.string_parts(value)[0]))
            elif item.type == "shorthand_property_identifier":
                pairs.append((self.text_of(item), self.marker(item)))
        return tuple(pairs), spread


_WRAPPER_LEVELS = 3
_MARKER = lazy_regex.compile(r"\$\{([A-Za-z_$][A-Za-z0-9_$]*)\}")
_FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
    }
)


@frozen_dataclass
class _Wrapper:
    name: str
    call: ExecCall  # the runner call inside it
    params: tuple[str, ...]  # the function's parameter names, in order ("" for a pattern)


# How many named functions deep a call is followed to its call sites when looking for a loop.
_CALL_SITE_LEVELS = 4
_LOOP_STATEMENTS = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})
_NAMED_FUNCTIONS = frozenset({"function_declaration", "generator_function_declaration", "method_definition"})
_CALLBACK_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function", "generator_function"})
# Array methods that call their callback once per item.
_ITERATING_METHODS = frozenset(
    {"forEach", "map", "flatMap", "filter", "some", "every", "find", "findIndex", "reduce", "reduceRight"}
)


def _iteration_callback(function: Any) -> bool:
    """Whether ``function`` is passed to an array method that calls it per item (``.map(…)``)."""
    arguments = function.parent
    call = arguments.parent if arguments is not None and arguments.type == "arguments" else None
    callee = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
    if callee is None or callee.type != "member_expression":
        return False
    method = callee.child_by_field_name("property")
    return method is not None and method.text is not None and method.text.decode("utf-8", "replace") in _ITERATING_METHODS


def _enclosing_function(node: Any) -> Any | None:
    parent = node.parent
    while parent is not None:
        if parent.type in _FUNCTION_TYPES:
            return parent
        parent = parent.parent
    return None


def _walk(root: Any) -> Iterator[Any]:
    """All nodes, depth first, in source order, without recursion (deep files stay safe)."""
    cursor = root.walk()
    while True:
        yield cursor.node
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def _first_error(root: Any) -> Any | None:
    for node in _walk(root):
        if node.type == "ERROR" or node.is_missing:
            return node
    return None


def _unwrap(node: Any) -> Any:
    """Through ``(x)``, ``await x``, ``x as T``, ``x!`` and ``<T>x`` to ``x``."""
    while node is not None and node.type in (
        "parenthesized_expression",
        "await_expression",
        "as_expression",
        "non_null_expression",
        "satisfies_expression",
        "type_assertion",
    ):
        inner = [c for c in node.named_children if not c.type.endswith("type") and c.type != "type_arguments"]
        if not inner:
            break
        node = inner[0]
    return node


def _is_const(declarator: Any) -> bool:
    parent = declarator.parent
    return (
        parent is not None
        and parent.type == "lexical_declaration"
        and parent.child(0) is not None
        and parent.child(0).type == "const"
    )


_ESCAPE = lazy_regex.compile(r"\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|.)", re.S)


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        body = match.group(1)
        if body[0] in "xu" and len(body) > 1:
            digits = body[1:].strip("{}")
            try:
                return chr(int(digits, 16))
            except (ValueError, OverflowError):
                return body
        if body == "\n":
            return ""  # a line continuation inside a string
        return _ESCAPES.get(body, body)

    return _ESCAPE.sub(one, text)
