"""Fine-tuning the search encoder: a LoRA adapter over the packaged MiniLM, trained, saved, loaded by the Encoder."""

import json
import re
import shlex
import shutil

import numpy as np
import pytest
import torch

from leancode.encoder import ADAPTER_MANIFEST, SHIPPED_ADAPTER, Encoder, default_search_model
from leancode.model_tokens import PACKAGED, default_model_path
from leancode.training.cli import main as leancode_train
from leancode.training.examples import simplified_examples
from leancode.training.search_finetune import (SearchTrainConfig, distinct_summaries, embed, loss_of, new_model,
                                               retrieval_mrr, train)

pytestmark = pytest.mark.slow  # trains LoRA adapters over the packaged MiniLM

TINY = ["--lora-r", "2", "--batch-size", "8", "--lr", "1e-3", "--max-code-length", "96", "--seed", "0"]


@pytest.fixture(scope="module")
def adapter(pairs, tmp_path_factory):
    """A rank-2 adapter trained for 6 steps by the real command (objective: distill)."""
    out = tmp_path_factory.mktemp("adapter") / "search"
    assert leancode_train(["finetune", "search", "--data", str(pairs[0]), "--valid", str(pairs[0]),
                           "--valid-examples", "40", "--out", str(out), "--max-steps", "6",
                           "--ratio", "0", "--ratio", "0.5", *TINY]) == 0
    return out


def _examples(rows):
    return distinct_summaries(simplified_examples(rows, "leancode", [0.0, 0.5], None, seed=0, progress=False,
                                                  task="search"))


def _contrastive_loss(model, tokenizer, examples, config) -> float:
    """The training loss with every example in one batch."""
    with torch.no_grad():
        queries = embed(model, tokenizer, [e.summary for e in examples], config.max_query_length, "cpu")
        codes = embed(model, tokenizer, [e.source for e in examples], config.max_code_length, "cpu")
        logits = queries @ codes.T * config.scale
        return float(torch.nn.functional.cross_entropy(logits, torch.arange(len(examples))))


def test_summaries_repeated_in_the_data_are_dropped(pairs):
    rows = pairs[1][:4] + [{**pairs[1][5], "summary": pairs[1][0]["summary"].upper()}]
    assert [e.summary for e in _examples(rows)] == [r["summary"] for r in rows[:4]]


def test_contrastive_training_lowers_the_loss(pairs, tmp_path):
    torch.manual_seed(0)
    config = SearchTrainConfig(objective="contrastive", batch_size=8, lr=1e-3, lora_r=4, lora_alpha=8, max_steps=20,
                               max_code_length=96)
    model, tokenizer = new_model(PACKAGED, config)
    examples = _examples(pairs[1])
    model.eval()
    before = _contrastive_loss(model, tokenizer, examples, config)
    mrr_before = retrieval_mrr(model, tokenizer, examples, config, "cpu")
    run = train(model, tokenizer, examples, config, tmp_path, resume=False, progress=False)
    run["model"].eval()
    assert run["steps"] == 20
    assert _contrastive_loss(run["model"], tokenizer, examples, config) < 0.8 * before
    assert retrieval_mrr(run["model"], tokenizer, examples, config, "cpu") > mrr_before
    # Only the adapter trained: the base weights are untouched.
    base = run["model"].get_base_model().encoder.layer[0].attention.self.query.base_layer.weight
    fresh, _ = new_model(PACKAGED, config)
    assert torch.equal(base, fresh.get_base_model().encoder.layer[0].attention.self.query.base_layer.weight)


