"""What every bench script shares: its command line, latency percentiles, and its own section of BENCHMARKS.md."""

from __future__ import annotations

import random
import re
import shlex
import sys
import time
from pathlib import Path

import numpy as np

BENCHMARKS = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"


def write_section(name: str, body: str) -> None:
    """Replace (or append) the section between `<!-- name -->` markers."""
    begin, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else "# Benchmarks\n"
    block = f"{begin}\n{body.rstrip()}\n{end}"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else f"{text.rstrip()}\n\n{block}\n"
    BENCHMARKS.write_text(text)


def publish(name: str, lines: list[str], write: bool = True) -> None:
    """Print a bench's markdown and, when `write` (no `--no-write`), put it in its section of BENCHMARKS.md."""
    text = "\n".join(lines)
    print(text)
    if write:
        write_section(name, text)


def command_line() -> str:
    """How this bench script was run, as a reader would type it from the repository root."""
    return shlex.join(["python", f"bench/{Path(sys.argv[0]).name}", *sys.argv[1:]])


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 of durations in seconds, in milliseconds."""
    return float(np.percentile(samples, 50)) * 1000, float(np.percentile(samples, 95)) * 1000


def seeded_sample(rows: list, limit: int, seed: int = 0) -> list:
    """At most `limit` of `rows`, drawn with `seed`, in their order."""
    return [rows[i] for i in sorted(random.Random(seed).sample(range(len(rows)), min(limit, len(rows))))]


def bootstrap(samples: int, items: int, seed: int = 0) -> np.ndarray:
    """[samples, items] indices drawn with replacement (seeded), shared by every compared row: paired."""
    return np.random.default_rng(seed).integers(0, items, size=(samples, items))


def interval(draws: np.ndarray, scores: np.ndarray, reference: np.ndarray | None = None) -> tuple[float, float]:
    """95% bootstrap interval of the mean of per-item `scores`, or of their difference from `reference`'s."""
    values = scores if reference is None else scores - reference
    means = values[draws].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def difference(draws: np.ndarray, scores: np.ndarray, reference: np.ndarray) -> str:
    """The mean of `scores` minus `reference`'s with the 95% bootstrap interval of that difference, as the tables
    print it: "+0.0123 [+0.0010, +0.0241]"."""
    low, high = interval(draws, scores, reference)
    return f"{scores.mean() - reference.mean():+.4f} [{low:+.4f}, {high:+.4f}]"


def best_time(function, repeat: int = 2) -> float:
    """Best of `repeat` wall times of `function()`: the least disturbed run."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best
