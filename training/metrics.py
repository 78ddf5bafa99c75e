"""The two scores the benchmarks report: smoothed BLEU-4 for summaries and MRR for search.

BLEU follows the CodeXGLUE code-to-text convention (its `evaluator/bleu.py`).

Per sentence: lowercase, split punctuation as the NIST script does, clipped n-gram
precisions for n = 1..4 with add-one smoothing for n > 1, brevity penalty
`min(0, 1 - (r + 1) / (c + 1))` in log space; the corpus score is the mean x 100.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from xml.sax.saxutils import unescape

import numpy as np

_NORMALIZE = [
    (re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),  # punctuation (not the apostrophe)
    (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),  # period and comma unless after a digit
    (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),  # ... unless before a digit
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),  # dash after a digit
]
_TINY = sys.float_info.min


def normalize(text: str) -> list[str]:
    text = text.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
    text = " %s " % unescape(text, {"&quot;": '"'}).lower()
    for pattern, replacement in _NORMALIZE:
        text = pattern.sub(replacement, text)
    return text.split()


def _ngrams(words: list[str], n: int) -> Counter:
    return Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def sentence_bleu(reference: str, hypothesis: str, order: int = 4) -> float:
    """Smoothed BLEU-4 of one hypothesis against one reference, in [0, 1]."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    log_bleu = 0.0
    for n in range(1, order + 1):
        hyp_grams, ref_grams = _ngrams(hyp, n), _ngrams(ref, n)
        correct = sum(min(count, ref_grams[gram]) for gram, count in hyp_grams.items())
        guess = max(len(hyp) - n + 1, 0)
        smooth = 1 if n > 1 else 0
        log_bleu += math.log(correct + smooth + _TINY) - math.log(guess + smooth + _TINY)
    log_bleu /= order
    log_bleu += min(0.0, 1 - (len(ref) + 1) / (len(hyp) + 1))
    return math.exp(log_bleu)


def corpus_bleu(references: list[str], hypotheses: list[str]) -> float:
    """Mean smoothed sentence BLEU-4 x 100 (the number CodeXGLUE reports)."""
    if len(references) != len(hypotheses):
        raise ValueError(f"{len(references)} references but {len(hypotheses)} hypotheses")
    if not references:
        return 0.0
    return 100 * sum(map(sentence_bleu, references, hypotheses)) / len(references)


# --- search: mean reciprocal rank -------------------------------------------------------------------

def gold_ranks(scores: np.ndarray, gold: list[int | None]) -> list[int | None]:
    """Rank of each query's gold column: 1 + others scoring >= gold (ties count against gold)."""
    ranks: list[int | None] = []
    for row, column in zip(scores, gold):
        if column is None:
            ranks.append(None)
        else:
            ranks.append(int((row >= row[column]).sum()))  # gold itself counts once: the 1 of 1 + others
    return ranks


def mean_reciprocal_rank(ranks: list[int | None]) -> float:
    """Mean of 1/rank over queries with a gold answer; a gold absent from the codebase scores 0."""
    scored = [r for r in ranks if r is not None]
    return sum(1 / r for r in scored if r > 0) / len(scored) if scored else float("nan")
