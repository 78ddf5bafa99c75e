"""The shared Encoder and the code search evaluation (`leancode-train eval search`)."""

import json

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from leancode.encoder import SEARCH_RATIO, Encoder  # noqa: E402
from leancode.runtime import onnx_runtime_available  # noqa: E402
from leancode.simplify import REPEAT_DISCOUNT  # noqa: E402
from leancode.training.cli import main  # noqa: E402

FUNCTIONS = {
    "c-json": "def read_json_file(path):\n    with open(path) as handle:\n        return json.load(handle)\n",
    "c-sum": "def sum_of_squares(numbers):\n    total = 0\n    for n in numbers:\n        total += n * n\n"
             "    return total\n",
    "c-http": "def download_url(url):\n    response = requests.get(url, timeout=10)\n"
              "    response.raise_for_status()\n    return response.content\n",
    "c-reverse": "def reverse_string(text):\n    return text[::-1]\n",
}
QUERIES = [  # each literally describes its function; the last one's gold is not in the codebase
    {"idx": "q-json", "query": "read a json file", "gold": "c-json"},
    {"idx": "q-sum", "query": "sum of squares of numbers", "gold": "c-sum"},
    {"idx": "q-http", "query": "download a url with requests", "gold": "c-http"},
    {"idx": "q-lost", "query": "reverse a string", "gold": "c-missing"},
]


@pytest.fixture(scope="module")
def encoder():
    return Encoder(method="slimcode", ratio=0.5, batch_size=3)


def test_embeddings_are_normalised_float32_of_the_model_dim(encoder):
    code = encoder.encode_code([(code, "python") for code in FUNCTIONS.values()])
    queries = encoder.encode_queries([q["query"] for q in QUERIES])
    assert encoder.dim == 384
    for vectors, n in ((code, len(FUNCTIONS)), (queries, len(QUERIES))):
        assert vectors.dtype == np.float32 and vectors.shape == (n, 384)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert encoder.encode_queries([]).shape == (0, 384)


def test_a_query_with_half_a_utf16_pair_is_embedded_as_with_a_replacement_character(encoder):
    # A JSON escape ("\\ud800") or an undecodable byte of argv (surrogateescape) gives a lone surrogate.
    odd, replaced = encoder.encode_queries(["parse \ud800 config", "parse \ufffd config"])
    assert np.allclose(odd, replaced)


def test_simplification_changes_vectors_and_config_key(encoder):
    code = FUNCTIONS["c-http"]
    plain = Encoder(method="none", ratio=0.5)
    assert plain.model_id == encoder.model_id
    assert plain.config_key != encoder.config_key
    assert Encoder(method="slimcode", ratio=0.3).config_key != encoder.config_key
    # The repeat discount changes what LeanCode keeps, so it is part of the key (slimcode ignores it).
    leancode = encoder.configured("leancode", 0.5)
    assert leancode.configured(repeat_discount=1).config_key != leancode.config_key
    slimcode = encoder.configured("slimcode", 0.5)
    assert slimcode.configured(repeat_discount=1).config_key == slimcode.config_key
    assert encoder.simplify([(code, "python")])[0].code != code
    simplified = encoder.encode_code([(code, "python")])[0]
    full = plain.encode_code([(code, "python")])[0]
    assert float(simplified @ full) < 0.999
    assert np.allclose(full, plain.encode_simplified([code])[0], atol=1e-6)  # none: no simplification


@pytest.mark.parametrize("quantize", [True, False])  # int8 in ONNX Runtime (one by one) and fp32 (batched)
def test_length_buckets_give_the_vectors_of_unbatched_encoding(quantize):
    encoder = Encoder(method="slimcode", ratio=0.5, batch_size=3, quantize=quantize)
    texts = [*FUNCTIONS.values(), "x", "def f(): pass", "how to parse a date in python"]
    bucketed = encoder.encode_simplified(texts)  # fp32: batches of 3, sorted by length, padded per batch
    one_by_one = np.stack([encoder.encode_simplified([t])[0] for t in texts])
    in_order = encoder._encode(texts, bucket=False)
    assert np.allclose(bucketed, one_by_one, atol=1e-5)
    assert np.allclose(in_order, one_by_one, atol=1e-5)


