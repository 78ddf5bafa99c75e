"""The LanceDB store (IVF-PQ) against the embedded numpy store (brute force) at 1,000,000 vectors.

    nice -n 10 python bench/ann_store.py [--rows 1000000] [--real 5000] [--queries 200]

Vectors: `--real` functions of the Python standard library embedded by the shipped
encoder (cached in runs/ann/real.npy), tiled to `--rows` with Gaussian perturbations
sized so that a copy is as near its original as a real function's median nearest
neighbour is (measured on the real vectors), then L2-normalised. Queries: other real
functions of the standard library (not among the `--real`), embedded alike. Each
store is searched in a fresh process (its resident memory is that process's peak).
Recall@10 is against exact search over the same vectors.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

import numpy as np
from index_time import copy_stdlib
from report import command_line, percentiles, publish

RUNS = Path(__file__).resolve().parents[1] / "runs" / "ann"
CHUNK = 50_000
SETTINGS = ((32, 10), (64, 20), (128, 40))  # (nprobes, refine factor) tried on the tuning queries


def real_vectors(count: int, queries: int) -> tuple[np.ndarray, np.ndarray]:
    """(count base vectors, `queries` query vectors) of distinct real functions, embedded once and cached."""
    cache = RUNS / f"real-{count}-{queries}.npz"
    if cache.is_file():
        data = np.load(cache)
        return data["base"], data["queries"]
    from leancode.encoder import Encoder
    from leancode.units import extract_units

    with tempfile.TemporaryDirectory() as folder:
        copy_stdlib(Path(folder), int((count + queries) * 1.3))
        seen, items = set(), []
        for path in sorted(Path(folder).rglob("*.py")):
            for unit in extract_units(path.read_text(encoding="utf-8"), "python"):
                if unit.code not in seen:
                    seen.add(unit.code)
                    items.append((unit.code, "python"))
    rng = np.random.default_rng(0)
    chosen = [items[i] for i in rng.permutation(len(items))[:count + queries]]
    if len(chosen) < count + queries:
        raise SystemExit(f"only {len(chosen)} distinct functions found")
    vectors = Encoder().encode_code(chosen, progress=True)
    RUNS.mkdir(parents=True, exist_ok=True)
    np.savez(cache, base=vectors[:count], queries=vectors[count:])
    return vectors[:count], vectors[count:]


def tiled(base: np.ndarray, rows: int, sigma: float, start: int, stop: int) -> np.ndarray:
    """Rows start..stop of the tiled set: row r is base[r % n] perturbed (seeded by r's chunk), normalised."""
    n = len(base)
    rng = np.random.default_rng(start)
    picked = base[np.arange(start, stop) % n]
    out = picked + rng.normal(0, sigma, picked.shape).astype(np.float32) * (np.arange(start, stop) >= n)[:, None]
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def perturbation(base: np.ndarray) -> tuple[float, float]:
    """(sigma per dimension, the median nearest-neighbour cosine it matches) on the real vectors."""
    sample = base[:2000]
    similarity = sample @ base.T
    similarity[np.arange(len(sample)), np.arange(len(sample))] = -1
    target = float(np.median(similarity.max(axis=1)))
    # ||x + e||: cos(x, (x+e)/||x+e||) = 1 / sqrt(1 + d sigma^2) for a unit x and e ~ N(0, sigma^2 I).
    sigma = float(np.sqrt((1 / target**2 - 1) / base.shape[1]))
    return sigma, target


def search_process(kind: str, where: str, queries: str, top: int, probes: tuple[int, int] = (0, 0)) -> dict:
    """Search in a fresh process; returns its latencies, results and peak resident memory. `probes`: the lance
    store's (nprobes, refine factor), its defaults when 0."""
    code = f"""
import json, sys, time
import numpy as np
queries = np.load({queries!r})
top = {top}
if {kind!r} == "lance":
    import leancode.scale.lance_store as lance_store
    lance_store.NPROBES = {probes[0]} or lance_store.NPROBES
    lance_store.REFINE_FACTOR = {probes[1]} or lance_store.REFINE_FACTOR
    from leancode.scale.lance_store import LanceStore
    from leancode.scale.lance_store import read_manifest
    store = LanceStore({where!r}, read_manifest({where!r}))
    ask = lambda q: [int(r.key) for r, _ in store.search(q, top=top)]
else:
    from leancode.store import EmbeddedStore
    from types import SimpleNamespace
    matrix = np.load({where!r})
    store = EmbeddedStore([SimpleNamespace(key=str(i), path="") for i in range(len(matrix))], matrix, matrix.shape[1])
    ask = lambda q: [int(r.key) for r, _ in store.search(q, top=top)]
for q in queries[:10]:
    ask(q)  # warm-up (index or matrix pages in memory)
results, seconds = [], []
for q in queries:
    start = time.perf_counter()
    results.append(ask(q))
    seconds.append(time.perf_counter() - start)
status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
print(json.dumps({{"results": results, "seconds": seconds,  # VmHWM: this process's peak (ru_maxrss survives exec)
                  "peak_rss_mb": int(status["VmHWM"].split()[0]) / 1024}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--real", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    from leancode.scale.lance_store import NPROBES, PARTITION_ROWS, REFINE_FACTOR, LanceStore, StoredFunction

    base, queries = real_vectors(args.real, args.queries)
    sigma, target = perturbation(base)
    dim = base.shape[1]
    with tempfile.TemporaryDirectory(dir=RUNS) as folder:
        folder = Path(folder)
        np.save(folder / "queries.npy", queries)
        # numpy store: the whole matrix, saved as the snapshot would hold it.
        start = time.perf_counter()
        matrix = np.concatenate([tiled(base, args.rows, sigma, s, min(s + CHUNK, args.rows))
                                 for s in range(0, args.rows, CHUNK)])
        np.save(folder / "matrix.npy", matrix)
        numpy_build = time.perf_counter() - start
        exact = [set(np.argpartition(-(matrix @ q), args.top)[:args.top].tolist()) for q in queries]
        del matrix
        # lance store: rows appended a chunk at a time, then the IVF-PQ index.
        info = {"model_id": "bench", "config_key": "bench", "dim": dim, "encoder": {}}
        store = LanceStore(folder / "lance", info, ann_min_rows=1, keep_versions=timedelta(0))
        start = time.perf_counter()
        store.append_chunks(([StoredFunction("bench", f"f{i % 1000}.py", "f", "f", "python", i, i, "", str(i))
                              for i in range(s, min(s + CHUNK, args.rows))],
                             tiled(base, args.rows, sigma, s, min(s + CHUNK, args.rows)))
                            for s in range(0, args.rows, CHUNK))
        write_seconds = time.perf_counter() - start
        start = time.perf_counter()
        warnings.filterwarnings("ignore", "optimize.cleanup_older_than=0")  # no other reader: old versions go
        store.persist()
        index_seconds = time.perf_counter() - start
        store.write_manifest()
        lance_disk = size_mb(folder / "lance")
        numpy_disk = size_mb(folder / "matrix.npy")
        del store
        # nprobes and refine factor chosen on the first half of the queries (the fastest setting with
        # recall@10 >= 0.95 there, else the most accurate), reported on the second half.
        half = len(queries) // 2
        np.save(folder / "tune.npy", queries[:half])
        np.save(folder / "report.npy", queries[half:])
        tuning = []
        for probes in SETTINGS:
            found = search_process("lance", str(folder / "lance"), str(folder / "tune.npy"), args.top, probes)
            recall = np.mean([len(exact[i] & set(r)) / args.top for i, r in enumerate(found["results"])])
            tuning.append((probes, float(recall), percentiles(found["seconds"])[1]))
        good = [t for t in tuning if t[1] >= 0.95]
        chosen = min(good, key=lambda t: t[2])[0] if good else max(tuning, key=lambda t: t[1])[0]
        exact = exact[half:]
        measured = {kind: search_process(kind, str(folder / ("lance" if kind == "lance" else "matrix.npy")),
                                         str(folder / "report.npy"), args.top, chosen)
                    for kind in ("numpy", "lance")}
    lines = ["## Vector stores at 1,000,000 vectors: LanceDB IVF-PQ against numpy brute force", "",
             f"`{command_line()}` — {args.rows:,} vectors of dimension {dim}: {args.real:,} real functions of the "
             f"Python standard library embedded by the shipped encoder, tiled with Gaussian perturbations "
             f"(sigma {sigma:.4f} per dimension: a copy sits at cosine {target:.2f} from its original, the real "
             f"vectors' median nearest-neighbour similarity), normalised; {args.queries} queries are other real "
             f"functions. Each store searched in a fresh process, 10 warm-up queries first. 2-core x86_64 "
             f"machine; latencies depend on its other load.", "",
             "| store | p50 ms | p95 ms | recall@10 vs exact | peak resident MB | build s | disk MB |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for kind, build, disk, label in (
            ("numpy", numpy_build, numpy_disk, "embedded (numpy, brute force)"),
            ("lance", write_seconds + index_seconds, lance_disk,
             f"LanceDB IVF-PQ ({args.rows // PARTITION_ROWS} partitions, {dim // 8} sub-vectors, nprobes {chosen[0]}, "
             f"refine x{chosen[1]})")):
        p50, p95 = percentiles(measured[kind]["seconds"])
        recall = np.mean([len(exact[i] & set(r)) / args.top for i, r in enumerate(measured[kind]["results"])])
        lines.append(f"| {label} | {p50:.1f} | {p95:.1f} | {recall:.3f} | {measured[kind]['peak_rss_mb']:.0f} | "
                     f"{build:.0f} | {disk:.0f} |")
    lines += ["", f"LanceDB build: {write_seconds:.0f} s appending rows, {index_seconds:.0f} s training and writing "
              f"the index. Numpy build: generating and saving the matrix. Search settings (nprobes, refine factor) "
              f"were chosen on the first {half} queries and the table reports the other {len(queries) - half}; "
              f"on the tuning half: " + "; ".join(f"{p[0]}/x{p[1]}: recall {r:.3f}, p95 {ms:.1f} ms"
                                                  for p, r, ms in tuning) + f". Store defaults: nprobes {NPROBES}, "
              f"refine x{REFINE_FACTOR}."]
    publish("ann-store", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
