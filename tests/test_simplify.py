"""Invariants of every simplifier, on real code in every language and on arbitrary text."""

import dataclasses
import functools
import json
import re
import warnings
import zlib
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from leancode.importance import ImportanceTable, TableBuilder
from leancode.model_tokens import PieceCounter, piece_counter
from leancode.simplify import METHODS, simplify
from leancode.tokens import ParseWarning, lex

from snippets import SNIPPETS

COSQA = Path(__file__).resolve().parents[2] / "shared" / "data" / "cosqa-dev" / "codebase.jsonl"


def _cosqa_sample(n=40):
    if not COSQA.exists():
        return []
    with COSQA.open() as lines:
        return [json.loads(line)["code"] for _, line in zip(range(n), lines)]


CODE = [(language, code) for language, code in SNIPPETS.items()] + [("python", c) for c in _cosqa_sample()]


@functools.lru_cache(maxsize=1)
def fixed_table():
    """A table with arbitrary but fixed scores: the invariants hold whatever the scores."""
    builder = TableBuilder()
    for language, code in CODE:
        tokens = lex(code, language)
        builder.add(tokens, [zlib.crc32(f"{t.category}{t.text}".encode()) % 1000 / 100 for t in tokens])
    return builder.build({"method": "test"}, min_count=1)


@pytest.fixture
def table():
    return fixed_table()


def check_invariants(code, language, ratio, method, table):
    result = simplify(code, language, ratio=ratio, method=method, table=table)
    tokens, kept, pieces = result.tokens, result.kept, result.pieces
    # Tokens reproduce the code without whitespace; kept tokens are an ordered subsequence.
    assert "".join(t.text for t in tokens) == re.sub(r"\s+", "", code)
    assert kept == sorted(set(kept)) and all(0 <= i < len(tokens) for i in kept)
    # The removed model pieces reach the target and overshoot by less than one removed token's pieces.
    target = 0 if method == "none" else round(ratio * result.model_tokens)
    removed = result.model_tokens - result.model_tokens_kept
    assert removed >= target
    removed_pieces = [pieces[i] for i in set(range(len(tokens))) - set(kept)]
    if removed > target:
        assert removed - target < max(removed_pieces)
    assert result.model_tokens_kept == sum(pieces[i] for i in kept)
    # The text holds the kept tokens in order, and the model counts it as reported.
    assert re.sub(r"\s+", "", result.code) == "".join(tokens[i].text for i in kept)
    assert piece_counter().count_text(result.code) == result.model_tokens_kept
    if ratio == 0:
        assert result.code == code
    return result


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("language,code", CODE[:12])
@pytest.mark.parametrize("ratio", [0.0, 0.1, 0.3, 0.5, 0.9, 1.0])
def test_invariants_on_real_code(language, code, method, ratio, table):
    check_invariants(code, language, ratio, method, table)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(index=st.integers(0, len(CODE) - 1), ratio=st.floats(0, 1), method=st.sampled_from(METHODS))
def test_invariants_property(index, ratio, method):
    language, code = CODE[index]
    check_invariants(code, language, ratio, method, fixed_table())


@settings(max_examples=200, deadline=None, derandomize=True)  # CI reproducible
@given(code=st.text(max_size=300), ratio=st.floats(0, 1), method=st.sampled_from(METHODS),
       language=st.sampled_from(sorted(SNIPPETS)))
@example(code="0\U0002b820", ratio=0.5, method="leancode", language="python")  # outside the tokenizer's CJK
@example(code="x\U0002a6e0 = 1", ratio=0.5, method="truncate", language="go")
@example(code="0\U0002b920", ratio=0.5, method="leancode", language="python")  # inside it
def test_arbitrary_text_never_crashes(code, ratio, method, language):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ParseWarning)
        check_invariants(code, language, ratio, method, fixed_table())


def test_line_structure_kept(table):
    code = SNIPPETS["python"]
    result = simplify(code, "python", ratio=0.5, method="leancode", table=table)
    assert result.code.count("\n") == code.count("\n")


@pytest.mark.parametrize("language", sorted(SNIPPETS))
def test_crlf_line_ends_kept_as_crlf(table, language):
    code = SNIPPETS[language].replace("\n", "\r\n")
    for method in METHODS:
        result = simplify(code, language, ratio=0.5, method=method, table=table)
        assert result.code.count("\n") == result.code.count("\r\n") > 0, method


def test_leancode_never_drops_a_whole_statement(table):
    code = SNIPPETS["java"]
    result = simplify(code, "java", ratio=0.6, method="leancode", table=table)
    kept_statements = {result.tokens[i].statement for i in result.kept}
    assert kept_statements == {t.statement for t in result.tokens}


