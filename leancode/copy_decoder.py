"""A summarizer decoder that can copy pieces of its input (a pointer-generator, See et al., 2017).

The summarizer's BERT-style decoder predicts a distribution over the vocabulary at each step; a copy head
adds a second one over the *input* pieces: a single-head attention from the decoder's last state to the
encoder's states. A gate, computed from the decoder state and what the copy attention reads, mixes the two:

    P(w) = g * P_vocab(w) + (1 - g) * sum of the copy attention on the input positions holding w

so identifiers of the body (``parse``, ``##_config``) can appear in a summary even where the decoder alone
would not produce them. Special pieces ([CLS], [SEP], [MASK], padding) are never copied. The model returns
log P as its logits, so greedy decoding needs nothing else; given labels it returns only the loss, -log P of
each target piece, computed without a (batch, steps, vocabulary) copy distribution. `greedy` decodes with a
cache and also returns each piece's log-probability.

This module needs torch only: the decoder that training builds, on Hugging Face's BERT, is
`leancode.copy_lm.CopyLMHeadModel`; the one `leancode summarize` and the server run is `leancode.summary_model`'s.
"""

from __future__ import annotations

import math
from collections import Counter

import torch
from torch import nn

GATE_BIAS = 2.0  # a fresh gate starts at sigmoid(2) = 0.88 vocabulary: a trained decoder keeps its behaviour


class CopyHead(nn.Module):
    """Copy attention over the input pieces and the gate between generating and copying."""

    def __init__(self, hidden: int):
        super().__init__()
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.gate = nn.Linear(2 * hidden, 1)
        nn.init.constant_(self.gate.bias, GATE_BIAS)

    def mix(self, states, encoder_states, copyable):
        """The copy attention (batch, steps, source) and the gate (batch, steps, 1) towards the vocabulary."""
        scores = self.query(states) @ self.key(encoder_states).transpose(1, 2) / math.sqrt(states.shape[-1])
        scores = scores.masked_fill(~copyable[:, None, :], torch.finfo(scores.dtype).min)
        attention = scores.softmax(-1) * copyable[:, None, :]  # zero everywhere when nothing is copyable
        gate = torch.sigmoid(self.gate(torch.cat([states, attention @ encoder_states], -1)))
        return attention, torch.where(copyable.any(-1)[:, None, None], gate, torch.ones_like(gate))

    def forward(self, states, encoder_states, copyable, source_ids, logits):
        """log P (batch, steps, vocab) from decoder `states`, the encoder's states, a (batch, source) mask of
        the input pieces that may be copied, their ids, and the decoder's vocabulary `logits`."""
        attention, gate = self.mix(states, encoder_states, copyable)
        copy = torch.zeros_like(logits).scatter_add_(-1, source_ids[:, None, :].expand(-1, states.shape[1], -1),
                                                     attention)
        return torch.log(gate * logits.softmax(-1) + (1 - gate) * copy + 1e-9)

    def target_log_p(self, states, encoder_states, copyable, source_ids, logits, targets):
        """log P of `targets` (batch, steps) only: what training needs, without a (batch, steps, vocab) copy."""
        attention, gate = self.mix(states, encoder_states, copyable)
        safe = targets.clamp(min=0)
        vocab = logits.log_softmax(-1).gather(-1, safe[..., None]).exp()
        copy = (attention * (source_ids[:, None, :] == safe[..., None])).sum(-1, keepdim=True)
        return torch.log(gate * vocab + (1 - gate) * copy + 1e-9)[..., 0]


def copyable_pieces(source_ids, attention_mask, special_ids: list[int]):
    """The (batch, source) mask of input pieces a copy head may copy: not padding, not special."""
    copyable = attention_mask.bool() if attention_mask is not None else torch.ones_like(source_ids, dtype=torch.bool)
    if special_ids:
        copyable = copyable & ~torch.isin(source_ids, torch.tensor(special_ids, device=source_ids.device))
    return copyable


