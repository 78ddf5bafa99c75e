"""`leancode index --store lance / --engine ray` and `leancode search` over a LanceDB index (the CLI's scale path)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ..messages import printable
from .engine import claim, encoder_info, encoder_settings, index_local, repositories
from .lance_store import KIND
from .search import search_store


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
    hits = search_store(store, encoder.encode_queries([args.query])[0], args.query, args.top, repo=args.repo or repo,
                        within=within, include_tests=args.include_tests)
    return hits, lambda row: Path(roots.get(row.repo, ".")) / row.path


def _elsewhere(roots: dict[str, str], repo: str) -> str:
    """How to search more than the repository (or folder of it) a search runs in."""
    above = Path(os.path.commonpath(list(roots.values())))
    if place(above, roots)[0] is None:
        return f"--path {printable(os.path.relpath(above))} for the whole index"
    return f"--path {printable(os.path.relpath(roots[repo]))} for the whole repository"
