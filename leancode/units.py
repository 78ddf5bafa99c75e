"""Units: the functions and methods of a source file, with names, spans and docstrings.

`extract_units(code, language)` finds every named function or method (nested ones
too) in source order. Anonymous functions (callbacks, Go function literals, Rust
closures) are not units; a JS/TS function bound to a variable, object key or class
field is, under the name it is bound to.
"""

from __future__ import annotations

import bisect
import dataclasses
import inspect
import itertools
import json
import re
import time
import warnings
from collections import deque
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Iterator

import tree_sitter
from tree_sitter import Node

from .docstrings import first_sentence, shown_sentence
from .languages import (CharOffsets, LanguageSpec, ParseGaveUp, ParseWarning, declaration_node_at, parse,
                        parse_within, grammar_for, parse_source, spec_for, syntax_error)

# Function node types that make no unit on their own (a Go `func` literal does where `_bound_anonymous` names it).
_ANONYMOUS = frozenset({"func_literal", "closure_expression"})
# The anonymous functions that a top-level statement may bind to a name, making a unit named by it (`_bound_anonymous`).
_BOUND_ANONYMOUS = {"go": "func_literal", "python": "lambda"}
# Nodes before a declaration that belong to it (its code includes them).
_PREFIXES = frozenset({"attribute_item", "decorator"})
# JS/TS nodes that bind a function expression to a name, and the field holding that name.
_BINDINGS = {"variable_declarator": "name", "pair": "key", "assignment_expression": "left",
             "field_definition": "property", "public_field_definition": "name"}
_VALUE_FIELDS = ("value", "right")
# Calls that return the function passed to them first, wrapped, so that the name they are bound to is that function's
# (`const Icon = forwardRef((props, ref) => ...)`, `const onClick = useCallback(() => ..., [])`, `const save =
# debounce(() => ..., 300)`), by the callee's last name (`React.memo`, `_.throttle`): React's and its hook libraries',
# lodash's, MobX's, Mantine's, Ariakit's, Express's and h3's handlers', esbuild's `__name`. Calls that return a value
# made with the function (`items.map(...)`, `useMemo`) are not among them, nor one given it after another argument
# (an emitter's `socket.once('open', fn)`), but for those that take it last (`createSelector([a, b], fn)`,
# `createAsyncThunk('type', fn)`, MobX's `action('name', fn)`, Ramda's `_dispatchable([...], _x, fn)`). Currying
# returns the function too (Ramda's `var unionWith = _curry3(function unionWith(...) {...})`, lodash's `curry`), as
# do Jest's and Vitest's mocks (`setItem: jest.fn(async (key) => ...)`).
_WRAPPERS_TAKING_IT_LAST = frozenset({"createSelector", "createAsyncThunk", "action", "_dispatchable", "_arity"})
_FUNCTION_WRAPPERS = _WRAPPERS_TAKING_IT_LAST | {
    "curry", "curryN", "curryRight", "_curry1", "_curry2", "_curry3", "_curryN", "fn",
    "forwardRef", "fixedForwardRef", "memo", "useCallback", "useEvent", "useEffectEvent", "useEventCallback",
    "useMemoizedFn", "useLatestCallback", "useStableCallback", "useDebouncedCallback", "useThrottledCallback",
    "debounce", "throttle", "memoize", "memoizeOne", "once", "observer", "flow", "factory", "polymorphicFactory",
    "genericFactory", "createHook", "asyncHandler", "defineEventHandler", "eventHandler", "__name"}
_CASTS = frozenset({"as_expression", "satisfies_expression", "non_null_expression", "parenthesized_expression"})
# The language's own objects, whose static methods take no type a declaration file in node_modules gives
_GLOBALS = frozenset({"Object", "JSON", "Reflect", "Promise", "Array", "Math", "Number", "String", "Symbol", "Date",
                      "Error", "Map", "Set", "WeakMap", "Proxy", "Intl", "BigInt", "Boolean", "RegExp", "React"})
_JS = ("javascript", "typescript", "tsx")
_TYPED = ("typescript", "tsx")
_EXPRESSIONS = frozenset({"function_expression", "function", "generator_function", "arrow_function"})
# A note, not a description: a to-do, Rust's `// SAFETY:` (it argues an unsafe block sound) and `/// Requires crate
# feature "serde".` (indexmap's), a generated file's banner above its first function (marked's `/** DO NOT EDIT THIS
# FILE ... */`), a type signature (Ramda's `// mapPairs :: (Object, [String]) -> [String]`)
_NOTE = re.compile(r"\s*(?:TODO|FIXME|XXX|HACK)\b|\s*SAFETY:|\s*Requires crate features?\b|\s*do not edit\b"
                   r"|\s*[\w$.]+ :: \S", re.I)
# Functions nested deeper than this in functions and classes are not units of their own (they stay in their outer
# function's code): each unit holds its inner ones, so 5,000 nested functions cost quadratic time to index.
MAX_NESTING = 32
MAX_UNIT_CHARS = 8000  # code read per function by the index and the summarizer: one huge function costs no more
_LINE_COMMENT = {"rust": "///", "python": "#"}  # how `Unit.code_with_doc` writes a doc sentence (else `//`)
# Statements around a declaration; its doc comment stands before them.
_WRAPPERS = frozenset({"export_statement", "lexical_declaration", "variable_declaration",
                       "expression_statement", "ambient_declaration"})


def owner_line(qualified_name: str, language: str) -> str | None:
    """A comment naming a method with its owner (`// DateTime.fromMillis`), for the index to embed before its code:
    a method cut out of its class, impl block or object does not name it, and queries do ("create a DateTime from
    ..."; +0.04 to +0.06 MRR on Java, Python, JavaScript and Rust validation, +0.02 to +0.08 held out, BENCHMARKS.md
    "A method named with its owner"). None for a function with no owner, and in Go, whose method declaration names
    its receiver type already (there the line cost MRR)."""
    if "." not in qualified_name or language == "go":
        return None
    return f"{_LINE_COMMENT.get(language, '//')} {qualified_name}"


def shown_name(qualified_name: str, language: str) -> str:
    """A qualified name as its language writes it, for people to read: `Version::parse` in Rust, else as indexed
    (`Version.parse`; Go's `Time.Format` as `go doc` shows it). Lookups accept both."""
    return qualified_name.replace(".", "::") if language == "rust" else qualified_name


@dataclass(frozen=True)
class Unit:
    name: str
    qualified_name: str  # enclosing classes / impl types / Go receiver / functions, joined by "."
    language: str
    start_line: int  # 0-based, inclusive
    end_line: int
    start: int  # character offsets into the source
    end: int
    code: str
    docstring: str | None
    body: str
    # Characters of `code` (relative offsets) that `code_without_docstring` drops.
    docstring_span: tuple[int, int] | None = field(default=None, repr=False)
    # An undocumented method's description from the method it implements or overrides, and that method's name
    # ("Iterator::next", "Shape.area", "sort.Interface.Less"): a base class's in the same file, else a standard trait's,
    # JDK type's, Python class's or Go interface's (what rustdoc, javadoc, `inspect.getdoc` and `go doc` show); the
    # hover looks in other files too (`inherited.inherited_across_files`). Not mined.
    inherited_doc: tuple[str, str] | None = None
    # `inherited_doc` is declared in its own file (a supertype's method, a module's augmenting declaration), not a
    # standard library's: search embeds it (`described`). A standard method's contract ("Returns a hash code value
    # for the object.") adds little to the owner line that names it and drew generic queries to `BarrelList.sort`.
    inherited_here: bool = False
    # A method's class's supertypes as its header names them (`class C(pkg.Base)` -> pkg.Base; Java's extends and
    # implements; the trait of a Rust `impl Trait for T`): where the hover looks across files
    # (`inherited.inherited_across_files`). Empty for functions outside a class and when not looked up
    # (`inherited=False`).
    bases: tuple[str, ...] = ()
    # The qualified name without the functions it is nested in (`Store.parse_line` for `Store.load.parse_line`): what
    # its owner line names, as embedded and mined since PARSE_VERSION 16, so no vector changed with the name shown.
    # The qualified name where not given.
    scoped_name: str = ""
    # Its own code has syntax errors (an error tree-sitter found inside it, or a line `_repaired` blanked in it): a
    # summary of it would describe code that is not there yet.
    syntax_error: bool = False
    # A method: defined in a class, interface, impl or trait, or of a receiver (Go's, a JavaScript prototype's); not a
    # function nested in another, nor a Rust module's (what editors' symbol lists mark it as).
    method: bool = False
    # Where its docstring was written when not on it: the trait method a Rust implementation takes its doc comment
    # from (`ToHex::encode_hex`); "" for its own (or a TypeScript overload signature's, which is its own).
    declared_by: str = ""
    # Without a docstring, the plain comment right above it (`// Returns true iff ...`, a `/* */` block;
    # `_plain_comment`): its author's description, which the hover shows. Embedded for search (`described`), not mined.
    comment: str | None = None
    # An undocumented constructor's class's documentation and the class's name (`_class_doc`): what `help()` and
    # javadoc show of a class, which the hover shows for its `__init__` or `constructor`. Not embedded, not mined.
    class_doc: tuple[str, str] | None = None

    def __post_init__(self):
        if not self.scoped_name:
            object.__setattr__(self, "scoped_name", self.qualified_name)

    @cached_property  # read for the record's code, key and terms
    def code_with_doc(self) -> str:
        """What the index embeds: `embedded_text()`."""
        return self.embedded_text()

    def embedded_text(self, owner: bool = True, doc: bool = True, told: bool = True) -> str:
        """The code after a line naming a method by its owner (`owner_line`) and one with its description
        (`described`), a Python docstring taken out of the code for it. The sentence, not the whole comment: a
        comment that opens with tags, links or tables, or a docstring's Args: and Examples: sections, would fill the
        encoder's window before the code (the whole docstring ranked onnx's `check_model` 7th for its own first
        sentence; bench/queries-python). `owner`, `doc`: False leaves that line out, `told`: False leaves out an
        undocumented function's line (the benches' ablations; no doc line leaves a Python docstring in the code)."""
        lines = []
        if owner and (line := owner_line(self.scoped_name, self.language)):
            lines.append(line)
        if doc and (said := self.described if told else self.doc_sentence):
            lines.append(f"{_LINE_COMMENT.get(self.language, '//')} {said}")
        code = self.code_without_docstring if self.language == "python" and doc else self.code
        return "\n".join(lines + [code])

    @cached_property  # read by the embedded text and by BM25's (`unit_records._lexical_text`): found once
    def doc_sentence(self) -> str | None:
        """The first sentence of the doc comment or docstring, or None."""
        return first_sentence(self.docstring, self.language) or None

    @cached_property
    def described(self) -> str | None:
        """What the function is said to do, as its hover says it: its doc comment's first sentence, else (an
        undocumented function) the documentation it inherits from its own file (`inherited_here`) or the comment
        above it (`comment`). None where nothing says it."""
        if self.doc_sentence or self.docstring:
            return self.doc_sentence
        if self.inherited_doc and self.inherited_here:
            return self.inherited_doc[0]
        return first_sentence(self.comment, self.language) or None

    @property
    def code_without_docstring(self) -> str:
        if self.docstring_span is None:
            return self.code
        start, end = self.docstring_span
        return self.code[:start] + self.code[end:]


# Standard trait and interface methods and constructors, as CodeSearchNet drops Java's (Python: every dunder).
_SPECIAL_JAVA = frozenset({"toString", "equals", "hashCode"})
SPECIAL_METHODS = {"java": _SPECIAL_JAVA, "javascript": frozenset({"constructor", "toString", "toJSON"}),
                   "typescript": frozenset({"constructor", "toString", "toJSON"}), "go": frozenset({"String", "Error"}),
                   "rust": frozenset({"new", "default", "fmt", "clone", "eq", "ne", "partial_cmp", "cmp", "hash", "drop",
                                      "deref", "deref_mut", "from", "into", "as_ref", "as_mut"})}
# sort.Interface's methods by their signatures (`Len() int`, `Less(i, j int) bool`, `Swap(i, j int)`; a `Less(o
# Version)` is not one): mined (so the corpora are as they were), not summarized.
_GO_SORT = re.compile(r"\)\s*(Len\(\)\s*int|(Less|Swap)\(\s*\w+\s*,\s*\w+\s+int\s*\))")
TEST_FUNCTION, SPECIAL_METHOD = "test function", "special method"


# Attributes and annotations that make a function a test whatever its name: Rust `#[test]`, `#[tokio::test]`,
# `#[bench]`; JUnit's `@Test`, `@ParameterizedTest`, `@RepeatedTest`. The indentation is `[^\S\n]*`, not `\s*`:
# from every line start `\s*` ran over all the blank lines below it (quadratic in a header of blank lines).
_TEST_MARK = {"rust": re.compile(r"^[^\S\n]*#\[(?:[\w:]+::)?(?:test|bench|test_case|rstest|quickcheck)\b", re.M),
              "java": re.compile(r"^[^\S\n]*@(?:[\w.]+\.)?(?:Test|ParameterizedTest|RepeatedTest)\b", re.M)}
_OVERLOAD = re.compile(r"^[^\S\n]*@(?:typing\.|t\.|typing_extensions\.)?overload\b", re.M)
_ABSTRACT = re.compile(r"^[^\S\n]*@(?:abc\.)?abstract(?:method|property|classmethod|staticmethod)\b", re.M)
_PROTOCOL = re.compile(r"(?:typing\.|typing_extensions\.|t\.)?Protocol")  # a base as `Unit.bases` has it


def function_name(code: str, language: str) -> str:
    """The name of the first function of one function's code ("" when it has none), read inside the language's
    `member_context` where it does not parse alone (a JavaScript or TypeScript method cut out of its class)."""
    spec = spec_for(language)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ParseWarning)
        units = extract_units(code, language, as_mined=True)
        if spec.member_context[0] and parse(code, spec.name).root_node.has_error:  # alone, a nested arrow may be all
            before, after = spec.member_context  # it finds (`reset() { const f = () => 0 }` names `f`)
            units = extract_units(before + code + after, language, as_mined=True) or units
    return units[0].name if units else ""


def header(unit: Unit) -> str:
    """The unit's code before its body: attributes, annotations or decorators, and the declaration."""
    at = unit.code.rfind(unit.body) if unit.body else -1  # the last: `(value) => value` has its body's text before it
    return unit.code[:at] if at > 0 else unit.code


def marked_test(unit: Unit) -> bool:
    """A function its attributes or annotations mark as a test (`#[test]`, `#[tokio::test]`, `@Test`)."""
    mark = _TEST_MARK.get(unit.language)
    return mark is not None and bool(mark.search(header(unit)))


def special_kind(unit: Unit, as_mined: bool = False) -> str | None:
    """TEST_FUNCTION, SPECIAL_METHOD (a constructor, a standard method, Go's sort.Interface methods among them, or
    Go's package `init`) or None: the kinds of function that mining leaves out (Go's `Len`, `Less` and `Swap`
    excepted), so no summarizer trained here has learned to describe them. A function marked
    as a test (`#[test]`, `@Test`) is one whatever its name; `as_mined`: by name only, as the corpus was mined."""
    if unit.name.lower().lstrip("_").startswith("test") or not as_mined and marked_test(unit):
        return TEST_FUNCTION
    if unit.language == "python":
        return SPECIAL_METHOD if re.fullmatch(r"__\w+__", unit.name) else None
    scopes = unit.qualified_name.split(".")
    special = unit.name in SPECIAL_METHODS.get(unit.language, _SPECIAL_JAVA) \
        or unit.language == "java" and len(scopes) > 1 and scopes[-2] == unit.name \
        or not as_mined and unit.language == "go" \
        and (unit.qualified_name == "init" or bool(_GO_SORT.search(header(unit))))
    return SPECIAL_METHOD if special else None


