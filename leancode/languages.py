"""The one adapter between LeanCode and tree-sitter: grammars, parsers, node-type tables.

We use py-tree-sitter (>= 0.25) with the official per-language grammar wheels
(`tree-sitter-python`, `-java`, ...). `tree-sitter-languages` is unmaintained and
breaks with any tree-sitter newer than 0.21, so it is deliberately not used.
"""

from __future__ import annotations

import importlib
import re
import threading
import time
import warnings
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import tree_sitter


class UnsupportedLanguageError(ValueError):
    """Raised for a language LeanCode has no grammar for."""


class ParseWarning(UserWarning):
    """Code did not parse cleanly; tokens fall back to error recovery or a plain lexer, functions may be missing."""


class ParseGaveUp(Exception):
    """tree-sitter took longer than its CPU budget on one text (`parse_within`)."""


@dataclass(frozen=True)
class LanguageSpec:
    """What LeanCode needs to know about one language's tree-sitter grammar."""

    name: str
    module: str
    entry: str = "language"
    extensions: tuple[str, ...] = ()
    # Nodes whose text is one lexical token even though tree-sitter gives them children.
    atomic: frozenset[str] = frozenset()
    # Nodes that define a function or method (a unit).
    functions: frozenset[str] = frozenset()
    # Nodes that declare one without a body (an interface or abstract method, an overload signature): no unit, so
    # neither mined nor indexed; the hover shows them (`units.declaration_at`).
    declarations: frozenset[str] = frozenset()
    # Nodes that name a scope for qualified names (classes, impls, ...).
    scopes: frozenset[str] = frozenset()
    # Call expressions (SlimCode's "invocations"; CALL/LOGGER/SETTER/GETTER statements).
    calls: frozenset[str] = frozenset()
    comments: frozenset[str] = frozenset({"comment"})
    line_comment: str = "//"
    keywords: frozenset[str] = field(default_factory=frozenset)
    # Doc comments begin with the function's name by the language's convention (Go: go.dev/doc/comment), so a
    # generated summary does too, spelled as the code spells it.
    doc_leads_with_name: bool = False
    # A dialect read by another language's importance tables and summarizer (TSX, never mined, as TypeScript).
    read_as: str = ""
    # The text around a method cut out of its class that makes it parse (a JavaScript or TypeScript class member
    # alone is a syntax error): the lexer reads a unit inside it where the unit alone does not parse.
    member_context: tuple[str, str] = ("", "")


_JS_COMMON = dict(
    atomic=frozenset({"string", "template_string", "regex"}),
    functions=frozenset({
        "function_declaration", "generator_function_declaration", "method_definition",
        "function_expression", "arrow_function", "function", "generator_function",
    }),
    scopes=frozenset({"class_declaration", "class", "abstract_class_declaration", "interface_declaration"}),
    calls=frozenset({"call_expression", "new_expression"}),
    member_context=("class _ {\n", "\n}"),
)
_TS_DECLARATIONS = frozenset({"method_signature", "abstract_method_signature", "function_signature"})

