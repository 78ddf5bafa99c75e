"""Ranking functions for a natural-language query: dense cosine similarity, optionally fused with BM25.

Dense: one float32 matrix of normalised vectors, one matrix-vector product, and
`np.argpartition` for the top candidates. Hybrid: BM25 (`bm25s`) over the
*lexical terms* of each function (identifiers split at camelCase and snake_case,
lowercased, plus the words of docstrings and comments), fused with the dense
ranking by reciprocal-rank fusion (RRF). Nothing here knows of repositories,
caches or the command line: `rank(query_vector, query_text, index, hybrid, top)`
works on any codebase, e.g. a benchmark's.

What a user is shown (`search`): a query that is a function's name (`reverse`,
`Collections.reverse`, `Request::parse`) puts the functions of that name first (those named so but for
case only when few are); tests and benchmarks rank below the code they test (unless asked for, or the
query names them); Python `@overload` stubs and `.pyi` stubs fold into their implementation (it takes the best
score of the group), the functions of one name in one file (Java's overloads; not Rust's) into one row that counts
the others, and copies of a function (the same code, or code that differs only in whitespace), or one JavaScript
module's other builds (`addDays.cjs` beside `addDays.js`), into one row that names the other locations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Collection, NamedTuple, Protocol, Sequence

import numpy as np

from .languages import LANGUAGES, parse
from .units import SPECIAL_METHODS

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
# A query is read this far: the encoder reads its first 256 pieces (about 1,000 characters) anyway, and tokenizing,
# BM25 and the name rules over a 10 MB query held the editor's search queue for 12-24 s.
MAX_QUERY_CHARS = 4_000


def bounded_query(query: str) -> str:
    """The part of `query` that search reads (`MAX_QUERY_CHARS`): of a longer one of several lines, its first and its
    last lines (a Python traceback's innermost frame is its end), else its start."""
    if len(query) <= MAX_QUERY_CHARS:
        return query
    tail = query[-(MAX_QUERY_CHARS // 2):]
    if "\n" not in tail or "\n" not in query[:MAX_QUERY_CHARS // 2]:
        return query[:MAX_QUERY_CHARS]
    return query[:MAX_QUERY_CHARS // 2].rsplit("\n", 1)[0] + "\n" + tail.split("\n", 1)[1]


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
        if k and scores.ndim == 1:  # a tie at the k-th score: the lowest indices of it, whatever the partition took
            kth = scores[part].min()
            tied = np.concatenate([np.flatnonzero(scores > kth), np.flatnonzero(scores == kth)])[:k]
            part = tied if len(tied) == k else part  # (NaN scores compare with nothing)
    else:
        part = np.broadcast_to(np.arange(n), scores.shape).copy()
    order = np.lexsort((part, -np.take_along_axis(scores, part, axis=-1)), axis=-1)
    return np.take_along_axis(part, order, axis=-1)


def rank(query_vector: np.ndarray, query_text: str, index: SearchIndex, hybrid: bool = False, top: int = 10,
         mask: np.ndarray | None = None, demote: np.ndarray | None = None,
         promote: Sequence[np.ndarray] = ()) -> list[tuple[int, float]]:
    """The `top` rows of `index` for a query, best first, as (row, score).

    Dense: score is the cosine similarity (vectors are normalised). Hybrid: the dense
    ranking and the BM25 ranking of `query_text` (FUSION_DEPTH deep each) are fused by
    RRF, score = sum of 1 / (RRF_K + rank); functions no query term matches take part
    through the dense ranking alone. `mask` (bool, one per row) restricts the candidates.
    The rows of each `promote` mask come first, mask by mask, each group ranked alone; the
    other rows follow in their own ranking (among all rows). `demote` (an int per row, `demotions`) orders each
    group's rows by level, lowest first (bools: the true rows after the others).
    """
    if len(index) == 0 or top <= 0:
        return []
    allowed = np.ones(len(index), bool) if mask is None else mask
    dense = index.vectors @ np.asarray(query_vector, dtype=np.float32).reshape(-1)
    terms = lexical_terms(query_text) if hybrid else []
    lexical = np.asarray(index.bm25.get_scores(terms), dtype=np.float32) if terms else None
    ranked: list[tuple[int, float]] = []
    shown = np.zeros(len(index), bool)  # the rows of the promoted groups
    for first in (*promote, None):
        group = allowed if first is None else allowed & first & ~shown
        levels = [] if demote is None else np.unique(demote[group])
        for part in ([group] if demote is None else [group & (demote == level) for level in levels]):
            need = top - len(ranked)
            if need > 0 and part.any():
                found = _rank(dense, lexical, part, hybrid, need + int((part & shown).sum()))
                ranked += [(row, score) for row, score in found if not shown[row]][:need]
        if first is not None:
            shown |= group
    return ranked


def _rank(dense: np.ndarray, lexical: np.ndarray | None, mask: np.ndarray, hybrid: bool,
          top: int) -> list[tuple[int, float]]:
    """The `top` rows of `mask` by their dense scores, or (hybrid) their dense and `lexical` (BM25) ranks fused."""
    dense = np.where(mask, dense, -np.inf)
    allowed = int(mask.sum())
    if not hybrid:
        return [(int(row), float(dense[row])) for row in top_k(dense, min(top, allowed))]
    depth = min(max(FUSION_DEPTH, top), allowed)
    fused: dict[int, float] = {}
    for position, row in enumerate(top_k(dense, depth)):
        fused[int(row)] = 1 / (RRF_K + position + 1)
    if lexical is not None:
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
    copies: tuple["IndexedUnit", ...] = ()  # the same code elsewhere, folded into this hit
    overloads: tuple["IndexedUnit", ...] = ()  # the same name in the same file, folded into this hit
    tier: int = 2  # its `name_tiers` tier: 0 and 1 (functions the query names) were promoted
    test: bool = False  # a test, benchmark or example (ranked after the code unless asked for)
    example: bool = False  # an example (`is_example_unit`)
    quoted: bool = False  # its code holds the query's text (`holding_text`): promoted after the functions it names

    def as_json(self) -> dict:
        u = self.unit
        return {"rank": self.rank, "score": round(self.score, 6), "path": u.path, "line": u.start_line + 1,
                "end_line": u.end_line + 1, "name": u.name, "qualified_name": u.qualified_name,
                "language": u.language, "preview": u.preview, "named_by_query": self.tier < 2,
                "holds_query_text": self.quoted,
                "test": self.test and not self.example, "example": self.example,
                "does_nothing": does_nothing(u) or False, "standard_method": standard_method(u) or False,
                "also_at": [{"path": c.path, "line": c.start_line + 1, "qualified_name": c.qualified_name}
                            for c in self.copies],
                "overloads": [{"line": o.start_line + 1, "preview": o.preview} for o in self.overloads]}


def does_nothing(unit) -> str:
    """`IndexedUnit.filler` ("empty", "abstract", "unimplemented" or ""): "" for a lance store's row, which records
    none."""
    return getattr(unit, "filler", "")


# Python's methods that any class may define and that do none of its own work (a container's `__getitem__` or a
# context manager's `__enter__` may be what a query wants).
_PYTHON_STANDARD = frozenset({"__repr__", "__str__", "__format__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__",
                              "__ge__", "__hash__", "__bool__", "__del__", "__getstate__", "__setstate__", "__reduce__",
                              "__copy__", "__deepcopy__", "__sizeof__", "__dir__", "__init_subclass__"})
_CONSTRUCTORS = {"python": {"__init__", "__new__", "__post_init__"}, "javascript": {"constructor"},
                 "typescript": {"constructor"}, "tsx": {"constructor"}, "rust": {"new", "default"}}


def standard_method(unit) -> str:
    """"constructor", "standard method" (`toString`, `__repr__`, Go's `String`, Rust's `fmt` and `from`: as
    `units.SPECIAL_METHODS` lists them, Python's `_PYTHON_STANDARD`) or "", by the unit's names: search ranks them
    after the code unless the query names them (js-yaml's `YAMLException.toString` topped every "... to a yaml
    string" query, mistletoe's `Emphasis.__init__` queries naming emphasis, camino's `From` impls `as_str`)."""
    return _standard_method(unit.name, unit.qualified_name, unit.language)


@lru_cache(maxsize=65536)  # asked for every indexed function on every search
def _standard_method(name: str, qualified_name: str, language: str) -> str:
    scopes = qualified_name.split(".")
    # Java's named as their class (not an anonymous class's `run` in a method `run`: `Pool.run.run`)
    if name in _CONSTRUCTORS.get(language, ()) \
            or language == "java" and len(scopes) > 1 and scopes[-2] == name and name[:1].isupper():
        return "constructor"
    if language == "python":
        return "standard method" if name in _PYTHON_STANDARD else ""
    return "standard method" if name in SPECIAL_METHODS.get("typescript" if language == "tsx" else language, ()) \
        else ""


def after_the_code(unit) -> bool:
    """Whether search ranks the unit after the code that does the work, tests or not (unless the query names it):
    it does nothing (`does_nothing`), it is a constructor or a standard method (`standard_method`), or a Python type
    stub's declaration (`.pyi`: pyrsistent's `__init__.pyi` overloads of `freeze` ranked above its implementation)."""
    return bool(does_nothing(unit) or standard_method(unit) or unit.path.endswith(".pyi"))


def demotions(units: Sequence["IndexedUnit"], tests: np.ndarray | None) -> np.ndarray:
    """Where each unit ranks among the others (`rank`'s `demote`): 0 the code, 1 after it (`after_the_code`),
    2 the tests, benchmarks and examples (`tests`, where given: after every function of the code)."""
    levels = np.fromiter((after_the_code(u) for u in units), np.int8, len(units))
    return levels if tests is None else np.where(tests, 2, levels).astype(np.int8)


def search(index: "Searchable", query: str, top: int = 10, hybrid: bool = False,
           within: str | None = None, include_tests: bool = False) -> list[SearchHit]:
    """The `top` functions of a repository index for `query`; `within`: only under this relative path.

    As `rank_units` shows them: functions named by the query first, tests and benchmarks after the
    other functions unless `include_tests` or the query speaks of tests, overload stubs and
    overloads and identical copies folded."""
    units, query = index.units, bounded_query(query)
    mask = None
    if within not in (None, "", "."):
        prefix = within.strip("/")
        mask = np.fromiter((u.path == prefix or u.path.startswith(prefix + "/") for u in units), bool, len(units))
    query_vector = index.encoder.encode_queries([query])[0]
    root = getattr(index, "root", None)  # (a lance store's units are in no folder here)
    quoted = holding_text(query, units, file_reader(root), mask) if root is not None else None
    ranked = rank_units(query_vector, query, index.search_index, units, top, hybrid=hybrid, mask=mask,
                        tests_last=not include_tests and not asks_for_tests(query), quoted=quoted)
    return [SearchHit(units[r.row], r.score, n + 1, tuple(units[c] for c in r.copies),
                      tuple(units[o] for o in r.overloads), r.tier, ranked_as_test(units[r.row]),
                      is_example_unit(units[r.row]), r.quoted)
            for n, r in enumerate(ranked)]


class Ranked(NamedTuple):
    row: int
    score: float
    copies: tuple[int, ...]  # rows of the same code (same key), or its module's other builds, folded into this one
    overloads: tuple[int, ...] = ()  # rows of the same name in the same file, folded into this one
    tier: int = 2  # its `name_tiers` tier: 0 and 1 were promoted
    quoted: bool = False  # promoted as holding the query's text (`holding_text`)


def rank_units(query_vector: np.ndarray, query_text: str, index: SearchIndex, units: Sequence["IndexedUnit"],
               top: int, hybrid: bool = False, mask: np.ndarray | None = None,
               tests_last: bool = True, tiers: np.ndarray | None = None,
               tests: np.ndarray | None = None, reformatted: bool = True,
               quoted: np.ndarray | None = None) -> list[Ranked]:
    """`rank` over a repository's units as users see it: the functions a name-shaped query names first
    (`name_tiers`, computed here unless given), tests and benchmarks after the other functions (`tests_last`;
    `tests`: which units are, where the caller has it), as are functions that do nothing (`IndexedUnit.filler`),
    constructors and standard methods (`after_the_code`),
    each `@overload` stub shown as its implementation, the functions of one name in one file (overloads) as
    one row, the best-ranked, and copies of a function as one row, the best-ranked (of exact copies, which score
    alike, the one whose path shares most words with the query; `reformatted`: also those that
    differ only in whitespace, `_reformatted_copy_of`, where `index` holds the units' vectors). `quoted`: the units
    whose code holds the query's text (`holding_text`), promoted after those it names."""
    if "\n" in query_text:  # a trace: its frames in the indexed code
        query_text = frames_in(query_text, {u.path.rsplit("/", 1)[-1] for u in units})
    if tests_last and tests is None:
        examples = asks_for_examples(query_text)
        tests = np.fromiter((ranked_as_test(u, examples) for u in units), bool, len(units))
    if tiers is None:
        tiers = name_tiers(query_text, units, tests if tests_last else None)
    # After the code too, tests or not: a function that does nothing (a stub that raises NotImplementedError, an
    # empty `Reset() {}`), which matched sortedcontainers' "insert a value keeping the list sorted" before `add` did,
    # a constructor or a standard method (`after_the_code`); tests after them. Named by the query, a function keeps
    # its place among the names.
    demote = demotions(units, tests if tests_last else None)
    if tiers is None:
        promote = ()
    else:  # of the functions the query names, the one whose whole qualified name it is first
        named, place = np.flatnonzero(tiers == 0), np.full(len(units), 2, np.int8)  # (a few rows: not every one)
        order = name_order(query_text, [units[row] for row in named])
        place[named] = [order(units[row]) for row in named]
        promote = (place == -2, place == -1, place == 0, place == 1, tiers == 0, tiers == 1)
    if quoted is not None and quoted.any():
        promote = (*promote, quoted)
    folds = overload_stubs(units)
    want = top + len(folds)
    while True:  # deeper while stubs, overloads and copies fold the rows fetched into fewer than `top`
        rows = rank(query_vector, query_text, index, hybrid=hybrid, top=want, mask=mask, demote=demote,
                    promote=promote)
        best: dict[str, tuple[int, float]] = {}  # key -> its first-ranked (row, score)
        modules: set[tuple[str, str]] = set()  # `_module` of each row shown
        twins: dict[tuple[str, str, str], list[str]] = {}  # `_twin` of each row shown -> its keys
        for row, score in rows:
            row = folds.get(row, row)
            module = _module(units[row])
            if units[row].key not in best and module not in modules and len(best) < top \
                    and not (reformatted and _reformatted_copy_of(row, twins, best, units, index) is not None):
                best[units[row].key] = (row, score)
                modules.add(module)
                twins.setdefault(_twin(units[row]), []).append(units[row].key)
        if len(best) >= top or len(rows) < want:
            break
        want *= 2
    # Every candidate row of each shown code (copies), and of each shown name in its module (overloads in its
    # file; the same function built to another file, date-fns' addDays.cjs beside addDays.js, counts as a copy).
    same_code: dict[str, list[int]] = {key: [] for key in best}
    same_name: dict[tuple[str, str], list[int]] = {module: [] for module in modules}
    shown_names = {name for _, name in modules}  # a cheap test before `_module`'s path rewrite
    for row, unit in enumerate(units):
        if mask is not None and not mask[row]:
            continue
        if unit.key in same_code:
            same_code[unit.key].append(row)
        elif reformatted and (key := _reformatted_copy_of(row, twins, best, units, index)) is not None:
            same_code[key].append(row)
        elif unit.qualified_name in shown_names and _module(unit) in same_name:
            same_name[_module(unit)].append(row)
    shown = []
    asked = set(lexical_terms(query_text))
    located = _located(query_text, units)
    for key, (row, score) in best.items():
        named = same_name[_module(units[row])]
        if located and not _holds(units[row], located) and (inside := [r for r in named if _holds(units[r], located)]):
            named = [row] + [r for r in named if r != inside[0]]  # the overload the frame's line is in, shown
            row = inside[0]
        elif not located and _built(units[row].path) and (source := [r for r in named if not _built(units[r].path)]):
            named = [row] + [r for r in named if r != source[0]]  # a module's source before its builds
            row = source[0]
        if not named and len(same_code[key]) > 1:  # exact copies score alike: the one whose path the query names
            alike = [r for r in same_code[key] if units[r].key == key and (tiers is None or tiers[r] == tiers[row])
                     and (demote is None or demote[r] == demote[row])]  # not a test's copy for the code's
            row = max(alike, key=lambda r: (len(asked & set(lexical_terms(units[r].path))), r == row))
        shown.append(Ranked(row, score,
                            tuple(r for r in same_code[key] if r not in named and r != row) + tuple(r for r in named
                                                                                  if units[r].path != units[row].path),
                            tuple(r for r in named if units[r].path == units[row].path),
                            2 if tiers is None else int(tiers[row]), quoted is not None and bool(quoted[row])))
    return shown


# An error message as a program prints it: its exception's name or a level before it (`voluptuous.error.
# MultipleInvalid: extra keys not allowed`, `panic: ...`), words then a colon then a value or the line's end (Go's
# `Malformed version: 1.x`, go-multierror's `1 error occurred:`), or a quoted string in it
_MESSAGE = re.compile(r"^(?:[\w.]*(?:Error|Exception|Invalid|Warning)\w*|error|panic|fatal|warning)(?:\[\w+\])?:\s"
                      r"|^\w[\w'-]*(?: [\w'-]+){0,8}:(?: \S|$)|(?<!\w)(?:\"[^\"]+\"|'[^']+')(?!\w)", re.I)
_WORD_RUN = re.compile(r"(?<!\w)[A-Za-z]\w*+(?: [A-Za-z]\w*+)+")  # words a message writes, one space between
MIN_QUOTED_CHARS = 12  # the shortest text looked for: shorter ones ("is not") are in every other function
MAX_QUOTED_UNITS = 3  # a text found in more functions than this tells none of them apart
MAX_QUOTED_TESTS = 50  # tests read past for the code that holds a text (a message every test asserts)
MAX_QUOTED_BYTES = 64 << 20  # the code read for one query (files in index order; the rest is not looked in)
MAX_RUN_WORDS, MAX_RUNS = 12, 6
MAX_QUOTED_TEXTS = 24  # texts looked for, longest first: each a pass over the code read
MAX_QUOTED_LINES = 4  # of a query of several lines (a message printed over lines), those looked for
# A call written with a literal argument is a line of code, not a name (kr/pretty's `writeByte(p, '}')`)
_LITERAL_ARGUMENT = re.compile(r"[(,]\s*(?:[\"'`]|-?\d)")


def holding_text(query: str, units: Sequence["IndexedUnit"], read: Callable[[str], str | None],
                 mask: np.ndarray | None = None) -> np.ndarray | None:
    """Which units' code holds the text of a query (None where none does, in at most MAX_QUOTED_UNITS functions): a
    line of it as pasted (`raise ValueDuplicationError(val)`, a line past what the encoder reads of a long function; a
    message as printed, "Encoded text cannot have a 6-bit remainder.", of its first MAX_QUOTED_LINES lines), else, of
    an error message (`_MESSAGE`), the longest run of words of its first line that some function holds ("extra keys
    not allowed" of `MultipleInvalid: extra keys not allowed @ data['foo']`, written in a string there). `read(path)`:
    an indexed file's text (None: unreadable). A trace is left to the frames it names, a name or a call to
    `name_tiers` (a line binding a call, `data = read(path)`, or a call with a literal argument is looked for too: the
    function it names comes first, then those holding it). Where code holds the text, tests that hold it too are
    neither promoted nor counted against the bound (schema's messages are written in six tests and one method)."""
    lines = [stripped for line in query.splitlines()[:MAX_QUOTED_LINES] if (stripped := line.strip())]
    if not lines or _frame(query)[1] is not None or len(lines) == 1 and not _ASSIGNED_CALL.match(lines[0]) \
            and not _LITERAL_ARGUMENT.search(lines[0]) and named_by(lines[0]) is not None:
        return None
    message = _MESSAGE.search(lines[0]) is not None
    texts = list(lines)
    for run in _WORD_RUN.findall(lines[0])[:MAX_RUNS] if message else ():  # a run, its beginnings and its ends
        words = run.split()[:MAX_RUN_WORDS]
        texts += [" ".join(words[:end]) for end in range(len(words), 1, -1)]
        texts += [" ".join(words[start:]) for start in range(1, len(words) - 1)]
    texts = sorted((text for text in dict.fromkeys(texts) if len(text) >= MIN_QUOTED_CHARS), key=len,
                   reverse=True)[:MAX_QUOTED_TEXTS]
    if not texts:
        return None
    files: dict[str, list[int]] = {}
    for row, unit in enumerate(units):
        if mask is None or mask[row]:
            files.setdefault(unit.path, []).append(row)
    code, budget = {}, MAX_QUOTED_BYTES
    for path in files:
        if budget <= 0:
            break
        if (text := read(path)) is not None:
            code[path] = text
            budget -= len(text)
    for text in texts:
        found, tests = set(), set()
        for path, source in code.items():
            at = source.find(text)
            while at >= 0 and len(found) <= MAX_QUOTED_UNITS and len(tests) <= MAX_QUOTED_TESTS:
                line_number = source.count("\n", 0, at)
                around = [row for row in files[path] if units[row].start_line <= line_number <= units[row].end_line]
                if around:  # the innermost function around it
                    row = min(around, key=lambda row: units[row].end_line - units[row].start_line)
                    (tests if ranked_as_test(units[row]) else found).add(row)
                at = source.find(text, at + len(text))
            if len(found) > MAX_QUOTED_UNITS or len(tests) > MAX_QUOTED_TESTS:
                break
        found = found or (tests if len(tests) <= MAX_QUOTED_UNITS else set())
        if found and len(found) <= MAX_QUOTED_UNITS:
            held = np.zeros(len(units), bool)
            held[list(found)] = True
            return held
    return None


def file_reader(root) -> Callable[[str], str | None]:
    """`holding_text`'s reader of an index's files under `root`: the text, None where it cannot be read as source
    (gone, binary, huge, a link)."""
    from .sources import FileSkipped, read_source

    def read(path: str) -> str | None:
        try:
            return read_source(Path(root) / path, follow_symlinks=False)
        except (OSError, FileSkipped, ValueError):
            return None
    return read


def _twin(unit) -> tuple[str, str, str]:
    """What a copy of a function that differs only in layout shares with it: language, name and search terms."""
    return unit.language, unit.qualified_name, unit.terms


def _reformatted_copy_of(row: int, twins: dict, best: dict, units: Sequence["IndexedUnit"],
                         index: SearchIndex) -> str | None:
    """The key of a shown function that `row` copies but for whitespace (a vendored copy reformatted, a build's
    other indentation): the same name and terms and, since the model never reads whitespace, the same vector. Not in
    Python, where indentation is meaning (`sink.flush()` inside an `if` or after it)."""
    if units[row].language == "python":
        return None
    for key in twins.get(_twin(units[row]), ()):
        if float(index.vectors[row] @ index.vectors[best[key][0]]) >= SAME_VECTOR:
            return key
    return None


# Cosine of two embeddings of the same tokens (batching and int8 move a vector by about 1e-6)
SAME_VECTOR = 0.99999


# One JavaScript or TypeScript module shipped under several extensions and build folders: ESM and CommonJS builds
# (addDays.js and addDays.cjs; jsdiff's libesm/patch/apply.js and libcjs/patch/apply.js), a TypeScript source beside
# its compiled JavaScript (src/index.ts, dist/index.js; react-native-builder-bob's lib/module/ and lib/commonjs/).
# A module file's extension, with the build's flavour before it (yup's `index.esm.js` beside `index.js`, `.cjs.js`,
# `.umd.min.js`, `.production.js`): one module's builds
_MODULE_EXTENSION = re.compile(r"(?:\.(?:esm|cjs|umd|es|mjs|module|modern|browser|node|min|development|production))*"
                               r"\.[cm]?[jt]sx?$")
_BUILD_FOLDER = re.compile(
    r"(?:src|lib|dist|build|out|esm|cjs|es|es\d+|esnext|mjs|commonjs|module|umd|(?:lib|dist)-?(?:esm|cjs))$", re.I)


def _built(path: str) -> bool:
    """Whether a JavaScript or TypeScript file is in a build folder (dist/, lib/module/), not first in a src/ one
    (src/lib/ is source)."""
    first = next((folder.lower() for folder in path.split("/")[:-1] if _BUILD_FOLDER.match(folder)), "src")
    return first != "src"


def _module(unit) -> tuple[str, str]:
    """A function as its module defines it: (file, qualified name), the file without its extension and its build
    folders for JavaScript and TypeScript (`_MODULE_EXTENSION`, `_BUILD_FOLDER`; other folders keep modules apart).
    Rust has no overloads: functions of one name in one file are different impls' (an inherent `len` and a trait's,
    `Display` and `Debug`'s `fmt`), each its own row."""
    if unit.language == "rust":
        return f"{unit.path}:{unit.start_line}", unit.qualified_name
    if unit.language not in ("javascript", "typescript", "tsx"):
        return unit.path, unit.qualified_name
    *folders, name = _MODULE_EXTENSION.sub("", unit.path).split("/")
    return "/".join([f for f in folders if not _BUILD_FOLDER.match(f)] + [name]), unit.qualified_name


# A query that is a name: an identifier (any script's letters: `合計`, `größe`), or one qualified by ".", "::",
# "#" or "->" (`Request::parse`).
_NAME_QUERY = re.compile(r"\0?(?:[^\W\d]|\$)[\w$]*(?:(?:\.|::|#|->)\0?(?:[^\W\d]|\$)[\w$]*)*")
_PRIVATE = re.compile(r"(?:^|(?<=\.))#(?=[^\W\d]|\$)")  # a JavaScript private name, `#run`, `Timer.#run`: set aside
_QUALIFIER = re.compile(r"\.|::|#|->")
# A name written as a call: `Command.execute()`, `reverse(List)`. No `\s*` before the bracket: searched from every
# position, it made a query of long runs of spaces quadratic (40,000: 2.8 s); the name is stripped instead.
_CALL = re.compile(r"\([^()]*\)$")
# An import of one name, as a pasted line writes it: Python's `from rich.pretty import pprint` (the module's path
# and the name), JavaScript's `import { stringify } from 'superjson'` (the name: a package's is no scope here)
_PYTHON_IMPORT = re.compile(r"from\s+(?P<module>[\w.]+)\s+import\s+(?P<name>\w+)(?:\s+as\s+\w+)?")
_JS_IMPORT = re.compile(r"import\s*\{\s*(?P<name>[\w$]+)(?:\s+as\s+[\w$]+)?\s*\}\s*from\s*(?P<module>)"
                        r"['\"][^'\"]*['\"];?")
_BUILTIN_CALL = re.compile(r"(?:new|len|make|append|cap|copy|delete|panic|recover|print|println|close|complex|real"
                           r"|imag|min|max|clear|str|int|float|bool|list|dict|set|tuple|range|open|type|sorted|repr)\(")
_EXPECT = re.compile(r"\.expect\([^()]*\)$")


def _unwrapped(call: str) -> str:
    """A Rust call without what unwraps its result: `from_ymd_opt(2020, 1, 1).unwrap()`, `parse(s)?`, `.await`."""
    for _ in range(8):  # a few, each a copy of the line
        call = call.rstrip("?")
        if expect := _EXPECT.search(call):
            call = call[:expect.start()]
        elif stripped := next((call[:-len(end)] for end in (".unwrap()", ".await") if call.endswith(end)), ""):
            call = stripped
        else:
            break
    return call


# A call's result bound to names, as a pasted line of code writes it (`r := gin.Default()`, `cls = validator_for(s)`,
# `const x = f(y);`)
# A function's declaration line, as pasted: `def validate(path, data):`, `async def`, `export function f(x) {`, Go's
# `func (v *Version) LessThan(o *Version) bool {` (the receiver's type qualifies it), Rust's `pub(crate) fn new() ->
# Self {`, Java's `public static <T> void sort(List<T> list) {` (a modifier, then a type, then the name)
_MODIFIER = r"(?:export|default|pub(?:\([\w:]+\))?|async|unsafe|const|extern|static|public|private|protected|final" \
    r"|abstract|synchronized|native|override)\s+"
_DECLARATION_LINE = re.compile(
    rf"(?:{_MODIFIER})*(?:def|function\*?|fn|func)\s*"
    rf"(?:\(\s*\w+\s+\*?(?P<receiver>[^\W\d]\w*)(?:\[[\w\s,]*\])?\s*\)\s*)?"
    rf"(?P<name>[^\W\d][\w$]*)\s*[<(\[]"
    rf"|(?:{_MODIFIER})+(?:<[^<>]*>\s+)?[\w.<>\[\]?]+(?:,\s*[\w.<>\[\]?]+)*\s+(?P<method>[^\W\d]\w*)\s*\(")
_ASSIGNED_CALL = re.compile(r"(?:(?:let|const|var|val|final|auto)\s+)?[\w$]+(?:\s*,\s*[\w$]+)*\s*:?=\s*(?=[\w$])")
# A name as stack traces and compilers write it: a Java frame (`at bsh.NameSpace.getCommand(NameSpace.java:909)`; a
# constructor's `TypeManager.<init>`, a static initialiser's `<clinit>`), a V8 frame (`at Request.callback
# (/app/lib/index.js:1070:17)`, `at new Agent (...)`), a Python traceback's (`File "/app/conf.py", line 12, in load`),
# a Go function of a package path with a method's receiver (`github.com/BurntSushi/toml.(*Decoder).Decode`), a Rust
# backtrace's (`12: serde_json::de::from_str::h5b4a0a6e1b2c3d4e`, a closure in it), a Rust method through its trait
# (`<NaiveDate as Datelike>::weekday`, `<&mut Deserializer as serde::Deserializer>::deserialize_any`) or with type
# arguments (`from_str::<Config>`), a Go method of a generic type (`(*Stack[...]).Pop`, `Stack[T].Pop`), a JavaScript
# method through its prototype (`Request.prototype.end`); a frame pasted with the line after it that says where it is
# (Go's `\t/app/command.go:677 +0x1b3`, Rust's `at ./src/de.rs:1540:9`), or a whole trace (its first frame; a Python
# traceback's last, the innermost).
_JAVA_FRAME = re.compile(r"^at\s+(?:[\w.]+/)?(?=[\w$.]+\.[\w$<>]+\([^()]*\)$)")  # and its module, `java.base/`
_JAVA_LOCATION = re.compile(r"\(([\w$.-]+):(\d+)\)$")  # `(NameSpace.java:909)`
_JAVA_CONSTRUCTOR = re.compile(r"(?:^|\.)([\w$]+)\.<init>$")
_JAVA_STATIC_INIT = re.compile(r"\.<clinit>$")
# A V8 frame's name: `Ky.#retry` (a private method), or none, `Object.<anonymous>` (a module's own code); V8 writes
# `Object.` before a method of an object literal (`at Object.validator (...)`), which is no class of the program; a
# method named by a string (valibot's `"~run"(dataset) {`) is named so, `at Object.~run (...)`, one by a symbol in
# brackets (yargs' `at [runYargsParserAndExecuteCommands] (...)`).
_V8_FRAME = re.compile(r"^at\s+(?:new\s+|async\s+)?((?:[\w$.#~]+\.)?<anonymous>|(?:[\w$.#~]+\.)?\[[\w$.]+\]|[\w$.#~]+)"
                       r"(?:\s+\[as\s+[\w$#~]+\])?\s+"
                       r"\(([^()]*?):(\d+):\d+\)$")
_V8_ANONYMOUS_FRAME = re.compile(r"^at\s+(?:async\s+)?(\S*?):(\d+):\d+$")  # `at file:///app/index.js:128:7`
# A Python traceback's frame; a frame of no function's name (`<genexpr>`, `<lambda>`, `<module>`) is its place alone
_PYTHON_FRAME = re.compile(r'^File\s+"([^"]*)",\s+line\s+(\d+),\s+in\s+([\w.]+|<\w+>)$')
_PYTEST_FRAME = re.compile(r"^(\S+?\.py):(\d+): in ([\w.]+|<\w+>)$")  # pytest's `--tb=short`: `arrow/api.py:91: in get`
_RUST_FRAME = re.compile(r"^\d+:\s+|::h[0-9a-f]{16}$")  # the frame's number, the symbol's hash
_RUST_CLOSURE = "::{{closure}}"
_PROTOTYPE = re.compile(r"\.prototype(?=\.)")
# A Python function as its repr and qualified name show it: `<function f at 0x7f3a>`, `<bound method A.f of <A ...>>`,
# a nested one's `outer.<locals>.inner` (the index names it `outer.inner`)
_PYTHON_REPR = re.compile(r"^<(?:function|bound method) ([\w.<>]+?)(?: at 0x[0-9a-fA-F]+| of .*)>$")
_PYTHON_LOCALS = re.compile(r"\.<locals>(?=\.)")
_GO_PACKAGE_PATH = re.compile(r"^[\w-]+(?:\.[\w-]+)+(?:/[\w.-]+)*?/(?=[\w-]+\.)")  # from a domain: github.com/...
_GO_RECEIVER = re.compile(r"(^|\.)\(\*?([^\W\d]\w*)\)\.")  # `(*Parser).Parse`, as Go's tools write it, too
_TYPE_ARGUMENTS = re.compile(r"\[(?:\.\.\.|[\w\s,*]{1,100})\](?=\)?\.)")  # a Go generic's `[...]`, `[T]`
_TURBOFISH = re.compile(r"::<(?:[^<>]|<[^<>]*>)*>")  # Rust's `::<Config>`
_JAVA_NESTED = re.compile(r"\b([A-Z][\w]*)\$(?=[A-Za-z_])")  # a nested class as the JVM names it: `Outer$Inner`
_GO_CLOSURE = re.compile(r"(?:\.func\d+)+$")  # `toml.(*parser).value.func1`: a function literal in `value`
# `<Type as Trait>::m`, a slice's or an array's as the index names their methods by the element type (`<&[u8] as
# Buf>::advance`: `u8.advance`)
_RUST_TRAIT_PATH = re.compile(r"^<\s*(?:&\s*(?:mut\s+)?|\*(?:const|mut)\s+)?(?:\[\s*)?([\w:]+)"
                              r"(?:\s*;[^\[\]<>]{0,50})?\]?(?:\s+as\s+[\w:]+)?\s*>::")
_RUST_TYPE_ARGUMENTS = re.compile(r"(?<=\w)<(?:[^<>]|<[^<>]*>)*>")  # `CoalesceBy<I,F,T>::next`, `Vec<Vec<u8>>`
_RUST_IMPL_PATH = re.compile(r"^(?:[\w:]+::)?<impl\s[^<>]*?\sfor\s+([\w:]+)\s*>::")  # `x::<impl FromStr for Y>::m`
# The line after a Go or Rust frame: where it is (`\t/go/pkg/mod/x@v1/command.go:677 +0x1b3`, `at ./src/de.rs:1540:9`)
_LOCATION_LINE = re.compile(r"^(?:at\s+)?(\S+?):(\d+)(?::\d+)?(?:\s+\+0x[0-9a-fA-F]+)?$")
_TRACE_LINES = 200  # the lines of a pasted trace read for its frame
_SOURCE_FILE = re.compile(r"\.\w{1,10}$")  # a place's path names a file: `ftoa.go`, not `python:3`
# Frames of a Go or Rust trace in the runtime, the standard library or the test runner, by name or by place
_STANDARD_FRAME = re.compile(r"(?:\d+:\s+)?(?:<?(?:core|std|alloc|test)::|rust_begin_unwind\b|__rust_|panic\(|"
                             r"(?:runtime|testing)\.)")
# A Java or V8 frame of the JDK, Android, Kotlin or Node (a Java frame's class, a V8 frame's `node:` place), and a
# Python file of its standard library (in a `lib/pythonX.Y/` outside site-packages, or `<frozen ...>`)
_STANDARD_CALLED = re.compile(r"^at\s+(?:[\w.]+/)?(?:java|javax|jdk|sun|android|androidx|dalvik|kotlin|kotlinx)\.|"
                              r"^at\s+(?:async\s+)?node:|\((?:node:|internal/)[^()]*\)$")
_STANDARD_PYTHON = re.compile(r"^<frozen |/lib/python[\d.]*/(?!.*(?:site|dist)-packages/)")
_STANDARD_PLACE = re.compile(r"/rustc/[0-9a-f]{7,40}/|/src/(?:runtime|testing)/[\w.-]+\.go$|^node:")


def named_by(query: str) -> list[str] | None:
    """The parts of the name a query is (`Collections.reverse` -> Collections, reverse; also written as a call,
    `Collections.reverse()`, or as a stack trace writes it, `at java.util.Collections.reverse(Collections.java:40)`),
    or None when it is no name (plain language: those queries rank by meaning alone)."""
    query, _ = _frame(query.strip().replace("\0", ""))  # (NUL sets a private name's `#` aside)
    if python := _PYTHON_REPR.match(query):  # `<function outer.<locals>.inner at 0x7f...>`, as Python shows one
        query = python.group(1)
    query = _RUST_FRAME.sub("", _PYTHON_LOCALS.sub("", query))
    if "::" in query:  # a Rust path's type arguments, and an `impl` block a backtrace names
        query = _RUST_IMPL_PATH.sub(r"\1::", _RUST_TYPE_ARGUMENTS.sub("", query))
    query = _JAVA_FRAME.sub("", query)
    if imported := _PYTHON_IMPORT.fullmatch(query) or _JS_IMPORT.fullmatch(query):  # `from rich import print`
        query = ".".join(filter(None, [imported.group("module"), imported.group("name")]))
    if declared := _DECLARATION_LINE.match(query):  # `def validate_mapping(path, iterable, out):`
        name = declared.group("name") or declared.group("method")
        query = f"{declared.group('receiver')}.{name}" if declared.group("receiver") else name
    if assigned := _ASSIGNED_CALL.match(query):  # a line of code: `r := gin.Default()`
        called = _unwrapped(query[assigned.end():].rstrip().rstrip(";").rstrip())
        if called.endswith(")"):
            if _BUILTIN_CALL.match(called):  # Go's `new(mock.Mock)`, `len(args)`: no function of the code's
                return None
            query = called
    if call := _CALL.search(query):
        query = query[:call.start()].rstrip()
    query = _JAVA_CONSTRUCTOR.sub(lambda m: f"{m.group()[:-len('.<init>')]}.{m.group(1)}",
                                  _JAVA_STATIC_INIT.sub("", query))
    query = _JAVA_NESTED.sub(r"\1.", _TURBOFISH.sub("", _TYPE_ARGUMENTS.sub("", query)))
    query = _GO_CLOSURE.sub("", _GO_RECEIVER.sub(r"\1\2.", _GO_PACKAGE_PATH.sub("", query)))
    while query.endswith(_RUST_CLOSURE):  # a loop, not a pattern: one searched from every `::{{closure}}` is quadratic
        query = query[:-len(_RUST_CLOSURE)]
    query = _PRIVATE.sub("\0", _PROTOTYPE.sub("", _RUST_TRAIT_PATH.sub(r"\1::", query)))
    query = query.removesuffix("!")  # a Rust macro as it is called: `bitflags!`, `serde_json::json!`
    return [part.replace("\0", "#") for part in _QUALIFIER.split(query)] if _NAME_QUERY.fullmatch(query) else None


_GO_OR_RUST_FUNCTION_LINE = re.compile(r"^\d+:\s|\)$")  # `12: toml::de::Deserializer::number`, `main.run(...)`


def frames_in(query: str, files: Collection[str]) -> str:
    """A pasted trace of several lines without the frames of files not among `files` (file names: an index's), so
    that its first frame read (`_frame`) is one of that code, not a script's outside it that called into it (a
    zustand trace's first frame in the user's `z.cjs`, a funcy traceback's innermost in a lambda of theirs); a
    JavaScript or TypeScript module's build counts as its indexed source (`module_file`), but for a frame of no name,
    whose place alone says where it is (a build's lines are not its source's); the query as it is where it is one
    line, or where no frame is of those files."""
    if "\n" not in query:
        return query
    modules = {module_file(file) for file in files}
    kept: list[tuple[str, str, str | None]] = []  # (a line as written, without its margin, the file it names)
    dropped = False
    for line in query.splitlines()[:_TRACE_LINES]:
        text = _without_margin(line)
        file = _frame_file(text)
        if file is not None and file.replace("\\", "/").rsplit("/", 1)[-1] not in files \
                and (module_file(file) not in modules or _unnamed_frame(text)):
            dropped = True
            if _LOCATION_LINE.match(text) and kept and kept[-1][2] is None \
                    and _GO_OR_RUST_FUNCTION_LINE.search(kept[-1][1]):
                kept.pop()  # a Go or Rust frame's function line, before its place
            continue
        kept.append((line, text, file))
    if not dropped or not any(file is not None for _, _, file in kept):
        return query
    return "\n".join(line for line, _, _ in kept)


def _unnamed_frame(line: str) -> bool:
    """Whether a V8 frame names no function (`at file:///app/index.mjs:3:13`, `at Object.<anonymous> (...)`)."""
    return _V8_ANONYMOUS_FRAME.match(line) is not None \
        or (frame := _V8_FRAME.match(line)) is not None and frame.group(1).endswith("<anonymous>")


def _without_margin(line: str) -> str:
    """A trace's line without the spaces around it and the `|` margin Python (3.11+) draws before the frames of an
    exception group's members (`  |   File "x.py", line 3, in f`: cattrs' errors)."""
    return line.strip().lstrip("| \t")


def module_file(path: str) -> str:
    """A file's name as a frame may name it: a JavaScript or TypeScript module's without its extension (a trace of
    the built `dist/cjs/internal/Subscriber.js` is of the indexed `src/internal/Subscriber.ts`)."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return _MODULE_EXTENSION.sub("", name) if _MODULE_EXTENSION.search(name) else name


def _frame_file(line: str) -> str | None:
    """The file a line of a trace names as a frame's place (a V8, Java or Python frame, a Go or Rust frame's place
    line), or None."""
    if frame := _PYTHON_FRAME.match(line) or _PYTEST_FRAME.match(line) or _V8_ANONYMOUS_FRAME.match(line):
        return frame.group(1)
    if frame := _V8_FRAME.match(line):
        return frame.group(2)
    if _JAVA_FRAME.match(line) and (java := _JAVA_LOCATION.search(line)):
        return java.group(1)
    return place.group(1) if (place := _LOCATION_LINE.match(line)) else None


def frame_location(query: str) -> tuple[str, int] | None:
    """The file name and (1-based) line a stack frame names (`at a.B.c(B.java:45)`, V8's `at B.c (/x/b.js:45:3)`,
    Python's `File "/x/b.py", line 45, in c`), or None: where a query pasted from a trace was, to tell overloads
    apart (`frame_place`: with the path the frame writes)."""
    place = frame_place(query)
    return None if place is None else (place[0].rsplit("/", 1)[-1], place[1])


def frame_place(query: str) -> tuple[str, int] | None:
    """The path (`/`-separated, as the frame writes it) and 1-based line a stack frame names, or None."""
    query, where = _frame(query.strip())
    if where is None and _JAVA_FRAME.match(query) and (java := _JAVA_LOCATION.search(query)):
        return java.group(1), int(java.group(2))
    return where


class _Located(NamedTuple):
    """Where a frame is among indexed functions (`_located`): the files its path means, whether they are its own
    file (not a JavaScript or TypeScript module's source of the build the frame ran, whose lines differ), its line."""
    files: frozenset[str]
    own: bool
    line: int


def _located(query: str, units: Sequence) -> _Located | None:
    """Where the frame a query is (`frame_place`) is among `units`: of the files of its name (a JavaScript or
    TypeScript module's other build or its source counting, `module_file`), those that share the most trailing
    folders with its path (ajv's `lib/vocabularies/core/ref.ts`, not `jtd/ref.ts`; fp-ts's `lib/Array.js`, not
    `es6/Array.js`), its own file's name before a build's; None where it names no place."""
    place = frame_place(query)
    if place is None:
        return None
    *folders, name = [part for part in place[0].lower().split("/") if part]
    module, best, files = module_file(name), (-1, False), set()
    for path in {u.path for u in units}:
        *theirs, file = path.lower().split("/")
        if file != name and module_file(file) != module:
            continue
        shared = next((i for i, (a, b) in enumerate(zip(reversed(theirs), reversed(folders))) if a != b),
                      min(len(theirs), len(folders)))
        score = (file == name, shared)
        if score > best:
            best, files = score, set()
        if score == best:
            files.add(path)
    return _Located(frozenset(files), best[0] is True, place[1])


def _frame(query: str) -> tuple[str, tuple[str, int] | None]:
    """A V8 frame's or a Python traceback line's function name and (file name, 1-based line), or a Go or Rust frame's
    function line and the place the line after it names; else the query as it is (of several lines, a trace's first
    frame: its line), and None."""
    if "\n" in query:
        lines = [stripped for line in query.splitlines()[:_TRACE_LINES] if (stripped := _without_margin(line))]
        # a Go or Rust frame's line and the place on the line after it (not a V8 frame before one of no name,
        # `at file:///app.mjs:3:13`, which reads as a place)
        placed = [(first, where) for first, second in zip(lines, lines[1:])
                  if (where := _LOCATION_LINE.match(second)) and not _LOCATION_LINE.match(first)
                  and not _V8_FRAME.match(first)]
        # the first frame of the program's own code: not the runtime's, the standard library's or the test runner's
        own = [(first, where) for first, where in placed
               if not _standard_frame(first) and not _STANDARD_PLACE.search(where.group(1))]
        frames = [line for line in lines if _V8_FRAME.match(line) or _JAVA_FRAME.match(line)
                  or _V8_ANONYMOUS_FRAME.match(line)]
        python = [line for line in lines if _PYTHON_FRAME.match(line) or _PYTEST_FRAME.match(line)]
        # the program's own frames first: not the JDK's, Android's, Node's or Python's standard library's
        ours = [line for line in python or frames if not _standard_frame(line)]
        if placed and (own or not ours):
            first, where = (own or placed)[0]
            return first, (where.group(1).replace("\\", "/"), int(where.group(2)))
        if not frames and not python and (alone := next(filter(None, map(_place_alone, lines)), None)):
            return "", alone  # Rust's panic line before its message, without a backtrace
        ours, every = (ours, python) if python else (ours[:1], frames[:1])  # Python's innermost, the others' first
        query = (ours or every or [query])[-1]
    if frame := _V8_FRAME.match(query):
        name, path, line = frame.groups()
        name = "" if name.endswith("<anonymous>") else name.removeprefix("Object.") or name
    elif frame := _PYTHON_FRAME.match(query) or _PYTEST_FRAME.match(query):
        path, line, name = frame.groups()
        name = "" if name.startswith("<") else name
    elif frame := _V8_ANONYMOUS_FRAME.match(query):  # a frame of no name: its place alone
        (path, line), name = frame.groups(), ""
    elif alone := _place_alone(query):
        return "", alone
    else:
        return query, None
    return name, (path.replace("\\", "/"), int(line))


def _place_alone(line: str) -> tuple[str, int] | None:
    """(path, 1-based line) of a line that names a place alone: Rust's panic line (`thread 'main' panicked at
    src/lib.rs:480:13:`; before Rust 1.73 `... panicked at 'message', src/lib.rs:480:13`), or a source file's
    `path:line[:column]` (a compiler's, an editor's, a Go frame's place `\t/x/ftoa.go:30 +0x1a5`); else None."""
    if line.startswith("thread '") and " panicked at " in line:
        line = line.rsplit(None, 1)[-1].rstrip(":")
    place = _LOCATION_LINE.match(line)
    if place is None or not _SOURCE_FILE.search(place.group(1)):
        return None
    return place.group(1).replace("\\", "/"), int(place.group(2))


def _standard_frame(line: str) -> bool:
    """Whether a frame (its function's line) is in a runtime's, standard library's or test runner's own code: Go's
    and Rust's by name, the JDK's, Android's and Node's by class or place, Python's by file."""
    if python := _PYTHON_FRAME.match(line) or _PYTEST_FRAME.match(line):
        return _STANDARD_PYTHON.search(python.group(1)) is not None
    return _STANDARD_FRAME.match(line) is not None or _STANDARD_CALLED.search(line) is not None


def _in_frame_file(unit, location: _Located) -> bool:
    """Whether `unit` is in a file the frame means (`_located`)."""
    return unit.path in location.files


def _holds(unit, location: _Located) -> bool:
    """Whether `unit` is in the frame's own file and spans its line."""
    return location.own and unit.path in location.files and unit.start_line < location.line <= unit.end_line + 1


# A Rust trait implementation as people name it: `FromStr for Weekday`, `impl<'a> Display for Span<'a>`.
_GENERICS = r"<(?:[^<>]|<[^<>]*>)*>"  # `<T>`, `<Vec<T>>`: one level nested
_TRAIT_FOR = re.compile(rf"^(?:impl(?:\s*{_GENERICS})?\s+)?(?:\w+::)*([A-Z]\w*)(?:{_GENERICS})?\s+for\s+&?"
                        rf"(?:'\w+\s+)?(?:mut\s+)?(?:\w+::)*([^\W\d]\w*)(?:{_GENERICS})?$")


def is_trait_impl(query: str) -> bool:
    """Whether a query names a Rust trait implementation (`impl Drop for SmallVec`, `FromStr for Weekday`)."""
    return _TRAIT_FOR.match(query.strip()) is not None


def trait_impl_tiers(query: str, units: Sequence) -> np.ndarray | None:
    """Per unit, 0 for a Rust method of the implementation a query names (`FromStr for Weekday`: `Weekday.from_str`)
    and 2 for the rest; None when the query names none or no unit is one. A trait's methods: the standard library
    trait's (`units.standard_trait_methods`), those the repository's own trait defines with a body (the index holds
    no bodiless declaration), and the trait's name in snake case, a one-method trait's usual method (serde's
    `Deserialize`: `deserialize`). The index records no trait per method, so `Display for Duration` and `Debug for
    Duration` name the same `Duration.fmt`."""
    found = _TRAIT_FOR.match(query.strip())
    if found is None:
        return None
    from .units import standard_trait_methods  # here: a plain search never reads the standard docs

    trait, owner = found.groups()
    methods = standard_trait_methods(trait) | {"_".join(split_identifier(trait)).lower()}
    methods |= {u.name for u in units if u.language == "rust" and u.qualified_name.split(".")[-2:-1] == [trait]}
    named = (u.language == "rust" and u.name in methods and u.qualified_name.split(".")[-2:-1] == [owner]
             for u in units)
    tiers = np.fromiter((0 if is_named else 2 for is_named in named), np.int8, len(units))
    return tiers if tiers.min(initial=2) == 0 else None


def name_order(query: str, named: Sequence) -> Callable[[Any], int]:
    """Where each of the functions a query names (`named`: its units) ranks among them: 0 the one whose whole
    qualified name the query is (`createRow` the top-level function before `RowExpanding.createRow`; `Parser.parse`
    before `html.Parser.parse`), in the module its other qualifiers name where they name one; 1 that whole name
    elsewhere; 2 the rest. A query qualified by a package or module no function's name holds (`tokio::spawn`,
    `java.util.Arrays.sort`) is read as its longest tail that some function's qualified name is: `spawn`, the free
    function, before `Runtime.spawn`; `tokio::task::spawn_blocking`, the one in src/task/, first; a module that is a
    file (rich/__init__.py for `rich.print`) before one that is a folder above it (rich/jupyter.py). -2, before all: the
    one a stack frame's file and line are in (`at Object.set (/app/src/proxy.ts:4:13)`: proxy.ts's `objectTraps.set`,
    not util.ts's `set`); -1, those in the frame's file (its lines moved: another version of the code)."""
    parts, names = named_by(query) or [], {u.qualified_name for u in named}
    located = _located(query, named)
    start, alike = next((start for start in range(len(parts)) if ".".join(parts[start:]) in names), None), set()
    if start is None:  # an instance's name for its class's (ajv's README: `ajv.compile` for `Ajv.compile`)
        folded = {name.lower() for name in names}
        start = next((start for start in range(len(parts)) if ".".join(parts[start:]).lower() in folded), 0)
        alike = {name for name in names if name.lower() == ".".join(parts[start:]).lower()}
    whole, module = ".".join(parts[start:]), parts[start - 1].lower() if start else None

    def in_module(unit) -> int:
        """2: the module is its file (`rich/__init__.py` for `rich.print`, Go's package folder); 1: a folder above it
        (`rich/jupyter.py`); 0: neither."""
        *folders, file = unit.path.lower().split("/")
        stem = file.rsplit(".", 1)[0]
        if stem == module or folders and folders[-1] == module and (stem in _ENTRY_FILES or unit.language == "go"):
            return 2
        return 1 if module in folders else 0

    whole_named = [u for u in named if u.qualified_name == whole or u.qualified_name in alike]
    best = max(map(in_module, whole_named), default=0) if module is not None else 0

    def order(unit) -> int:
        if located is not None and _holds(unit, located):
            return -2
        if located is not None and _in_frame_file(unit, located):
            return -1  # the frame's file, its line moved since (another version of the code)
        if unit.qualified_name != whole and unit.qualified_name not in alike:
            return 2
        return 0 if module is None or best and in_module(unit) == best else 1

    return order


# A package's own file, which its folder's name names: `rich.print` is rich/__init__.py's
_ENTRY_FILES = frozenset({"__init__", "index", "mod", "lib"})


def name_tier(parts: Sequence[str], unit) -> int:
    """0 when a function's name, or the tail of its qualified name, is the name `parts`; 1 when it is but for
    case and underscores (`getCloseMatches` for `get_close_matches`, as a user of another language writes it); 2
    otherwise."""
    if _folded(unit.name) != _folded(parts[-1]):
        return 2
    scopes = unit.qualified_name.split(".")
    tail = scopes[-len(parts):] if len(parts) > 1 else [unit.name]
    if tail == list(parts):
        return 0
    return 1 if [_folded(t) for t in tail] == [_folded(p) for p in parts] else 2


def _folded(name: str) -> str:
    """`name` but for case and the underscores between its words (`get_close_matches`, `getCloseMatches`); those it
    opens with stay, as a Python special method's (`__iter__`): a private `_next` is another method than `next`."""
    if name.startswith("__") and name.endswith("__"):
        return name
    bare = name.lstrip("_")
    return name[:len(name) - len(bare)] + bare.replace("_", "").lower()


# A name matched but for case is promoted only while at most this many functions carry it: a lowercase word
# (`string`) is more often a description than a name, and Go has a `String` method on every other type.
CASE_ONLY_LIMIT = 3
PREFIX_MIN, PREFIX_LIMIT = 3, 10  # `name_tiers(prefix=True)`: the shortest beginning read, the most names it promotes


def name_tiers(query: str, units: Sequence, demote: np.ndarray | None = None,
               prefix: bool = False) -> np.ndarray | None:
    """Per unit, the group `rank_units` promotes it into for `query`: `name_tier` (of the name alone where no
    function has the qualified one), except that tier 1 counts only when it holds at most CASE_ONLY_LIMIT functions
    (distinct qualified names) and rows where `demote` (tests) rank by meaning with the others; None when the query
    is no name. `prefix` (a name being typed, as an editor's symbol search sends it): where no function has the
    name, those whose names begin with it (but for case and underscores) are tier 1, where at most PREFIX_LIMIT
    names do."""
    parts, located = named_by(query), _located(query, units)
    if parts is None and located is None:
        tiers = trait_impl_tiers(query, units)
        if tiers is None:
            tiers = _written_names(query, units, demote)
        if tiers is not None and demote is not None:
            tiers[demote] = 2
        return tiers
    parts = parts or []  # a frame of no name (`at file:///app/index.js:128:7`): its place alone
    tiers = np.fromiter((name_tier(parts, u) for u in units), np.int8, len(units)) if parts \
        else np.full(len(units), 2, np.int8)
    for start in range(1, len(parts)):  # a qualifier that is no scope here (a package, `java.util.Arrays.sort`; a
        # module or an object the function is assigned to, `click.echo`, Express's `app.use`): the longest tail
        # that some function's qualified name ends with, at last the name itself; one it is but for case only where
        # no shorter tail is exactly (Go's `color.Unset` is the package's `Unset`, not `Color.unset`)
        if tiers.min(initial=2) == 0:
            break
        tail = np.fromiter((name_tier(parts[start:], u) for u in units), np.int8, len(units))
        if tail.min(initial=2) < tiers.min(initial=2):
            tiers = tail
    if located is not None and not any(_in_frame_file(units[row], located) for row in np.flatnonzero(tiers == 0)):
        # a frame's name that names no function of its file (V8's `at new Debouncer (...)`, a class's constructor;
        # `at Object.value (...)` of a method bound by another name), or no name (`<genexpr>`, an anonymous
        # function): the innermost function its file and line are in, where they are in one file. A function of
        # the frame's name in its file keeps its place instead (its lines moved: another version of the code).
        holding = [row for row, unit in enumerate(units) if _holds(unit, located)]
        if holding and len({units[row].path for row in holding}) == 1:
            tiers[min(holding, key=lambda row: units[row].end_line - units[row].start_line)] = 0
    if demote is not None and (tiers[~demote] < 2).any():  # tests below the code named so; a name only tests
        tiers[demote] = 2  # carry is theirs (jsonschema's `best_match_of`, urfave/cli's `refute` ranked 297th)
    case_only = {units[row].qualified_name for row in np.flatnonzero(tiers == 1)}
    if len(case_only) > CASE_ONLY_LIMIT:
        tiers[tiers == 1] = 2
    if prefix and len(parts) == 1 and len(parts[0]) >= PREFIX_MIN and tiers.min(initial=2) == 2:
        begun = _folded(parts[0])
        starts = np.fromiter((_folded(u.name).startswith(begun) for u in units), bool, len(units))
        if demote is not None:
            starts &= ~demote
        if len({units[row].qualified_name for row in np.flatnonzero(starts)}) <= PREFIX_LIMIT:
            tiers[starts] = 1
    return tiers


# A code name written in a sentence: camelCase or PascalCase of two humps and more, or snake_case (`how do I use the
# useNetInfo hook`, `what does parse_args return`); not a word of prose
_WRITTEN_NAME = re.compile(r"(?<![\w$.])(?:[a-z$][a-z0-9$]*(?:[A-Z][a-z0-9$]*)+|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+"
                           r"|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w$])")
MAX_WRITTEN_NAMES = 8  # code names of a sentence looked up


def _written_names(query: str, units: Sequence, demote: np.ndarray | None) -> np.ndarray | None:
    """Tier 0 for the functions named exactly by a code name a prose query writes (`_WRITTEN_NAME`), where at most
    CASE_ONLY_LIMIT functions outside tests carry it; None where none does."""
    names = set(_WRITTEN_NAME.findall(query[:MAX_QUERY_CHARS])[:MAX_WRITTEN_NAMES])
    if not names:
        return None
    named = np.fromiter((u.name in names for u in units), bool, len(units))
    if demote is not None:
        named &= ~demote
    if not named.any() or len({units[row].qualified_name for row in np.flatnonzero(named)}) > CASE_ONLY_LIMIT:
        return None
    return np.where(named, 0, 2).astype(np.int8)


# Folders, file names and function names of tests and benchmarks, in the six languages' conventions (Go's test
# helper packages included: testsuite/, testutil/).
_TEST_DIRS = frozenset({"test", "tests", "__tests__", "__mocks__", "__fixtures__", "testdata", "testsuite", "testutil",
                        "bench", "benches", "benchmark", "benchmarks"})
# A JavaScript or TypeScript file name with the word "test" in it (test-utils.ts, sliderTestUtils.ts, testHelpers.js)
# holds test helpers; "testing" and "latest" are not that word.
_TEST_FILE = re.compile(r"^(test_.*|.*_test|conftest|bench_.*|.*_bench(mark)?)\.py$|_test\.go$"
                        r"|\.(test|spec|bench)\.[cm]?[jt]sx?$|(Tests?|IT|Benchmark)\.java$"
                        r"|^(?:(?:.*[-_.])?[tT]ests?|.*[a-z0-9]Tests?)(?:[-_.A-Z].*)?\.[cm]?[jt]sx?$")
_TEST_NAME = re.compile(r"^(test_|(Test|Benchmark|Fuzz)[A-Z_0-9])")
_TEST_SCOPES = frozenset({"test", "tests"})  # Rust's test modules by name (`mod tests`, `mod test`)
_TEST_WORDS = frozenset({"test", "tested", "testing", "unittest", "bench", "benchmark", "benchmarked", "benchmarking"})
_GO_EXAMPLE = re.compile(r"^Example(?:[A-Z_]|$)")  # Go's runnable examples (`ExampleRetry` in retry_test.go)


def asks_for_tests(query: str) -> bool:
    """Whether a query speaks of tests or benchmarks (then they rank with the other functions)."""
    return bool(_TEST_WORDS & set(lexical_terms(query)))


def asks_for_examples(query: str) -> bool:
    """Whether a query speaks of examples (then examples rank with the other functions: `is_example_unit`)."""
    return bool({"example", "demo", "story"} & set(lexical_terms(query)))  # "examples", "stories" stem to them


def ranked_as_test(unit, examples: bool = False) -> bool:
    """Ranked after the other functions: a test (`is_test_unit`) or an example (`is_example_unit`), but an example
    where the query asks for examples (`asks_for_examples`)."""
    if is_example_unit(unit):
        return not examples
    return is_test_unit(unit)


# Example programs beside a library: Cargo's examples/, and the examples/ folders of other languages; example/ at the
# top only (Java's `com/example/...` is a package).
_EXAMPLE_DIRS = frozenset({"examples", "_examples"})


def is_example_unit(unit) -> bool:
    """A function of an example program (under an examples/ folder, or a demo/ one at the top: a package's demo
    page; a Storybook story, `Button.stories.tsx`) or a Go runnable example (`ExampleRetry` in retry_test.go)."""
    return _example_path(unit.path) or unit.language == "go" and bool(_GO_EXAMPLE.match(unit.name)) \
        and is_test_unit(unit)


_STORY_FILE = re.compile(r"\.stor(?:y|ies)\.[cm]?[jt]sx?$")  # Storybook's stories: a component's examples


@lru_cache(maxsize=65536)  # asked for every indexed function on every search
def _example_path(path: str) -> bool:
    *folders, name = path.lower().split("/")
    return bool(_EXAMPLE_DIRS.intersection(folders)) or folders[:1] in (["example"], ["demo"], ["demos"]) \
        or bool(_STORY_FILE.search(name))


_TEST_DIR_PART = re.compile(r"(?:^|[-_.])tests?(?:[-_.]|$)")  # go-toml's toml-test/, e2e-tests/, test_utils/


@lru_cache(maxsize=65536)
def _test_path(path: str) -> bool:
    *folders, name = path.split("/")
    return bool(_TEST_DIRS.intersection(f.lower() for f in folders) or _TEST_FILE.search(name)
                or any(_TEST_DIR_PART.search(f.lower()) for f in folders))


@lru_cache(maxsize=1 << 18)  # asked for every indexed function on every search
def is_test_code(path: str, qualified_name: str) -> bool:
    """A test or benchmark function: by its file (tests/, *_test.go, FooTest.java, x.spec.ts, bench/ ...),
    its name (test_x, TestX, BenchmarkX) or its scope (a TestX class, a Rust `tests` or `test` module, a test
    function it is nested in: `test_rfc2822.rfc2822_to_datetime`)."""
    if _test_path(path):
        return True
    *scopes, name = qualified_name.split(".")
    return bool(_TEST_NAME.match(name)) or any(s in _TEST_SCOPES or s.startswith(("Test", "test_")) for s in scopes)


def is_test_unit(unit) -> bool:
    """`is_test_code`, or a function the index found marked as a test (`#[test]`, `@Test`) or in test-only code
    (`gated_test_code`)."""
    return getattr(unit, "test", False) or is_test_code(unit.path, unit.qualified_name)


# A Rust attribute that compiles what it marks only for tests: `cfg(test)`, `cfg(all(test, ...))` (spaces removed).
_CFG_ARGUMENT = r"(?:[^(),]|\([^()]*\))+"  # `feature="std"`, `not(miri)`
_CFG_TEST = re.compile(rf"#!?\[cfg\((?:test|all\((?:{_CFG_ARGUMENT},)*test(?:,{_CFG_ARGUMENT})*\))\)\]")
_ATTACHED = frozenset({"attribute_item", "line_comment", "block_comment"})
_GATED_ITEMS = frozenset({"mod_item", "impl_item", "function_item"})  # what `#[cfg(test)]` can leave out


def gated_test_code(code: str, language: str) -> Callable[[int], bool]:
    """Whether a 0-based line of `code` is in code compiled only for tests, whatever its names say: a Rust
    module, impl block or function under `#[cfg(test)]` or `#[cfg(all(test, ...))]` (rusqlite's `mod test`, any
    name; chrono's test-only `Mdf::valid`), or a module (or a file) under `#![cfg(test)]`."""
    maybe = language == "rust" and "test" in code and re.search(r"cfg\s*\(", code)  # else nothing to parse
    spans = _gated_test_spans(code) if maybe else []
    return lambda line: any(first <= line <= last for first, last in spans)


def _gated_test_spans(code: str) -> list[tuple[int, int]]:
    """The (first, last) lines of each Rust module, impl block or function (or file) compiled only for tests."""

    def gated(attribute) -> bool:
        return bool(_CFG_TEST.fullmatch(re.sub(r"\s+", "", attribute.text.decode("utf-8", "replace"))))

    spans = []
    bodies = [parse(code, "rust").root_node]  # the source file and the bodies of modules not (yet) gated
    while bodies:
        body = bodies.pop()
        if any(c.type == "inner_attribute_item" and gated(c) for c in body.named_children):
            spans.append((body.start_point.row, body.end_point.row))
            continue
        for child in body.named_children:
            if child.type not in _GATED_ITEMS:
                continue
            attributes, before = [], child.prev_named_sibling  # its attributes, and comments between them
            while before is not None and before.type in _ATTACHED:
                attributes.append(before)
                before = before.prev_named_sibling
            if any(a.type == "attribute_item" and gated(a) for a in attributes):  # from its attributes on: a
                spans.append((attributes[-1].start_point.row, child.end_point.row))  # unit begins with them
            elif child.type != "function_item" and child.child_by_field_name("body") is not None:
                bodies.append(child.child_by_field_name("body"))
    return spans


def marks_overload(terms: str) -> bool:
    """Whether a function's BM25 terms mark it as an `@overload` stub (of Python code): the index's rule, and the
    one a lance store's `stub` column is written by."""
    return "overload" in terms and "overload" in terms.split()


def overload_stubs(units: Sequence["IndexedUnit"]) -> dict[int, int]:
    """Row of each Python stub -> row of its implementation, the last same-named function of the stub's module,
    itself no stub: an `@overload` stub's module is its file, a `.pyi` stub file's the `.py` file beside it (a
    package's typing stubs). Stubs without an implementation (a C extension's `.pyi`) stay as they are."""
    def home(unit) -> tuple[str, str]:
        return unit.path.removesuffix("i") if unit.path.endswith(".pyi") else unit.path, unit.qualified_name

    stubs = [row for row, u in enumerate(units)
             if u.language == "python" and (marks_overload(u.terms) or u.path.endswith(".pyi"))]
    if not stubs:
        return {}
    wanted = {home(units[row]) for row in stubs}
    last: dict[tuple[str, str], int] = {}
    for row, u in enumerate(units):
        key = (u.path, u.qualified_name)
        if key in wanted and (key not in last or u.start_line > units[last[key]].start_line):
            last[key] = row
    folds = {}
    for row in stubs:
        target = last.get(home(units[row]))
        if target is not None and target != row and not marks_overload(units[target].terms):
            folds[row] = target
    return folds
