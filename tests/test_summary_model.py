"""The summarizer in plain torch (`leancode.summary_model`) writes the transformers model's lines, and
`leancode summarize` runs without importing transformers."""

import inspect
import subprocess
import sys
import textwrap

import pytest
import torch

from leancode.summarizer import Summarizer, load_model, summary_input, summary_lead
from leancode.units import extract_units
from snippets import SNIPPETS

pytestmark = pytest.mark.slow  # four loads of the shipped summarizer


def _inputs():
    """Functions of every language, and of textwrap and shlex, as the hover reads them."""
    units = [u for language, code in SNIPPETS.items() for u in extract_units(code, language)]
    for module in (textwrap, __import__("shlex")):
        units += extract_units(inspect.getsource(module), "python")
    return ([summary_input(u) for u in units], [summary_lead(u.code, u.language, u.name) for u in units],
            [u.language for u in units])


@pytest.mark.parametrize("precision", ["int8", "fp32"])
def test_plain_torch_writes_the_transformers_models_lines(precision):
    sources, leads, languages = _inputs()
    plain = Summarizer(precision=precision)
    reference = Summarizer(precision=precision, runtime="transformers")
    assert type(plain.model.decoder).__module__ == "leancode.summary_model"
    assert type(reference.model).__module__.startswith("transformers.")
    ours, theirs = (s.generate(sources, leads=leads, languages=languages) for s in (plain, reference))
    assert len(ours) == len(sources) > 30 and {"typescript", "go"} <= set(languages)  # a routed model, a lead
    assert [line.text for line in ours] == [line.text for line in theirs]
    for mine, other in zip(ours, theirs):
        assert mine.logprobs == pytest.approx(other.logprobs, abs=1e-4)


def test_teacher_forced_scores_match_with_padding_and_a_causal_mask():
    sources, _, _ = _inputs()
    (plain, tokenizer, _), (reference, theirs, _) = (load_model(Summarizer().path, runtime)
                                                     for runtime in ("plain", "transformers"))
    batch = tokenizer(sources[:6], padding=True, truncation=True, max_length=64, return_tensors="pt")
    assert all(torch.equal(batch[key], theirs(sources[:6], padding=True, truncation=True, max_length=64,
                                              return_tensors="pt")[key]) for key in batch)
    assert not bool(batch["attention_mask"].all())  # padded rows
    target = tokenizer(["returns the value of a key"] * 6, padding=True, return_tensors="pt")["input_ids"]
    with torch.inference_mode():
        states = [m.encoder(**batch).last_hidden_state for m in (plain, reference)]
        torch.testing.assert_close(states[0], states[1], atol=1e-5, rtol=1e-5)
        scores = [m.decoder(input_ids=target, encoder_hidden_states=s, encoder_attention_mask=batch["attention_mask"],
                            source_ids=batch["input_ids"]).logits for m, s in zip((plain, reference), states)]
    torch.testing.assert_close(scores[0], scores[1], atol=1e-4, rtol=1e-4)


def test_leancode_summarize_never_imports_transformers_nor_torch_unless_the_model_is_asked(tmp_path):
    code = tmp_path / "strip.py"
    code.write_text("def strip_lines(text):\n    return '\\n'.join(l.strip() for l in text.splitlines())\n")
    for flags, unloaded, sources in (([], ("transformers", "torch"), ('"source": "not generated"',)),
                                     (["--generated"], ("transformers",), ('"source": "generated"',
                                                                           '"source": "abstained"'))):
        # Generated lines off, the summary bank alone answers (its encoder in ONNX Runtime): 0.7 s, not 3.5 s
        check = (f"import sys; from leancode.cli import main; code = main(['summarize', sys.argv[1], '--json', "
                 f"*{flags!r}]); assert code == 0 and not any(m.split('.')[0] in {unloaded!r} for m in sys.modules)")
        done = subprocess.run([sys.executable, "-c", check, str(code)], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        assert any(source in done.stdout for source in sources), done.stdout


@pytest.mark.parametrize("repeats", [3, 8])  # a lead of about 20 pieces (it fits), one of over 24 (it does not)
def test_a_go_function_whose_name_fills_the_decoder_still_gets_a_line(repeats):
    # Go summaries lead with the name; the decoder has 48 positions, and a long name once ran past them (IndexError).
    from leancode.function_summary import summarize_units

    name = "Xq" + "ZkWpQvJx" * repeats
    [unit] = extract_units(f"package a\n\nfunc {name}(a int) int {{\n\treturn a + 1\n}}\n", "go")
    summarizer = Summarizer()
    assert len(summarizer.tokenizer.tokenize(name)) > 48 - 40
    [line] = summarizer.generate([summary_input(unit)], leads=[summary_lead(unit.code, "go", unit.name)],
                                 languages=["go"])
    assert line.text and len(line.logprobs) <= 48
    [summary] = summarize_units([unit], summarizer, generated=True)
    assert summary.signature and summary.source in ("generated", "abstained")
