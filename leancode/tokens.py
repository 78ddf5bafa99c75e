"""Lexical tokens of code, each tagged with its kind, statement category and statement.

`lex(code, language)` returns every non-whitespace character of `code` inside exactly
one token, in order, so that joining the token texts gives the code without its
whitespace. Comments and string literals with spaces are split into words, so that
removing one token never costs more than one word's model pieces.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import warnings
from typing import Iterator, NamedTuple

from tree_sitter import Node, Tree

from .categories import STATEMENT_TYPES, CallNames, StatementCategory, statement_category
from .languages import CharOffsets, LanguageSpec, ParseWarning, parse, spec_for

C = StatementCategory

IDENTIFIER, KEYWORD, OPERATOR, LITERAL, COMMENT = "identifier", "keyword", "operator", "literal", "comment"
KINDS = (IDENTIFIER, KEYWORD, OPERATOR, LITERAL, COMMENT)


class Token(NamedTuple):  # immutable; a third of a frozen dataclass's cost to build (lex builds one a word)
    text: str
    start: int  # character offsets into the code
    end: int
    kind: str  # one of KINDS
    category: StatementCategory
    statement: int  # id of the innermost statement holding the token (-1: none)
    in_call: bool  # inside a call expression (SlimCode's "invocation")


# Bumped whenever `lex` splits or categorises some code differently: simplified code, hence every search vector
# of simplified code, may change (the encoder's cache key holds it). 2: class members read inside a class.
LEX_VERSION = 2

_LITERAL_TYPE = re.compile(r"string|literal|integer|float|number|^(true|false|none|null|nil|char)$")
_WORD = re.compile(r"[A-Za-z_]\w*$")


# The kind a node type alone decides, per language by (type, named); "" where the text decides. Node types are few.
_KIND_OF_TYPE: dict[str, dict[tuple[str, bool], str]] = {}


def _kind_of_type(kind: str, named: bool, spec: LanguageSpec) -> str:
    if kind in spec.comments:
        return COMMENT
    if named and (_LITERAL_TYPE.search(kind) or kind in spec.atomic):  # not TS's `string` type
        return LITERAL
    if named and kind.endswith("identifier"):
        return IDENTIFIER
    return ""


def token_kind(kind: str, named: bool, text: str, spec: LanguageSpec) -> str:
    """The kind of a leaf node of type `kind` (named or not) and text `text`."""
    kinds = _KIND_OF_TYPE.setdefault(spec.name, {})
    decided = kinds.get((kind, named))
    if decided is None:
        decided = kinds[kind, named] = _kind_of_type(kind, named, spec)
    if decided:
        return decided
    first = text[:1]
    if first.isascii() and first.isalpha() or first == "_":
        keyword = not named or kind.endswith("type") or kind in ("this", "super", "self")
        return KEYWORD if keyword else IDENTIFIER
    return OPERATOR


# A plain lexer for text tree-sitter could not place (and for the gaps between its tokens). An opener that finds no
# closer (`/*`, a quote) is the operator it always was, named `unclosed` so that the lexer knows its scan failed.
@functools.cache
def _fallback_pattern(closable: str) -> re.Pattern:
    """The fallback lexer's pattern, trying comments and strings only for the openers in `closable` ("/\"'": all)."""
    comments = [r"\#[^\n]*", r"//[^\n]*"] + [r"/\*.*?\*/"] * ("/" in closable)
    literals = [rf"{q}(?:\\.|[^{q}\\\n])*{q}" for q in "\"'" if q in closable] + [r"\d[\w.]*"]
    unclosed = [r"/(?=\*)"] * ("/" in closable) + [q for q in "\"'" if q in closable]
    return re.compile(
        rf"""(?P<comment>{"|".join(comments)})
          | (?P<literal>{"|".join(literals)})
          {"| (?P<unclosed>" + "|".join(unclosed) + ")" if unclosed else ""}
          | (?P<word>[A-Za-z_$][\w$]*)
          | (?P<operator>[^\s\w])""",
        re.VERBOSE | re.DOTALL,
    )


_STRING_BODY = {q: re.compile(rf"(?:\\.|[^{q}\\\n])*", re.DOTALL) for q in "\"'"}


