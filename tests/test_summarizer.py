"""The summarizer: training a tiny decoder over the packaged MiniLM, saving, loading, evaluating, the CLI."""

import inspect
import json
import re
import shlex
import textwrap
from pathlib import Path

import pytest
import torch

from leancode.cli import main as leancode
from leancode.importance import ImportanceTable
from leancode.languages import LANGUAGES
from leancode.model_tokens import default_model_path
from leancode.simplify import simplify
from leancode.detokenize import clean_summary
from leancode.summarizer import REPETITION_PENALTY, Summarizer, load_model, new_model, save_decoder
from leancode.units import extract_units
from leancode.training.cli import main as leancode_train
from leancode.training.examples import NAME_MASK, body_only, mask_function_name, simplified_examples
from leancode.training.summarize_finetune import (TopLayersAndDecoder, TrainConfig, decoder_batch, encoder_states,
                                                  mean_loss, train)

pytestmark = pytest.mark.slow  # every test here trains or loads a summarizer

ROOT = Path(__file__).resolve().parents[1]
TINY = ["--layers", "1", "--ffn", "64", "--batch-size", "8", "--lr", "3e-3", "--seed", "0"]


@pytest.fixture(scope="module")
def tiny(pairs, tmp_path_factory):
    """A 1-layer decoder trained for 12 steps by the real command."""
    out = tmp_path_factory.mktemp("model") / "tiny"
    assert leancode_train(["finetune", "summarize", "--data", str(pairs[0]), "--out", str(out), "--max-steps", "12",
                           "--ratio", "0", "--ratio", "0.5", *TINY]) == 0
    return out


def test_training_lowers_the_loss(pairs, tmp_path):
    torch.manual_seed(0)
    model, tokenizer = new_model(layers=1, ffn=64)
    examples = simplified_examples(pairs[1], "leancode", [0.0], None, seed=0, progress=False)
    states, seconds = encoder_states(model, tokenizer, examples, tmp_path, "cpu", progress=False)
    assert seconds > 0 and len(states) == len(examples) and states[0].shape[1] == 384
    before = mean_loss(model.decoder, states, tokenizer, examples, "cpu")
    run = train(model, tokenizer, examples, states, TrainConfig(max_steps=15, batch_size=8, lr=3e-3), tmp_path,
                resume=False, progress=False)
    after = mean_loss(model.decoder, states, tokenizer, examples, "cpu")
    assert run["steps"] == 15 and after < before - 1.0
    # The states are cached: a second call computes nothing.
    assert encoder_states(model, tokenizer, examples, tmp_path, "cpu", progress=False)[1] == 0


def test_resume_after_a_crash_matches_an_uninterrupted_run(pairs, tmp_path, monkeypatch):
    def run(work, resume=False):
        torch.manual_seed(0)
        model, tokenizer = new_model(layers=1, ffn=64)
        examples = simplified_examples(pairs[1], "none", [0.0], None, seed=0, progress=False)
        states, _ = encoder_states(model, tokenizer, examples, work, "cpu", progress=False)
        config = TrainConfig(max_steps=6, batch_size=8, lr=3e-3, save_every=3)
        train(model, tokenizer, examples, states, config, work, resume=resume, progress=False)
        return model.decoder.state_dict()

    straight = run(tmp_path / "a")
    step = torch.optim.AdamW.step
    calls = []

    def crashing_step(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("power cut")
        return step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.AdamW, "step", crashing_step)
    with pytest.raises(RuntimeError, match="power cut"):
        run(tmp_path / "b")
    monkeypatch.setattr(torch.optim.AdamW, "step", step)
    assert json.loads((tmp_path / "b" / "checkpoint" / "step.json").read_text())["step"] == 3
    resumed = run(tmp_path / "b", resume=True)
    for key, value in straight.items():
        assert torch.allclose(value, resumed[key], atol=1e-6), key


