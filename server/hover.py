"""Hover contents: which function the cursor is on, what to say about it, its markdown.

Plain functions and small objects; nothing here knows of LSP. What the hover says follows
`leancode.function_summary` (the same rule as `leancode summarize`): the docstring's first
sentence when there is one, labelled as documentation; else the summarizer's line (the shipped
one, or the one at setting `summarizerPath`, reading the simplified function), labelled as
generated, when it is confident; else only the signature, with a note that no confident summary
exists.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from leancode.function_summary import FunctionSummary, implementation, summarize_units
from leancode.summarizer import Summarizer as Model, default_summarizer_dir, summary_input
from leancode.units import Unit, extract_units, header, overload_stub

logger = logging.getLogger(__name__)

_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
_KEYWORDS_BEFORE_CALL = frozenset({"if", "for", "while", "return", "switch", "catch", "elif", "and", "or", "not",
                                   "in", "print", "assert", "del", "yield", "await", "with", "match", "lambda"})


@dataclass(frozen=True)
class HoverSummarizer:
    """The model the hover asks for undocumented functions; `model` is None when none loaded."""

    model: Model | None

    @property
    def name(self) -> str:
        """What identifies its answers (model and calibrated threshold), for the hover cache."""
        return "none" if self.model is None else f"{self.model.path}@{self.model.threshold}"


# --- finding the function ----------------------------------------------------------------------

def header_end_line(unit: Unit) -> int:
    """The last line of a unit's signature (0-based): where the text before its body ends (its first line when
    no body is found)."""
    head = header(unit)
    return unit.start_line + (head.rstrip().count("\n") if head != unit.code else 0)


def definition_at(units: list[Unit], line: int) -> Unit | None:
    """The innermost unit whose signature (decorators included) spans `line`."""
    found = None
    for unit in units:
        if unit.start_line <= line <= header_end_line(unit):
            if found is None or unit.start_line >= found.start_line:
                found = unit
    return found


def call_at(line_text: str, character: int) -> tuple[str, bool] | None:
    """(the called name, whether it is called on a receiver: `obj.name(`, `Type::name(`) when `character` is on
    an identifier that is called."""
    for match in _IDENTIFIER.finditer(line_text):
        if match.start() <= character <= match.end():
            name = match.group()
            rest = line_text[match.end():]
            if re.match(r"\s*(::<[^>]*>)?\s*\(", rest) and name not in _KEYWORDS_BEFORE_CALL:
                return name, line_text[:match.start()].rstrip().endswith((".", "::", "->"))
            return None
    return None


def unit_named(units: list[Unit], qualified_name: str, near_line: int) -> Unit | None:
    """The unit of that qualified name nearest to `near_line` (a file may have moved lines since indexing)."""
    same = [u for u in units if u.qualified_name == qualified_name]
    return min(same, key=lambda u: abs(u.start_line - near_line)) if same else None


# --- summaries ---------------------------------------------------------------------------------

def load_summarizer(path: str | None, log: Callable[[str], None] = logger.warning) -> HoverSummarizer:
    """The summarizer at `path` (None: the shipped one); none when it fails to load (logged)."""
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


# --- rendering and cache -----------------------------------------------------------------------

FENCE = {"python": "python", "java": "java", "javascript": "javascript", "typescript": "typescript",
         "tsx": "tsx", "go": "go", "rust": "rust"}


def render(unit: Unit, summary: FunctionSummary, simplified: str | None, where: str | None = None) -> str:
    """The hover markdown: the line and its label, then the signature; or the signature, then why no line."""
    fence = FENCE.get(unit.language, "")
    code = f"```{fence}\n{summary.signature}\n```"
    parts = [summary.text, f"*{summary.note}*", code] if summary.text else [code, f"*{summary.note}*"]
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
                   show_simplified: bool, where: str | None = None, siblings: list[Unit] | None = None) -> str:
    """The hover of one function, from the cache when its code (and settings) were seen before. `siblings`:
    the functions of its file, where an `@overload` stub finds its implementation's documentation."""
    implementation_of = implementation(unit, siblings) if siblings and overload_stub(unit) else None
    key = content_key(unit, summarizer.name, method, ratio, show_simplified, where,
                      implementation_of and implementation_of.code)
    cached = cache.get(key)
    if cached is not None:
        return cached
    [summary] = summarize_units([unit], summarizer.model, method, ratio, siblings=siblings)
    simplified = summary_input(unit, method, ratio) if show_simplified and summary.model_reads else None
    text = render(unit, summary, simplified, where)
    cache.put(key, text)
    return text


def units_of(code: str, language: str) -> list[Unit]:
    return extract_units(code, language)
