"""Training examples of both fine-tunes: (function, summary) pairs read from a .jsonl and simplified at a
seeded per-example ratio, with the model pieces the simplification kept."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from leancode.categories import StatementCategory
from leancode.importance import ImportanceTable
from leancode.simplify import REPEAT_DISCOUNT, Simplified, render, simplify
from leancode.units import function_name

from .jsonl import read_jsonl

NAME_MASK = "[MASK]"  # what --mask-names writes for the function's name (one special token of BERT vocabularies)


@dataclass
class Example:
    source: str  # simplified code, what the encoder reads
    summary: str
    pieces_full: int  # model pieces of the full code
    pieces_kept: int  # ... of `source`
    code: str = ""  # the full code


WITH_SUMMARY = ("idx", "code", "summary")  # pairs a model learns or is judged to write summaries (queries) from


def read_pairs(path: str | Path, limit: int | None = None, seed: int = 0,
               required: tuple[str, ...] = ("idx", "code")) -> list[dict]:
    """Lines of a summaries .jsonl (each with the `required` fields), or a seeded sample of `limit` of them, in file
    order; a file of none is an error."""
    rows = read_jsonl(path, required=required)
    if not rows:
        raise ValueError(f"{path}: no pairs")
    if limit and limit < len(rows):
        rows = [rows[i] for i in sorted(random.Random(seed).sample(range(len(rows)), limit))]
    return rows


def simplified_examples(rows: list[dict], method: str, ratios: list[float], table: ImportanceTable | None,
                        seed: int, progress: bool = True, task: str = "summarize",
                        repeat_discount: float = REPEAT_DISCOUNT, mask_names: float = 0.0,
                        drop_signature: float = 0.0) -> list[Example]:
    """Each row simplified at a seeded choice among `ratios` (ratio 0: the full code); in a seeded `mask_names`
    share of them the function's name is masked, and a seeded `drop_signature` share reads the whole body alone,
    its header (name, parameters, return type) removed, so the model learns to read the body, not only the name."""
    # Masking and dropping draw from their own generators: the ratio draws stay as they were.
    rng, mask_rng, drop_rng = random.Random(seed), random.Random(seed + 1), random.Random(seed + 2)
    out = []
    for row in tqdm(rows, desc="simplify", unit="fn", disable=not progress):
        ratio = rng.choice(ratios)
        language = row.get("language", "python")
        result = simplify(row["code"], language, ratio=ratio, method=method if ratio else "none",
                          table=table, task=task, seed=seed, repeat_discount=repeat_discount)
        source, kept = result.code, result.model_tokens_kept
        if drop_signature and drop_rng.random() < drop_signature:  # the whole body: a simplified one may keep little
            full = result if not ratio else simplify(row["code"], language, method="none")
            source, kept = body_only(row["code"], full)
        if mask_names and mask_rng.random() < mask_names:
            source = mask_function_name(row["code"], source, language)
        out.append(Example(source, row.get("summary", ""), result.model_tokens, kept, row["code"]))
    return out


def body_only(code: str, result: Simplified) -> tuple[str, int]:
    """`result`'s kept code without the function's header, and the model pieces it keeps."""
    kept = [i for i in result.kept if result.tokens[i].category != StatementCategory.SIGNATURE]
    return render(code, result.tokens, kept), sum(result.pieces[i] for i in kept)


def mask_function_name(code: str, source: str, language: str) -> str:
    """`source` (code, or code simplified) with each whole-word use of `code`'s first function name masked."""
    name = function_name(code, language)
    if not name:
        return source
    return re.sub(rf"(?<![\w$]){re.escape(name)}(?![\w$])", NAME_MASK, source)
