"""Where the encoder's model runs: PyTorch, or ONNX Runtime from a one-time export of the same model.

A runner takes input ids and an attention mask (int64 numpy arrays, [batch, length]) and
returns pooled, L2-normalised float32 embeddings [batch, dim]. The ONNX graph is the
PyTorch model with its pooling, exported once per model: the two give the same vectors
(cosine >= 0.999 checked by `bench/encoder_backends.py`), so they share cache keys.

int8 (`quantize_onnx`): dynamic int8 weights, per output channel, with the feed-forward output projection of
the first and last encoder layers kept in fp32 (their activations carry the outliers; keeping those two layers
whole in fp32 as before cost a third more time per call for no measurable MRR: BENCHMARKS.md, "Encoder runtimes").
Dynamic quantization computes activation scales per call, so an int8 runner embeds one
text per call (`one_by_one`): no padding, and a text's vector never depends on the texts
embedded with it. Calls run in parallel on `threads` worker threads, one intra-op thread each.

The export lives in the user's cache directory (`LEANCODE_CACHE`, else
`$XDG_CACHE_HOME/leancode`, else `~/.cache/leancode`) as `onnx/<model identity>.onnx`,
written atomically. Making it needs torch and the `onnx` package; running it needs only
`onnxruntime`, so a process that embeds one query never imports torch or transformers.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

BACKENDS = ("auto", "onnx", "torch")
EXPORT_VERSION = 1  # bump when the exported graph changes
INT8_VERSION = 5  # bump when the int8 graph or how it runs changes (its vectors, hence cache keys, change)
OPSET = 17
# The encoder layer of a MatMul (BERT-style and other Hugging Face names), and the feed-forward output projections
# among them: `quantize_onnx` keeps those of the first and the last layer in fp32.
LAYER = re.compile(r"/layers?\.(\d+)/")
FEED_FORWARD_OUT = re.compile(r"/(?<!attention/)output/dense/|/(ffn/lin2|mlp/fc2|fc2|mlp/down_proj)/")


def cache_dir() -> Path:
    """The user's LeanCode cache directory (not created here)."""
    if os.environ.get("LEANCODE_CACHE"):
        return Path(os.environ["LEANCODE_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "leancode"


def onnx_file(identity: str, pooling: str) -> Path:
    """Where the export of the model `identity` (see `encoder.model_identity`) with `pooling` lives."""
    name = re.sub(r"[^A-Za-z0-9_.@+-]", "_", f"{identity}-{pooling}-v{EXPORT_VERSION}")
    return cache_dir() / "onnx" / f"{name}.onnx"


def onnx_runtime_available() -> bool:
    return importlib.util.find_spec("onnxruntime") is not None


def pool(hidden, mask, mode: str = "mean_tokens"):
    """Pooled, L2-normalised embeddings of `hidden` [batch, length, dim] under `mask` [batch, length] (torch)."""
    import torch

    hidden = hidden.float()
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    if mode == "cls_token":
        pooled = hidden[:, 0]
    elif mode == "max_tokens":
        pooled = hidden.masked_fill(weights == 0, -1e9).max(dim=1).values
    else:  # mean; mean_sqrt_len differs from it only in length, which normalising removes
        pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)


def _pooled_module(model, pooling: str, uses_token_types: bool):
    """`model` with its pooling, as one torch module of (ids, mask) -> normalised embeddings."""
    import torch

    class Pooled(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, ids, mask):
            inputs = {"input_ids": ids, "attention_mask": mask}
            if uses_token_types:
                inputs["token_type_ids"] = torch.zeros_like(ids)
            return pool(self.model(**inputs).last_hidden_state, mask, pooling)

    return Pooled().eval()


def worker_count(threads: int | None) -> int:
    """`threads`, else the CPUs this process may run on."""
    if threads:
        return threads
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class TorchRunner:
    """The model in PyTorch, under `inference_mode` (its own intra-op threads; calls run in turn)."""

    name = "torch"
    one_by_one = False

    def __init__(self, model, pooling: str, uses_token_types: bool):
        self.module = _pooled_module(model, pooling, uses_token_types)

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            return self.module(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()

    def map(self, calls: Iterable[tuple[np.ndarray, np.ndarray]]) -> Iterator[np.ndarray]:
        return (self(ids, mask) for ids, mask in calls)


def export_onnx(model, pooling: str, uses_token_types: bool, target: Path) -> None:
    """Export `model` with its pooling to `target` (atomically; batch and length stay dynamic)."""
    import torch

    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    ids = torch.ones((2, 8), dtype=torch.int64)
    axes = {"input_ids": {0: "batch", 1: "length"}, "attention_mask": {0: "batch", 1: "length"},
            "embedding": {0: "batch"}}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the exporter's notes on operators it rewrites
            torch.onnx.export(_pooled_module(model, pooling, uses_token_types), (ids, torch.ones_like(ids)),
                              str(temporary), input_names=["input_ids", "attention_mask"],
                              output_names=["embedding"], dynamic_axes=axes, opset_version=OPSET, dynamo=False)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def int8_file(source: Path) -> Path:
    """Where `quantize_onnx` writes the int8 model of the export `source`."""
    return source.with_name(f"{source.stem}-int8-v{INT8_VERSION}.onnx")


def matmul_layers(source: Path) -> dict[str, int]:
    """The encoder layer of each MatMul/Gemm node inside an encoder layer of an exported model, by node name."""
    import onnx

    graph = onnx.load(str(source), load_external_data=False).graph
    return {node.name: int(match.group(1)) for node in graph.node
            if node.op_type in ("MatMul", "Gemm") and (match := LAYER.search(node.name))}


def quantize_onnx(source: Path, target: Path, fp32_nodes: list[str] | None = None) -> None:
    """Dynamic int8 (7-bit weights per output channel) of an exported model, written atomically. Kept in fp32:
    `fp32_nodes`, else the feed-forward output projections of the first and last encoder layers (both layers whole
    where the graph names none)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    if fp32_nodes is None:
        layers = matmul_layers(source)
        ends = [name for name, layer in layers.items() if layer in (0, max(layers.values(), default=0))]
        fp32_nodes = [name for name in ends if FEED_FORWARD_OUT.search(name)] or ends
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    # ONNX Runtime advises pre-processing on the root logger ("WARNING:root:Please consider to run pre-processing",
    # printed on a user's first index): its shape inference would change the graph, so the advice is not shown
    # (a handler on the root logger meanwhile keeps `logging.warning` from installing its own for good).
    root, silence, quiet = logging.getLogger(), logging.NullHandler(), _WithoutPreprocessingAdvice()
    root.addHandler(silence)
    root.addFilter(quiet)
    try:
        # 7-bit weights (reduce_range): on x86 CPUs without VNNI (AVX2 alone) the 8-bit kernels can saturate their
        # 16-bit sums, and vectors drift from fp32 by CPU (cosine 0.989 against 0.995 on an AMD EPYC here).
        quantize_dynamic(str(source), str(temporary), weight_type=QuantType.QInt8, per_channel=True,
                         reduce_range=True, nodes_to_exclude=fp32_nodes)
        os.replace(temporary, target)
    finally:
        root.removeFilter(quiet)
        root.removeHandler(silence)
        temporary.unlink(missing_ok=True)


class _WithoutPreprocessingAdvice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()


class OnnxRunner:
    """An exported model in ONNX Runtime (CPU). `map` runs calls on `threads` worker threads (None: one per
    CPU), each call on one intra-op thread (no thread barriers inside a call, which cost most on a busy
    machine). `one_by_one`: the encoder embeds one text per call (int8)."""

    name = "onnx"

    def __init__(self, path: Path, threads: int | None = None, one_by_one: bool = False):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only
        options.intra_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.one_by_one = one_by_one
        self.workers = worker_count(threads)
        # Made here, not on first use: Encoders on several threads share a runner (its threads start on first use).
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="leancode-onnx") if self.workers > 1 else None

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

    def map(self, calls: Iterable[tuple[np.ndarray, np.ndarray]]) -> Iterator[np.ndarray]:
        """The embeddings of each (ids, mask) call, in order (ONNX Runtime releases the GIL while it runs)."""
        if self._pool is None:
            return (self(ids, mask) for ids, mask in calls)
        return self._pool.map(lambda call: self(*call), calls)
