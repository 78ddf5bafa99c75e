"""Mining a code-summarization corpus: CodeSearchNet-style (code, first sentence) pairs.

``leancode-train mine --out DIR`` takes every function or method that has a docstring
(a Javadoc comment for Java) from

* python: the standard library of the running interpreter and the first
  ``--max-packages`` packages of ``../shared/data/corpus/python-packages.txt``, downloaded
  from PyPI with pip (sdists, wheels as a fallback: `training.corpus` does the fetching);
* java:   every module of the JDK sources in Debian's ``openjdk-17-source``;

and writes, per language, ``DIR/<language>/{train,valid,test}.jsonl`` in the benchmark's
summary format (``../shared/docs/benchmark-format.md``) plus provenance::

    {"idx": "py-5", "code": ..., "language": "python", "summary": "Add one to x.",
     "package": "requests", "path": "src/requests/api.py", "name": "Session.get"}

``code`` is the function without its docstring and ``summary`` the docstring's first
sentence (reST roles, Javadoc inline tags and HTML stripped). Cleaning follows
CodeSearchNet (Husain et al., 2019) and CodeXGLUE's code-to-text filters; the thresholds
are the fields of `Thresholds`, recorded in ``DIR/MANIFEST.json``:

* test code: files under a ``test``/``tests``/``testing`` directory, ``test_*.py``,
  ``*_test.py``, ``conftest.py``, ``*Test(s).java``, ``Test*.java``; functions whose name
  starts with ``test``; vendored copies (``_vendor``, ``vendored``, ``third_party`` ...);
* constructors and standard extension methods (Python dunders, Java constructors,
  ``toString``/``equals``/``hashCode``), as CodeSearchNet does;
* trivial functions: fewer than 3 lines of code (blank, comment, decorator/annotation and
  brace-only lines not counted), or a body that is one trivial statement (``pass``,
  ``...``, ``return x``/``return self.x``/a literal, ``self.x = y``, ``raise
  NotImplementedError``, ``throw new UnsupportedOperationException``);
* over-long functions: more than 256 lexical tokens (``\\w+`` or one punctuation
  character) or more than 2,000 characters;
* summaries that are empty, under 3 or over 40 words, more than 5% non-ASCII (not
  English), with a URL, or TODO/FIXME/deprecated notes;
* duplicates (code equal once all whitespace is removed; the first source in task order
  keeps it: the standard library/JDK, then packages in list order) and any function equal,
  in the same sense, to one of the CoSQA codebase (with or without its decorators).

Splits are by package: a PyPI package, a top-level module of the standard library
(``stdlib:email``) or a JDK package prefix of at most three names (``jdk:java.util.concurrent``)
goes whole to train, valid or test (80/10/10 by a seeded hash of its name).

Per-source results are cached under the work directory (``--work``, default
``DIR/.work``): a rerun skips finished sources and only reassembles the splits. A source
that cannot be downloaded is recorded in the manifest and skipped.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import dataclasses
import datetime as _dt
import gzip
import hashlib
import html
import json
import multiprocessing
import os
import re
import shutil
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Sequence

from tqdm import tqdm

from leancode.units import Unit, extract_units

from .corpus import (MARKER, MAX_FILE_BYTES, _Fetcher, _read_packages, _slug,
                     default_packages_file)

__all__ = [
    "MINER_VERSION", "LANGUAGES", "SPLITS", "Thresholds", "Pair", "SourceResult",
    "first_sentence", "summary_problem", "code_problem", "normalize_code",
    "mine_source", "load_cosqa_keys", "assemble", "split_of", "mine_corpus",
    "default_cosqa_file", "add_mine_parser", "run_mine",
]

#: Bumped whenever mining or cleaning changes, so cached per-source results are redone.
MINER_VERSION = "1"
LANGUAGES = ("python", "java")
SPLITS = ("train", "valid", "test")
SPLIT_FRACTIONS = (0.8, 0.1, 0.1)
DEFAULT_MAX_PACKAGES = 150
IDX_PREFIX = {"python": "py", "java": "java"}
_EXTENSIONS = {"python": ".py", "java": ".java"}

Log = Callable[[str], None]


@dataclass(frozen=True)
class Thresholds:
    """The cleaning thresholds (CodeSearchNet / CodeXGLUE code-to-text style)."""

    min_code_lines: int = 3  # lines of code, blank/comment/decorator/brace-only lines not counted
    max_code_tokens: int = 256  # lexical tokens: \w+ runs and single punctuation characters
    max_code_chars: int = 2000
    min_summary_words: int = 3
    max_summary_words: int = 40
    max_non_ascii: float = 0.05  # share of non-ASCII characters in a summary (not English above)


# ------------------------------------------------------------------------------ summaries

_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "cf", "al", "approx", "resp", "incl", "viz",
                            "ca", "mr", "mrs", "dr", "no", "fig", "eq", "sec", "ch", "ex", "esp"})
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_PY_SECTION = re.compile(
    r"^\s*(?:(?:Args|Arguments|Parameters|Params|Returns?|Yields?|Raises|Examples?|Notes?|See [Aa]lso"
    r"|Attributes|Keyword [Aa]rguments|Other [Pp]arameters|Warnings?|References|Usage|Todo|Methods)"
    r"\s*:?\s*$"
    r"|:(?:param|parameter|arg|argument|key|keyword|type|raises?|except|exception|var|ivar|cvar"
    r"|vartype|returns?|rtype|yields?|ytype|meta)\b"
    r"|>>>|\.\. |@\w+|[-=~^*]{3,}\s*$)")
_SIGNATURE_LINE = re.compile(r"^[\w.]+\(.*\)\s*(?:->.*)?$")
_REST_ROLE = re.compile(r":[\w.+-]+(?::[\w.+-]+)*:`([^`]*)`")
_EPYTEXT = re.compile(r"\b[LCIBMU]\{([^{}]*)\}")
_JAVADOC_INLINE = re.compile(r"\{@(\w+)\s*((?:[^{}]|\{[^{}]*\})*)\}")
_HTML_BLOCK = re.compile(r"<\s*/?\s*(?:p|br|ul|ol|li|pre|table|tr|td|th|h\d|dl|dt|dd|blockquote|hr|div)\b[^>]*>",
                         re.I)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_URL = re.compile(r"https?://|www\.|\bftp://", re.I)
_TODO = re.compile(r"^\W*(?:todo|fixme|xxx|hack|tbd)\b|\bdeprecated\b", re.I)
_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                             "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " "})


def _sentence(paragraph: str) -> str:
    """The first sentence of one paragraph (all of it when no sentence end is found)."""
    for m in _SENTENCE_END.finditer(paragraph):
        word = re.search(r"(\S+)$", paragraph[:m.start()])
        if word is not None and word.group(1).lower().lstrip("(\"'") in _ABBREVIATIONS:
            continue
        return paragraph[:m.end()]
    return paragraph


def _rest_role(m: re.Match) -> str:
    text = m.group(1)
    target = re.match(r"(.*?)\s*<[^<>]*>$", text)  # `text <target>`
    if target and target.group(1):
        return target.group(1)
    text = text.lstrip("!")
    return text[1:].rsplit(".", 1)[-1] if text.startswith("~") else text


def _python_paragraph(docstring: str) -> str:
    lines: list[str] = []
    in_directive = False
    for line in docstring.strip().splitlines():
        stripped = line.strip()
        if not stripped:
            if lines:
                break
            continue
        if not lines and (directive := re.match(r"\.\. ([\w-]+)::", line)):
            if "deprecat" in directive.group(1):  # ".. deprecated:: 2.0" first: a deprecation note
                return "Deprecated."
            in_directive = True  # ".. warning:: ..." before the summary: skip it
            continue
        if in_directive:
            if line[:1].isspace():
                continue
            in_directive = False
        if _PY_SECTION.match(line):
            break
        if not lines and _SIGNATURE_LINE.match(stripped):  # "sorted(iterable) -> list"
            continue
        lines.append(stripped)
    text = " ".join(lines)
    text = _REST_ROLE.sub(_rest_role, text)
    text = _EPYTEXT.sub(r"\1", text)
    text = re.sub(r"``(.+?)``", r"\1", text)
    text = re.sub(r"`([^`]+)`_{0,2}", r"\1", text)
    return re.sub(r"\*\*(\S(?:[^*]*\S)?)\*\*", r"\1", text)


def _javadoc_inline(m: re.Match, keep: list[str]) -> str:
    tag, body = m.group(1), m.group(2).strip()
    if tag in ("inheritDoc", "docRoot"):
        return ""
    if tag in ("link", "linkplain"):
        parts = body.split(None, 1)
        if len(parts) == 2 and not parts[1].startswith("("):
            body = parts[1]  # {@link Foo#bar(int) label}
        else:
            body = re.sub(r"\(.*\)$", "", parts[0] if parts else "")
            body = body.lstrip("#").replace("#", ".")
    keep.append(body)
    return f"\x00{len(keep) - 1}\x00"  # protected from HTML stripping ({@code List<T>})


def _java_paragraph(docstring: str) -> str:
    lines = []
    for line in docstring.strip().splitlines():
        if re.match(r"\s*@\w+", line):  # block tags: @param, @return, @throws ...
            break
        lines.append(line)
    text = "\n".join(lines)
    keep: list[str] = []
    text = _JAVADOC_INLINE.sub(lambda m: _javadoc_inline(m, keep), text)
    text = _HTML_BLOCK.sub("\n\n", text)
    text = _HTML_TAG.sub("", text)
    text = html.unescape(text)
    paragraph = next((p for p in re.split(r"\n\s*\n", text) if p.strip()), "")
    paragraph = re.sub(r"\x00(\d+)\x00", lambda m: keep[int(m.group(1))], paragraph)
    return " ".join(paragraph.split())


def first_sentence(docstring: str | None, language: str) -> str:
    """The summary of a docstring: its first sentence, markup stripped ("" when none)."""
    if not docstring:
        return ""
    paragraph = _java_paragraph(docstring) if language == "java" else _python_paragraph(docstring)
    paragraph = " ".join(paragraph.split())
    return _sentence(paragraph).strip()


def summary_problem(summary: str, thresholds: Thresholds = Thresholds()) -> str | None:
    """Why a summary is not kept (a drop reason), or None."""
    if not summary.strip():
        return "summary_empty"
    if _URL.search(summary):
        return "summary_url"
    if _TODO.search(summary):
        return "summary_todo_deprecated"
    text = unicodedata.normalize("NFKC", summary).translate(_TYPOGRAPHY)
    if sum(ord(c) > 127 for c in text) > thresholds.max_non_ascii * len(text) \
            or not re.search(r"[A-Za-z]", text):
        return "summary_non_english"
    words = len(summary.split())
    if words < thresholds.min_summary_words:
        return "summary_too_short"
    if words > thresholds.max_summary_words:
        return "summary_too_long"
    return None


# ----------------------------------------------------------------------------------- code

_LEXICAL_TOKEN = re.compile(r"\w+|[^\w\s]")
_COMMENT_LINE = re.compile(r"^\s*(?:#|//|/\*|\*)")
_NOISE_LINE = re.compile(r"^\s*(?:@.*|[{}()\[\];,]*)\s*$")  # decorators/annotations, braces
_TRIVIAL_LITERAL = r"(?:None|True|False|null|true|false|-?\d+(?:\.\d+)?[lLfFdD]?|'[^']*'|\"[^\"]*\"|\[\]|\{\}|\(\))"
_TRIVIAL_STATEMENT = re.compile(
    r"^(?:pass|\.\.\.|;|return;?"
    rf"|return\s+(?:[\w.]+|{_TRIVIAL_LITERAL});?"
    r"|(?:self|this)\.\w+\s*=\s*[\w.]+;?"
    r"|raise\s+NotImplementedError\b.*"
    r"|throw\s+new\s+UnsupportedOperationException\s*\(.*\);)$")
_DOCSTRING_PREFIX = re.compile(r"^\s*[rRbBuUfF]{0,2}(\"\"\"|'''|\"|')(?:.|\n)*?(?<!\\)\1\s*;?", re.S)
_DECORATOR_LINES = re.compile(r"^(?:[ \t]*@[^\n]*\n)+")
_SPECIAL_JAVA = frozenset({"toString", "equals", "hashCode"})


def normalize_code(code: str) -> str:
    """The code with every whitespace character removed: the key for dedupe and CoSQA overlap."""
    return "".join(code.split())


def _key(code: str) -> str:
    return hashlib.sha1(normalize_code(code).encode("utf-8")).hexdigest()


def _code_lines(code: str) -> list[str]:
    return [line.strip() for line in code.splitlines()
            if line.strip() and not _COMMENT_LINE.match(line) and not _NOISE_LINE.match(line)]


def _body_statements(unit: Unit) -> list[str]:
    body = unit.body
    if unit.language == "python" and unit.docstring is not None:
        body = _DOCSTRING_PREFIX.sub("", body, count=1)
    else:
        body = body.strip()
        if body.startswith("{") and body.endswith("}"):
            body = body[1:-1]
    return _code_lines(body)


def code_problem(unit: Unit, code: str, thresholds: Thresholds = Thresholds()) -> str | None:
    """Why a function's code (without docstring) is not kept (a drop reason), or None."""
    if len(_code_lines(code)) < thresholds.min_code_lines:
        return "too_few_lines"
    statements = _body_statements(unit)
    if not statements or len(statements) == 1 and _TRIVIAL_STATEMENT.match(statements[0]):
        return "trivial_body"
    if len(code) > thresholds.max_code_chars or len(_LEXICAL_TOKEN.findall(code)) > thresholds.max_code_tokens:
        return "too_long"
    return None


