"""`leancode search` from a cold process over an existing index, per encoder backend, interleaved.

    python bench/search_cold.py [--functions 1000] [--repeat 5]

Indexes a copy of part of the Python standard library once (defaults), then times whole
`leancode search QUERY --no-update` processes (and with the default update: nothing changed, and one function
added to a file), alternating the backends so that a shared machine disturbs them alike. The
ONNX export is made before timing (a one-time cost per machine, timed on its own).
Baselines in the same run: an empty Python process and `import leancode.cli`.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from index_time import copy_stdlib
from report import command_line, publish

QUERY = "remove the lowest scoring tokens until the ratio is reached"


def timed(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--functions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    cli = [sys.executable, "-m", "leancode.cli"]
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "LEANCODE_CACHE": str(Path(folder) / "cache")}  # a fresh export, timed below
        root = Path(folder) / "repo"
        count = copy_stdlib(root, args.functions)
        torch_index = str(Path(folder) / "torch-index")  # the runtime is part of an index's settings
        for options in ([], ["--backend", "torch", "--index-dir", torch_index]):
            subprocess.run([*cli, "index", str(root), *options], check=True, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        search = [*cli, "search", QUERY, "--path", str(root), "--top", "10"]
        export = timed([*search, "--no-update"], env)  # exports the query model once
        cells = {
            "empty Python process": [sys.executable, "-c", "pass"],
            "`import leancode.cli`": [sys.executable, "-c", "import leancode.cli"],
            "search --no-update, PyTorch": [*search, "--no-update", "--backend", "torch", "--index-dir", torch_index],
            "search --no-update, ONNX Runtime (default)": [*search, "--no-update"],
            "search (update first, nothing changed), ONNX Runtime (default)": search,
            "search (update first, one function added), ONNX Runtime (default)": search,
        }
        edited = next(root.rglob("*.py"))
        times: dict[str, list[float]] = {name: [] for name in cells}
        for run in range(args.repeat):
            for name, command in cells.items():
                if "one function added" in name:  # parsed in a worker, embedded by the code model
                    edited.write_text(edited.read_text() + f"\n\ndef added_{run}(x):\n    return x + {run}\n")
                times[name].append(timed(command, env))
    torch_median = statistics.median(times["search --no-update, PyTorch"])
    lines = ["## Search from a cold process", "",
             f"`{command_line()}` — whole `leancode search` processes over an existing index of {count:,} "
             f"standard-library functions (defaults), {args.repeat} runs each, interleaved; {os.cpu_count()} cores "
             f"({platform.machine()}), Python {platform.python_version()}. Ratios are measured in the "
             "same run.", "",
             "| process | median s | min s | relative to PyTorch |", "|---|---:|---:|---:|",
             *(f"| {name} | {statistics.median(t):.2f} | {min(t):.2f} | {statistics.median(t) / torch_median:.2f} |"
               for name, t in times.items()),
             "", f"The first search on a machine exports the query model to ONNX once: {export:.1f} s."]
    publish("search-cold", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
