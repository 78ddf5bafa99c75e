"""Hover contents: which function the cursor is on, what to say about it, its markdown.

Plain functions and small objects; nothing here knows of LSP. What the hover says follows
`leancode.function_summary` (the same rule as `leancode summarize`): the docstring's first
sentence when there is one, labelled as documentation; else that of the method it overrides or of a similar
documented function, labelled as such; else, with setting `generatedSummaries`, the summarizer's line (the shipped
one, or the one at setting `summarizerPath`, reading the simplified function), labelled as
generated, when it is confident; else only the signature, with a note saying why there is no line.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from leancode import parse_pool
from leancode.declaration_files import with_declaration_file_docs
from leancode.function_summary import SHOW_GENERATED, FunctionSummary, implementation, summarize_units
from leancode.summarizer import BankSummarizer, Summarizer as Model, default_summarizer_dir, summary_input
from leancode.units import Unit, declaration_line_index, header, overload_stub

logger = logging.getLogger(__name__)

_IDENTIFIER = re.compile(r"(?!\d)[\w$]+")  # any script's letters (`éditer`, `计算`), not a number
_KEYWORDS_BEFORE_CALL = frozenset({"if", "for", "while", "return", "switch", "catch", "elif", "and", "or", "not",
                                   "in", "print", "assert", "del", "yield", "await", "with", "match", "lambda"})


@dataclass(frozen=True)
class HoverSummarizer:
    """The model the hover asks for undocumented functions; `model` is None when none loaded. `turn`: held by the
    hover whose line the model writes (it writes one at a time anyway)."""

    model: Model | BankSummarizer | None
    turn: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @property
    def name(self) -> str:
        """What identifies its answers (model, calibrated threshold, summary bank), for the hover cache."""
        if self.model is None:
            return "none"
        bank = getattr(self.model, "bank", None)  # any model with generate() serves; only ours has a bank
        bank = bank and f"+bank@{bank.threshold}/{bank.manifest.get('generated')}"
        return f"{self.model.path}@{self.model.threshold}{bank or ''}"


# --- finding the function ----------------------------------------------------------------------

def header_end_line(unit: Unit) -> int:
    """The last line of a unit's signature (0-based): where the text before its body ends (its first line when
    no body is found)."""
    head = header(unit)
    return unit.start_line + (head.rstrip().count("\n") if head != unit.code else 0)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as LSP breaks lines


def offset_in(text: str, line: int, character: int) -> int:
    """The index in `text` of a line's character (its index in the line)."""
    start = 0
    for line_break in itertools.islice(_LINE_BREAK.finditer(text), line):
        start = line_break.end()
    return start + character


def definition_at(units: list[Unit], line: int, offset: int | None = None) -> Unit | None:
    """The innermost unit whose signature (decorators included) spans `line`; given `offset` (the cursor's index in
    the text, `offset_in`), the one of those that holds it (`f = lambda: 1; g = lambda: 2`), none where none does: an
    arrow function passed later on the line is not what the cursor before it is on (defu's `console.log(defu({
    onReady: () => true }))` hovered `onReady` on `log`)."""
    on_line = [unit for unit in units if unit.start_line <= line <= header_end_line(unit)]
    holding = on_line if offset is None else [unit for unit in on_line if unit.start <= offset < unit.end]
    return max(holding, key=lambda unit: (unit.start_line, unit.start), default=None)


def in_body(unit: Unit, text: str, line: int, character: int) -> bool:
    """Whether (line, character index) of `text` lies in `unit`'s body rather than its header: a call there
    (`func use(u T) T { return u.Flip() }`) is one the function makes, not a decorator of it."""
    head = header(unit)
    if head == unit.code:  # no body found
        return False
    body_start = unit.start + len(head)
    body_line = unit.start_line + head.count("\n")
    return line > body_line or line == body_line and character >= body_start - (text.rfind("\n", 0, body_start) + 1)


def in_decorators(unit: Unit, line: int) -> bool:
    """Whether `line` lies among the decorators, annotations or attributes before `unit`'s declaration line: a name
    there is the decorator's (`@retry`, `@retry(stop=stop_after(3))`), not the function's."""
    return line - unit.start_line < declaration_line_index(unit.code)