def test_time_limit_stops_training_early_and_still_saves(pairs, tmp_path):
    model, tokenizer = new_model(layers=1, ffn=64)
    examples = simplified_examples(pairs[1], "none", [0.0], None, seed=0, progress=False)
    states, _ = encoder_states(model, tokenizer, examples, tmp_path, "cpu", progress=False)
    run = train(model, tokenizer, examples, states, TrainConfig(max_steps=50, batch_size=8, time_limit=0.0),
                tmp_path, resume=False, progress=False)
    assert run["steps"] == 0 and run["planned_steps"] == 50  # the limit is spent before the first step
    assert json.loads((tmp_path / "checkpoint" / "step.json").read_text())["step"] == 0


def test_name_masking_hides_the_function_name_from_the_encoder(pairs):
    code = "def parse_row(line):\n    parts = line.split(',')\n    return parse_row_v2(parts) or parse_row(parts)\n"
    assert mask_function_name(code, code, "python") == (
        f"def {NAME_MASK}(line):\n    parts = line.split(',')\n    return parse_row_v2(parts) or {NAME_MASK}(parts)\n")
    java = "int sizeOf(List<String> xs) { return xs == null ? 0 : xs.size(); }"
    assert mask_function_name(java, java, "java").startswith(f"int {NAME_MASK}(")
    assert mask_function_name("x = 1\n", "x = 1\n", "python") == "x = 1\n"  # no function: unchanged
    rows = pairs[1]
    masked = simplified_examples(rows, "leancode", [0.0, 0.5], None, seed=0, progress=False, mask_names=0.5)
    plain = simplified_examples(rows, "leancode", [0.0, 0.5], None, seed=0, progress=False)
    changed = [m.source != p.source for m, p in zip(masked, plain)]
    assert 0 < sum(changed) < len(rows)  # a share, not all or none
    assert all(NAME_MASK in m.source for m, c in zip(masked, changed) if c)


def test_dropping_the_signature_leaves_the_whole_body(pairs):
    rows = pairs[1]
    dropped = simplified_examples(rows, "leancode", [0.0, 0.5], None, seed=0, progress=False, drop_signature=0.5)
    plain = simplified_examples(rows, "leancode", [0.0, 0.5], None, seed=0, progress=False)
    changed = [d for d, p in zip(dropped, plain) if d.source != p.source]
    assert 0 < len(changed) < len(rows)  # a share, not all or none
    for example in changed:
        name = extract_units(example.code, "python")[0].name
        header = example.code[:example.code.index(":\n")]
        assert not example.source.lstrip().startswith("def") and f"def {name}" not in example.source
        assert body_only(example.code, simplify(example.code, "python", method="none"))[0] == example.source
        assert header not in example.source and 0 < example.pieces_kept < example.pieces_full
    java = "int sizeOf(List<String> xs) { return xs == null ? 0 : xs.size(); }"
    source, pieces = body_only(java, simplify(java, "java", method="none"))
    assert source.split() == "{ return xs == null ? 0 : xs.size(); }".split() and pieces > 10


