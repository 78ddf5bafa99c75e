"""Search a LanceDB index as the default search ranks a repository: `search_store`, for `leancode search` and the
language server's setting `searchIndex` alike, so both show the same hits in the same order."""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np

from ..index_store import IndexedUnit
from ..languages import ParseWarning
from ..search import (SearchHit, SearchIndex, asks_for_examples, asks_for_tests, is_example_unit, is_test_code,
                      rank_units)
from .engine import file_units
from .lance_store import FLAGS, LanceStore

CANDIDATES = 100  # rows the store returns for a search (at least 4 x top), then ranked and folded


def search_store(store: LanceStore, query_vector: np.ndarray, query: str, top: int, repo: str | None = None,
                 within: str | None = None, include_tests: bool = False) -> list[SearchHit]:
    """The `top` functions of a lance store for `query` (embedded: `query_vector`), as `ranked_hits` shows them;
    `repo`, `within`: only that repository, only under that path of it. Each hit's unit is its store row
    (`StoredFunction`, naming its repository)."""
    with store.reporting_damage():
        found = store.search(query_vector, top=max(CANDIDATES, 4 * top), repo=repo, within=within)
    flagged = all(flag in store.columns for flag in FLAGS)
    return ranked_hits(found, query, top, store.manifest.get("repositories") or {}, include_tests=include_tests,
                       flagged=flagged)


def ranked_hits(found: list, query: str, top: int, roots: dict[str, str], include_tests: bool = False,
                flagged: bool = True) -> list[SearchHit]:
    """The store's nearest rows (row, cosine) as the default search shows a repository's functions
    (`search.rank_units` over them): functions the query names first, tests after the other functions,
    `@overload` stubs, overloads and copies folded into one row. `flagged`: the rows carry their FLAGS (else
    they are read from the rows' files)."""
    rows = [row for row, _ in found]
    facts = {(r.repo, r.path, r.start_line, r.key): ("overload" if r.stub else "", r.test) for r in rows} \
        if flagged else _file_facts(rows, roots)
    # A row's repository leads its path, so that two repositories' files of one name are not taken for one file.
    units = [IndexedUnit(f"{r.repo}/{r.path}", r.name, r.qualified_name, r.language, r.start_line, r.end_line,
                         r.preview, r.key, *facts.get((r.repo, r.path, r.start_line, r.key), ("", False)))
             for r in rows]
    examples, asked = [is_example_unit(r) for r in rows], asks_for_examples(query)  # as `search.ranked_as_test`
    tests = np.array([not asked if example else u.test or is_test_code(r.path, r.qualified_name)
                      for r, u, example in zip(rows, units, examples)], bool)
    # rank_units ranks by vectors @ query: here each row's cosine (the store's) as a vector of one, the query [1].
    cosines = SearchIndex(np.array([[score] for _, score in found], np.float32).reshape(-1, 1))
    ranked = rank_units(np.ones(1, np.float32), query, cosines, units, top, tests=tests,
                        tests_last=not include_tests and not asks_for_tests(query), reformatted=False)
    return [SearchHit(rows[r.row], r.score, n, tuple(rows[c] for c in r.copies), tuple(rows[o] for o in r.overloads),
                      r.tier, bool(tests[r.row]) or examples[r.row], examples[r.row])
            for n, r in enumerate(ranked, 1)]


def _file_facts(rows: list, roots: dict[str, str]) -> dict[tuple, tuple[str, bool]]:
    """(repo, path, start line, key) -> (terms, test) of the rows' functions, from their files as they are now:
    what ranking needs and a store made before FLAGS does not keep (terms tell an `@overload` stub; test: code compiled only
    for tests). A function changed since indexing is missing: ranked as plain code."""
    # Only the files where either can matter are parsed: Python ones holding a name twice among the rows (an
    # `@overload` stub and its implementation), Rust and Java ones with a row not yet known as a test (`#[test]`,
    # `@Test`, `#[cfg(test)]`); the others' functions are plain code.
    names = Counter((r.repo, r.path, r.name) for r in rows)
    files = {(r.repo, r.path, r.language) for r in rows if r.repo in roots and (
        r.language == "python" and names[(r.repo, r.path, r.name)] > 1
        or r.language in ("rust", "java") and not is_test_code(r.path, r.qualified_name))}
    facts = {}
    with warnings.catch_warnings():  # a file's syntax errors were told when it was indexed
        warnings.simplefilter("ignore", ParseWarning)
        for repo, path, language in files:
            for unit in file_units({"repo": repo, "root": roots[repo], "path": path, "language": language}):
                facts[(repo, path, unit["start_line"], unit["key"])] = (unit["terms"], unit["test"])
    return facts