def _fallback_matches(code: str) -> Iterator[re.Match]:
    """The matches of `_fallback_pattern("/\"'")` in `code`, in linear time: an opener found unclosed is not tried
    again where it must fail again (a `/*` anywhere after it, a quote of its kind before its failed string's end),
    so no scan to the end of the code or line is repeated at each later opener."""
    block_closes = True
    fails_before = {'"': 0, "'": 0}  # a quote of this kind opening before here finds no closer
    pos = 0
    while True:  # once per opener found unclosed (each starts a pattern that tries fewer)
        closable = "/" * block_closes + "".join(q for q, end in fails_before.items() if end <= pos)
        known_until = min((end for end in fails_before.values() if end > pos), default=len(code))
        for match in _fallback_pattern(closable).finditer(code, pos):
            if match.start() >= known_until:  # past the part known to fail: look again with that quote tried
                pos = max(pos, known_until)
                break
            yield match
            pos = match.end()
            if match.lastgroup == "unclosed":
                opener = match.group()
                if opener == "/":
                    block_closes = False
                else:  # a later quote of its kind before this one's end is inside its escapes: the same scan fails
                    fails_before[opener] = _STRING_BODY[opener].match(code, pos).end()
                break
        else:
            return


_NON_SPACE = re.compile(r"\S+")
_SPACE = re.compile(r"\s")


def _one_word(text: str) -> bool:
    """Whether `text` is one word: not empty, no whitespace (most leaves)."""
    return bool(text) and not _SPACE.search(text)


def _split_words(text: str, start: int) -> list[tuple[str, int, int]]:
    if _one_word(text):
        return [(text, start, start + len(text))]
    return [(m.group(), start + m.start(), start + m.end()) for m in _NON_SPACE.finditer(text)]


class _Lexer:
    def __init__(self, code: str, language: str):
        self.code = code
        self.spec = spec_for(language)
        self.language = self.spec.name
        offsets = CharOffsets(code)
        self.char = offsets.char if offsets.ends else None  # None: ASCII, byte offsets are character offsets
        self.tokens: list[Token] = []
        self.statements = 0

    def add(self, text: str, start: int, kind: str, category: C, statement: int, in_call: bool) -> None:
        """The token of `text` (at `start`), or one token per word where it has spaces."""
        if _one_word(text):  # most leaves: without building the list _split_words returns
            self.tokens.append(Token(text, start, start + len(text), kind, category, statement, in_call))
            return
        for word, s, e in _split_words(text, start):
            self.tokens.append(Token(word, s, e, kind, category, statement, in_call))

    def walk(self, root: Node) -> None:
        """Tokens of the tree in source order, in one pass of a tree cursor (no recursion, so no nesting depth
        overflows). Each node reads the context its parent gave its children: (category, statement, in_call), or
        for the children of a function (None, the header's statement, the body node's id): there the body opens
        a statement of its own, every other child is the signature, and neither is inside a call."""
        spec, char, add, language, code = self.spec, self.char, self.add, self.language, self.code
        comments, atomic, functions, calls = spec.comments, spec.atomic, spec.functions, spec.calls
        statement_types = STATEMENT_TYPES[language]  # most nodes are none: skip the call
        names = CallNames(code, char)
        append, space = self.tokens.append, _SPACE.search
        kind_of_type = _KIND_OF_TYPE.setdefault(language, {})  # `token_kind`'s, looked up here without its call
        cursor = root.walk()
        context: tuple = (C.OTHER, -1, False)  # the context of the current node and its siblings
        parents: list[tuple] = []  # the contexts of its ancestors, innermost last
        while True:
            node = cursor.node
            category, statement, in_call = context
            if category is None:  # a child of a function: its body opens a statement, the rest is its signature
                if node.id == in_call:
                    self.statements += 1
                    category, statement = C.OTHER, self.statements
                else:
                    category = C.SIGNATURE
                in_call = False
            kind = node.type
            if kind in comments or kind in atomic or node.child_count == 0:  # a leaf
                start, end = node.start_byte, node.end_byte
                if char is not None:
                    start, end = char(start), char(end)
                text = code[start:end]
                if kind in comments:
                    add(text, start, COMMENT, C.ANNOTATION, statement, in_call)
                else:
                    named = node.is_named
                    token = kind_of_type.get((kind, named)) or token_kind(kind, named, text, spec)
                    if text and not space(text):  # one word (most leaves): `add` without its call
                        append(Token(text, start, start + len(text), token, category, statement, in_call))
                    else:
                        add(text, start, token, category, statement, in_call)
            else:  # descend, giving the children their context
                if kind in functions:
                    self.statements += 1
                    body = node.child_by_field_name("body")
                    inner = (None, self.statements, body.id if body is not None else None)
                else:
                    if kind in statement_types \
                            and (opened := statement_category(node, language, calls, names)) is not None:
                        self.statements += 1
                        category, statement = opened, self.statements
                    inner = (category, statement, in_call or kind in calls)
                cursor.goto_first_child()
                parents.append(context)
                context = inner
                continue
            # on to the next sibling, else to the next sibling of the nearest ancestor with one
            while not cursor.goto_next_sibling():
                if not parents:
                    return
                cursor.goto_parent()
                context = parents.pop()

    def fill_gaps(self) -> None:
        """Lex any non-whitespace text no tree-sitter leaf covers (error recovery leaves holes)."""
        code, out, pos = self.code, [], 0
        for tok in self.tokens:
            if tok.start > pos and not code[pos:tok.start].isspace():
                out.extend(fallback_tokens(code[pos:tok.start], self.spec, pos))
            out.append(tok)
            pos = tok.end
        if code[pos:].strip():
            out.extend(fallback_tokens(code[pos:], self.spec, pos))
        self.tokens = out