_TEST_DIRS = frozenset({"test", "tests", "testing", "testsuite", "unittests", "unit_tests"})
_VENDOR_DIRS = frozenset({"_vendor", "vendor", "vendored", "_vendored", "third_party", "thirdparty",
                          "_extern", "extern"})


def _file_problem(rel: PurePosixPath) -> str | None:
    dirs = {part.lower() for part in rel.parts[:-1]}
    name = rel.name
    if dirs & _TEST_DIRS or re.match(r"(?:test_.*|.*_tests?|conftest|tests?)\.py$", name) \
            or re.match(r"(?:Test.*|.*Tests?)\.java$", name):
        return "test_file"
    if dirs & _VENDOR_DIRS:
        return "vendored"
    return None


def _special(unit: Unit) -> bool:
    if unit.language == "python":
        return bool(re.fullmatch(r"__\w+__", unit.name))
    scopes = unit.qualified_name.split(".")
    return unit.name in _SPECIAL_JAVA or len(scopes) > 1 and scopes[-2] == unit.name


# ---------------------------------------------------------------------------------- mining

@dataclass(frozen=True)
class Pair:
    """One kept function: the benchmark fields plus provenance and dedupe keys."""

    code: str
    summary: str
    language: str
    package: str  # the split unit: a PyPI package, "stdlib:<module>", "jdk:<package prefix>"
    path: str
    name: str
    key: str  # sha1 of the whitespace-free code
    bare_key: str  # the same without leading decorators/annotations

    def record(self, idx: str) -> dict:
        return {"idx": idx, "code": self.code, "language": self.language, "summary": self.summary,
                "package": self.package, "path": self.path, "name": self.name}


