"""Summaries retrieved, not generated: a bank of the mined corpus's documented functions, searched by code.

A function whose code the search encoder places close enough to a documented function of the mined train split
(cosine of the two vectors, projected to a few dimensions and stored in int8) is described by that function's
first sentence, labelled with where it comes from. The similarity is of what the summarizer reads, body included,
so such a line is chosen by the body as much as by the name. Below the bank's threshold (chosen on validation
against the model's own lines: `bench/summary_bank.py`) the summarizer's model writes the line as before.

A bank is a directory (`leancode-train summary-bank` writes it): the manifest (encoder, threshold, counts, the
command), `projection.safetensors` (mean and components), and per language `<language>.safetensors` (int8 vectors,
their scales) with `<language>.json.gz` (summary, package, name of each vector).
"""

from __future__ import annotations

import gzip
import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BANK_MANIFEST = "leancode-summary-bank.json"
DEFAULT_BANK = Path(__file__).parent / "models" / "summary-bank"


@dataclass(frozen=True)
class Neighbour:
    """The documented function of the bank nearest a function's code, and how near (cosine, projected)."""

    summary: str
    package: str
    name: str
    similarity: float

    @property
    def origin(self) -> str:
        return f"{self.name} ({self.package})"

    def line(self, lead: str | None = None) -> str:
        """Its summary as this function's line: led by `lead` (this function's name, `summarizer.summary_lead`) where
        the summary leads with the neighbour's own name (Go's doc comments do)."""
        own = self.name.rsplit(".", 1)[-1]  # a method's own name, not its type's
        if lead and own and self.summary.split(" ", 1)[0] == own:
            return lead + self.summary[len(own):]
        return self.summary


# Products by einsum, not BLAS: OpenBLAS's threads spin after a call and slowed the summarizer's decoding that follows
# from 40 to 130 ms a line (bench/summary_bank.py --latency); einsum computes them on the calling thread, in 1-2 ms.
def project(vectors: np.ndarray, mean: np.ndarray, components: np.ndarray) -> np.ndarray:
    """Encoder vectors -> unit vectors of the bank's few dimensions."""
    projected = np.einsum("ij,jk->ik", np.asarray(vectors, dtype=np.float32) - mean, components)
    return projected / np.maximum(np.linalg.norm(projected, axis=1, keepdims=True), 1e-12)


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors -> (int8 rows, float16 scale of each row)."""
    scales = np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127
    return np.round(vectors / scales[:, None]).astype(np.int8), scales.astype(np.float16)


class SummaryBank:
    """A bank directory, its languages loaded on first use; `encoder` (leancode.encoder.Encoder) embeds the code
    read, by default the shipped search encoder reading code as given, each language by its reader (the bank's vectors
    must be its own)."""

    def __init__(self, path: str | Path = DEFAULT_BANK, encoder=None):
        from safetensors.numpy import load_file

        self.path = Path(path)
        try:
            self.manifest = json.loads((self.path / BANK_MANIFEST).read_text(encoding="utf-8"))
            projection = load_file(str(self.path / "projection.safetensors"))
            self.mean, self.components = projection["mean"], projection["components"].astype(np.float32)
            self.threshold = float(self.manifest["threshold"])
        except (OSError, ValueError, KeyError, TypeError) as error:  # safetensors' errors are ValueError/OSError
            raise ValueError(f"{self.path}: not a readable summary bank ({type(error).__name__}: {error}); "
                             "rebuild it with `leancode-train summary-bank`") from error
        self._encoder = encoder
        self._languages: dict[str, tuple[np.ndarray, list] | None] = {}
        self._lock = threading.Lock()

    @property
    def encoder(self):
        with self._lock:
            if self._encoder is None:
                from .encoder import Encoder

                self._encoder = Encoder(method="none", ratio=0.0, language_readers=False)
                expected = self.manifest.get("encoder")
                if expected and self._encoder.model_id != expected:
                    raise ValueError(f"{self.path}: built with encoder {expected}, not the shipped "
                                     f"{self._encoder.model_id}; rebuild it with `leancode-train summary-bank`")
            return self._encoder

    def _language(self, language: str) -> tuple[np.ndarray, list] | None:
        """(dequantised vectors, entries) of `language`, or None where the bank holds none."""
        with self._lock:
            if language not in self._languages:
                self._languages[language] = self._load(language)
            return self._languages[language]

    def _load(self, language: str) -> tuple[np.ndarray, list] | None:
        from safetensors.numpy import load_file

        if language not in self.manifest.get("languages", {}):
            return None
        try:
            arrays = load_file(str(self.path / f"{language}.safetensors"))
            with gzip.open(self.path / f"{language}.json.gz", "rt", encoding="utf-8") as f:
                entries = json.load(f)
            vectors = arrays["vectors"].astype(np.float32) * arrays["scales"].astype(np.float32)[:, None]
        except (OSError, ValueError, KeyError, EOFError) as error:
            raise ValueError(f"{self.path}: {language} unreadable ({type(error).__name__}: {error}); "
                             "rebuild the bank with `leancode-train summary-bank`") from error
        if len(entries) != len(vectors) or vectors.shape[1:] != (self.components.shape[1],):
            raise ValueError(f"{self.path}: {language}'s vectors and entries disagree; rebuild the bank")
        if not all(isinstance(e, list) and len(e) == 3 and all(isinstance(part, str) for part in e) for e in entries):
            raise ValueError(f"{self.path}: {language}'s entries are not [summary, package, name]; rebuild the bank")
        return vectors, entries

    def nearest(self, texts: list[str], languages: list[str], threshold: float | None = None) -> list[Neighbour | None]:
        """For each code text (what the summarizer reads) of its language, the bank's nearest documented function
        of that language when its similarity reaches `threshold` (default: the bank's), else None."""
        threshold = self.threshold if threshold is None else threshold
        out: list[Neighbour | None] = [None] * len(texts)
        held = {language: self._language(language) for language in set(languages)}
        rows = [i for i, language in enumerate(languages) if held[language] is not None]
        if not rows:
            return out
        queries = project(self.encoder.encode_simplified([texts[i] for i in rows], languages=[languages[i] for i in rows]),
                          self.mean, self.components)
        for i, query in zip(rows, queries):
            vectors, entries = held[languages[i]]
            similarities = np.einsum("ij,j->i", vectors, query)
            best = int(similarities.argmax())
            if similarities[best] >= threshold:
                summary, package, name = entries[best]
                out[i] = Neighbour(summary, package, name, round(float(similarities[best]), 4))
        return out
