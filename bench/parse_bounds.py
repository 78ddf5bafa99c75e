"""Files whose parse tree-sitter's CPU budget cannot stop, read in this process and through the parse workers.

    python bench/parse_bounds.py [--no-write]

tree-sitter reports no progress through these, so `languages.PARSE_SECONDS` never fires. "In process" parses
each in a fresh Python process (`unit_records.parse_units`, as the index did before `parse_pool`) with its address
space capped at GUARD_BYTES so the bench cannot exhaust the machine: wall seconds, peak resident memory, outcome.
"Worker" is `parse_pool.parse_units` (a worker of 30 s and 2 GiB, started before the clock): wall seconds and
outcome. Tests: tests/test_reliability.py (the crash, the timeout, the server).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from report import command_line, publish

from leancode import parse_pool

GUARD_BYTES = 12 << 30
CASES = [  # (what, expression of the code, language)
    ("Python parameters of `*/`, 8 KB (20 a line)", '"def f(" + ("*/" * 20 + "\\n") * 200 + "):\\n    pass\\n"',
     "python"),
    ("the same, 16 KB", '"def f(" + ("*/" * 20 + "\\n") * 400 + "):\\n    pass\\n"', "python"),
    ("Java: 20,000 `a<` in a method (40 KB)", '"class A {\\n void f() {\\n" + "a<" * 20_000 + "\\n}}\\n"', "java"),
    ("Python: 60,000 unclosed `(` lines (120 KB)", '"(\\n" * 60_000', "python"),
    ("the same, 180,000 lines (360 KB)", '"(\\n" * 180_000', "python"),
]
IN_PROCESS = """
import resource, sys, warnings
resource.setrlimit(resource.RLIMIT_AS, ({guard}, {guard}))
warnings.simplefilter("ignore")
from leancode.unit_records import parse_units
parse_units({code}, {language!r})
"""


def in_process(code: str, language: str) -> tuple[float, float, str]:
    """Wall seconds, peak resident GB and outcome of one parse in a fresh, capped process."""
    began = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", IN_PROCESS.format(guard=GUARD_BYTES, code=code, language=language)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds, exit_code = time.perf_counter() - began, os.waitstatus_to_exitcode(status)
    outcome = "parsed" if exit_code == 0 else f"ran out of the {GUARD_BYTES >> 30} GiB" if exit_code in (-11, -6, 1) \
        else f"exit {exit_code}"
    return seconds, usage.ru_maxrss / (1 << 20), outcome


def in_worker(code: str, language: str) -> tuple[float, str]:
    parse_pool.parse_units("x = 1\n", "python")  # a worker ready, as in an index under way
    began = time.perf_counter()
    try:
        parse_pool.parse_units(eval(code), language)
        outcome = "parsed"
    except parse_pool.ParseFailed as failure:
        outcome = str(failure)
    return time.perf_counter() - began, outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true", help="do not write BENCHMARKS.md")
    args = parser.parse_args()
    rows = []
    for what, code, language in CASES:
        seconds, peak, outcome = in_process(code, language)
        worker_seconds, worker_outcome = in_worker(code, language)
        rows.append(f"| {what} | {seconds:.1f} | {peak:.2f} | {outcome} | {worker_seconds:.1f} | {worker_outcome} |")
        print(rows[-1], file=sys.stderr)
    publish("parse-bounds", [
        f"`{command_line()}` (wall seconds; peak memory of a fresh process, capped at {GUARD_BYTES >> 30} GiB for the "
        "bench; the worker's limits: 30 s, 2 GiB)", "",
        "| input | in process: s | peak GB | outcome | worker: s | outcome |", "|---|---:|---:|---|---:|---|", *rows],
        write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