def fallback_tokens(code: str, spec: LanguageSpec, offset: int = 0) -> list[Token]:
    """Tokens of `code` from a plain regular-expression lexer: no statements, category OTHER."""
    out = []
    for m in _fallback_matches(code):
        group = m.lastgroup
        kind = {"comment": COMMENT, "literal": LITERAL, "operator": OPERATOR, "unclosed": OPERATOR}.get(group)
        if kind is None:
            kind = KEYWORD if m.group() in spec.keywords else IDENTIFIER
        category = C.ANNOTATION if kind == COMMENT else C.OTHER
        start = offset + m.start()
        if kind in (COMMENT, LITERAL) and re.search(r"\s", m.group()):
            out.extend(Token(w, s, e, kind, category, -1, False) for w, s, e in _split_words(m.group(), start))
        else:
            out.append(Token(m.group(), start, offset + m.end(), kind, category, -1, False))
    # Anything the pattern missed (e.g. an unterminated string) becomes whitespace-split words.
    covered = "".join(t.text for t in out)
    if covered != re.sub(r"\s+", "", code):
        out = [Token(w, s, e, OPERATOR, C.OTHER, -1, False) for w, s, e in _split_words(code, offset)]
    return out


# The CJK blocks model tokenizers split around, as the Hugging Face fast tokenizer has them (its ranges skip
# U+2A6E0-U+2A6FF and U+2B820-U+2B91F: "0" followed by one of those is one word, one piece).
_CJK = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
        (0x2B920, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
# Python counts these as whitespace; model tokenizers drop them as control characters.
_INVISIBLE = "\x0b\x0c\x1c\x1d\x1e\x1f\x85"


_ASCII_SPLITS = frozenset(c for c in map(chr, range(128)) if c in " \t\n\r" or c.isprintable() and not c.isalnum())


def _splits_words(char: str) -> bool:
    """Whether model tokenizers split words at `char` (BERT's rule: space, punctuation, CJK)."""
    if char in _ASCII_SPLITS:
        return True
    if char.isascii():
        return False
    if char.isspace() and char not in _INVISIBLE or unicodedata.category(char).startswith("P"):
        return True
    return any(low <= ord(char) <= high for low, high in _CJK)


def _merge_glued(tokens: list[Token], code: str) -> list[Token]:
    """Merge tokens that touch inside one word (e.g. `0` and an exotic symbol), so that a text's model
    piece count is the sum of its tokens' counts."""
    out: list[Token] = []
    glued: dict[int, list[str]] = {}  # the texts of each merged token of `out`, joined once at the end
    previous = None
    for token in tokens:
        # most tokens are apart (a space between) or meet at punctuation: settled without slicing the code
        touching = previous is not None and (
            previous.end >= token.start
            or code[previous.end] in _INVISIBLE and not code[previous.end:token.start].strip(_INVISIBLE))
        if touching and not _splits_words(code[token.start]) and not _splits_words(code[previous.end - 1]):
            previous = out[-1] = previous._replace(end=token.end)
            glued.setdefault(len(out) - 1, [out[-1].text]).append(token.text)
        else:
            out.append(token)
            previous = token
    for at, texts in glued.items():
        out[at] = out[at]._replace(text="".join(texts))
    return out


# A unit that opens like a class member (`get size() {`, `static async *from(x) {`, `@bound onClick(e) {`): read
# inside a class first, saving the failed parse of it alone (a third of JavaScript's and TypeScript's functions).
_MEMBER_START = re.compile(
    r"(?:\s*(?://[^\n]*|/\*.*?\*/))*"  # comments first (the owner line the index puts before a method)
    r"\s*(?:@[\w.$]+(?:\([^)]*\))?\s*)*"
    r"(?:(?:static|async|get|set|public|private|protected|readonly|override|abstract|declare|accessor)\s+)*"
    r"\*?\s*#?(?!(?:function|class|if|for|while|switch|return|new|typeof|await|catch|with|do|try|else|yield|delete"
    r"|void|throw|super|import|export)\b)[A-Za-z_$][\w$]*\s*[(<]", re.DOTALL)


def lex(code: str, language: str) -> list[Token]:
    """Lexical tokens of `code` in order. Unparsable code still lexes, with a `ParseWarning`."""
    lexer = _Lexer(code, language)
    if not code.strip():
        return []
    spec = lexer.spec
    member, tried = None, False  # the reading inside a class, and whether it was tried
    if spec.member_context[0] and _MEMBER_START.match(code):  # most likely a class member: that reading first
        tried = True
        member, alone_too = _lex_as_member(code, spec)
        if member is not None and not alone_too:
            return member
    tree = parse(code, lexer.language)
    if tree.root_node.has_error and spec.member_context[0]:
        if not tried:
            member, _ = _lex_as_member(code, spec)
        if member is not None:
            return member
    if tree.root_node.has_error:
        warnings.warn(f"{lexer.language} code has syntax errors; categories near them are approximate",
                      ParseWarning, stacklevel=2)
    lexer.walk(tree.root_node)
    lexer.fill_gaps()
    return _merge_glued(lexer.tokens, code)


def _lex_as_member(code: str, spec: LanguageSpec) -> tuple[list[Token] | None, bool]:
    """The tokens of `code` read inside `spec.member_context` (a class method cut out of its class: `get size()
    {...}`, `static from(x) {...}`), with offsets into `code`, or None where it does not parse there either; and
    whether it may parse alone too (a newline in its header outside the parameters, where statements could end),
    so that the reading alone, which came first, keeps deciding."""
    before, after = spec.member_context
    wrapped = before + code + after
    tree = parse(wrapped, spec.name)
    if tree.root_node.has_error:
        return None, False
    lexer = _Lexer(wrapped, spec.name)
    lexer.walk(tree.root_node)
    lexer.fill_gaps()
    shift, end = len(before), len(before) + len(code)  # the context is ASCII: characters and bytes alike
    tokens = [t._replace(start=t.start - shift, end=t.end - shift) for t in lexer.tokens
              if shift <= t.start and t.end <= end]
    return _merge_glued(tokens, code), _may_parse_alone(tree, lexer, wrapped)


def _may_parse_alone(tree: Tree, lexer: _Lexer, wrapped: str) -> bool:
    """Whether the member read in `tree` has a newline in its header outside its parameter list (or no member
    found): only then can a class member's text also be a valid sequence of statements (a newline may end one)."""
    char = lexer.char or (lambda offset: offset)
    for node in tree.root_node.named_children:
        body = node.child_by_field_name("body")
        for member in body.named_children if body is not None else ():
            parameters, block = member.child_by_field_name("parameters"), member.child_by_field_name("body")
            if parameters is not None and block is not None:
                before_parameters = wrapped[char(member.start_byte):char(parameters.start_byte)]
                return "\n" in before_parameters or "\n" in wrapped[char(parameters.end_byte):char(block.start_byte)]
    return True