LANGUAGES: dict[str, LanguageSpec] = {
    "python": LanguageSpec(
        "python", "tree_sitter_python", extensions=(".py", ".pyi"),
        atomic=frozenset({"string"}),
        functions=frozenset({"function_definition"}),
        scopes=frozenset({"class_definition"}),
        calls=frozenset({"call"}),
        line_comment="#",
    ),
    "java": LanguageSpec(
        "java", "tree_sitter_java", extensions=(".java",),
        atomic=frozenset({"string_literal", "character_literal", "text_block"}),
        functions=frozenset({"method_declaration", "constructor_declaration", "compact_constructor_declaration"}),
        scopes=frozenset({"class_declaration", "interface_declaration", "enum_declaration", "record_declaration"}),
        calls=frozenset({"method_invocation", "object_creation_expression", "explicit_constructor_invocation"}),
        comments=frozenset({"line_comment", "block_comment"}),
    ),
    "javascript": LanguageSpec(
        "javascript", "tree_sitter_javascript", extensions=(".js", ".mjs", ".cjs", ".jsx"), **_JS_COMMON
    ),
    "typescript": LanguageSpec(
        "typescript", "tree_sitter_typescript", entry="language_typescript", extensions=(".ts", ".mts", ".cts"),
        declarations=_TS_DECLARATIONS, **_JS_COMMON,
    ),
    "tsx": LanguageSpec("tsx", "tree_sitter_typescript", entry="language_tsx", extensions=(".tsx",),
                        declarations=_TS_DECLARATIONS, read_as="typescript", **_JS_COMMON),
    "go": LanguageSpec(
        "go", "tree_sitter_go", extensions=(".go",),
        atomic=frozenset({"interpreted_string_literal", "raw_string_literal", "rune_literal"}),
        functions=frozenset({"function_declaration", "method_declaration", "func_literal"}),
        declarations=frozenset({"method_elem", "method_spec"}),  # an interface's methods (older grammars: spec)
        scopes=frozenset(),
        calls=frozenset({"call_expression"}),
        doc_leads_with_name=True,
    ),
    "rust": LanguageSpec(
        "rust", "tree_sitter_rust", extensions=(".rs",),
        atomic=frozenset({"string_literal", "raw_string_literal", "char_literal", "line_comment", "block_comment"}),
        functions=frozenset({"function_item", "closure_expression"}),
        declarations=frozenset({"function_signature_item"}),  # a trait's methods without a default
        scopes=frozenset({"impl_item", "trait_item", "mod_item"}),
        calls=frozenset({"call_expression", "macro_invocation"}),
        comments=frozenset({"line_comment", "block_comment"}),
    ),
}

EXTENSIONS: dict[str, str] = {ext: spec.name for spec in LANGUAGES.values() for ext in spec.extensions}


FAMILIES = {"typescript": "javascript", "tsx": "javascript"}  # languages whose code calls each other's functions


def same_family(language: str, other: str) -> bool:
    """Whether code in `language` can call a function (or extend a class) written in `other`."""
    return FAMILIES.get(language, language) == FAMILIES.get(other, other)


def spec_for(language: str) -> LanguageSpec:
    """The spec of `language`, or a clear error naming the supported ones."""
    try:
        return LANGUAGES[language.lower()]
    except (KeyError, AttributeError):
        supported = ", ".join(sorted(LANGUAGES))
        raise UnsupportedLanguageError(f"unsupported language {language!r}; supported: {supported}") from None


def language_for_path(path: str) -> str | None:
    """The language of a file by its extension, or None."""
    dot = path.rfind(".")
    return EXTENSIONS.get(path[dot:].lower()) if dot >= 0 else None


@lru_cache(maxsize=None)
def grammar_for(language: str) -> tree_sitter.Language:
    """`language`'s tree-sitter grammar (shared: a grammar is read-only)."""
    spec = spec_for(language)
    return tree_sitter.Language(getattr(importlib.import_module(spec.module), spec.entry)())


_thread_parsers = threading.local()


def parser_for(language: str) -> tree_sitter.Parser:
    """This thread's tree-sitter parser for `language`. A parser is not thread-safe, and a parse lets other threads
    run (it calls back into Python for the text and the time budget): two of the server's threads parsing with one
    parser crashed it (a segfault, or all memory)."""
    parsers = _thread_parsers.__dict__
    if (parser := parsers.get(language)) is None:
        parser = parsers[language] = tree_sitter.Parser(grammar_for(language))
    return parser


_LONE_CR = re.compile(r"\r(?!\n)")


def parsed_bytes(code: str) -> bytes:
    """The bytes tree-sitter reads for `code`: a lone \r (old Mac line ends) ends a line, as in editors and LSP, and
    tree-sitter counts rows at \n only, so it reads \n there (one byte for one: every offset stays); a lone
    surrogate (half a UTF-16 pair, from a JSON escape), which UTF-8 cannot encode, reads as U+FFFD (three bytes,
    as `CharOffsets` counts it)."""
    code = _LONE_CR.sub("\n", code) if "\r" in code else code
    try:
        return code.encode("utf-8")
    except UnicodeEncodeError:
        from .sources import without_lone_surrogates  # sources imports this module

        return without_lone_surrogates(code).encode("utf-8")


