"""Where the encoder's model runs: PyTorch, or ONNX Runtime from a one-time export of the same model.

A runner takes input ids and an attention mask (int64 numpy arrays, [batch, length]) and
returns pooled, L2-normalised float32 embeddings [batch, dim]. The ONNX graph is the
PyTorch model with its pooling, exported once per model: the two give the same vectors
(cosine >= 0.999 checked by `bench/encoder_backends.py`), so they share cache keys.

The export lives in the user's cache directory (`LEANCODE_CACHE`, else
`$XDG_CACHE_HOME/leancode`, else `~/.cache/leancode`) as `onnx/<model identity>.onnx`,
written atomically. Making it needs torch and the `onnx` package; running it needs only
`onnxruntime`, so a process that embeds one query never imports torch or transformers.
"""

from __future__ import annotations

import importlib.util
import os
import re
import warnings
from pathlib import Path

import numpy as np

BACKENDS = ("auto", "onnx", "torch")
EXPORT_VERSION = 1  # bump when the exported graph changes
OPSET = 17


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


class TorchRunner:
    """The model in PyTorch, under `inference_mode`."""

    name = "torch"

    def __init__(self, model, pooling: str, uses_token_types: bool):
        self.module = _pooled_module(model, pooling, uses_token_types)

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            return self.module(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()


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


def quantize_onnx(source: Path, target: Path) -> None:
    """Dynamic int8 weights (per output channel) of an exported model, written atomically."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        quantize_dynamic(str(source), str(temporary), weight_type=QuantType.QInt8, per_channel=True)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


class OnnxRunner:
    """An exported model in ONNX Runtime (CPU), `threads` intra-op threads (None: ONNX Runtime's default)."""

    name = "onnx"

    def __init__(self, path: Path, threads: int | None = None):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only
        if threads:
            options.intra_op_num_threads = threads
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
