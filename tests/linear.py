"""A check that a piece of work grows linearly with its input, for the readers a hostile file once made quadratic or
worse: CPU time at four times the size against the size, in one run, so it holds on a slow machine as on a fast
one (a fixed bound in seconds failed on a slow one)."""

from __future__ import annotations

import gc
import time
from typing import Callable


def cpu_seconds(work: Callable[[int], object], size: int) -> float:
    """CPU time of `work(size)` with the garbage collector off, as `timeit` times (a full collection of the test
    process's heap, due in one run and not the other, would weigh more than the work)."""
    gc.collect()
    gc.disable()
    try:
        began = time.process_time()
        work(size)
        return time.process_time() - began
    finally:
        gc.enable()


def assert_linear(work: Callable[[int], object], size: int) -> None:
    """`work(4 * size)` takes at most 8 times the CPU time of `work(size)` (linear: 4; quadratic: 16), with 50 ms
    for the timer's noise; `work` also asserts what it reads. Run once first: imports and compiled patterns."""
    work(size)
    small, large = cpu_seconds(work, size), cpu_seconds(work, 4 * size)
    assert large < 8 * small + 0.05, f"size {size}: {small:.3f} s; size {4 * size}: {large:.3f} s"