def abstract_method(unit: Unit) -> bool:
    """A Python method declared for its subclasses to define: `@abstractmethod`, or a `Protocol` class's method."""
    return unit.language == "python" and (bool(_ABSTRACT.search(header(unit)))
                                          or any(_PROTOCOL.fullmatch(base) for base in unit.bases))


def overload_stub(unit: Unit) -> bool:
    """A Python `@overload` signature: its implementation, a later function of the same name, says what it does."""
    return unit.language == "python" and bool(_OVERLOAD.search(header(unit)))


# Units that are no functions to the lexer's categories (`LanguageSpec.functions`): Rust's `macro_rules!`, a crate's
# API as much as its functions (`hashmap!`); not mined (the corpus was mined without them).
_MACROS = frozenset({"macro_definition"})


@lru_cache(maxsize=None)
def _function_query(language: str) -> tree_sitter.Query:
    """A query capturing every node that may define a unit (as @f) and every scope that names one (as @s)."""
    spec = spec_for(language)
    grammar = grammar_for(language)

    def alternatives(types) -> str:
        return "[" + " ".join(f"({t})" for t in sorted(types) if grammar.id_for_node_kind(t, True) is not None) + "]"

    scopes = spec.scopes | ({"object"} if spec.name in _JS else set())
    bound = {_BOUND_ANONYMOUS[spec.name]} if spec.name in _BOUND_ANONYMOUS else set()
    return tree_sitter.Query(grammar, f"{alternatives(spec.functions - _ANONYMOUS | _MACROS | bound)} @f"
                                      + (f" {alternatives(scopes)} @s" if scopes else ""))


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def _binding(node: Node, wrapped: bool = True) -> tuple[str, Node] | None:
    """(name, binding node) when a JS/TS expression `node` is bound to a name; `wrapped`, also through the calls
    of `_FUNCTION_WRAPPERS` that it is the one function passed to (`memo(forwardRef((props, ref) => ...))`)."""
    node, parent = _through_wrapper(node, wrapped)
    for _ in range(3 if wrapped and node.type in _EXPRESSIONS | {"call_expression"} else 0):  # a function cast:
        # `forwardRef(...) as ButtonComponent`, `(() => ...) satisfies Handler` (an object's cast names no scope)
        if parent is None or parent.type not in _CASTS or not _is(parent.named_child(0), node):
            break
        node, parent = parent, parent.parent
    if parent is None or parent.type not in _BINDINGS:
        return None
    value = next((v for f in _VALUE_FIELDS if (v := parent.child_by_field_name(f)) is not None), None)
    if value is None or value.id != node.id:
        return None
    target = parent.child_by_field_name(_BINDINGS[parent.type])
    if target is not None and target.type == "member_expression":  # module.exports.f = ..., C.prototype.f = ...
        if _text(target.child_by_field_name("property")) == "prototype":  # C.prototype = {...}: C's methods
            target = target.child_by_field_name("object")
        if target.type == "member_expression":
            target = target.child_by_field_name("property")
    if target is None or target.type not in ("identifier", "property_identifier", "private_property_identifier",
                                             "string", "number", "computed_property_name"):
        return None  # destructuring patterns
    return _text(target).strip("'\""), parent


def _bound_anonymous(node: Node) -> tuple[str, Node] | None:
    """(name, the statement binding it) of a Go `func` literal or a Python lambda bound to one plain name by a
    statement of its file's top level (a Python class's body too): `var Handler = func(...)`, `square = lambda x: ...`.
    None for any other: passed as an argument, bound to several names, or inside a function, where such helpers are
    its own code (often bound again in another branch) rather than functions of their own; nor one bound to `_`."""
    parent = node.parent
    if parent is not None and parent.type == "expression_list":  # Go: `var name = value`, in `var (...)` too
        var_spec = parent.parent
        if parent.named_child_count != 1 or var_spec is None or var_spec.type != "var_spec" \
                or not _is(var_spec.child_by_field_name("value"), parent):
            return None
        names = var_spec.children_by_field_name("name")
        statement = var_spec.parent if var_spec.parent.type == "var_declaration" else var_spec
        declaration = statement if statement.type == "var_declaration" else statement.parent.parent
        top = declaration.parent is not None and declaration.parent.type == "source_file"
    elif parent is not None and parent.type == "assignment" and _is(parent.child_by_field_name("right"), node) \
            and parent.parent is not None and parent.parent.type == "expression_statement" \
            and parent.parent.named_child_count == 1:
        names, statement = [parent.child_by_field_name("left")], parent.parent  # Python
        scope = statement.parent
        top = scope.type == "module" or scope.type == "block" and scope.parent.type == "class_definition"
    else:
        return None
    if not top or len(names) != 1 or names[0] is None or names[0].type != "identifier" or _text(names[0]) == "_":
        return None  # (Go's `var _ = func(...)` checks that the literal compiles: no function of a name)
    return _text(names[0]), statement


def _through_wrapper(node: Node, wrapped: bool) -> tuple[Node, Node | None]:
    """(what stands for `node` in its code, that one's parent): `node`, or, `wrapped`, the outermost wrapper's call
    that returns it (`_wrapping_call`)."""
    parent = node.parent
    if wrapped and parent is not None and parent.type == "arguments" \
            and (call := _wrapping_call(node, parent)) is not None:
        return call, call.parent
    return node, parent


def _wrapping_call(node: Node, arguments: Node) -> Node | None:
    """The outermost call of `_FUNCTION_WRAPPERS` that wraps the function expression `node`, at most three deep,
    each passed at most four arguments besides comments (None: none). `arguments`: `node`'s parent (each costs O(depth)
    to find)."""
    call = None
    for level in range(3 if node.type in _EXPRESSIONS else 0):
        arguments = arguments if level == 0 else node.parent
        outer = arguments.parent if arguments is not None and arguments.type == "arguments" else None
        if outer is None or outer.type != "call_expression" or arguments.named_child_count > 16:
            break
        name = _wrapper_name(outer)
        passed = [a for a in arguments.named_children if a.type != "comment"]
        functions = [a for a in passed if a.type in _EXPRESSIONS
                     or a.type == "call_expression" and _wrapper_name(a) in _FUNCTION_WRAPPERS]
        if name not in _FUNCTION_WRAPPERS or len(passed) > 4 or len(functions) != 1 or not _is(functions[0], node) \
                or name not in _WRAPPERS_TAKING_IT_LAST and not _is(passed[0], node):
            break
        node = call = outer
    return call


def _wrapper_name(call: Node) -> str:
    """The last name of the function a call calls (`React.memo(...)`: memo), where it is named (else "")."""
    callee = call.child_by_field_name("function")
    name = callee.child_by_field_name("property") if callee is not None and callee.type == "member_expression" \
        else callee
    return _text(name) if name is not None and name.type in ("identifier", "property_identifier") else ""


def _assigned_object(node: Node) -> list[str]:
    """The object a JS/TS function expression is assigned a property of (`includesString.autoRemove = (val) => ...`:
    ["includesString"]; `utils.text.trim = ...`: ["utils", "text"]); [] for any other binding, a module's exports,
    `this`, a prototype (its class is the receiver: `_receiver`) or an object written otherwise (`a[0].f`)."""
    bound = _binding(node)
    if bound is None or bound[1].type != "assignment_expression":
        return []
    target = bound[1].child_by_field_name("left")
    written = _short_text(target.child_by_field_name("object")) if target.type == "member_expression" else ""
    parts = re.fullmatch(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*){0,2}", written) and written.split(".")
    if not parts or _EXPORTS.match(_short_text(target)) or "exports" in parts or parts[0] == "this" \
            or "prototype" in parts:
        return []  # (`module.exports = function parse`: a module's own, by its name)
    return parts


def _default_export(node: Node, spec: LanguageSpec, wrapped: bool = True) -> tuple[str, Node] | None:
    """("default", the export statement) for an anonymous JS/TS function exported as its module's default
    (`export default function () {...}`, `export default (a) => ...`; `wrapped`, also through `_wrapping_call`:
    `export default memo((props) => ...)`), named as editors' outlines name it; None for anything else (an exported
    class or object keeps its methods' names: their vectors do not change)."""
    value, parent = _through_wrapper(node, wrapped)
    if node.type not in spec.functions or parent is None or parent.type != "export_statement" \
            or not _is(parent.child_by_field_name("value"), value):
        return None
    return "default", parent


# `Object.defineProperty(target, "name", descriptor)` and `Object.defineProperties(target, {name: descriptor})`.
_DEFINE_PROPERTY = re.compile(r"^(?:Object|Reflect)\s*\.\s*definePropert(y|ies)$")
_ACCESSORS = ("get", "set", "value")
_EXPORTS = re.compile(r"^(?:module\s*\.\s*)?exports$")


def _defined_property(node: Node) -> tuple[str, Node] | None:
    """(property name, target node) when a JS/TS function is a property descriptor's `get`, `set` or `value`:
    `Object.defineProperty(Color.prototype, "isDark", {get: function () {...}})` defines Color's `isDark`; the name
    is "" where the code computes it (`Object.defineProperty(exports, key, ...)`). Few `parent` steps: each walks
    down from the root (slow in a deep tree)."""
    if node.type == "method_definition":  # {get() {...}}
        if _short_text(node.child_by_field_name("name")) not in _ACCESSORS:
            return None
        descriptor = node.parent
    else:
        pair = node.parent
        if pair is None or pair.type != "pair" or not _is(pair.child_by_field_name("value"), node) \
                or _short_text(pair.child_by_field_name("key")).strip("'\"") not in _ACCESSORS:
            return None
        descriptor = pair.parent
    holder = descriptor.parent if descriptor is not None and descriptor.type == "object" else None
    name, properties = None, None  # defineProperties: the pair naming the property, the object of them
    if holder is not None and holder.type == "pair":
        properties = holder.parent
        name, holder = _short_text(holder.child_by_field_name("key")), properties and properties.parent
    define = _defining(holder)
    if define is None or holder.named_child_count != (3 if define.group(1) == "y" else 2):
        return None  # (a call's arguments are listed only then: each of thousands would list them all)
    arguments = holder.named_children
    if define.group(1) == "y":  # defineProperty(target, "name", descriptor)
        if not _is(arguments[2], descriptor):
            return None
        name = _short_text(arguments[1]) if arguments[1].type == "string" else ""
    elif not _is(arguments[1], properties):
        return None
    name = (name or "").strip("'\"`")
    return (name if re.fullmatch(r"[\w$]+", name) else ""), arguments[0]  # "": a name computed when it runs


def _defining(arguments: Node | None) -> re.Match | None:
    """The `_DEFINE_PROPERTY` match of the call whose arguments node is `arguments` (None: no such call)."""
    call = arguments.parent if arguments is not None and arguments.type == "arguments" else None
    return _DEFINE_PROPERTY.match(_short_text(call.child_by_field_name("function"))) if call is not None else None


def _short_text(node: Node | None, longest: int = 200) -> str:
    """The text of a node that may be a name (`Object.defineProperty`, `Color.prototype`); "" for a longer one (a
    function called, an expression: read once for each of its accessors, its text would cost quadratic time)."""
    return _text(node) if node is not None and node.end_byte - node.start_byte <= longest else ""


def _describes_property(node: Node) -> bool:
    """Whether a JS/TS object literal is a descriptor in `Object.defineProperties(target, {name: {...}})` (its
    functions are named by `_defined_property`, not qualified by it)."""
    pair = node.parent
    return pair is not None and pair.type == "pair" and pair.parent is not None \
        and _defining(pair.parent.parent) is not None


def _is(a: Node | None, b: Node | None) -> bool:
    return a is not None and b is not None and a.id == b.id


# (not `catch`, `return`, `with`: promises', iterators' and immutable values' methods are so named)
SYNTAX_ERRORS = "has syntax errors"  # what the parse's warning says of a file with syntax errors (`extract_units`)
_STATEMENT_KEYWORDS = frozenset({"if", "for", "while", "switch", "do", "else"})


def _reexport(node: Node, target: Node) -> bool:
    """Whether an accessor `_defined_property` found is a getter that compiled JavaScript defines on `exports` to
    forward a name defined elsewhere (TypeScript's `Object.defineProperty(exports, "f", {get: function () { return
    m_1.f; }})`; a bundler's of a name of its own file, remeda's `{ get: function() { return purry1; } }`):
    plumbing, not a function."""
    if not _EXPORTS.match(_short_text(target)):
        return False
    body = node.child_by_field_name("body")
    statements = body.named_children if body is not None and body.type == "statement_block" else [body]
    forwarded = ("member_expression", "subscript_expression", "identifier")
    return len(statements) == 1 and statements[0] is not None and (
        statements[0].type in forwarded
        or statements[0].type == "return_statement" and statements[0].named_child_count == 1
        and statements[0].named_children[0].type in forwarded)


def _name(node: Node, spec: LanguageSpec, as_mined: bool = False, passed: bool = True) -> str:
    """The name of a function or scope node ("" when anonymous). A JS/TS function expression bound to a name is
    called by that name (`var parseKeys = function parseQueryStringKeys`: `parseKeys`, as editors' outlines show
    it; its own name is seen only inside it), except where it is bound to `module.exports` (`exports` names
    nothing); mined by its own name (`as_mined`), as the corpus was. `passed`: an object literal passed to a bound call
    is named by that binding (`_passed_object_binding`; a scope's name as mined: not)."""
    if spec.name in _JS and (defined := _defined_property(node)) is not None:
        return "" if _reexport(node, defined[1]) else defined[0]  # "": no unit
    if spec.name in _JS and node.type == "object" and _describes_property(node):
        return ""
    if node.type == _BOUND_ANONYMOUS.get(spec.name):
        return bound[0] if (bound := _bound_anonymous(node)) is not None else ""
    if node.type == "impl_item":  # impl Trait for Type<T>: the type's last path segment ([u8; N]: u8)
        written = re.sub(r"'\w+|\b(?:mut|dyn|const)\b", "", _text(node.child_by_field_name("type")))  # `&'a mut R`
        words = re.findall(r"\w+", written.split("<")[0].split(";")[0].split("+")[0])
        parameters, trait = node.child_by_field_name("type_parameters"), node.child_by_field_name("trait")
        if len(words) == 1 and parameters is not None and trait is not None \
                and re.search(rf"(?<![\w']){re.escape(words[0])}\b", _text(parameters)):
            words = re.findall(r"\w+", _text(trait).split("<")[0])  # a blanket impl, `impl<T> SubsecRound for T`
        return words[-1] if words else ""
    name = _text(node.child_by_field_name("name"))
    if spec.name in _JS and not as_mined and name in _STATEMENT_KEYWORDS \
            and (node.has_error or node.parent is None or node.parent.type != "class_body" or node.parent.has_error):
        # the grammar's misreading of a statement as a method (Flow's annotations: `if (!x) {` as `if`), not a
        # class's method so named in code read without error (ajv's `CodeGen.if`, `CodeGen.for`)
        return ""
    if spec.name in _JS and (not name or not as_mined and node.type in _EXPRESSIONS):
        bound = _binding(node, wrapped=not as_mined) or _default_export(node, spec, wrapped=not as_mined) \
            or (_passed_object_binding(node) if node.type == "object" and passed and not as_mined else None)
        # (`export default memo(function Card() {...})` keeps Card)
        if bound and not (name and (bound[0] == "exports" or bound[1].type == "export_statement")):
            name = bound[0]
    return name


# Lines of a Go doc comment read for the one that starts with the function's name
GO_NAME_LINES = 8


