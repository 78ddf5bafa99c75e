"""The process pool of `leancode-train mine`: one task per source (fetch unless cached, mine, cache the
result gzipped under the work directory), run in `spawn`ed worker processes. A failing source is an
outcome ({"status": "failed", "error": ...}), never an exception, so one bad package never stops a run.
"""

from __future__ import annotations

import concurrent.futures as cf
import gzip
import json
import multiprocessing
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from .cleaning import Thresholds
from .fetch import MARKER, Fetcher, slug
from .mine_source import mine_source


@dataclass(frozen=True)
class MineTask:
    language: str
    name: str
    kind: str  # "stdlib", "pypi", "jdk", "gostd", "godeb", "rust", "npm" or "local"
    grouping: str
    work: str
    cache_key: str
    thresholds: Thresholds
    path: str | None = None  # local sources
    keep_sources: bool = False

    @property
    def cache(self) -> Path:
        return Path(self.work) / "cache" / self.language / f"{slug(self.kind + '-' + self.name)}.json.gz"


def read_cache(path: Path, cache_key: str) -> dict | None:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError, EOFError):
        return None
    return data if data.get("cache_key") == cache_key else None


def run_task(task: MineTask) -> dict:
    """Fetches (unless cached), mines and caches one source; never raises for a bad source."""
    if task.kind != "local" and read_cache(task.cache, task.cache_key) is not None:
        return {"status": "cached"}
    logs: list[str] = []
    target = None
    try:
        if task.kind == "local":
            root, info = Path(task.path), {"kind": "local", "version": None, "origin": task.path}
        else:
            work = Path(task.work)
            (work / "tmp").mkdir(parents=True, exist_ok=True)
            fetcher = Fetcher(work / "sources", logs.append, work / "tmp")
            build = {
                "stdlib": fetcher.build_python_stdlib,
                "jdk": lambda sink, tmp: fetcher.build_java(sink, tmp, modules=None),
                "gostd": fetcher.build_go,
                "godeb": lambda sink, tmp: fetcher.build_go_module(task.name, sink, tmp),
                "rust": lambda sink, tmp: fetcher.build_rust(task.name, sink, tmp),
                "npm": lambda sink, tmp: fetcher.build_npm(task.name, sink, tmp),
                "pypi": lambda sink, tmp: fetcher.build_pypi(task.name, sink, tmp, prefer="wheel"),
            }[task.kind]
            fetcher.fetch(task.language, task.name, build)
            target = work / "sources" / task.language / slug(task.name)
            if not (target / MARKER).is_file():
                errors = fetcher.failures.get(task.language) or logs[-1:] or ["unknown error"]
                return {"status": "failed", "error": "; ".join(errors)}
            root, info = target, json.loads((target / MARKER).read_text())
        result = mine_source(root, task.language, package=task.name, grouping=task.grouping,
                             thresholds=task.thresholds)
        result.info = {k: v for k, v in info.items() if k not in ("name",)}
        task.cache.parent.mkdir(parents=True, exist_ok=True)
        partial = task.cache.with_name(task.cache.name + ".partial")
        with gzip.open(partial, "wt", encoding="utf-8") as f:
            json.dump({"cache_key": task.cache_key, **result.to_json()}, f)
        partial.replace(task.cache)
        return {"status": "mined"}
    except Exception as exc:  # one bad source never stops the run
        return {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
    finally:
        if target is not None and not task.keep_sources:
            shutil.rmtree(target, ignore_errors=True)


def run_tasks(tasks: list[MineTask], workers: int, progress: bool,
              log: Callable[[str], None]) -> dict[MineTask, dict]:
    """Each task's outcome ({"status": "cached" | "mined" | "failed", ...}), `workers` at a time."""
    outcomes: dict[MineTask, dict] = {}
    counts = Counter()
    with tqdm(total=len(tasks), desc="mine", unit=" sources", disable=not progress or None) as bar:
        def done(t: MineTask, outcome: dict) -> None:
            outcomes[t] = outcome
            counts[outcome["status"]] += 1
            if outcome["status"] == "failed":
                log(f"{t.language}: {t.name}: FAILED {outcome['error']}")
            bar.set_postfix(counts, refresh=False)
            bar.update()

        if workers <= 1 or len(tasks) <= 1:
            for t in tasks:
                done(t, run_task(t))
        else:
            context = multiprocessing.get_context("spawn")
            with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures = {pool.submit(run_task, t): t for t in tasks}
                for future in cf.as_completed(futures):
                    try:
                        outcome = future.result()
                    except Exception as exc:  # a crashed worker
                        outcome = {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
                    done(futures[future], outcome)
    return outcomes