def test_code_with_nothing_to_remove_goes_to_the_model_unlexed(encoder, monkeypatch):
    from leancode import parse_pool

    items = [(code, "python") for code in FUNCTIONS.values()] + [("function f(a) { return a + 1; }", "javascript")]
    simplified = encoder.encode_simplified([s.code for s in encoder.simplify(items)],
                                           languages=[language for _, language in items])
    assert np.allclose(encoder.encode_code(items), simplified, atol=1e-6)  # simplified in the parse workers
    monkeypatch.setattr(parse_pool, "submit_simplify", None)  # lexing now would fail
    for full in (encoder.configured("none"), encoder.configured("leancode", 0.0)):
        assert np.allclose(full.encode_code(items), full.encode_simplified([code for code, _ in items]), atol=1e-6)
    with pytest.raises(TypeError):
        encoder.encode_code(items)


def test_eval_search_writes_predictions_and_report(tmp_path, capsys):
    codebase, queries = tmp_path / "codebase.jsonl", tmp_path / "queries.jsonl"
    codebase.write_text("".join(json.dumps({"idx": i, "code": c, "language": "python"}) + "\n"
                                for i, c in FUNCTIONS.items()))
    queries.write_text("".join(json.dumps(q) + "\n" for q in QUERIES))
    output, report = tmp_path / "out" / "predictions.jsonl", tmp_path / "report.json"
    assert main(["eval", "search", "--queries", str(queries), "--codebase", str(codebase), "--method", "none",
                 "--output", str(output), "--report", str(report), "--top", "3"]) == 0
    assert "MRR 0.7500" in capsys.readouterr().out

    predictions = [json.loads(line) for line in output.read_text().splitlines()]
    assert [p["idx"] for p in predictions] == [q["idx"] for q in QUERIES]
    assert all(len(p["answers"]) == 3 and len(set(p["answers"])) == 3 for p in predictions)
    assert [p["answers"][0] for p in predictions] == ["c-json", "c-sum", "c-http", "c-reverse"]

    data = json.loads(report.read_text())
    assert data["mrr"] == pytest.approx(0.75)  # three literal queries at rank 1, one gold missing
    # By default each language as `leancode index` serves it: its default ratio, read by its reader.
    assert (data["method"], data["ratio"], data["queries"], data["functions"]) == ("none", None, 4, 4)
    assert data["ratios"] == {"python": Encoder().ratio_for("python")}
    assert data["repeat_discount"] == REPEAT_DISCOUNT
    assert data["model_tokens_before"] == data["model_tokens_after"] > 0
    assert data["lexical_tokens_before"] == data["lexical_tokens_after"] > 0
    assert data["mean_model_tokens_before"] == pytest.approx(data["model_tokens_before"] / 4)
    for key in ("encode_code_seconds", "encode_query_seconds", "model", "date"):
        assert data[key] is not None


def test_eval_search_simplified_counts_tokens_removed(tmp_path):
    codebase, queries = tmp_path / "codebase.jsonl", tmp_path / "queries.jsonl"
    codebase.write_text("".join(json.dumps({"idx": i, "code": c, "language": "python"}) + "\n"
                                for i, c in FUNCTIONS.items()))
    queries.write_text(json.dumps({"idx": "q", "query": "read a json file"}) + "\n")  # no gold: predict only
    output, report = tmp_path / "predictions.jsonl", tmp_path / "report.json"
    assert main(["eval", "search", "--queries", str(queries), "--codebase", str(codebase), "--method", "truncate",
                 "--ratio", "0.5", "--output", str(output), "--report", str(report)]) == 0
    data = json.loads(report.read_text())
    assert data["mrr"] is None
    assert data["model_tokens_after"] <= data["model_tokens_before"] / 2 + 4 * 3
    assert data["lexical_tokens_after"] < data["lexical_tokens_before"]
    assert len(json.loads(output.read_text())["answers"]) == 4  # top 100 of a 4-function codebase