def test_distillation_pulls_simplified_code_onto_the_full_code_embedding(pairs, tmp_path):
    torch.manual_seed(0)
    config = SearchTrainConfig(batch_size=8, lr=2e-3, lora_r=4, lora_alpha=8, max_steps=20, max_code_length=96)
    model, tokenizer = new_model(PACKAGED, config)
    full = _examples(pairs[1])
    half = simplified_examples(pairs[1], "leancode", [0.5], None, seed=0, progress=False, task="search")
    model.eval()
    with torch.no_grad():
        assert float(loss_of(model, tokenizer, full[:8], SearchTrainConfig(), "cpu")) < 0.2  # nothing to learn
        before = float(loss_of(model, tokenizer, half, config, "cpu"))
    run = train(model, tokenizer, half, config, tmp_path, resume=False, progress=False)
    run["model"].eval()
    with torch.no_grad():
        assert float(loss_of(run["model"], tokenizer, half, config, "cpu")) < 0.8 * before


def test_resume_continues_from_the_checkpoint(pairs, tmp_path):
    config = SearchTrainConfig(batch_size=8, lr=1e-3, lora_r=2, lora_alpha=4, max_steps=2, save_every=2,
                               max_code_length=64)
    examples = _examples(pairs[1])
    train(new_model(PACKAGED, config)[0], new_model(PACKAGED, config)[1], examples, config, tmp_path,
          resume=False, progress=False)
    assert json.loads((tmp_path / "checkpoint" / "step.json").read_text())["step"] == 2
    config.max_steps = 3
    model, tokenizer = new_model(PACKAGED, config)
    run = train(model, tokenizer, examples, config, tmp_path, resume=True, progress=False)
    assert run["steps"] == 3 and run["train_loss_first_50"] is not None  # one step taken after resuming


def test_resume_without_a_checkpoint_says_it_starts_over(pairs, tmp_path, capsys):
    config = SearchTrainConfig(batch_size=8, lr=1e-3, lora_r=2, lora_alpha=4, max_steps=1, max_code_length=64)
    model, tokenizer = new_model(PACKAGED, config)
    train(model, tokenizer, _examples(pairs[1]), config, tmp_path / "mistyped", resume=True, progress=False)
    assert f"no checkpoint in {tmp_path / 'mistyped'}: --resume starts from step 0" in capsys.readouterr().err


def test_one_seed_trains_one_adapter_and_no_data_is_an_error(pairs, tmp_path, capsys):
    from safetensors.torch import load_file

    def trained(name: str, *extra: str) -> dict:
        out = tmp_path / name
        assert leancode_train(["finetune", "search", "--data", str(pairs[0]), "--out", str(out), *TINY, *extra]) == 0
        return load_file(str(out / "adapter_model.safetensors"))

    # 9 examples in batches of 8: the one left over is too few to train on, so an epoch is one step (it hung)
    first, again = trained("a", "--max-examples", "9"), trained("b", "--max-examples", "9")
    assert first.keys() == again.keys() and all(torch.equal(first[k], again[k]) for k in first)
    assert json.loads((tmp_path / "a" / ADAPTER_MANIFEST).read_text())["train"]["steps"] == 1
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert leancode_train(["finetune", "search", "--data", str(empty), "--out", str(tmp_path / "c"), *TINY]) != 0
    assert f"{empty}: no pairs" in capsys.readouterr().err


def test_adapter_is_small_and_says_how_it_was_made(adapter):
    files = {p.name: p.stat().st_size for p in adapter.iterdir()}
    assert set(files) == {"adapter_config.json", "adapter_model.safetensors", ADAPTER_MANIFEST}
    assert files["adapter_model.safetensors"] < 1_000_000  # the 90 MB base is not copied
    manifest = json.loads((adapter / ADAPTER_MANIFEST).read_text())
    assert manifest["base"] == PACKAGED and manifest["train"]["steps"] == 6 and manifest["id"]
    assert manifest["serves"] == "code" and manifest["train"]["objective"] == "distill"
    assert shlex.split(manifest["command"])[:3] == ["leancode-train", "finetune", "search"]
    assert set(manifest["valid"]) == {"valid_mrr_base", "valid_mrr_tuned", "valid_examples"}
    # No local path of the training machine in what ships.
    assert json.loads((adapter / "adapter_config.json").read_text())["base_model_name_or_path"] == PACKAGED


