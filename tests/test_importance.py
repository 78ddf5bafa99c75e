"""Importance tables built from real attention: the packaged MiniLM and a tiny T5 built here."""

import inspect
import json
import textwrap

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from leancode.importance import ImportanceTable, TableBuilder
from leancode.model_tokens import default_model_path
from leancode.tokens import lex
from leancode.training.attention import AttentionScorer, pieces_to_tokens
from leancode.training.cli import main
from leancode.training.importance import build_table

FUNCTIONS = [textwrap.dedent(inspect.getsource(f)) for f in (textwrap.dedent, textwrap.indent, textwrap.shorten)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    (root / "wrap.py").write_text("\n\n".join(FUNCTIONS))
    (root / "notes.txt").write_text("def ignored(): pass\n")
    (root / "blob.py").write_bytes(b"\0\x01\xff binary")
    return root


@pytest.fixture(scope="module")
def tiny_t5(tmp_path_factory):
    """A 1-layer T5 with the MiniLM tokenizer, saved so that `from_pretrained(path)` loads it."""
    from transformers import AutoTokenizer, T5Config, T5ForConditionalGeneration

    path = tmp_path_factory.mktemp("t5")
    tokenizer = AutoTokenizer.from_pretrained(default_model_path())
    config = T5Config(vocab_size=len(tokenizer), d_model=32, d_kv=16, num_layers=1, num_decoder_layers=1,
                      num_heads=2, d_ff=64, pad_token_id=tokenizer.pad_token_id,
                      eos_token_id=tokenizer.sep_token_id, decoder_start_token_id=tokenizer.pad_token_id)
    T5ForConditionalGeneration(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return str(path)


@pytest.fixture(scope="module")
def cls_scorer():
    return AttentionScorer.load(default_model_path(), "leancode-cls", device="cpu")


@pytest.mark.parametrize("method", ["leancode-pooled", "leancode-cls"])
def test_minilm_table_round_trips(corpus, tmp_path, method):
    table = build_table(None, [corpus], "python", method, device="cpu", progress=False)
    m = table.manifest
    assert m["functions"] == len(FUNCTIONS) and m["method"] == method and m["task"] == "search"
    for key in ("model", "corpus", "language", "date", "command", "leancode_version", "averaging"):
        assert key in m
    assert table.overall[0] > 0 and all(mean > 0 for mean, _ in table.by_category.values())

    loaded = ImportanceTable.load(table.save(tmp_path / "table"))
    tokens = lex(FUNCTIONS[0], "python")
    assert loaded.scores(tokens) == table.scores(tokens)
    assert loaded.scores(tokens, local=False) == table.scores(tokens, local=False)
    assert loaded.manifest == table.manifest


def test_query_alignment_scores_what_moves_the_function_towards_its_query(tmp_path):
    """`leancode-query`: each token's first-order effect on cosine(pooled code, docstring), squashed to (0, 1);
    a function without a docstring is not scored, and another query changes the scores."""
    code = textwrap.dedent('''\
        def download_file(url, path):
            response = requests.get(url, timeout=30)
            with open(path, "wb") as handle:
                handle.write(response.content)
        ''')
    corpus = tmp_path / "pairs.jsonl"
    rows = [{"code": code, "language": "python", "summary": "Download a file from a URL and save it to a path."},
            {"code": FUNCTIONS[0], "language": "python"}]  # no docstring: not scored
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    table = build_table(None, [corpus], "python", "leancode-query", device="cpu", progress=False)
    assert table.manifest["task"] == "search" and table.overall[1] == len(lex(code, "python"))
    undocumented = tmp_path / "undocumented.jsonl"
    undocumented.write_text(json.dumps(rows[1]) + "\n")
    with pytest.raises(ValueError, match="needs docstrings or summaries"):
        build_table(None, [undocumented], "python", "leancode-query", device="cpu", progress=False)
    assert all(0 < mean < 1 for mean, _ in table.by_token.values())

    scorer = AttentionScorer.load(default_model_path(), "leancode-query", device="cpu")
    tokens = lex(code, "python")
    [scores] = scorer.token_scores([code], [tokens], [rows[0]["summary"]])
    by_text = dict(zip((t.text for t in tokens), scores))
    # The words of the query outrank the syntax around them.
    assert min(by_text["download_file"], by_text["url"]) > max(by_text["def"], by_text["with"], by_text[":"])
    [other] = scorer.token_scores([code], [tokens], ["Write bytes to an open handle."])
    assert other != scores
    [unscored] = scorer.token_scores([code], [tokens])
    assert unscored == [None] * len(tokens)
    # A code-only search adapter reads the code; its base, which reads queries when searching, reads the query.
    from leancode.encoder import SHIPPED_ADAPTER

    reader = AttentionScorer.load(str(SHIPPED_ADAPTER), "leancode-query", device="cpu")
    assert reader.query_model is not None and scorer.query_model is None
    [read] = reader.token_scores([code], [tokens], [rows[0]["summary"]])
    assert read != scores and all(0 < s < 1 for s in read)


def test_every_token_scored_when_it_fits(cls_scorer):
    tokens = [lex(code, "python") for code in FUNCTIONS]
    for scores in cls_scorer.token_scores(FUNCTIONS, tokens, batch_size=2):
        assert all(s is not None and s > 0 for s in scores)


def test_truncated_tokens_are_none(cls_scorer):
    code = FUNCTIONS[0]
    tokens = lex(code, "python")
    short = AttentionScorer(cls_scorer.model, cls_scorer.tokenizer, "leancode-cls", max_length=16)
    [scores] = short.token_scores([code], [tokens])
    kept = [s for s in scores if s is not None]
    assert 0 < len(kept) < len(scores)
    assert scores[:len(kept)] == kept  # a scored prefix, then None
    # Normalised: the 14 real pieces (16 minus CLS and SEP) average to about 1.
    assert 0.3 < sum(kept) / len(kept) < 3


@pytest.mark.slow
def test_cross_attention_on_tiny_t5(tiny_t5, tmp_path):
    corpus = tmp_path / "pairs.jsonl"
    rows = [{"code": FUNCTIONS[0], "language": "python", "summary": "Remove common leading whitespace."},
            {"code": FUNCTIONS[1], "language": "python"},  # no summary: greedy decoding
            {"code": "func main() {}", "language": "go"}]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows))
    table = build_table(tiny_t5, [corpus], "python", "leancode-cross", device="cpu", progress=False)
    assert table.manifest["functions"] == 2 and table.manifest["task"] == "summarize"
    assert table.overall[0] > 0

    # The table is the mean cross-attention each token got while the model read its own function: with the
    # reference summary as the decoder's target when the row has one, greedy decoding otherwise.
    scorer = AttentionScorer.load(tiny_t5, "leancode-cross", device="cpu")
    python = [rows[0]["code"], rows[1]["code"]]
    lexed = [lex(code, "python") for code in python]

    def table_of(targets):
        builder = TableBuilder()
        for tokens, scores in zip(lexed, scorer.token_scores(python, lexed, targets)):
            builder.add(tokens, scores)
        return builder.build({})

    expected = table_of([rows[0]["summary"], None])
    assert table.by_category_token == expected.by_category_token and table.by_token == expected.by_token
    assert table.overall == expected.overall and table.low_rated == expected.low_rated
    # ... which another target would change: the test tells the reference summary's table from others.
    assert table_of(["Return the list of lines, indented.", None]).by_token != table.by_token
    assert table_of([None, None]).by_token != table.by_token

    tokens = lex(FUNCTIONS[2], "python")
    [scores] = scorer.token_scores([FUNCTIONS[2]], [tokens])
    assert all(s is not None and s > 0 for s in scores)