def _from_go_name(docstring: str, name: str) -> str:
    """A Go doc comment from its line that starts with the function's name, as Go's convention writes the description
    ("indirect returns the value ..."), where lines before it say something else (cast's "From html/template/content.go"
    and a copyright line) and end a sentence; the comment as it is where its first line starts so, or none does."""
    lines = docstring.splitlines()
    if not lines or lines[0].startswith(name + " "):
        return docstring
    start = re.compile(rf"{re.escape(name)} [a-z]")
    found = next((i for i, line in enumerate(lines[1:GO_NAME_LINES], 1)
                  if start.match(line.strip()) and lines[i - 1].rstrip().endswith((".", "!", "?"))), None)
    return "\n".join(lines[found:]) if found is not None else docstring


def _passed_object_binding(node: Node) -> tuple[str, Node] | None:
    """The binding of a call that an object literal is the one object passed to (`props: merge({ mergeNames() {...}
    })`: `props`, as `const store = createStore({...})` is `store`), its methods' scope; None for any other."""
    arguments = node.parent
    call = arguments.parent if arguments is not None and arguments.type == "arguments" else None
    if call is None or call.type not in ("call_expression", "new_expression") or arguments.named_child_count > 4:
        return None
    objects = [a for a in arguments.named_children if a.type == "object"]
    return _binding(call, wrapped=False) if len(objects) == 1 else None


def _receiver(node: Node, spec: LanguageSpec, wrapped: bool = True) -> list[str]:
    """A Go method's receiver type (`func (c *Config) Load()`: ["Config"]), or the class of a JS function bound
    to its prototype (`Color.prototype.isDark = function () {...}`: ["Color"])."""
    if node.type == "method_declaration" and spec.name == "go":
        m = re.match(r"\(\s*(?:\w+\s+)?\*?\s*(\w+)", _text(node.child_by_field_name("receiver")))
        if m:
            return [m.group(1)]
    elif spec.name in _JS and (defined := _defined_property(node)) is not None:  # Color.prototype, Color
        m = re.fullmatch(r"([A-Za-z_$][\w$]*)(?:\s*\.\s*prototype)?", _short_text(defined[1]))
        return [m.group(1)] if m and not _EXPORTS.match(m.group(1)) and m.group(1) != "this" else []
    elif spec.name in _JS and (bound := _binding(node, wrapped)) is not None:
        # `(?<!\w)`: from a name's start only, not again from each of its letters (quadratic in a long name)
        m = re.search(r"(?<!\w)(\w+)\s*\.\s*prototype\s*\.\s*[\w$]+$", _text(bound[1].child_by_field_name("left")))
        if m:
            return [m.group(1)]
    return []


@cache
def _prototype_query(language: str) -> tree_sitter.Query:
    return tree_sitter.Query(grammar_for(language), "(variable_declarator name: (identifier) @alias value: "
                                                    "(member_expression object: (identifier) @class property: "
                                                    "(property_identifier) @property)) @declarator")


def _prototype_aliases(root: Node, language: str) -> dict[tuple[int, str], str]:
    """{(block, name): class} of a JS file's variables bound to a class's prototype (`var _proto = Dayjs.prototype;`,
    as Babel compiles a class's methods), by the statement block or program declaring them: Babel names every
    class's `_proto`, each in its own function."""
    aliases = {}
    for _, match in tree_sitter.QueryCursor(_prototype_query(language)).matches(root):
        [declarator], [alias], [owner], [property_] = (match[k] for k in ("declarator", "alias", "class", "property"))
        block = declarator.parent.parent if declarator.parent is not None else None
        if _text(property_) == "prototype" and block is not None:
            aliases[(block.id, _text(alias))] = _text(owner)
    return aliases


def _prototype_receiver(node: Node, aliases: dict[tuple[int, str], str]) -> list[str]:
    """The class of a JS function assigned to a property of a variable bound to its prototype (`_proto.format =
    function format() {...}` after `var _proto = Dayjs.prototype;`: ["Dayjs"]), the nearest block's binding."""
    bound = _binding(node, wrapped=False)
    target = bound[1].child_by_field_name("left") if bound is not None else None
    variable = target.child_by_field_name("object") if target is not None and target.type == "member_expression" \
        else None
    if variable is None or variable.type != "identifier":
        return []
    name, scope = _text(variable), bound[1].parent
    while scope is not None:
        if (owner := aliases.get((scope.id, name))) is not None:
            return [owner]
        scope = scope.parent
    return []


_MODULE_SCOPES = frozenset({"mod_item"})  # scopes whose functions are no methods


def _java_field_of(method: Node) -> str:
    """The field a Java method's anonymous class initialises (`Runnable task = new Runnable() { void run() ... }`:
    "task"), else ""."""
    body = method.parent
    creation = body.parent if body is not None and body.type == "class_body" else None
    declarator = creation.parent if creation is not None and creation.type == "object_creation_expression" else None
    if declarator is None or declarator.type != "variable_declarator" or declarator.parent is None \
            or declarator.parent.type != "field_declaration":
        return ""
    return _text(declarator.child_by_field_name("name"))


def _in_scopes(functions: list[Node], scopes: list[Node], spec: LanguageSpec, as_mined: bool = False
               ) -> Iterator[tuple[Node, list[str], list[str], int, bool, Node | None, list[str]]]:
    """(function, names of the scopes around it, names of the scopes and functions around it (both outermost
    first), how many scopes and functions it is nested in, whether the nearest of them is a class-like scope (not
    a function, nor a Rust module), the nearest function around it (None: none) and the names of the scopes
    between that one and it), in source order; `as_mined`: scopes named as the corpus was mined. One pass over the
    nodes sorted by position (a node's ancestors contain it), not a walk up parents: that is O(depth) per step."""
    events = sorted([(n.start_byte, -n.end_byte, 0, n) for n in functions]
                    + [(n.start_byte, -n.end_byte, 1, n) for n in scopes], key=lambda e: e[:3])
    around: list[list] = []  # [end byte, is a scope, node, name (None until asked)] of the open scopes and functions
    for start, _, is_scope, node in events:
        while around and around[-1][0] <= start:
            around.pop()
        depth = len(around)
        if depth <= MAX_NESTING:  # deeper ones are counted, not named (the names would cost O(depth) each)
            for entry in around:
                if entry[3] is None:
                    entry[3] = _name(entry[2], spec, passed=not as_mined)
        around.append([node.end_byte, is_scope, node, None])
        if not is_scope:
            named = around[:-1] if depth <= MAX_NESTING else []
            member = bool(named) and named[-1][1] and named[-1][2].type not in _MODULE_SCOPES
            outer = next((i for i in range(len(named) - 1, -1, -1) if not named[i][1]), None)
            yield (node, [name for _, scope, _, name in named if scope and name],
                   [name for *_, name in named if name], depth, member,
                   None if outer is None else named[outer][2],
                   [] if outer is None else [name for *_, name in named[outer + 1:] if name])


class _Siblings:
    """Nodes' neighbours among their parent's children, each parent's children listed once. tree-sitter finds a
    node's parent and its previous or next sibling by walking children from the first: a walk back over 100,000
    comment lines one `prev_named_sibling` at a time was quadratic (minutes for one file). Each node's place is
    kept, so a walk asks for no parent again."""

    def __init__(self):
        self._places: dict[int, tuple[list[Node], int]] = {}  # node id -> (its parent's children, its index)

    def _place(self, node: Node) -> tuple[list[Node], int] | None:
        place = self._places.get(node.id)
        if place is None:
            parent = node.parent
            if parent is None:
                return None
            children = parent.children
            self._places.update((child.id, (children, i)) for i, child in enumerate(children))
            place = self._places.get(node.id)
        return place

    def before(self, node: Node, named: bool = True) -> Node | None:
        """The sibling before `node` (the named one, unless `named` is false), as `prev_named_sibling`."""
        place = self._place(node)
        if place is None:
            return None
        children, at = place
        return next((children[i] for i in range(at - 1, -1, -1) if children[i].is_named or not named), None)

    def after(self, node: Node) -> Node | None:
        """The named sibling after `node`, as `next_named_sibling`."""
        place = self._place(node)
        if place is None:
            return None
        children, at = place
        return next((children[i] for i in range(at + 1, len(children)) if children[i].is_named), None)


def _outer(node: Node, spec: LanguageSpec, siblings: _Siblings | None = None,
           wrapped: bool = True) -> tuple[Node, Node]:
    """(first, last) nodes of a unit's code: decorators, attributes and bindings included (`wrapped`: through a
    wrapper's call, `_binding`)."""
    siblings = siblings or _Siblings()
    last = node
    if node.parent is not None and node.parent.type == "decorated_definition":
        last = node.parent
    elif node.type == _BOUND_ANONYMOUS.get(spec.name) and (bound := _bound_anonymous(node)) is not None:
        last = bound[1]
    elif spec.name in _JS and (bound := _binding(node, wrapped) or _default_export(node, spec, wrapped)) is not None:
        last = bound[1]
        parent = last.parent
        if last.type == "variable_declarator" and parent.named_child_count == 1 \
                or last.type == "assignment_expression" and parent.type == "expression_statement":
            last = parent
    first = last
    while (prev := siblings.before(first)) is not None and prev.type in _PREFIXES:
        first = prev
    return first, last


# Go compiler directives (`//go:noinline`, `//line f.go:1`, `//export f`): no space after `//`, unlike prose.
_GO_DIRECTIVE = re.compile(r"//(?:go:|line |export |extern |nolint|lint:|\+build)")
# A comment that is a file's header or a bundler's banner, not a function's documentation. The lookahead takes the
# leading `[\s*!]` once: backtracking into them, `[*/\s]*$` read the rest again from each (quadratic in "* * * x").
_HEADER_COMMENT = re.compile(
    r"^(?=([\s*!]*))\1(?:copyright\b|(?:\(c\)|©)\s*\d|@license\b|@preserve\b|[*/\s]*$)", re.I)


_INHERIT_DOC = re.compile(r"\{@inheritDoc\}|@inheritdoc\b", re.I)  # Javadoc's and JSDoc's "as the supertype says"

# A doc line written by an attribute amid `///` lines (clap writes its examples' code fences so).
_CONDITIONAL_DOC = re.compile(r'#\[cfg_attr\(.*,\s*doc\s*=\s*"((?:[^"\\]|\\.)*)"\s*\)\]$', re.S)


def _statement_of(first: Node, siblings: _Siblings, chained: bool = True) -> Node:
    """The statement a declaration starting at `first` begins, which its comments sit above: through the statements
    wrapping it (`export`, `const`) and, `chained`, the assignments chaining it (big.js's `P.minus = P.sub =
    function`; not as the corpus was mined)."""
    while (parent := first.parent) is not None and (parent.type in _WRAPPERS and siblings.before(first) is None
                                                    or chained and parent.type == "assignment_expression"
                                                    and (right := parent.child_by_field_name("right")) is not None
                                                    and right.id == first.id):
        first = parent
    return first


_PLAIN_RUST_COMMENT = re.compile(r"//(?!!|/(?!/))")  # `// note`, `////`: not `///` nor `//!`


def _doc_comment(first: Node, spec: LanguageSpec, as_mined: bool = False,
                 siblings: _Siblings | None = None) -> str | None:
    """The doc comment directly before a declaration starting at `first` (Rust: `///` lines, a `/** block */` and
    the `#[doc = "..."]` attributes from `first` on; others: a `/** block */` or `///` lines): not a comment that
    ends the statement above (`x = 1 // ...`), a license header or a line of stars, nor Go directives.
    `as_mined`: as the recorded corpus was mined (none of those exclusions; Rust's `///` lines only)."""
    siblings = siblings or _Siblings()
    first = _statement_of(first, siblings, chained=not as_mined)
    prev = siblings.before(first)

    def trailing(comment: Node) -> bool:  # `statement // comment`: the statement's, not the next function's
        before = siblings.before(comment, named=False)
        return not as_mined and before is not None and before.is_named and before.type not in spec.comments \
            and before.end_point.row == comment.start_point.row and before.end_point.column > 0

    if spec.name in ("go", "rust"):
        marker = "///" if spec.name == "rust" else "//"
        lines, row = [], first.start_point.row
        while prev is not None and (prev.type in spec.comments or prev.type == "attribute_item") and not trailing(prev):
            text = _text(prev).rstrip()
            if spec.name == "rust" and not as_mined and prev.end_point.row == row - 1 \
                    and re.match(r"/\*\*(?![*/])", text):  # a Rust /** block */ doc comment
                block = "\n".join(re.sub(r"^\s*\*? ?", "", line) for line in text[3:-2].splitlines()).strip()
                lines += reversed(block.splitlines())
            elif spec.name == "rust" and not as_mined and prev.end_point.row == row - 1 \
                    and (doc := _CONDITIONAL_DOC.match(text)):  # `#[cfg_attr(feature = "x", doc = " ```no_run")]`
                lines.append(re.sub(r"^ ", "", doc.group(1)))
            elif spec.name == "go" and not as_mined and not lines and prev.end_point.row == row - 1 \
                    and text.startswith("/*") and text.endswith("*/"):  # a `/* ... */` block, as go/doc reads one
                block = [re.sub(r"^\s*\*+ ?", "", line).strip() for line in text[2:-2].strip().splitlines()]
                block = "\n".join(block[:next((i for i, line in enumerate(block) if line.startswith("@")),
                                              len(block))]).strip()
                if not _HEADER_COMMENT.match(block):  # (backoff's; not a license, nor a generator's tags)
                    lines += reversed(block.splitlines())
                break
            elif spec.name == "rust" and not as_mined and row - 1 <= prev.end_point.row <= row \
                    and (prev.type == "attribute_item" or _PLAIN_RUST_COMMENT.match(text)):
                pass  # an attribute or a plain `//` note between the doc comment and the item: rustdoc reads past it
            elif prev.start_point.row != row - 1 and not (spec.name == "rust" and not as_mined and lines) \
                    or not text.startswith(marker) or text.startswith(marker + "/") and marker == "///":
                break  # (rustdoc joins `///` lines across blank lines: chrono's examples have them)
            elif not (spec.name == "go" and not as_mined and _GO_DIRECTIVE.match(text)):
                lines.append(re.sub(r"^ ", "", text[len(marker):]))
            row, prev = prev.start_point.row, siblings.before(prev)
        lines.reverse()
        if spec.name == "rust" and not as_mined:
            lines += _doc_attributes(first, siblings)
        return "\n".join(lines) if lines else None
    if not as_mined and spec.name != "python":  # `///` lines: prosemirror's doc comments, Java 23's Markdown ones
        lines, row, node = [], first.start_point.row, prev
        while node is not None and node.type in spec.comments and node.end_point.row == row - 1 and not trailing(node) \
                and (text := _text(node).rstrip()).startswith("///") and not re.match(r"////|///\s*<", text):
            lines.append(re.sub(r"^ ", "", text[3:]))  # (`/// <reference ...>`: a TypeScript directive)
            row, node = node.start_point.row, siblings.before(node)
        lines = [line for line in reversed(lines) if line.strip() != "@internal"]  # prosemirror's marker
        if any(re.search(r"[^\W\d_]", line) for line in lines) and not _NOTE.match(lines[0]):  # (`/// -----`, a
            return "\n".join(lines).strip()  # `/// TODO` under a `/** doc */`: the doc below is read as before)
    while not as_mined and prev is not None and prev.type in spec.comments \
            and (_text(prev).startswith("//") or _ANNOTATION.match(_text(prev))) \
            and (above := siblings.before(prev)) is not None and above.end_point.row >= prev.start_point.row - 1:
        prev = above  # a `// TODO`, or a bundler's `/*#__PURE__*/`, between the doc comment and the function
    if spec.name == "python" or prev is None or prev.type not in spec.comments or trailing(prev):
        return None
    text = _text(prev)
    if not (text.startswith("/**") and text.endswith("*/")) or text == "/**/":
        return None
    lines = [re.sub(r"^\s*\*? ?", "", line) for line in text[3:-2].splitlines()]
    doc = "\n".join(lines).strip()
    if not as_mined and _HEADER_COMMENT.match(doc):
        return None  # a license header or a bundler's banner: not this function's documentation
    return doc