GO = "func Reverse(s string) string {\n\tr := []rune(s)\n\tfor i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {\n" \
     "\t\tr[i], r[j] = r[j], r[i]\n\t}\n\treturn string(r)\n}\n"


def test_language_defaults_pick_each_languages_ratio_and_reader(tmp_path, monkeypatch):
    import leancode.encoder as encoder_module
    from leancode.encoder import SHIPPED_ADAPTER, adapter_base

    defaults = tmp_path / "language-defaults.json"
    defaults.write_text(json.dumps({"languages": {"python": {"ratio": 0.3, "reader": "adapter"},
                                                  "go": {"ratio": 0.1, "reader": "base"}}}))
    monkeypatch.setattr(encoder_module, "LANGUAGE_DEFAULTS", defaults)
    served = Encoder()
    items = [(FUNCTIONS["c-sum"], "python"), (GO, "go"), (FUNCTIONS["c-http"], "javascript")]
    assert [served.ratio_for(language) for _, language in items] == [0.3, 0.1, SEARCH_RATIO]
    vectors = served.encode_code(items)
    adapter = Encoder(str(SHIPPED_ADAPTER), ratio=0.3)
    base = Encoder(str(adapter_base(SHIPPED_ADAPTER)), ratio=0.1)
    assert not np.allclose(adapter.configured(ratio=0.1).encode_code(items[1:2]), base.encode_code(items[1:2]))
    np.testing.assert_allclose(vectors[0], adapter.encode_code(items[:1])[0], atol=1e-5)  # the adapter reads Python
    np.testing.assert_allclose(vectors[1], base.encode_code(items[1:2])[0], atol=1e-5)  # its base reads Go
    np.testing.assert_allclose(vectors[2], adapter.configured(ratio=SEARCH_RATIO).encode_code(items[2:])[0], atol=1e-5)
    # The defaults are part of the cache key. An explicit ratio (`leancode index --ratio 0.1`) keeps each language's
    # reader: it read every language by the adapter, so Go at 0.5 was read by a model the defaults had turned down.
    assert "defaults-" in served.config_key and served.config_key != served.configured(ratio=0.3).config_key
    assert served.configured(ratio=0.3).configured(ratio=None).config_key == served.config_key
    np.testing.assert_allclose(served.configured(ratio=0.1).encode_code(items[1:2]),
                               base.encode_code(items[1:2]), atol=1e-5)
    # Unless told not to, or the model is named (the benches name the adapter to measure it alone).
    alone = Encoder(ratio=0.1, language_readers=False)
    for by_adapter in (alone, adapter.configured(ratio=0.1)):
        np.testing.assert_allclose(by_adapter.encode_code(items[1:2]), adapter.configured(ratio=0.1).encode_code(
            items[1:2]), atol=1e-5)
    assert len({alone.config_key, served.configured(ratio=0.1).config_key, adapter.configured(ratio=0.1).config_key}) \
        == 2 and alone.config_key == adapter.configured(ratio=0.1).config_key
    # Any other model ignores them.
    assert Encoder(str(adapter_base(SHIPPED_ADAPTER))).ratio_for("go") == SEARCH_RATIO
    # int8 serves the code of every language, whichever model reads it; queries stay fp32.
    if onnx_runtime_available():
        int8 = Encoder(quantize=True).encode_code(items[:2])
        fp32 = Encoder(quantize=False).encode_code(items[:2])
        base_int8 = Encoder(str(adapter_base(SHIPPED_ADAPTER)), ratio=0.1, quantize=True)
        np.testing.assert_allclose(int8[1], base_int8.encode_code(items[1:2])[0], atol=1e-5)
        assert not np.allclose(int8[1], fp32[1], atol=1e-5) and float(int8[1] @ fp32[1]) > 0.98


