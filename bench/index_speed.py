"""Where a cold index spends its time, and what each CPU step saves, in one process (ratios in one run).

    python bench/index_speed.py [--functions 2000] [--threads 2]

The functions are those `leancode index` finds in a copy of part of the Python standard
library (tests left out). Parts: reading and parsing the files (tree-sitter units),
simplification (the default: LeanCode at the default ratio), embedding. Steps, each added
to the one before, each timing the index's embedding loop (chunks of 256 functions,
simplified then embedded): PyTorch fp32 (the former path); ONNX Runtime fp32 (calls on
`--threads` worker threads); functions in order of length before chunking (less padding);
int8 weights, one function per call (the default, kept because `bench/encoder_backends.py`
shows MRR within 1%). Each step runs `--repeat` times, alternating, best of them.
"""

from __future__ import annotations

import argparse
import os
import platform
import sysconfig
import time
import warnings
from pathlib import Path

from report import command_line, publish

from leancode.encoder import Encoder
from leancode.units import extract_units

CHUNK = 256  # the index's EMBED_CHUNK


def stdlib_files(functions: int) -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files, count = [], 0
    for path in sorted(stdlib.rglob("*.py")):
        if count >= functions:
            break
        if {"test", "tests", "idle_test", "site-packages"} & set(path.relative_to(stdlib).parts):
            continue
        try:
            count += len(extract_units(path.read_text(encoding="utf-8"), "python"))
        except (UnicodeDecodeError, OSError):
            continue
        files.append(path)
    return files


def chunks(items: list, by_length: bool) -> list[list]:
    if by_length:
        items = sorted(items, key=lambda item: -len(item[0]))
    return [items[start:start + CHUNK] for start in range(0, len(items), CHUNK)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--functions", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    warnings.simplefilter("ignore")
    files = stdlib_files(args.functions)
    start = time.perf_counter()
    items = [(u.code, u.language) for path in files
             for u in extract_units(path.read_bytes().decode("utf-8", errors="replace"), "python")]
    parse = time.perf_counter() - start

    torch_encoder = Encoder(backend="torch", threads=args.threads)
    onnx_encoder = Encoder(backend="onnx", quantize=False, threads=args.threads)
    int8_encoder = Encoder(backend="onnx", threads=args.threads)  # the default
    onnx_encoder.simplify(items[:CHUNK])  # the tables and the piece counter, loaded once for all steps
    start = time.perf_counter()
    onnx_encoder.simplify(items)
    simplify = time.perf_counter() - start
    for encoder in (torch_encoder, onnx_encoder, int8_encoder):
        encoder.encode_simplified([code for code, _ in items[:64]])  # loads (and exports) the model

    def loop(encoder: Encoder, by_length: bool = False) -> None:
        for chunk in chunks(items, by_length):
            encoder.encode_code(chunk)

    steps = {
        "PyTorch fp32, chunks in file order (the former path)": lambda: loop(torch_encoder),
        "+ ONNX Runtime fp32": lambda: loop(onnx_encoder),
        "+ functions in order of length": lambda: loop(onnx_encoder, True),
        "+ int8 weights, one function per call (the default)": lambda: loop(int8_encoder, True),
    }
    seconds = {name: float("inf") for name in steps}
    for _ in range(args.repeat):
        for name, step in steps.items():
            start = time.perf_counter()
            step()
            seconds[name] = min(seconds[name], time.perf_counter() - start)
    first = seconds[next(iter(steps))]
    lines = ["## Index speed, step by step", "",
             f"`{command_line()}` — {len(items):,} functions of {len(files)} standard-library files, one process, "
             f"{args.threads} threads, {os.cpu_count()} cores ({platform.machine()}), Python "
             f"{platform.python_version()}; best of {args.repeat}, steps alternating; load average "
             f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (read the ratios).", "",
             f"Reading and parsing the files: {parse:.1f} s; simplifying every function (defaults): {simplify:.1f} s.",
             "", "| embedding loop (simplify + embed, chunks of 256) | seconds | functions/s | relative to the first |",
             "|---|---:|---:|---:|",
             *(f"| {name} | {s:.1f} | {len(items) / s:.0f} | {s / first:.2f} |" for name, s in seconds.items())]
    publish("index-speed", lines, write=not args.no_write)


if __name__ == "__main__":
    main()
