"""Hover contents: which function the cursor is on, its one-line summary, its markdown.

Plain functions and small objects; nothing here knows of LSP. A `HoverSummarizer` turns a
function's code into one line and says where that line came from: the shipped summarizer
(or the one at setting `summarizerPath`) reads the function without its docstring,
simplified; only when no model loads does `FallbackSummarizer` answer from the docstring
or doc comment, else from the name and signature, and say so.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

from leancode.summarizer import default_summarizer_dir, summary_input
from leancode.units import Unit, extract_units

logger = logging.getLogger(__name__)

_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
_KEYWORDS_BEFORE_CALL = frozenset({"if", "for", "while", "return", "switch", "catch", "elif", "and", "or", "not",
                                   "in", "print", "assert", "del", "yield", "await", "with", "match", "lambda"})
MAX_SIGNATURE = 300


@dataclass(frozen=True)
class Summary:
    text: str
    source: str  # what produced `text`: "docstring", "name and signature", "model <name>"


class HoverSummarizer(Protocol):
    """One line of what a function does, from its code (already simplified for a model's input)."""

    name: str

    def summarize(self, code: str, language: str, simplified: str) -> Summary: ...


# --- finding the function ----------------------------------------------------------------------

def header_end_line(unit: Unit) -> int:
    """The last line of a unit's signature (0-based): where the text before its body ends."""
    at = unit.code.find(unit.body) if unit.body else -1
    header = unit.code[:at].rstrip() if at > 0 else unit.code.split("\n", 1)[0]
    return unit.start_line + header.count("\n")


def definition_at(units: list[Unit], line: int) -> Unit | None:
    """The innermost unit whose signature (decorators included) spans `line`."""
    found = None
    for unit in units:
        if unit.start_line <= line <= header_end_line(unit):
            if found is None or unit.start_line >= found.start_line:
                found = unit
    return found


def call_name_at(line_text: str, character: int) -> str | None:
    """The called name when `character` is on an identifier that is called (`name(` or `obj.name(`)."""
    for match in _IDENTIFIER.finditer(line_text):
        if match.start() <= character <= match.end():
            name = match.group()
            rest = line_text[match.end():]
            if re.match(r"\s*(::<[^>]*>)?\s*\(", rest) and name not in _KEYWORDS_BEFORE_CALL:
                return name
            return None
    return None


def unit_named(units: list[Unit], qualified_name: str, near_line: int) -> Unit | None:
    """The unit of that qualified name nearest to `near_line` (a file may have moved lines since indexing)."""
    same = [u for u in units if u.qualified_name == qualified_name]
    return min(same, key=lambda u: abs(u.start_line - near_line)) if same else None


# --- signature and summaries -------------------------------------------------------------------

def signature(unit: Unit) -> str:
    """The declaration without decorators, body or trailing `:`/`{`, on one line."""
    at = unit.code.find(unit.body) if unit.body else -1
    header = unit.code[:at] if at > 0 else unit.code
    lines = [line for line in header.splitlines() if not line.lstrip().startswith(("@", "#["))]
    text = re.sub(r"\s+", " ", " ".join(line.strip() for line in lines)).strip()
    text = re.sub(r"\s*(\{|:|=>\s*\{?|=)\s*$", "", text) if not text.endswith("=>") else text
    text = text.replace("( ", "(").replace(" )", ")")
    return text if len(text) <= MAX_SIGNATURE else text[:MAX_SIGNATURE - 3] + "..."


def first_sentence(docstring: str) -> str:
    """The first sentence of a docstring's first paragraph, on one line."""
    paragraph = re.split(r"\n\s*\n", docstring.strip(), maxsplit=1)[0]
    paragraph = re.sub(r"\s+", " ", paragraph).strip()
    match = re.match(r"(.+?[.!?])(\s|$)", paragraph)
    sentence = match.group(1) if match else paragraph
    return sentence if len(sentence) <= 200 else sentence[:197] + "..."


def identifier_words(name: str) -> str:
    """`load_config` / `loadConfig` / `LoadConfig` -> "load config"."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", name))
    return " ".join(w.lower() for w in re.split(r"[_\s$]+", spaced) if w)


def parameter_names(sig: str) -> list[str]:
    """The parameter names of a signature (best effort: the last identifier before each `:`/`=`/`,`)."""
    open_at = sig.find("(")
    if open_at < 0:
        return []
    depth, current, parts = 0, "", []
    for char in sig[open_at + 1:]:
        if char in "([{<":
            depth += 1
        elif char in ")]}>":
            if depth == 0:
                break
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    names = []
    for part in parts:
        head = re.split(r"[:=]", part, maxsplit=1)[0].strip()
        words = _IDENTIFIER.findall(head)
        if words and words[-1] not in ("self", "cls", "this"):
            names.append(("*" if head.startswith("*") else "") + ("*" if head.startswith("**") else "") + words[-1])
    return names


class FallbackSummarizer:
    """No trained summarizer: the docstring's first sentence, else words from the name and parameters."""

    name = "fallback"

    def summarize(self, code: str, language: str, simplified: str) -> Summary:
        units = extract_units(code, language)
        unit = units[0] if units else None
        if unit is not None and unit.docstring and unit.docstring.strip():
            return Summary(first_sentence(unit.docstring), "docstring")
        if unit is None:
            return Summary("", "name and signature")
        params = ", ".join(parameter_names(signature(unit)))
        return Summary(f"`{unit.name}({params})`: {identifier_words(unit.name)}", "name and signature")


class ModelSummarizer:
    """A trained summarizer (LeanCode's, or any Hugging Face seq2seq directory), reading simplified code."""

    def __init__(self, path: str | Path | None = None):
        from leancode.summarizer import Summarizer as Model

        self._model = Model(path)
        self.name = f"model {self._model.name}"

    def summarize(self, code: str, language: str, simplified: str) -> Summary:
        text = self._model.summarize([simplified])[0]  # one line, whitespace collapsed
        if not text:  # the model said nothing: the labelled fallback rather than an empty hover
            return FallbackSummarizer().summarize(code, language, simplified)
        return Summary(text, self.name)


def load_summarizer(path: str | None, log: Callable[[str], None] = logger.warning) -> HoverSummarizer:
    """The summarizer at `path` (None: the shipped one); the labelled fallback when it fails to load (logged)."""
    if path or default_summarizer_dir().is_dir():
        try:
            return ModelSummarizer(path)
        except Exception as error:  # any failure to load leaves the labelled fallback in place
            log(f"leancode: summarizer at {path} could not be loaded ({type(error).__name__}: {error}); "
                "using the docstring / name fallback")
    return FallbackSummarizer()


# --- rendering and cache -----------------------------------------------------------------------

FENCE = {"python": "python", "java": "java", "javascript": "javascript", "typescript": "typescript",
         "tsx": "tsx", "go": "go", "rust": "rust"}


def render(unit: Unit, summary: Summary, simplified: str | None, where: str | None = None) -> str:
    """The hover markdown: summary (with its source), signature, optionally the simplified code."""
    fence = FENCE.get(unit.language, "")
    parts = []
    if summary.text:
        parts.append(f"{summary.text}\n\n*summary from {summary.source}*")
    else:
        parts.append("*no summary*")
    parts.append(f"```{fence}\n{signature(unit)}\n```")
    if where:
        parts.append(f"defined in `{where}`")
    if simplified is not None:
        parts.append(f"simplified code the model reads:\n```{fence}\n{simplified.rstrip()}\n```")
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
                   show_simplified: bool, where: str | None = None) -> str:
    """The hover of one function, from the cache when its code (and settings) were seen before."""
    key = content_key(unit, summarizer.name, method, ratio, show_simplified, where)
    cached = cache.get(key)
    if cached is not None:
        return cached
    needs_simplified = show_simplified or not isinstance(summarizer, FallbackSummarizer)
    simplified = summary_input(unit, method, ratio) if needs_simplified else ""
    summary = summarizer.summarize(unit.code, unit.language, simplified)
    text = render(unit, summary, simplified if show_simplified else None, where)
    cache.put(key, text)
    return text


def units_of(code: str, language: str) -> list[Unit]:
    return extract_units(code, language)