def test_encoder_reads_code_with_the_adapter_merged_and_queries_with_the_base(adapter):
    from peft import PeftModel
    from transformers import AutoModel, AutoTokenizer

    tuned = Encoder(model=str(adapter), method="none", quantize=False)  # fp32: compared with PyTorch below
    base = Encoder(model=default_model_path(), method="none", quantize=False)
    texts = ["def read(path):\n    with open(path) as f:\n        return f.read()", "parse the config file"]
    vectors = tuned.encode_simplified(texts)
    assert not np.allclose(vectors, base.encode_simplified(texts), atol=1e-3)
    assert np.array_equal(tuned.encode_queries(texts), base.encode_queries(texts))
    # Merged once at load = the unmerged peft model computed layer by layer.
    reference = PeftModel.from_pretrained(AutoModel.from_pretrained(default_model_path()), str(adapter)).eval()
    with torch.no_grad():
        expected = embed(reference, AutoTokenizer.from_pretrained(default_model_path()), texts, 256, "cpu")
    assert np.allclose(vectors, expected.numpy(), atol=1e-5)
    # Another model, so another index cache key.
    assert tuned.model_id != base.model_id and base.model_id in tuned.model_id


def test_training_continues_from_an_adapter(adapter, pairs, tmp_path):
    out = tmp_path / "more"
    assert leancode_train(["finetune", "search", "--data", str(pairs[0]), "--init", str(adapter), "--out", str(out),
                           "--max-steps", "2", "--ratio", "0.5", *TINY]) == 0
    manifest = json.loads((out / ADAPTER_MANIFEST).read_text())
    first = json.loads((adapter / ADAPTER_MANIFEST).read_text())
    assert manifest["init"] == str(adapter) and manifest["init_commands"] == [first["command"]]
    assert manifest["id"] != first["id"]


def test_adapter_without_its_base_is_a_clear_error(adapter, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(adapter, broken)
    manifest = json.loads((broken / ADAPTER_MANIFEST).read_text())
    (broken / ADAPTER_MANIFEST).write_text(json.dumps({**manifest, "base": str(tmp_path / "nowhere")}))
    with pytest.raises(FileNotFoundError, match="base model"):
        Encoder(model=str(broken))


def test_the_shipped_search_adapter_is_the_default():
    shipped = default_search_model()
    assert shipped == SHIPPED_ADAPTER
    assert sum(p.stat().st_size for p in shipped.iterdir()) <= 10_000_000
    manifest = json.loads((shipped / ADAPTER_MANIFEST).read_text())
    assert manifest["base"] == PACKAGED and manifest["serves"] == "code"
    assert manifest["command"].startswith("leancode-train finetune search")
    assert manifest["recipe"] == "scripts/build_search_adapter.sh"
    encoder = Encoder()
    assert encoder.path == shipped and manifest["id"] in encoder.model_id


def test_the_shipped_readers_record_how_they_were_made():
    """Each further reader the language defaults can name carries its manifest: its base, and a command that is the
    recipe script's own (with the script's default run folder)."""
    from pathlib import Path

    from leancode.encoder import extra_readers

    root = Path(__file__).resolve().parents[1]
    readers = extra_readers(SHIPPED_ADAPTER)
    assert readers, "the shipped adapter has no further reader"
    for reader in readers.values():
        manifest = json.loads((reader / ADAPTER_MANIFEST).read_text())
        assert manifest["base"] == PACKAGED and manifest["serves"] == "code"
        script = (root / manifest["recipe"]).read_text()
        run = re.search(r"^run=(?:\$\{RUN:-)?([^}\s]+)", script, re.MULTILINE).group(1)  # its default
        command = shlex.split(script.split("leancode-train finetune search", 1)[1].split("\n\n")[0]
                              .replace("\\\n", " ").replace('"$run', run).replace('"', "").split("\n")[0])
        recorded = shlex.split(manifest["command"])[3:]
        assert recorded == [word for word in command if word not in ("--recipe", manifest["recipe"])]
