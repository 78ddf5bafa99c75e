"""`leancode-train search-defaults`: per language, the ratio and the reader of search (the shipped search adapter, its
base, or a further adapter in a subdirectory of it), chosen on validation sets and written beside the adapter
(`leancode.encoder.LANGUAGE_DEFAULTS`).

Every candidate reader (the adapter; its base, the packaged model zero-shot; each further adapter in a subdirectory)
at every `--ratios` LeanCode ratio is scored by MRR on each of a language's sets (`--set LANGUAGE=DIR`, a directory
of queries.jsonl and codebase.jsonl; repeatable); its margin is its MRR minus the base's on full code (zero-shot),
and a candidate's worst margin over the language's sets is what counts. The choice is the largest ratio (the
cheapest to encode) whose worst margin is within `--tolerance` of the best one's and not below zero (base@0,
zero-shot itself, always qualifies); at that ratio, the reader with the best worst margin. Use validation sets only:
the test sets judge the choice. Languages without a set keep `SEARCH_RATIO` and the adapter.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from datetime import datetime, timezone
from pathlib import Path

from leancode.encoder import (LANGUAGE_DEFAULTS, SEARCH_RATIO, SHIPPED_ADAPTER, Encoder, adapter_base, check_reader,
                              extra_readers)
from leancode.importance import table_digest

from .jsonl import read_jsonl
from .search_eval import evaluate_search


def score_candidates(sets: dict[str, list[Path]], ratios: list[float], readers: dict[str, Encoder],
                     earlier: dict | None = None) -> dict:
    """{language: {set: {"queries": n, "cells": {"reader@ratio": MRR}}}}, queries embedded once per set (by the base:
    every reader reads code only, or is the base); a cell `earlier` holds (an earlier run's scores of the same
    readers on the same set: its digest, or for older runs its size) is not scored again."""
    scores: dict = {}
    for language, directories in sets.items():
        for directory in directories:
            queries, codebase = read_jsonl(directory / "queries.jsonl"), read_jsonl(directory / "codebase.jsonl")
            digest = set_digest(directory)
            done = (earlier or {}).get(language, {}).get(str(directory), {})
            same_set = done.get("digest", digest) == digest and done.get("queries") == len(queries)
            cells = dict(done.get("cells", {})) if same_set else {}
            wanted = [(reader, ratio) for reader in readers for ratio in ratios if f"{reader}@{ratio:g}" not in cells]
            if wanted:
                query_vectors = readers["base"].encode_queries([q["query"] for q in queries])
                for reader, ratio in wanted:
                    run = evaluate_search(queries, codebase, readers[reader].configured("leancode", ratio),
                                          query_vectors=query_vectors)
                    cells[f"{reader}@{ratio:g}"] = round(run.report["mrr"], 4)
                print(f"{language} {directory}: {json.dumps(cells)}", flush=True)
            keep = {f"{reader}@{ratio:g}" for reader in readers for ratio in ratios}
            scores.setdefault(language, {})[str(directory)] = {
                "queries": len(queries), "digest": digest,
                "cells": {c: v for c, v in sorted(cells.items()) if c in keep}}
    return scores


def set_digest(directory: Path) -> str:
    """A hash of a search set's two files: an earlier run's scores are reused only for the same set."""
    digest = hashlib.sha256()
    for name in ("queries.jsonl", "codebase.jsonl"):
        digest.update(hashlib.sha256((directory / name).read_bytes()).digest())
    return digest.hexdigest()[:12]


def choose(per_set: dict[str, dict], tolerance: float) -> dict:
    """One language's default from its sets' scores: {"ratio", "reader", "worst_margin"}."""
    candidates = next(iter(per_set.values()))["cells"].keys()
    worst = {c: min(s["cells"][c] - s["cells"]["base@0"] for s in per_set.values()) for c in candidates}
    best = max(worst.values())
    fine = [c for c in candidates if worst[c] >= best - tolerance and worst[c] >= 0]  # never below zero-shot
    pick = max(fine, key=lambda c: (float(c.split("@")[1]), worst[c], c.startswith("adapter")))
    return {"ratio": float(pick.split("@")[1]), "reader": pick.split("@")[0], "worst_margin": round(worst[pick], 4)}


def _search_defaults(args) -> int:
    sets: dict[str, list[Path]] = {}
    for item in args.set:
        language, _, directory = item.partition("=")
        if not directory or not (Path(directory) / "queries.jsonl").is_file():
            raise ValueError(f"--set {item}: expected LANGUAGE=DIR, DIR holding queries.jsonl and codebase.jsonl")
        sets.setdefault(language, []).append(Path(directory))
    ratios = sorted({0.0, *args.ratios})
    began = time.perf_counter()
    adapter_dir = Path(args.adapter)
    readers = {"adapter": Encoder(str(adapter_dir), ratio=0.0, threads=args.threads),
               "base": Encoder(str(adapter_base(adapter_dir)), ratio=0.0, threads=args.threads)}
    for name, directory in extra_readers(adapter_dir).items():
        check_reader(adapter_dir, directory)
        readers[name] = Encoder(str(directory), ratio=0.0, threads=args.threads)
    identities = {name: encoder.model_id for name, encoder in readers.items()}
    earlier = None
    if args.reuse:
        record = json.loads(Path(args.reuse).read_text())
        same = {"adapter": record.get("adapter"), "base": identities["base"], **record.get("readers", {})}
        kept = {name for name in identities if same.get(name) == identities[name]}
        tables = record.get("tables", {})  # a language whose table changed since is scored again
        earlier = {language: {directory: {**per_set, "cells": {c: v for c, v in per_set["cells"].items()
                                                               if c.split("@")[0] in kept}}
                              for directory, per_set in by_set.items()}
                   for language, by_set in record["scores"].items()
                   if tables.get(language) == table_digest(language)} if "adapter" in kept else None
    scores = score_candidates(sets, ratios, readers, earlier)
    if earlier and kept == set(identities):  # a language without --set keeps the earlier run's scores and choice
        order = list(record["scores"])  # and the languages keep the earlier run's order
        scores = dict(sorted({**earlier, **scores}.items(), key=lambda item: (
            order.index(item[0]) if item[0] in order else len(order))))
    chosen = {language: choose(per_set, args.tolerance) for language, per_set in scores.items()}
    record = {
        "kind": "leancode search defaults",
        "adapter": identities["adapter"],
        "readers": identities,
        "tables": {language: table_digest(language) for language in scores},
        "languages": chosen,
        "other_languages": {"ratio": SEARCH_RATIO, "reader": "adapter"},
        "rule": f"largest ratio whose worst MRR margin over zero-shot is within {args.tolerance:g} of the best "
                "and not below zero; at that ratio, the reader with the best worst margin",
        "scores": scores,
        "command": args.command,
        "seconds": round(time.perf_counter() - began, 1),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    Path(args.out).write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(chosen))
    return 0


def add_search_defaults_parser(commands) -> None:
    p = commands.add_parser("search-defaults", help="choose the per-language search defaults (ratio, reader)",
                            description=__doc__.split("\n\n")[1])
    p.add_argument("--set", action="append", required=True, metavar="LANGUAGE=DIR",
                   help="a validation search set of LANGUAGE (repeatable, also per language)")
    p.add_argument("--ratios", type=lambda t: [float(r) for r in t.split(",")], default=[0.1, 0.2, 0.3],
                   help="LeanCode ratios tried besides 0 (default 0.1,0.2,0.3)")
    p.add_argument("--tolerance", type=float, default=0.002, help="MRR a faster default may give up (0.002)")
    p.add_argument("--threads", type=int, help="encoder threads")
    p.add_argument("--adapter", default=str(SHIPPED_ADAPTER), metavar="DIR",
                   help="the search adapter the defaults are for (default: the shipped one)")
    p.add_argument("--reuse", metavar="FILE", help="an earlier run's output: its sets' scores are not measured again, "
                   "and a language given no --set keeps its scores (when its table and every reader are unchanged)")
    p.add_argument("--out", default=str(LANGUAGE_DEFAULTS), help=f"where to write them (default {LANGUAGE_DEFAULTS})")
    p.set_defaults(func=_search_defaults)