def test_a_table_without_keep_statements_may_empty_a_statement(tmp_path):
    table = dataclasses.replace(fixed_table(), keep_statements=False)
    table = ImportanceTable.load(table.save(tmp_path / "java-search"))  # the flag survives its file
    assert not table.keep_statements and ImportanceTable.load(fixed_table().save(tmp_path / "plain")).keep_statements
    code = SNIPPETS["java"]
    plain = simplify(code, "java", ratio=0.6, method="leancode", table=table, repeat_discount=1)
    assert {plain.tokens[i].statement for i in plain.kept} < {t.statement for t in plain.tokens}
    # Plain greedy: every token removed scores at most every token kept.
    scores = table.scores(plain.tokens)
    removed = set(range(len(plain.tokens))) - set(plain.kept)
    assert max(scores[i] for i in removed) <= min(scores[i] for i in plain.kept)


def test_the_search_tables_removal_flags_stay_with_search():
    """JavaScript's summaries read its search table's scores in the plain order: its flags were measured for search."""
    from leancode.importance import default_table

    assert not default_table("javascript", "search").keep_statements
    assert default_table("javascript", "summarize").keep_statements
    assert default_table("python", "search").keep_statements and default_table("go", "search").header_last


def test_leancode_removes_lowest_scores_first(table):
    code = SNIPPETS["go"]
    result = simplify(code, "go", ratio=0.3, method="leancode", table=table, repeat_discount=1)
    tokens, scores = result.tokens, table.scores(result.tokens)
    removed = set(range(len(tokens))) - set(result.kept)
    # The greedy order, written out: lowest score first (the later token first on ties), a statement's last
    # token held back while others remain; tokens go in that order until the ratio's pieces are gone.
    left = Counter(t.statement for t in tokens)
    order, held_back = [], []
    for i in sorted(range(len(tokens)), key=lambda i: (scores[i], -i)):
        if tokens[i].statement >= 0 and left[tokens[i].statement] == 1:
            held_back.append(i)
            continue
        left[tokens[i].statement] -= 1
        order.append(i)
    order += held_back
    target, gone, expected = round(0.3 * result.model_tokens), 0, set()
    for i in order:
        if gone >= target:
            break
        expected.add(i)
        gone += result.pieces[i]
    assert removed == expected
    # Every token kept that could have gone (not a statement's last) scores at least as high as all removed.
    removable_kept = [i for i in result.kept if i not in held_back]
    assert removable_kept and max(scores[i] for i in removed) <= min(scores[i] for i in removable_kept)


def test_a_header_last_table_removes_the_header_only_after_the_body(tmp_path):
    table = dataclasses.replace(fixed_table(), header_last=True)
    table = ImportanceTable.load(table.save(tmp_path / "go-search"))  # the flag survives its file
    assert table.header_last and not ImportanceTable.load(fixed_table().save(tmp_path / "plain")).header_last
    code = SNIPPETS["go"]
    for ratio in (0.2, 0.5, 0.8):
        result = simplify(code, "go", ratio=ratio, method="leancode", table=table)
        tokens = result.tokens
        header = {i for i, t in enumerate(tokens) if t.category == "signature"}
        removed = set(range(len(tokens))) - set(result.kept)
        if removed & header:  # then only the body's last token of each statement is left (never emptied)
            body_kept = Counter(tokens[i].statement for i in result.kept if i not in header)
            assert all(statement >= 0 and count == 1 for statement, count in body_kept.items()), ratio
    plain = simplify(code, "go", ratio=0.5, method="leancode", table=fixed_table())
    header = {i for i, t in enumerate(plain.tokens) if t.category == "signature"}
    assert header - set(plain.kept)  # the plain order takes header tokens at 0.5 (so the rule above is tested)
    assert not header - set(simplify(code, "go", ratio=0.5, method="leancode", table=table).kept)


def test_repeats_go_before_distinct_tokens_of_equal_score():
    code = "def f(a, b):\n    return a + a + a + a + b + c + d\n"
    tokens = lex(code, "python")
    builder = TableBuilder()
    builder.add(tokens, [1.0] * len(tokens))  # every token scores the same
    flat = builder.build({"method": "test"}, min_count=1)
    distinct = {t.text for t in tokens}

    discounted = simplify(code, "python", ratio=0.3, method="leancode", table=flat, repeat_discount=0.5)
    assert {discounted.tokens[i].text for i in discounted.kept} == distinct  # only repeats went
    # The paper's plain order breaks the tie from the end: the distinct tail goes first.
    plain = simplify(code, "python", ratio=0.3, method="leancode", table=flat, repeat_discount=1)
    assert {"c", "d"}.isdisjoint(plain.tokens[i].text for i in plain.kept)
    for method in ("dietcode", "slimcode", "random", "truncate"):  # the discount is LeanCode's alone
        one, other = (simplify(code, "python", ratio=0.3, method=method, table=flat, repeat_discount=d).kept
                      for d in (0.5, 1))
        assert one == other