# TypeScript that tree-sitter-typescript 0.23 cannot read, and a reading of it, one byte for one, that holds the same
# declarations; each alternative's one group is what is read otherwise:
# 1-4. syntax newer than the grammar, the keyword read as spaces: `export type * from`, an auto-accessor's `accessor`,
#      a type parameter's variance (`<in out T>`), `global { }` inside a `declare module`;
# 5-7. a name the grammar takes for a keyword, read capitalised (`Abstract`, `As`), a name like any other: a member's
#      (`abstract: boolean` or `in: "query"` in an interface, a class field `accessor: T`), a variable's (`let as`), a
#      function type's one parameter named by a type (mobx's `(any) => void`);
# 8.   a tagged template's type arguments (`sql<{ count: number }>\`SELECT ...\``), read as spaces.
_TYPESCRIPT_GAPS = re.compile(
    rb"\bexport[ \t]+(type)(?=[ \t]*\*)"
    rb"|(?:^|[{;}])[ \t]*(?:@[\w$.]+(?:\([^()\n]*\))?[ \t]+)*(?:(?:static|public|private|protected|readonly|override"
    rb"|declare)[ \t]+)*(accessor)(?=[ \t]+(?:#?[\w$]+|\[[^\]\n]*\])[ \t]*[?!]?[ \t]*[=:;\n])"
    rb"|(?:^|[<,])[ \t]*(in[ \t]+out|in|out)(?=[ \t]+[\w$]+[ \t]*(?:[,>=]|extends\b|\n[ \t]*>))"
    rb"|(?:^|[{;}])[ \t]*(global)(?=[ \t]*\{)"
    rb"|(?:^|[{;,])[ \t]*(?:(?:static|public|private|protected|readonly|declare)[ \t]+)*(abstract|accessor|in)"
    rb"(?=[ \t]*[?!]?[ \t]*:)"
    rb"|\blet[ \t]+(as|satisfies)(?=[ \t]*[=;,:\n])"
    rb"|\([ \t]*(any|unknown|string|number|boolean|bigint|symbol|object|never)(?=[ \t]*\)[ \t]*=>)"
    rb"|(?<=[\w$])(<(?:[^<>`]|<[^<>`]*>)*>)(?=`)", re.M)
_NAME_GAPS = (5, 6, 7)  # the groups read capitalised; the others read as spaces


# A syntax the grammar misreads: a generic call signature on the line after another member of an interface or object
# type with no `;` between (`(options: Options): Compose`, then `<T>(...funcs: T[]): T`: Redux Toolkit's style), which
# it takes for type arguments of the line before. Such a line (`<T>(`, `<const T extends U>(`, or a `<` alone opening
# a list of type parameters; not a JSX tag, `<span>`), where the code before it, past comments, ends a type or a name.
_SIGNATURE_LINE = re.compile(
    rb"^([ \t])[ \t]*<(?=[ \t]*$|[ \t]*(?:const[ \t]+)?[A-Za-z_$][\w$]*[ \t]*(?:[,=]|extends\b|>[ \t]*\())", re.M)
_ENDS_A_TYPE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$)]>}")
_COMMENTS_PASSED = 16  # doc comments between the two members


def _span_finder(spans: list[tuple[int, int]]) -> Callable[[int], tuple[int, int] | None]:
    """For sorted, disjoint (start, end) byte spans: the span holding an offset, or None."""
    starts = [start for start, _ in spans]

    def span_of(offset: int) -> tuple[int, int] | None:
        at = bisect_right(starts, offset) - 1
        return spans[at] if at >= 0 and offset < spans[at][1] else None

    return span_of


def _separators_added(source: bytes, span_of: Callable[[int], tuple[int, int] | None]) -> bytes:
    """`source` with a `;` in the first indentation column of each generic call signature's line that follows a member
    with no separator (`_SIGNATURE_LINE`), outside the comments and strings `span_of` finds (`_span_finder`; one byte
    for one)."""
    columns = []
    for match in _SIGNATURE_LINE.finditer(source):
        if span_of(match.start()):
            continue
        before = match.start() - 1
        for _ in range(_COMMENTS_PASSED):
            while before >= 0 and source[before] in b" \t\r\n":
                before -= 1
            comment = span_of(before) if before >= 0 else None
            if comment is None or source[comment[0]] != ord("/"):  # code (or a string): the member before
                break
            before = comment[0] - 1
        if before >= 0 and span_of(before) is None and source[before] in _ENDS_A_TYPE \
                and source[before - 1:before + 1] != b"=>":  # (an arrow function's body on the next line)
            columns.append(match.start(1))
    if not columns:
        return source
    read = bytearray(source)
    for column in columns:
        read[column] = ord(";")
    return bytes(read)


