"""The embedding model for code search: one object, created once, shared by indexing, search and the server.

An `Encoder` simplifies code (LeanCode by default) before the model reads it, then
embeds it into L2-normalised float32 vectors. Queries are embedded as they are.

The CPU path (see BENCHMARKS.md, section search-quality, for the measured effect of each step):
- texts are tokenized once with the fast tokenizer, sorted by length and batched in
  that order, so each batch is padded only to its own longest text (length buckets);
- the model runs in ONNX Runtime (`backend="auto"`, where `onnxruntime` is installed: a one-time export of
  the same model, same vectors, see `leancode/runtime.py`), calls on `threads` worker threads, or in
  PyTorch under `torch.inference_mode`, with `threads` intra-op threads;
- `quantize=True` in ONNX Runtime runs the code model in int8: dynamic int8 weights, the first and last
  layers' feed-forward outputs in fp32, one function per call, so a function's vector never depends on the
  functions embedded with it (the default where `INT8_DEFAULT`). In PyTorch it is PyTorch's dynamic int8
  (batched, batch-dependent). Queries stay fp32 in the same runtime (a query is one short text).

Models load from local directories only (sentence-transformers layout or a plain Hugging
Face encoder); nothing is fetched from a hub. Pooling follows the directory's
`1_Pooling/config.json` when there is one, mean pooling otherwise. A LeanCode search
adapter directory (`leancode-train finetune search`: LoRA weights and a manifest naming
its base) loads as its base with the adapter merged in once; the shipped one,
`models/code-search`, is the default when present. Its language defaults may name, per language, a further
adapter in one of its subdirectories (same base, code only) to read that language's code.
"""

from __future__ import annotations

import copy
import hashlib
import json
import sys
import threading
import warnings
import weakref
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from . import parse_pool
from .importance import ImportanceTable, default_table_dir
from .model_tokens import default_model_path, resolve_model
from .runtime import (BACKENDS, INT8_VERSION, OnnxRunner, TorchRunner, export_onnx, int8_file, onnx_file,
                      onnx_runtime_available, pool, quantize_onnx)
from .simplify import REPEAT_DISCOUNT, REPEATING_METHODS, Simplified, check_settings, simplified_for_search
from .sources import without_lone_surrogates
from .tokens import LEX_VERSION

SEARCH_METHOD = "leancode"
# int8 (ONNX Runtime) serves code by default: on the validation search sets it keeps MRR within 1% of fp32 (CoSQA dev
# −0.97%) and embeds in under half fp32's time (BENCHMARKS.md, "Encoder runtimes", "Repository index time").
INT8_DEFAULT = True
SIMPLIFY_BATCH = 64  # functions per request to a parse worker (`Encoder.simplified_codes`)
# Best worst-case margin over the zero-shot full-input MRR on CoSQA dev and held-out packages (BENCHMARKS.md):
# the ratio of any model but the shipped adapter, and of the shipped adapter's languages without a chosen default.
SEARCH_RATIO = 0.2
TABLE_METHODS = ("leancode", "leancode-global", "dietcode")
ADAPTER_MANIFEST = "leancode-adapter.json"
SHIPPED_ADAPTER = Path(__file__).parent / "models" / "code-search"
# Per language, the ratio and the reader: the shipped adapter, its base (where the adapters lowered MRR) or a further
# adapter in a subdirectory of it; chosen on validation sets by `leancode-train search-defaults`.
LANGUAGE_DEFAULTS = SHIPPED_ADAPTER / "language-defaults.json"
READER_ROLES = {"adapter": "code", "base": "base-code"}  # another reader, an adapter subdirectory: role "reader:NAME"
_SAME = object()  # `configured`: keep this setting
_LOAD_LOCK = threading.Lock()
# ONNX Runtime sessions by (file, threads, one by one), shared by the Encoders of a process that hold them: the
# server's index and its summary bank read code with the same adapter, loaded once, not twice (a session runs calls
# from many threads at once).
_ONNX_RUNNERS: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
_IDENTITY_FILES = ("config.json", "modules.json", "sentence_bert_config.json", "tokenizer.json", "vocab.txt",
                   "model.safetensors", "pytorch_model.bin", "1_Pooling/config.json")


