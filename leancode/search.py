"""Ranking functions for a natural-language query: dense cosine similarity, optionally fused with BM25.

Dense: one float32 matrix of normalised vectors, one matrix-vector product, and
`np.argpartition` for the top candidates. Hybrid: BM25 (`bm25s`) over the
*lexical terms* of each function (identifiers split at camelCase and snake_case,
lowercased, plus the words of docstrings and comments), fused with the dense
ranking by reciprocal-rank fusion (RRF). Nothing here knows of repositories,
caches or the command line: `rank(query_vector, query_text, index, hybrid, top)`
works on any codebase, e.g. a benchmark's.

What a user is shown (`search`): tests and benchmarks rank below the code they test
(unless asked for, or the query names them), and Python `@overload` stubs fold into
their implementation (it takes the best score of the group).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Protocol, Sequence

import numpy as np

from .languages import LANGUAGES

if TYPE_CHECKING:
    from .index_store import IndexedUnit

# Reciprocal-rank fusion constant (Cormack et al. 2009) and how deep each ranking goes into the fusion.
RRF_K = 60
FUSION_DEPTH = 100

_WORD = re.compile(r"[A-Za-z0-9_]+")
# One piece of an identifier: "HTTPServer" -> HTTP, Server; "parse2json" -> parse, 2, json.
_PIECE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_STOPWORDS = frozenset(
    "a an and are as at be by for from how i if in into is it its of on or that the this to was what when "
    "where which with self cls this none null true false".split())


@lru_cache(maxsize=None)
def _keywords(language: str | None) -> frozenset[str]:
    spec = LANGUAGES.get(language) if language else None
    return frozenset(k.lower() for k in spec.keywords) if spec is not None else frozenset()


def _stem(term: str) -> str:
    """A light plural strip, so "lines" meets "line" and "entries" meets "entry"."""
    if len(term) > 4 and term.endswith("ies"):
        return term[:-3] + "y"
    if len(term) > 3 and term.endswith("s") and not term.endswith(("ss", "us", "is")):
        return term[:-1]
    return term


def split_identifier(word: str) -> list[str]:
    """The lowercased pieces of an identifier: "HTTPServer" -> http, server; "parse2json" -> parse, 2, json."""
    return [p.lower() for p in _PIECE.findall(word)]


def lexical_terms(text: str, language: str | None = None) -> list[str]:
    """The BM25 terms of code or a query: split identifiers, lowercased, light-stemmed.

    A compound identifier gives its pieces and also the pieces joined ("TextWrapper"
    -> text, wrapper, textwrapper), so both "wrapper" and "textwrapper" find it.
    Keywords of `language` and English stopwords are dropped.
    """
    drop = _STOPWORDS | _keywords(language)
    terms = []
    for word in _WORD.findall(text):
        pieces = split_identifier(word)
        if len(pieces) > 1:
            pieces.append("".join(pieces))
        terms.extend(_stem(p) for p in pieces if len(p) > 1 and p not in drop)
    return terms


# Extra copies of a function's own (qualified) name among its BM25 terms: the largest of 1-3 that raised hybrid MRR
# on Python's and Java's validation pairs (`bench/hybrid_ranking.py --name-weight 0 1 2 3`, BENCHMARKS.md).
NAME_WEIGHT = 3
BM25_B = 0.75  # BM25's length normalisation (bm25s's default)


def unit_terms(code: str, language: str, qualified_name: str, name_weight: int = NAME_WEIGHT) -> list[str]:
    """A function's BM25 terms: those of its code, and its name's `name_weight` times more (a field weight:
    the name says what the function is, a parameter named alike does not)."""
    return lexical_terms(code, language) + lexical_terms(qualified_name.replace(".", " "), language) * name_weight


class SearchIndex:
    """What ranking needs: one (n, dim) matrix of normalised vectors and, for hybrid, each row's terms.

    The BM25 index is built on first use (a second or so for 50,000 functions) and kept.
    """

    def __init__(self, vectors: np.ndarray, terms: Sequence[Sequence[str]] | None = None, bm25_b: float = BM25_B):
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.bm25_b = bm25_b
        if self.vectors.ndim != 2:
            raise ValueError(f"vectors must be a 2-d matrix, got shape {self.vectors.shape}")
        if terms is not None and len(terms) != len(self.vectors):
            raise ValueError(f"{len(terms)} term lists for {len(self.vectors)} vectors")
        self._terms = terms
        self._bm25 = None

    @classmethod
    def from_code(cls, vectors: np.ndarray, code: Iterable[tuple[str, str]]) -> "SearchIndex":
        """From vectors and the (code, language) pairs they encode."""
        return cls(vectors, [lexical_terms(text, language) for text, language in code])

    def __len__(self) -> int:
        return len(self.vectors)

    @property
    def bm25(self):
        if self._bm25 is None:
            if self._terms is None:
                raise ValueError("this SearchIndex has no terms, so it cannot rank by BM25")
            import bm25s  # imported here: dense-only search never pays for it

            bm25 = bm25s.BM25(b=self.bm25_b)
            # An empty document would upset bm25s; a placeholder term matches no query term.
            bm25.index([list(t) or ["\0"] for t in self._terms], show_progress=False)
            self._bm25 = bm25
        return self._bm25


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores along the last axis (each row of a matrix), best first (ties: lower
    index first)."""
    n = scores.shape[-1]
    k = max(0, min(k, n))
    if k < n:
        part = np.argpartition(-scores, k - 1, axis=-1)[..., :k] if k else np.empty(scores.shape[:-1] + (0,), int)
    else:
        part = np.broadcast_to(np.arange(n), scores.shape).copy()
    order = np.lexsort((part, -np.take_along_axis(scores, part, axis=-1)), axis=-1)
    return np.take_along_axis(part, order, axis=-1)