@torch.inference_mode()
def greedy(decoder, encoder_states, encoder_mask, source_ids, start_id: int, end_id: int, max_new_tokens: int,
           repetition_penalty: float = 1.0, leads: list[list[int]] | None = None,
           continuations: torch.Tensor | None = None, ban_adjacent: bool = False,
           no_repeat_ngram: int = 0, separators: torch.Tensor | None = None, word_cap: int = 0,
           function_words: torch.Tensor | None = None, brackets: dict[int, int] | None = None,
           openers: list[list[int]] | None = None,
           banned: list[list[int]] | None = None) -> tuple[list[list[int]], list[list[float]]]:
    """Greedy summaries (piece ids, the end piece left out) and the log-probability of each piece (the end
    piece included), for a batch of encoded inputs; `decoder` is a copy decoder (either of the module docstring's).
    The repetition penalty is the one Hugging Face's generate applies (scores of pieces already generated are
    pushed down); the log-probabilities are the model's own, before it. `leads`: pieces each summary must begin
    with (the decoder continues from them, with a new word: no piece of the vocabulary mask `continuations`, "##..." in
    WordPiece, right after a lead); they are part of the summary but not of its log-probabilities.
    `ban_adjacent`: never the same piece or word twice in a row ("offset offset", "css css"; words as
    `continuations` marks them), nor with only pieces of the vocabulary mask `separators` (punctuation) between
    them ("x, y, y", "cdf (cdf"); `no_repeat_ngram` n > 0: never a piece that completes an n-gram of pieces
    already in the summary; `word_cap` k > 0: no word written a (k+1)-th time ("the type of a type"), except the
    one-piece words of the vocabulary mask `function_words` ("the", "of"). `brackets` {closing piece: its opening
    piece}: a closing bracket only where one is open (the copy head copied a function's `}` into "Returns true if
    the given} is a false."). `openers`: pieces each summary's first word after its lead may not be ("returns" for a
    function that returns nothing); `banned`: pieces each summary may not write anywhere after its lead ("returns"
    there). A summary ends where the decoder's positions do, lead included."""
    batch = encoder_states.shape[0]
    device = encoder_states.device
    leads = leads or [[] for _ in range(batch)]
    forced_steps = max(map(len, leads), default=0)
    forced = torch.full((batch, max(forced_steps, 1)), -1, dtype=torch.long, device=device)
    for row, pieces in enumerate(leads):
        forced[row, :len(pieces)] = torch.tensor(pieces, dtype=torch.long)
    lead_lengths = torch.tensor([len(pieces) for pieces in leads], device=device)
    opening = {row: len(leads[row]) for row, pieces in enumerate(openers or ()) if pieces}  # row -> first free step
    never = {row: (len(leads[row]), pieces) for row, pieces in enumerate(banned or ()) if pieces}
    # only the word bans (adjacent words, the word cap) read these
    word_continuations, word_separators, free_words = (
        set(mask.nonzero().flatten().tolist()) if (ban_adjacent or word_cap) and mask is not None else set()
        for mask in (continuations, separators, function_words))
    step_ids = torch.full((batch, 1), start_id, dtype=torch.long, device=device)
    picks, logprobs = [], []
    done = torch.zeros(batch, dtype=torch.bool, device=device)
    cache = None
    # The start piece takes position 0: a decoder of P positions writes at most P pieces, the lead's included.
    positions = getattr(getattr(decoder, "config", None), "max_position_embeddings", None)
    steps = max_new_tokens + forced_steps if positions is None else min(max_new_tokens + forced_steps, positions)
    for step in range(steps):
        out = decoder(input_ids=step_ids, encoder_hidden_states=encoder_states, encoder_attention_mask=encoder_mask,
                      source_ids=source_ids, cache=cache, use_cache=True)
        cache = out.cache
        log_p = out.logits[:, -1]
        scores = log_p
        if repetition_penalty != 1.0 and picks:
            generated = torch.stack(picks, 1)
            seen = scores.gather(1, generated)
            scores = scores.scatter(1, generated, torch.where(seen < 0, seen * repetition_penalty,
                                                              seen / repetition_penalty))
        if picks and (ban_adjacent or no_repeat_ngram or word_cap):
            banned = _repeats(torch.stack(picks, 1).tolist(), ban_adjacent, no_repeat_ngram, word_continuations,
                              word_separators, word_cap, free_words)
            scores = scores.clone()  # not the model's own log-probabilities, which are returned
            for row, pieces in enumerate(banned):
                if pieces:
                    scores[row, pieces] = -math.inf
        if brackets and picks:
            unopened = _unopened(torch.stack(picks, 1).tolist(), brackets)
            if any(unopened):
                scores = scores.clone()
                for row, pieces in enumerate(unopened):
                    if pieces:
                        scores[row, pieces] = -math.inf
        elif brackets:  # nothing is open before the first piece
            scores = scores.clone()
            scores[:, list(brackets)] = -math.inf
        if first_free := [row for row, at in opening.items() if at == step]:
            scores = scores.clone()
            for row in first_free:
                scores[row, openers[row]] = -math.inf
        if free := [(row, pieces) for row, (at, pieces) in never.items() if at <= step]:
            scores = scores.clone()
            for row, pieces in free:
                scores[row, pieces] = -math.inf
        if continuations is not None and 0 < step <= forced_steps:
            lead_ended = lead_lengths == step  # the first free step after a lead
            scores = scores.masked_fill(lead_ended[:, None] & continuations.to(device)[None, :], -math.inf)
        pick = torch.where(done, torch.full_like(done, end_id, dtype=torch.long), scores.argmax(-1))
        if step < forced_steps:
            pick = torch.where(forced[:, step] >= 0, forced[:, step], pick)
        picks.append(pick)
        chosen = log_p.gather(1, pick[:, None])[:, 0]
        logprobs.append(chosen if step >= forced_steps else torch.where(forced[:, step] >= 0, torch.nan, chosen))
        done |= pick == end_id
        step_ids = pick[:, None]
        if done.all():
            break
    ids, lps = torch.stack(picks, 1).tolist(), torch.stack(logprobs, 1).tolist()
    summaries, scores_out = [], []
    for row, lp in zip(ids, lps):
        end = row.index(end_id) if end_id in row else len(row)
        summaries.append(row[:end])
        scores_out.append([p for p in lp[:end + 1] if not math.isnan(p)])  # forced lead pieces left out
    return summaries, scores_out


