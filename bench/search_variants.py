"""Is the served LeanCode the best of its near variants? One language's validation sets, at one ratio.

    python bench/search_variants.py --language javascript --set data/search-sets/valid/javascript \
        [--set DIR ...] [--ratio 0.5] [--no-write]

Each set (queries.jsonl, codebase.jsonl) is read by the language's served reader (int8, as `leancode index`; or by
`--reader adapter|base|NAME`) on full code and simplified at `--ratio` by: LeanCode as served; its table with
`header_last` flipped, and with `keep_statements` flipped; the repeat discount at 1 (none) and 0.25 (served: 0.5);
the category-free ablation; SlimCode and truncation (`--variant`: those whose name starts so). MRR, share of full
code, and each variant's difference from LeanCode with its 95% paired-bootstrap interval (2,000 seeded resamples).
For validation sets: a choice made here is then checked once on the test sets.
"""

from __future__ import annotations

import argparse
import dataclasses

from report import bootstrap, command_line, difference, publish
from search_methods import served_reader
from search_quality import simplified_ranks

from leancode.encoder import Encoder
from leancode.importance import default_table
from leancode.training.jsonl import read_jsonl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--language", required=True)
    parser.add_argument("--set", action="append", required=True, metavar="DIR")
    parser.add_argument("--ratio", type=float, default=0.5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--variant", action="append", help="only the variants whose name starts so (repeatable)")
    parser.add_argument("--reader", help="read by this reader instead of the served one (adapter, base, multilingual)")
    parser.add_argument("--section", default="search-variants")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    language = args.language
    reader, path = served_reader(language, args.reader)
    # A named reader reads every language itself (a ratio given, the language defaults' readers set aside).
    named = dict(ratio=0.0, language_readers=False) if args.reader else {}
    encoder = Encoder(model=path, method="none", threads=args.threads, **named)
    table = default_table(language, "search")
    flipped = dataclasses.replace(table, header_last=not table.header_last)
    statements = dataclasses.replace(table, keep_statements=not table.keep_statements)
    variants = {
        f"header_last {flipped.header_last}": dict(method="leancode", table=flipped),
        f"keep_statements {statements.keep_statements}": dict(method="leancode", table=statements),
        "repeat discount 1 (none)": dict(method="leancode", repeat_discount=1.0),
        "repeat discount 0.25": dict(method="leancode", repeat_discount=0.25),
        "category-free (leancode-global)": dict(method="leancode-global"),
        "slimcode": dict(method="slimcode"),
        "truncate": dict(method="truncate"),
    }
    if args.variant:
        variants = {name: v for name, v in variants.items() if name.startswith(tuple(args.variant))}
    lines = [f"## Search variants at {args.ratio:g}: {language}", "",
             f"`{command_line()}` — reader `{reader}` (int8{'' if args.reader else ', as served'}); served "
             f"LeanCode: its table (`header_last` {table.header_last}, `keep_statements` {table.keep_statements}), "
             "repeat discount 0.5. "
             "Δ = variant − served LeanCode, 95% "
             "paired-bootstrap interval.", "",
             "| set | full code | served LeanCode (share) | variant | MRR (share) | Δ [95%] |",
             "|---|---:|---:|---|---:|---|"]
    for directory in args.set:
        queries, codebase = read_jsonl(f"{directory}/queries.jsonl"), read_jsonl(f"{directory}/codebase.jsonl")
        column = {r["idx"]: i for i, r in enumerate(codebase)}
        gold = [column[q["gold"]] for q in queries]
        query_vectors = encoder.encode_queries([q["query"] for q in queries])
        draws = bootstrap(2000, len(queries))

        def cell(ratio: float, **settings):
            return simplified_ranks(encoder, [r["code"] for r in codebase], language, query_vectors, gold,
                                    ratio=ratio, **settings)

        full = cell(0.0, method="none")
        served = cell(args.ratio, method="leancode")
        head = f"| {directory} ({len(queries)}) | {full.mean():.4f} | {served.mean():.4f} ({served.mean() / full.mean():.1%})"
        for name, settings in variants.items():
            scores = cell(args.ratio, **settings)
            lines.append(f"{head} | {name} | {scores.mean():.4f} ({scores.mean() / full.mean():.1%}) | "
                         f"{difference(draws, scores, served)} |")
            print(lines[-1], flush=True)
    publish(f"{args.section}-{language}", lines, not args.no_write)


if __name__ == "__main__":
    main()
