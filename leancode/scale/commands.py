"""`leancode index --store lance / --engine ray` and `leancode search` over a LanceDB index (the CLI's scale path)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

from ..languages import ParseWarning
from ..messages import printable
from .engine import claim, encoder_info, encoder_settings, file_units, index_local, repositories
from .lance_store import KIND


def index_command(args: argparse.Namespace, encoder, index_dir: Path) -> int:
    """Index the repositories of `args.path` into the LanceDB store at `index_dir`; print what was done."""
    from .lance_store import LanceStore

    repos = repositories(args.path or ["."])
    if not args.index_dir and (len(repos) > 1 or any(Path(p).is_file() for p in args.path)):
        raise ValueError("several repositories, or a list of them, need --index-dir (one index for all of them)")
    if args.engine == "ray":  # a cluster that cannot be reached leaves no store behind
        from .ray_engine import connect

        connect(args.address)
    store = LanceStore(index_dir, encoder_info(encoder))
    with store.reporting_damage(), store.updating():  # the whole run: a second one waits for it
        claim(store, repos)  # before any work: a name the store gives another repository is refused at once
        if args.engine == "ray":
            from .ray_engine import index_with_ray

            stats = index_with_ray(store, repos, encoder_settings(encoder), address=args.address,
                                   actors=args.actors, batch_size=args.batch_size, progress=not args.json)
        else:
            stats = index_local(store, repos, encoder, progress=not args.json, batch_size=args.batch_size)
    if args.json:
        print(json.dumps({**stats.as_json(), "store": KIND, "index_dir": str(index_dir)}, indent=2))
    else:
        held = f"{stats.repositories} repositor{'y' if stats.repositories == 1 else 'ies'}"
        print(f"leancode: indexed {stats.units} functions of {held} in {stats.files} "
              f"files ({stats.embedded} embedded, {stats.reused} reused, {stats.added} rows added, "
              f"{stats.removed} removed; engine {stats.engine}, ANN index: {stats.ann or 'none (exact)'}) in "
              f"{stats.seconds:.1f} s; index: {index_dir}")
    return 0


def place(target: Path, roots: dict[str, str]) -> tuple[str | None, str | None]:
    """(repository, path inside it) of `target` (an absolute path) among a store's repositories; (None, None)
    when no repository holds it (a folder above them all: search everywhere)."""
    for name, root in roots.items():
        root = Path(root)
        if target == root or root in target.parents:
            inside = target.relative_to(root).as_posix()
            return name, None if inside == "." else inside
    return None, None


def search_command(args: argparse.Namespace, encoder, index_dir: Path, target: Path):
    """Search a LanceDB index: (hits, the file of a hit's row) for the CLI to show as the default search's, each row
    naming its repository. `target` (--path, absolute): only the repository, folder or file it names, when a
    repository of the store holds it."""
    from .lance_store import LanceStore

    if args.hybrid:
        raise ValueError("--hybrid is not available over a lance index (dense search only)")
    store = LanceStore(index_dir, encoder_info(encoder), create=False)
    roots = store.manifest.get("repositories") or {}
    if args.repo is not None and args.repo not in roots:
        raise LookupError(f"no repository {args.repo!r} in {index_dir} (it has: {', '.join(sorted(roots))})")
    repo, within = place(target, roots)
    implicit = args.path == "."  # no --path: the folder the search runs in
    if args.repo is not None and repo not in (None, args.repo):
        if not implicit:
            raise ValueError(f"--path {target} is in repository {repo!r}, not {args.repo!r}")
        repo, within = None, None  # an explicit --repo wins over the folder it runs in
    if implicit and repo is not None and (within or args.repo is None and len(roots) > 1):
        print(f"leancode: searching {printable('/'.join(filter(None, (repo, within))))}/ only "
              f"({_elsewhere(roots, repo)})", file=sys.stderr)  # as the default search does inside a repository
    query = encoder.encode_queries([args.query])[0]
    with store.reporting_damage():
        found = store.search(query, top=max(CANDIDATES, 4 * args.top), repo=args.repo or repo, within=within)
    hits = ranked_hits(found, args.query, args.top, roots, include_tests=args.include_tests)
    return hits, lambda row: Path(roots.get(row.repo, ".")) / row.path


def _elsewhere(roots: dict[str, str], repo: str) -> str:
    """How to search more than the repository (or folder of it) a search runs in."""
    above = Path(os.path.commonpath(list(roots.values())))
    if place(above, roots)[0] is None:
        return f"--path {printable(os.path.relpath(above))} for the whole index"
    return f"--path {printable(os.path.relpath(roots[repo]))} for the whole repository"


CANDIDATES = 100  # rows the store returns for a search (at least 4 x --top), then ranked and folded


def ranked_hits(found: list, query: str, top: int, roots: dict[str, str], include_tests: bool = False) -> list:
    """The store's nearest rows (row, cosine) as the default search shows a repository's functions
    (`search.rank_units` over them): functions the query names first, tests after the other functions,
    `@overload` stubs, overloads and copies folded into one row."""
    from ..index_store import IndexedUnit
    from ..search import SearchHit, SearchIndex, asks_for_tests, is_test_code, rank_units

    rows = [row for row, _ in found]
    facts = _file_facts(rows, roots)
    # A row's repository leads its path, so that two repositories' files of one name are not taken for one file.
    units = [IndexedUnit(f"{r.repo}/{r.path}", r.name, r.qualified_name, r.language, r.start_line, r.end_line,
                         r.preview, r.key, *facts.get((r.repo, r.path, r.start_line, r.key), ("", False)))
             for r in rows]
    tests = np.array([u.test or is_test_code(r.path, r.qualified_name) for r, u in zip(rows, units)], bool)
    # rank_units ranks by vectors @ query: here each row's cosine (the store's) as a vector of one, the query [1].
    cosines = SearchIndex(np.array([[score] for _, score in found], np.float32).reshape(-1, 1))
    ranked = rank_units(np.ones(1, np.float32), query, cosines, units, top, tests=tests,
                        tests_last=not include_tests and not asks_for_tests(query))
    return [SearchHit(rows[r.row], r.score, n, tuple(rows[c] for c in r.copies), tuple(rows[o] for o in r.overloads))
            for n, r in enumerate(ranked, 1)]


def _file_facts(rows: list, roots: dict[str, str]) -> dict[tuple, tuple[str, bool]]:
    """(repo, path, start line, key) -> (terms, test) of the rows' functions, from their files as they are now:
    what ranking needs and the store does not keep (terms tell an `@overload` stub; test: code compiled only
    for tests). A function changed since indexing is missing: ranked as plain code."""
    from ..search import is_test_code

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
