"""The summary bank (leancode.summary_bank) from a mined corpus's train splits:
`leancode-train summary-bank --mined DIR --out DIR --threshold T`.

Each language's train pairs (`DIR/<language>/train.jsonl`, `leancode-train mine`) are embedded by the shipped search
encoder reading the code as mined (docstring removed), projected to `--dims` principal directions fitted on every
language's vectors together, and stored in int8 beside their summary, package and name. Only train splits go in:
validation and test packages stay unseen. `--cache DIR` keeps the encoder's vectors per language (keyed by the
encoder and the code), so a rebuild with another projection or threshold does not embed again. The threshold is
chosen by reading: the lowest similarity at which few of the lines it lends are wrong for the function
(`bench/summary_bank_judged.py`; `bench/summary_bank.py` gives BLEU at each threshold on validation).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from leancode.summary_bank import BANK_MANIFEST, project, quantize

from .jsonl import read_jsonl

LANGUAGES = ("python", "java", "javascript", "typescript", "go", "rust")


def _vectors(encoder, rows: list[dict], cache: Path | None, language: str) -> np.ndarray:
    key = hashlib.sha256(encoder.model_id.encode() + b"\0".join(r["code"].encode() for r in rows)).hexdigest()
    cached = cache / f"{language}-{key[:16]}.npy" if cache else None
    if cached and cached.is_file():
        return np.load(cached, allow_pickle=False)
    vectors = encoder.encode_simplified([r["code"] for r in rows], progress=True, languages=[language] * len(rows))
    if cached:
        cache.mkdir(parents=True, exist_ok=True)
        np.save(cached, vectors)
    return vectors


def build_summary_bank(mined: Path, out: Path, threshold: float, dims: int = 64, languages=None,
                       cache: Path | None = None, command: str = "", encoder=None) -> dict:
    from safetensors.numpy import save_file

    from leancode.encoder import Encoder

    encoder = encoder or Encoder(method="none", ratio=0.0, language_readers=False)
    found = {}
    for language in languages or LANGUAGES:
        path = mined / language / "train.jsonl"
        if path.is_file() and (rows := read_jsonl(path, required=("code", "summary"))):
            found[language] = (rows, _vectors(encoder, rows, cache, language))
    if not found:
        raise ValueError(f"{mined}: no train split of {', '.join(languages or LANGUAGES)}")
    pooled = np.concatenate([vectors for _, vectors in found.values()])
    mean = pooled.mean(axis=0)
    sample = pooled[np.random.default_rng(0).permutation(len(pooled))[:100_000]]
    # contiguous: safetensors writes an array's buffer as it lies, and a transposed view's lies transposed
    components = np.ascontiguousarray(np.linalg.svd(sample - mean, full_matrices=False)[2][:dims].T, dtype=np.float32)
    dims = components.shape[1]  # fewer functions than dims: as many directions as they span
    out.mkdir(parents=True, exist_ok=True)
    save_file({"mean": mean.astype(np.float32), "components": components}, str(out / "projection.safetensors"))
    counts = {}
    for language, (rows, vectors) in found.items():
        rows8, scales = quantize(project(vectors, mean, components))
        save_file({"vectors": rows8, "scales": scales}, str(out / f"{language}.safetensors"))
        entries = [[r["summary"], r.get("package", ""), r.get("name", "")] for r in rows]
        with gzip.open(out / f"{language}.json.gz", "wt", encoding="utf-8", compresslevel=9) as f:
            json.dump(entries, f, ensure_ascii=False, separators=(",", ":"))
        counts[language] = {"functions": len(rows), "packages": len({r.get("package") for r in rows})}
    manifest = {
        "kind": "leancode summary bank", "encoder": encoder.model_id, "dims": dims, "threshold": threshold,
        "threshold_chosen_by": "bench/summary_bank_judged.py: the lowest similarity at which at most 15% of the lines "
                               "it lends were judged wrong for the function",
        "similarity": "cosine of the encoder's vectors of the code read, projected to dims and stored in int8",
        "corpus": str(mined), "split": "train", "languages": counts, "command": command,
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    (out / BANK_MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def add_summary_bank_parser(commands) -> None:
    p = commands.add_parser("summary-bank", help="the summary bank: a mined corpus's documented functions, "
                                                 "searched by code, for similar undocumented ones")
    p.add_argument("--mined", required=True, metavar="DIR", help="output of `leancode-train mine`")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--threshold", type=float, required=True,
                   help="the least similarity at which a neighbour's summary is used (shipped: 0.9, "
                        "bench/summary_bank_judged.py)")
    p.add_argument("--dims", type=int, default=64, help="dimensions kept of the encoder's vectors (default 64)")
    p.add_argument("--language", action="append", choices=LANGUAGES, help="only these languages (repeatable)")
    p.add_argument("--cache", metavar="DIR", help="keep the encoder's vectors here for a later rebuild")
    p.set_defaults(func=_summary_bank)


def _summary_bank(args: argparse.Namespace) -> int:
    manifest = build_summary_bank(Path(args.mined), Path(args.out), args.threshold, args.dims, args.language,
                                  Path(args.cache) if args.cache else None, args.command)
    for language, counts in manifest["languages"].items():
        print(f"{args.out}: {language} {counts['functions']} functions of {counts['packages']} packages")
    return 0