@lru_cache(maxsize=2)
def _quoted_query(language: str) -> tree_sitter.Query:
    """The language's comments and string literals (its spec's `comments` and `atomic` nodes)."""
    spec = spec_for(language)
    alternatives = " ".join(f"({node})" for node in sorted(spec.comments | spec.atomic))
    return tree_sitter.Query(grammar_for(language), f"[{alternatives}] @q")


def _grammar_gaps_read(source: bytes, tree: tree_sitter.Tree, language: str) -> bytes:
    """`source` with each of `_TYPESCRIPT_GAPS` outside the comments and strings of its `tree` read as it says, and the
    separators the grammar needs added (`_separators_added`), one byte for one: every offset stays."""
    if not _TYPESCRIPT_GAPS.search(source) and not _SIGNATURE_LINE.search(source):
        return source  # (most files with syntax errors: no comments to look up)
    nodes = tree_sitter.QueryCursor(_quoted_query(language)).captures(tree.root_node).get("q", [])
    quoted = _span_finder(sorted((n.start_byte, n.end_byte) for n in nodes))
    source = _separators_added(source, quoted)

    def blanked(match: re.Match) -> bytes:
        group = match.lastindex  # each alternative has one group
        if quoted(match.start(group)):  # in a comment or a string: as written
            return match.group(0)
        start, end = match.start(group) - match.start(), match.end(group) - match.start()
        read = match.group(group).capitalize() if group in _NAME_GAPS else re.sub(rb"[^\n]", b" ", match.group(group))
        return match.group(0)[:start] + read + match.group(0)[end:]

    return _TYPESCRIPT_GAPS.sub(blanked, source)


# The CPU time one parse may take. tree-sitter's error recovery is quadratic or worse on long runs of some tokens
# (6 KB of `->` lines in JavaScript: 4 s; 12 KB: 15 s), so a hostile file could hold the index or a hover for hours;
# a real file is far from it (the 120 KB typing.py parses in 11 ms).
PARSE_SECONDS = 5.0
_CHUNK = 1 << 16


def parse_within(source: bytes, language: str, seconds: float | None = None) -> tree_sitter.Tree:
    """tree-sitter's tree of `source`, or ParseGaveUp after `seconds` (PARSE_SECONDS) of this thread's CPU time.
    The budget is checked where tree-sitter reports progress, every few tokens in most grammars; some of its slow
    paths report none, and there it is overrun (the known cases: SECURITY.md)."""
    seconds = PARSE_SECONDS if seconds is None else seconds
    parser = parser_for(language)
    began = time.thread_time()
    try:
        tree = parser.parse(lambda offset, _: source[offset:offset + _CHUNK],
                            progress_callback=lambda *_: time.thread_time() - began > seconds)
    except ValueError as error:  # halted by the callback
        parser.reset()  # else the next parse would resume this one
        raise ParseGaveUp(f"{language}: parsing gave up after {seconds:g} s of CPU") from error
    # A tree read through a callback reads each node's text through it again (slowly); parsed again from the bytes,
    # reusing that tree (a tenth of a parse), it holds them. Only reading through a callback can be halted.
    return parser.parse(source, old_tree=tree)


def first_error(root: tree_sitter.Node) -> tree_sitter.Node:
    """The first ERROR or MISSING node under `root` (an iterative descent: any depth), else `root`."""
    node = root
    while not (node.is_error or node.is_missing):
        node = next((c for c in node.children if c.has_error), None)
        if node is None:
            return root
    return node


# Where tree-sitter's ERROR is no syntax error: a Rust macro's token tree holds any tokens (anyhow's `~~~~`), which
# rustc accepts and the grammar does not lex; an unbalanced bracket there is still one (MISSING, or an ERROR above).
_FREE_TOKENS = {"rust": frozenset({"token_tree", "token_tree_pattern"})}


def syntax_error(root: tree_sitter.Node, language: str) -> tree_sitter.Node | None:
    """The first ERROR or MISSING node under `root` (itself included) that is a syntax error of `language`
    (`_FREE_TOKENS`), or None. A descent into the subtrees that hold errors only."""
    free = _FREE_TOKENS.get(language, frozenset())
    if not root.has_error or not free:
        return first_error(root) if root.has_error else None
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error and node.parent is not None and node.parent.type in free:
            continue
        if node.is_error or node.is_missing:
            return node
        stack.extend(reversed([c for c in node.children if c.has_error]))
    return None


