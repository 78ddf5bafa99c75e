"""The summary bank: a near-identical documented function's first sentence, labelled, in place of a generated line."""

import gzip
import json
import warnings

import numpy as np
import pytest

from leancode.encoder import Encoder
from leancode.function_summary import GENERATED, SIMILAR, summarize_units
from leancode.summarizer import Summarizer, summary_input
from leancode.summary_bank import BANK_MANIFEST, DEFAULT_BANK, Neighbour, SummaryBank
from leancode.training.summary_bank import build_summary_bank
from leancode.units import extract_units, function_name
from snippets import UNDOCUMENTED

GO_TRAIN = [
    ("ParseHeader", "ParseHeader parses one header line into its key and value.",
     'func ParseHeader(line string) (string, string, error) {\n\tparts := strings.SplitN(line, ":", 2)\n'
     '\tif len(parts) != 2 {\n\t\treturn "", "", fmt.Errorf("bad header %q", line)\n\t}\n'
     '\treturn strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1]), nil\n}'),
    ("Sum", "Sum adds up the numbers.",
     "func Sum(values []int) int {\n\ttotal := 0\n\tfor _, v := range values {\n\t\ttotal += v\n\t}\n"
     "\treturn total\n}"),
]
THRESHOLD = 0.9


@pytest.fixture(scope="module")
def encoder():
    return Encoder(method="none", ratio=0.0)


@pytest.fixture(scope="module")
def bank_dir(pairs, encoder, tmp_path_factory):
    """A bank of four standard-library modules' documented functions and two Go functions."""
    mined = tmp_path_factory.mktemp("mined")
    (mined / "python").mkdir()
    (mined / "python" / "train.jsonl").write_text("".join(
        json.dumps({**r, "package": "stdlib", "name": function_name(r["code"], "python")}) + "\n" for r in pairs[1]))
    (mined / "go").mkdir()
    (mined / "go" / "train.jsonl").write_text("".join(
        json.dumps({"idx": f"go-{i}", "code": code, "summary": summary, "package": "example.com/headers",
                    "name": name}) + "\n" for i, (name, summary, code) in enumerate(GO_TRAIN)))
    out = tmp_path_factory.mktemp("bank")
    build_summary_bank(mined, out, THRESHOLD, dims=16, command="test", encoder=encoder)
    return out


def test_every_banked_function_finds_its_own_summary(bank_dir, pairs, encoder):
    """Stored in int8 over a projection, each function's own vector is still its nearest (and near 1)."""
    bank = SummaryBank(bank_dir, encoder)
    rows = pairs[1]
    found = bank.nearest([r["code"] for r in rows], ["python"] * len(rows))
    assert [n.summary for n in found] == [r["summary"] for r in rows]
    assert min(n.similarity for n in found) > 0.98
    manifest = json.loads((bank_dir / BANK_MANIFEST).read_text())
    assert manifest["encoder"] == encoder.model_id and manifest["languages"]["go"]["functions"] == 2
    assert manifest["dims"] <= 16


def test_a_near_copy_takes_the_banked_summary_labelled_and_the_rest_the_models(bank_dir, pairs, encoder):
    dedent = next(r for r in pairs[1] if r["code"].startswith("def dedent("))
    copy = dedent["code"].replace("def dedent(text)", "def strip_margin(source)").replace("text", "source")
    summarizer = Summarizer(bank=SummaryBank(bank_dir, encoder))
    units = extract_units(copy, "python") + extract_units(UNDOCUMENTED, "python")
    near, other = summarize_units(units, summarizer)
    assert near.source == SIMILAR and near.text == dedent["summary"]
    assert near.similar_to == "dedent (stdlib)"
    assert near.confidence >= THRESHOLD and near.note == (f"documentation of `dedent (stdlib)`, a mined function with "
                                                           f"similar code (similarity {near.confidence:.2f}); not this "
                                                           "function's own")
    assert other.source != SIMILAR  # the model's line (or its abstention), as without a bank
    [alone] = summarize_units(units[1:], Summarizer(bank=None))
    assert (other.source, other.text) == (alone.source, alone.text)


def test_a_go_neighbours_line_leads_with_this_functions_name(bank_dir, encoder):
    name, summary, code = GO_TRAIN[0]
    renamed = code.replace("ParseHeader", "SplitHeader")
    [line] = Summarizer(bank=SummaryBank(bank_dir, encoder)).generate(
        [renamed], leads=["SplitHeader"], languages=["go"])
    assert line.neighbour is not None and line.neighbour.name == name and line.confident
    assert line.text == "SplitHeader parses one header line into its key and value."
    method = Neighbour("Close closes the reader.", "example.com/io", "fileReader.Close", 0.9)
    assert method.line("Shutdown") == "Shutdown closes the reader." and method.line(None) == method.summary

def test_a_neighbours_line_saying_what_a_function_returning_nothing_returns_is_left_to_the_model(monkeypatch):
    from leancode.summarizer import Lead

    summarizer = Summarizer(bank=None)
    neighbour = Neighbour("Reset returns the buffer to its first state.", "example.com/buf", "Reset", 0.95)
    monkeypatch.setattr(summarizer, "_neighbours", lambda sources, languages: [neighbour] * len(sources))
    code = "func (b *Buffer) Clear() {\n\tb.n = 0\n}"
    [led] = summarizer.generate([code], leads=[Lead("Clear")], languages=["go"])
    assert led.neighbour is neighbour and led.text == "Clear returns the buffer to its first state."
    [nothing] = summarizer.generate([code], leads=[Lead("Clear", returns_nothing=True)], languages=["go"])
    assert nothing.neighbour is None and not nothing.text.startswith("Clear returns")