# A bundler's annotation (`/*#__PURE__*/`, `/* @__NO_SIDE_EFFECTS__ */`: immer writes one under most doc comments).
_ANNOTATION = re.compile(r"/\*\s*[#@]__[A-Z_]+__\s*\*/$")
# Lines addressed to tools, not readers (linters', type checkers', coverage's, formatters', editors' folds): left out
# of the comment read.
_TOOL_LINE = re.compile(r"\s*(?:eslint[- ]|[jt]s[hl]int\b|prettier-ignore|istanbul\s|c8\s|@ts-|\$flow|@flow\b|noqa|"
                        r"nolint|pylint:|pyright:|mypy:|type:\s*ignore|fmt:\s|noinspection|nosonar|#(?:end)?region\b|"
                        r"global\s+[\w$]+(?:\s*,\s*[\w$]+)*\s*$|exported\s+[\w$]|@formatter:|clang-format|rubocop:|"
                        r"cspell:|spell-checker:)", re.I)
# A commented-out line of code, not prose: an operator, a call or assignment, a lone word or bracket ending as a
# statement, a line with code's brackets or `=` that ends as one, or a statement's keyword with them (prose wraps onto
# "return false." and "if necessary,"). Each alternative reads a line in linear time.
_CODE_LINE = re.compile(r"&&|\|\||[!=]==?|^[\w.$\[\]]+\s*(?:\(.*\)|[-+*/]?=\s*\S.*)$|"
                        r"^(?=.*[(=\[{]).*[;{}]\s*$|^(?:return|import|from|def|class|fn|function|var|let|const|if|for|"
                        r"while|else|pub|public|private|static)\b(?=.*[(=\[{;])")
MAX_COMMENT_LINES = 40  # comment nodes read above a function: a longer run has a start too far to tell
MAX_COMMENT_CHARS = 2000  # of its first paragraph, what is kept (the hover shows its first sentence)
# Comments that say nothing of the function: Eclipse's "(non-Javadoc)" stubs, a bare link or one it was taken from, a
# maintainer's note, a license.
# A doc that is a literal, no prose: cerberus' rule methods' `"""{'type': 'integer'}"""`, a schema its validator reads
_LITERAL_ALONE = re.compile(r"[\[{].*[\]}]\.?")
# A section's banner above the first of its functions, naming the group (`// Iterator methods`, `/** Helpers */`,
# `// --- Getters and setters ---`): at most three words, no article ("Returns all handlers" describes), ending in a
# plural of functions (`_banner`); a comment's or a doc comment's, never a Python docstring's, which is inside the
# function it describes ("Simplify bessel-type functions.")
_BANNER = re.compile(r"[\W_]*((?:(?!(?:the|an?|all|each|every|its|their|any|some|this|these|those|of|to|for|with|from"
                     r"|by|on|in)\b)[A-Za-z-]+\s+){0,3})(?:methods|functions|helpers|utilities|utils|getters|setters"
                     r"|accessors|operations|handlers|callbacks|apis?|internals|overrides|constructors|listeners"
                     r"|overloads)[\W_]*", re.I)


def _banner(text: str, name: str) -> bool:
    """Whether a comment's first line is a section's banner (`_BANNER`), not a description that names what the function
    does in few words (`// Register handlers` above `registerHandlers`: a word of its name)."""
    found = _BANNER.fullmatch(text.strip())
    return found is not None and not any(len(word) > 2 and word in name.lower()
                                         for word in found.group(1).lower().split())
_NO_DESCRIPTION = re.compile(r"\s*(?:\(non-javadoc\)|note\b|(?:see:?\s*)?<?https?://[^\s<>]+>?\s*$|"
                             # where it came from: yup's `// tweaked from https://github.com/.../nanoclone/...`
                             r"(?:[\w-]+\s+){1,3}(?:from|by|of|on|at|see):?\s+<?https?://[^\s<>]+>?\s*$|"
                             r"spdx-license-identifier|"
                             r"licensed\b|permission is hereby granted|all rights reserved|"
                             # a bundler's marker of the module it inlined (remeda's `// src/chunk.ts`)
                             r"(?:file:\s*)?(?:[\w@.-]+/)*[\w@.-]+\.[cm]?[jt]sx?\s*$)", re.I)


def _code_line(line: str) -> bool:
    """Whether a comment's line reads as commented-out code (`_CODE_LINE`, or a lone word or bracket ending as a
    statement: `break;`, `}`)."""
    return bool(_CODE_LINE.search(line)) or line.endswith((";", "{", "}")) and len(re.findall(r"\w+", line)) <= 1


_INNER_DOC = re.compile(r"//!|/\*!")  # Rust's module documentation, `//! ...`: the module's, not the item's below


def _plain_comment(first: Node, spec: LanguageSpec, siblings: _Siblings, name: str) -> str | None:
    """The plain comment lines right above a declaration starting at `first` that has no doc comment (JavaScript's,
    TypeScript's and Java's `// ...` or `/* ... */`, Rust's `// ...`): what its author wrote about it, its first
    paragraph. Not Go's (its `//` lines are doc comments) nor Python's, whose `# ...` above a `def` headed a group of
    methods or noted a caveat more often than it described the function (8 of 11 in a reading:
    bench/summary_sources.py). Not a comment ending the statement above (`x = 1 // ...`), a license header, a
    section's banner (a line of only `//` or dashes around it), a note (TODO, NOTE), commented-out code, a bare link,
    nor the function's `name` alone; a tool's directive lines (`// eslint-disable-next-line`) are left out of it."""
    if spec.name in ("go", "python"):
        return None
    first = _statement_of(first, siblings)
    blocks, row, prev = [], first.start_point.row, siblings.before(first)
    # (a line comment may end at the next line's start: Rust's holds its line break)
    while prev is not None and prev.type in spec.comments \
            and prev.end_point.row - (prev.end_point.column == 0) == row - 1 and not _INNER_DOC.match(_text(prev)):
        before = siblings.before(prev, named=False)
        if before is not None and before.is_named and before.type not in spec.comments \
                and before.end_point.row == prev.start_point.row:
            break  # `statement // comment`: the statement's
        if len(blocks) == MAX_COMMENT_LINES:
            return None
        blocks.append(_text(prev))
        row, prev = prev.start_point.row, siblings.before(prev)
    lines = []
    for block in reversed(blocks):
        text = block.strip()
        text = re.sub(r"^(?:#+|//+!?|/\*+!?)", "", text[:-2].rstrip("*") if text.endswith("*/") else text)
        # (a bare `//` is a blank line: it ends the first paragraph)
        lines += [re.sub(r"^\s*\*(?!\*)\s?|^\s?", "", line, count=1).rstrip() for line in text.splitlines() or [""]]
    lines = [line for line in lines if not _TOOL_LINE.match(line)]
    while lines and not lines[0].strip():
        lines.pop(0)
    if "" in lines:  # its first paragraph
        lines = lines[:lines.index("")]
    lines = lines[:next((i for i in range(1, len(lines)) if _NOTE.match(lines[i])), len(lines))]  # not a TODO below
    lines = "\n".join(lines)[:MAX_COMMENT_CHARS].splitlines()
    if not lines or not re.search(r"[^\W\d_]", lines[0]) or _NOTE.match(lines[0]) or _NO_DESCRIPTION.match(lines[0]) \
            or _banner(lines[0], name) \
            or re.sub(r"\W|_", "", lines[0]).lower() == re.sub(r"\W|_", "", name).lower() \
            or _HEADER_COMMENT.match("\n".join(lines)) \
            or 2 * sum(_code_line(line.strip()) for line in lines if line.strip()) \
            >= sum(bool(line.strip()) for line in lines):
        return None
    if len(blocks) > 1 and not re.search(r"[^\W\d_]", blocks[-1]):
        return None  # a banner: `//` or `// ----` above the comment's words (a section's heading, not its own)
    return "\n".join(lines).strip()


def doc_comment(node: Node, language: str) -> str | None:
    """The doc comment directly before the declaration `node` of `language` code, as `extract_units` reads a
    function's (`_doc_comment`): for readers of other declarations, such as Go interfaces."""
    return _doc_comment(node, spec_for(language))


def _doc_attributes(first: Node, siblings: _Siblings) -> list[str]:
    """The lines of the Rust `#[doc = "..."]` attributes among a function's attributes (from `first` on), as rustdoc
    reads them after its `///` lines."""
    lines = []
    while first is not None and first.type == "attribute_item":
        attribute = first.named_children[0] if first.named_child_count else None
        value = attribute.child_by_field_name("value") if attribute is not None else None
        if value is not None and value.type in ("string_literal", "raw_string_literal") \
                and _text(attribute.named_children[0]) == "doc":
            text = "".join({"\\n": "\n", "\\t": "\t"}.get(_text(c), _text(c)[1:]) if c.type == "escape_sequence"
                           else _text(c) for c in value.named_children)
            lines += [re.sub(r"^ ", "", line) for line in text.splitlines()]
        first = siblings.after(first)
    return lines


_SIGNATURES = frozenset({"function_signature", "method_signature", "function_signature_item"})
_BODILESS = _SIGNATURES | {"abstract_method_signature"}  # a method declared without its code
# First sentences of the methods of the Rust standard library's traits, the JDK's core types and the Python standard
# library's classes, by language, type and method (built by scripts/build_standard_docs.py).
STANDARD_DOCS_PATH = Path(__file__).parent / "tables" / "standard-docs" / "methods.json"
_JAVA_TYPES = frozenset({"class_declaration", "enum_declaration", "record_declaration", "object_creation_expression"})


@cache
def _standard_docs() -> dict:
    try:
        return json.loads(STANDARD_DOCS_PATH.read_text("utf-8"))
    except (OSError, ValueError) as error:  # a broken install loses these descriptions, not the parse
        warnings.warn(f"standard library docs not read: {error}", stacklevel=2)
        return {}


def standard_trait_methods(trait: str) -> set[str]:
    """The methods of a Rust standard library trait (`FromStr`: {"from_str"}); empty for another name."""
    methods = _standard_docs().get("rust", {}).get(trait)
    return set(methods) if isinstance(methods, dict) else set()


def _inherited_doc(node: Node, name: str, spec: LanguageSpec,
                   aliases: dict[str, str] | None = None) -> tuple[str, str] | None:
    """(first sentence, "Type::method") of the standard method an undocumented function implements: a Rust trait's
    method in `impl Trait for Type` (a trait its file renames, `aliases`: `StdError` for `Error`), a Java method
    marked `@Override` of one of its class's direct supertypes
    (`extends`, `implements`, an anonymous class's type), else of `Object`, a public one unmarked of an interface its
    class implements (which it must implement: `class SerialExecutor implements Executor { public void execute(`),
    or a Python standard class's method."""
    if spec.name == "python":
        return _python_inherited_doc(node, name)
    scope = node.parent.parent if node.parent is not None else None
    if scope is None:
        return None
    if spec.name == "rust" and scope.type == "impl_item":
        owners = [(aliases or {}).get(trait := _last_word(scope.child_by_field_name("trait")), trait)]
    elif spec.name == "java" and scope.type in _JAVA_TYPES and ((marked := _overrides(node)) or _public(node)):
        if scope.type == "object_creation_expression":
            owners = [_last_word(scope.child_by_field_name("type"))] if marked else []
        else:
            supertypes = [scope.child_by_field_name(f) for f in (("superclass", "interfaces") if marked else
                                                                  ("interfaces",))]
            owners = [_last_word(t) for s in supertypes if s is not None
                      for t in (s.named_children[0].named_children if s.type == "super_interfaces" else s.named_children)]
        owners += ["Object"] if marked else []
    else:
        return None
    docs = _standard_docs().get(spec.name, {})
    separator = "::" if spec.name == "rust" else "."
    keys = (f"{name}/{java_arity(node)}", name) if spec.name == "java" else (name,)  # an overload's own first
    return next(((docs[owner][key], f"{owner}{separator}{name}") for owner in owners for key in keys
                 if owner and key in docs.get(owner, {})), None)


def rust_uses(root: Node) -> list[tuple[str | None, list[str]]]:
    """What a Rust file's `use` declarations bring in, in the order written: (the name bound, the path it names) for
    each (`use crate::{Context, Error as E}`: ("Context", ["crate", "Context"]), ("E", ["crate", "Error"])), and
    (None, the module's path) for a glob (`use crate::prelude::*`: ["crate", "prelude"])."""
    found: list[tuple[str | None, list[str]]] = []
    # (a use's node, the path of the `a::{...}` lists around it), read iteratively: a list may nest deep
    stack = [(c.child_by_field_name("argument"), []) for c in reversed(root.named_children)
             if c.type == "use_declaration"]
    while stack:
        node, prefix = stack.pop()
        if node is None:
            continue
        if node.type == "use_as_clause":
            path = prefix + _rust_path(node.child_by_field_name("path"))
            found.append((_text(node.child_by_field_name("alias")), path))
        elif node.type == "scoped_use_list" and len(prefix) < MAX_USE_DEPTH:
            path = node.child_by_field_name("path")
            stack.append((node.child_by_field_name("list"), prefix + (_rust_path(path) if path is not None else [])))
        elif node.type == "use_list":
            stack += [(item, prefix) for item in reversed(node.named_children)]
        elif node.type == "use_wildcard":
            found.append((None, prefix + (_rust_path(node.named_children[0]) if node.named_children else [])))
        elif path := prefix + _rust_path(node):
            found.append((path[-1], path))
    return found


def _rust_path(node: Node | None) -> list[str]:
    """A Rust path's names: `std::error::Error` -> ["std", "error", "Error"] (`::std` too)."""
    return [part.strip() for part in _text(node).split("::") if part.strip()] if node is not None else []


def _standard_aliases(root: Node) -> dict[str, str]:
    """The standard library's traits and types a Rust file's `use` declarations rename: `use std::error::Error as
    StdError` gives {"StdError": "Error"} (at most MAX_ALIASES)."""
    renamed = ((name, path[-1]) for name, path in rust_uses(root)
               if name and len(path) > 1 and path[0] in ("std", "core", "alloc") and name != path[-1])
    return dict(itertools.islice(renamed, MAX_ALIASES))


MAX_ALIASES = 1_000  # renamed imports read of one Rust file
MAX_USE_DEPTH = 64  # names of a `use` path read through nested `a::{b::{...}}` lists (each copies the path above)


def java_arity(method: Node) -> int:
    """How many parameters a Java method declares: what tells the standard library's overloads apart, whose
    documentation the table keeps by it (`InputStream` `read/0`: "Reads the next byte of data ...", `read/3`)."""
    parameters = method.child_by_field_name("parameters")
    return sum(p.type in ("formal_parameter", "spread_parameter") for p in parameters.named_children) \
        if parameters is not None else 0


def _python_inherited_doc(node: Node, name: str) -> tuple[str, str] | None:
    """(first sentence, "logging.Handler.emit") of the standard library method a method overrides: its class's base
    as written (`logging.Handler`), or by its name alone where one standard module has a class so named (`Thread`).
    Dunders are left out (`object.__repr__` says "Return repr(self).")."""
    if name.startswith("__") and name.endswith("__"):
        return None
    block = node.parent.parent if node.parent is not None and node.parent.type == "decorated_definition" \
        else node.parent
    scope = _python_owner(block)
    bases = scope.child_by_field_name("superclasses") if scope is not None and scope.type == "class_definition" \
        else None
    if bases is None:
        return None
    docs = _standard_docs()
    classes, names = docs.get("python", {}), docs.get("python-names", {})
    # The first few, one by one: each method reads them (`named_children` would list thousands of bases each time).
    for base in map(bases.named_child, range(min(bases.named_child_count, MAX_BASES_READ))):
        if base.type == "subscript":  # `typing.MutableMapping[str, str]`, `dict[str, int]`
            base = base.child_by_field_name("value")
        written = _text(base) if base is not None and base.type in ("identifier", "attribute") else ""
        if written.startswith("typing."):  # typing's aliases of collections.abc's and the built-in classes
            written = written.removeprefix("typing.")
        elif "." not in written and not names.get(written, "").startswith("builtins.") \
                and not _imports_standard(scope, written, names.get(written, "")):
            continue  # a name of the file's own or imported from elsewhere (httpx's `from .base import BaseTransport`)
        owner = written if "." in written else names.get(written)
        if owner and name in classes.get(owner, {}):
            return classes[owner][name], f"{owner.removeprefix('builtins.')}.{name}"  # `dict.get`
    return None


