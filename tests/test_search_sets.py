"""Held-out search sets from mined pairs (`leancode-train search-sets`)."""

import json

import pytest

from leancode.training.cli import main
from leancode.training.search_sets import build_search_set

from snippets import SNIPPETS


def pair(idx, language, summary, code=None):
    return {"idx": idx, "code": code or SNIPPETS[language], "language": language, "summary": summary,
            "package": f"pkg-{language}", "path": "x", "name": "f"}


def test_ambiguous_queries_and_duplicate_code_are_dropped():
    pairs = [pair("go-1", "go", "Parse the config file."), pair("rs-1", "rust", "Return the value."),
             pair("js-1", "javascript", "Return the value."),
             pair("go-2", "go", "A copy.", code=SNIPPETS["go"].replace("\n", "\n\n"))]  # same code, other spacing
    queries, codebase = build_search_set(pairs)
    assert [c["idx"] for c in codebase] == ["go-1", "rs-1", "js-1"]
    assert queries == [{"idx": "q-go-1", "query": "Parse the config file.", "gold": "go-1"}]


def test_command_writes_the_benchmark_format_per_language(tmp_path):
    mined, out = tmp_path / "mined", tmp_path / "sets"
    for language in ("typescript", "rust"):
        (mined / language).mkdir(parents=True)
        lines = [pair(f"{language}-{i}", language, f"Summary {i} of {language}.", SNIPPETS[language] + f"// {i}")
                 for i in range(3)]
        (mined / language / "test.jsonl").write_text("".join(json.dumps(p) + "\n" for p in lines))
    assert main(["search-sets", "--mined", str(mined), "--out", str(out)]) == 0
    manifest = json.loads((out / "MANIFEST.json").read_text())
    assert {language: {k: entry[k] for k in ("queries", "functions", "packages", "split")}
            for language, entry in manifest["languages"].items()} == {
        language: {"queries": 3, "functions": 3, "packages": 1, "split": "test"} for language in ("rust", "typescript")}
    queries = [json.loads(line) for line in open(out / "rust" / "queries.jsonl")]
    codebase = {json.loads(line)["idx"] for line in open(out / "rust" / "codebase.jsonl")}
    assert {q["gold"] for q in queries} == codebase


def test_joined_splits_a_seeded_limit_and_a_manifest_kept_across_runs(tmp_path):
    mined, out = tmp_path / "mined", tmp_path / "sets"
    for language, split, count in (("typescript", "valid", 4), ("typescript", "test", 2), ("go", "test", 9)):
        (mined / language).mkdir(parents=True, exist_ok=True)
        lines = [pair(f"{language}-{split}-{i}", language, f"Summary {i} of {split}.",
                      SNIPPETS[language] + f"// {split} {i}") for i in range(count)]
        (mined / language / f"{split}.jsonl").write_text("".join(json.dumps(p) + "\n" for p in lines))
    assert main(["search-sets", "--mined", str(mined), "--out", str(out), "--language", "go", "--limit", "5"]) == 0
    sampled = [json.loads(line)["idx"] for line in open(out / "go" / "codebase.jsonl")]
    assert main(["search-sets", "--mined", str(mined), "--out", str(out), "--language", "go", "--limit", "5"]) == 0
    assert [json.loads(line)["idx"] for line in open(out / "go" / "codebase.jsonl")] == sampled  # seeded
    assert len(sampled) == 5 and sampled == sorted(sampled, key=lambda idx: int(idx.rsplit("-", 1)[1]))
    assert main(["search-sets", "--mined", str(mined), "--out", str(out), "--language", "typescript",
                 "--split", "valid+test"]) == 0
    manifest = json.loads((out / "MANIFEST.json").read_text())
    assert manifest["languages"]["go"]["functions"] == 5 and manifest["languages"]["go"]["limit"] == 5
    assert manifest["languages"]["typescript"]["split"] == "valid+test"
    codebase = [json.loads(line)["idx"] for line in open(out / "typescript" / "codebase.jsonl")]
    assert len(codebase) == 6 and {idx.split("-")[1] for idx in codebase} == {"valid", "test"}
    # A damaged manifest is replaced, with a warning, not a crash.
    for damaged in ("{not json", "[1, 2]", '{"languages": 3}'):
        (out / "MANIFEST.json").write_text(damaged)
        with pytest.warns(UserWarning, match="MANIFEST.json: unreadable"):
            assert main(["search-sets", "--mined", str(mined), "--out", str(out), "--language", "go"]) == 0
        assert list(json.loads((out / "MANIFEST.json").read_text())["languages"]) == ["go"]


def test_a_method_is_written_as_the_index_embeds_it_and_code_alone_on_request():
    method = dict(pair("java-1", "java", "Parse a date."), name="DateTime.parse")
    go_method = dict(pair("go-1", "go", "Parse a date."), name="Parser.Parse")  # Go names its receiver already
    function = pair("rs-1", "rust", "Return the value.")  # no owner
    _, codebase = build_search_set([method, go_method, function])
    assert [c["code"] for c in codebase] == [f"// DateTime.parse\n{SNIPPETS['java']}", SNIPPETS["go"], SNIPPETS["rust"]]
    _, alone = build_search_set([method, go_method, function], code_alone=True)
    assert [c["code"] for c in alone] == [SNIPPETS["java"], SNIPPETS["go"], SNIPPETS["rust"]]