def model_identity(path: Path) -> str:
    """`name@hash`: the directory's name and a hash of its manifest id, or of its config files'
    contents and its weight files' sizes. Stable across machines and copies of the same model."""
    for manifest in (path / "manifest.json", path / ADAPTER_MANIFEST):
        data = json.loads(manifest.read_text()) if manifest.is_file() else None
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
    """A hash of the shipped search tables: simplification, hence vectors, change with them (the summarize
    tables do not touch search)."""
    from .importance import TABLES_DIR

    digest = hashlib.sha256()
    for file in sorted(Path(TABLES_DIR).glob("*-search/*.json")):
        digest.update(f"{file.parent.name}/{file.name}:{file.stat().st_size}".encode())
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()[:12]


def default_search_model() -> Path:
    """The shipped search adapter when the package carries one, else the packaged base model."""
    return SHIPPED_ADAPTER if (SHIPPED_ADAPTER / ADAPTER_MANIFEST).is_file() else Path(default_model_path())


def _adapter_manifest(path: Path) -> dict | None:
    manifest = path / ADAPTER_MANIFEST
    return json.loads(manifest.read_text()) if manifest.is_file() else None


def adapter_serves_code_only(path: Path) -> bool:
    """True for a search adapter trained to read code only (`distill`): queries then go to its base."""
    return (_adapter_manifest(path) or {}).get("serves") == "code"


def adapter_base(path: Path) -> Path | None:
    """The base model directory of a LeanCode search adapter directory; None for any other directory."""
    manifest = _adapter_manifest(path)
    if manifest is None:
        return None
    base = Path(resolve_model(manifest["base"])).expanduser()
    if not (base / "config.json").is_file():
        raise FileNotFoundError(f"{path}: its base model {base} is not a local model directory")
    return base


def load_model(path: Path, **kwargs):
    """A Hugging Face encoder from a local directory; a search adapter's LoRA weights merged into its base."""
    from transformers import AutoModel

    base = adapter_base(path)
    model = AutoModel.from_pretrained(str(base or path), local_files_only=True, **kwargs)
    if base is None:
        return model
    from peft import PeftModel

    return PeftModel.from_pretrained(model, str(path)).merge_and_unload()


def _pooling_mode(path: Path) -> str:
    config = path / "1_Pooling" / "config.json"
    if config.is_file():
        data = json.loads(config.read_text())
        for mode in ("cls_token", "max_tokens", "mean_sqrt_len_tokens", "mean_tokens"):
            if data.get(f"pooling_mode_{mode}"):
                return mode
    return "mean_tokens"


def language_defaults(path: Path | None = None) -> dict[str, dict]:
    """{language: {"ratio": r, "reader": "adapter" | "base" | subdirectory}} of the shipped adapter ({} when none
    ships)."""
    path = path or LANGUAGE_DEFAULTS
    if not path.is_file():
        return {}
    return {language: {"ratio": float(d["ratio"]), "reader": str(d["reader"])}
            for language, d in json.loads(path.read_text())["languages"].items()}


def extra_readers(path: Path) -> dict[str, Path]:
    """The further adapters of adapter directory `path` by name: subdirectories holding a search adapter."""
    return {d.name: d for d in sorted(path.iterdir()) if d.is_dir() and (d / ADAPTER_MANIFEST).is_file()} \
        if path.is_dir() else {}


def check_reader(adapter: Path, reader: Path) -> None:
    """A further reader must read code only over the adapter's own base: queries are embedded by that base."""
    if not adapter_serves_code_only(reader) or adapter_base(reader) != adapter_base(adapter):
        raise ValueError(f"{reader}: a further reader must be a code-only search adapter over {adapter}'s base")


