"""The scores the benchmarks report (smoothed BLEU-4, MRR) and the top-k ranking they read, on known values."""

import numpy as np
import pytest

from leancode.search import top_k
from leancode.training.metrics import corpus_bleu, gold_ranks, mean_reciprocal_rank, normalize, sentence_bleu


@pytest.mark.parametrize("reference, hypothesis, expected", [
    ("Return the sum.", "return the sum .", 100.0),
    ("a b c d", "a b c e", 100 * (3 / 4 * 3 / 4 * 2 / 3 * 1 / 2) ** 0.25),  # add-one smoothing for n > 1
    ("the cat sat on the mat", "the cat sat", 100 * 2.718281828459045 ** -0.75),  # brevity: 1 - (6+1)/(3+1)
    ("a b c", "x y z", 0.0),  # no unigram in common: no smoothing for n = 1
])
def test_smoothed_bleu_known_values(reference, hypothesis, expected):
    assert sentence_bleu(reference, hypothesis) * 100 == pytest.approx(expected, rel=1e-6, abs=1e-6)


def test_bleu_normalization_and_corpus_mean():
    assert normalize("Parse the URL, then return (host, port).") == \
        ["parse", "the", "url", ",", "then", "return", "(", "host", ",", "port", ")", "."]
    assert normalize("version 1.5, v2") == ["version", "1.5", ",", "v2"]
    assert corpus_bleu(["a b c d", "x"], ["a b c d", "a b c d"]) == pytest.approx(
        50 * (1 + sentence_bleu("x", "a b c d")))
    with pytest.raises(ValueError):
        corpus_bleu(["a"], [])


def test_ties_count_against_gold():
    scores = np.array([[0.5, 0.9, 0.5, 0.1], [0.2, 0.3, 0.3, 0.3]])
    assert gold_ranks(scores, [0, 3]) == [3, 3]  # gold 0 ties with 2, below 1; gold 3 ties with 1 and 2
    assert mean_reciprocal_rank([1, 2, None, 0]) == pytest.approx((1 + 0.5 + 0) / 3)


def test_top_k_best_first_ties_to_the_lower_index():
    scores = np.array([[0.5, 0.9, 0.5, 0.1], [0.2, 0.3, 0.3, 0.3]])
    assert top_k(scores, 3).tolist() == [[1, 0, 2], [1, 2, 3]]
    assert top_k(scores[0], 2).tolist() == [1, 0] and top_k(scores[0], 9).tolist() == [1, 0, 2, 3]
    assert top_k(scores[0], 0).tolist() == []
    # A tie across the k-th place: the partition took any of the tied rows, so which copy of a function search
    # showed depended on how many results were asked for (ajv's `def.code`, `--top 1` against `--top 2`).
    many = np.random.default_rng(0).integers(0, 5, size=300).astype(np.float32)
    ordered = np.lexsort((np.arange(300), -many)).tolist()
    assert all(top_k(many, k).tolist() == ordered[:k] for k in range(1, 301))


def test_pooled_search_weighs_each_set_once(tmp_path):
    """bench/search_pooled.py: the mean over sets, not over queries, with an interval that resamples within sets."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]

    def cells(n, lean, other):
        return {"none": {"rr": [1.0] * n}, "leancode": {"rr": [lean] * n},
                **{m: {"rr": [other] * n} for m in ("slimcode", "dietcode", "truncate", "random")},
                "time_ratios": [[0.5, 0.45]]}

    # A 1,000-query set where LeanCode keeps everything and a 10-query one where it keeps 80%: pooled 90%, not 99.8%;
    # a tuning set is left out.
    methods = {"big": cells(1000, 1.0, 0.9), "small": cells(10, 0.8, 0.9), "cosqa (tuning)": cells(5, 0.0, 1.0)}
    (tmp_path / "methods.json").write_text(json.dumps(methods))
    out = subprocess.run([sys.executable, "bench/search_pooled.py", "--methods", str(tmp_path / "methods.json"),
                          "--no-write"], cwd=root, capture_output=True, text=True, check=True).stdout
    assert "2 held-out sets" in out
    assert "| LeanCode's share of full code | 90.0% [90.0%, 90.0%] | 80.0% (small) |" in out
    assert "| slimcode − LeanCode | +0.0000 [+0.0000, +0.0000] | +0.1000 (small) |" in out
    assert "median 0.50" in out


def test_pooled_search_by_package_resamples_packages(tmp_path):
    """--by-package: each simplifier's difference gets an interval that resamples whole packages, which one package
    holding a set's whole gain makes wide where the query bootstrap would not."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    ranks = {"none": [1.0] * 100, "leancode": [0.5] * 100, "slimcode": [0.5] * 100, "dietcode": [0.5] * 100,
             "random": [0.5] * 100, "truncate": [0.8] * 50 + [0.3] * 50}  # package a gains 0.3, package b loses 0.2
    (tmp_path / "methods.json").write_text(json.dumps({str(tmp_path / "set"): {m: {"rr": r} for m, r in ranks.items()}}))
    (tmp_path / "set").mkdir()
    (tmp_path / "set" / "queries.jsonl").write_text("".join(json.dumps({"gold": f"f{i}"}) + "\n" for i in range(100)))
    (tmp_path / "mined.jsonl").write_text("".join(json.dumps({"idx": f"f{i}", "package": "ab"[i // 50]}) + "\n"
                                                  for i in range(100)))
    out = subprocess.run([sys.executable, "bench/search_pooled.py", "--methods", str(tmp_path / "methods.json"),
                          "--by-package", f"{tmp_path / 'set'}={tmp_path / 'mined.jsonl'}", "--no-write"],
                         cwd=root, capture_output=True, text=True, check=True).stdout
    assert "| a | 50 | 1.0000 | 50.0% | 50.0% | 50.0% | 80.0% | 50.0% |" in out
    assert "resamples the set's 2 packages" in out
    assert "truncate +0.0500 [-0.2000, +0.3000]" in out  # the query bootstrap: about +0.05 ± 0.05
    assert "slimcode +0.0000 [+0.0000, +0.0000]" in out
