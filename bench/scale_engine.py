"""The Ray Data engine against the local engine on the same ~5,000 real functions, on this machine.

    nice -n 10 python bench/scale_engine.py [--functions 5000] [--local-lance]

A copy of part of the Python standard library is indexed cold, each time into a fresh
index directory: by the default `leancode index` path (RepositoryIndex, embedded store),
with --local-lance by the local engine into the LanceDB store, and by the Ray engine (a local Ray
cluster of this machine's CPUs, started before the clock; its start is reported
apart). Throughput is functions embedded per second of the whole run (list, parse,
simplify, embed, write). The Ray run also reports its per-actor embedding rate, from
which the projection for N workers is computed.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from index_time import copy_stdlib
from report import command_line, publish


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--functions", type=int, default=5000)
    parser.add_argument("--local-lance", action="store_true", help="also time the local engine into LanceDB")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    from leancode.encoder import Encoder
    from leancode.index import RepositoryIndex
    from leancode.scale.engine import encoder_info, encoder_settings, index_local
    from leancode.scale.lance_store import LanceStore
    from leancode.scale.ray_engine import connect, index_with_ray

    encoder = Encoder()
    encoder.encode_code([("def warm():\n    return 1\n", "python")])  # model loaded before any clock starts
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "stdlib"
        copy_stdlib(root, args.functions)
        repos = {"stdlib": root}
        results = {}
        start = time.perf_counter()
        stats = RepositoryIndex(root, encoder, index_dir=Path(folder) / "default").update(progress=False)
        results["default `leancode index` (embedded store)"] = (stats.embedded, time.perf_counter() - start)
        if args.local_lance:
            start = time.perf_counter()
            stats = index_local(LanceStore(Path(folder) / "local", encoder_info(encoder)), repos, encoder,
                                progress=False)
            results["local engine, LanceDB store"] = (stats.embedded, time.perf_counter() - start)
        start = time.perf_counter()
        ray = connect(num_cpus=os.cpu_count())
        ray_start = time.perf_counter() - start
        start = time.perf_counter()
        stats = index_with_ray(LanceStore(Path(folder) / "ray", encoder_info(encoder)), repos,
                               encoder_settings(encoder), progress=False)
        results["Ray engine, LanceDB store"] = (stats.embedded, time.perf_counter() - start)
        actors = max(1, int(ray.cluster_resources().get("CPU", 1)) // 2)
        ray.shutdown()
    base_rate = results["default `leancode index` (embedded store)"][0] / \
        results["default `leancode index` (embedded store)"][1]
    lines = ["## Ray engine against the local engine", "",
             f"`{command_line()}` — {stats.units:,} functions of the Python standard library ({stats.files} files), "
             f"cold, one engine after the other on a {os.cpu_count()}-core machine (other load on it shifts the "
             f"ratio). The Ray cluster ({os.cpu_count()} CPUs, {actors} embedding "
             f"actor(s)) took {ray_start:.1f} s to start, outside the clock.", "",
             "| engine | embedded | seconds | functions/s | vs default |", "| --- | ---: | ---: | ---: | ---: |"]
    for name, (embedded, seconds) in results.items():
        rate = embedded / seconds
        lines.append(f"| {name} | {embedded:,} | {seconds:.1f} | {rate:.1f} | {rate / base_rate:.0%} |")
    ray_rate = results["Ray engine, LanceDB store"][0] / results["Ray engine, LanceDB store"][1]
    per_actor = ray_rate / actors
    lines += ["", f"Projection: the Ray engine's embedding stage scales with its actors, so N workers give about "
              f"N x the per-worker rate until the CPU stages (listing, parsing) or the driver's writes to "
              f"LanceDB saturate. Measured per CPU worker of {os.cpu_count() // actors} cores: "
              f"{per_actor:.0f} functions/s, so 8 such workers ~{8 * per_actor:,.0f}/s and 64 "
              f"~{64 * per_actor:,.0f}/s. "
              f"A GPU worker's rate was not measured here (no GPU); it replaces the per-worker rate in the same "
              f"formula (N x r_gpu), and one million functions take 1,000,000 / (N x r) seconds."]
    publish("scale-engine", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