@dataclass
class SourceResult:
    """What mining one source gave: kept pairs, and how many functions each reason dropped."""

    name: str
    language: str
    pairs: list[Pair] = field(default_factory=list)
    drops: Counter = field(default_factory=Counter)
    files: int = 0
    functions: int = 0
    info: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"name": self.name, "language": self.language, "files": self.files,
                "functions": self.functions, "drops": dict(self.drops), "info": self.info,
                "pairs": [dataclasses.asdict(p) for p in self.pairs]}

    @classmethod
    def from_json(cls, data: dict) -> "SourceResult":
        return cls(name=data["name"], language=data["language"], files=data["files"],
                   functions=data["functions"], drops=Counter(data["drops"]), info=data["info"],
                   pairs=[Pair(**p) for p in data["pairs"]])


def _group(grouping: str, package: str, rel: PurePosixPath) -> str:
    """The split unit of a file: the package, a stdlib top-level module or a JDK package prefix."""
    if grouping == "stdlib":
        return f"stdlib:{rel.parts[0].removesuffix('.py')}"
    if grouping == "jdk":  # <module>/java/util/concurrent/X.java
        dirs = rel.parts[1:-1]
        return "jdk:" + (".".join(dirs[:3]) if dirs else rel.parts[0])
    return package


def _source_files(root: Path, language: str) -> list[Path]:
    ext = _EXTENSIONS[language]
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if name.endswith(ext) and not path.is_symlink() and path.is_file():
                files.append(path)
    return files


