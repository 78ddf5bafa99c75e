"""Cold and warm `leancode index` on a copy of part of the Python standard library (~5,000 functions).

    python bench/index_time.py [--functions 5000] [--first-run] [--no-quantize]

The encoder's ONNX exports are made once per machine and kept in the user's cache: the cold
run uses them when they are there. `--first-run` adds a cold run with an empty cache
(`LEANCODE_CACHE`), which makes them. `--no-quantize` indexes code in fp32 (`leancode index --no-quantize`;
the default is int8).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from report import command_line, publish

from leancode.units import extract_units


def copy_stdlib(target: Path, functions: int) -> int:
    """Copy stdlib modules (tests left out) until about `functions` functions are in `target`."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    count = 0
    for path in sorted(stdlib.rglob("*.py")):
        relative = path.relative_to(stdlib)
        if count >= functions or {"test", "tests", "idle_test", "site-packages"} & set(relative.parts):
            continue
        try:
            code = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(code, encoding="utf-8")
        count += len(extract_units(code, "python"))
    return count


def timed_index(root: Path, cache: Path | None = None, options: tuple[str, ...] = ()) -> float:
    env = {**os.environ, "LEANCODE_CACHE": str(cache)} if cache else None
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "leancode.cli", "index", str(root), *options], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--functions", type=int, default=5000)
    parser.add_argument("--first-run", action="store_true", help="also a cold run with an empty LeanCode cache")
    parser.add_argument("--quantize", action=argparse.BooleanOptionalAction, default=None,
                        help="passed on to `leancode index` (default: its own, int8)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    options = () if args.quantize is None else ("--quantize",) if args.quantize else ("--no-quantize",)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "repo"
        count = copy_stdlib(root, args.functions)
        first = None
        if args.first_run:
            first = timed_index(root, Path(folder) / "empty-cache", options)
            shutil.rmtree(root / ".leancode")
        cold = timed_index(root, options=options)
        warm = timed_index(root, options=options)
        edited = min(root.rglob("*.py"))
        edited.write_text(edited.read_text(encoding="utf-8") + "\n\ndef added(x):\n    return x + 1\n")
        one_edit = timed_index(root, options=options)
        shutil.rmtree(root / ".leancode")
    command = command_line()
    lines = ["## Repository index time", "",
             f"`{command}` — `leancode index` (defaults: the shipped search adapter over the packaged MiniLM, "
             "leancode at the default ratio) as a subprocess "
             f"on a copy of the Python standard library with {count:,} functions; wall time including start-up; "
             f"{os.cpu_count()} cores, load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the "
             "end.", "", "| run | seconds | relative to cold |", "|---|---:|---:|",
             *([f"| cold, first run on the machine (makes the ONNX exports, once) | {first:.1f} | "
                f"{first / cold:.2f} |"] if first else []),
             f"| cold (empty index) | {cold:.1f} | 1.00 |",
             f"| warm (nothing changed) | {warm:.1f} | {warm / cold:.3f} |",
             f"| one function added | {one_edit:.1f} | {one_edit / cold:.3f} |"]
    publish("index-time", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
