"""Search latency once the index is loaded: p50/p95 of `leancode.search.rank` per query, dense and hybrid, and of
`rank_units` (what `leancode search` and the server show: names first, tests last, overloads and copies folded).

    python bench/search_latency.py [--sizes 5000 50000] [--queries 200] [--no-write]

Synthetic index: random unit vectors (dim 384, the packaged model's) and, for BM25,
40 terms per function drawn from a Zipf-distributed 30,000-word vocabulary (so common
terms are common, as identifiers are). The query vector is given, as it would be after
the encoder: model time is not part of this number. For `rank_units`, each function gets a path (20 functions a
file, one file in 20 under tests/) and a qualified name. Also reported: the one-time costs
after loading (building the BM25 index, reading the vectors from an .npz snapshot).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import time

import numpy as np
from report import command_line, percentiles, publish

from leancode.index_store import IndexedUnit
from leancode.search import SearchIndex, rank, rank_units

DIM = 384
VOCABULARY = 30_000
TERMS_PER_FUNCTION = 40


def synthetic_index(n: int, rng: np.random.Generator) -> tuple[SearchIndex, list[str]]:
    vectors = rng.standard_normal((n, DIM), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    words = np.array([f"w{i}" for i in range(VOCABULARY)])
    ids = np.minimum(rng.zipf(1.3, size=(n, TERMS_PER_FUNCTION)) - 1, VOCABULARY - 1)
    terms = [list(words[row]) for row in ids]
    return SearchIndex(vectors, terms), list(words)


def synthetic_units(n: int) -> list[IndexedUnit]:
    units = []
    for i in range(n):
        folder = "tests" if (i // 20) % 20 == 0 else f"pkg{i % 50}"
        name = f"fn{i % 997}"
        units.append(IndexedUnit(f"{folder}/file{i // 20}.py", name, f"Class{i % 300}.{name}", "python", i, i + 5,
                                 "", f"k{i}"))
    return units


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 50_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows = []
    for n in args.sizes:
        index, words = synthetic_index(n, rng)
        buffer = io.BytesIO()
        np.savez(buffer, vectors=index.vectors)
        start = time.perf_counter()
        with np.load(io.BytesIO(buffer.getvalue()), allow_pickle=False) as data:
            np.ascontiguousarray(data["vectors"])
        load = time.perf_counter() - start
        start = time.perf_counter()
        index.bm25  # built once, on the first hybrid query
        build = time.perf_counter() - start
        queries = rng.standard_normal((args.queries, DIM), dtype=np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        texts = [" ".join(rng.choice(words[:3000], size=5)) for _ in range(args.queries)]
        for hybrid in (False, True):
            rank(queries[0], texts[0], index, hybrid=hybrid, top=args.top)  # warm-up
            times = []
            for vector, text in zip(queries, texts):
                start = time.perf_counter()
                rank(vector, text, index, hybrid=hybrid, top=args.top)
                times.append(time.perf_counter() - start)
            p50, p95 = percentiles(times)
            rows.append((n, "hybrid (dense + BM25, RRF)" if hybrid else "dense", p50, p95,
                         f"{build * 1000:.0f} ms BM25 build" if hybrid else f"{load * 1000:.0f} ms vectors load"))
        units = synthetic_units(n)
        rank_units(queries[0], texts[0], index, units, args.top)  # warm-up
        times = []
        for vector, text in zip(queries, texts):
            start = time.perf_counter()
            rank_units(vector, text, index, units, args.top)
            times.append(time.perf_counter() - start)
        rows.append((n, "dense, as shown (`rank_units`)", *percentiles(times), ""))

    command = command_line()
    lines = [
        "## Search latency",
        "",
        f"`{command}` — `leancode.search.rank` and `rank_units`, top {args.top}, {args.queries} queries, synthetic index "
        f"(random unit vectors of dimension {DIM}; {TERMS_PER_FUNCTION} Zipf-distributed terms per function), "
        f"query vector given (encoder time excluded); one process on {platform.machine()} with {os.cpu_count()} "
        f"cores, Python {platform.python_version()}, numpy {np.__version__}.",
        "",
        "| functions | ranking | p50 ms | p95 ms | one-time cost after load |",
        "|---:|---|---:|---:|---|",
        *(f"| {n:,} | {name} | {p50:.2f} | {p95:.2f} | {once} |" for n, name, p50, p95, once in rows),
    ]
    publish("search-latency", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