def _repeats(histories: list[list[int]], adjacent: bool, n: int, continuations: set[int] = frozenset(),
             separators: set[int] = frozenset(), cap: int = 0, free_words: set[int] = frozenset()) -> list[list[int]]:
    """For each row's pieces so far, the pieces that may not come next (see `greedy`). With `adjacent`: the last
    piece; the word-continuation piece ("##..." in `continuations`) that would make the word in progress the word
    before it; and after punctuation (pieces in `separators`), the one-piece word before it. With `cap` k: a
    one-piece word already written k times (the word in progress counted), and the piece that would complete a
    longer one; punctuation and the one-piece words in `free_words` are never capped."""
    out = []
    for pieces in histories:
        words = _words(pieces, continuations)
        banned = _capped(words, cap, separators | free_words) if cap and words else set()
        if adjacent and words:
            banned.add(pieces[-1])
            *earlier, current = words
            while earlier and earlier[-1][0] in separators:  # "x, y, | y": the word before the punctuation
                earlier.pop()
            before = earlier[-1] if earlier else None
            if before and current[0] in separators:
                if len(before) == 1:
                    banned.add(before[0])
            elif before and len(before) == len(current) + 1 and before[:-1] == current and before[-1] in continuations:
                banned.add(before[-1])
        if n and len(pieces) >= n - 1:
            prefix = tuple(pieces[len(pieces) - n + 1:])
            banned |= {pieces[i + n - 1] for i in range(len(pieces) - n + 1) if tuple(pieces[i:i + n - 1]) == prefix}
        out.append(sorted(banned))
    return out


def _unopened(histories: list[list[int]], brackets: dict[int, int]) -> list[list[int]]:
    """For each row's pieces so far, the closing brackets (`brackets`' keys) with none of theirs open."""
    return [[closer for closer, opener in brackets.items() if pieces.count(opener) <= pieces.count(closer)]
            for pieces in histories]


def _capped(words: list[list[int]], cap: int, free: set[int]) -> set[int]:
    """The pieces that would write one of `words` (the last one in progress) a (cap+1)-th time."""
    counts = Counter(tuple(word) for word in words if not (len(word) == 1 and word[0] in free))
    current = words[-1]
    return {word[-1] for word, count in counts.items()
            if count >= cap and (len(word) == 1 or list(word[:-1]) == current)}


def _words(pieces: list[int], continuations: set[int]) -> list[list[int]]:
    """`pieces` cut into words: a word starts at every piece that does not continue one."""
    words = []
    for piece in pieces:
        if words and piece in continuations:
            words[-1].append(piece)
        else:
            words.append([piece])
    return words


def generate(model, input_ids, attention_mask, max_new_tokens: int, repetition_penalty: float = 1.0,
             leads: list[list[int]] | None = None, continuations: torch.Tensor | None = None,
             ban_adjacent: bool = False, no_repeat_ngram: int = 0, separators: torch.Tensor | None = None,
             word_cap: int = 0, function_words: torch.Tensor | None = None, brackets: dict[int, int] | None = None,
             openers: list[list[int]] | None = None, banned: list[list[int]] | None = None):
    """`greedy` for a summarizer (`model.encoder`, a copy decoder `model.decoder`), from tokenized inputs."""
    with torch.inference_mode():
        states = model.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    return greedy(model.decoder, states, attention_mask, input_ids, model.config.decoder_start_token_id,
                  model.config.eos_token_id, max_new_tokens, repetition_penalty, leads, continuations, ban_adjacent,
                  no_repeat_ngram, separators, word_cap, function_words, brackets, openers, banned)
