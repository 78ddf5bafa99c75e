"""Held-out code search sets from mined functions: `leancode-train search-sets --mined DIR --out DIR`.

For each language with a mined split (`DIR/<language>/<split>.jsonl`, `leancode-train mine`;
the test split holds whole packages kept out of training; `--split valid+test` joins two splits, for a
language whose test split alone is too small), writes the benchmark's search
format (`../shared/docs/benchmark-format.md`) to `OUT/<language>/`: `codebase.jsonl`
(every function of the split, docstring removed, as the index embeds it: a method after the line naming its owner,
`leancode.units.owner_line`; `--code-alone` keeps the code as mined, the sets' form before 2026-12-06) and `queries.jsonl` (the first
sentence of each function's doc comment querying that function). A query whose text is
the summary of more than one function of the split is dropped (its gold would be a
guess), and so is its set's duplicate code. `--limit N` keeps a seeded sample of N functions
per language (so a CPU can score the set). `OUT/MANIFEST.json` records, per language, the counts, the
splits and the command (a later run for other languages adds to it); `leancode-train eval search` and
`bench/search_quality.py` score the sets.
"""

from __future__ import annotations

import argparse
import json
import random
import warnings
from collections import Counter
from pathlib import Path

from ..units import owner_line
from .jsonl import read_jsonl, write_jsonl


def _earlier_manifest(path: Path) -> dict:
    """An earlier run's MANIFEST.json, or {} (with a warning) when it is missing or damaged."""
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(manifest, dict) and isinstance(manifest.get("languages", {}), dict):
            return manifest
        problem = "not a manifest"
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        problem = str(error)[:100]
    warnings.warn(f"{path}: unreadable ({problem}); starting a new one", stacklevel=3)
    return {}


def indexed_code(pair: dict) -> str:
    """A mined function's code as the index embeds it, less the doc sentence (the query): after its owner line."""
    line = owner_line(pair.get("name", ""), pair["language"])
    return f"{line}\n{pair['code']}" if line else pair["code"]


def build_search_set(pairs: list[dict], code_alone: bool = False) -> tuple[list[dict], list[dict]]:
    """(queries, codebase) of one language's mined pairs: unambiguous summaries query their functions. Duplicate
    code is dropped by its code alone, so that both forms of a set hold the same functions."""
    texts = Counter(p["summary"].strip().lower() for p in pairs)
    codebase, queries, seen = [], [], set()
    for pair in pairs:
        code = "".join(pair["code"].split())
        if code in seen:
            continue
        seen.add(code)
        codebase.append({"idx": pair["idx"], "code": pair["code"] if code_alone else indexed_code(pair),
                         "language": pair["language"]})
        if texts[pair["summary"].strip().lower()] == 1:
            queries.append({"idx": f"q-{pair['idx']}", "query": pair["summary"], "gold": pair["idx"]})
    return queries, codebase


def build_search_sets(mined: Path, out: Path, split: str = "test", languages: list[str] | None = None,
                      command: str | None = None, limit: int | None = None, seed: int = 0,
                      code_alone: bool = False) -> dict:
    """Write each language's set; `split` may join splits with "+" (e.g. "valid+test")."""
    splits = split.split("+")
    found = sorted(p.parent.name for p in mined.glob(f"*/{splits[0]}.jsonl"))
    chosen = [language for language in found if languages is None or language in languages]
    if not chosen:
        raise FileNotFoundError(f"{mined}: no {splits[0]}.jsonl for {', '.join(languages or ['any language'])}")
    manifest_path = out / "MANIFEST.json"
    manifest = _earlier_manifest(manifest_path)
    manifest = {"what": "code search sets from mined functions (one doc-comment sentence queries its function)",
                "languages": manifest.get("languages", {})}
    for language in chosen:
        pairs = [pair for name in splits for pair in read_jsonl(mined / language / f"{name}.jsonl")]
        if limit is not None and len(pairs) > limit:
            keep = set(random.Random(seed).sample(range(len(pairs)), limit))
            pairs = [pair for i, pair in enumerate(pairs) if i in keep]
        queries, codebase = build_search_set(pairs, code_alone)
        write_jsonl(out / language / "queries.jsonl", queries)
        write_jsonl(out / language / "codebase.jsonl", codebase)
        manifest["languages"][language] = {"queries": len(queries), "functions": len(codebase),
                                           "packages": len({p.get("package") for p in pairs}),
                                           "mined": str(mined), "split": split, "limit": limit, "seed": seed,
                                           "code": "as mined" if code_alone else "as indexed (owner line)",
                                           "command": command}
    out.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def add_search_sets_parser(commands) -> None:
    p = commands.add_parser("search-sets", help="held-out code search sets from a mined corpus's test split")
    p.add_argument("--mined", required=True, metavar="DIR", help="output of `leancode-train mine`")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--split", default="test",
                   help="the mined split to use, or splits joined by '+' (default: test, held-out packages)")
    p.add_argument("--limit", type=int, metavar="N", help="a seeded sample of at most N functions per language")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--code-alone", action="store_true",
                   help="each function's code as mined, without the line naming a method's owner that the index embeds")
    p.add_argument("--language", action="append", help="only these languages (repeatable; default: all found)")
    p.set_defaults(func=_search_sets)


def _search_sets(args: argparse.Namespace) -> int:
    manifest = build_search_sets(Path(args.mined), Path(args.out), args.split, args.language, args.command,
                                 args.limit, args.seed, args.code_alone)
    for language, counts in manifest["languages"].items():
        if args.language and language not in args.language:
            continue
        print(f"{args.out}/{language}: {counts['queries']} queries over {counts['functions']} functions "
              f"of {counts['packages']} packages")
    return 0
