"""Building an importance table: a model's attention to each token, over a corpus of functions.

`build_table` walks a corpus (source files, directories of them, or a `.jsonl` file of
{"code", "language"[, "summary"]} lines), takes each function without its docstring,
scores its lexical tokens with an `AttentionScorer` and averages them per statement
category in a `TableBuilder`. For `leancode-cross`, a function's docstring (or the
line's "summary") is the target summary the decoder is teacher-forced on.
"""

from __future__ import annotations

import json
import random
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from itertools import islice
from pathlib import Path

from tqdm import tqdm

from leancode.importance import ImportanceTable, TableBuilder
from leancode.languages import language_for_path, spec_for
from leancode.model_tokens import DEFAULT_MODEL_ID, default_model_path
from leancode.sources import FileSkipped, read_source
from leancode.tokens import ParseWarning, lex
from leancode.units import extract_units

from .attention import SCORING_METHODS, AttentionScorer
from .jsonl import read_jsonl

TASKS = {"leancode-cls": "search", "leancode-pooled": "search", "leancode-query": "search", "dietcode": "search",
         "leancode-cross": "summarize"}
# Functions lexed and scored together (the scorer batches them further).
CHUNK = 256


@dataclass(frozen=True)
class Snippet:
    code: str
    summary: str | None = None


HELD_OUT = frozenset({"valid.jsonl", "test.jsonl"})  # a mined directory's held-out splits


def corpus_files(paths: Iterable[str | Path], language: str) -> list[Path]:
    """Source files of `language` (and `.jsonl` files) named by `paths`, sorted; in a directory, never a mined
    held-out split (a table built from it would have seen the functions it is judged on)."""
    files = []
    for path in map(Path, paths):
        if not path.exists():
            raise FileNotFoundError(f"corpus not found: {path}")
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.name not in HELD_OUT
                            and (p.suffix == ".jsonl" or language_for_path(str(p)) == language))
        else:
            files.append(path)  # named explicitly: taken whatever its extension
    return files


def _read(path: Path, language: str) -> str | None:
    """A source file's text as `leancode index` decodes it (BOMs, PEP 263, bad bytes replaced: a file is never
    dropped for one odd byte); None for a binary or unreadable one. Large files are read as before (tables were
    built so)."""
    try:
        return read_source(path, max_bytes=1 << 30, language=language)
    except FileSkipped:
        return None


def file_snippets(path: Path, language: str) -> list[Snippet]:
    """The functions of one file (outermost only: nested ones are part of them)."""
    if path.suffix == ".jsonl":
        rows = read_jsonl(path, required=("code",))
        return [Snippet(r["code"], r.get("summary")) for r in rows
                if str(r.get("language", language)).lower() == language]
    code = _read(path, language)
    if code is None:
        return []
    snippets, end = [], -1
    for unit in extract_units(code, language, as_mined=True):
        if unit.start >= end:
            snippets.append(Snippet(unit.code_without_docstring, unit.docstring))
            end = unit.end
    return snippets


def iter_snippets(files: list[Path], language: str, seed: int | None = None) -> Iterator[Snippet]:
    """Snippets of every file in order; shuffled (files, then each file's units) when `seed` is set."""
    if seed is not None:
        rng = random.Random(seed)
        files = rng.sample(files, len(files))
    for path in files:
        snippets = file_snippets(path, language)
        if seed is not None:
            rng.shuffle(snippets)
        yield from (s for s in snippets if s.code.strip())


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build_table(model_path: str | None, corpus_paths: Iterable[str | Path], language: str, method: str,
                max_functions: int | None = None, batch_size: int = 16, seed: int = 0,
                device: str | None = None, max_length: int | None = None, command: str | None = None,
                progress: bool = True, scorer: AttentionScorer | None = None) -> ImportanceTable:
    """An importance table of `model_path`'s attention (None: the packaged MiniLM) over the corpus;
    `scorer`: that model already loaded for `method` (then `device` and `max_length` are its own)."""
    language = spec_for(language).name
    if method not in SCORING_METHODS:
        raise ValueError(f"unknown method {method!r}; methods: {', '.join(SCORING_METHODS)}")
    corpus_paths = [str(p) for p in corpus_paths]
    files = corpus_files(corpus_paths, language)
    model_path = model_path or default_model_path()
    scorer = scorer or AttentionScorer.load(model_path, method, device=device, max_length=max_length)

    snippets = islice(iter_snippets(files, language, seed if max_functions else None), max_functions)
    builder = TableBuilder()
    with tqdm(total=max_functions, unit="fn", disable=not progress, desc="importance") as bar:
        for chunk in _chunks(snippets, CHUNK):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ParseWarning)
                tokens = [lex(s.code, language) for s in chunk]
            targets = [s.summary for s in chunk] if method in ("leancode-cross", "leancode-query") else None
            scores = scorer.token_scores([s.code for s in chunk], tokens, targets, batch_size=batch_size)
            for t, s in zip(tokens, scores):
                builder.add(t, s)
            bar.update(len(chunk))
    if not builder.functions:
        raise ValueError(f"no {language} functions found in {', '.join(corpus_paths)}")
    if not builder.overall.count:
        raise ValueError(f"no {language} function in {', '.join(corpus_paths)} could be scored"
                         + (" (leancode-query needs docstrings or summaries)" if method == "leancode-query" else ""))

    manifest = {
        "model": DEFAULT_MODEL_ID if model_path == default_model_path() else model_path,
        "corpus": corpus_paths,
        "corpus_sources": _corpus_sources(corpus_paths, language),
        "method": method,
        "language": language,
        "task": TASKS[method],
        "averaging": "category",  # the table also holds the global (category-free) means
        "max_functions": max_functions,
        "seed": seed,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": command,
        "leancode_version": _version(),
    }
    return builder.build(manifest)


def _corpus_sources(corpus_paths: list[str], language: str) -> list[dict]:
    """Where the corpus came from, when it was made by `leancode-train corpus` (its MANIFEST.json)."""
    sources = []
    for path in map(Path, corpus_paths):
        for folder in (path, *path.parents[:2]):
            manifest = folder / "MANIFEST.json"
            if manifest.is_file():
                try:
                    entry = json.loads(manifest.read_text())["languages"][language]
                except (OSError, ValueError, KeyError):
                    break
                sources += [{k: s.get(k) for k in ("name", "kind", "version", "files")} for s in entry["sources"]]
                break
    return sources


def _version() -> str:
    try:
        return metadata.version("leancode-simplify")
    except metadata.PackageNotFoundError:
        return "unknown"