def test_no_function_is_lent_the_line_of_the_function_it_is_nested_in(monkeypatch):
    # body-parser's `typeChecker.checkType` was lent "Get the simple type checker." from the mined `typeChecker`
    summarizer = Summarizer(bank=None)
    outer = Neighbour("Get the simple type checker.", "body-parser", "typeChecker", 0.92)
    monkeypatch.setattr(summarizer, "_neighbours", lambda sources, languages: [outer] * len(sources))
    code = ("function typeChecker(type) {\n  return function checkType(req) {\n    return Boolean(typeis(req, type));"
            "\n  };\n}\n")
    units = extract_units(code, "javascript")
    assert [u.qualified_name for u in units] == ["typeChecker", "typeChecker.checkType"]
    [nested] = summarize_units(units[1:], summarizer)
    assert nested.source != SIMILAR and nested.text == ""
    [alike] = summarize_units(units[:1], summarizer)  # another package's function of that code: still lent
    assert (alike.source, alike.text) == (SIMILAR, "Get the simple type checker.")


def test_languages_the_bank_lacks_and_unknown_languages_go_to_the_model(bank_dir, encoder):
    bank = SummaryBank(bank_dir, encoder)
    assert bank.nearest([GO_TRAIN[1][2]], ["rust"]) == [None]
    assert bank.nearest(["def f(): pass"], ["cobol"]) == [None]


def test_a_damaged_bank_is_told_and_the_model_writes_every_line(bank_dir, encoder, tmp_path):
    damaged = tmp_path / "bank"
    damaged.mkdir()
    for file in bank_dir.iterdir():
        (damaged / file.name).write_bytes(file.read_bytes())
    (damaged / "python.json.gz").write_bytes(gzip.compress(b"[1, 2"))  # cut short
    summarizer = Summarizer(bank=SummaryBank(damaged, encoder))
    unit = extract_units(UNDOCUMENTED, "python")[0]
    with pytest.warns(UserWarning, match="python unreadable"):
        [line] = summarizer.generate([summary_input(unit)], languages=["python"])
    assert line.neighbour is None and line.text and summarizer.bank is None
    (damaged / "go.json.gz").write_bytes(gzip.compress(b'[["Sum adds.", "p"], 7]'))  # JSON, of the wrong shape
    go = SummaryBank(damaged, encoder)
    with pytest.raises(ValueError, match="not \\[summary, package, name\\]"):
        go.nearest([GO_TRAIN[1][2]], ["go"])
    (damaged / BANK_MANIFEST).write_text("{not json")
    with pytest.warns(UserWarning, match="not a readable summary bank"):
        assert Summarizer(bank=damaged).bank is None


def test_a_bank_of_another_encoder_is_refused(bank_dir, tmp_path):
    other = tmp_path / "bank"
    other.mkdir()
    for file in bank_dir.iterdir():
        (other / file.name).write_bytes(file.read_bytes())
    manifest = json.loads((other / BANK_MANIFEST).read_text())
    (other / BANK_MANIFEST).write_text(json.dumps({**manifest, "encoder": "another-model@0"}))
    summarizer = Summarizer(bank=other)
    with pytest.warns(UserWarning, match="built with encoder another-model@0"):
        [line] = summarizer.generate(["def f(x):\n    return x + 1"], languages=["python"])
    assert line.neighbour is None and summarizer.bank is None


def test_the_shipped_bank_is_the_shipped_encoders_and_small():
    assert DEFAULT_BANK.is_dir()
    bank = SummaryBank()
    assert bank.manifest["encoder"] == Encoder().model_id  # a retrained adapter needs a rebuilt bank
    assert set(bank.manifest["languages"]) == {"python", "java", "javascript", "typescript", "go", "rust"}
    assert sum(f.stat().st_size for f in DEFAULT_BANK.iterdir()) < 16 * 2**20
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        vectors, entries = bank._language("python")
    assert len(vectors) == bank.manifest["languages"]["python"]["functions"] == len(entries)
    assert np.allclose(np.linalg.norm(vectors[:100], axis=1), 1, atol=0.02)


@pytest.mark.slow
def test_eval_and_the_cli_use_the_shipped_bank_unless_told_not_to(pairs, tmp_path, capsys):
    """The pairs are standard-library functions of the shipped bank's train split: it holds them (this Python's
    version of one may differ enough from the mined one to fall below the threshold)."""
    from leancode.cli import main as leancode
    from leancode.training.cli import main as leancode_train

    for flags, banked in (([], True), (["--no-bank"], False)):
        report = tmp_path / "report.json"
        assert leancode_train(["eval", "summarize", "--data", str(pairs[0]), "--limit", "4", "--method", "none",
                               "--output", str(tmp_path / "out.txt"), "--report", str(report), *flags]) == 0
        share = json.loads(report.read_text()).get("from_bank")
        assert share >= 0.75 if banked else share is None
    capsys.readouterr()
    source = tmp_path / "vendored.py"
    dedent = next(r for r in pairs[1] if r["code"].startswith("def dedent("))
    source.write_text("import re\n\n\n" + dedent["code"] + "\n")
    for flags, expected in (([], SIMILAR), (["--no-bank", "--generated"], GENERATED)):
        assert leancode(["summarize", f"{source}:dedent", "--json", *flags]) == 0
        [item] = json.loads(capsys.readouterr().out)
        assert item["source"] in ((SIMILAR,) if expected == SIMILAR else (GENERATED, "abstained"))
        assert (item["similar_to"] == "dedent (stdlib:textwrap)") == (expected == SIMILAR)