def _search_set(directory):
    """A validation search set of FUNCTIONS and QUERIES (queries.jsonl, codebase.jsonl) in `directory`."""
    directory.mkdir()
    (directory / "codebase.jsonl").write_text("".join(
        json.dumps({"idx": k, "code": v, "language": "python"}) + "\n" for k, v in FUNCTIONS.items()))
    (directory / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in QUERIES))
    return directory


def test_search_defaults_command_chooses_on_validation_sets(tmp_path, capsys):
    from leancode.encoder import SHIPPED_ADAPTER, extra_readers

    directory = _search_set(tmp_path / "go")
    out = tmp_path / "defaults.json"
    assert main(["search-defaults", "--set", f"python={directory}", "--ratios", "0.5", "--out", str(out)]) == 0
    record = json.loads(out.read_text())
    cells = record["scores"]["python"][str(directory)]["cells"]
    readers = ("adapter", "base", *extra_readers(SHIPPED_ADAPTER))  # and the shipped further adapters
    assert set(cells) == {f"{reader}@{ratio}" for reader in readers for ratio in ("0", "0.5")}
    chosen = record["languages"]["python"]
    best = max(cells.values()) - cells["base@0"]
    picked = cells[f"{chosen['reader']}@{chosen['ratio']:g}"]
    margin = picked - cells["base@0"]
    assert margin >= max(best - 0.002, 0) and chosen["worst_margin"] == round(margin, 4)
    # A rerun reusing that output scores nothing again and chooses the same.
    capsys.readouterr()
    again = tmp_path / "again.json"
    assert main(["search-defaults", "--set", f"python={directory}", "--ratios", "0.5", "--out", str(again),
                 "--reuse", str(out)]) == 0
    assert str(directory) not in capsys.readouterr().out
    assert json.loads(again.read_text())["languages"] == record["languages"]
    # Another language's set alone: Python, given no set, keeps the earlier run's scores and choice.
    both = tmp_path / "both.json"
    assert main(["search-defaults", "--set", f"go={directory}", "--ratios", "0.5", "--out", str(both),
                 "--reuse", str(out)]) == 0
    both_record = json.loads(both.read_text())
    assert both_record["scores"]["python"] == record["scores"]["python"]
    assert both_record["languages"]["python"] == record["languages"]["python"] and "go" in both_record["languages"]
    capsys.readouterr()
    # Scores measured with another importance table of the language: scored again.
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps({**record, "tables": {"python": "0" * 12}}))
    assert main(["search-defaults", "--set", f"python={directory}", "--ratios", "0.5", "--out", str(again),
                 "--reuse", str(stale)]) == 0
    assert str(directory) in capsys.readouterr().out
    # The same directory holding another set: scored again.
    (directory / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in QUERIES[:2]))
    assert main(["search-defaults", "--set", f"python={directory}", "--ratios", "0.5", "--out", str(again),
                 "--reuse", str(out)]) == 0
    assert str(directory) in capsys.readouterr().out


def test_search_defaults_never_choose_below_zero_shot():
    """Within the tolerance of the best but below zero-shot on one set: not chosen; zero-shot itself qualifies."""
    from leancode.training.search_defaults import choose

    cells = {"base@0": 0.500, "adapter@0": 0.5005, "adapter@0.3": 0.4990}
    sets = {"a": {"cells": cells}, "b": {"cells": {**cells, "adapter@0.3": 0.5100}}}
    assert choose(sets, tolerance=0.002) == {"ratio": 0.0, "reader": "adapter", "worst_margin": 0.0005}
    worse = {"a": {"cells": {"base@0": 0.5, "adapter@0": 0.49, "base@0.2": 0.499}}}
    assert choose(worse, tolerance=0.002) == {"ratio": 0.0, "reader": "base", "worst_margin": 0.0}
    # At the chosen ratio, the reader with the best worst margin.
    three = {"a": {"cells": {"base@0": 0.5, "adapter@0.3": 0.501, "group@0.3": 0.5015, "group@0": 0.5012}}}
    assert choose(three, tolerance=0.002) == {"ratio": 0.3, "reader": "group", "worst_margin": 0.0015}