def mine_source(root: str | os.PathLike, language: str, *, package: str, grouping: str = "package",
                thresholds: Thresholds = Thresholds()) -> SourceResult:
    """Mines the (code, summary) pairs of one unpacked source directory.

    `package` names the source; `grouping` says what a split unit is: "package" (the whole
    source), "stdlib" (each top-level module) or "jdk" (each package prefix of three names).
    Dedupe and CoSQA overlap are not done here but across sources, by `assemble`.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose from {list(LANGUAGES)}")
    root = Path(root)
    result = SourceResult(name=package, language=language)
    for path in _source_files(root, language):
        rel = PurePosixPath(path.relative_to(root).as_posix())
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                continue
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        result.files += 1
        units = extract_units(text, language)
        result.functions += len(units)
        file_problem = _file_problem(rel)
        for unit in units:
            reason = file_problem or _unit_problem(unit, thresholds)
            if reason is None:
                code = unit.code_without_docstring.strip("\n")
                summary = first_sentence(unit.docstring, language)
                reason = code_problem(unit, code, thresholds) or summary_problem(summary, thresholds)
            if reason is not None:
                result.drops[reason] += 1
                continue
            result.pairs.append(Pair(
                code=code, summary=summary, language=language, package=_group(grouping, package, rel),
                path=str(rel), name=unit.qualified_name, key=_key(code),
                bare_key=_key(_DECORATOR_LINES.sub("", code)),
            ))
    return result


def _unit_problem(unit: Unit, thresholds: Thresholds) -> str | None:
    if unit.name.lower().lstrip("_").startswith("test"):
        return "test_function"
    if _special(unit):
        return "special_method"
    if not unit.docstring or not unit.docstring.strip():
        return "no_docstring"
    return None


# -------------------------------------------------------------------------------- assembly

def load_cosqa_keys(path: str | os.PathLike) -> set[str]:
    """The dedupe keys of every function of a CoSQA-style ``codebase.jsonl``."""
    keys = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                code = json.loads(line)["code"]
                keys.add(_key(code))
                keys.add(_key(_DECORATOR_LINES.sub("", code)))
    return keys


def split_of(package: str, seed: int = 0, fractions: Sequence[float] = SPLIT_FRACTIONS) -> str:
    """The split a package (a split unit) goes to, by a seeded hash of its name."""
    digest = hashlib.sha256(f"{seed}:{package}".encode("utf-8")).digest()
    x = int.from_bytes(digest[:8], "big") / 2 ** 64
    edge = 0.0
    for name, fraction in zip(SPLITS, fractions):
        edge += fraction
        if x < edge:
            return name
    return SPLITS[-1]


def assemble(results: Iterable[SourceResult], *, cosqa_keys: set[str] | frozenset[str] = frozenset(),
             seed: int = 0, fractions: Sequence[float] = SPLIT_FRACTIONS
             ) -> tuple[dict[str, list[Pair]], Counter]:
    """Drops CoSQA overlap and duplicates (first source wins) and splits the rest by package.

    Returns the pairs of each split and the drop counts of every reason (the sources' own
    drops included), so that functions seen = sum of drops + sum of split sizes.
    """
    splits: dict[str, list[Pair]] = {name: [] for name in SPLITS}
    drops: Counter = Counter()
    seen: set[str] = set()
    for result in results:
        drops.update(result.drops)
        for pair in result.pairs:
            if pair.key in cosqa_keys or pair.bare_key in cosqa_keys:
                drops["cosqa_overlap"] += 1
            elif pair.key in seen:
                drops["duplicate"] += 1
            else:
                seen.add(pair.key)
                splits[split_of(pair.package, seed, fractions)].append(pair)
    return splits, drops


# ------------------------------------------------------------------------------ pipeline

@dataclass(frozen=True)
class _Task:
    language: str
    name: str
    kind: str  # "stdlib", "pypi", "jdk" or "local"
    grouping: str
    work: str
    cache_key: str
    thresholds: Thresholds
    path: str | None = None  # local sources
    keep_sources: bool = False

    @property
    def cache(self) -> Path:
        return Path(self.work) / "cache" / self.language / f"{_slug(self.kind + '-' + self.name)}.json.gz"


def _read_cache(path: Path, cache_key: str) -> dict | None:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError, EOFError):
        return None
    return data if data.get("cache_key") == cache_key else None


def _run_task(task: _Task) -> dict:
    """Fetches (unless cached), mines and caches one source; never raises for a bad source."""
    if task.kind != "local" and _read_cache(task.cache, task.cache_key) is not None:
        return {"status": "cached"}
    logs: list[str] = []
    target = None
    try:
        if task.kind == "local":
            root, info = Path(task.path), {"kind": "local", "version": None, "origin": task.path}
        else:
            work = Path(task.work)
            (work / "tmp").mkdir(parents=True, exist_ok=True)
            fetcher = _Fetcher(work / "sources", logs.append, work / "tmp")
            if task.kind == "stdlib":
                build = fetcher._python_stdlib
            elif task.kind == "jdk":
                build = lambda sink, tmp: fetcher._java(sink, tmp, modules=None)  # noqa: E731
            else:
                build = lambda sink, tmp: fetcher._pypi(task.name, sink, tmp)  # noqa: E731
            fetcher._source(task.language, task.name, build)
            target = work / "sources" / task.language / _slug(task.name)
            if not (target / MARKER).is_file():
                errors = fetcher.failures.get(task.language) or logs[-1:] or ["unknown error"]
                return {"status": "failed", "error": "; ".join(errors)}
            root, info = target, json.loads((target / MARKER).read_text())
        result = mine_source(root, task.language, package=task.name, grouping=task.grouping,
                             thresholds=task.thresholds)
        result.info = {k: v for k, v in info.items() if k not in ("name",)}
        task.cache.parent.mkdir(parents=True, exist_ok=True)
        partial = task.cache.with_name(task.cache.name + ".partial")
        with gzip.open(partial, "wt", encoding="utf-8") as f:
            json.dump({"cache_key": task.cache_key, **result.to_json()}, f)
        partial.replace(task.cache)
        return {"status": "mined"}
    except Exception as exc:  # one bad source never stops the run
        return {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
    finally:
        if target is not None and not task.keep_sources:
            shutil.rmtree(target, ignore_errors=True)


def _repo_relative(*parts: str) -> Path | None:
    repo = Path(__file__).resolve().parents[1]
    for base in (repo, Path.cwd()):
        candidate = base.joinpath("..", *parts).resolve()
        if candidate.is_file():
            return candidate
    return None


def default_cosqa_file() -> Path | None:
    """``../shared/data/cosqa-dev/codebase.jsonl`` next to the repository, if it exists."""
    return _repo_relative("shared", "data", "cosqa-dev", "codebase.jsonl")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mine_corpus(
    out_dir: str | os.PathLike,
    languages: Iterable[str] = LANGUAGES,
    *,
    packages_file: str | os.PathLike | None = None,
    max_packages: int = DEFAULT_MAX_PACKAGES,
    cosqa: str | os.PathLike | None = None,
    work: str | os.PathLike | None = None,
    stdlib: bool = True,
    jdk: bool = True,
    local_sources: Sequence[str | os.PathLike] = (),
    seed: int = 0,
    workers: int = 4,
    keep_sources: bool = False,
    thresholds: Thresholds = Thresholds(),
    command: str | None = None,
    progress: bool = True,
    log: Log | None = None,
) -> dict:
    """Mines, cleans, dedupes and splits; writes ``out_dir/<language>/*.jsonl`` and the manifest.

    Sources: the standard library (`stdlib`) and the first `max_packages` of `packages_file`
    for python, the JDK (`jdk`) for java, and any `local_sources` directories (each one a
    package, for every language). `cosqa` is a ``codebase.jsonl`` whose functions are
    dropped. Returns the manifest (also written to ``out_dir/MANIFEST.json``).
    """
    log = log or (lambda message: tqdm.write(f"[mine] {message}", file=sys.stderr))
    languages = list(dict.fromkeys(languages))
    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if unknown:
        raise ValueError(f"unknown language(s) {unknown}; choose from {list(LANGUAGES)}")
    t0 = time.monotonic()
    out = Path(out_dir).resolve()
    work_dir = Path(work).resolve() if work is not None else out / ".work"
    work_dir.mkdir(parents=True, exist_ok=True)
    cache_key = hashlib.sha256(json.dumps(
        [MINER_VERSION, dataclasses.asdict(thresholds)]).encode()).hexdigest()[:16]

    cosqa_path = Path(cosqa) if cosqa is not None else default_cosqa_file()
    cosqa_keys: set[str] = set()
    if cosqa_path is not None:
        cosqa_keys = load_cosqa_keys(cosqa_path)
    else:
        log("no CoSQA codebase found: overlap with it is not checked")

    packages: list[str] = []
    pfile = Path(packages_file) if packages_file is not None else default_packages_file()
    if "python" in languages and max_packages > 0:
        if pfile is None:
            raise FileNotFoundError("no package list: pass --packages-file")
        packages = _read_packages(pfile, max_packages, log)

    def task(language, name, kind, grouping, path=None):
        return _Task(language=language, name=name, kind=kind, grouping=grouping, work=str(work_dir),
                     cache_key=cache_key, thresholds=thresholds, path=path, keep_sources=keep_sources)

    tasks: list[_Task] = []
    for language in languages:
        if language == "python":
            if stdlib:
                tasks.append(task("python", "stdlib", "stdlib", "stdlib"))
            tasks += [task("python", name, "pypi", "package") for name in packages]
        elif language == "java" and jdk:
            tasks.append(task("java", "openjdk-17", "jdk", "jdk"))
        for path in local_sources:
            path = Path(path).resolve()
            if not path.is_dir():
                raise FileNotFoundError(f"local source is not a directory: {path}")
            tasks.append(task(language, path.name, "local", "package", str(path)))

    outcomes: dict[_Task, dict] = {}
    counts = Counter()
    with tqdm(total=len(tasks), desc="mine", unit=" sources", disable=not progress or None) as bar:
        def done(t: _Task, outcome: dict) -> None:
            outcomes[t] = outcome
            counts[outcome["status"]] += 1
            if outcome["status"] == "failed":
                log(f"{t.language}: {t.name}: FAILED {outcome['error']}")
            bar.set_postfix(counts, refresh=False)
            bar.update()

        if workers <= 1 or len(tasks) <= 1:
            for t in tasks:
                done(t, _run_task(t))
        else:
            context = multiprocessing.get_context("spawn")
            with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = {pool.submit(_run_task, t): t for t in tasks}
                for future in cf.as_completed(futures):
                    try:
                        outcome = future.result()
                    except Exception as exc:  # a crashed worker
                        outcome = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
                    done(futures[future], outcome)

    manifest_path = out / "MANIFEST.json"
    try:
        previous = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        previous = {}
    generated = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    entries = dict(previous.get("languages", {}))
    for language in languages:
        results, sources, failures = [], [], []
        for t in tasks:
            if t.language != language:
                continue
            outcome = outcomes[t]
            data = _read_cache(t.cache, cache_key) if outcome["status"] != "failed" else None
            if data is None:
                failures.append({"name": t.name, "kind": t.kind,
                                 "error": outcome.get("error", "cache could not be read")})
                continue
            result = SourceResult.from_json(data)
            results.append(result)
            sources.append({"name": t.name, **result.info, "files": result.files,
                            "functions": result.functions, "candidates": len(result.pairs)})
        splits, drops = assemble(results, cosqa_keys=cosqa_keys, seed=seed)
        lang_dir = out / language
        lang_dir.mkdir(parents=True, exist_ok=True)
        prefix = IDX_PREFIX[language]
        number = 0
        for split in SPLITS:
            partial = lang_dir / f"{split}.jsonl.partial"
            with open(partial, "w", encoding="utf-8") as f:
                for pair in splits[split]:
                    f.write(json.dumps(pair.record(f"{prefix}-{number}"), ensure_ascii=False) + "\n")
                    number += 1
            partial.replace(lang_dir / f"{split}.jsonl")
        functions = sum(r.functions for r in results)
        entries[language] = {
            "generated": generated,
            "command": command,
            "functions": functions,
            "pairs": {split: len(splits[split]) for split in SPLITS},
            "packages": {split: len({p.package for p in splits[split]}) for split in SPLITS},
            "drops": dict(sorted(drops.items())),
            "sources": sources,
            "failures": failures,
        }
        log(f"{language}: {functions} functions from {len(sources)} sources "
            f"({len(failures)} failed) -> " + ", ".join(f"{s} {len(splits[s])}" for s in SPLITS))
    manifest = {
        "kind": "leancode summarization corpus",
        "format": "benchmark-format.md code summarization, plus package/path/name provenance",
        "miner_version": MINER_VERSION,
        "generated": generated,
        "command": command,
        "languages": entries,
        "thresholds": dataclasses.asdict(thresholds),
        "split": {"unit": "package (stdlib: top-level module; JDK: package prefix of <= 3 names)",
                  "fractions": dict(zip(SPLITS, SPLIT_FRACTIONS)), "seed": seed,
                  "hash": "sha256(f'{seed}:{package}')"},
        "dedupe": "code with all whitespace removed; the first source in task order keeps it",
        "cosqa": ({"path": str(cosqa_path), "sha256": _sha256(cosqa_path),
                   "functions": sum(1 for line in open(cosqa_path, encoding="utf-8") if line.strip())}
                  if cosqa_path is not None else None),
        "python": sys.version.split()[0],
        "elapsed_s": round(time.monotonic() - t0, 1),
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


# ------------------------------------------------------------------------------------ CLI

def add_mine_parser(subparsers) -> argparse.ArgumentParser:
    """Adds the ``mine`` sub-command to an argparse `subparsers` object."""
    parser = subparsers.add_parser(
        "mine", help="mine (code, first docstring sentence) pairs from PyPI packages, the stdlib and the JDK",
        description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="output directory")
    parser.add_argument("--language", action="append", choices=LANGUAGES, dest="languages",
                        help="language to mine, repeatable (default: python and java)")
    parser.add_argument("--packages-file", type=Path, default=None,
                        help="PyPI package list, one name a line (default: "
                             "../shared/data/corpus/python-packages.txt next to the repository)")
    parser.add_argument("--max-packages", type=int, default=DEFAULT_MAX_PACKAGES, metavar="N",
                        help=f"mine the first N packages of the list (default: {DEFAULT_MAX_PACKAGES})")
    parser.add_argument("--cosqa", type=Path, default=None, metavar="FILE",
                        help="drop functions of this codebase.jsonl (default: "
                             "../shared/data/cosqa-dev/codebase.jsonl next to the repository)")
    parser.add_argument("--work", type=Path, default=None, metavar="DIR",
                        help="downloads and per-source cache, for resuming (default: OUT/.work)")
    parser.add_argument("--source", action="append", default=[], dest="local_sources", metavar="DIR",
                        help="also mine this local directory as one package (repeatable)")
    parser.add_argument("--stdlib", action=argparse.BooleanOptionalAction, default=True,
                        help="mine the Python standard library (default: yes)")
    parser.add_argument("--jdk", action=argparse.BooleanOptionalAction, default=True,
                        help="mine the JDK sources for java (default: yes)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the package split (default: 0)")
    parser.add_argument("--workers", type=int, default=4,
                        help="sources fetched and mined at once (default: 4)")
    parser.add_argument("--keep-sources", action="store_true",
                        help="keep the unpacked sources under the work directory")
    parser.set_defaults(func=run_mine)
    return parser


def run_mine(args: argparse.Namespace) -> int:
    """Runs the ``mine`` sub-command; returns 1 when a language got no pairs at all, else 0."""
    manifest = mine_corpus(
        args.out, args.languages or LANGUAGES, packages_file=args.packages_file,
        max_packages=args.max_packages, cosqa=args.cosqa, work=args.work, stdlib=args.stdlib,
        jdk=args.jdk, local_sources=args.local_sources, seed=args.seed, workers=args.workers,
        keep_sources=args.keep_sources, command=getattr(args, "command", None))
    for language in args.languages or LANGUAGES:
        entry = manifest["languages"][language]
        print(f"{language}: " + ", ".join(f"{s} {entry['pairs'][s]}" for s in SPLITS)
              + f" ({len(entry['sources'])} sources, {len(entry['failures'])} failed)")
    empty = [lang for lang in args.languages or LANGUAGES
             if sum(manifest["languages"][lang]["pairs"].values()) == 0]
    return 1 if empty else 0
