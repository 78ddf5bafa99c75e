"""`leancode-train search-defaults`: per language, the ratio the shipped search adapter reads and whether its base
reads instead, chosen on validation search sets and written beside the adapter (`leancode.encoder.LANGUAGE_DEFAULTS`).

Every candidate reader (the adapter, or its base: the packaged model zero-shot) at every `--ratios` LeanCode ratio is
scored by MRR on each of a language's sets (`--set LANGUAGE=DIR`, a directory of queries.jsonl and codebase.jsonl;
repeatable); its margin is its MRR minus the base's on full code (zero-shot), and a candidate's worst margin over the
language's sets is what counts. The choice is the largest ratio (the cheapest to encode) whose worst margin is within
`--tolerance` of the best one's and not below zero (base@0, zero-shot itself, always qualifies); the adapter wins
ties. Use validation sets only: the test sets judge the choice.
Languages without a set keep `SEARCH_RATIO` and the adapter.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime, timezone
from pathlib import Path

from leancode.encoder import LANGUAGE_DEFAULTS, SEARCH_RATIO, SHIPPED_ADAPTER, Encoder, adapter_base

from .jsonl import read_jsonl
from .search_eval import evaluate_search

READERS = ("adapter", "base")


def score_candidates(sets: dict[str, list[Path]], ratios: list[float], adapter: Encoder, base: Encoder,
                     earlier: dict | None = None) -> dict:
    """{language: {set: {"queries": n, "cells": {"reader@ratio": MRR}}}}, queries embedded once per set; a set
    whose cells `earlier` (an earlier run's scores, same adapter and ratios) holds is not scored again."""
    scores: dict = {}
    wanted = {f"{reader}@{ratio:g}" for reader in READERS for ratio in ratios}
    for language, directories in sets.items():
        for directory in directories:
            done = (earlier or {}).get(language, {}).get(str(directory))
            if done and set(done["cells"]) == wanted:
                scores.setdefault(language, {})[str(directory)] = done
                continue
            queries, codebase = read_jsonl(directory / "queries.jsonl"), read_jsonl(directory / "codebase.jsonl")
            query_vectors = base.encode_queries([q["query"] for q in queries])  # the adapter's queries: its base's
            cells = {}
            for reader, encoder in (("adapter", adapter), ("base", base)):
                for ratio in ratios:
                    run = evaluate_search(queries, codebase, encoder.configured("leancode", ratio),
                                          query_vectors=query_vectors)
                    cells[f"{reader}@{ratio:g}"] = round(run.report["mrr"], 4)
            scores.setdefault(language, {})[str(directory)] = {"queries": len(queries), "cells": cells}
            print(f"{language} {directory}: {json.dumps(cells)}", flush=True)
    return scores


def choose(per_set: dict[str, dict], tolerance: float) -> dict:
    """One language's default from its sets' scores: {"ratio", "adapter", "worst_margin"}."""
    candidates = next(iter(per_set.values()))["cells"].keys()
    worst = {c: min(s["cells"][c] - s["cells"]["base@0"] for s in per_set.values()) for c in candidates}
    best = max(worst.values())
    fine = [c for c in candidates if worst[c] >= best - tolerance and worst[c] >= 0]  # never below zero-shot
    pick = max(fine, key=lambda c: (float(c.split("@")[1]), c.startswith("adapter")))
    return {"ratio": float(pick.split("@")[1]), "adapter": pick.startswith("adapter"),
            "worst_margin": round(worst[pick], 4)}


def _search_defaults(args) -> int:
    sets: dict[str, list[Path]] = {}
    for item in args.set:
        language, _, directory = item.partition("=")
        if not directory or not (Path(directory) / "queries.jsonl").is_file():
            raise ValueError(f"--set {item}: expected LANGUAGE=DIR, DIR holding queries.jsonl and codebase.jsonl")
        sets.setdefault(language, []).append(Path(directory))
    ratios = sorted({0.0, *args.ratios})
    began = time.perf_counter()
    adapter = Encoder(str(args.adapter), ratio=0.0, threads=args.threads)
    base = Encoder(str(adapter_base(Path(args.adapter))), ratio=0.0, threads=args.threads)
    earlier = None
    if args.reuse:
        record = json.loads(Path(args.reuse).read_text())
        earlier = record["scores"] if record.get("adapter") == adapter.model_id else None
    scores = score_candidates(sets, ratios, adapter, base, earlier)
    chosen = {language: choose(per_set, args.tolerance) for language, per_set in scores.items()}
    record = {
        "kind": "leancode search defaults",
        "adapter": adapter.model_id,
        "languages": chosen,
        "other_languages": {"ratio": SEARCH_RATIO, "adapter": True},
        "rule": f"largest ratio whose worst MRR margin over zero-shot is within {args.tolerance:g} of the best "
                "and not below zero",
        "scores": scores,
        "command": args.command,
        "seconds": round(time.perf_counter() - began, 1),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    Path(args.out).write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(chosen))
    return 0


def add_search_defaults_parser(commands) -> None:
    p = commands.add_parser("search-defaults", help="choose the shipped adapter's per-language search defaults",
                            description=__doc__.split("\n\n")[1])
    p.add_argument("--set", action="append", required=True, metavar="LANGUAGE=DIR",
                   help="a validation search set of LANGUAGE (repeatable, also per language)")
    p.add_argument("--ratios", type=lambda t: [float(r) for r in t.split(",")], default=[0.1, 0.2, 0.3],
                   help="LeanCode ratios tried besides 0 (default 0.1,0.2,0.3)")
    p.add_argument("--tolerance", type=float, default=0.002, help="MRR a faster default may give up (0.002)")
    p.add_argument("--threads", type=int, help="encoder threads")
    p.add_argument("--adapter", default=str(SHIPPED_ADAPTER), metavar="DIR",
                   help="the search adapter the defaults are for (default: the shipped one)")
    p.add_argument("--reuse", metavar="FILE", help="an earlier run's output: its sets' scores are not measured again")
    p.add_argument("--out", default=str(LANGUAGE_DEFAULTS), help=f"where to write them (default {LANGUAGE_DEFAULTS})")
    p.set_defaults(func=_search_defaults)
