"""The copy (pointer-generator) decoder over the packaged MiniLM's real tokenizer and encoder."""

import pytest
import torch
from transformers import AutoModel, AutoTokenizer, BertConfig

from leancode.copy_decoder import _repeats, greedy
from leancode.copy_lm import CopyLMHeadModel
from leancode.model_tokens import default_model_path

CODE = "def parse_config(path):\n    with open(path) as f:\n        return yaml_loader.safe_load(f)\n"


@pytest.fixture(scope="module")
def parts():
    path = default_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    encoder = AutoModel.from_pretrained(path, local_files_only=True).eval()
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=encoder.config.hidden_size, num_hidden_layers=1,
                        num_attention_heads=4, intermediate_size=64, is_decoder=True, add_cross_attention=True)
    torch.manual_seed(0)
    decoder = CopyLMHeadModel(config).eval()
    decoder.special_ids = tokenizer.all_special_ids
    batch = tokenizer([CODE, "x = 1"], padding=True, return_tensors="pt")
    with torch.no_grad():
        states = encoder(**batch).last_hidden_state
    return tokenizer, decoder, batch, states


def run(decoder, batch, states, steps):
    return decoder(input_ids=steps, encoder_hidden_states=states, encoder_attention_mask=batch["attention_mask"],
                   source_ids=batch["input_ids"])


def test_output_is_a_distribution_over_the_vocabulary(parts):
    tokenizer, decoder, batch, states = parts
    steps = torch.tensor([[tokenizer.cls_token_id, 2000, 2001]] * 2)
    with torch.no_grad():
        log_p = run(decoder, batch, states, steps).logits
    assert log_p.shape == (2, 3, tokenizer.vocab_size)
    assert torch.allclose(log_p.exp().sum(-1), torch.ones(2, 3), atol=1e-4)


def test_a_closed_gate_copies_only_input_pieces_and_never_special_ones(parts):
    tokenizer, decoder, batch, states = parts
    steps = torch.tensor([[tokenizer.cls_token_id]] * 2)
    with torch.no_grad():
        decoder.copy.gate.bias.fill_(-1e4)  # all mass on copying
        try:
            p = run(decoder, batch, states, steps).logits.exp()[:, 0]
        finally:
            decoder.copy.gate.bias.fill_(2.0)
    for row in range(2):
        ids = batch["input_ids"][row][batch["attention_mask"][row].bool()]
        copyable = set(ids.tolist()) - set(tokenizer.all_special_ids)
        support = set(torch.nonzero(p[row] > 1e-6)[:, 0].tolist())
        assert support == copyable  # every ordinary input piece, nothing else
        assert p[row].sum() == pytest.approx(1.0, abs=1e-4)
        assert ("safe" in tokenizer.convert_ids_to_tokens(sorted(support))) == (row == 0)


@pytest.mark.slow  # trains the copy head
def test_the_copy_head_learns_to_copy_a_body_identifier(parts):
    """Thirty steps of training the copy head alone (the vocabulary head stays random) make the summary's
    first piece the body's identifier piece `safe`: only copying can put it there."""
    tokenizer, _, batch, states = parts
    target = tokenizer.convert_tokens_to_ids("safe")
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=states.shape[-1], num_hidden_layers=1,
                        num_attention_heads=4, intermediate_size=64, is_decoder=True, add_cross_attention=True)
    torch.manual_seed(0)
    decoder = CopyLMHeadModel(config)
    decoder.special_ids = tokenizer.all_special_ids
    one = {k: v[:1] for k, v in batch.items()}
    steps = torch.tensor([[tokenizer.cls_token_id, target]])
    optimizer = torch.optim.Adam(decoder.copy.parameters(), lr=0.05)  # the copy head alone
    for _ in range(30):
        loss = decoder(input_ids=steps, encoder_hidden_states=states[:1], encoder_attention_mask=one["attention_mask"],
                       source_ids=one["input_ids"], labels=steps).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    decoder.eval()
    ids, logprobs = greedy(decoder, states[:1], one["attention_mask"], one["input_ids"], tokenizer.cls_token_id,
                           tokenizer.sep_token_id, max_new_tokens=1)
    assert ids[0][0] == target
    assert len(logprobs[0]) == 1 and logprobs[0][0] > -0.7  # it is sure of it