_DECORATOR_BEFORE = re.compile(r"@\s*((?:[\w$]+\s*\.\s*)*)$")  # `@`, `@tenacity.`: read on 200 characters


def decorator_at(line_text: str, character: int) -> tuple[str, str | None, str | None] | None:
    """As `call_at`, for a decorator written without a call (`@retry`, `@tenacity.retry`): its name, receiver and
    separator."""
    if (match := _identifier_at(line_text, character)) is None \
            or (before := _DECORATOR_BEFORE.search(line_text[max(0, match.start() - 200):match.start()])) is None:
        return None
    receivers = [part.strip() for part in before.group(1).split(".") if part.strip()]
    return match.group(), receivers[-1] if receivers else None, "." if receivers else None


_TYPE_ARGUMENTS = {"typescript": "<", "tsx": "<", "java": "<", "rust": "<", "go": "["}  # what opens them
# A JavaScript function called through its own methods: `dispatchRequest.call(this, config)`, `fn.apply(`, `fn.bind(`.
_CALLED_THROUGH = re.compile(r"\s*\.\s*(?:call|apply|bind)\s*(?=\()")
_JS = frozenset({"javascript", "typescript", "tsx"})
_CLOSERS = {"<": ">", "[": "]"}


def _closes(text: str, at: int, opener: str) -> bool:
    return text[at] == _CLOSERS[opener] and text[at - 1:at] not in ("-", "=")  # not `->`, `=>`


def _past_type_arguments(text: str, opener: str) -> str:
    """`text` after the type arguments it opens with (`<K, Vec<V>>`), or all of it."""
    if not text.startswith(opener):
        return text
    depth = 0
    for at, char in enumerate(text):
        depth += (char == opener) - _closes(text, at, opener)
        if depth == 0:
            return text[at + 1:]
    return text


def _before_type_arguments(text: str, opener: str | None) -> str:
    """`text` before the type arguments it ends with (`Foo.<T>`: `Foo.`; Rust's `Vec::<u8>`: `Vec`), or all of it."""
    end = len(text.rstrip())
    if not opener or not end or not _closes(text, end - 1, opener):
        return text
    depth = 0
    for at in reversed(range(end)):
        depth += _closes(text, at, opener) - (text[at] == opener)
        if depth == 0:
            return _without_suffix(text[:at].rstrip(), "::")
    return text


# The patterns below are linear: `(.*?)\s*(\.|::|->)\s*$` read the spaces after each character again, and
# `\s*(::)?\s*$` each split of them (a line of 10,000 spaces hung the hover for minutes); a receiver is matched from a
# name's start only (`(?<![\w$])`), not again from each of its letters.
_RECEIVER = re.compile(r"(?<![\w$])\d*((?!\d)[\w$]+)\s*(\(\s*\))?$")
_SEPARATORS = (".", "::", "->")
_JSX = frozenset({"tsx", "javascript"})  # where `<Name` opens an element (in TypeScript's .ts, a cast)
_JSX_AFTER_NAME = re.compile(r"[\s/>]|$")  # then its props, the tag's end or the line's
# `<` or `</` opening a tag: at the line's start or after what no type's or comparison's left side ends with (a name,
# `)`, `]`, `.`: `useState<State>(`, `a<Limit`)
_JSX_OPENS = re.compile(r"(?:^|[^\w$)\].])</?$")
_TYPE_PARAMETER = re.compile(r"\s+extends\b|\s*,")  # `<T extends object>(`, `<T,>(`: a generic's parameter


_CONSTRUCTED = re.compile(r"(?<![\w$.])(?:new\s+)?(?:(super)|([A-Z][\w$]*))\s*\((?:[^()]|\([^()]*\))*\)\s*$")
MAX_CONSTRUCTED_CHARS = 300  # of the line before the call, read for the object it makes


def _without_suffix(text: str, suffix: str) -> str:
    """`text` without `suffix` and the spaces before it, where it ends with it."""
    return text[:-len(suffix)].rstrip() if text.endswith(suffix) else text


