"""Search as a user meets it: hand-written queries on real packages of Go, Rust, Java and JavaScript.

    bash scripts/fetch_query_repos.sh                 # data/query-repos: the packages, from Debian and npm
    python bench/search_queries.py [--repos data/query-repos]
    bash scripts/fetch_heldout_query_repos.sh         # the held-out set's packages: data/query-repos-heldout
    python bench/search_queries.py --queries bench/queries-heldout --repos data/query-repos-heldout

Each `bench/queries/NAME.tsv` line is a query and a regular expression that the right function's "qualified_name
path" matches; the queries (131: what the function does, and about a fifth that name it, `Collections.reverse`)
were written by a walk-through of the tool before the changes they are now used to measure, never tuned on. Each
package is indexed as `leancode index` serves it (its own index directory under `--work`), and searched dense and
`--hybrid`; per package and per language: the right function at rank 1, in the top 3, in the top 10, and MRR@10.
The held-out set, `bench/queries-heldout/` (180 queries on 12 other packages, Python and TypeScript too), was
written later, blind to search results, on packages no choice was made on (its README); it reports in its own
section (`search-queries-heldout`). Application code, where fewer functions carry doc comments: `bench/queries-apps`
(95 queries on `data/app-projects`, the tuning set of the hover line below), `bench/queries-apps-heldout` and
`bench/queries-apps-augmenting` (78 and 40, held out; `scripts/fetch_app_projects.sh`), each with its README.
The ablation "doc comments not embedded" indexes each function without its doc comment's line, as the index did
before a Javadoc, JSDoc, Go or Rust doc comment was embedded with it; for Python that is its code with the whole
docstring inside, as the index embedded it before its first sentence was (`bench/queries-python`, a tuning set of
Python queries on packages with long docstrings, measures that choice). The ablation "owner not named" leaves out
the line that names a method with its class (`units.owner_line`); "hover line not embedded", the line an undocumented
function is embedded with, what its hover shows (the documentation its own file gives it, the comment above it:
`units.Unit.described`), which BM25 reads in both outside Python (whose BM25 reads the code, docstring and all). Files
parse in this process, so that the ablations reach the parse (the index's worker processes would not see them).
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from concurrent.futures import Future
from pathlib import Path

import numpy as np
from report import bootstrap, command_line, interval, publish

import leancode.index
from leancode import unit_records, units
from leancode.encoder import Encoder
from leancode.index import RepositoryIndex
from leancode.search import search

QUERIES = Path(__file__).parent / "queries"


def parse_here(code: str, language: str, declaration_code: str = "") -> Future:
    """`parse_pool.submit`, in this process."""
    future = Future()
    future.set_result(unit_records.parse_units(code, language, declaration_code))
    return future


def ranks(index: RepositoryIndex, queries: list[tuple[str, str]], hybrid: bool) -> list[int | None]:
    out = []
    for query, pattern in queries:
        hits = search(index, query, top=10, hybrid=hybrid)
        out.append(next((k for k, hit in enumerate(hits, 1)
                         if re.search(pattern, f"{hit.unit.qualified_name} {hit.unit.path}")), None))
    return out


def row(name: str, found: list[int | None]) -> str:
    r = np.array([k or 0 for k in found])
    mrr = np.mean([1 / k if k else 0 for k in found])
    return f"{(r == 1).sum()} / {((r >= 1) & (r <= 3)).sum()} / {(r >= 1).sum()} ({mrr:.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", default=str(QUERIES), help="a directory of NAME.tsv query files")
    parser.add_argument("--repos", default="data/query-repos", help="where each NAME's package lies (NAME/)")
    parser.add_argument("--work", default="runs/query-index", help="where the indexes are written")
    parser.add_argument("--no-ablation", action="store_true", help="skip the ablations (no doc comments, no owner)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    encoder = Encoder()
    leancode.index.submit_parse = parse_here
    variants = [("served", {})] + ([] if args.no_ablation else [("doc comments not embedded", {"doc": False}),
                                                                ("owner not named", {"owner": False}),
                                                                ("hover line not embedded", {"told": False})])
    results = defaultdict(dict)  # (variant, mode) -> {name: ranks}
    sizes = {}
    with_doc = units.Unit.code_with_doc
    for path in sorted(Path(args.queries).glob("*.tsv")):
        name = path.stem
        queries = [tuple(line.rstrip("\n").split("\t")) for line in path.read_text().splitlines() if line.strip()]
        for variant, leave_out in variants:
            units.Unit.code_with_doc = property(lambda u, o=leave_out: u.embedded_text(**o)) if leave_out else with_doc
            index = RepositoryIndex(Path(args.repos) / name, encoder,
                                    index_dir=Path(args.work) / variant.replace(" ", "-") / name)
            index.update(progress=False)
            sizes[name] = (len(queries), len(index.units))
            for mode in ("dense", "hybrid"):
                results[(variant, mode)][name] = ranks(index, queries, hybrid=mode == "hybrid")
            print(name, variant, {m: row(name, results[(variant, m)][name]) for m in ("dense", "hybrid")}, flush=True)
        units.Unit.code_with_doc = with_doc
    columns = [(v, m) for v, _ in variants for m in ("dense", "hybrid")]
    # Another query set has its own section of BENCHMARKS.md: bench/queries-heldout -> search-queries-heldout.
    own = Path(args.queries).resolve() != QUERIES.resolve()
    section = "search-queries" + ("-" + Path(args.queries).name.removeprefix("queries-") if own else "")
    lines = ["## Search on real packages, hand-written queries" + (f" ({args.queries})" if own else ""), "",
             f"`{command_line()}` — rank 1 / top 3 / top 10 (MRR@10) of the function each query asks for; the served "
             "index (doc comments embedded with their functions, an undocumented one with its hover's line, a method "
             "named with its owner) and the ablations "
             "without each, dense and `--hybrid`.", "",
             "| package | functions | queries | " + " | ".join(f"{v}, {m}" for v, m in columns) + " |",
             "|---|---:|---:|" + "---|" * len(columns)]
    names = sorted(sizes)
    for name in names:
        lines.append(f"| {name} | {sizes[name][1]:,} | {sizes[name][0]} | "
                     + " | ".join(row(name, results[c][name]) for c in columns) + " |")
    for language in sorted({n.split("-")[0] for n in names}) + ["all"]:
        chosen = [n for n in names if language == "all" or n.startswith(language + "-")]
        lines.append(f"| **{language}** | {sum(sizes[n][1] for n in chosen):,} | {sum(sizes[n][0] for n in chosen)} | "
                     + " | ".join(row(language, sum((results[c][n] for n in chosen), [])) for c in columns) + " |")
    for ablation, _ in variants[1:]:
        lines += ["", f"MRR@10, served − {ablation}, with its 95% paired-bootstrap interval over the queries (2,000 "
                  "seeded resamples): " + "; ".join(
                      f"{mode} {_delta(results[('served', mode)], results[(ablation, mode)], names)}"
                      for mode in ("dense", "hybrid")) + "."]
    publish(section, lines, write=not args.no_write)


def _delta(served: dict, ablation: dict, names: list[str]) -> str:
    reciprocal = lambda found: np.array([1 / k if k else 0.0 for k in found])  # noqa: E731
    a, b = (reciprocal(sum((r[n] for n in names), [])) for r in (served, ablation))
    draws = bootstrap(2000, len(a))
    low, high = interval(draws, a, b)
    return f"{(a - b).mean():+.3f} [{low:+.3f}, {high:+.3f}]"


if __name__ == "__main__":
    main()