@pytest.mark.slow
def test_greedy_with_a_cache_matches_full_recomputation(parts):
    tokenizer, decoder, batch, states = parts
    ids, logprobs = greedy(decoder, states, batch["attention_mask"], batch["input_ids"], tokenizer.cls_token_id,
                           tokenizer.sep_token_id, max_new_tokens=6, repetition_penalty=1.3)
    for row in range(2):
        steps = [tokenizer.cls_token_id]
        for piece in ids[row]:
            with torch.no_grad():
                log_p = decoder(input_ids=torch.tensor([steps]), encoder_hidden_states=states[row:row + 1],
                                encoder_attention_mask=batch["attention_mask"][row:row + 1],
                                source_ids=batch["input_ids"][row:row + 1]).logits[0, -1]
            scores = log_p.clone()
            seen = torch.tensor(steps[1:], dtype=torch.long)
            if len(seen):
                scores[seen] = torch.where(scores[seen] < 0, scores[seen] * 1.3, scores[seen] / 1.3)
            assert int(scores.argmax()) == piece
            steps.append(piece)
        assert len(logprobs[row]) in (len(ids[row]), len(ids[row]) + 1)


def test_repeats_bans_the_last_piece_and_pieces_completing_a_seen_ngram():
    assert _repeats([[5, 6, 7, 5, 6]], adjacent=False, n=3) == [[7]]  # "5 6 7" was written: no 7 after "5 6"
    assert _repeats([[5, 6, 7, 5, 6]], adjacent=True, n=0) == [[6]]
    assert _repeats([[5, 6, 7, 5, 6]], adjacent=True, n=3) == [[6, 7]]
    assert _repeats([[5], []], adjacent=False, n=3) == [[], []]
    # words of pieces, 9 a continuation: "5 9 | 5" may not go on with 9 ("css css"), "5 9 | 6" may
    assert _repeats([[5, 9, 5], [5, 9, 6]], adjacent=True, n=0, continuations={9}) == [[5, 9], [6]]
    # 1 and 2 are punctuation: no 5 after "5 ," or "5 ( ,"; a two-piece word stops at its last piece ("5 9 , 5 | 9")
    assert _repeats([[5, 1], [5, 2, 1], [5, 9, 1], [5, 9, 1, 5], [6, 1, 7]], adjacent=True, n=0, continuations={9},
                    separators={1, 2}) == [[1, 5], [1, 5], [1], [5, 9], [7]]
    assert _repeats([[5, 1]], adjacent=True, n=0, continuations={9}) == [[1]]  # no separators given: as before


def test_a_word_cap_bans_a_word_written_cap_times_but_not_function_words_or_punctuation():
    # pieces: 5, 6 words; 9 a continuation; 1 punctuation; 3 a function word ("the")
    words = dict(adjacent=False, n=0, continuations={9}, separators={1}, free_words={3})
    assert _repeats([[5, 3, 5], [5, 3, 5]], cap=2, **words) == [[5], [5]]  # "5 the 5": no third 5
    assert _repeats([[5, 3, 6]], cap=2, **words) == [[]]
    assert _repeats([[5, 3, 6]], cap=1, **words) == [[5, 6]]
    assert _repeats([[3, 1, 3, 1]], cap=1, **words) == [[]]  # "the , the ," may go on with either
    # a two-piece word "5 9" written twice: after "5", 9 would complete it a third time; after "6", nothing
    assert _repeats([[5, 9, 3, 5, 9, 3, 5], [5, 9, 3, 5, 9, 3, 6]], cap=2, **words) == [[9], []]
    assert _repeats([[5, 3, 5]], cap=0, **words) == [[]]  # no cap: as before


def test_greedy_never_writes_a_banned_repeat(parts):
    tokenizer, decoder, batch, states = parts

    def decode(**bans):
        return greedy(decoder, states, batch["attention_mask"], batch["input_ids"], tokenizer.cls_token_id,
                      tokenizer.sep_token_id, max_new_tokens=24, **bans)[0]

    def adjacent(ids):
        return any(a == b for a, b in zip(ids, ids[1:]))

    def repeated_bigram(ids):
        pairs = list(zip(ids, ids[1:]))
        return len(pairs) != len(set(pairs))

    free = decode()
    assert any(adjacent(ids) or repeated_bigram(ids) for ids in free)  # an untrained decoder repeats itself
    assert not any(adjacent(ids) for ids in decode(ban_adjacent=True))
    assert not any(adjacent(ids) or repeated_bigram(ids) for ids in decode(ban_adjacent=True, no_repeat_ngram=2))
    # every piece a word of its own, the piece `free` repeats most a separator: no word again across it
    separator = max(range(tokenizer.vocab_size), key=lambda piece: sum(ids.count(piece) for ids in free))
    mask = torch.zeros(tokenizer.vocab_size, dtype=torch.bool)
    mask[separator] = True

    def around_separator(ids):
        return any(a == c != separator and b == separator for a, b, c in zip(ids, ids[1:], ids[2:]))

    assert any(around_separator(ids) for ids in decode(ban_adjacent=True))
    assert not any(around_separator(ids) for ids in decode(ban_adjacent=True, separators=mask))
    # every piece a word: with a cap of 1 no piece twice, but the function word (the separator's piece) is free
    assert not any(len(ids) != len(set(ids)) for ids in decode(word_cap=1))
    capped = decode(word_cap=1, function_words=mask)
    assert any(ids.count(separator) > 1 for ids in capped)
    assert not any(ids.count(piece) > 1 for ids in capped for piece in set(ids) - {separator})


