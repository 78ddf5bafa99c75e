"""What each simplifier keeps: the share of model pieces kept, in the signature and in the body, per token kind.

    python bench/kept_tokens.py --data runs/xattn/valid1k.jsonl --limit 500 --ratio 0.5

Explains summary BLEU differences between simplifiers that the BLEU tables only report.
"""

from __future__ import annotations

import argparse
from collections import Counter

from report import command_line, publish

from leancode.categories import StatementCategory
from leancode.simplify import simplify
from leancode.tokens import KINDS
from leancode.training.jsonl import read_jsonl


def kept_shares(rows: list[dict], method: str, ratio: float, task: str) -> dict[tuple[str, str], float]:
    """(part, kind) -> share of that part's model pieces of that kind kept; kind "all" for the whole part."""
    total, kept = Counter(), Counter()
    for row in rows:
        result = simplify(row["code"], row.get("language", "python"), ratio=ratio, method=method, task=task)
        survivors = set(result.kept)
        for i, (token, pieces) in enumerate(zip(result.tokens, result.pieces)):
            part = "signature" if token.category == StatementCategory.SIGNATURE else "body"
            for key in ((part, token.kind), (part, "all")):
                total[key] += pieces
                kept[key] += pieces if i in survivors else 0
    return {key: kept[key] / total[key] for key in total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help=".jsonl of {code, language}")
    parser.add_argument("--limit", type=int, default=500, help="first N functions")
    parser.add_argument("--ratio", type=float, default=0.5)
    parser.add_argument("--method", action="append", help="default: leancode, slimcode, dietcode")
    parser.add_argument("--task", default="summarize", help="whose importance table LeanCode uses")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = read_jsonl(args.data)[:args.limit]
    methods = args.method or ["leancode", "slimcode", "dietcode"]
    columns = [(part, kind) for part in ("signature", "body") for kind in ("all", *KINDS)]
    shares = {m: kept_shares(rows, m, args.ratio, args.task) for m in methods}
    columns = [c for c in columns if any(c in s for s in shares.values())]
    lines = ["## What each simplifier keeps", "",
             f"`{command_line()}` — {len(rows)} functions at ratio {args.ratio:g} ({args.task} table). Share of "
             "each part's model pieces kept, by token kind; the signature is the declaration line(s).", "",
             "| method | " + " | ".join(f"{part} {kind}" for part, kind in columns) + " |",
             "|---|" + "---:|" * len(columns)]
    lines += [f"| {m} | " + " | ".join(f"{s.get(c, 0):.2f}" for c in columns) + " |" for m, s in shares.items()]
    publish("kept-tokens", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