# A module's top-level statements read for the imports that bind a base class's name, for each method that needs it:
# imports come first, and a class of thousands of methods read as many
MAX_IMPORTS_READ = 200


def _top_level_imports(root: Node) -> Iterator[Node]:
    """A module's `from ... import` statements at its top level and in the blocks of its top-level `try` and `if`
    statements (`try: from collections.abc import Mapping` / `except ImportError: ...`), at most MAX_IMPORTS_READ
    statements read."""
    read = 0
    for statement in map(root.named_child, range(min(root.named_child_count, MAX_IMPORTS_READ))):
        blocks = [statement] if statement.type not in ("try_statement", "if_statement") else [
            block for clause in statement.named_children for block in [clause, clause.child_by_field_name("body")]
            if block is not None and block.type == "block"]
        for block in blocks:
            for child in [block] if block is statement else map(block.named_child, range(block.named_child_count)):
                read += 1
                if read > MAX_IMPORTS_READ:
                    return
                if child.type == "import_from_statement":
                    yield child


def _imports_standard(node: Node, name: str, owner: str) -> bool:
    """Whether the module holding `node` binds `name` to the standard library's class `owner` ("threading.Thread"):
    by an import from its package (`from threading import Thread`, `from asyncio import *`; `typing`'s aliases), not
    by an import from elsewhere (a relative one, another package's) nor a class of its own."""
    root = node
    while root.parent is not None:
        root = root.parent
    module = owner.rsplit(".", 1)[0]
    for statement in _top_level_imports(root):
        source = _text(statement.child_by_field_name("module_name"))
        bound = {_text(n.child_by_field_name("alias")) if n.type == "aliased_import" else _text(n)
                 for n in statement.children_by_field_name("name")}  # the names it binds
        star = any(child.type == "wildcard_import" for child in statement.children)
        if (star or name in bound) and owner \
                and (source == "typing" or source.split(".")[0] == module.split(".")[0]):  # (re-exported:
            return True  # `from distutils.core import Command`, distutils.cmd's)
        if name in bound:
            return False
    return False


_GO_PARAMETERS = frozenset({"parameter_declaration", "variadic_parameter_declaration"})


def go_method_shape(node: Node, qualifier: str = "") -> str:
    """A Go method's name and its parameter and result types, without names or spaces: `Less(int,int)bool`,
    `Read([]byte)(int,error)`: all a type needs to implement an interface's method. `qualifier` ("http.") is put
    before bare exported type names, as code outside that package writes them."""
    def types(node: Node | None) -> list[str]:
        if node is None:
            return []
        if node.type != "parameter_list":
            return [re.sub(r"(?<![\w.])(?=[A-Z])", qualifier, re.sub(r"\s+", "", _text(node)))]
        found = []
        for parameter in node.named_children:
            if parameter.type in _GO_PARAMETERS:
                written = types(parameter.child_by_field_name("type"))
                dots = "..." if parameter.type == "variadic_parameter_declaration" else ""
                found += [dots + t for t in written] * max(1, len(parameter.children_by_field_name("name")))
        return found

    results = types(node.child_by_field_name("result"))
    return (f"{_text(node.child_by_field_name('name'))}({','.join(types(node.child_by_field_name('parameters')))})"
            + (results[0] if len(results) == 1 else f"({','.join(results)})" if results else ""))


@cache
def _go_interfaces_by_shape() -> dict[str, list[tuple[str, str, frozenset[str]]]]:
    """Method shape -> (interface, its description of the method, all the interface's method shapes), from the table."""
    docs = _standard_docs()
    found: dict[str, list[tuple[str, str, frozenset[str]]]] = {}
    for owner, described in docs.get("go", {}).items():
        for shape, sentence in described.items():
            found.setdefault(shape, []).append((owner, sentence, frozenset(docs.get("go-methods", {}).get(owner, ()))))
    return found


def _inherit_go_interfaces(units: list[Unit], shapes: dict[int, str]) -> list[Unit]:
    """Undocumented Go methods take the description of a standard interface's method of the same shape where their
    type declares all that interface's methods in the file (Go types implement interfaces without naming them):
    `Less(i, j int) bool` beside `Len() int` and `Swap(i, j int)` is sort.Interface's. Of several such interfaces, the
    one with the most methods (a ResponseWriter's `Write` is described as http.ResponseWriter's, not io.Writer's);
    none where those differ."""
    interfaces = _go_interfaces_by_shape()
    declared: dict[str, set[str]] = {}
    for position, shape in shapes.items():
        declared.setdefault(units[position].qualified_name.rsplit(".", 1)[0], set()).add(shape)
    out = list(units)
    for position, shape in shapes.items():
        unit = units[position]
        have = declared[unit.qualified_name.rsplit(".", 1)[0]]
        fits = [(len(methods), owner, sentence) for owner, sentence, methods in interfaces.get(shape, ())
                if methods <= have]
        if unit.docstring is None and unit.inherited_doc is None and fits:
            most = max(fits)[0]
            best = {sentence: owner for count, owner, sentence in fits if count == most}
            if len(best) == 1:
                [(sentence, owner)] = best.items()
                out[position] = dataclasses.replace(unit, inherited_doc=(sentence, f"{owner}.{unit.name}"))
    return out


def _last_word(node: Node | None) -> str:
    """A type's name without its path or type arguments: `fmt::Display` -> Display, `Comparator<T>` -> Comparator."""
    words = re.findall(r"\w+", _text(node).split("<")[0]) if node is not None else []
    return words[-1] if words else ""


def _overrides(node: Node) -> bool:
    """A Java method marked `@Override`, or one that overrides `Object`'s whether marked or not: `toString()`,
    `hashCode()`, `clone()`, `equals(Object)`."""
    if any(c.type == "marker_annotation" and _last_word(c) == "Override" for c in _modifiers(node)):
        return True
    parameters = node.child_by_field_name("parameters")
    types = [_text(p.child_by_field_name("type")) for p in parameters.named_children] if parameters else None
    return (_text(node.child_by_field_name("name")), types) in _OBJECT_METHODS


def _public(node: Node) -> bool:
    """A Java method declared `public`."""
    return any(c.type == "public" for c in _modifiers(node))


def _modifiers(node: Node) -> list[Node]:
    """A Java declaration's modifiers and annotations (none where it has no `modifiers` node)."""
    modifiers = next((c for c in node.children if c.type == "modifiers"), None)
    return modifiers.children if modifiers is not None else []


_OBJECT_METHODS = [("toString", []), ("hashCode", []), ("clone", []), ("equals", ["Object"]),
                   ("equals", ["java.lang.Object"])]


def _first_overload(node: Node, name: str, spec: LanguageSpec, siblings: _Siblings) -> Node | None:
    """The first of the overload signatures right before a TypeScript implementation `node` called `name`, or None."""
    statement = node
    while statement.parent is not None and statement.parent.type in _WRAPPERS:
        statement = statement.parent
    first = None
    while (statement := siblings.before(statement)) is not None:
        if statement.type in spec.comments:  # an overload's own doc comment, between the signatures
            continue
        signature = statement
        while signature.type in _WRAPPERS and signature.named_child_count:
            signature = signature.named_children[-1]
        if signature.type not in _SIGNATURES or _text(signature.child_by_field_name("name")) != name:
            break
        first = signature
    return first


def _declared_doc(node: Node, name: str, spec: LanguageSpec, traits: dict[str, Node],
                  siblings: _Siblings) -> tuple[str | None, str]:
    """The doc comment an undocumented function takes from where it was declared: a TypeScript implementation
    from its first overload signature, a Rust trait method implemented for a type from the doc comment of its impl
    block where the method is the block's one function, else from the trait's declaration in the same file (as
    rustdoc shows them)."""
    if spec.name in _JS:
        first = _first_overload(node, name, spec, siblings)
        return (_doc_comment(first, spec, siblings=siblings) if first is not None else None), ""
    impl = node.parent.parent if node.parent is not None else None
    if spec.name == "rust" and impl is not None and impl.type == "impl_item" \
            and (trait := impl.child_by_field_name("trait")) is not None:
        if sum(item.type in spec.functions for item in node.parent.named_children) == 1 \
                and (said := _doc_comment(_outer(impl, spec, siblings)[0], spec, siblings=siblings)) \
                and (sentence := shown_sentence(said, spec.name)) and not _NOTE.match(sentence):
            return said, ""  # the implementation's own doc, as rustdoc shows it: `/// Create an ArrayVec from an
            # array.` above `impl From<[T; CAP]> for ArrayVec` (of one method), before the trait's
        trait_name = re.findall(r"\w+", _text(trait).split("<")[0])[-1]
        declared = traits.get(trait_name)
        body = declared.child_by_field_name("body") if declared is not None else None
        for item in body.named_children if body is not None else ():
            if item.type in _SIGNATURES | spec.functions and _text(item.child_by_field_name("name")) == name:
                return _doc_comment(item, spec, siblings=siblings), f"{trait_name}::{name}"
    return None, ""


_PY_ACCESSOR = re.compile(r"@(\w+)\.(?:setter|deleter)\b")


def _getter_doc(node: Node, name: str, spec: LanguageSpec, siblings: _Siblings) -> str | None:
    """The documentation of the getter of the property a setter or deleter belongs to, in the same class: one
    property, one description (as TypeDoc shows an accessor pair and Python's `help()` a property): JavaScript's
    and TypeScript's `set name(v)` beside `get name()`, Python's `@name.setter` beside `@property def name`."""
    if spec.name in _JS and node.type == "method_definition" and any(c.type == "set" for c in node.children):
        getters = [m for m in node.parent.named_children if m.type == "method_definition"
                   and any(c.type == "get" for c in m.children) and _text(m.child_by_field_name("name")) == name]
        return _doc_comment(_outer(getters[0], spec, siblings)[0], spec, siblings=siblings) if getters else None
    if spec.name == "python" and node.parent is not None and node.parent.type == "decorated_definition" \
            and any((m := _PY_ACCESSOR.match(_text(d))) and m.group(1) == name
                    for d in node.parent.named_children if d.type == "decorator"):
        body = node.parent.parent
        for statement in body.named_children if body is not None else ():
            getter = statement.child_by_field_name("definition") if statement.type == "decorated_definition" else None
            if getter is not None and _text(getter.child_by_field_name("name")) == name \
                    and any(_text(d).strip() == "@property" for d in statement.named_children if d.type == "decorator"):
                found = _python_docstring(getter)
                return _unquote(found.named_children[0]) if found is not None else None
    return None


def _python_docstring(node: Node, as_mined: bool = False) -> Node | None:
    """The statement holding a function's docstring: a plain string literal first in its body (an f-string
    or bytes literal is no docstring to Python; `as_mined` takes any string, as the corpus was mined)."""
    body = node.child_by_field_name("body")
    first = next((c for c in body.named_children if c.type != "comment"), None) if body is not None else None
    if first is not None and first.type == "expression_statement" and first.named_child_count == 1 \
            and first.named_children[0].type == "string":
        start = first.named_children[0].children[0] if first.named_children[0].children else None
        if not as_mined and start is not None and re.search(r"[fFbB]", _text(start)):
            return None
        return first
    return None


def _unquote(string: Node) -> str:
    parts = [c for c in string.children if c.type not in ("string_start", "string_end")]
    if not parts:
        return ""
    text = string.text[parts[0].start_byte - string.start_byte:parts[-1].end_byte - string.start_byte]
    return inspect.cleandoc(text.decode("utf-8", "replace"))


def _drop_lines(code: str, start: int, end: int) -> tuple[int, int]:
    """The span of code[start:end] widened to whole lines when nothing else stands on them."""
    line_start = code.rfind("\n", 0, start) + 1
    line_end = code.find("\n", end)
    line_end = len(code) if line_end < 0 else line_end + 1
    if code[line_start:start].strip() or code[end:line_end].strip():
        return start, re.compile(r"[ \t]*;?[ \t]*").match(code, end).end()  # def f(): "doc"; return 1
    return line_start, line_end


def _error_row(root: Node, language: str) -> int | None:
    """The 0-based line of the first syntax error under `root` (`languages.syntax_error`), or None."""
    error = syntax_error(root, language)
    return None if error is None else error.start_point.row


def _blank_line(source: bytes, row: int) -> bytes:
    """`source` with line `row` (0-based) turned into spaces, byte for byte: every other offset stays put."""
    start = 0
    for _ in range(row):
        start = source.index(b"\n", start) + 1
    end = source.find(b"\n", start)
    end = len(source) if end < 0 else end
    return source[:start] + b" " * (end - start) + source[end:]


def _repaired(code: str, source: bytes, language: str, tree: tree_sitter.Tree) -> tuple[tree_sitter.Tree, set[int]]:
    """A tree of `code` (read as `source`, its `tree`) with the lines where parsing first failed blanked, one at a time
    while the first error moves on (at most MAX_REPAIRS lines, within REPAIR_SECONDS of CPU in all: each try parses
    the whole file again), and the blanked rows. Byte offsets match `code`'s, and node text outside the blanked lines
    is its."""
    best, blanked = tree, set()
    quiet = _quiet_rows(source, tree, spec_for(language))
    deadline = time.thread_time() + REPAIR_SECONDS
    for _ in range(MAX_REPAIRS):
        row = _code_row(_error_row(best.root_node, language), quiet | blanked)
        # The failing line, or the line of code before it (tree-sitter often fails on the line after a typo; a
        # doc comment between them is never blanked: it belongs to the function below).
        tries = []
        for candidate_row in {row, _code_row(row - 1, quiet | blanked)}:
            blanked_source = _blank_line(source, candidate_row)
            try:
                parsed = parse_within(blanked_source, language, max(deadline - time.thread_time(), 0.0))
            except ParseGaveUp:
                return best, blanked  # the repairs so far
            progress = len(code) + 1 if (failed := _error_row(parsed.root_node, language)) is None else failed
            tries.append((progress, candidate_row == row, candidate_row, blanked_source, parsed))
        progress, _, chosen, chosen_source, candidate = max(tries, key=lambda t: t[:2])
        if progress <= row:
            break  # no progress: keep what we have
        source, best = chosen_source, candidate
        blanked.add(chosen)
        if _error_row(candidate.root_node, language) is None:
            break
    return best, blanked


MAX_REPAIRS = 8
REPAIR_SECONDS = 1.0  # a typo's repair takes milliseconds; a file tree-sitter reads slowly is not repaired for long


def _code_row(row: int, quiet: set[int]) -> int:
    """`row`, or the nearest row above it that is not `quiet` (0 at the top)."""
    while row > 0 and row in quiet:
        row -= 1
    return max(row, 0)


def _quiet_rows(source: bytes, tree: tree_sitter.Tree, spec: LanguageSpec) -> set[int]:
    """The 0-based rows without code: blank, or comment only."""
    lines = source.split(b"\n")
    quiet = {row for row, line in enumerate(lines) if not line.strip()}
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type in spec.comments:
            first, last = node.start_point, node.end_point
            if not lines[first.row][:first.column].strip() and not lines[last.row][last.column:].strip():
                quiet.update(range(first.row, last.row + 1))
        else:
            stack.extend(node.children)
    return quiet