def call_at(line_text: str, character: int, language: str = "") -> tuple[str, str | None, str | None] | None:
    """(the called name, its receiver, the separator) when `character` is on an identifier that is called. The
    receiver and separator are None for a plain call `name(`; for `obj.name(`, `Type::name(`, `super().name(` the
    last identifier before the separator (`obj`, `Type`, `super`; "" when there is none, as in `f(x).name(`) and the
    separator (".", "::", "->"). Type arguments are read past: `id<number>(`, `parse::<Vec<u8>>(`,
    `Foo.<T>bar(`, `Vec::<u8>::new(`, Go's `Map[int](`; and a JavaScript function called through `.call(`,
    `.apply(` or `.bind(` is called, and a React component named by a JSX tag, `<Icon size={2} />` (TSX, JSX)."""
    opener = _TYPE_ARGUMENTS.get(language)
    if language in _JS and line_text[character:character + 1] == "#":  # on a private name's `#`
        character += 1
    if (match := _identifier_at(line_text, character)) is None:
        return None
    start = match.start() - (language in _JS and line_text[match.start() - 1:match.start()] == "#")  # `this.#run(`
    name = line_text[start:match.end()]
    rest = line_text[match.end():]
    opened = line_text[max(0, start - 3):start]  # `<Icon`, `</Icon`
    if language in _JSX and name[:1].isupper() and _JSX_OPENS.search(opened) and _JSX_AFTER_NAME.match(rest) \
            and not _TYPE_PARAMETER.match(rest):
        return name, None, None
    if opener:
        rest = _past_type_arguments(re.sub(rf"^\s*(::\s*)?(?={re.escape(opener)})", "", rest), opener)
    if language in _JS:
        rest = _CALLED_THROUGH.sub("", rest, count=1)
    if not re.match(r"\s*\(", rest) or name in _KEYWORDS_BEFORE_CALL:
        return None
    before = _before_type_arguments(line_text[:start], opener).rstrip()
    separator = next((s for s in _SEPARATORS if before.endswith(s)), None)
    if separator is None:
        return name, None, None
    # (a Go receiver's brackets index a value, `e[0].Error()`, as no type's arguments do there)
    object_text = _before_type_arguments(_without_suffix(before, separator), opener if language != "go" else None)
    if receiver := _RECEIVER.search(object_text):
        return name, receiver.group(1), separator
    # an object the line makes: a class called (`Schema(Use(int)).validate(`, `new Widget().draw(`): its method;
    # Python's `super(Evolver, self).append(`: a base's
    made = _CONSTRUCTED.search(object_text[-MAX_CONSTRUCTED_CHARS:])
    return name, (made.group(2) or "super") if made else "", separator


# A receiver written as a member of another object: `g.wg` of `g.wg.Wait(`, `self.core` of `self.core.swap(`
_MEMBER_RECEIVER = re.compile(r"([A-Za-z_$][\w$]*)\s*(?:\??\.\s*[A-Za-z_$#][\w$]*\s*)+\??\.\s*$")


def receiver_root(line_text: str, character: int) -> str:
    """The first name of the receiver of the call `character` is on, where that receiver is a member of another
    object (`g` of `g.wg.Wait(`); "" otherwise."""
    if (match := _identifier_at(line_text, character)) is None:
        return ""
    found = _MEMBER_RECEIVER.search(line_text[max(0, match.start() - 200):match.start()])
    return found.group(1) if found else ""


def _identifier_at(line_text: str, character: int) -> re.Match | None:
    """The identifier of `line_text` that `character` is on (or just after)."""
    return next((m for m in _IDENTIFIER.finditer(line_text) if m.start() <= character <= m.end()), None)


# The words that make a name the one a definition gives, not a call: where syntax errors hide a definition from the
# parser (`def load(path:` being typed), its name would otherwise be resolved to another function of that name.
# Read on the last 200 characters before the name, so each pattern is linear in the line.
_DEFINED_AFTER = {
    "python": re.compile(r"\bdef\s+$"),
    "go": re.compile(r"\bfunc\s*(\([^()]*\)\s*)?$"),  # `func (r *T) name(`
    "rust": re.compile(r"\bfn\s+$"),
    **dict.fromkeys(_JS, re.compile(r"\bfunction\s*\*?\s*$")),
}
# A JavaScript or TypeScript method (`async load(path) {`) and a Java method (`List<T> load(`: a type before it).
_MEMBER_MODIFIERS = re.compile(r"^\s*((static|async|get|set|public|private|protected|override|readonly|abstract)\s+)*"
                               r"\*?\s*$")