def _further_adapter(tmp_path, monkeypatch, name="group"):
    """A copy of the shipped adapter holding a further adapter in `name`/: the shipped LoRA weights doubled (a
    real adapter that reads differently), with its own id; the copy is made the shipped adapter."""
    import shutil

    import leancode.encoder as encoder_module
    from leancode.encoder import ADAPTER_MANIFEST, SHIPPED_ADAPTER
    from safetensors.numpy import load_file, save_file

    shipped, further = tmp_path / "code-search", tmp_path / "code-search" / name
    further.mkdir(parents=True)
    for file in SHIPPED_ADAPTER.iterdir():  # its own files, not its further adapters
        if file.is_file():
            shutil.copy(file, shipped / file.name)
    (shipped / "language-defaults.json").write_text(json.dumps({"languages": {}}))  # none names a further one
    for file in ("adapter_config.json", ADAPTER_MANIFEST):
        shutil.copy(SHIPPED_ADAPTER / file, further / file)
    weights = load_file(str(SHIPPED_ADAPTER / "adapter_model.safetensors"))
    save_file({k: v * 2 if "lora_B" in k else v for k, v in weights.items()}, str(further / "adapter_model.safetensors"))
    manifest = json.loads((further / ADAPTER_MANIFEST).read_text())
    (further / ADAPTER_MANIFEST).write_text(json.dumps({**manifest, "id": "doubled00000"}))
    monkeypatch.setattr(encoder_module, "SHIPPED_ADAPTER", shipped)
    monkeypatch.setattr(encoder_module, "LANGUAGE_DEFAULTS", shipped / "language-defaults.json")
    return shipped, further


def test_language_defaults_name_a_further_adapter(tmp_path, monkeypatch):
    shipped, further = _further_adapter(tmp_path, monkeypatch)
    (shipped / "language-defaults.json").write_text(json.dumps({"languages": {
        "python": {"ratio": 0.2, "reader": "adapter"}, "go": {"ratio": 0.2, "reader": "group"}}}))
    served = Encoder(str(shipped))
    items = [(FUNCTIONS["c-sum"], "python"), (GO, "go")]
    vectors = served.encode_code(items)
    adapter, group = Encoder(str(shipped), ratio=0.2), Encoder(str(further), ratio=0.2)
    np.testing.assert_allclose(vectors[0], adapter.encode_code(items[:1])[0], atol=1e-5)
    np.testing.assert_allclose(vectors[1], group.encode_code(items[1:])[0], atol=1e-5)  # the further adapter reads Go
    assert not np.allclose(vectors[1], adapter.encode_code(items[1:])[0], atol=1e-3)
    # The further adapter's identity is part of the cache key: new weights, new vectors.
    key = served.config_key
    manifest = json.loads((further / "leancode-adapter.json").read_text())
    (further / "leancode-adapter.json").write_text(json.dumps({**manifest, "id": "doubled00001"}))
    assert Encoder(str(shipped)).config_key != key


def test_language_defaults_refuse_a_reader_that_is_not_a_further_adapter(tmp_path, monkeypatch):
    shipped, further = _further_adapter(tmp_path, monkeypatch)
    defaults = shipped / "language-defaults.json"
    defaults.write_text(json.dumps({"languages": {"go": {"ratio": 0.2, "reader": "missing"}}}))
    with pytest.raises(ValueError, match="'missing' is not an adapter inside"):
        Encoder(str(shipped))
    # A further adapter over another base would embed code where the queries' model does not look.
    defaults.write_text(json.dumps({"languages": {"go": {"ratio": 0.2, "reader": "group"}}}))
    manifest = json.loads((further / "leancode-adapter.json").read_text())
    (further / "leancode-adapter.json").write_text(json.dumps({**manifest, "base": str(tmp_path / "other-base")}))
    (tmp_path / "other-base").mkdir()
    (tmp_path / "other-base" / "config.json").write_text("{}")
    with pytest.raises(ValueError, match="code-only search adapter over"):
        Encoder(str(shipped))