def test_budget_caps_kept_model_tokens(table):
    for method in METHODS[:-1]:
        result = simplify(SNIPPETS["rust"], "rust", budget=40, method=method, table=table)
        assert result.model_tokens_kept <= 40
        assert result.model_tokens_kept > 40 - max(result.pieces)


def test_truncate_keeps_a_prefix(table):
    result = simplify(SNIPPETS["javascript"], "javascript", ratio=0.5, method="truncate")
    assert result.kept == list(range(len(result.kept)))


def test_slimcode_keeps_signature_last(table):
    result = simplify(SNIPPETS["java"], "java", ratio=0.7, method="slimcode")
    signature = {i for i, t in enumerate(result.tokens) if str(t.category) == "signature"}
    assert signature <= set(result.kept)


def test_random_is_seeded(table):
    one = simplify(SNIPPETS["python"], "python", ratio=0.4, method="random", seed=1)
    two = simplify(SNIPPETS["python"], "python", ratio=0.4, method="random", seed=1)
    three = simplify(SNIPPETS["python"], "python", ratio=0.4, method="random", seed=2)
    assert one.kept == two.kept != three.kept


def test_bad_arguments():
    with pytest.raises(ValueError, match="supported"):
        simplify("x = 1", "cobol")
    with pytest.raises(ValueError, match="methods"):
        simplify("x = 1", "python", ratio=0.5, method="magic")
    with pytest.raises(ValueError, match="between 0 and 1"):
        simplify("x = 1", "python", ratio=1.5)
    with pytest.raises(ValueError, match="repeat discount"):
        simplify("x = 1", "python", ratio=0.5, repeat_discount=2)
    with pytest.raises(ValueError, match="not both"):
        simplify("x = 1", "python", ratio=0.5, budget=3)


def test_empty_input_gives_empty_output():
    result = simplify("", "python", ratio=0.5, method="slimcode")
    assert result.code == "" and result.tokens == [] and result.model_tokens == 0


def test_dietcode_drops_whole_statements(table):
    result = simplify(SNIPPETS["java"], "java", ratio=0.5, method="dietcode", table=table)
    kept_statements = {result.tokens[i].statement for i in result.kept}
    dropped = {t.statement for t in result.tokens} - kept_statements
    assert dropped  # the knapsack leaves out whole statements, unlike leancode
    kept_pieces = sum(result.pieces[i] for i in result.kept)
    assert kept_pieces <= result.model_tokens - round(0.5 * result.model_tokens)


def test_piece_counter_keeps_counting_when_its_cache_overflows():
    small, large = PieceCounter(cache_size=4), PieceCounter()
    texts = ["def", "getattr", "encoding", "return"]
    assert small.counts(texts[:1]) == [1]
    # "def" is cached and the rest overflow the cache: it is cleared and every text counted again
    assert small.counts(texts) == large.counts(texts)
    assert small.counts(texts[::-1]) == large.counts(texts[::-1])


def test_piece_counts_agree_whether_counted_one_by_one_or_in_a_parallel_batch():
    from leancode.model_tokens import PARALLEL_BATCH

    texts = [f"{word}_{i}" for i, word in enumerate(["getattr", "encodingName", "résumé", "x86", "返回"] * PARALLEL_BATCH)]
    batched = PieceCounter().counts(texts)  # one call: encode_batch
    one_by_one = PieceCounter()
    assert [one_by_one.counts([text])[0] for text in texts[:50]] == batched[:50]
    assert batched[:5] != [1] * 5 and sum(batched) > len(texts)


def test_a_ratio_with_a_window_removes_its_share_of_what_the_model_reads(table):
    code = SNIPPETS["python"] * 6  # longer than the window
    whole = simplify(code, "python", ratio=0.5, table=table)
    assert whole.model_tokens > 200
    windowed = simplify(code, "python", ratio=0.5, table=table, window=100)
    assert windowed.model_tokens_kept <= 50 < whole.model_tokens_kept  # half of the 100 the model would read
    assert simplify(code, "python", ratio=0, table=table, window=100).code == code  # ratio 0: full code
    short = SNIPPETS["python"]
    assert simplify(short, "python", ratio=0.5, table=table, window=10_000).code == \
        simplify(short, "python", ratio=0.5, table=table).code  # shorter than the window: as before


def test_the_encoder_simplifies_to_its_share_of_its_window():
    from leancode.encoder import Encoder

    encoder = Encoder(ratio=0.5)
    assert encoder.window == encoder.max_length - 2  # [CLS] and [SEP]
    [long] = encoder.simplify([(SNIPPETS["python"] * 12, "python")])
    assert long.model_tokens > 2 * encoder.window and long.model_tokens_kept <= encoder.window // 2