def _first_error(tree: tree_sitter.Tree) -> float:
    """The byte where `tree`'s first syntax error starts (infinity without one)."""
    return first_error(tree.root_node).start_byte if tree.root_node.has_error else float("inf")


def parse(code: str, language: str, newer_syntax: bool = True) -> tree_sitter.Tree:
    """The tree of `code`, as `parse_source` reads it."""
    return parse_source(code, language, newer_syntax)[1]


@lru_cache(maxsize=1)
def _item_macro_query() -> tree_sitter.Query:
    """Rust macro calls where an item may stand: in a file, a module, an impl or a trait."""
    return tree_sitter.Query(grammar_for("rust"), "[(source_file (macro_invocation) @m) "
                                                  "(declaration_list (macro_invocation) @m)]")


MACRO_DEPTH = 4  # macro calls inside macro calls opened (tokio nests `cfg_rt! { cfg_unstable! { ... } }`)


def _macro_items_read(source: bytes, tree: tree_sitter.Tree) -> bytes:
    """`source` with each macro call that stands as an item and whose `{ }` holds functions that parse alone as Rust
    items (`cfg_rt! { pub fn spawn ... }`: much of tokio's API) read as what it holds: its name, `!` and braces as
    spaces, one byte for one (every offset stays), so its functions are read as the code around them. A body that is
    no Rust items (`cfg_if!`'s `if #[cfg] { }`, a parser DSL) stays a macro call."""
    opened = []
    for call in tree_sitter.QueryCursor(_item_macro_query()).captures(tree.root_node).get("m", []):
        body = call.children[-1]
        if body.type != "token_tree" or body.children[0].type != "{" or body.children[-1].type != "}" \
                or not any(token.type == "fn" for token in body.children):
            continue
        try:
            alone = parse_within(source[body.start_byte + 1:body.end_byte - 1], "rust")
        except ParseGaveUp:
            continue
        if not alone.root_node.has_error:
            opened += [(call.start_byte, body.start_byte + 1), (body.end_byte - 1, body.end_byte)]
    if not opened:
        return source
    read = bytearray(source)
    for start, end in opened:
        read[start:end] = re.sub(rb"[^\n]", b" ", source[start:end])
    return bytes(read)


def parse_source(code: str, language: str, newer_syntax: bool = True) -> tuple[bytes, tree_sitter.Tree]:
    """The bytes tree-sitter read for `code` (`parsed_bytes`) and their tree. TypeScript that does not parse is read
    again around what the grammar lacks (`_grammar_gaps_read`), where that errs no earlier; Rust functions written in
    a macro call are read as items (`_macro_items_read`) (`newer_syntax=False`: neither, as written, as the recorded
    corpora were mined). Where parsing gives up (`parse_within`), the tree of nothing, with a ParseWarning: no
    function is read, and its tokens come from the plain lexer."""
    source = parsed_bytes(code)
    try:
        tree = parse_within(source, language)
        if newer_syntax and language in ("typescript", "tsx") and tree.root_node.has_error:
            read = _grammar_gaps_read(source, tree, language)
            if read != source:
                try:
                    again = parse_within(read, language)
                except ParseGaveUp:  # the tree as written, errors and all
                    again = None
                if again is not None and _first_error(again) >= _first_error(tree):  # never a worse reading
                    source, tree = read, again
        for _ in range(MACRO_DEPTH if newer_syntax and language == "rust" and b"!" in source else 0):
            read = _macro_items_read(source, tree)
            if read == source:
                break
            try:
                again = parse_within(read, language)
            except ParseGaveUp:  # the tree read so far
                break
            if _first_error(again) < _first_error(tree):  # never a worse reading
                break
            source, tree = read, again
        return source, tree
    except ParseGaveUp as gave_up:
        warnings.warn(f"{gave_up} (tree-sitter's error recovery on this input); its functions are not read",
                      ParseWarning, stacklevel=3)
        return source, parser_for(language).parse(b"")


@lru_cache(maxsize=8)
def _recent_tree(code: str, language: str) -> tree_sitter.Tree:
    """`parse`, kept for the last few texts: every hover on a call asks about the same buffer again."""
    return parse(code, language)


def has_syntax_errors(code: str, language: str) -> bool:
    """Whether `code` has syntax errors (its tree kept for the hover's other questions about it)."""
    return _recent_tree(code, language).root_node.has_error