def test_cli_builds_a_table(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["importance", "--corpus", str(corpus), "--language", "python", "--method", "dietcode",
            "--out", str(out), "--max-functions", "2", "--batch-size", "2"]
    assert main(argv) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["method"] == "dietcode" and manifest["functions"] == 2
    assert manifest["command"].startswith("leancode-train importance --corpus")
    assert ImportanceTable.load(out).overall[0] > 0


@pytest.mark.parametrize("change, message", [
    (("--corpus", "/nonexistent/corpus"), "corpus not found"),
    (("--language", "cobol"), "unsupported language"),
])
def test_cli_errors(corpus, tmp_path, capsys, change, message):
    args = {"--corpus": str(corpus), "--language": "python", "--method": "leancode-cls", "--out": str(tmp_path)}
    args[change[0]] = change[1]
    assert main(["importance", *[x for kv in args.items() for x in kv]]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_piece_spanning_tokens_scores_each():
    tokens = lex("f()", "python")  # f ( )
    assert pieces_to_tokens(tokens, [(0, 1), (1, 3)], [2.0, 0.5]) == [2.0, 0.5, 0.5]
    assert pieces_to_tokens(tokens, [(0, 1), (0, 1)], [2.0, 1.0]) == [1.5, None, None]


def test_remembered_scores_are_the_lookups_and_stay_bounded(monkeypatch):
    import leancode.importance as importance
    from leancode.importance import default_table

    table = default_table("python", "search")
    tokens = lex("def area(width, height):\n    return width * height  # the area\n", "python")
    expected = [table.local_score(t) for t in tokens]
    assert table.scores(tokens) == expected and table.scores(tokens) == expected  # computed, then remembered
    table.scores(lex("import os\nclass Other:\n    pass\n", "python"))  # other keys remembered too
    monkeypatch.setattr(importance, "LOCAL_MEMO_SIZE", 3)
    table.scores(tokens)  # the memo is over 3: cleared, then refilled by this call
    assert table.scores(tokens) == expected
    assert len(table._local_scores) == len({(t.category, t.kind, t.text) for t in tokens})
    table._local_scores.clear()


def test_bad_corpus_lines_are_named_and_odd_bytes_cost_no_file(tmp_path, capsys):
    from leancode.training.importance import file_snippets

    broken = tmp_path / "b.jsonl"
    broken.write_text('{"code": "def f(): pass"}\n\n[1, 2]\n')
    args = ["importance", "--corpus", str(broken), "--language", "python", "--method", "dietcode",
            "--out", str(tmp_path / "t")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{broken}:3: not a JSON object" in err and "Traceback" not in err
    broken.write_text('{"code": 5}\n')
    assert main(args) == 2 and f"{broken}:1: no 'code' field holding text" in capsys.readouterr().err
    latin = tmp_path / "latin.py"  # one Latin-1 byte in a comment: the file's functions still count
    latin.write_bytes(b"# caf\xe9\ndef add(a, b):\n    return a + b\n")
    assert [s.code.split("(")[0] for s in file_snippets(latin, "python")] == ["def add"]


def test_a_mined_directory_gives_its_training_split_only(tmp_path):
    from leancode.training.importance import corpus_files

    for name in ("train.jsonl", "valid.jsonl", "test.jsonl", "extra.py", "notes.md"):
        (tmp_path / name).write_text("")
    assert [p.name for p in corpus_files([tmp_path], "python")] == ["extra.py", "train.jsonl"]
    assert corpus_files([tmp_path / "test.jsonl"], "python") == [tmp_path / "test.jsonl"]  # named: taken