class Encoder:
    """Code and query embeddings from one local encoder model, code simplified first.

    `ratio=None` (the default) reads each language as the shipped adapter's language defaults say (the adapter's
    base reading where the adapter lowered MRR), and at `SEARCH_RATIO` otherwise or for any other model; a number
    applies to every language. `language_readers`: each language read by the reader its defaults name at any ratio
    (None: where the model is not named, as `leancode index --ratio 0.5` serves it, or the ratio is None); False:
    the model itself reads every language given a ratio (the benches name the adapter so). `table`: an importance
    table directory (`leancode-train importance`) simplifying the functions of the language its manifest names
    (every language when it names none) in place of the shipped table."""

    def __init__(self, model: str | None = None, method: str = SEARCH_METHOD, ratio: float | None = None,
                 quantize: bool | None = None, threads: int | None = None, batch_size: int = 32, max_length: int = 256,
                 repeat_discount: float = REPEAT_DISCOUNT, backend: str = "auto", table: str | Path | None = None,
                 language_readers: bool | None = None):
        check_settings(method, ratio, repeat_discount)
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
        path = Path(resolve_model(model)).expanduser() if model else default_search_model()
        base = adapter_base(path) or path  # tokenizer, config and pooling come from the base
        if not (base / "config.json").is_file():
            raise FileNotFoundError(f"{path}: not a model directory (no config.json); give a local model path")
        self.path = path
        self._query_path = base if adapter_serves_code_only(path) else path
        self.method = method
        self.ratio = None if ratio is None else float(ratio)
        self._language_defaults = language_defaults() if path == SHIPPED_ADAPTER else {}
        self.language_readers = model is None if language_readers is None else bool(language_readers)
        self._readers = self._reader_paths()
        self.repeat_discount = float(repeat_discount)
        self.table = None if table is None else str(Path(table).expanduser().resolve())
        self._table = None if table is None else ImportanceTable.load(self.table)
        served = self._table.manifest.get("language") if self._table else None
        self._table_family = default_table_dir(served).name if served else None  # "typescript-search" serves tsx too
        # The cache key's part for the table: what it holds and which language it serves.
        self._table_key = None if table is None else hashlib.sha256(
            (Path(self.table) / "table.json").read_bytes() + str(self._table_family).encode()).hexdigest()[:12]
        self.batch_size = batch_size
        self.threads = threads
        # ONNX Runtime wherever it is installed (faster, and its int8 is nearer fp32: bench/encoder_backends.py).
        self._auto_backend = backend == "auto"
        self.backend = backend if backend != "auto" else "onnx" if onnx_runtime_available() else "torch"
        # PyTorch's dynamic int8 is further from fp32 and batch-dependent: never the default.
        self.quantize_default = INT8_DEFAULT and self.backend == "onnx"
        self.quantize = self.quantize_default if quantize is None else bool(quantize)
        # The model runners by (path, int8): loaded on first use (a warm index never pays for them),
        # shared by `configured` copies.
        self._shared: dict = {}
        self._tokenizer = _fast_tokenizer(base)
        self._config = _model_config(base)
        limit = getattr(self._config, "max_position_embeddings", None) or max_length
        if getattr(self._config, "model_type", "") in ("roberta", "xlm-roberta", "camembert"):
            limit -= 2  # positions start after the padding index
        self.max_length = min(max_length, limit)
        self._tokenizer.enable_truncation(self.max_length)
        self._tokenizer.no_padding()
        # The pieces of code the model reads ([CLS] and [SEP] aside): a ratio removes its share of these.
        self.window = self.max_length - self._tokenizer.num_special_tokens_to_add(False)
        self._pad_id = self._tokenizer.token_to_id(_pad_token(base)) or 0
        self._uses_token_types = getattr(self._config, "type_vocab_size", 0) > 0
        self._pooling = _pooling_mode(base)
        self.dim = int(self._config.hidden_size)
        self.model_id = _identity(path)
        self.config_key = self._config_key()

    def runner(self, role: str = "code"):
        """The runner of `role`, loaded on first use: "code" (the code model, the adapter), "base-code" (its
        base reading code, where a language's default says so), "reader:NAME" (the further adapter in
        subdirectory NAME, where a language's default names it) or "query" (a search that only embeds a query
        never loads the adapter; with ONNX Runtime it never imports torch once the export exists). int8 serves
        code only: a query is one short text, and its model stays as trained."""
        path = self.path if role == "code" else self._readers.get(role, self._query_path)
        int8 = self.quantize and role != "query"
        runner = self._shared.get((path, int8))
        if runner is None:
            with _LOAD_LOCK:
                runner = self._shared.get((path, int8)) or self._new_runner(path, int8)
                self._shared[(path, int8)] = runner
        return runner

    def _new_runner(self, path: Path, int8: bool):
        if self.backend == "onnx":
            try:
                file = self._onnx_export(path, int8)
                key = (file, self.threads, int8)
                runner = _ONNX_RUNNERS.get(key)
                if runner is None:
                    runner = _ONNX_RUNNERS[key] = OnnxRunner(file, self.threads, one_by_one=int8)
                return runner
            except Exception as error:  # the exporter or the runtime can fail in many ways on unusual models
                if not self._auto_backend:
                    raise
                warnings.warn(f"{path.name}: ONNX Runtime unavailable ({type(error).__name__}: {error}); "
                              "running the model in PyTorch, fp32", stacklevel=3)
                int8 = False  # PyTorch's int8 is further from ONNX Runtime's than fp32 is (cosine 0.98 vs 0.995)
        return TorchRunner(self._torch_model(path, int8), self._pooling, self._uses_token_types)

    def _onnx_export(self, path: Path, int8: bool) -> Path:
        """The model's ONNX export (int8 weights when `int8`), made once in the user's cache."""
        file = onnx_file(_identity(path), self._pooling)
        if not file.is_file():
            print(f"leancode: exporting {path.name} to ONNX, once ({file})", file=sys.stderr)
            export_onnx(self._torch_model(path, False), self._pooling, self._uses_token_types, file)
        if not int8:
            return file
        quantized = int8_file(file)
        if not quantized.is_file():
            quantize_onnx(file, quantized)
        return quantized

    def _torch_model(self, path: Path, int8: bool):
        import torch
        from transformers.utils import logging

        logging.disable_progress_bar()  # no "Loading weights" bar in the CLI's output
        if self.threads:
            torch.set_num_threads(self.threads)
        model = load_model(path, dtype=torch.float32).eval()
        return self._quantized(model) if int8 else model

    def _quantized(self, model):
        import torch

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

            # Per output channel scales: closer to fp32 than one scale per tensor (measured), a little slower.
            return quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)

    def ratio_for(self, language: str) -> float:
        """The ratio this encoder simplifies `language` at."""
        if self.ratio is not None:
            return self.ratio
        return self._language_defaults.get(language, {}).get("ratio", SEARCH_RATIO)

    def _role_for(self, language: str) -> str:
        """"code" where the code model (the adapter) reads `language`, "base-code" where its base does,
        "reader:NAME" where the further adapter NAME does."""
        default = self._language_defaults.get(language) if self.ratio is None or self.language_readers else None
        return READER_ROLES.get(default["reader"], f"reader:{default['reader']}") if default else "code"

    def _readers_by_language(self) -> dict[str, str]:
        """{language: reader} where a reader other than the model itself reads it (the language defaults')."""
        return {language: d["reader"] for language, d in sorted(self._language_defaults.items())
                if d["reader"] != "adapter"}

    def _reader_paths(self) -> dict[str, Path]:
        """The further adapters the language defaults name, checked once: {role: directory}."""
        named = {d["reader"] for d in self._language_defaults.values()} - set(READER_ROLES)
        available = extra_readers(self.path) if named else {}
        readers = {}
        for name in sorted(named):
            if name not in available:
                raise ValueError(f"{LANGUAGE_DEFAULTS}: reader {name!r} is not an adapter inside {self.path}")
            check_reader(self.path, available[name])
            readers[f"reader:{name}"] = available[name]
        return readers

    def _config_key(self) -> str:
        if self.ratio is None and self._language_defaults:  # ratios and readers per language: their own key
            readers = {name: _identity(path) for name, path in self._readers.items()}
            defaults = json.dumps([self._language_defaults, readers], sort_keys=True)
            simplification = f"{self.method}@defaults-{hashlib.sha256(defaults.encode()).hexdigest()[:8]}"
        else:
            ratio = SEARCH_RATIO if self.ratio is None else self.ratio
            simplification = "none" if self.method == "none" or ratio == 0 else f"{self.method}@{ratio:g}"
        if simplification != "none":
            simplification += f"+window{self.window}"  # a ratio's share of what the model reads (`simplify`)
            simplification += f"+lex{LEX_VERSION}"  # how code splits into tokens and categories (`tokens.lex`)
        if self.method in REPEATING_METHODS and simplification != "none":
            simplification += f"+repeat{self.repeat_discount:g}"
        if self.method in TABLE_METHODS and simplification != "none":
            simplification += f"+tables@{tables_identity()}"
            if self._table_key is not None:
                simplification += f"+table@{self._table_key}"
        model_id = self.model_id
        if self.ratio is not None and self.language_readers and self._readers_by_language():
            readers = json.dumps([self._readers_by_language(), {n: _identity(p) for n, p in self._readers.items()}],
                                 sort_keys=True)
            model_id += f"+readers@{hashlib.sha256(readers.encode()).hexdigest()[:8]}"
        return "|".join([model_id, simplification, self._precision(),
                         f"len{self.max_length}", _pooling_key(self._pooling)])

    def _precision(self) -> str:
        """fp32 vectors are the same in both runtimes; int8 ones differ between them (own cache keys), and
        ONNX Runtime's with each INT8_VERSION (v1, batched, is no longer made)."""
        return "fp32" if not self.quantize else f"int8-onnx-v{INT8_VERSION}" if self.backend == "onnx" else "int8"

    def configured(self, method: str | None = None, ratio=_SAME, repeat_discount: float | None = None) -> Encoder:
        """The same loaded model with another simplification (no reload; `ratio=None`: the language defaults);
        its own config_key."""
        method = self.method if method is None else method
        ratio = self.ratio if ratio is _SAME else None if ratio is None else float(ratio)
        repeat_discount = self.repeat_discount if repeat_discount is None else float(repeat_discount)
        check_settings(method, ratio, repeat_discount)
        other = copy.copy(self)
        other.method, other.ratio, other.repeat_discount = method, ratio, repeat_discount
        other.config_key = other._config_key()
        return other

    def __repr__(self) -> str:
        return f"Encoder({self.config_key})"

    # --- simplification -------------------------------------------------------------------------

    def simplify(self, items: list[tuple[str, str]]) -> list[Simplified]:
        """Each (code, language) simplified with this encoder's method and ratio, the ratio taken of what the model
        reads: a unit longer than the model's window keeps (1 - ratio) of the window, chosen from the whole unit
        (its vector is made at the ratio's cost; MRR the same within ±0.004 on every validation set, BENCHMARKS.md)."""
        return simplified_for_search(self._search_requests(items), self.method, self.repeat_discount, self.window)

    def _search_requests(self, items: list[tuple[str, str]]) -> list[tuple[str, str, float, str | None]]:
        """Each (code, language) with the ratio and the importance table directory (None: the shipped table) this
        encoder simplifies it with: what `simplify.simplified_for_search` takes, here or in a parse worker."""
        return [(code, language, self.ratio_for(language),
                 self.table if self._table_for(language) is not None else None) for code, language in items]

    def _table_for(self, language: str) -> ImportanceTable | None:
        """The `table` where it serves `language`, else None (the shipped table)."""
        if self._table is None or self._table_family not in (None, default_table_dir(language).name):
            return None
        return self._table

    # --- embedding ------------------------------------------------------------------------------

    def encode_code(self, items: list[tuple[str, str]], progress: bool = False) -> np.ndarray:
        """(code, language) pairs -> L2-normalised float32 [n, dim], code simplified first (`simplified_codes`);
        where this encoder removes nothing, the code goes to the model as it is (not lexed for nothing)."""
        languages = [language for _, language in items]
        if not any(self._removes(language) for language in set(languages)):
            return self.encode_simplified([code for code, _ in items], progress, languages)
        return self.encode_simplified(self.simplified_codes(items), progress, languages)

    def simplified_codes(self, items: list[tuple[str, str]]) -> list[str]:
        """The code of each (code, language) as this encoder embeds it: `simplify`'s, made in the parse workers a
        batch at a time (`parse_pool.submit_simplify`), so on every core while this process waits, and a crash in
        tree-sitter ends a worker, not this process. A function whose batch fails there, and then itself alone, is
        embedded as it is, with a warning."""
        requests = self._search_requests(items)
        size = max(1, min(SIMPLIFY_BATCH, -(-len(requests) // parse_pool.WORKERS)))  # every worker busy
        batches = [requests[start:start + size] for start in range(0, len(requests), size)]
        futures = [parse_pool.submit_simplify(batch, self.method, self.repeat_discount, self.window)
                   for batch in batches]
        codes: list[str] = []
        for batch, future in zip(batches, futures):
            try:
                codes += future.result()
            except parse_pool.ParseFailed:
                codes += [self._simplified_alone(request) for request in batch]
        return codes

    def _simplified_alone(self, request: tuple[str, str, float, str | None]) -> str:
        try:
            return parse_pool.submit_simplify([request], self.method, self.repeat_discount, self.window).result()[0]
        except parse_pool.ParseFailed as failure:
            warnings.warn(f"a {request[1]} function of {len(request[0]):,} characters could not be simplified "
                          f"({failure.reason}); it is embedded as it is", stacklevel=4)
            return request[0]

    def _removes(self, language: str) -> bool:
        """Whether this encoder removes any of `language`'s code."""
        return self.method != "none" and self.ratio_for(language) > 0

    def encode_queries(self, queries: list[str], progress: bool = False) -> np.ndarray:
        """Natural-language queries -> L2-normalised float32 [n, dim] (by the base model when the adapter
        serves code only). A lone surrogate (a JSON escape, an undecodable byte of argv) reads as U+FFFD."""
        return self._encode([without_lone_surrogates(q) for q in queries], progress, role="query")

    def encode_simplified(self, texts: list[str], progress: bool = False,
                          languages: list[str] | None = None) -> np.ndarray:
        """Already-simplified (or any) texts -> L2-normalised float32 [n, dim], no further simplification; by
        each text's reader under the language defaults when `languages` are given, else by the code model."""
        roles = [self._role_for(language) for language in languages] if languages else ["code"] * len(texts)
        if all(role == "code" for role in roles):
            return self._encode(list(texts), progress)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for role in set(roles):
            rows = [i for i, r in enumerate(roles) if r == role]
            out[rows] = self._encode([texts[i] for i in rows], progress, role=role)
        return out

    def _encode(self, texts: list[str], progress: bool = False, bucket: bool = True,
                pad_to_longest_of_set: bool = False, role: str = "code") -> np.ndarray:
        """`bucket=False` keeps the input order; `pad_to_longest_of_set` pads every batch alike (both only
        for measuring what bucketing saves)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        run = self.runner(role)
        encodings = self._tokenizer.encode_batch(texts)
        lengths = np.array([len(e.ids) for e in encodings])
        # Length buckets: longest first (a too-large batch fails at once), each padded to its own longest.
        order = np.argsort(-lengths, kind="stable") if bucket else np.arange(len(texts))
        size = 1 if run.one_by_one else self.batch_size
        batches = [order[s:s + size] for s in range(0, len(order), size)]

        def inputs(batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            width = int(lengths.max() if pad_to_longest_of_set else lengths[batch].max())
            ids = np.full((len(batch), width), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, index in enumerate(batch):
                n = lengths[index]
                ids[row, :n] = encodings[index].ids
                mask[row, :n] = 1
            return ids, mask

        results = zip(batches, run.map(inputs(batch) for batch in batches))
        if progress:
            from tqdm import tqdm

            results = tqdm(results, total=len(batches), desc="encoding", unit="batch")
        for batch, vectors in results:
            out[batch] = vectors
        return out


# The parts of `Encoder.config_key`, in order, as a user knows them.
CONFIG_PARTS = ("model", "simplification (method, ratio, tables)", "runtime", "input length", "pooling")


def config_difference(built: str, now: str) -> str:
    """Which parts of two config keys differ, each by the pieces that changed, as they were and are
    (`simplification leancode@defaults-e841fe55 -> leancode@0.5`): what changed since an index was built."""
    was, is_ = built.split("|"), now.split("|")
    if len(was) != len(is_):
        return "the encoder's configuration format"
    changes = []
    for name, a, b in zip(CONFIG_PARTS, was, is_):
        if a != b:
            old, new = a.split("+"), b.split("+")
            if old[0] != new[0]:  # another model, method or ratio, runtime: that, not its details
                changes.append(f"{name} {old[0]} -> {new[0]}")
            else:  # the same one, other details (a ratio's window, tables, a reader)
                changes.append(f"{name} {'+'.join(p for p in old if p not in new) or '(none)'} -> "
                               f"{'+'.join(p for p in new if p not in old) or '(none)'}")
    return "; ".join(changes)


def _identity(path: Path) -> str:
    """The model identity of a directory, with its base's for a search adapter."""
    base = adapter_base(path)
    return model_identity(path) if base is None else f"{model_identity(path)}+{model_identity(base)}"


def _pooling_key(mode: str) -> str:
    return {"mean_tokens": "mean", "cls_token": "cls", "max_tokens": "max", "mean_sqrt_len_tokens": "meansqrt"}[mode]


def _model_config(path: Path):
    """The model's config.json as attributes; read directly, so a warm index never imports transformers
    (and torch) only to learn the model's width. Configs that name it otherwise go through transformers."""
    data = json.loads((path / "config.json").read_text())
    if "hidden_size" in data:
        return SimpleNamespace(**data)
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(str(path), local_files_only=True)


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
