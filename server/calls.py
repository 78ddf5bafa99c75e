"""Which function a call means. Nothing here knows LSP.

The call's shape decides where to look:
- a plain call `name(` (Rust's `super::name(`, `crate::name(` too): a function, in the caller's file (one nested in
  the function around the call first; Rust: in a module too), else in the file its import names (Python,
  JavaScript, TypeScript; another of its name is a guess: `import { fold } from 'fp-ts/Either'` is no `fold` of the
  workspace), else in the nearest file; in Java, a method of the caller's class, else any method (a guess);
- `self.name(`, `this.name(`, `cls.name(`, `Self::name(` (and a Go method's receiver): the method of the caller's
  class (a Go type's in any file of its package), else any method of that name (inherited, or not there at all: a
  guess);
- `super().name(`: a method of that name in another class (a guess);
- `Type.name(`, `Type::name(`, `module.name(`: the method of the class so named, or the function of the file or
  directory so named; a capitalised name or a `::` path the workspace does not define (`Vec::new`, `Math.max`)
  means nothing here;
- any other receiver (`obj.name(`, `f(x).name(`, a field of the caller's object, `g.wg.Wait(`): any method of that
  name (a guess: its type is not known), never the caller itself where the receiver is no plain name, and none for a
  local variable the function binds to a literal or a built-in collection (`errors = []`, `const seen = new Set()`):
  `errors.extend(` is the list's, never the workspace's `Schema.extend`; nor for a module or package the file imports
  that the workspace does not hold (Go's `errors.As(`).
Files are tried nearest first (fewest directory steps from the caller's, then path order), among the indexed
functions of the caller's language family. A guess is told in the hover ("matched by name"). Of a name defined
more than once in a file (Java's overloads, a Python function defined again), the call means one that takes its
number of arguments where that tells them apart; in Python, the definition in force when the call runs; in
JavaScript and TypeScript, the last (declarations are hoisted); in Rust, a type's own method before a trait
implementation's.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from leancode.languages import ParseWarning
from leancode.tokens import COMMENT, lex
from leancode.search import is_test_code, ranked_as_test
from leancode.units import Unit, header, last_name, overload_stub

from .workspace import Hit


OWN_RECEIVERS = frozenset({"self", "this", "cls", "Self"})
_RUST_MODULE_PATHS = frozenset({"super", "crate", "self"})
_GO_RECEIVER = re.compile(r"\bfunc\s*\(\s*(\w+)\s")  # `func (c *Cron) Start()`: `c`


@dataclass(frozen=True)
class Call:
    """A call as written: `name(`, or `receiver.name(` (`receiver::name(` when `path`); receiver "" when no name
    precedes the dot (`f(x).name(`). `scope`: the class around the call ("" outside any); `line`: its line;
    `own`: the receivers that mean the caller's own object; `arguments`: how many it passes (None: not known);
    `bases`: the supertypes the class around it names (`super().name(` means theirs); `imported`: the files the
    caller's imports bring `name` from (`inherited.imported_from`; None: no import does); `modules`: the names its file
    imports modules and packages as (`errors.As(`: the package's, never a method of the workspace)."""

    name: str
    receiver: str | None
    language: str
    line: int = 0
    scope: str = ""
    own: frozenset[str] = OWN_RECEIVERS
    path: bool = False
    arguments: int | None = None
    bases: tuple[str, ...] = ()
    imported: frozenset[Path] | None = None
    modules: frozenset[str] = frozenset()
    renamed: bool = False  # `name` is what the caller's file imports under another (`import f as g`): not its own
    field: str = ""  # the receiver is this field of the caller's own object (`wg` of `g.wg.Wait(`)
    code: str = ""  # the caller's file, where its class declares that field

    @classmethod
    def at(cls, units: list[Unit], line: int, name: str, receiver: str | None, separator: str | None,
           language: str, arguments: int | None = None, imported: frozenset[Path] | None = None,
           through: str = "", modules: frozenset[str] = frozenset(), code: str = "") -> "Call":
        """The call of `name` at `line` of the file whose functions are `units`, passing `arguments`; `through`: the
        first name of a receiver written as a member of another (`g` of `g.wg.Wait(`); `code`: the file's text."""
        caller = _innermost(units, line)
        scope, own = "", OWN_RECEIVERS
        if caller is not None:
            # `Outer.Inner`: a nested class's own methods; a closure's `self.x()`: its method's class
            scope = caller.scoped_name.rpartition(".")[0]
            if language == "go" and (receiver_name := _GO_RECEIVER.search(header(caller))):
                own = own | {receiver_name.group(1)}
        if separator == "::" and receiver in _RUST_MODULE_PATHS:  # `super::helper()`: a function, as a plain call
            receiver, separator = None, None
        field = ""
        if through in own:  # a field of the caller's own object (`g.wg.Wait(`, `self.core.swap(`): its declaration's
            receiver, field = "", receiver or ""
        bases = tuple(last_name(base) for base in caller.bases) if caller is not None else ()
        return cls(name, receiver, language, line, scope, own, separator == "::", arguments, bases, imported,
                   modules, field=field, code=code)


@dataclass(frozen=True)
class Resolved:
    unit: Unit
    where: str | None  # "folder/path:line" in another file; None: in the caller's file
    guessed: bool = False  # matched by name alone
    overloads_left: int = 1  # Java overloads the argument count could not tell apart (the first is shown)
    alternatives: int = 0  # a guess: the other functions of that name it could as well have been
    path: Path | None = None  # the file it is in, when not the caller's


# Files read, nearest first, for a method of the call's name that takes its arguments, before any of that name
FITTING_READS = 8


def _innermost(units: list[Unit], line: int) -> Unit | None:
    """The innermost function around `line`."""
    return max((u for u in units if u.start_line <= line <= u.end_line), key=lambda u: u.start, default=None)


def _container(unit: Unit, units: list[Unit]) -> Unit | None:
    """The innermost function of `units` that `unit` is nested in."""
    outer = [u for u in units if u is not unit and u.start <= unit.start and unit.end <= u.end]
    return max(outer, key=lambda u: u.start, default=None)


def _class_of(qualified_name: str) -> str:
    """The innermost class (impl, Go receiver type) of a qualified name; "" for a function outside any."""
    parts = qualified_name.split(".")
    return parts[-2] if len(parts) > 1 else ""


def path_distance(caller: Path | None, other: Path) -> tuple:
    """Sort key of a candidate's file: directory steps from the caller's directory to its, then the path (for a
    caller of unknown path: after every known one, by depth, then the path)."""
    if caller is None:
        return (1, len(other.parts), str(other))
    common = len([a for a, b in zip(caller.parent.parts, other.parent.parts) if a == b])
    return (0, len(caller.parent.parts) - common + len(other.parent.parts) - common, str(other))


def is_function(unit: Unit) -> bool:
    """Whether a unit outside any function is a function, not a method: outside any class (Rust: in modules only,
    which are named in snake_case, types in CamelCase)."""
    scopes = unit.qualified_name.split(".")[:-1]
    return not scopes or unit.language == "rust" and all(scope[:1].islower() for scope in scopes)


def _visible_functions(same_name: list[Unit], local: list[Unit], line: int) -> list[Unit]:
    """The functions of `same_name` that a plain call at `line` can mean: those nested in a function around the call
    (whatever class that function is in), the most deeply nested first, then the top-level ones."""
    visible = []
    for unit in same_name:
        around = _container(unit, local)
        if around is None and is_function(unit) or around is not None and around.start_line <= line <= around.end_line:
            visible.append((-(around.start if around else -1), unit.start, unit))
    return [unit for *_, unit in sorted(visible, key=lambda v: v[:2])]


def parameter_counts(unit: Unit) -> tuple[int, float] | None:
    """The fewest and most arguments a call of `unit` may pass (most: infinite with `*args`, `...rest`); None where
    its parameters are not found (`x => x`). They are read from the first `(` after the last mention of its name
    outside brackets (not a decorator's `@get(...)`, nor a type parameter's `Fn(i32)`); a first `self`, `cls` or
    `this` is the receiver, not an argument."""
    with warnings.catch_warnings():  # the header alone, not the whole function: it is lexed on every call hover
        warnings.simplefilter("ignore", ParseWarning)
        tokens = [t.text for t in lex(unit.code[:len(header(unit))], unit.language) if t.kind != COMMENT]
    opening, closing = set("([{<"), set(")]}>")
    if unit.language == "python":  # Python's `<` compares
        opening, closing = opening - {"<"}, closing - {">"}
    depths, depth = [], 0
    for text in tokens:
        depths.append(depth)
        depth += (text in opening) - (text in closing)
    named = [at for at, text in enumerate(tokens) if text == unit.name and depths[at] == 0]
    if not named:
        return None
    start = next((at for at in range(named[-1], len(tokens)) if tokens[at] == "(" and depths[at] == 0), None)
    if start is None:
        return None
    parameters = [[]]
    for text, level in zip(tokens[start + 1:], depths[start + 1:]):
        if level == 1 and text == ")":
            break
        if level == 1 and text == ",":
            parameters.append([])
        else:
            parameters[-1].append(text)
    parameters = [p for p in parameters if p and p not in (["*"], ["/"])]  # Python's `*` and `/` mark, and pass none
    if parameters and ("self" in parameters[0] or parameters[0][0] in ("cls", "this")):  # `&mut self`, `this: T`
        parameters = parameters[1:]
    variadic = sum(p[0] in ("*", "**") or "..." in p for p in parameters)
    optional = sum("=" in p or "?" in p for p in parameters)  # a default value; TypeScript's `x?: T`
    return len(parameters) - optional - variadic, math.inf if variadic else len(parameters)


def _meant(units: list[Unit], call: Call, file_units: list[Unit], here: bool) -> tuple[Unit, int]:
    """Which of the same-named `units` (the likeliest first) the call means, and how many Java overloads were left
    to choose from: no `@overload` stub where another is there; one that takes the call's number of arguments, where
    some do (in Java, one without varargs first, as Java's overload resolution tries them first). In Python, of a name
    defined more than once in one scope, the definition in force when the call runs: `here` (the call is in the
    file), from the block where they are defined, the last one above the call; from a function, or from another
    file, the last one. In JavaScript and TypeScript, the last one (a function declaration is hoisted, a method
    defined again replaces it). In Rust, a type's own method before its trait implementation's of that name
    (`Errors::merge(` and `errors.merge(` call the inherent one)."""
    units = [u for u in units if not overload_stub(u)] or units
    if call.arguments is not None and len(units) > 1:
        counted = [(u, parameter_counts(u)) for u in units]
        fitting = [(u, c) for u, c in counted if c is None or c[0] <= call.arguments <= c[1]]
        if call.language == "java":
            fitting = [(u, c) for u, c in fitting if c is None or c[1] != math.inf] or fitting
        units = [u for u, _ in fitting] or units
    first = units[0]
    if first.language == "java":  # overloads: one class's methods of that name (not other classes' by name)
        overloads = sum(u.qualified_name == first.qualified_name for u in units)
        return first, overloads if call.arguments is not None else 1
    if first.language == "rust":  # a type's own method before a trait's of its name, as Rust resolves both forms
        return next((u for u in units if u.qualified_name == first.qualified_name and not u.bases), first), 1
    if first.language not in ("python", "javascript", "typescript", "tsx"):
        return first, 1
    block = _container(first, file_units)
    again = [u for u in units if u.qualified_name == first.qualified_name and _container(u, file_units) is block]
    if first.language == "python" and here and _innermost(file_units, call.line) is block:  # runs after those above
        return max((u for u in again if u.start_line < call.line), key=lambda u: u.start, default=first), 1
    return max(again, key=lambda u: u.start), 1


def resolve_call(call: Call, local: list[Unit], caller: Path | None, candidates: list[Hit],
                 units_in: Callable[[Hit], list[Unit] | None]) -> Resolved | None:
    """The function `call` in the file at `caller` (whose functions are `local`) means, or None. `candidates` are
    the indexed functions of that name; `units_in(hit)` reads the functions of a candidate's file now (None when it
    cannot be read), so a stale index entry is matched to the current code by name and nearest line. Of
    same-named functions an `@overload` stub comes after its implementation."""
    name, receiver = call.name, call.receiver
    here = [u for u in local if u.name == name]

    def first_here(units: list[Unit], guessed: bool) -> Resolved | None:
        if not units:
            return None
        unit, left = _meant(units, call, local, here=True)
        return Resolved(unit, None, guessed, left)

    roots = [h.folder.root for h in candidates if caller is not None and caller.is_relative_to(h.folder.root)]
    in_tests = caller is not None and is_test_code(
        (caller.relative_to(roots[0]) if roots else Path(*caller.parts[-2:])).as_posix(), "")  # (not the folders
    # above the workspace: a checkout under ~/tests/)

    def fits(unit: Unit) -> bool:
        return call.arguments is None or (counts := parameter_counts(unit)) is None \
            or counts[0] <= call.arguments <= counts[1]

    def first_elsewhere(keep: Callable[[Hit], bool], guessed: bool, fitting: bool = False) -> Resolved | None:
        # nearest first, but a test's or example's after the code's, unless the call is in a test itself (logrus's
        # `hook.Levels()` was a test hook's, mux's `.Middleware(` an example's); not the index's entries of the
        # caller's own file, whose text now is `local`'s (dayjs's hover said "defined in package/esm/index.js" of
        # that file, and mux's would show the caller again)
        hits = sorted((h for h in candidates if keep(h) and h.path != caller),
                      key=lambda h: (not in_tests and ranked_as_test(h.unit), path_distance(caller, h.path)))
        for hit in hits[:FITTING_READS] if fitting else hits:  # (each hit a file read and parsed)
            units = units_in(hit)
            same = sorted((u for u in units or () if u.qualified_name == hit.unit.qualified_name),
                          key=lambda u: abs(u.start_line - hit.unit.start_line))  # its lines may have moved since
            if same:
                unit, left = _meant(same, call, units, here=False)
                if fitting and not fits(unit):
                    continue
                return Resolved(unit, f"{hit.folder.root.name}/{hit.unit.path}:{unit.start_line + 1}", guessed, left,
                                path=hit.path)
        return None

    def typed_as(receiver: str, exclude: str | None = None) -> Resolved | None:  # a method of that type, or a
        # function of that module; not `exclude` (a base of the caller's class's name: `class Evolver(PVector.Evolver)`)
        return (first_here([u for u in here if _class_of(u.qualified_name) == receiver
                            and u.qualified_name != exclude], False)
                or first_elsewhere(lambda h: _class_of(h.unit.qualified_name) == receiver
                                   and h.unit.qualified_name != exclude
                                   or is_function(h.unit) and receiver in (h.path.stem, h.path.parent.name), False))

    def any_method(exclude: str | None = None, itself: bool = True) -> Resolved | None:
        def keep(unit) -> bool:
            return not is_function(unit) and unit.qualified_name != exclude
        # this file's methods first, but one that cannot take the call's arguments after the other files' (a field's
        # `mController.shouldRecognizeSimultaneously(this, other)`: the interface's, not this class's of one argument),
        # and the method the call is in after all the others: on another object, a call of its own name delegates
        # more often than it recurses (mux's `route.Match(req, match)` in `Router.Match`, indexmap's
        # `self.core.swap_remove_full(hash, key)`: the hover showed the caller)
        calling = _innermost(local, call.line)
        mine = [u for u in here if keep(u) and u is not calling]
        itself = [u for u in here if u is calling and keep(u)] if itself else []
        found = first_here([u for u in mine if fits(u)], True) \
            or first_elsewhere(lambda h: keep(h.unit), True, fitting=True) \
            or first_here([u for u in itself if fits(u)], True) or first_elsewhere(lambda h: keep(h.unit), True) \
            or first_here(mine + itself, True)
        if found is None:
            return None
        classes = {(None, u.qualified_name) for u in here if keep(u)} | {
            (h.path, h.unit.qualified_name) for h in candidates if keep(h.unit) and h.path != caller}
        return replace(found, alternatives=len(classes) - 1)

    if receiver is None and call.language != "java":
        found = None if call.renamed else first_here(_visible_functions(here, local, call.line), False)
        if found or call.imported is None:
            return found or first_elsewhere(lambda h: is_function(h.unit), False)
        return first_elsewhere(lambda h: is_function(h.unit) and h.path.resolve() in call.imported, False) \
            or first_elsewhere(lambda h: is_function(h.unit), True)  # imported from elsewhere: one of its name
    own = f"{call.scope}.{name}" if call.scope else None
    if receiver is None or receiver in call.own:  # Java's plain call, `self.name(`; a method of this file's before
        # another's (an object literal's, passed to a call: `make("T", init, { isEmpty() { this.size() }, size() })`)
        return first_here([u for u in here if u.qualified_name == own], False) \
            or (first_elsewhere(lambda h: h.unit.qualified_name == own and h.path.parent == caller.parent, False)
                if own and call.language == "go" and caller is not None else None) \
            or first_here([u for u in here if u.method], True) or any_method()  # (a Go type's methods: its package's
        # files, gorilla/websocket's `c.NextWriter(` in json.go, of `Conn` in conn.go, was labelled a guess)
    if receiver == "super":  # a supertype's method: the first the class names that has one, else any by name
        return next(filter(None, (typed_as(base, exclude=own) for base in call.bases)), None) \
            or any_method(exclude=own)
    if receiver == "":  # `f(x).name(`, a chain's `.name(` on its own line, a field's: another object than the caller
        declared = _field_type(call.field, call.code, call.language) if call.field else None
        if declared is not None:  # its class's method; none of a built-in value or another package's type
            return typed_as(declared) if declared else None  # (`wg sync.WaitGroup`, `= new Set()`)
        return any_method(itself=False)
    typed = typed_as(receiver)
    if typed or call.path or receiver[:1].isupper() or receiver in call.modules:
        return typed  # a type or module the workspace does not define: `Vec::new`, `Math.max`, Go's `errors.As`
    calling = _innermost(local, call.line)
    if calling is not None and _bound_to_builtin(receiver, calling):
        return None
    if calling is not None and (bound := _bound_type(receiver, calling)):  # `multi := &Error{...}`: Error's
        return typed_as(bound) or any_method()
    if call.language == "java" and (declared := _field_type(receiver, call.code, "java")) is not None:
        return typed_as(declared) if declared else None  # a field named bare: `ConnectivityReceiver mReceiver;`
    return any_method()


# A local variable bound to a literal or a built-in collection, as its function's code binds it: Python's `x = []`,
# `x: dict[str, int] = {}`, `x = set()`; JavaScript's and TypeScript's `const x = []`, `let x: string[] = []`,
# `const x = new Map()`; Go's `x := []string{}`, `x := make(map[string]int)`
_BUILTIN_VALUE = (r"(?:\[|\{|\(|[\"'`]|\d|-\d|(?:list|dict|set|tuple|str|bytes|bytearray|frozenset)\(|new\s+(?:Map|Set"
                  r"|WeakMap|WeakSet|Array|Date|RegExp|URL|URLSearchParams)\b|make\(|map\[|\[\]\w)")
MAX_BINDING_SCAN = 20_000  # characters of the calling function read for the binding


MAX_FIELD_SCAN = 200_000  # characters of the caller's file read for a field's declaration
_GO_BUILTIN_TYPES = frozenset("string bool byte rune int int8 int16 int32 int64 uint uint8 uint16 uint32 uint64 "
                               "uintptr float32 float64 complex64 complex128 error any".split())


def _field_type(field: str, code: str, language: str) -> str | None:
    """The class of a field of the caller's object as its file declares it: `this.x = new Widget()`, TypeScript's
    `private x: Widget`, Java's `Widget x;`, Python's `self.x = Widget(...)`, a Go struct's `x *Widget`; "" for a
    built-in value or another package's type (`this.seen = new Set()`, Go's `wg sync.WaitGroup`); None where none
    says."""
    if not re.fullmatch(r"[A-Za-z_$][\w$]*", field):
        return None
    head, name = code[:MAX_FIELD_SCAN], re.escape(field)
    if language == "go":
        declared = re.search(rf"^[^\S\n]*{name}[^\S\n]+(\*?)([\w.\[\]*]+)", head, re.M)  # (`\s*` spans lines)
        if declared is None:
            return None
        kind = declared.group(2)
        return "" if "." in kind or not kind[:1].isalpha() or kind in _GO_BUILTIN_TYPES else kind
    if re.search(rf"(?:(?:this|self)\.|(?<![\w$.])){name}\s*(?::[^=\n]{{1,80}})?=\s*{_BUILTIN_VALUE}", head):
        return ""
    for pattern in (rf"(?:this|self)\.{name}\s*=\s*(?:new\s+)?([A-Z][\w$]*)\s*\(",  # assigned a new instance
                    rf"(?<![\w$.]){name}\s*[?!]?\s*:\s*([A-Z][\w$]*)\b"  # annotated (`| null` too)
                    r"(?!\s*(?:[<\[.&]|\|(?!\s*(?:null|undefined)\b)))",
                    rf"\b([A-Z][\w$]*)(?:<[^<>;\n]*>)?\s+{name}\s*[;=]"):  # Java's `Widget field;`
        if found := re.search(pattern, head):
            return found.group(1)
    return None


def _bound_type(receiver: str, unit: Unit) -> str | None:
    """The class a local variable or parameter of `unit` is an instance of, as its code writes it: `w = Widget(3)`,
    `const w = new Widget()`, `let w: Widget = ...`, `(c: Cache)`, Go's `w := &Widget{...}`, Java's `Widget w = new
    Widget()`; else None."""
    if not re.fullmatch(r"[A-Za-z_$][\w$]*", receiver) or receiver in OWN_RECEIVERS:
        return None
    annotated = r"(?P<annotated>[A-Z][\w$]*)\b(?!\s*(?:[<\[.&]|\|(?!\s*(?:null|undefined)\b)))"  # `State | null` too
    binding = re.compile(rf"(?:^|[\s;(])(?:(?:const|let|var|final|auto|val)\s+)?{re.escape(receiver)}\s*"
                         rf"(?::\s*{annotated}|(?::[^=\n]{{1,80}})?(?::=|=(?!=))\s*"
                         rf"(?:new\s+|&)?(?P<made>[A-Z][\w$]*)\s*[({{])", re.M)
    found = binding.search(unit.code[:MAX_BINDING_SCAN])
    return (found.group("annotated") or found.group("made")) if found else None


def _bound_to_builtin(receiver: str, unit: Unit) -> bool:
    """Whether `unit`'s code binds the plain name `receiver` to a literal or a built-in collection
    (`_BUILTIN_VALUE`)."""
    if not re.fullmatch(r"[A-Za-z_$][\w$]*", receiver) or receiver in OWN_RECEIVERS:
        return False
    binding = re.compile(rf"(?:^|[\s;(])(?:(?:const|let|var)\s+)?{re.escape(receiver)}\s*(?::[^=\n]{{1,80}})?"
                         rf"(?::=|=(?!=))\s*{_BUILTIN_VALUE}", re.M)
    return binding.search(unit.code[:MAX_BINDING_SCAN]) is not None