def extract_units(code: str, language: str, as_mined: bool = False, inherited: bool = True) -> list[Unit]:
    """Every named function and method of `code`, in source order. Never raises on bad syntax. A file with
    syntax errors is parsed again with the failing lines blanked (`_repaired`), so that a half-typed
    `def f(x:` or an unclosed bracket hides only its own line's function, not every function after it
    (tree-sitter's recovery may fold the rest of the file into one broken function); a function
    the repair did not find is kept as first parsed unless it overlaps one it found. `as_mined`:
    no repair, and docstrings as `_doc_comment` and `_python_docstring` found them when the recorded corpus was
    mined (mining and its tables pass it, so the corpus rebuilds as recorded). `inherited`: look up each undocumented
    method's `Unit.inherited_doc` (never `as_mined`)."""
    spec = spec_for(language)
    if not code.strip():
        return []
    source, tree = parse_source(code, spec.name, newer_syntax=not as_mined)
    offsets = CharOffsets(code)
    inherited = inherited and not as_mined
    units = _units(code, tree, spec, offsets, as_mined, inherited)
    if (error := syntax_error(tree.root_node, spec.name)) is not None:  # tree-sitter may have given up on a
        # function: say so, never drop it silently
        warnings.warn(f"{spec.name} code {SYNTAX_ERRORS} from line {error.start_point.row + 1}; "
                      "functions there may be missing", ParseWarning, stacklevel=2)
        if not as_mined:
            repaired, blanked = _repaired(code, source, spec.name, tree)
            if blanked:  # the repaired units, and every first-parsed one that overlaps none of them
                rows = sorted(blanked)  # a unit holding a blanked row, and below, overlaps: by bisection (scans of
                fixed = [dataclasses.replace(u, syntax_error=True)  # every row, every unit, were quadratic)
                         if (i := bisect.bisect_left(rows, u.start_line)) < len(rows) and rows[i] <= u.end_line else u
                         for u in _units(code, repaired, spec, offsets, as_mined, inherited)]
                # those starting before one ends reach past its start
                starts, reach = [f.start for f in fixed], list(itertools.accumulate((f.end for f in fixed), max))
                kept = [u for u in units if not ((i := bisect.bisect_left(starts, u.end)) and reach[i - 1] > u.start)]
                units = sorted(fixed + kept, key=lambda u: (u.start, -u.end))
    return units