def test_greedy_closes_only_a_bracket_it_opened(parts):
    # The copy head copied a function's `}` into its summary: "Returns true if the given} is a false."
    tokenizer, decoder, batch, states = parts

    def decode(**options):
        return greedy(decoder, states, batch["attention_mask"], batch["input_ids"], tokenizer.cls_token_id,
                      tokenizer.sep_token_id, max_new_tokens=24, **options)[0]

    free = decode()
    closer = max(range(tokenizer.vocab_size), key=lambda piece: sum(ids.count(piece) for ids in free))
    opener = next(piece for piece in free[0] if piece != closer)  # written, but not first
    never = tokenizer.convert_tokens_to_ids("{")
    assert not any(closer in ids for ids in decode(brackets={closer: never}))  # nothing opened it
    for ids in decode(brackets={closer: opener}):
        assert all(ids[:i].count(opener) > ids[:i].count(closer) for i, piece in enumerate(ids) if piece == closer)


def test_a_copy_decoder_refuses_to_run_without_the_source_ids(parts):
    tokenizer, decoder, batch, states = parts
    with pytest.raises(ValueError, match="source_ids"):
        decoder(input_ids=torch.tensor([[tokenizer.cls_token_id]] * 2), encoder_hidden_states=states,
                encoder_attention_mask=batch["attention_mask"])


def test_the_training_loss_is_the_mean_negative_log_probability_of_the_targets(parts):
    tokenizer, decoder, batch, states = parts
    steps = torch.tensor([[tokenizer.cls_token_id, 2000, 2001, tokenizer.sep_token_id]] * 2)
    labels = steps.clone()
    labels[1, 3] = -100  # padding is not scored
    with torch.no_grad():
        loss = decoder(input_ids=steps, encoder_hidden_states=states, encoder_attention_mask=batch["attention_mask"],
                       source_ids=batch["input_ids"], labels=labels).loss
        log_p = run(decoder, batch, states, steps).logits
    picked = [log_p[row, t, labels[row, t + 1]] for row in range(2) for t in range(3) if labels[row, t + 1] != -100]
    assert float(loss) == pytest.approx(-float(sum(picked)) / len(picked), rel=1e-4)


@pytest.mark.slow  # trains a copy summarizer
def test_a_copy_summarizer_trains_saves_reloads_and_generates(pairs, tmp_path):
    """`finetune summarize --copy` on a fresh tiny decoder; the saved directory reloads as a copy decoder that
    summarizes through `Summarizer` with each piece's log-probability, identically after reloading."""
    from leancode.summarizer import Summarizer, add_copy_head, has_copy_head, load_model, new_model
    from leancode.training.cli import main as leancode_train

    out = tmp_path / "copy"
    assert leancode_train(["finetune", "summarize", "--data", str(pairs[0]), "--out", str(out), "--max-steps", "3",
                           "--copy", "--mask-names", "0.5", "--layers", "1", "--ffn", "64", "--batch-size", "8",
                           "--seed", "0"]) == 0
    model, tokenizer, manifest = load_model(out)
    assert manifest["copy_head"] and has_copy_head(model) and model.decoder.special_ids
    summarizer = Summarizer(out, max_new_tokens=5)
    first = summarizer.generate([CODE, "x = 1"])
    again = Summarizer(out, max_new_tokens=5).generate([CODE, "x = 1"])
    assert first == again and all(g.logprobs and all(lp <= 0 for lp in g.logprobs) for g in first)
    # A decoder without a copy head keeps its trained weights when one is added.
    plain, tokenizer = new_model(layers=1, ffn=64)
    before = {k: v.clone() for k, v in plain.decoder.state_dict().items()}
    add_copy_head(plain, tokenizer)
    after = plain.decoder.state_dict()
    assert has_copy_head(plain) and all(torch.equal(before[k], after[k]) for k in before)
    assert {k for k in after if k not in before} == {k for k in after if k.startswith("copy.")}
