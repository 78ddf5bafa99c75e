"""The embedding model for code search: one object, created once, shared by indexing, search and the server.

An `Encoder` simplifies code (LeanCode by default) before the model reads it, then
embeds it into L2-normalised float32 vectors. Queries are embedded as they are.

The CPU path (see BENCHMARKS.md, section search-quality, for the measured effect of each step):
- texts are tokenized once with the fast tokenizer, sorted by length and batched in
  that order, so each batch is padded only to its own longest text (length buckets);
- the model runs under `torch.inference_mode`, with `threads` intra-op threads;
- `quantize=True` swaps the Linear layers for dynamic int8 ones (per-channel weight scales).

Models load from local directories only (sentence-transformers layout or a plain Hugging
Face encoder); nothing is fetched from a hub. Pooling follows the directory's
`1_Pooling/config.json` when there is one, mean pooling otherwise.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import warnings
from pathlib import Path

import numpy as np

from .model_tokens import default_model_path, piece_counter
from .simplify import Simplified, check_settings, simplify

DEFAULT_METHOD = "leancode"
DEFAULT_RATIO = 0.2  # largest leancode ratio keeping >= 97% of full-input CoSQA MRR (BENCHMARKS.md)
TABLE_METHODS = ("leancode", "leancode-global", "dietcode")
_LOAD_LOCK = threading.Lock()
_IDENTITY_FILES = ("config.json", "modules.json", "sentence_bert_config.json", "tokenizer.json", "vocab.txt",
                   "model.safetensors", "pytorch_model.bin", "1_Pooling/config.json")


def model_identity(path: Path) -> str:
    """`name@hash`: the directory's name and a hash of its manifest id, or of its config files'
    contents and its weight files' sizes. Stable across machines and copies of the same model."""
    manifest = path / "manifest.json"
    if manifest.is_file():
        data = json.loads(manifest.read_text())
        if isinstance(data, dict) and data.get("id"):
            return f"{path.name}@{data['id']}"
    digest = hashlib.sha256()
    for name in _IDENTITY_FILES:
        file = path / name
        if not file.is_file():
            continue
        digest.update(name.encode())
        if file.suffix in (".safetensors", ".bin"):
            digest.update(str(file.stat().st_size).encode())
        else:
            digest.update(file.read_bytes())
    return f"{path.name}@{digest.hexdigest()[:12]}"


def tables_identity() -> str:
    """A hash of the shipped importance tables: simplification, hence vectors, change with them."""
    from .importance import TABLES_DIR

    digest = hashlib.sha256()
    for file in sorted(Path(TABLES_DIR).glob("*/*.json")):
        digest.update(f"{file.parent.name}/{file.name}:{file.stat().st_size}".encode())
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()[:12]


def _pooling_mode(path: Path) -> str:
    config = path / "1_Pooling" / "config.json"
    if config.is_file():
        data = json.loads(config.read_text())
        for mode in ("cls_token", "max_tokens", "mean_sqrt_len_tokens", "mean_tokens"):
            if data.get(f"pooling_mode_{mode}"):
                return mode
    return "mean_tokens"


