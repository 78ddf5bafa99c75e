"""The Ray Data engine: index many repositories on a Ray cluster into a LanceDB store.

- Files are listed (one task per repository) and read and parsed in CPU tasks
  (`flat_map`, spread over the cluster by repartitioning the file list).
- Functions the store has no vector for are embedded by a pool of long-lived actors
  that keep the model loaded (`map_batches` with a callable class). With GPUs, each
  actor holds one and the code is simplified in CPU tasks before it; on CPUs alone,
  each actor simplifies its own batches with its cores. Items are sorted by length
  before batching, so each batch pads little (length buckets), and the encoder
  buckets again inside a batch.
- The driver writes each embedded batch to the store as it arrives (`sync`), keyed by
  the same content hash as the default index: a function embedded anywhere before is
  never embedded again, and a run killed part-way loses only the batches in flight.
  Ray retries the tasks and actors of a worker that dies.
"""

from __future__ import annotations

import os
import socket
import time
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import numpy as np

from ..languages import ParseWarning
from .engine import EMBED_BATCH, RunStats, list_files, parse_file, sync
from .lance_store import LanceStore

SIMPLIFY_BATCH = 64


@lru_cache(maxsize=4)
def _simplifying_encoder(settings: tuple):
    from ..encoder import Encoder

    return Encoder(**dict(settings))  # the model itself is never loaded: only its tokenizer and tables


def simplify_batch(batch: dict, settings: tuple) -> dict:
    """CPU task: each function's code simplified as the encoder does before embedding."""
    items = list(zip(batch["code"], batch["language"]))
    texts = [s.code for s in _simplifying_encoder(settings).simplify(items)]
    return {"key": batch["key"], "text": np.array(texts, dtype=object)}


class Embedder:
    """An actor holding the encoder (loaded once); embeds a batch at a time, simplifying first unless a CPU
    stage already did (`simplified`)."""

    def __init__(self, settings: dict, threads: int | None, simplified: bool):
        from ..encoder import Encoder

        self.encoder = Encoder(threads=threads, **settings)
        self.simplified = simplified

    def __call__(self, batch: dict) -> dict:
        with warnings.catch_warnings():  # each file's syntax errors were told at parse, naming it
            warnings.simplefilter("ignore", ParseWarning)
            if self.simplified:
                vectors = self.encoder.encode_simplified(list(batch["text"]))
            else:
                vectors = self.encoder.encode_code(list(zip(batch["code"], batch["language"])))
        return {"key": batch["key"], "vector": vectors, "node": np.full(len(vectors), _node_id(), dtype=object)}


def _node_id() -> str:
    import ray

    return ray.get_runtime_context().get_node_id()


def connect(address: str | None = None, num_cpus: int | None = None):
    """Join the cluster at `address` (or RAY_ADDRESS), else start a local one; returns the ray module."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no telemetry
    warnings.filterwarnings("ignore", "lancedb fork support", RuntimeWarning)  # Ray forks and execs at once
    import ray

    if not ray.is_initialized():
        address = address or os.environ.get("RAY_ADDRESS")
        if address:
            check_reachable(address)
            ray.init(address=address, log_to_driver=False)
        else:  # a cluster of our own, even where another runs on this machine (ray.init would join that one)
            ray.init(address="local", num_cpus=num_cpus, include_dashboard=False, log_to_driver=False,
                     object_store_memory=512 * 2**20)
    return ray


def check_reachable(address: str, timeout: float = 10.0) -> None:
    """A `host:port` cluster address must accept a connection: Ray itself retries a dead one for minutes."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # "auto", "local" and other forms Ray resolves itself
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as error:
        raise ConnectionError(f"no Ray cluster answers at {address} ({error})") from None


def index_with_ray(store: LanceStore, repos: dict[str, Path], settings: dict, address: str | None = None,
                   actors: int | None = None, batch_size: int = EMBED_BATCH, progress: bool = True,
                   nodes: set | None = None) -> RunStats:
    """Index `repos` into `store` on a Ray cluster; `settings` build the encoder (`engine.encoder_info`).

    `actors`: embedding actors (default: one per GPU, else one per two CPUs of a node). `nodes`, when given,
    collects the ids of the nodes that embedded a batch."""
    connect(address)
    import ray
    import ray.data

    started = time.perf_counter()
    stats = RunStats(engine="ray")
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = progress  # tasks and actors spread over the nodes: Ray Data's default "SPREAD"
    resources = ray.cluster_resources()
    cpus, gpus = int(resources.get("CPU", 1)), int(resources.get("GPU", 0))

    exclude = [str(store.directory)]
    listing = ray.data.from_items([{"repo": name, "root": str(root)} for name, root in repos.items()],
                                  override_num_blocks=max(1, len(repos)))
    files = listing.flat_map(lambda r: list_files(r["repo"], r["root"], exclude)).materialize()
    stats.files = files.count()
    parsed = files.repartition(max(1, min(stats.files, 4 * cpus))).flat_map(parse_file)
    rows = [dict(row) for row in parsed.iter_rows()]

    node_cpus = max([int(n["Resources"].get("CPU", 0)) for n in ray.nodes() if n.get("Alive")] or [1])
    if actors is None:  # one per GPU, else one per two CPUs (an actor must fit on one node)
        actors = gpus if gpus else max(1, cpus // max(1, min(2, node_cpus)))
    # With GPUs, simplification runs in CPU tasks beside the GPU actors; on CPUs alone each actor simplifies
    # its own batches with all its threads (a separate stage would only compete with it for the same cores).
    actor_cpus = 1 if gpus else max(1, min(node_cpus, cpus // actors))

    def embed(items: list[tuple[str, str, str]]) -> Iterator[tuple[list[str], np.ndarray]]:
        if not items:
            return
        data = ray.data.from_items([{"key": k, "code": c, "language": lang} for k, c, lang in items],
                                   override_num_blocks=max(1, min(len(items) // batch_size, 4 * cpus)))
        if gpus:
            data = data.map_batches(simplify_batch, fn_kwargs={"settings": tuple(sorted(settings.items()))},
                                    batch_size=SIMPLIFY_BATCH, batch_format="numpy")
        vectors = data.map_batches(Embedder, fn_constructor_kwargs={"settings": settings, "threads": actor_cpus,
                                                                    "simplified": bool(gpus)},
                                   batch_size=batch_size, compute=ray.data.ActorPoolStrategy(size=actors),
                                   num_cpus=actor_cpus,
                                   num_gpus=1 if gpus else 0, batch_format="numpy")
        for batch in vectors.iter_batches(batch_size=None, batch_format="numpy"):
            if nodes is not None:
                nodes.update(batch["node"].tolist())
            yield [str(k) for k in batch["key"]], np.asarray(batch["vector"], dtype=np.float32)

    stats.seconds = time.perf_counter() - started
    return sync(store, repos, rows, embed, stats, progress)