_MEMBER_REST = re.compile(r"\s*\([^()]*\)\s*(:[^{};=()]*)?\{")
_JAVA_TYPE_BEFORE = re.compile(r"(?<![\w$])([A-Za-z_$][\w$]*)\s*(<[^<>()=;]*(<[^<>()=;]*>[^<>()=;]*)*>\s*)?"
                               r"(\[\s*\]\s*)*$")
_JAVA_NOT_TYPES = frozenset({"return", "new", "throw", "else", "case", "yield", "assert", "instanceof", "do"})


def defined_name_at(line_text: str, character: int, language: str) -> str | None:
    """The name at `character` where `line_text` defines it (`def load(`, `func (s *S) Load(`, `void load(`), else
    None. Read from the line alone, so it holds in a file the parser cannot read."""
    if (match := _identifier_at(line_text, character)) is None:
        return None
    before = line_text[max(0, match.start() - 200):match.start()]
    rest = line_text[match.end():match.end() + 200]
    defined = ((pattern := _DEFINED_AFTER.get(language)) is not None and pattern.search(before)
               or language in _JS and _MEMBER_MODIFIERS.match(before) and _MEMBER_REST.match(rest)
               or language == "java" and re.match(r"\s*\(", rest) and (java_type := _JAVA_TYPE_BEFORE.search(before))
               and java_type.group(1) not in _JAVA_NOT_TYPES)
    return match.group() if defined else None


# --- summaries ---------------------------------------------------------------------------------

def load_summarizer(path: str | None, log: Callable[[str], None] = logger.warning,
                    generated: bool = SHOW_GENERATED) -> HoverSummarizer:
    """The summarizer at `path` (None: the shipped one); none when it fails to load (logged). Without `generated`
    (the model's lines are off), the summary bank alone: no model loads."""
    if not generated:
        return HoverSummarizer(BankSummarizer())
    if path and not (Path(path).expanduser() / "config.json").is_file():
        log(f"leancode: summarizerPath {path} is not a model directory (no config.json there); hovers show "
            "documentation and signatures only")
        return HoverSummarizer(None)
    if path or default_summarizer_dir().is_dir():
        try:
            return HoverSummarizer(Model(path))
        except Exception as error:  # any failure to load leaves documentation and signatures only
            log(f"leancode: summarizer at {path} could not be loaded ({type(error).__name__}: {error}); "
                "hovers show documentation and signatures only")
    return HoverSummarizer(None)


class HoverCancelled(Exception):
    """The hover's request was cancelled while it waited for its turn at the summarizer."""


class SummarizerTurn:
    """The summarizer as one hover uses it: it generates in the hover's turn (`HoverSummarizer.turn`), and not at
    all once the hover's request was cancelled (`cancelled()`) while it waited, so that a burst of hovers the
    client gave up does not keep the one it still waits for behind the model."""

    def __init__(self, summarizer: HoverSummarizer, cancelled: Callable[[], bool]):
        self.model, self.turn, self.cancelled = summarizer.model, summarizer.turn, cancelled

    def __getattr__(self, name: str):  # all but generate() is the model's own
        return getattr(self.model, name)

    def generate(self, *args, **kwargs):
        with self.turn:
            if self.cancelled():
                raise HoverCancelled
            return self.model.generate(*args, **kwargs)


# --- rendering and cache -----------------------------------------------------------------------

FENCE = {"python": "python", "java": "java", "javascript": "javascript", "typescript": "typescript",
         "tsx": "tsx", "go": "go", "rust": "rust"}
MATCHED_BY_NAME = "(matched by name{}; the receiver's type is not checked)"
_CODE_SPAN = re.compile(r"(`[^`]+`)")  # a simple inline code span: markdown and HTML are literal in it
_MARKUP = re.compile(r"[\\`*_\[\]<>&~]")
_BLOCK_START = re.compile(r"^(\d{1,9}(?=[.)](\s|$))|(?=[-+](\s|$)|#))")  # a list item or a heading