def extract_units_told(code: str, language: str, **options) -> tuple[list[Unit], list[str]]:
    """`extract_units`, and the syntax-error warnings it gave, each once, for a caller that tells them itself (the
    index's records, a worker's answer)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = extract_units(code, language, **options)
    return found, list(dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, ParseWarning)))


def _units(code: str, tree: tree_sitter.Tree, spec: LanguageSpec, offsets: CharOffsets,
           as_mined: bool, inherited: bool) -> list[Unit]:
    captures = tree_sitter.QueryCursor(_function_query(spec.name)).captures(tree.root_node)
    traits = {_name(n, spec): n for n in captures.get("s", []) if n.type == "trait_item"}
    aliases = _standard_aliases(tree.root_node) if inherited and spec.name == "rust" else {}
    units, too_deep, siblings = [], 0, _Siblings()
    bases_of: dict[int | None, tuple[str, ...]] = {}  # by class node: a class's header is read once for its methods
    go_shapes: dict[int, str] = {}  # a Go method's position in `units` -> `go_method_shape`
    typed_objects: set[int] = set()  # positions in `units` of a TypeScript object literal's methods typed by it
    in_classes: set[int] = set()  # positions in `units` of the methods of classes
    shorthand = _shorthand_types(tree.root_node, spec) if inherited and spec.name in _JS else {}
    prototypes = _prototype_aliases(tree.root_node, spec.name) \
        if spec.name in _JS and not as_mined and "prototype" in code else {}  # (most files bind none: not queried)

    def class_bases(scope: Node | None) -> tuple[str, ...]:
        key = scope.id if scope is not None else None
        if key not in bases_of:
            bases_of[key] = _bases(scope, spec, code, offsets)
        return bases_of[key]

    anonymous = _BOUND_ANONYMOUS.get(spec.name)  # (no such unit as the corpus was mined)
    functions = [n for n in captures.get("f", []) if not (as_mined and n.type in _MACROS)
                 and (n.type != anonymous or not as_mined and _bound_anonymous(n) is not None)]
    qualified_of: dict[int, str] = {}  # a unit's node -> its qualified name, for the functions nested in it
    placed = _in_scopes(functions, captures.get("s", []), spec, as_mined)
    for node, scopes, enclosing, depth, member, outer, inside in placed:
        if depth > MAX_NESTING:
            too_deep += 1
            continue
        name = _name(node, spec, as_mined)
        if not name or as_mined and spec.name in _JS and _default_export(node, spec, wrapped=False) is not None:
            continue  # (anonymous default exports joined after the corpus was mined)
        first, last = _outer(node, spec, siblings, wrapped=not as_mined)
        start, end = offsets.char(first.start_byte), offsets.char(last.end_byte)
        unit_code = code[start:end]
        body = node.child_by_field_name("body")
        body_start = offsets.char(body.start_byte) if body is not None else None
        if node.type in _MACROS:  # its rules, after its name: the signature is `macro_rules! hashmap`
            body_start, body = offsets.char(node.child_by_field_name("name").end_byte), node
        docstring, span, declared_by = None, None, ""
        if spec.name == "python":
            statement = _python_docstring(node, as_mined)
            if statement is not None:
                docstring = _unquote(statement.named_children[0])
                span = _drop_lines(unit_code, offsets.char(statement.start_byte) - start,
                                   offsets.char(statement.end_byte) - start)
        else:
            docstring = _doc_comment(first, spec, as_mined, siblings)
            if docstring is not None and not as_mined and _INHERIT_DOC.search(docstring) \
                    and not first_sentence(docstring, spec.name):
                docstring = None  # `{@inheritDoc}` and tags: the supertype's documentation, looked up as for none
            if docstring is not None and not as_mined and spec.name == "go":
                docstring = _from_go_name(docstring, name)
        if docstring is not None and not as_mined \
                and (not (said := shown_sentence(docstring, spec.name)) or _NOTE.match(said)
                     or spec.name != "python" and _banner(said, name) or _LITERAL_ALONE.fullmatch(said)):
            # tags alone (`@param opts`, `:param x:`, a Rust `# Examples` section) say nothing it does, nor a note
            # (a Go `// TODO` above a stub): the hover looks further, as for none (its class's documentation for a
            # constructor, the supertype's for an override), where it showed nothing; a Python docstring still
            # leaves the code (`docstring_span`)
            docstring = None
        if docstring is None and not as_mined and spec.name != "python":
            docstring, declared_by = _declared_doc(node, name, spec, traits, siblings)
        if docstring is None and not as_mined:  # a setter: its property's documentation, as its getter says it
            docstring = _getter_doc(node, name, spec, siblings)
        standard = _inherited_doc(node, name, spec, aliases) if inherited and docstring is None else None
        # what the hover shows (`inherited`: read for the hover and `leancode summarize`, not for the index)
        shown = docstring is None and inherited and not as_mined
        comment = _plain_comment(first, spec, siblings, name) if shown else None
        if shown and comment is None and spec.name in _JS and (overload := _first_overload(node, name, spec, siblings)):
            comment = _plain_comment(_outer(overload, spec, siblings)[0], spec, siblings, name)  # above the overloads
        class_doc = _class_doc(node, name, spec, siblings) if shown else None
        receiver = _receiver(node, spec, wrapped=not as_mined)
        if not receiver and prototypes and node.type in _EXPRESSIONS:  # Babel's `_proto.format = function ...`
            receiver = _prototype_receiver(node, prototypes)
        scoped = ".".join(scopes + receiver + [name])
        # Named by the functions it is nested in too (`Store.load.parse_line`, Java's anonymous classes' methods
        # `AbstractMap.keySet.size`), not as a method of the class around them; by its scopes and receiver alone
        # where it belongs to an object (`Color.prototype.isDark = ...` inside a setup function, an accessor that
        # `Object.defineProperty(this, ...)` defines in a constructor). Mined as before: by its scopes.
        owned = receiver or spec.name in _JS and _defined_property(node) is not None
        # Nested in a unit, by that unit's qualified name: `Request.auth.encoder` in `Request.prototype.auth = ...`
        around = enclosing if outer is None or outer.id not in qualified_of else [qualified_of[outer.id], *inside]
        qualified = scoped if as_mined or owned else ".".join(around + [name])
        if spec.name == "java" and not as_mined and outer is None and (field := _java_field_of(node)):
            qualified = ".".join(around + [field, name])  # an anonymous class's in a field, `F.comparator.compare`
        if spec.name in _JS and not (as_mined or owned) and node.type in _EXPRESSIONS \
                and (assigned := _assigned_object(node)):  # `equals.autoRemove = ...`: named with its object, as
            qualified = ".".join(around + assigned + [name])  # a nested function with its outer (not embedded)
        if inherited and node.type == "method_declaration" and spec.name == "go":
            go_shapes[len(units)] = go_method_shape(node)
        declaration = last if node.type == anonymous else node  # a class's `key = lambda self: ...`: its line
        bases = class_bases(enclosing_class := _enclosing_class(declaration, spec)) if inherited else ()
        if inherited and enclosing_class is not None:
            in_classes.add(len(units))
        if inherited and enclosing_class is None and docstring is None \
                and (bases := _declared_object_types(node, spec, shorthand)):
            typed_objects.add(len(units))
        qualified_of[node.id] = qualified
        units.append(Unit(
            name=name, qualified_name=qualified, scoped_name=scoped, language=spec.name,
            start_line=first.start_point.row, end_line=last.end_point.row, start=start, end=end,
            code=unit_code, docstring=docstring,
            body=code[body_start:offsets.char(body.end_byte)] if body is not None else "",
            docstring_span=span, inherited_doc=standard, declared_by=declared_by, comment=comment, class_doc=class_doc,
            syntax_error=_broken(first, node, last, spec.name), method=bool(member or owned),
            bases=bases,
        ))
    if too_deep:
        warnings.warn(f"{too_deep} functions nested more than {MAX_NESTING} deep are left inside their outer "
                      "function", ParseWarning, stacklevel=3)
    if inherited and go_shapes:
        units = _inherit_go_interfaces(units, go_shapes)
    if not inherited:
        return units
    units = _inherit_in_file(units, captures.get("s", []) + _object_type_aliases(tree.root_node, spec), spec, code,
                             offsets, typed_objects)
    return _inherit_augmentations(units, tree.root_node, spec, code, in_classes)


def _broken(first: Node, node: Node, last: Node, language: str) -> bool:
    """Whether a unit's code (from `first` to `last`, its declaration `node`) holds a syntax error
    (`languages.syntax_error`); within a Rust macro's rules only a rule missing or not read as one (their tokens are
    the macro's, which tree-sitter may misread: anyhow's `~`)."""
    if node.type in _MACROS:
        return first is not node and first.has_error or any(c.type == "ERROR" or c.is_missing for c in node.children)
    return any(syntax_error(n, language) is not None for n in (first, last, node))


MAX_BASES_READ = 16  # classes looked at, per method, up its file's class hierarchy


@cache
def _ambient_query(language: str) -> tree_sitter.Query:
    return tree_sitter.Query(grammar_for(language),  # a file's `declare module 'x' {...}`, `declare global {...}`
                             "(program (ambient_declaration (module (statement_block) @b)))"
                             "(program (ambient_declaration (statement_block) @b))")


def _inherit_augmentations(units: list[Unit], root: Node, spec: LanguageSpec, code: str,
                           in_classes: set[int]) -> list[Unit]:
    """Undocumented functions take the doc of the function member of the same name that their own file declares by
    augmenting another module's interfaces (`declare module '@tiptap/core' { interface Commands<R> { bold: {
    /** Set a bold mark */ setBold: () => R } } }` beside the `setBold` that implements it; `declare global`): a file
    declares there what it adds. Labelled by the interface and the member (`Commands.setBold`, as
    `editor.commands.setBold` calls it); a name so declared with different docs is left alone, and so are a class's
    methods (positions `in_classes`: a class says what it implements) and a function with a comment of its own."""
    def bare(position: int, unit: Unit) -> bool:
        return unit.docstring is None and unit.inherited_doc is None and not unit.comment \
            and position not in in_classes

    if spec.name not in _TYPED or "declare" not in code or not any(bare(*pair) for pair in enumerate(units)):
        return units
    members: dict[str, tuple[str, str] | None] = {}
    siblings = _Siblings()

    def read(body: Node, interface: str, depth: int) -> None:  # an interface's body, or an object type in it
        for item in body.named_children:
            name = _text(item.child_by_field_name("name")).strip("'\"")
            kind = item.child_by_field_name("type")
            kind = kind.named_children[0] if kind is not None and kind.type == "type_annotation" else kind
            if item.type == "property_signature" and kind is not None and kind.type == "object_type" \
                    and depth < MAX_OBJECT_DEPTH:
                read(kind, interface, depth + 1)
            elif item.type == "method_signature" or item.type == "property_signature" and kind is not None \
                    and kind.type == "function_type":
                if sentence := shown_sentence(_doc_comment(item, spec, siblings=siblings) or "", spec.name):
                    known = members.get(name, (sentence, f"{interface}.{name}"))  # the first to say it names it
                    members[name] = known if known is not None and known[0] == sentence else None

    def declared(block: Node, depth: int) -> None:  # a block's interfaces, exported or not, and its namespaces'
        for statement in block.named_children:
            declaration = statement.child_by_field_name("declaration") if statement.type == "export_statement" \
                else statement.named_child(0) if statement.type == "expression_statement" else statement
            if declaration is None:
                continue
            if declaration.type == "interface_declaration" and (body := declaration.child_by_field_name("body")):
                read(body, _name(declaration, spec), 0)
            elif declaration.type == "internal_module" and depth < 2 \
                    and (inner := declaration.child_by_field_name("body")) is not None:
                declared(inner, depth + 1)  # `declare global { namespace NodeJS { interface Global {...} } }`

    for block in tree_sitter.QueryCursor(_ambient_query(spec.name)).captures(root).get("b", []):
        declared(block, 0)
    return [dataclasses.replace(u, inherited_doc=found, inherited_here=True)
            if bare(i, u) and (found := members.get(u.name)) else u for i, u in enumerate(units)]


def _inherit_in_file(units: list[Unit], scopes: list[Node], spec: LanguageSpec, code: str,
                     offsets: CharOffsets, typed_objects: set[int]) -> list[Unit]:
    """Undocumented methods take the doc of the same-named method of a base class or interface declared in the same
    file, nearest first (as Python's `inspect.getdoc` and javadoc do), a method declared without a body (a
    TypeScript interface's signature) included; before a standard method's (`_inherited_doc`). The methods of a
    TypeScript object literal (the positions `typed_objects`) look in the types it is declared as (`Unit.bases`)."""
    written: dict[str, tuple[str, ...] | None] = {}  # class name -> its supertypes (None: two classes so named)
    for scope in scopes:
        if scope.type not in ("impl_item", "mod_item") and (name := _name(scope, spec)):
            written[name] = None if name in written else _bases(scope, spec, code, offsets)

    def declared(words: tuple[str, ...] | None) -> list[str]:  # the classes of the file named, a bounded number
        return list(dict.fromkeys(w for w in map(last_name, words) if w in written)) if words else []

    bases = {name: declared(words) for name, words in written.items()}  # class name -> the classes it names
    if not any(bases.values()) and not any(declared(units[i].bases) for i in typed_objects):
        return units
    by_name = {}
    for unit in units:
        by_name.setdefault(unit.qualified_name, unit)
    signatures = _described_signatures(scopes, spec) if spec.name in _JS else {}
    out = []
    for position, unit in enumerate(units):
        scopes_of = unit.qualified_name.split(".")
        found = None
        if unit.docstring is None and position in typed_objects:
            found = _nearest_documented([], declared(unit.bases), unit.name, bases, by_name, signatures, spec)
        elif unit.docstring is None and len(scopes_of) > 1 and bases.get(scopes_of[-2]):
            found = _nearest_documented(scopes_of[:-2], bases[scopes_of[-2]], unit.name, bases, by_name, signatures,
                                        spec)
        out.append(dataclasses.replace(unit, inherited_doc=found, inherited_here=True) if found else unit)
    return out


def _class_doc(node: Node, name: str, spec: LanguageSpec, siblings: _Siblings) -> tuple[str, str] | None:
    """A constructor's class's documentation and the class's name: Python's `__init__` and `__new__`, Java's
    constructors, JavaScript's and TypeScript's `constructor`, described by their class's docstring or doc comment
    (None: not a constructor, or a class without one)."""
    if not (name in ("__init__", "__new__") if spec.name == "python" else name == "constructor" if spec.name in _JS
            else spec.name == "java" and node.type == "constructor_declaration"):
        return None
    scope = _enclosing_class(node, spec)
    if scope is None or scope.type == "object_creation_expression" or not (owner := _name(scope, spec)):
        return None
    if spec.name == "python":
        statement = _python_docstring(scope)
        doc = _unquote(statement.named_children[0]) if statement is not None else None
    else:
        doc = _doc_comment(_outer(scope, spec, siblings)[0], spec, siblings=siblings)
    return (doc, owner) if doc else None


def _enclosing_class(node: Node, spec: LanguageSpec) -> Node | None:
    """The class, interface, trait or impl whose body declares the function `node` (through a Python decorator)."""
    block = node.parent
    if block is not None and block.type == "decorated_definition":
        block = block.parent
    scope = _python_owner(block) if spec.name == "python" else block.parent if block is not None else None
    return scope if scope is not None and (scope.type in spec.scopes or scope.type in _JAVA_TYPES) else None


# Python statements a class body may declare methods inside (`if TYPE_CHECKING:`, a `try` over an import's version)
_PYTHON_GUARDS = frozenset({"if_statement", "elif_clause", "else_clause", "try_statement", "except_clause",
                            "finally_clause", "with_statement"})
MAX_GUARDS = 8


def _python_owner(block: Node | None) -> Node | None:
    """The node whose body the Python block is, through the `if`, `try` and `with` statements around it: bidict's
    `if t.TYPE_CHECKING:` stubs of `MutableBidict.inverse` are its class's methods."""
    scope = block.parent if block is not None else None
    for _ in range(MAX_GUARDS):
        if scope is None or scope.type not in _PYTHON_GUARDS:
            break
        scope = scope.parent
        if scope is not None and scope.type == "block":
            scope = scope.parent
    return scope


_TYPE_ARGUMENTS = re.compile(r"<[^<>]*>|\[[^\[\]]*\]")
_DOTTED = re.compile(r"[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*")


def _bases(scope: Node | None, spec: LanguageSpec, code: str, offsets: CharOffsets) -> tuple[str, ...]:
    """The supertypes a class's header names, in order, as written without type arguments (`class A<T> extends
    JCTree.Visitor<T> implements C` -> JCTree.Visitor, C; Python's `(Base, metaclass=M)` -> Base, M), at most
    MAX_BASES_READ; a Rust impl's trait, by its last name."""
    if scope is None or scope.type == "mod_item":
        return ()
    if scope.type == "impl_item":
        return (word,) if (word := _last_word(scope.child_by_field_name("trait"))) else ()
    if scope.type == "type_alias_declaration":  # `type Props = OwnProps & Base`: the types it joins, as a class's
        return _joined_types(scope)
    name_node = scope.child_by_field_name("type" if scope.type == "object_creation_expression" else "name")
    body = scope.child_by_field_name("body") or next((c for c in scope.children if c.type == "class_body"), None)
    if name_node is None or body is None:
        return ()
    if scope.type == "object_creation_expression":  # an anonymous class: `new Visitor<T>() { ... }`
        return (word,) if (word := _last_word(name_node)) else ()
    header = code[offsets.char(name_node.end_byte):offsets.char(body.start_byte)][:2000]
    header = re.sub(r"#[^\n]*" if spec.name == "python" else r"//[^\n]*|/\*.*?\*/", " ", header, flags=re.S)  # comments
    for _ in range(8):  # type arguments and parameters, innermost first: `<T extends Comparable<T>>`
        header, found = _TYPE_ARGUMENTS.subn(" ", header)
        if not found:
            break
    names = (re.sub(r"\s+", "", dotted) for dotted in _DOTTED.findall(header))
    own = _text(scope.child_by_field_name("name"))
    return tuple(n for n in dict.fromkeys(names) if last_name(n) not in _HEADER_KEYWORDS and n != own)[:MAX_BASES_READ]


_HEADER_KEYWORDS = frozenset({"extends", "implements", "permits", "metaclass", "object", "Object"})


def _nearest_documented(prefix: list[str], supertypes: list[str], method: str, bases: dict, by_name: dict,
                        signatures: dict, spec: LanguageSpec) -> tuple[str, str] | None:
    """(first sentence, "Base.method") of the nearest documented `method` in the file, breadth first from the
    classes `supertypes` up their bases: a method with its doc, else a described signature (`signatures`, of
    `_described_signatures`)."""
    queue, seen = list(supertypes), set()
    while queue and len(seen) < MAX_BASES_READ:
        base = queue.pop(0)
        if base in seen or base not in bases:
            continue
        seen.add(base)
        queue += bases[base]
        found = by_name.get(".".join(prefix + [base, method]))
        if found is not None and found.docstring and (sentence := shown_sentence(found.docstring, spec.name)):
            return sentence, f"{base}.{method}"
        if sentence := signatures.get((base, method)):
            return sentence, f"{base}.{method}"
    return None


def described_declarations(code: str, language: str) -> tuple[dict[tuple[str, str], str | None],
                                                                 dict[str, tuple[str, ...]]]:
    """{(owner, method): first sentence} of a file's described declarations without a body (a Rust trait's required
    methods, a TypeScript interface's signatures): the methods `extract_units` does not return; None where overloads
    of one name say different things (which one a method implements is not guessed). And {name: supertypes as
    written} of the classes, interfaces and traits it declares (`_bases`), of declarations merged under one name
    (TypeScript's `class Component` and `interface Component`) joined."""
    spec, root = spec_for(language), parse(code, language).root_node
    captures = tree_sitter.QueryCursor(_function_query(spec.name)).captures(root)
    scopes, offsets, supertypes = captures.get("s", []) + _object_type_aliases(root, spec), CharOffsets(code), {}
    for scope in scopes:
        if scope.type not in ("impl_item", "mod_item", "object") and (name := _name(scope, spec)):
            joined = supertypes.get(name, ()) + _bases(scope, spec, code, offsets)
            supertypes[name] = tuple(dict.fromkeys(joined))[:MAX_BASES_READ]
    return _described_signatures(scopes, spec), supertypes


def _described_signatures(scopes: list[Node], spec: LanguageSpec) -> dict[tuple[str, str], str | None]:
    """`described_declarations` of the scopes (and `_object_type_aliases`) of one parsed file."""
    bodiless, siblings = {}, _Siblings()  # one body's children listed once, not for each member's doc comment
    for scope in scopes:
        body = scope.child_by_field_name("value" if scope.type == "type_alias_declaration" else "body")
        for item in body.named_children if body is not None else ():
            if (item.type in _BODILESS or _declared_property(item)) \
                    and (sentence := shown_sentence(_doc_comment(item, spec, siblings=siblings) or "", spec.name)):
                key = (_name(scope, spec), _text(item.child_by_field_name("name")))
                bodiless[key] = sentence if bodiless.get(key, sentence) == sentence else None
    return bodiless


def _declared_property(item: Node) -> bool:
    """A TypeScript member declared as a property, which a method or an accessor implements: an interface's
    (`encode: (data: T) => string;`, `readonly doc: Node;`), a class field declared without a value (a `declare
    class`'s `dispatch: (tr: Transaction) => void;`)."""
    return item.type == "property_signature" \
        or item.type == "public_field_definition" and item.child_by_field_name("value") is None


@cache
def _alias_query(language: str) -> tree_sitter.Query:
    return tree_sitter.Query(grammar_for(language),
                             "(type_alias_declaration value: [(object_type) (intersection_type)]) @alias")


def _joined_types(alias: Node) -> tuple[str, ...]:
    """The named types an intersection alias joins (`type Props = OwnProps & ns.Base<T>`: OwnProps, ns.Base), in order,
    not their type arguments nor itself. A union's members are alternatives, not supertypes: none (which of them an
    object is, and so whose doc its method takes, is not guessed)."""
    value, own = alias.child_by_field_name("value"), _text(alias.child_by_field_name("name"))
    if value is None or value.type != "intersection_type":
        return ()
    names, nodes = [], [value]
    while nodes and len(names) < MAX_BASES_READ:  # `A & B & C` nests: (A & B) & C
        current = nodes.pop()
        if current.type == "intersection_type":
            nodes.extend(reversed(current.named_children))
        elif current.type == "generic_type":
            nodes.append(current.child_by_field_name("name"))
        elif current.type in ("type_identifier", "nested_type_identifier") and _text(current) != own:
            names.append(re.sub(r"\s+", "", _text(current)))
    return tuple(dict.fromkeys(names))


def _object_type_aliases(root: Node, spec: LanguageSpec) -> list[Node]:
    """A TypeScript file's aliases of object types, `type Options = { run(): void }`: declared like interfaces; and of
    intersections of types, `type Props = OwnProps & Base`, whose members are its supertypes (`_bases`)."""
    return tree_sitter.QueryCursor(_alias_query(spec.name)).captures(root).get("alias", []) \
        if spec.name in _TYPED else []


MAX_CLIMB = 64  # nodes looked at between an object literal and the declaration that types it


def _declared_object_types(node: Node, spec: LanguageSpec, shorthand: dict) -> tuple[str, ...]:
    """The types a TypeScript object literal holding the method `node` is declared as (`_object_types`), the method
    written in it (`{ encode(x) {...} }`, `{ encode: (x) => ...}`) or declared in the function that returns it and
    named there (`function encode() {...}; return { encode }`: `shorthand`, of `_shorthand_types`)."""
    holder = node.parent
    if holder is not None and holder.type == "pair":  # `encode: (x) => x`
        holder = holder.parent if _is(holder.child_by_field_name("value"), node) else None
    if holder is not None and holder.type == "object":
        return _object_types(holder, spec)
    function = _function_around(node.parent, spec)
    return shorthand.get((function.id, _name(node, spec)), ()) if function is not None and shorthand else ()


def _function_around(node: Node | None, spec: LanguageSpec) -> Node | None:
    """The nearest function enclosing `node`, itself included (None: none within MAX_CLIMB)."""
    for _ in range(MAX_CLIMB):
        if node is None or node.type in spec.functions or node.type in _EXPRESSIONS:
            return node
        node = node.parent
    return None


@cache
def _shorthand_query(language: str) -> tree_sitter.Query:
    return tree_sitter.Query(grammar_for(language), "(object (shorthand_property_identifier) @name)")


def _shorthand_types(root: Node, spec: LanguageSpec) -> dict[tuple[int, str], tuple[str, ...]]:
    """{(function node id, name): types} of the TypeScript object literals, typed (`_object_types`), that name a
    property by a binding alone (`return { encode, decode }`), by the function whose code holds the object."""
    found = {}
    for name in tree_sitter.QueryCursor(_shorthand_query(spec.name)).captures(root).get("name", []):
        function = _function_around(name.parent, spec)
        if function is not None and (types := _object_types(name.parent, spec)):
            found.setdefault((function.id, _text(name)), types)
    return found


MAX_OBJECT_DEPTH = 4  # object literals nested in a typed one, looked through (`{ props: { handleDrop() {} } }`)
MAX_ARGUMENTS = 8  # an object passed to a call is typed by its parameter among the call's first arguments only


def _object_types(holder: Node, spec: LanguageSpec, depth: int = 0) -> tuple[str, ...]:
    """The types the TypeScript object literal `holder` is declared as, outermost first, as written (`TRet<Coder<A,
    B>>` -> TRet, Coder, A, B): by `const c: Coder = {...}`, a field's type, `{...} as T` or `satisfies T`, or, for
    `return {...}` and `() => ({...})`, the function's return type; through parentheses, `?:` and a thunk passed to a
    call (`freeze(() => ({...}))`, which returns what the thunk does). Where the type is another declaration's, a
    path to it that `inherited` follows where that is declared (`declared_types`): an object passed to a function or
    class named by an identifier, its parameter's type (`new Plugin({...})`: `Plugin()#0`), or to a class's static
    method, that method's (`Mark.create({...})`: `Mark#create()0`); an object that is a
    property's value in a typed one, that property's (`{ props: {...} }` in a `PluginSpec`: `PluginSpec#props`);
    the last two in JavaScript too, which reads declaration files as TypeScript does. An object that is a value of a
    typed `Record<string, T>` or index signature, or an element of a typed `T[]`, is a T (`_element_type`)."""
    found = _object_annotation(holder, spec, depth) if spec.name in _JS else ()
    return _type_names(found) if isinstance(found, Node) else found


def _object_annotation(holder: Node, spec: LanguageSpec, depth: int) -> Node | tuple[str, ...]:
    """`_object_types`' climb from the object literal `holder`: the type annotation that types it, else the paths
    to its type in other declarations (none: empty)."""
    value, annotation = holder, None
    for _ in range(MAX_CLIMB):
        parent = value.parent
        if parent is None:
            break
        if parent.type == "parenthesized_expression" \
                or parent.type == "ternary_expression" and not _is(parent.child_by_field_name("condition"), value):
            value = parent
            continue
        if parent.type in ("as_expression", "satisfies_expression") and _is(parent.named_children[0], value):
            annotation = parent.named_children[-1]
            if annotation.type == "predefined_type" and _text(annotation) in ("unknown", "any"):
                value, annotation = parent, None  # `{...} as unknown as NodeView`
                continue
        elif parent.type in ("variable_declarator", "public_field_definition") \
                and _is(parent.child_by_field_name("value"), value):
            annotation = parent.child_by_field_name("type")
        elif parent.type == "return_statement" or parent.type == "arrow_function" \
                and _is(parent.child_by_field_name("body"), value):
            function = _function_around(parent, spec)  # the function the statement returns from
            if function is None:
                break
            annotation = function.child_by_field_name("return_type")
            arguments = function.parent
            parameters = function.child_by_field_name("parameters")
            if annotation is None and arguments is not None and arguments.type == "arguments" \
                    and arguments.named_child_count == 1 and parameters is not None \
                    and not parameters.named_child_count:
                value = arguments.parent  # `freeze(() => ...)`
                continue
        elif parent.type == "pair" and _is(parent.child_by_field_name("value"), value) and depth < MAX_OBJECT_DEPTH \
                and parent.parent is not None and parent.parent.type == "object":
            outer = _object_annotation(parent.parent, spec, depth + 1)
            if isinstance(outer, Node) and (element := _element_type(outer)) is not None:
                return element  # `{ click: {...} }` as a `Record<string, Handler>`: a Handler
            key = _text(parent.child_by_field_name("key")).strip("'\"")
            return tuple(f"{name}#{key}" for name in (_type_names(outer) if isinstance(outer, Node) else outer)[:4]
                         if key.isidentifier())
        elif parent.type == "array" and depth < MAX_OBJECT_DEPTH:  # `[{...}]` as a `Handler[]`
            outer = _object_annotation(parent, spec, depth + 1)
            return (_element_type(outer) or ()) if isinstance(outer, Node) else ()
        elif parent.type == "arguments" and parent.parent is not None \
                and parent.parent.type in ("call_expression", "new_expression"):
            call = parent.parent
            callee = call.child_by_field_name("function" if call.type == "call_expression" else "constructor")
            arguments = [parent.named_child(i) for i in range(min(parent.named_child_count, MAX_ARGUMENTS))]
            position = next((i for i, a in enumerate(a for a in arguments if a.type != "comment")  # not all 3,000
                             if _is(a, value)), None)
            if callee is None or position is None:
                return ()
            if callee.type == "identifier":
                return (f"{_text(callee)}()#{position}",)
            owner, method = callee.child_by_field_name("object"), callee.child_by_field_name("property")
            if call.type == "call_expression" and callee.type == "member_expression" and owner is not None \
                    and owner.type == "identifier" and _text(owner)[:1].isupper() and _text(owner) not in _GLOBALS \
                    and method is not None and method.type == "property_identifier":
                return (f"{_text(owner)}#{_text(method)}(){position}",)  # a class's static `Mark.create({...})`
            return ()
        break
    return annotation if annotation is not None else ()


def _element_type(annotation: Node) -> Node | None:
    """The type of the values of a `Record<K, T>` or `{ [key: K]: T }`, or of the elements of a `T[]`, `Array<T>` or
    `ReadonlyArray<T>` (through `readonly` and parentheses); None for any other type."""
    node = annotation
    while node.type in ("type_annotation", "parenthesized_type", "readonly_type") and node.named_child_count:
        node = node.named_children[-1]
    if node.type == "array_type" and node.named_child_count:
        return node.named_children[0]
    if node.type == "generic_type" and (arguments := node.child_by_field_name("type_arguments")) is not None:
        name, types = _text(node.child_by_field_name("name")), arguments.named_children
        if name == "Record" and len(types) == 2 or name in ("Array", "ReadonlyArray") and len(types) == 1:
            return types[-1]
    if node.type == "object_type" and node.named_child_count == 1 and node.named_children[0].type == "index_signature":
        return node.named_children[0].child_by_field_name("type")
    return None


def _type_names(annotation: Node) -> tuple[str, ...]:
    """The type names a type annotation writes, in order, at most MAX_BASES_READ (`Partial<Coder<A>>` -> Partial,
    Coder, A; `vscode.HoverProvider` whole), not those inside an object or function type it writes out."""
    names, nodes = [], [annotation]
    while nodes and len(names) < MAX_BASES_READ:  # depth first, in the order written
        current = nodes.pop()
        if current.type in ("type_identifier", "nested_type_identifier"):  # `Coder`, `vscode.HoverProvider`
            names.append(re.sub(r"\s+", "", _text(current)))
        elif current.type == "generic_type" and _text(current.child_by_field_name("name")) in _CONTAINERS:
            names.append(_text(current.child_by_field_name("name")))  # `Record<string, Handler>` is no Handler
        elif current.type not in ("object_type", "function_type"):  # `{ inner: Coder }` is no Coder
            nodes.extend(reversed(current.named_children))
    return tuple(dict.fromkeys(names))


# Generic types whose type arguments are their elements' types, not theirs (`Partial<Options>`, `Promise<T>` and a
# project's own wrappers, `TRet<Bech32>`, are read through)
_CONTAINERS = frozenset({"Record", "Map", "ReadonlyMap", "WeakMap", "Set", "ReadonlySet", "WeakSet", "Array",
                         "ReadonlyArray", "Iterable", "Iterator", "IterableIterator", "AsyncIterable", "AsyncIterator",
                         "Generator", "AsyncGenerator", "Observable", "Subject", "EventEmitter"})


@cache
def _declaration_query(language: str) -> tree_sitter.Query:
    kinds = ["function_signature", "function_declaration", "class_declaration", "abstract_class_declaration",
             "interface_declaration", "type_alias_declaration"]
    return tree_sitter.Query(grammar_for(language), "[" + " ".join(f"({k})" for k in kinds) + "] @d")


@lru_cache(maxsize=32)  # a hover on each method of an options object asks the same declaration file again
def declared_types(code: str, language: str, owner: str, step: str) -> tuple[str, ...] | None:
    """In one TypeScript file's `code`, the types, as written, of what `step` names of the declarations named `owner`:
    "props", the declared type of their member `props` (an interface's, a class's, an object type alias's); "()0",
    that of the first parameter of the function, or of the class's constructor, so named (of all its overloads);
    "create()0", that of the first parameter of their method `create` (a class's static `Mark.create`). None where
    the file declares no `owner` (a re-export, or not a TypeScript file)."""
    if language not in _TYPED:
        return None
    found, names = False, []
    for node in tree_sitter.QueryCursor(_declaration_query(language)).captures(parse(code, language).root_node) \
            .get("d", []):
        if _text(node.child_by_field_name("name")) != owner:
            continue
        found = True
        body = node.child_by_field_name("value" if node.type == "type_alias_declaration" else "body")
        if "()" in step:
            if not (called := re.fullmatch(r"([\w$]*)\(\)(\d*)", step)) or called.group(1) == "constructor":
                continue
            method, index = called.group(1), int(called.group(2) or 0)
            functions = [node] if "function" in node.type and not method else [  # a method: a static one
                item for item in (body.named_children if body is not None else ())
                if item.type in ("method_signature", "method_definition", "abstract_method_signature")
                and _text(item.child_by_field_name("name")) == (method or "constructor")
                and (not method or any(c.type == "static" for c in item.children))]
            for function in functions:
                parameters = [p for p in function.child_by_field_name("parameters").named_children
                              if "parameter" in p.type] if function.child_by_field_name("parameters") else []
                kind = parameters[index].child_by_field_name("type") if index < len(parameters) else None
                names += _type_names(kind) if kind is not None else ()
        elif body is not None:
            for item in body.named_children:
                if item.type in ("property_signature", "public_field_definition") \
                        and _text(item.child_by_field_name("name")) == step \
                        and (kind := item.child_by_field_name("type")) is not None:
                    names += _type_names(kind)
    return tuple(dict.fromkeys(names))[:MAX_BASES_READ] if found else None


def parameter_types(code: str, language: str) -> tuple[str, ...] | None:
    """The parameter types one function's code declares, as written without spaces and qualifiers (`String...`,
    `Collection<KeyVal>`); a parameter without one as ""; None where it cannot tell."""
    node = outermost_function(code, language)
    parameters = node.child_by_field_name("parameters") if node is not None else None
    if parameters is None:
        return None

    def written(parameter: Node) -> str:
        kind = parameter.child_by_field_name("type")  # a Java varargs parameter names its type in no field
        if kind is None and parameter.type == "spread_parameter":
            kind = next((c for c in parameter.named_children if c.type not in ("modifiers", "variable_declarator")),
                        None)
        unqualified = re.sub(r"\b(?:\w+\.)+(?=\w)", "", re.sub(r"\s+", "", _text(kind)))  # Connection.KeyVal: KeyVal
        return unqualified + ("..." if parameter.type == "spread_parameter" else "")

    return tuple(written(p) for p in parameters.named_children if "comment" not in p.type)


def outermost_function(code: str, language: str) -> Node | None:
    """The outermost function of one function's code, read inside the language's `member_context` where it does not
    parse alone (a Java method, a JavaScript method cut out of its class); None where there is none."""
    spec = spec_for(language)
    root = parse(code, spec.name).root_node
    if spec.member_context[0] and root.has_error:
        before, after = spec.member_context
        root = parse(before + code + after, spec.name).root_node
    nodes = deque([root])
    while nodes:  # breadth first
        node = nodes.popleft()
        if node.type in spec.functions:
            return node
        nodes.extend(node.named_children)
    return None


def name_aliases(code: str, language: str) -> dict[str, tuple[str, int]]:
    """A Python file's other names for its functions, bound in the same class or module body after them (`bisect =
    bisect_right`, `__radd__ = __add__`): qualified alias -> (qualified function, the 0-based line binding it)."""
    if language != "python" or " = " not in code:
        return {}
    spec = spec_for(language)
    found: dict[str, tuple[str, int]] = {}
    blocks = [parse(code, language).root_node]
    while blocks and len(found) < MAX_ALIASES:
        block = blocks.pop()
        defined: set[str] = set()
        for statement in block.named_children:
            inner = statement.child_by_field_name("definition") if statement.type == "decorated_definition" \
                else statement
            if inner is None:
                continue
            if inner.type == "function_definition":
                defined.add(_text(inner.child_by_field_name("name")))
            elif inner.type == "class_definition" and (body := inner.child_by_field_name("body")) is not None:
                blocks.append(body)
            elif inner.type == "expression_statement" and inner.named_child_count == 1 \
                    and (bound := inner.named_children[0]).type == "assignment":
                alias, target = bound.child_by_field_name("left"), bound.child_by_field_name("right")
                if alias is not None and target is not None and alias.type == target.type == "identifier" \
                        and _text(target) in defined:
                    scope = ".".join(_scope_names(bound, spec) + [""])
                    found[scope + _text(alias)] = (scope + _text(target), bound.start_point.row)
    return found


def last_name(written: str) -> str:
    """`JCTree.Visitor` -> Visitor, `fmt::Display` -> Display."""
    return re.split(r"\.|::", written)[-1]


def _scope_names(node: Node, spec: LanguageSpec, known: dict[int, list[str]] | None = None) -> list[str]:
    """The names that qualify a declaration's, outermost first, as `_units` qualifies a function's: the scopes and
    functions around it (`_function_query`'s: true-myth's overload signatures nested in `mapOr` are
    `mapOr.partialOp`, as their implementation); in Go, which has none, the interface's type, as a method's receiver
    type. `known`: {node id: the names that qualify what is inside it}, kept across one file's declarations, so each
    node's ancestors are walked once (tree-sitter finds a node's parent from the root: a walk up 500 nested
    namespaces for each of 2,000 declarations took a minute)."""
    kinds = {"type_spec"} if spec.name == "go" \
        else spec.scopes | spec.functions | ({"object"} if spec.name in _JS else set())
    known = {} if known is None else known
    chain, parent = [], node.parent
    while parent is not None and parent.id not in known:
        chain.append(parent)
        parent = parent.parent
    names = known[parent.id] if parent is not None else []
    for ancestor in reversed(chain):  # outermost first
        if ancestor.type in kinds and (scope := _name(ancestor, spec)):
            names = names + [scope]
        known[ancestor.id] = names
    return names


def declaration_at(code: str, language: str, row: int, byte_column: int) -> Unit | None:
    """The declaration without a body around the point (row, UTF-8 byte column) of `code` (an interface or abstract
    method, an overload signature: `LanguageSpec.declarations`) as a unit with its doc comment, or None. For the
    hover only: `extract_units` never finds one, so mining and the index leave them out."""
    node = declaration_node_at(code, language, row, byte_column)
    return None if node is None else _declaration_unit(node, spec_for(language), code, CharOffsets(code))


def declarations(code: str, language: str) -> list[Unit]:
    """Every declaration without a body in `code` (`declaration_at`'s) of a named type (an interface, a trait) or
    a function's overload signature, in the order they are written: not those of a type written inline, in a
    parameter's type (Go's `func Reporter(r interface{ PushStep() })`)."""
    spec = spec_for(language)
    if not spec.declarations:
        return []
    captures = tree_sitter.QueryCursor(_bodiless_query(spec.name)).captures(parse(code, spec.name).root_node)
    offsets, siblings, scopes = CharOffsets(code), _Siblings(), {}
    found = ((node, _declaration_unit(node, spec, code, offsets, siblings, scopes))
             for node in sorted(captures.get("d", []), key=lambda n: n.start_byte))
    return [unit for node, unit in found if "." in unit.qualified_name or node.type == "function_signature"]


@cache
def _bodiless_query(language: str) -> tree_sitter.Query:
    grammar = grammar_for(language)
    kinds = [t for t in sorted(spec_for(language).declarations) if grammar.id_for_node_kind(t, True) is not None]
    return tree_sitter.Query(grammar, "[" + " ".join(f"({t})" for t in kinds) + "] @d")


def _declaration_unit(node: Node, spec: LanguageSpec, code: str, offsets: CharOffsets,
                      siblings: _Siblings | None = None, scopes: dict[int, list[str]] | None = None) -> Unit:
    """`node` as a unit; `siblings`, `scopes`: what one file's declarations share (`_Siblings`, `_scope_names`)."""
    siblings = siblings or _Siblings()
    first, _ = _outer(node, spec, siblings)
    start, end = offsets.char(first.start_byte), offsets.char(node.end_byte)
    name = _name(node, spec)
    docstring = _doc_comment(first, spec, siblings=siblings)
    if docstring is not None and not shown_sentence(docstring, spec.name):
        docstring = None  # tags alone (`@param value`): looked further, as for none (a unit's, `_units`)
    if docstring is None and spec.name in _JS and node.parent is not None \
            and node.parent.type in ("interface_body", "object_type"):  # an interface's later overload signature:
        docstring, _ = _declared_doc(node, name, spec, {}, siblings)  # the first one's (a class's: implemented)
    return Unit(name=name, qualified_name=".".join(_scope_names(node, spec, scopes) + [name]),
                language=spec.name, start_line=first.start_point.row, end_line=node.end_point.row, start=start,
                end=end, code=code[start:end], docstring=docstring, body="")


def preview(code: str, docstring: str | None, sentence: str = "") -> str:
    """One line to show for a function (120 characters): `sentence`, what the hover says from documentation
    (`function_summary.documented`), else the docstring's first line that is no tag or field (`@name addDays`,
    `:param x:`), else its declaration's first line (`_declaration_line`)."""
    lines = [sentence] if sentence else [line.strip() for line in (docstring or "").splitlines()
                                         if line.strip() and not line.lstrip().startswith(("@", ":"))]
    text = lines[0] if lines else _declaration_line(code)
    return text if len(text) <= 120 else text[:117] + "..."


# Annotations, decorators and attributes that open a line, each with its arguments where they close on it.
_LEADING_MARKS = re.compile(r"^(?:(?:@[\w.]+(?:\([^()\n]*\))?(?![\w.(])|#!?\[[^\[\]\n]*\])\s*)+")


def _declaration_line(code: str) -> str:
    """A function's first line after its annotations, decorators and attributes (`@Override`, `#[cfg(all(\n...))]`
    over several lines), without those that open the declaration's own line (`@Override public Date fromString(`);
    the first line of code where there is no other."""
    found = _declaration_line_at(code)
    return found[1] if found is not None else next((line.strip() for line in code.splitlines() if line.strip()), "")


def declaration_line_index(code: str) -> int:
    """The index among `code`'s lines of a function's first line after its annotations, decorators and attributes
    (`_declaration_line`'s; 0 where there is none)."""
    found = _declaration_line_at(code)
    return found[0] if found is not None else 0


def without_marks(code: str) -> str:
    """`code` from its declaration's line (`declaration_line_index`), without the annotations that open that line:
    a decorator over several lines (`@functools.wraps(\n  f,\n)`) left out whole."""
    found = _declaration_line_at(code)
    if found is None:
        return code
    index, rest = found
    return "\n".join([rest] + code.splitlines()[index + 1:])


def _declaration_line_at(code: str) -> tuple[int, str] | None:
    """(index, text without the marks opening it) of the first line after a function's annotations, decorators and
    attributes, or None where every line is one."""
    depth = 0
    for index, line in enumerate(code.splitlines()):
        text = line.strip()
        if not text:
            continue
        if depth == 0:
            rest = _LEADING_MARKS.sub("", text)
            if rest and not rest.startswith(("@", "#", "//")):  # nor a comment after a decorator (`# type: ignore`)
                return index, rest
        depth = max(0, depth + sum(1 if c in "([{" else -1 for c in text if c in "()[]{}"))
    return None
