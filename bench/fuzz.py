"""The long fuzzing run: nasty inputs through simplify, the indexer and the real server; crashes and hangs counted.

    nice -n 10 python bench/fuzz.py --inputs 10000 --minutes 30 [--seed 0] [--no-write] [--targets summarize ...]

The inputs are tests/fuzzing.py's (the same generators the bounded slice in
tests/test_fuzz.py draws from), split between the targets:

- simplify: one fuzzed file (mutated real code of all six languages, deep nesting, huge
  lines, binary, odd encodings) through extract_units and simplify, a random method and ratio;
- summarize: a fuzzed file, or a function with an odd name (hundreds of model pieces, one letter
  repeated, non-ASCII), through the hover's summary rule and the shipped summarizer (its first 3 functions);
- index: fuzzed files (names and contents, FIFOs, symlinks, odd ignore files) in
  repositories of 25, indexed with the packaged model; then damaged cache, snapshot and
  manifest bytes, each followed by an update and a search;
- server: fuzzed LSP frames and messages into one `leancode-server` subprocess, each
  followed by a request that must be answered within 30 s;
- hover: a fuzzed file or an oddly named function opened in one `leancode-server` (no workspace), then hovers at
  random positions, each answered within 30 s with a result or an invalid-params error (no internal error).

A crash is an exception (or a dead server). A hang is a simplify input over 30 CPU seconds
of its thread, an index update (a repository of 25 files, or one after a damage) over 300
CPU seconds of the process (CPU time: the shared machine's load does not count), or a
server that did not answer within 30 s. Each is printed with its seed. The slowest input of each
target is reported too (by the same clock; the server's is the wall time from sending the input
to the answer of the request after it), so a super-linear path shows before it becomes a hang.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzzing import (EXTENSIONS, LANGUAGES, damage, file_content, hovers, lsp_frame,  # noqa: E402
                     named_function, write_repository)
from lsp_raw import RawServer  # noqa: E402

from report import command_line, write_section  # noqa: E402

HANG_SECONDS = 30.0
INDEX_HANG = 300.0  # CPU seconds for one repository of 25 fuzzed files (one can hold 300 nested functions)
SPLIT = {"simplify": 0.4, "summarize": 0.1, "index": 0.2, "cache": 0.05, "server": 0.2, "hover": 0.05}


class Tally:
    def __init__(self, name: str):
        self.name, self.tried, self.crashes, self.hangs, self.seconds = name, 0, [], [], 0.0
        self.slowest, self.slowest_seed = 0.0, None  # the input that took longest by the hang clock

    def timed(self, seed, elapsed: float) -> None:
        if elapsed > self.slowest:
            self.slowest, self.slowest_seed = elapsed, seed

    def run(self, seed, action, clock=time.thread_time, limit: float = HANG_SECONDS) -> None:
        """Run one input; `clock` measures it for the hang limit (thread CPU time where the machine is shared
        and the work is single-threaded: other processes' load then does not count)."""
        began, measured = time.monotonic(), clock()
        try:
            action()
        except Exception:
            self.crashes.append((seed, traceback.format_exc(limit=3)))
            print(f"{self.name}: CRASH seed {seed}\n{self.crashes[-1][1]}", file=sys.stderr)
        self.seconds += time.monotonic() - began
        elapsed = clock() - measured
        self.timed(seed, elapsed)
        if elapsed > limit:
            self.hangs.append(seed)
            print(f"{self.name}: HANG seed {seed} ({elapsed:.0f} s)", file=sys.stderr)


def in_process(tally: Tally, count: int, seed: int, stop: float, one) -> None:
    """Inputs run in this process: `one(rng)` takes input n's generator (a crash or hang is counted by `tally.run`)."""
    for n in range(count):
        if time.monotonic() > stop:
            return
        rng = random.Random(f"{tally.name}-{seed}-{n}")
        tally.run(n, lambda: one(rng))
        tally.tried += 1


def fuzz_simplify(tally: Tally, count: int, seed: int, stop: float) -> None:
    from leancode.simplify import simplify
    from leancode.sources import decode_source
    from leancode.units import extract_units

    def one(rng: random.Random) -> None:
        language = rng.choice(LANGUAGES)
        code = decode_source(file_content(rng, language, scale=5), language)
        units = extract_units(code, language)
        for snippet in [code] + [u.code for u in units[:2]]:
            result = simplify(snippet, language, ratio=rng.random(),
                              method=rng.choice(["leancode", "slimcode", "dietcode", "random", "truncate"]))
            assert "".join(t.text for t in result.tokens) == "".join(snippet.split())

    in_process(tally, count, seed, stop, one)


def fuzz_summarize(tally: Tally, count: int, seed: int, stop: float) -> None:
    from leancode.function_summary import summarize_units
    from leancode.sources import decode_source
    from leancode.summarizer import Summarizer
    from leancode.units import extract_units

    summarizer = Summarizer()

    def one(rng: random.Random) -> None:
        language = rng.choice(LANGUAGES)
        code = named_function(rng, language) if rng.random() < 0.5 else \
            decode_source(file_content(rng, language), language)
        units = extract_units(code, language)[:3]
        for summary in summarize_units(units, summarizer, use_documentation=rng.random() < 0.5):
            assert summary.signature is not None and (summary.text or summary.source != "generated"), summary

    in_process(tally, count, seed, stop, one)


def fuzz_index(files: Tally, cache: Tally, count: int, damages: int, seed: int, stop: float, work: Path) -> None:
    from leancode.encoder import Encoder
    from leancode.index import RepositoryIndex
    from leancode.search import search

    encoder = Encoder(method="slimcode")
    repositories = max(1, count // 25)
    for n in range(repositories):
        if time.monotonic() > stop:
            return
        rng = random.Random(f"index-{seed}-{n}")
        root = work / f"repo{n}"
        written = write_repository(rng, root, files=25)
        files.run(n, lambda: RepositoryIndex(root, encoder).update(progress=False), time.process_time, INDEX_HANG)
        files.tried += written
        for d in range(max(1, damages // repositories)):
            def damaged() -> None:
                damage(rng, root / ".leancode")
                index = RepositoryIndex(root, encoder)
                index.update(progress=False)
                search(index, "read the configuration", top=3)

            cache.run(f"{n}.{d}", damaged, time.process_time, INDEX_HANG)
            cache.tried += 1
        shutil.rmtree(root, ignore_errors=True)


def through_server(tally: Tally, count: int, seed: int, stop: float, one) -> None:
    """Inputs into one `leancode-server`: `one(server, rng, n)` sends input n and waits for what must answer it (a
    TimeoutError is a hang, any other exception a crash; either way a new server takes the next input)."""
    server, began = RawServer(), time.monotonic()
    try:
        for n in range(count):
            if time.monotonic() > stop:
                break
            rng = random.Random(f"{tally.name}-{seed}-{n}")
            sent = time.monotonic()
            tally.tried += 1
            try:
                one(server, rng, n)
                tally.timed(n, time.monotonic() - sent)
            except TimeoutError:
                tally.hangs.append(n)
                print(f"{tally.name}: HANG seed {n}", file=sys.stderr)
                server.process.kill()
                server = RawServer()
            except Exception:
                tally.crashes.append((n, traceback.format_exc(limit=2)))
                print(f"{tally.name}: CRASH seed {n}\n{tally.crashes[-1][1]}", file=sys.stderr)
                server.process.kill()
                server = RawServer()
    finally:
        tally.seconds = time.monotonic() - began
        if server.close() != 0:
            tally.crashes.append(("exit", "did not end cleanly after shutdown and exit"))


def fuzz_server(tally: Tally, count: int, seed: int, stop: float) -> None:
    def one(server: RawServer, rng: random.Random, n: int) -> None:
        server.send(lsp_frame(rng, 1000 + n))
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited ({server.process.returncode})")
        server.alive(f"ping-{n}")

    through_server(tally, count, seed, stop, one)


def fuzz_hover(tally: Tally, count: int, seed: int, stop: float) -> None:
    from leancode.sources import decode_source

    def one(server: RawServer, rng: random.Random, n: int) -> None:
        language = rng.choice(LANGUAGES)
        text = named_function(rng, language) if rng.random() < 0.3 else \
            decode_source(file_content(rng, language), language)
        uri = f"file:///fuzz/f{n}{EXTENSIONS[language]}"
        for answer in hovers(server, rng, language, text, uri, 10 * n, HANG_SECONDS):
            if "error" in answer and answer["error"].get("code") != -32602:
                raise RuntimeError(f"hover {answer['id']}: {answer['error']}")

    through_server(tally, count, seed, stop, one)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=10_000, help="inputs in all (split between the targets)")
    parser.add_argument("--minutes", type=float, default=30.0, help="stop each target's share of time after this")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-write", action="store_true", help="do not write BENCHMARKS.md")
    parser.add_argument("--targets", nargs="+", choices=list(SPLIT), default=list(SPLIT),
                        help="run only these targets (each keeps its share of --inputs and --minutes; BENCHMARKS.md "
                             "is written only when all run)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    began = time.monotonic()
    share = {name: args.minutes * 60 * part for name, part in SPLIT.items()}
    tallies = {name: Tally(name) for name in SPLIT if name in args.targets}
    inputs = {name: int(args.inputs * part) for name, part in SPLIT.items()}
    if "simplify" in tallies:
        fuzz_simplify(tallies["simplify"], inputs["simplify"], args.seed, time.monotonic() + share["simplify"])
    if "summarize" in tallies:
        fuzz_summarize(tallies["summarize"], inputs["summarize"], args.seed, time.monotonic() + share["summarize"])
    if "index" in tallies or "cache" in tallies:
        with tempfile.TemporaryDirectory(prefix="leancode-fuzz-") as work:
            fuzz_index(tallies.get("index", Tally("index")), tallies.get("cache", Tally("cache")), inputs["index"],
                       inputs["cache"] if "cache" in tallies else 0, args.seed,
                       time.monotonic() + share["index"] + share["cache"], Path(work))
    if "server" in tallies:
        fuzz_server(tallies["server"], inputs["server"], args.seed, time.monotonic() + share["server"])
    if "hover" in tallies:
        fuzz_hover(tallies["hover"], inputs["hover"], args.seed, time.monotonic() + share["hover"])
    total = sum(t.tried for t in tallies.values())
    rows = "\n".join(f"| {t.name} | {t.tried:,} | {len(t.crashes)} | {len(t.hangs)} | {t.seconds:.0f} | "
                     f"{t.slowest:.2f} (seed {t.slowest_seed}) |" for t in tallies.values())
    body = (f"`{command_line()}` (seed {args.seed}; {total:,} of {args.inputs:,} inputs run in "
            f"{(time.monotonic() - began) / 60:.1f} min on a shared 2-CPU machine)\n\n"
            "| target | inputs tried | crashes | hangs | wall seconds | slowest input, s |\n|---|---:|---:|---:|---:|---:|\n"
            + rows)
    print(body)
    for tally in tallies.values():
        for seed, trace in tally.crashes[:5]:
            print(f"\n{tally.name} crash, seed {seed}:\n{trace}")
    if not args.no_write and len(tallies) == len(SPLIT):
        write_section("fuzz", body)
    return 1 if any(t.crashes or t.hangs for t in tallies.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