def escape_markdown(text: str) -> str:
    """`text` (one line) as literal markdown: emphasis, links, HTML (`<`, `>`, `&`) and a list or heading marker at
    its start are backslash-escaped; simple inline `code` spans stay code."""
    parts = _CODE_SPAN.split(text)
    parts[::2] = [_MARKUP.sub(r"\\\g<0>", part) for part in parts[::2]]
    return _BLOCK_START.sub(r"\1\\", "".join(parts), count=1)


def fenced(code: str, language: str) -> str:
    """A fenced code block longer than any run of backticks in `code`, which therefore cannot close it."""
    fence = "`" * max(3, 1 + max(map(len, re.findall("`+", code)), default=0))
    return f"{fence}{language}\n{code}\n{fence}"


def render(unit: Unit, summary: FunctionSummary, simplified: str | None, where: str | None = None,
           matched_by_name: bool = False, overloads_left: int = 1, alternatives: int = 0) -> str:
    """The hover markdown: the line and its label, then the signature; or the signature, then why no line.
    `where`: the file it is defined in, when not the hovered one; `matched_by_name`: it was found by the called
    name alone, of `alternatives` + 1 functions so named; `overloads_left`: of the overloads taking the call's number
    of arguments, this is the first."""
    fence = FENCE.get(unit.language, "")
    code = fenced(summary.signature, fence)
    note = f"*{summary.note}*"
    parts = [escape_markdown(summary.text), note, code] if summary.text else [code, note]
    if where or matched_by_name:
        parts.append((f"defined in `{where}`" if where else "defined in this file")
                     + (" " + MATCHED_BY_NAME.format(f", one of {alternatives + 1} so named" if alternatives else "")
                        if matched_by_name else ""))
    if overloads_left > 1:
        parts.append(f"the first of {overloads_left} overloads that take this many arguments (the argument types "
                     "are not checked)")
    if simplified is not None:
        parts.append("simplified code the model reads:\n" + fenced(simplified.rstrip(), fence))
    return "\n\n".join(parts)


def content_key(unit: Unit, *config) -> str:
    digest = hashlib.sha256()
    for part in (unit.language, unit.code, *map(str, config)):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


class HoverCache:
    """Rendered hovers by content hash of the function (and the settings that shape them); LRU, thread-safe."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._items: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: str) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def hover_markdown(unit: Unit, summarizer: HoverSummarizer, cache: HoverCache, method: str, ratio: float,
                   show_simplified: bool, where: str | None = None, siblings: list[Unit] | None = None,
                   matched_by_name: bool = False, overloads_left: int = 1, alternatives: int = 0,
                   cancelled: Callable[[], bool] = lambda: False, generated: bool = SHOW_GENERATED) -> str:
    """The hover of one function, from the cache when its code (and settings) were seen before. `siblings`:
    the functions of its file, where an `@overload` stub finds its implementation's documentation; `generated`:
    the model's line where no documentation describes it (`function_summary.summarize_units`).
    HoverCancelled when `cancelled()` became true before the summarizer's turn came."""
    implementation_of = implementation(unit, siblings) if siblings and overload_stub(unit) else None
    key = content_key(unit, summarizer.name, method, ratio, show_simplified, where, matched_by_name, overloads_left,
                      alternatives, implementation_of and implementation_of.code, unit.inherited_doc, generated,
                      unit.docstring, unit.comment, unit.class_doc)  # (the last three: text outside `unit.code`)
    cached = cache.get(key)
    if cached is not None:
        return cached
    model = None if summarizer.model is None else SummarizerTurn(summarizer, cancelled)
    [summary] = summarize_units([unit], model, method, ratio, siblings=siblings, generated=generated)
    simplified = summary_input(unit, method, ratio) if show_simplified and summary.model_reads else None
    text = render(unit, summary, simplified, where, matched_by_name, overloads_left, alternatives)
    cache.put(key, text)
    return text


def units_of(code: str, language: str, where: str | None = None, path: Path | None = None) -> list[Unit]:
    """The functions of a buffer or file, read in a worker within its bounds (else ParseFailed, a FileSkipped): the
    hover's later parses of the same text in this process (comments, calls) are safe. Syntax errors are told as in
    `where`, the file `path`, whose declaration file describes a JavaScript file's functions
    (`declaration_files`)."""
    return with_declaration_file_docs(parse_pool.units(code, language, where), path)