def _nodes_at(code: str, language: str, row: int, byte_column: int) -> list[tree_sitter.Node]:
    """The smallest node at the point (row, UTF-8 byte column) of `code`, then each node holding it, to the root. Found
    from the root down: tree-sitter finds a node's `parent` from the root too, so climbing by `parent` is quadratic
    in the depth (a 20,000-link `a.a.a...` chain: 9 s a hover)."""
    root = _recent_tree(code, language).root_node
    smallest = root.descendant_for_point_range((row, byte_column), (row, byte_column))
    path, node = [], root
    while node is not None and node != smallest:
        path.append(node)
        node = node.child_with_descendant(smallest)
    return [smallest, *reversed(path)]


# Code inside a string literal: f"{x}" (Python), `${x}` (JavaScript, TypeScript); prose inside code: JSX's text.
_INTERPOLATIONS = frozenset({"interpolation", "template_substitution"})
_PROSE = frozenset({"jsx_text"})


def in_comment_or_string(code: str, language: str, row: int, byte_column: int) -> bool:
    """Whether the point (row, UTF-8 byte column) of `code` lies in a comment, a string literal (a docstring
    included) or JSX text, but not in code interpolated into a string."""
    spec = spec_for(language)
    for node in _nodes_at(code, language, row, byte_column):
        if node.type in _INTERPOLATIONS:
            return False
        if node.type in spec.comments or node.type in spec.atomic or node.type in _PROSE:
            return True
    return False


class CharOffsets:
    """Maps tree-sitter's byte offsets (UTF-8, of `parsed_bytes`) to character offsets into the code, in O(log n)."""

    def __init__(self, code: str):
        self.ends: list[int] = []  # byte end of each non-ASCII character
        self.extra: list[int] = []  # extra bytes up to and including it
        extra = 0
        for m in re.finditer(r"[^\x00-\x7f]", code):
            width = len(m.group().encode("utf-8", "surrogatepass")) - 1  # a lone surrogate: 3, as U+FFFD
            self.ends.append(m.start() + extra + width + 1)
            extra += width
            self.extra.append(extra)

    def char(self, byte: int) -> int:
        k = bisect_right(self.ends, byte)
        return byte - self.extra[k - 1] if k else byte


def declaration_node_at(code: str, language: str, row: int, byte_column: int) -> tree_sitter.Node | None:
    """The declaration without a body (`LanguageSpec.declarations`) around the point (row, UTF-8 byte column) of
    `code`, or None."""
    declarations = spec_for(language).declarations
    nodes = _nodes_at(code, language, row, byte_column) if declarations else []
    return next((node for node in nodes if node.type in declarations), None)


# Arguments whose number is known only when the code runs: `f(*args)`, `f(**kwargs)`, `f(...xs)`, Go's `f(xs...)`.
_SPREADS = frozenset({"list_splat", "dictionary_splat", "spread_element", "variadic_argument"})


def call_arguments(code: str, language: str, row: int, byte_column: int) -> int | None:
    """How many arguments the call whose callee's name is at the point (row, UTF-8 byte column) of `code` passes;
    None where no call is found there or the number is known only when the code runs."""
    point, spec = (row, byte_column), spec_for(language)
    # Go reads `F[int](x)` as a conversion to the type `F[int]`
    node = next((node for node in _nodes_at(code, language, row, byte_column)
                 if node.type in spec.calls or node.type == "type_conversion_expression"), None)
    if node is None or node.type == "type_conversion_expression":
        return None if node is None else 1
    arguments = node.child_by_field_name("arguments")
    if arguments is None or arguments.start_point < point:
        return None  # a macro, or the point is in another call's arguments
    called = node.child_by_field_name("function")
    if called is not None and called.type == "member_expression" and called.start_point <= point \
            and (through := called.child_by_field_name("property")) is not None and through.start_point > point:
        # `f.call(thisArg, x)` passes f one argument fewer; `f.apply(thisArg, xs)` and `f.bind(` an unknown number
        return len(arguments.named_children) - 1 if through.text == b"call" and arguments.named_children else None
    if arguments.type == "generator_expression":  # `f(x for x in xs)`
        return 1
    passed = [child for child in arguments.named_children if child.type not in spec.comments]
    return None if any(child.type in _SPREADS for child in passed) else len(passed)