def test_saved_model_is_small_and_reloads_identically(tiny, tmp_path):
    files = {p.name: p.stat().st_size for p in tiny.iterdir()}
    assert set(files) == {"config.json", "decoder.safetensors", "leancode-summarizer.json"}
    assert files["decoder.safetensors"] < 4_000_000  # the 23 MB of word embeddings come from the encoder
    manifest = json.loads((tiny / "leancode-summarizer.json").read_text())
    assert manifest["train"]["steps"] == 12 and manifest["simplification"]["ratios"] == [0.0, 0.5]
    assert manifest["simplification"]["repeat_discount"] == 0.5  # the default, recorded
    assert manifest["encoder"].startswith("packaged:") and "finetune summarize" in manifest["command"]

    first = Summarizer(tiny, precision="fp32")  # as trained, to save again
    save_decoder(first.model, tmp_path / "again", first.manifest)
    second = Summarizer(tmp_path / "again", precision="fp32")
    sources = ["def add(a, b):\n    return a + b",
               "def read(path):\n    with open(path) as f:\n        return f.read()"]
    assert first.summarize(sources) == second.summarize(sources)
    batch = first.tokenizer(sources, padding=True, return_tensors="pt")
    target = first.tokenizer(["return the sum"] * 2, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        a = first.model(**batch, decoder_input_ids=target).logits
        b = second.model(**batch, decoder_input_ids=target).logits
    assert torch.equal(a, b)
    # Shared embeddings stay tied to the encoder after loading.
    model = second.model
    assert model.decoder.cls.predictions.decoder.weight.data_ptr() == \
        model.encoder.embeddings.word_embeddings.weight.data_ptr()


def test_tuned_top_encoder_layer_is_trained_saved_and_reloaded(pairs, tmp_path):
    out = tmp_path / "tuned"
    assert leancode_train(["finetune", "summarize", "--data", str(pairs[0]), "--out", str(out), "--max-steps", "6",
                           "--ratio", "0", "--tune-top-layers", "1", "--encoder-lr", "1e-3", "--mask-names", "0.5",
                           *TINY]) == 0
    manifest = json.loads((out / "leancode-summarizer.json").read_text())
    assert manifest["encoder_tuned_layers"] == 1 and manifest["simplification"]["mask_names"] == 0.5
    assert (out / "encoder_top.safetensors").stat().st_size < 4_000_000  # one layer, float16

    tuned, packaged = load_model(out)[0], new_model(layers=1, ffn=64)[0]
    differs = [not torch.equal(a, b) for a, b in zip(tuned.encoder.encoder.layer, packaged.encoder.encoder.layer)
               for a, b in zip(a.parameters(), b.parameters())]
    per_layer = len(differs) // 6
    assert not any(differs[:5 * per_layer]) and any(differs[5 * per_layer:])  # only the top layer moved

    # Training reads cached states from below the top layer and runs it; inference runs the whole encoder:
    # both must compute the same function.
    tokenizer = load_model(out)[1]
    examples = simplified_examples(pairs[1][:4], "none", [0.0], None, seed=0, progress=False)
    states, _ = encoder_states(tuned, tokenizer, examples, tmp_path / "work", "cpu", progress=False, below_top=1)
    batch = decoder_batch(states, tokenizer, examples, list(range(len(examples))), "cpu")  # what a training step reads
    source = tokenizer([e.source for e in examples], padding=True, truncation=True, max_length=256,
                       return_tensors="pt")
    with torch.no_grad():
        full = tuned(**source, decoder_input_ids=batch["input_ids"], decoder_attention_mask=batch["attention_mask"])
        cached = TopLayersAndDecoder(tuned, 1).eval()(**batch)
    assert torch.allclose(full.logits, cached.logits, atol=1e-3)  # float16 states; without the layer: 0.17

    (out / "encoder_top.safetensors").unlink()
    with pytest.raises(ValueError, match="encoder_top.safetensors is missing"):
        load_model(out)


def test_broken_model_directory_is_a_clear_error(tiny, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("config.json", "leancode-summarizer.json"):
        (broken / name).write_text((tiny / name).read_text())
    config = json.loads((tiny / "config.json").read_text())
    config["num_hidden_layers"] = 2
    (broken / "config.json").write_text(json.dumps(config))
    (broken / "decoder.safetensors").write_bytes((tiny / "decoder.safetensors").read_bytes())
    with pytest.raises(ValueError, match="do not match"):
        load_model(broken)


def test_a_hugging_face_seq2seq_model_loads_by_path(tmp_path):
    from transformers import AutoTokenizer, T5Config, T5ForConditionalGeneration

    tokenizer = AutoTokenizer.from_pretrained(default_model_path())
    config = T5Config(vocab_size=len(tokenizer), d_model=32, d_kv=16, num_layers=1, num_decoder_layers=1, num_heads=2,
                      d_ff=64, pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.sep_token_id,
                      decoder_start_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    T5ForConditionalGeneration(config).save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    source = "def f(x):\n    return x"
    [summary] = Summarizer(tmp_path, max_new_tokens=5).summarize([source])
    # The line is that model's own greedy output for the source (decoded and cleaned), not any string.
    model = T5ForConditionalGeneration.from_pretrained(tmp_path).eval()
    with torch.no_grad():
        enc = tokenizer([source], return_tensors="pt")
        ids = model.generate(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], max_new_tokens=5,
                             do_sample=False, repetition_penalty=REPETITION_PENALTY)
    expected = clean_summary(tokenizer.decode(ids[0], skip_special_tokens=True, clean_up_tokenization_spaces=False))
    assert summary == expected and summary.strip() and "\n" not in summary


def test_cross_attention_table_from_the_trained_summarizer(tiny, pairs, tmp_path):
    out = tmp_path / "table"
    assert leancode_train(["importance", "--model", str(tiny), "--corpus", str(pairs[0]), "--language", "python",
                           "--method", "leancode-cross", "--out", str(out), "--max-functions", "20"]) == 0
    table = ImportanceTable.load(out)
    assert table.manifest["task"] == "summarize" and table.manifest["functions"] == 20
    code = pairs[1][0]["code"]
    result = simplify(code, "python", ratio=0.5, table=table, task="summarize")
    assert result.model_tokens_kept <= result.model_tokens * 0.5 + 1


def test_eval_summarize_writes_predictions_and_report(tiny, pairs, tmp_path, capsys):
    output, report = tmp_path / "pred.txt", tmp_path / "report.json"
    assert leancode_train(["eval", "summarize", "--data", str(pairs[0]), "--method", "leancode", "--ratio", "0.5",
                           "--model", str(tiny), "--output", str(output), "--report", str(report),
                           "--limit", "10", "--repeat-discount", "1"]) == 0
    lines = output.read_text().splitlines()
    assert [line.split("\t")[0] for line in lines] == [r["idx"] for r in pairs[1][:10]]
    assert all(len(line.split("\t")) == 2 for line in lines)
    data = json.loads(report.read_text())
    assert data["functions"] == 10 and 0 <= data["bleu"] <= 100 and data["repeat_discount"] == 1
    assert data["model_tokens_kept"] <= 0.5 * data["model_tokens"] + 10
    assert json.loads(capsys.readouterr().out)["bleu"] == data["bleu"]


def test_leancode_summarize_cli(tiny, tmp_path, capsys):
    source = tmp_path / "wrap.py"
    source.write_text(textwrap.dedent(inspect.getsource(textwrap.indent)) + "\n\n"
                      + textwrap.dedent(inspect.getsource(textwrap.dedent)))
    model = ["--model", str(tiny)]
    assert leancode(["summarize", f"{source}:dedent", *model]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith(f"{source}:") and " dedent:" in out and len(out.splitlines()) == 1

    line = len(textwrap.dedent(inspect.getsource(textwrap.indent)).splitlines())  # indent's last line
    assert leancode(["summarize", f"{source}:{line}", "--json", *model]) == 0
    [item] = json.loads(capsys.readouterr().out)
    assert item["name"] == "indent" and item["line"] == 1 and isinstance(item["summary"], str)

    assert leancode(["summarize", str(source), "--json", *model]) == 0
    assert [i["name"] for i in json.loads(capsys.readouterr().out)][:1] == ["indent"]


@pytest.mark.parametrize("target, message", [
    ("{dir}/wrap.py:nothing", "no function named 'nothing'"),
    ("{dir}/wrap.py:999", "no function at"),
    ("{dir}/wrap.py:999", "(line 999 is past its end: it has 2 lines)"),
    ("{dir}/missing.py", "unreadable"),
    ("{dir}/blob.py", "binary"),
    ("{dir}/notes.txt", "cannot tell the language"),
])
def test_leancode_summarize_errors(tiny, tmp_path, capsys, target, message):
    (tmp_path / "wrap.py").write_text("def f(x):\n    return x\n")
    (tmp_path / "blob.py").write_bytes(b"\0\x01 binary")
    (tmp_path / "notes.txt").write_text("hello")
    assert leancode(["summarize", target.format(dir=tmp_path), "--model", str(tiny)]) == 2
    assert message in capsys.readouterr().err


def test_command_line_is_recorded(tiny):
    manifest = json.loads((tiny / "leancode-summarizer.json").read_text())
    assert shlex.split(manifest["command"])[:3] == ["leancode-train", "finetune", "summarize"]


def test_the_shipped_summarizer(tmp_path, capsys):
    from leancode.summarizer import MANIFEST, default_summarizer_dir

    shipped = default_summarizer_dir()
    size = sum(p.stat().st_size for p in shipped.rglob("*") if p.is_file())  # routed languages' models too
    assert size <= 40_000_000
    manifest = json.loads((shipped / MANIFEST).read_text())
    assert manifest["encoder"].startswith("packaged:")
    assert manifest["command"].startswith("leancode-train finetune summarize")
    assert manifest["simplification"]["table"] == "shipped default"  # each language's own table
    assert manifest["copy_head"] and manifest["simplification"]["mask_names"] == 0.4
    # The encoder's top layer was tuned: the command says so, and its weights ship beside the decoder.
    assert "--tune-top-layers 1 " in manifest["command"] and manifest["encoder_tuned_layers"] == 1
    assert (shipped / "encoder_top.safetensors").is_file()
    assert manifest["simplification"]["repeat_discount"] == 0.5
    # Every training command it records, oldest first, is a step of the recipe, in the recipe's order (the continued
    # script's rounds in turn; a chain may end before the last round).
    steps = []
    for name in ("build_summarizer.sh", "build_copy_summarizer.sh", "build_continued_summarizer.sh"):  # in order
        recipe = (ROOT / "scripts" / name).read_text().replace("\\\n", " ").replace('"$data', "data/mined/python")
        commands = [line for line in recipe.splitlines() if line.strip().startswith("leancode-train finetune summarize")]
        rounds = re.findall(r"^\s*\d\) (run=.*) ;;$", recipe, re.MULTILINE)
        init = re.search(r"init=\$\{INIT:-(\S+)\}", recipe)  # the model the script starts from, by default
        for values in [dict(pair.split("=") for pair in line.split()) for line in rounds] or [{}]:
            values.setdefault("init", values.get("from") or (init.group(1) if init else "$init"))
            steps += [" ".join(re.sub(r"\$(\w+)", lambda m: values.get(m.group(1), m.group(0)), command)
                               .replace('"', "").split()) for command in commands]
    chain = manifest["init_commands"] + [manifest["command"]]
    assert len(chain) >= 6 and chain == steps[:len(chain)]
    # A language routed to its own model: that model continues the shipped one's chain by later steps of the recipe.
    for language, sub in manifest.get("routes", {}).items():
        routed = json.loads((shipped / sub / MANIFEST).read_text())
        routed_chain = routed["init_commands"] + [routed["command"]]
        assert routed_chain[:len(chain)] == chain and language in LANGUAGES, language
        later = [steps.index(command) for command in routed_chain[len(chain):]]
        assert later and later == sorted(later) and later[0] >= len(chain)

    source = tmp_path / "wrap.py"
    source.write_text(textwrap.dedent(inspect.getsource(textwrap.dedent)))
    assert leancode(["summarize", f"{source}:dedent", "--json"]) == 0
    [item] = json.loads(capsys.readouterr().out)
    assert len(item["summary"].split()) >= 2 and item["model"] == str(shipped)


def test_a_line_with_a_made_up_word_is_withheld():
    """A word that is no vocabulary piece, no word of the training summaries and no identifier of the code read is
    one the decoder glued from pieces: the line is not shown, whatever its confidence; TypeScript's model inherits
    the list."""
    from leancode.summarizer import SUMMARY_WORDS, Generated, default_summarizer_dir

    summarizer = Summarizer()
    record = json.loads((default_summarizer_dir() / SUMMARY_WORDS).read_text())
    assert "whitespace" in record["words"] and "whitespace" not in summarizer.vocabulary  # a known multi-piece word
    assert record["sources"] and all("/train.jsonl" in source for source in record["sources"])  # training splits only
    source = "def dedent_lines(textwrapper):\n    return [line.lstrip() for line in textwrapper]\n"
    assert summarizer.invented("Remove leading whitespace from every line in textwrapper.", source) == ()
    assert summarizer.invented("Return the value of the pickledcacheal 2.", source) == ("pickledcacheal",)
    assert summarizer.invented("Split the dedent_lines.", source) == ()  # an identifier of the code read
    # hyphenated: known ones ("non-empty") and the code's own ("x-forwarded-for") pass, glued ones do not
    assert summarizer.invented("Whether a version is a pre-matches the pre-compile-time.", source) \
        == ("pre-matches", "pre-compile-time")
    assert summarizer.invented("Return the non-empty lines of a UTF-8 text.", source) == ()
    assert summarizer.invented("Read the X-Forwarded-For header.", 'def ip(r):\n    return r["x-forwarded-for"]') == ()
    line = Generated("Return the pickledcacheal.", (-0.1,), threshold=-20.0, invented=("pickledcacheal",))
    assert line.confidence() > line.threshold and not line.confident
    assert Generated("Return the cache.", (-0.1,), threshold=-20.0).confident
    assert summarizer.for_language("typescript").known_words == summarizer.known_words


def test_a_line_writing_a_word_three_times_is_withheld():
    """"return the month of the month in the month" says nothing: a word other than the function words written three
    times withholds the line, whatever its confidence; twice is allowed, as are "the" and "of" any number of times."""
    from leancode.summarizer import Generated, repeated_words, restated_word

    assert repeated_words("Return the month of the Month in the month.") == ("month",)
    assert repeated_words("Convert a list of ints to a list of strings of the list.") == ("list",)
    assert repeated_words("Return the value of the key of the item of the map.") == ()
    assert repeated_words("copy a node from the given node.") == ()
    # ... nor says one word twice around its verb and nothing else: it restates, it does not describe
    assert restated_word("copy a node from the given node.") == ("node",)
    assert restated_word("copy a node from the given node and its children.") == ()
    assert restated_word("Checks whether the class is a class.") == ("class",)
    assert restated_word("Flattens a list of lists.") == restated_word("Split a string into strings.") == ()
    assert restated_word("readfile reads a file from the given file.", "readfile") == ("file",)
    assert restated_word("Removes an intercept.") == restated_word("Sets the path of a file.") == ()
    restating = Generated("Return the path of the path.", (-0.1,), threshold=-20.0, repeated=("path",))
    assert restating.confidence() > restating.threshold and not restating.confident
    line = Generated("Return the month of the month in the month.", (-0.1,), threshold=-20.0,
                     repeated=("month",))
    assert line.confidence() > line.threshold and not line.confident
    summarizer = Summarizer()
    [generated] = summarizer.generate(["def days(month):\n    return month"], leads=["return"], languages=["python"])
    assert generated.repeated == (repeated_words(generated.text) or restated_word(generated.text, "return"))


@pytest.mark.parametrize("damage", [b"{\"words\": [\"whitespace\", ", b"\xff\xfe\x00", b"[1, 2]"])
def test_an_unreadable_word_list_is_told_and_withholds_more(tmp_path, damage):
    """A damaged summary-words.json neither stops the summarizer nor lets a made-up word through: it warns, and only
    vocabulary pieces and the code's identifiers count as known."""
    import shutil

    from leancode.summarizer import SUMMARY_WORDS, default_summarizer_dir

    model = tmp_path / "model"
    shutil.copytree(default_summarizer_dir(), model, ignore=shutil.ignore_patterns("typescript"))
    (model / SUMMARY_WORDS).write_bytes(damage)
    with pytest.warns(UserWarning, match="summary-words.json: unreadable"):
        summarizer = Summarizer(model)
    assert summarizer.known_words == frozenset()
    source = "def dedent_lines(text):\n    return [line.lstrip() for line in text]\n"
    assert summarizer.invented("Remove leading whitespace from every line in text.", source) == ("whitespace",)
    assert str(summarizer.summarize([source])[0]).strip()  # still summarizes


def test_a_model_that_is_not_here_is_an_error_not_a_download(tmp_path):
    for name in ("no-such-model", str(tmp_path / "missing")):  # a hub id not in the cache, a mistyped path
        with pytest.raises(ValueError, match="local directories only"):
            Summarizer(name)