def rank(query_vector: np.ndarray, query_text: str, index: SearchIndex, hybrid: bool = False, top: int = 10,
         mask: np.ndarray | None = None, demote: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The `top` rows of `index` for a query, best first, as (row, score).

    Dense: score is the cosine similarity (vectors are normalised). Hybrid: the dense
    ranking and the BM25 ranking of `query_text` (FUSION_DEPTH deep each) are fused by
    RRF, score = sum of 1 / (RRF_K + rank); functions no query term matches take part
    through the dense ranking alone. `mask` (bool, one per row) restricts the candidates;
    rows where `demote` is true come after all others (each group ranked alone).
    """
    if demote is None or not demote.any():
        return _rank(query_vector, query_text, index, hybrid, top, mask)
    allowed = np.ones(len(index), bool) if mask is None else mask
    first = _rank(query_vector, query_text, index, hybrid, top, allowed & ~demote)
    if len(first) >= top:
        return first
    return first + _rank(query_vector, query_text, index, hybrid, top - len(first), allowed & demote)


def _rank(query_vector: np.ndarray, query_text: str, index: SearchIndex, hybrid: bool, top: int,
          mask: np.ndarray | None) -> list[tuple[int, float]]:
    if len(index) == 0 or top <= 0:
        return []
    dense = index.vectors @ np.asarray(query_vector, dtype=np.float32).reshape(-1)
    if mask is not None:
        dense = np.where(mask, dense, -np.inf)
    allowed = int(mask.sum()) if mask is not None else len(dense)
    if not hybrid:
        return [(int(row), float(dense[row])) for row in top_k(dense, min(top, allowed))]
    depth = min(max(FUSION_DEPTH, top), allowed)
    fused: dict[int, float] = {}
    for position, row in enumerate(top_k(dense, depth)):
        fused[int(row)] = 1 / (RRF_K + position + 1)
    terms = lexical_terms(query_text)
    if terms:
        lexical = np.asarray(index.bm25.get_scores(terms), dtype=np.float32)
        if mask is not None:
            lexical = np.where(mask, lexical, 0)
        for position, row in enumerate(top_k(lexical, min(depth, int(np.count_nonzero(lexical > 0))))):
            fused[int(row)] = fused.get(int(row), 0.0) + 1 / (RRF_K + position + 1)
    best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))
    return best[:top]


class Searchable(Protocol):
    """What `search` needs of an index (a `RepositoryIndex`; named here so that search does not import it)."""

    units: list["IndexedUnit"]
    encoder: Any
    search_index: SearchIndex


@dataclass(frozen=True)
class SearchHit:
    unit: "IndexedUnit"
    score: float  # cosine similarity (dense) or fused RRF score (hybrid)
    rank: int  # 1-based

    def as_json(self) -> dict:
        u = self.unit
        return {"rank": self.rank, "score": round(self.score, 6), "path": u.path, "line": u.start_line + 1,
                "end_line": u.end_line + 1, "name": u.name, "qualified_name": u.qualified_name,
                "language": u.language, "preview": u.preview}


def search(index: "Searchable", query: str, top: int = 10, hybrid: bool = False,
           within: str | None = None, include_tests: bool = False) -> list[SearchHit]:
    """The `top` functions of a repository index for `query`; `within`: only under this relative path.

    Tests and benchmarks come after the other functions unless `include_tests` or the query
    speaks of tests; `@overload` stubs are shown as their implementation."""
    units = index.units
    mask = None
    if within not in (None, "", "."):
        prefix = within.strip("/")
        mask = np.fromiter((u.path == prefix or u.path.startswith(prefix + "/") for u in units), bool, len(units))
    query_vector = index.encoder.encode_queries([query])[0]
    ranked = rank_units(query_vector, query, index.search_index, units, top, hybrid=hybrid, mask=mask,
                        tests_last=not include_tests and not asks_for_tests(query))
    return [SearchHit(units[row], score, n + 1) for n, (row, score) in enumerate(ranked)]


def rank_units(query_vector: np.ndarray, query_text: str, index: SearchIndex, units: Sequence["IndexedUnit"],
               top: int, hybrid: bool = False, mask: np.ndarray | None = None,
               tests_last: bool = True) -> list[tuple[int, float]]:
    """`rank` over a repository's units as users see it: tests and benchmarks after the other functions
    (`tests_last`), each `@overload` stub shown once, as its implementation."""
    demote = np.fromiter((is_test_code(u.path, u.qualified_name) for u in units), bool, len(units)) \
        if tests_last else None
    folds = overload_stubs(units)
    ranked: list[tuple[int, float]] = []
    shown: set[int] = set()
    for row, score in rank(query_vector, query_text, index, hybrid=hybrid, top=top + len(folds), mask=mask,
                           demote=demote):
        row = folds.get(row, row)
        if row not in shown and len(ranked) < top:
            shown.add(row)
            ranked.append((row, score))
    return ranked


# Folders, file names and function names of tests and benchmarks, in the six languages' conventions.
_TEST_DIRS = frozenset({"test", "tests", "__tests__", "testdata", "bench", "benches", "benchmark", "benchmarks"})
_TEST_FILE = re.compile(r"^(test_.*|.*_test|conftest|bench_.*|.*_bench(mark)?)\.py$|_test\.go$"
                        r"|\.(test|spec|bench)\.[cm]?[jt]sx?$|(Tests?|IT|Benchmark)\.java$")
_TEST_NAME = re.compile(r"^(test_|(Test|Benchmark|Fuzz)[A-Z_0-9])")
_TEST_WORDS = frozenset({"test", "unittest", "bench", "benchmark"})


def asks_for_tests(query: str) -> bool:
    """Whether a query speaks of tests or benchmarks (then they rank with the other functions)."""
    return bool(_TEST_WORDS & set(lexical_terms(query)))


@lru_cache(maxsize=65536)
def _test_path(path: str) -> bool:
    *folders, name = path.split("/")
    return bool(_TEST_DIRS.intersection(f.lower() for f in folders) or _TEST_FILE.search(name))


def is_test_code(path: str, qualified_name: str) -> bool:
    """A test or benchmark function: by its file (tests/, *_test.go, FooTest.java, x.spec.ts, bench/ ...),
    its name (test_x, TestX, BenchmarkX) or its scope (a TestX class, a Rust `tests` module)."""
    if _test_path(path):
        return True
    *scopes, name = qualified_name.split(".")
    return bool(_TEST_NAME.match(name)) or any(s == "tests" or s.startswith("Test") for s in scopes)


def overload_stubs(units: Sequence["IndexedUnit"]) -> dict[int, int]:
    """Row of each Python `@overload` stub -> row of its implementation (the last same-named function of
    its file, itself no stub). Stubs without an implementation stay as they are."""
    stubs = [row for row, u in enumerate(units) if u.language == "python" and "overload" in u.terms
             and "overload" in u.terms.split()]
    if not stubs:
        return {}
    wanted = {(units[row].path, units[row].qualified_name) for row in stubs}
    last: dict[tuple[str, str], int] = {}
    for row, u in enumerate(units):
        key = (u.path, u.qualified_name)
        if key in wanted and (key not in last or u.start_line > units[last[key]].start_line):
            last[key] = row
    folds = {}
    for row in stubs:
        target = last[(units[row].path, units[row].qualified_name)]
        if target != row and "overload" not in units[target].terms.split():
            folds[row] = target
    return folds
