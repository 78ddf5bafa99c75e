"""`leancode summarize` from a cold process, per summarizer runtime, interleaved.

    python bench/summarize_cold.py [--repeat 5]

Times whole `leancode summarize FILE:NAME` processes on an undocumented standard-library function: as served (the
model's lines off: the summary bank alone answers, its encoder in ONNX Runtime, no model loads), and with
`--generated` (the model loads and writes a line) run in plain torch (`leancode.summary_model`, the default runtime)
and through transformers (`--runtime transformers`), alternating so that a shared machine disturbs them alike, and
checks that both runtimes print the same line. Baselines in the same run: an empty Python process, `import
leancode.cli`, and a documented function (answered from its docstring, no model). Then, in one process with both
loaded, the time of one summary (simplify + generate, as the hover asks) per runtime on the functions of textwrap and
shlex, alternating which runs first.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from report import command_line, percentiles, publish

UNDOCUMENTED = "textwrap.py:_split_chunks"  # what the model summarizes
DOCUMENTED = "textwrap.py:dedent"


def timed(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    summarize = [sys.executable, "-m", "leancode.cli", "summarize"]
    cells = {
        "empty Python process": [sys.executable, "-c", "pass"],
        "`import leancode.cli`": [sys.executable, "-c", "import leancode.cli"],
        "documented function (docstring, no model)": [*summarize, str(stdlib / DOCUMENTED)],
        "undocumented function (served: the summary bank alone, no model)": [*summarize, str(stdlib / UNDOCUMENTED)],
        "undocumented function, --generated, transformers": [*summarize, str(stdlib / UNDOCUMENTED), "--generated",
                                                             "--runtime", "transformers"],
        "undocumented function, --generated, plain torch (default)": [*summarize, str(stdlib / UNDOCUMENTED),
                                                                      "--generated"],
    }
    times: dict[str, list[float]] = {name: [] for name in cells}
    lines: dict[str, set[str]] = {name: set() for name in cells}
    timed(cells["undocumented function, --generated, plain torch (default)"])  # warm the disk cache, untimed
    for _ in range(args.repeat):
        for name, command in cells.items():
            seconds, out = timed(command)
            times[name].append(seconds)
            lines[name].add(out.strip())
    plain, reference = (lines[f"undocumented function, --generated, {runtime}"]
                        for runtime in ("plain torch (default)", "transformers"))
    if plain != reference or len(plain) != 1:
        raise SystemExit(f"the runtimes printed different lines: {plain} against {reference}")
    base = statistics.median(times["undocumented function, --generated, transformers"])
    out = ["## Summaries from a cold process", "",
           f"`{command_line()}` — whole `leancode summarize` processes, {args.repeat} runs each, interleaved; "
           f"{os.cpu_count()} cores ({platform.machine()}), Python {platform.python_version()}; load average "
           f"{os.getloadavg()[0]:.1f} at the end. Ratios are measured in the same run.", "",
           "| process | median s | min s | relative to transformers |", "|---|---:|---:|---:|",
           *(f"| {name} | {statistics.median(t):.2f} | {min(t):.2f} | {statistics.median(t) / base:.2f} |"
             for name, t in times.items()),
           "", f"Both runtimes printed the same line: `{next(iter(plain))}`."]
    out += ["", *summary_latency()]
    publish("summarize-cold", out, write=not args.no_write)


def summary_latency() -> list[str]:
    """p50 / p95 ms of one summary after load, per runtime, alternating, on textwrap's and shlex's functions."""
    import inspect
    import shlex
    import textwrap

    from leancode.summarizer import Summarizer, summary_input
    from leancode.units import extract_units

    units = [u for module in (textwrap, shlex) for u in extract_units(inspect.getsource(module), "python")]
    models = {"plain torch (default)": Summarizer(), "transformers": Summarizer(runtime="transformers")}
    seconds: dict[str, list[float]] = {name: [] for name in models}
    for number, unit in enumerate(units):
        order = list(models) if number % 2 else list(reversed(models))
        lines = set()
        for name in order:
            start = time.perf_counter()
            lines.add(models[name].generate([summary_input(unit)])[0].text)
            seconds[name].append(time.perf_counter() - start)
        if len(lines) != 1:
            raise SystemExit(f"the runtimes wrote different lines for {unit.qualified_name}: {lines}")
    out = [f"One summary after load (simplify + generate, int8 decoder, one process, the runtimes alternating; "
           f"{len(units)} functions of textwrap and shlex, the same line from both):", "",
           "| runtime | p50 ms | p95 ms |", "|---|---:|---:|"]
    for name, values in seconds.items():
        p50, p95 = percentiles(values)
        out.append(f"| {name} | {p50:.1f} | {p95:.1f} |")
    return out


if __name__ == "__main__":
    main()
