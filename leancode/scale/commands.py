"""`leancode index --store lance / --engine ray` and `leancode search` over a LanceDB index (the CLI's scale path)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .engine import encoder_info, encoder_settings, index_local, repositories
from .lance_store import KIND


def index_command(args: argparse.Namespace, encoder, index_dir: Path) -> int:
    """Index the repositories of `args.path` into the LanceDB store at `index_dir`; print what was done."""
    from .lance_store import LanceStore

    repos = repositories(args.path or ["."])
    if len(repos) > 1 and not args.index_dir:
        raise ValueError("several repositories need --index-dir (one index for all of them)")
    store = LanceStore(index_dir, encoder_info(encoder))
    if args.engine == "ray":
        from .ray_engine import index_with_ray

        stats = index_with_ray(store, repos, encoder_settings(encoder), address=args.address,
                               actors=args.actors, batch_size=args.batch_size, progress=not args.json)
    else:
        stats = index_local(store, repos, encoder, progress=not args.json, batch_size=args.batch_size)
    if args.json:
        print(json.dumps({**stats.as_json(), "store": KIND, "index_dir": str(index_dir)}, indent=2))
    else:
        print(f"leancode: indexed {stats.units} functions of {stats.repositories} repositories in {stats.files} "
              f"files ({stats.embedded} embedded, {stats.reused} reused, {stats.added} rows added, "
              f"{stats.removed} removed; engine {stats.engine}, ANN index: {stats.ann or 'none (exact)'}) in "
              f"{stats.seconds:.1f} s; index: {index_dir}")
    return 0


def search_command(args: argparse.Namespace, encoder, index_dir: Path, within: str | None = None) -> int:
    """Search a LanceDB index; the same output as the default search, plus each result's repository."""
    from ..search import SearchHit
    from .lance_store import LanceStore

    if args.hybrid:
        raise ValueError("--hybrid is not available over a lance index (dense search only)")
    store = LanceStore(index_dir, encoder_info(encoder))
    roots = store.manifest.get("repositories") or {}
    if args.repo is not None and args.repo not in roots:
        raise LookupError(f"no repository {args.repo!r} in {index_dir} (it has: {', '.join(sorted(roots))})")
    query = encoder.encode_queries([args.query])[0]
    found = store.search(query, top=args.top, repo=args.repo, within=within)
    hits = [(SearchHit(row, score, rank), Path(roots.get(row.repo, ".")) / row.path)
            for rank, (row, score) in enumerate(found, 1)]
    if args.json:
        print(json.dumps([{**hit.as_json(), "repo": hit.unit.repo, "file": str(file)} for hit, file in hits],
                         indent=2))
        return 0
    dim, reset = ("\x1b[2m", "\x1b[0m") if sys.stdout.isatty() else ("", "")
    for hit, file in hits:
        print(f"{hit.score:.3f}  {os.path.relpath(file)}:{hit.unit.start_line + 1}  {hit.unit.qualified_name}  "
              f"{dim}{hit.unit.preview}{reset}")
    if not hits:
        print("leancode: no functions indexed" + (f" in {args.repo}" if args.repo else ""), file=sys.stderr)
    return 0
