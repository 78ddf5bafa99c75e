"""The LanceDB vector store: functions of many repositories in one on-disk table, searched by ANN.

One LanceDB database per index directory, one table `functions`: a row per function
*place* (repository, path, line) with its content key (the same sha256 of language
and code as the embedded index) and its vector. A content key's vector is looked up
before anything is embedded, so a function embedded anywhere in the table is never
embedded again. Updates are incremental: rows are appended or deleted by id, never
rewritten whole. Once the table holds `ann_min_rows` rows an IVF-PQ index is built
(cosine); rows added later are searched exactly beside it until `optimize()` folds
them into the index, which also compacts small fragments and drops old versions,
so the directory does not grow without bound. The index is retrained when the
table has grown `RETRAIN_GROWTH` times past the size it was trained on. One run
writes at a time (`updating`: the file lock `update.lock`, as the embedded index's);
searches read the last committed version meanwhile.

`manifest.json` records the store, the encoder (model, config key, dimension) and
the repositories; opening the store with another encoder is refused with a clear
message, never mixed.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np
from filelock import FileLock, Timeout

FORMAT = 1
KIND = "lance"
TABLE = "functions"
ANN_MIN_ROWS = 100_000  # below this an exact scan is fast enough (BENCHMARKS.md, section scale)
RETRAIN_GROWTH = 4  # retrain the ANN index when the table is this many times the size it was trained on
KEEP_VERSIONS = timedelta(minutes=5)  # old table versions kept for readers still on them
PARTITION_ROWS = 4096  # rows per IVF partition (Lance's guidance: a few thousand)
# Chosen on half the queries of bench/ann_store.py at 1M vectors (recall@10 0.958 there, 0.967 on the other half).
NPROBES = 128
REFINE_FACTOR = 40
_IN_CHUNK = 2000  # keys per `IN (...)` filter
FIELDS = ("repo", "path", "name", "qualified_name", "language", "start_line", "end_line", "preview", "key")
# What ranking needs of a function beyond its place: code compiled only for tests, a Python `@overload` stub. A store
# made before these columns has neither: its search parses the candidates' files for them (`scale.search`).
FLAGS = ("test", "stub")


class StoreMismatch(ValueError):
    """An index directory made by another store, model or dimension than the one asked for."""


class DamagedStore(OSError):
    """A lance index whose table cannot be read (a data file cut short or gone, its versions deleted)."""


class NoStore(FileNotFoundError):
    """No lance index in a directory only to be searched (`LanceStore(..., create=False)`)."""


@dataclass(frozen=True)
class StoredFunction:
    """One row of the store: where a function is and what it is (the code stays in its file)."""

    repo: str
    path: str  # relative to the repository root, "/"-separated
    name: str
    qualified_name: str
    language: str
    start_line: int  # 0-based
    end_line: int
    preview: str
    key: str  # content key: sha256 of (language, code)
    test: bool = False  # compiled only for tests (`#[test]`, `@Test`, under `#[cfg(test)]`)
    stub: bool = False  # a Python `@overload` stub (`search.marks_overload`, as the default index tells it)

    @property
    def row_id(self) -> str:
        return hashlib.sha256(f"{self.repo}\0{self.path}\0{self.start_line}\0{self.key}".encode()).hexdigest()[:32]


def _quoted(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _chunks(items: Sequence, size: int = _IN_CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def read_manifest(directory: str | os.PathLike) -> dict | None:
    try:
        data = json.loads((Path(directory) / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class LanceStore:
    """Vectors by content key and rows by place, in LanceDB; top-k by cosine with an optional repository filter.

    `encoder_info`: {"model_id", "config_key", "dim", "encoder": settings}: what the
    vectors were made by. When the directory already holds an index, it must match. `create=False` (a search):
    NoStore where there is none, rather than making an empty one there.
    """

    kind = KIND

    def __init__(self, directory: str | os.PathLike, encoder_info: dict, ann_min_rows: int = ANN_MIN_ROWS,
                 keep_versions: timedelta = KEEP_VERSIONS, create: bool = True):
        import lancedb  # the optional `scale` extra: imported only when this store is used
        import pyarrow as pa

        self.directory = Path(directory).resolve()
        self.dim = int(encoder_info["dim"])
        self.encoder_info = dict(encoder_info)
        self.ann_min_rows = ann_min_rows
        self.keep_versions = keep_versions
        self.table = None
        self.manifest = self._check_manifest(create)
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if read_manifest(self.directory) is None:  # before the database: no db/ is ever left without one
            self.write_manifest()
        self._db = lancedb.connect(str(self.directory / "db"))
        self._schema = pa.schema([
            ("id", pa.string()), ("repo", pa.string()), ("path", pa.string()), ("name", pa.string()),
            ("qualified_name", pa.string()), ("language", pa.string()), ("start_line", pa.int32()),
            ("end_line", pa.int32()), ("preview", pa.string()), ("key", pa.string()),
            ("test", pa.bool_()), ("stub", pa.bool_()), ("vector", pa.list_(pa.float32(), self.dim)),
        ])
        self._pa = pa
        try:
            self.table = self._db.open_table(TABLE)
        except (OSError, RuntimeError, ValueError) as error:
            if self.manifest.get("repositories"):  # it had rows: never replaced by an empty table
                raise self.damaged(error) from None
            self.table = self._db.create_table(TABLE, schema=self._schema, exist_ok=True)  # a run beside may too
        self._schema = self.table.schema  # a store made before FLAGS keeps its columns
        self.columns = tuple(f for f in FIELDS + FLAGS if f in self._schema.names)
        self._lock = FileLock(str(self.directory / "update.lock"), mode=0o600)

    @contextmanager
    def updating(self) -> Iterator[None]:
        """Hold the update lock (re-entrant; another run waits for it, told so), reading the table and manifest
        as the last run left them: a run's view is otherwise fixed when it opens the store, and two runs working
        from the same view would both add the rows neither had seen."""
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            warnings.warn(f"index {self.directory} is being updated by another run; waiting for it to finish",
                          stacklevel=3)
            self._lock.acquire()
        try:
            self.table.checkout_latest()
            self.manifest = self._check_manifest()
            yield
        finally:
            self._lock.release()

    def damaged(self, error: Exception) -> DamagedStore:
        detail = str(error).split(", /")[0][:300]  # Lance's message, without the Rust source location
        return DamagedStore(f"the lance index at {self.directory} is damaged ({detail}); rebuild it: delete the "
                            f"directory and run `leancode index --store lance --index-dir {self.directory}` with "
                            "its repositories (its manifest.json lists them)")

    @contextmanager
    def reporting_damage(self) -> Iterator[None]:
        """Lance's errors reading the table (`lance error: ...`) as DamagedStore, naming the index."""
        try:
            yield
        except RuntimeError as error:
            if not str(error).startswith("lance error"):
                raise
            raise self.damaged(error) from None

    # -- manifest ------------------------------------------------------------------------------

    def _check_manifest(self, create: bool = True) -> dict:
        found = read_manifest(self.directory)
        if found is None:
            if (self.directory / "db").exists():  # its encoder unknown: never guessed, never mixed
                raise StoreMismatch(f"{self.directory} holds a lance index whose manifest.json is missing or "
                                    "unreadable, so what made its vectors is unknown; delete the directory and "
                                    f"index again: leancode index --store lance --index-dir {self.directory} REPO...")
            if not create:
                raise NoStore(f"no lance index at {self.directory} (build one with `leancode index --store lance "
                              f"--index-dir {self.directory} REPOSITORY`)")
            if (self.directory / "snapshot.npz").exists():
                raise StoreMismatch(f"{self.directory} holds an embedded index; use another --index-dir "
                                    f"for the lance store")
            return {"format": FORMAT, "what": "leancode function index", "store": KIND, "repositories": {},
                    **{k: self.encoder_info.get(k) for k in ("model_id", "model_path", "table", "config_key", "dim",
                                                             "encoder", "encoder_chosen")}}
        if found.get("store", "embedded") != KIND:
            raise StoreMismatch(f"{self.directory} was made by the {found.get('store', 'embedded')} store, not "
                                f"the lance store; use another --index-dir or --store {found.get('store', 'embedded')}")
        if found.get("dim") != self.dim or found.get("config_key") != self.encoder_info.get("config_key"):
            raise StoreMismatch(
                f"{self.directory} holds vectors of {found.get('model_id')} (dimension {found.get('dim')}, "
                f"configuration {found.get('config_key')}); this encoder is {self.encoder_info.get('model_id')} "
                f"(dimension {self.dim}, configuration {self.encoder_info.get('config_key')}). Vectors of two "
                f"encoders cannot be searched together: pass the index's --model/--method/--ratio/--table, or a new "
                f"--index-dir")
        return found

    def write_manifest(self, **extra) -> None:
        from .. import __version__

        self.manifest.update(extra, leancode_version=__version__, rows=self.count() if self.table is not None else 0,
                             updated=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        temporary = self.directory / f".manifest.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(self.manifest, indent=2) + "\n")
        os.replace(temporary, self.directory / "manifest.json")

    # -- reading -------------------------------------------------------------------------------

    def count(self) -> int:
        return self.table.count_rows()

    def row_ids(self, repo: str | None = None) -> set[str]:
        """Ids of the rows (of one repository, or all)."""
        query = self.table.search().select(["id"])
        if repo is not None:
            query = query.where(f"repo = {_quoted([repo])}")
        return set(query.limit(None).to_arrow().column("id").to_pylist())

    def vectors(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those content keys (the ones the table has)."""
        keys = sorted(set(keys))
        found: dict[str, np.ndarray] = {}
        for chunk in _chunks(keys):
            data = self.table.search().where(f"key IN ({_quoted(chunk)})").select(["key", "vector"]) \
                .limit(None).to_arrow()
            if not len(data):
                continue
            matrix = np.asarray(data.column("vector").combine_chunks().values, dtype=np.float32).reshape(-1, self.dim)
            for key, vector in zip(data.column("key").to_pylist(), matrix):
                found.setdefault(key, vector)
        return found

    def known_keys(self) -> set[str]:
        return set(self.table.search().select(["key"]).limit(None).to_arrow().column("key").to_pylist())

    def search(self, query: np.ndarray, top: int = 10, repo: str | None = None,
               within: str | None = None) -> list[tuple[StoredFunction, float]]:
        """The `top` rows nearest `query` by cosine, best first, as (row, cosine similarity).

        `repo`: only that repository; `within`: only under that path (a prefix filter, applied before the
        ANN search so it never empties the top-k)."""
        if top <= 0:
            return []
        search = self.table.search(np.asarray(query, dtype=np.float32).reshape(-1)).distance_type("cosine") \
            .select([*self.columns, "_distance"]).limit(top)
        conditions = []
        if repo is not None:
            conditions.append(f"repo = {_quoted([repo])}")
        if within not in (None, "", "."):
            prefix = within.strip("/")
            conditions.append(f"(path = {_quoted([prefix])} OR starts_with(path, {_quoted([prefix + '/'])}))")
        if conditions:
            search = search.where(" AND ".join(conditions), prefilter=True)
        if self.table.list_indices():
            search = search.nprobes(NPROBES).refine_factor(REFINE_FACTOR)
        rows = search.to_arrow().to_pylist()
        return [(StoredFunction(**{f: row[f] for f in self.columns}), 1.0 - float(row["_distance"])) for row in rows]

    # -- writing -------------------------------------------------------------------------------

    def add(self, rows: Sequence[StoredFunction], vectors: np.ndarray) -> int:
        """Append rows (row i has vector i) whose ids the table does not hold yet; returns how many."""
        if not len(rows):
            return 0
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(rows), self.dim)
        present: set[str] = set()
        ids = [r.row_id for r in rows]
        for chunk in _chunks(sorted(set(ids))):
            present |= set(self.table.search().where(f"id IN ({_quoted(chunk)})").select(["id"]).limit(None)
                           .to_arrow().column("id").to_pylist())
        keep: list[int] = []
        for i, row_id in enumerate(ids):  # new ids only, each once
            if row_id not in present:
                present.add(row_id)
                keep.append(i)
        if keep:
            self.append([rows[i] for i in keep], vectors[keep])
        return len(keep)

    def append(self, rows: Sequence[StoredFunction], vectors: np.ndarray) -> None:
        """Append rows known to be new (no check: `add` checks), row i with vector i."""
        self.append_chunks([(rows, vectors)])

    def append_chunks(self, chunks: Iterable[tuple[Sequence[StoredFunction], np.ndarray]]) -> None:
        """Append (rows, vectors) chunks known to be new as one write (one data file per million rows)."""
        pa = self._pa

        def batches():
            for rows, vectors in chunks:
                vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(rows), self.dim)
                arrays = [pa.array([r.row_id for r in rows], type=pa.string())]
                arrays += [pa.array([getattr(r, f.name) for r in rows], type=f.type) for f in self._schema
                           if f.name in self.columns]
                arrays.append(pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1), type=pa.float32()),
                                                                self.dim))
                yield pa.RecordBatch.from_arrays(arrays, schema=self._schema)

        self.table.add(pa.RecordBatchReader.from_batches(self._schema, batches()))

    def remove(self, keys: Iterable[str] = (), repo: str | None = None, row_ids: Iterable[str] = ()) -> None:
        """Delete the rows of these content keys (within one repository when `repo` is given), or by row id."""
        scope = f" AND repo = {_quoted([repo])}" if repo is not None else ""
        for column, values in (("key", sorted(set(keys))), ("id", sorted(set(row_ids)))):
            for chunk in _chunks(values):
                self.table.delete(f"{column} IN ({_quoted(chunk)}){scope}")

    def remove_repository(self, repo: str) -> None:
        self.table.delete(f"repo = {_quoted([repo])}")

    def persist(self, cleanup: bool = True) -> dict:
        """Build the ANN index once the table is large enough (retrain it when it has outgrown it), fold new
        rows into it, compact fragments and drop versions older than `keep_versions`. Returns what it did."""
        from lancedb.index import IvfPq

        rows = self.count()
        done = {"rows": rows, "ann": None}
        trained = int(self.manifest.get("ann_trained_rows") or 0)
        indexed = bool(self.table.list_indices())
        if rows >= self.ann_min_rows and (not indexed or rows >= RETRAIN_GROWTH * trained):
            partitions = max(1, rows // PARTITION_ROWS)
            config = IvfPq(distance_type="cosine", num_partitions=partitions, num_sub_vectors=self.dim // 8)
            self.table.create_index("vector", config=config, replace=True)
            self.manifest.update(ann="IVF_PQ", ann_partitions=partitions, ann_trained_rows=rows)
            done["ann"] = "built"
        self.table.optimize(cleanup_older_than=self.keep_versions if cleanup else None)
        if done["ann"] is None and indexed:
            done["ann"] = "updated"
        return done