def test_search_defaults_score_every_further_adapter(tmp_path, monkeypatch):
    shipped, _ = _further_adapter(tmp_path, monkeypatch)
    directory = _search_set(tmp_path / "set")
    out = tmp_path / "defaults.json"
    assert main(["search-defaults", "--set", f"python={directory}", "--ratios", "0.5", "--adapter", str(shipped),
                 "--out", str(out)]) == 0
    record = json.loads(out.read_text())
    assert set(record["scores"]["python"][str(directory)]["cells"]) == {
        f"{reader}@{ratio}" for reader in ("adapter", "base", "group") for ratio in ("0", "0.5")}
    assert set(record["readers"]) == {"adapter", "base", "group"}
    # The chosen defaults load: the served encoder reads each language as they say.
    out.replace(shipped / "language-defaults.json")
    chosen = record["languages"]["python"]
    assert Encoder(str(shipped))._role_for("python") == {"adapter": "code", "base": "base-code"}.get(
        chosen["reader"], f"reader:{chosen['reader']}")


def _inverted_table(directory):
    """The shipped Python search table with every score negated: LeanCode then keeps what it would remove."""
    from leancode.importance import ImportanceTable, default_table_dir

    table = ImportanceTable.load(default_table_dir("python"))
    inverted = {name: {k: (-mean, n) for k, (mean, n) in getattr(table, name).items()}
                for name in ("by_category_token", "by_category_kind", "by_category", "by_token", "by_kind")}
    ImportanceTable(**inverted, overall=(-table.overall[0], table.overall[1]), manifest=table.manifest).save(directory)
    return directory


def test_a_table_of_its_own_simplifies_its_language_and_keys_the_vectors(tmp_path):
    table = _inverted_table(tmp_path / "table")
    shipped, own = Encoder(ratio=0.5), Encoder(ratio=0.5, table=table)
    code = FUNCTIONS["c-http"]
    assert own.simplify([(code, "python")])[0].code != shipped.simplify([(code, "python")])[0].code
    assert own.simplify([(GO, "go")])[0].code == shipped.simplify([(GO, "go")])[0].code  # it names Python only
    assert own.config_key != shipped.config_key and own.table == str(table.resolve())


def test_eval_search_reads_a_table_of_its_own(tmp_path):
    """`leancode-train eval search --table DIR` (a custom importance table can be measured)."""
    codebase, queries = tmp_path / "codebase.jsonl", tmp_path / "queries.jsonl"
    codebase.write_text("".join(json.dumps({"idx": i, "code": c, "language": "python"}) + "\n"
                                for i, c in FUNCTIONS.items()))
    queries.write_text("".join(json.dumps(q) + "\n" for q in QUERIES))
    table, reports = _inverted_table(tmp_path / "table"), []
    for options in ([], ["--table", str(table)]):
        report = tmp_path / f"report{len(reports)}.json"
        assert main(["eval", "search", "--queries", str(queries), "--codebase", str(codebase), "--ratio", "0.5",
                     "--output", str(tmp_path / "predictions.jsonl"), "--report", str(report), *options]) == 0
        reports.append(json.loads(report.read_text()))
    shipped, own = reports
    assert shipped["table"] is None and own["table"] == str(table.resolve())
    assert "+table@" in own["config_key"] and own["config_key"] != shipped["config_key"]


def test_the_warning_for_an_index_of_other_settings_says_which():
    # "built with other encoder settings (model, method, ratio or runtime)" left the user to guess which one changed.
    from leancode.encoder import config_difference

    served = Encoder()
    said = config_difference(served.config_key, served.configured(method="slimcode", ratio=0.5).config_key)
    assert "simplification (method, ratio, tables) leancode@defaults-" in said and said.endswith("-> slimcode@0.5")
    assert config_difference(served.config_key, served.config_key) == ""
