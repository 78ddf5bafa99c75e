"""Index many repositories into a LanceDB store: the steps every engine shares, and the local engine.

An engine does three things: list and parse the files of each repository into rows
(a function's place, content key and code), embed the content keys the store has no
vector for, and write rows as their vectors arrive. `sync` is the shared part: it
knows the store and decides what to embed; the engines differ only in how they parse
and embed (`index_local` in this process, `ray_engine.index_with_ray` on a Ray
cluster). Rows are written after every embedded batch, so a run killed part-way
loses only the batches in flight, and the next run embeds only what is still missing.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
from tqdm import tqdm

from ..index_store import manifest_settings
from ..languages import ParseWarning, language_for_path
from ..parse_pool import parse_units
from ..search import marks_overload
from ..sources import BINARY_PROBE, FileSkipped, decode_source, is_binary, read_bytes
from ..walk import is_generated, walk_repository
from .lance_store import FIELDS, FLAGS, LanceStore, StoredFunction

EMBED_BATCH = 256  # functions per embedding batch (and per write to the store)

# (keys, (code, language) items) -> their vectors, one batch at a time, in any order.
Embed = Callable[[list[tuple[str, str, str]]], Iterator[tuple[list[str], np.ndarray]]]


@dataclass
class RunStats:
    engine: str
    repositories: int = 0
    files: int = 0
    units: int = 0
    embedded: int = 0  # distinct functions embedded this run
    reused: int = 0  # distinct functions whose vector the store already had
    added: int = 0  # rows written
    removed: int = 0  # rows of functions no longer there
    ann: str | None = None  # "built", "updated" or None (exact search)
    seconds: float = 0.0

    def as_json(self) -> dict:
        return asdict(self)


def encoder_info(encoder) -> dict:
    """What a store's manifest records of the encoder that made its vectors (the model by path for the reader
    only: a model is never loaded from what an index directory says)."""
    return {"model_id": encoder.model_id, "model_path": str(encoder.path), "table": getattr(encoder, "table", None),
            "config_key": encoder.config_key, "dim": encoder.dim, "encoder": manifest_settings(encoder),
            "encoder_chosen": True}


def encoder_settings(encoder) -> dict:
    """The arguments that rebuild `encoder` in another process (a Ray worker)."""
    settings = {name: getattr(encoder, name) for name in ("method", "ratio", "quantize", "max_length", "table")}
    settings["model"] = str(encoder.path)
    if getattr(encoder, "backend", None) is not None:
        settings["backend"] = encoder.backend
    return settings


def repositories(paths: Iterable[str]) -> dict[str, Path]:
    """Repository name -> root, for directories and files listing directories (one a line, # comments)."""
    roots: list[Path] = []
    for text in paths:
        path = Path(text).expanduser()
        if not path.is_file():
            if not path.is_dir():
                raise NotADirectoryError(f"{path.resolve()} is not a directory")
            roots.append(path.resolve())
            continue
        if language_for_path(path.name) is not None:
            raise ValueError(f"{path} is a source file, not a list of repositories (one directory a line)")
        for number, line in enumerate(path.read_text().splitlines(), 1):
            entry = line.split("#", 1)[0].strip()
            if entry:
                root = (path.parent / entry).resolve()  # relative to the list's folder
                if not root.is_dir():
                    raise NotADirectoryError(f"{path}:{number}: {entry} is not a directory (a list of repositories "
                                             "names one directory a line)")
                roots.append(root)
    named: dict[str, Path] = {}
    for root in roots:
        if root.name in named and named[root.name] != root:
            raise ValueError(f"two repositories are named {root.name!r} ({named[root.name]} and {root}); "
                             f"results are told apart by name, so rename or index them separately")
        named[root.name] = root
    return named


def list_files(repo: str, root: str, exclude: Iterable[str] = ()) -> list[dict]:
    """The source files of one repository, as the default index walks them."""
    extra = tuple(Path(p) for p in exclude)
    return [{"repo": repo, "root": root, "path": found.relative, "language": found.language, "wanted": found.wanted}
            for found in walk_repository(Path(root), lambda *_: None, extra_skips=extra)]


def file_units(item: dict) -> list[dict]:
    """The units of one file (`unit_records.parse_units` in a parse worker, as the default index parses it; none
    for a binary, generated, huge or unreadable one, or one whose parse was stopped, which is told)."""
    try:
        data = read_bytes(Path(item["root"]) / item["path"], follow_symlinks=False)
    except FileSkipped:
        return []
    if is_binary(data) or is_generated(data[:BINARY_PROBE]) and not item.get("wanted"):
        return []
    try:
        parsed = parse_units(decode_source(data, item["language"]), item["language"])
    except FileSkipped as failure:  # stopped (too slow, too large in memory) or its parser crashed
        warnings.warn(f"{item['repo']}/{item['path']}: skipped: {failure}", stacklevel=2)
        return []
    if parsed["syntax"]:  # named once here; simplifying its functions later says nothing more
        warnings.warn(f"{item['repo']}/{item['path']}: {parsed['syntax']}", ParseWarning, stacklevel=3)
    return parsed["units"]


def parse_file(item: dict) -> list[dict]:
    """The function rows of one file: each unit's place, content key, flags (`lance_store.FLAGS`) and code."""
    return [{"repo": item["repo"], "path": item["path"], **{k: u[k] for k in FIELDS if k in u}, "test": u["test"],
             "stub": marks_overload(u["terms"]), "code": u["code"]} for u in file_units(item)]


def claim(store: LanceStore, repos: dict[str, Path]) -> None:
    """Record `repos` in the store's manifest before any of their rows is written (so a run killed part-way leaves
    a store whose rows are all named); refuse a repository whose name the store gives to another one that still
    exists (its rows would be replaced). A repository that moved (its old root is gone) takes its name along."""
    listed = dict(store.manifest.get("repositories") or {})
    for name, root in repos.items():
        held = listed.get(name)
        if held is not None and Path(held) != root and Path(held).is_dir():
            raise ValueError(f"{store.directory} holds another repository named {name!r} ({held}); {root} would "
                             "replace its functions: index it into another --index-dir, or rename its folder")
    listed.update({name: str(root) for name, root in repos.items()})
    store.write_manifest(repositories=listed)


def sync(store: LanceStore, repos: dict[str, Path], rows: list[dict], embed: Embed, stats: RunStats,
         progress: bool = True) -> RunStats:
    """Bring the store's rows of `repos` to `rows`: reuse stored vectors, embed the rest, drop what is gone."""
    with store.updating():  # one run at a time: each starts from the rows the last one left
        return _sync(store, repos, rows, embed, stats, progress)


def _sync(store: LanceStore, repos: dict[str, Path], rows: list[dict], embed: Embed, stats: RunStats,
          progress: bool) -> RunStats:
    started = time.perf_counter()
    claim(store, repos)
    stats.repositories, stats.units = len(repos), len(rows)
    places = [StoredFunction(**{f: row[f] for f in FIELDS + FLAGS}) for row in rows]
    held = {repo: store.row_ids(repo) for repo in repos}
    current = {place.row_id for place in places}
    new = [i for i, place in enumerate(places) if place.row_id not in held[place.repo]]
    by_key: dict[str, list[int]] = {}
    for i in new:
        by_key.setdefault(places[i].key, []).append(i)
    known = store.vectors(by_key)
    stats.reused = len(known)
    reuse = [i for key in known for i in by_key[key]]
    stats.added += store.add([places[i] for i in reuse], np.stack([known[places[i].key] for i in reuse])) \
        if reuse else 0
    missing = [(key, rows[by_key[key][0]]["code"], places[by_key[key][0]].language)
               for key in by_key if key not in known]
    missing.sort(key=lambda item: len(item[1]))  # length buckets: neighbours in a batch pad alike
    bar = tqdm(total=len(missing), desc="leancode: embed", unit=" functions", disable=not progress or None)
    for keys, vectors in embed(missing):
        batch = [i for key in keys for i in by_key[key]]
        lookup = dict(zip(keys, vectors))
        stats.added += store.add([places[i] for i in batch], np.stack([lookup[places[i].key] for i in batch]))
        stats.embedded += len(keys)
        bar.update(len(keys))
    bar.close()
    stale = [row_id for repo in repos for row_id in held[repo] - current]
    store.remove(row_ids=stale)
    stats.removed = len(stale)
    stats.ann = store.persist()["ann"]
    store.write_manifest(engine=stats.engine)
    stats.seconds += time.perf_counter() - started
    return stats


def index_local(store: LanceStore, repos: dict[str, Path], encoder, progress: bool = True,
                batch_size: int = EMBED_BATCH) -> RunStats:
    """The local engine: parse and embed in this process, write to the store."""
    started = time.perf_counter()
    stats = RunStats(engine="local")
    exclude = [str(store.directory)]
    files = [item for repo, root in repos.items() for item in list_files(repo, str(root), exclude)]
    stats.files = len(files)
    rows = [row for item in tqdm(files, desc="leancode: parse", unit=" files", disable=not progress or None,
                                 leave=False) for row in parse_file(item)]

    def embed(items: list[tuple[str, str, str]]) -> Iterator[tuple[list[str], np.ndarray]]:
        for start in range(0, len(items), batch_size):
            chunk = items[start:start + batch_size]
            with warnings.catch_warnings():  # each file's syntax errors were told at parse, naming it
                warnings.simplefilter("ignore", ParseWarning)
                vectors = encoder.encode_code([(code, lang) for _, code, lang in chunk])
            yield [k for k, _, _ in chunk], vectors

    stats.seconds = time.perf_counter() - started
    return sync(store, repos, rows, embed, stats, progress)