class Encoder:
    """Code and query embeddings from one local encoder model, code simplified first."""

    def __init__(self, model: str | None = None, method: str = DEFAULT_METHOD, ratio: float = DEFAULT_RATIO,
                 quantize: bool = False, threads: int | None = None, batch_size: int = 32, max_length: int = 256):
        check_settings(method, ratio)
        path = Path(model or default_model_path()).expanduser()
        if not (path / "config.json").is_file():
            raise FileNotFoundError(f"{path}: not a model directory (no config.json); give a local model path")
        from transformers import AutoConfig

        self.path = path
        self.method = method
        self.ratio = float(ratio)
        self.quantize = quantize
        self.batch_size = batch_size
        self.threads = threads
        # {"torch", "model"}: loaded on first use (a warm index never pays for it), shared by `configured` copies.
        self._shared: dict = {}
        self._tokenizer = _fast_tokenizer(path)
        self._config = AutoConfig.from_pretrained(str(path), local_files_only=True)
        limit = getattr(self._config, "max_position_embeddings", None) or max_length
        if getattr(self._config, "model_type", "") in ("roberta", "xlm-roberta", "camembert"):
            limit -= 2  # positions start after the padding index
        self.max_length = min(max_length, limit)
        self._tokenizer.enable_truncation(self.max_length)
        self._tokenizer.no_padding()
        self._pad_id = self._tokenizer.token_to_id(_pad_token(path)) or 0
        self._uses_token_types = getattr(self._config, "type_vocab_size", 0) > 0
        self._pooling = _pooling_mode(path)
        self.dim = int(self._config.hidden_size)
        self.model_id = model_identity(path)
        self.config_key = self._config_key()

    def _load(self) -> dict:
        with _LOAD_LOCK:
            if not self._shared:
                self._shared.update(self._load_model())
        return self._shared

    def _load_model(self) -> dict:
        import torch
        from transformers import AutoModel
        from transformers.utils import logging

        logging.disable_progress_bar()  # no "Loading weights" bar in the CLI's output

        if self.threads:
            torch.set_num_threads(self.threads)
        model = AutoModel.from_pretrained(str(self.path), local_files_only=True, dtype=torch.float32).eval()
        if self.quantize:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

                # Per output channel scales: closer to fp32 than one scale per tensor (measured), a little slower.
                model = quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)
        return {"torch": torch, "model": model}

    @property
    def _model(self):
        return self._load()["model"]

    @property
    def _torch(self):
        return self._load()["torch"]

    def _config_key(self) -> str:
        simplification = "none" if self.method == "none" or self.ratio == 0 else f"{self.method}@{self.ratio:g}"
        if self.method in TABLE_METHODS and simplification != "none":
            simplification += f"+tables@{tables_identity()}"
        return "|".join([self.model_id, simplification, "int8" if self.quantize else "fp32",
                         f"len{self.max_length}", _pooling_key(self._pooling)])

    def configured(self, method: str | None = None, ratio: float | None = None) -> Encoder:
        """The same loaded model with another simplification (no reload); its own config_key."""
        method = self.method if method is None else method
        ratio = self.ratio if ratio is None else float(ratio)
        check_settings(method, ratio)
        other = copy.copy(self)
        other.method, other.ratio = method, ratio
        other.config_key = other._config_key()
        return other

    def __repr__(self) -> str:
        return f"Encoder({self.config_key})"

    # --- simplification -------------------------------------------------------------------------

    def simplify(self, items: list[tuple[str, str]]) -> list[Simplified]:
        """Each (code, language) simplified with this encoder's method and ratio."""
        counter = piece_counter()
        return [simplify(code, language, ratio=self.ratio, method=self.method, task="search", counter=counter)
                for code, language in items]

    # --- embedding ------------------------------------------------------------------------------

    def encode_code(self, items: list[tuple[str, str]], progress: bool = False) -> np.ndarray:
        """(code, language) pairs -> L2-normalised float32 [n, dim], code simplified first."""
        return self.encode_simplified([s.code for s in self.simplify(items)], progress=progress)

    def encode_queries(self, queries: list[str], progress: bool = False) -> np.ndarray:
        """Natural-language queries -> L2-normalised float32 [n, dim]."""
        return self._encode(list(queries), progress)

    def encode_simplified(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Already-simplified (or any) texts -> L2-normalised float32 [n, dim], no further simplification."""
        return self._encode(list(texts), progress)

    def _encode(self, texts: list[str], progress: bool = False, bucket: bool = True,
                pad_to_longest_of_set: bool = False) -> np.ndarray:
        """`bucket=False` keeps the input order; `pad_to_longest_of_set` pads every batch alike (both only
        for measuring what bucketing saves)."""
        torch = self._torch
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(texts)
        lengths = np.array([len(e.ids) for e in encodings])
        # Length buckets: longest first (a too-large batch fails at once), each padded to its own longest.
        order = np.argsort(-lengths, kind="stable") if bucket else np.arange(len(texts))
        batches = [order[s:s + self.batch_size] for s in range(0, len(order), self.batch_size)]
        if progress:
            from tqdm import tqdm

            batches = tqdm(batches, desc="encoding", unit="batch")
        with torch.inference_mode():
            for batch in batches:
                width = int(lengths.max() if pad_to_longest_of_set else lengths[batch].max())
                ids = np.full((len(batch), width), self._pad_id, dtype=np.int64)
                mask = np.zeros((len(batch), width), dtype=np.int64)
                for row, index in enumerate(batch):
                    n = lengths[index]
                    ids[row, :n] = encodings[index].ids
                    mask[row, :n] = 1
                out[batch] = self._forward(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
        return out

    def _forward(self, ids, mask):
        torch = self._torch
        inputs = {"input_ids": ids, "attention_mask": mask}
        if self._uses_token_types:
            inputs["token_type_ids"] = torch.zeros_like(ids)
        hidden = self._model(**inputs).last_hidden_state.float()
        weights = mask.unsqueeze(-1).to(hidden.dtype)
        if self._pooling == "cls_token":
            pooled = hidden[:, 0]
        elif self._pooling == "max_tokens":
            pooled = hidden.masked_fill(weights == 0, -1e9).max(dim=1).values
        else:  # mean; mean_sqrt_len differs from it only in length, which normalising removes
            pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)


def _pooling_key(mode: str) -> str:
    return {"mean_tokens": "mean", "cls_token": "cls", "max_tokens": "max", "mean_sqrt_len_tokens": "meansqrt"}[mode]


def _pad_token(path: Path) -> str:
    for name in ("special_tokens_map.json", "tokenizer_config.json"):
        file = path / name
        if file.is_file():
            pad = json.loads(file.read_text()).get("pad_token")
            if isinstance(pad, dict):
                pad = pad.get("content")
            if isinstance(pad, str):
                return pad
    return "[PAD]"


def _fast_tokenizer(path: Path):
    """The model's `tokenizers.Tokenizer` (tokenizer.json), or the backend of its transformers tokenizer."""
    if (path / "tokenizer.json").is_file():
        from tokenizers import Tokenizer

        return Tokenizer.from_file(str(path / "tokenizer.json"))
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(path), local_files_only=True).backend_tokenizer
