"""Attention a model pays to each lexical token of a code snippet.

An `AttentionScorer` runs a Hugging Face model over snippets and returns, per
lexical token of `lex(code, language)`, the mean attention over the token's
sub-word pieces (mapped by character offsets). Methods:

- `leancode-cls`: last encoder layer, attention from the first (CLS) position.
- `leancode-pooled`: last encoder layer, attention each piece receives, averaged
  over all real query positions (for mean-pooled encoders such as MiniLM).
- `leancode-query`: for mean-pooled search encoders, what each piece does to the cosine
  between the function's pooled embedding and its own query (its docstring's first
  sentence, embedded by the same model): the first-order change when the piece's last
  hidden state leaves the mean, standardised within the function and squashed to (0, 1)
  by a logistic. Functions without a docstring are not scored.
- `leancode-cross`: encoder-decoder models (a LeanCode summarizer directory or any
  Hugging Face seq2seq model); last decoder layer's cross-attention, max over decoding
  steps (teacher-forced on a target summary, else greedy decoding).
- `dietcode`: DietCode's signal is the same CLS attention, aggregated globally;
  the importance table's global lookups (`global_score`, `low_rated`) serve it.

Heads are averaged. Each snippet's piece scores are multiplied by its number of
real pieces, so uniform attention scores 1 whatever the snippet's length.
Special tokens and padding are never scored.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

import torch

from leancode.encoder import adapter_base, adapter_serves_code_only, load_model as load_encoder
from leancode.summarizer import has_copy_head, is_leancode_summarizer, load_model as load_summarizer
from leancode.tokens import Token

SCORING_METHODS = ("leancode-cls", "leancode-pooled", "leancode-query", "leancode-cross", "dietcode")
MAX_LENGTH = 512
GENERATE_STEPS = 32


def pieces_to_tokens(tokens: list[Token], offsets: list[tuple[int, int]], scores: list[float]) -> list[float | None]:
    """Mean score of the pieces overlapping each token (None: no piece, e.g. truncated away)."""
    starts = [t.start for t in tokens]
    totals, counts = [0.0] * len(tokens), [0] * len(tokens)
    for (start, end), score in zip(offsets, scores):
        i = max(bisect_right(starts, start) - 1, 0)
        while i < len(tokens) and tokens[i].start < end:
            if tokens[i].end > start:
                totals[i] += score
                counts[i] += 1
            i += 1
    return [total / count if count else None for total, count in zip(totals, counts)]


@dataclass
class AttentionScorer:
    """A model, its fast tokenizer and a method; created once, then scores many snippets."""

    model: torch.nn.Module
    tokenizer: object
    method: str
    max_length: int = MAX_LENGTH
    query_model: torch.nn.Module | None = None  # embeds the queries of `leancode-query` (None: `model`)

    def __post_init__(self):
        # The fused kernels return no attention weights; an EncoderDecoderModel's parts are set one by one.
        for part in (self.model, getattr(self.model, "encoder", None), getattr(self.model, "decoder", None)):
            if hasattr(part, "set_attn_implementation"):
                part.set_attn_implementation("eager")

    @classmethod
    def load(cls, model_path: str, method: str, device: str | None = None,
             max_length: int | None = None) -> "AttentionScorer":
        from transformers import AutoModel, AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging

        if method not in SCORING_METHODS:
            raise ValueError(f"unknown method {method!r}; methods: {', '.join(SCORING_METHODS)}")
        logging.disable_progress_bar()
        query_model = None
        if method == "leancode-cross" and is_leancode_summarizer(model_path):
            model, tokenizer, _ = load_summarizer(model_path)
        elif method != "leancode-cross" and adapter_base(Path(model_path)):  # a search adapter: merged into its base
            tokenizer = AutoTokenizer.from_pretrained(str(adapter_base(Path(model_path))))
            model = load_encoder(Path(model_path), attn_implementation="eager")
            if method == "leancode-query" and adapter_serves_code_only(Path(model_path)):  # queries read by the base
                query_model = AutoModel.from_pretrained(str(adapter_base(Path(model_path))))
        else:
            tokenizer = AutoTokenizer.from_pretrained(model_path)
            auto = AutoModelForSeq2SeqLM if method == "leancode-cross" else AutoModel
            model = auto.from_pretrained(model_path, attn_implementation="eager")
        if not tokenizer.is_fast:
            raise ValueError(f"{model_path}: a fast tokenizer is needed (for character offsets)")
        device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        model.to(device).eval()
        if query_model is not None:
            query_model.to(device).eval()
        limit = min(MAX_LENGTH, tokenizer.model_max_length,
                    getattr(model.config, "max_position_embeddings", MAX_LENGTH))
        return cls(model, tokenizer, method, max_length or limit, query_model)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def token_scores(self, codes: list[str], tokens: list[list[Token]], targets: list[str | None] | None = None,
                     batch_size: int = 16) -> list[list[float | None]]:
        """Per-token scores of each snippet (`tokens[i]` = `lex(codes[i], language)`)."""
        out: list[list[float | None]] = [[] for _ in codes]
        # Snippets with a target and without are batched apart; similar lengths pad less.
        for with_target in (False, True):
            group = sorted((i for i in range(len(codes)) if bool(targets and targets[i]) == with_target),
                           key=lambda i: len(codes[i]))
            if self.method == "leancode-query" and not with_target:  # no query to align with: not scored
                for i in group:
                    out[i] = [None] * len(tokens[i])
                continue
            for b in range(0, len(group), batch_size):
                batch = group[b:b + batch_size]
                batch_targets = [targets[i] for i in batch] if with_target else None
                for i, (offsets, scores) in zip(batch, self.piece_scores([codes[i] for i in batch], batch_targets)):
                    out[i] = pieces_to_tokens(tokens[i], offsets, scores)
        return out

    @torch.no_grad()
    def piece_scores(self, codes: list[str], targets: list[str | None] | None = None):
        """(character offsets, normalised score) of each snippet's real pieces."""
        enc = self.tokenizer(codes, padding=True, truncation=True, max_length=self.max_length,
                             return_offsets_mapping=True, return_special_tokens_mask=True, return_tensors="pt")
        offsets = enc.pop("offset_mapping")
        real = enc["attention_mask"].bool() & ~enc.pop("special_tokens_mask").bool()
        enc = enc.to(self.device)
        if self.method == "leancode-cross":
            attention = self._cross(enc, targets)
        elif self.method == "leancode-query":
            attention = self._query_alignment(enc, targets)
        else:
            last = self.model(**enc, output_attentions=True).attentions[-1].mean(1)  # (batch, query, key)
            if self.method == "leancode-pooled":
                mask = enc["attention_mask"].unsqueeze(-1).to(last.dtype)
                attention = (last * mask).sum(1) / mask.sum(1)
            else:  # leancode-cls, dietcode
                attention = last[:, 0]
        attention = attention.float().cpu()
        result = []
        for row, keep, offs in zip(attention, real, offsets):
            scores = row[keep] if self.method == "leancode-query" else row[keep] * keep.sum()
            result.append((offs[keep].tolist(), scores.tolist()))
        return result

    def _query_alignment(self, enc, targets: list[str | None]) -> torch.Tensor:
        """Per piece, the logistic of its standardised first-order gain in cosine(pooled code, query): (batch, source)."""
        states = self.model(**enc).last_hidden_state
        query = self.tokenizer(list(targets), padding=True, truncation=True, max_length=64, return_tensors="pt")
        query = query.to(self.device)
        hidden = (self.query_model or self.model)(**query).last_hidden_state
        mask = query["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        q = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
        real = enc["attention_mask"].unsqueeze(-1).to(states.dtype)
        mean = (states * real).sum(1) / real.sum(1)
        unit = torch.nn.functional.normalize(mean, dim=-1)
        cosine = (unit * q).sum(-1, keepdim=True)
        # d cos(mean, q) / d mean = (q - cos * unit) / |mean|; a piece leaving the mean moves it by -(h - mean) / (n - 1)
        gain = ((states - mean.unsqueeze(1)) * (q - cosine * unit).unsqueeze(1)).sum(-1)
        real = real.squeeze(-1).bool()
        z = torch.zeros_like(gain)
        for row in range(gain.shape[0]):
            values = gain[row, real[row]]  # at least [CLS] and [SEP]: the spread is defined
            z[row, real[row]] = (values - values.mean()) / (values.std() + 1e-6)
        return torch.sigmoid(z)

    def _cross(self, enc, targets: list[str | None] | None) -> torch.Tensor:
        """Last decoder layer's cross-attention, mean over heads, max over decoding steps: (batch, source)."""
        source = {k: enc[k] for k in ("input_ids", "attention_mask")}
        decoder, steps = self._decoder_steps(source, targets)
        if has_copy_head(self.model):  # its output carries no attentions: its decoder's BERT layers are read directly
            states = self.model.encoder(**source).last_hidden_state
            cross = self.model.decoder.bert(decoder, encoder_hidden_states=states, output_attentions=True,
                                            encoder_attention_mask=source["attention_mask"],
                                            return_dict=True).cross_attentions[-1].mean(1)
        else:
            cross = self.model(**source, decoder_input_ids=decoder, output_attentions=True).cross_attentions[-1].mean(1)
        return (cross * steps.unsqueeze(-1).to(cross.dtype)).amax(1)

    def _decoder_steps(self, source: dict, targets: list[str | None] | None) -> tuple[torch.Tensor, torch.Tensor]:
        """(decoder input ids, mask of the real decoding steps): the targets teacher-forced, else greedy output."""
        model, tokenizer = self.model, self.tokenizer
        if targets:
            decoder_config = getattr(model.config, "decoder", model.config)
            length = min(self.max_length, getattr(decoder_config, "max_position_embeddings", self.max_length))
            labels = tokenizer(list(targets), padding=True, truncation=True, max_length=length, return_tensors="pt")
            steps = labels["attention_mask"].bool().to(self.device)
            ids = labels["input_ids"].to(self.device)
            start = model.config.decoder_start_token_id
            # A tokenizer that already starts targets with the decoder's start token (BERT's [CLS]) gives
            # decoder inputs as they are; others (T5, BART) are shifted right as in training.
            shifted = bool((ids[:, 0] == start).all())
            decoder = ids if shifted else model.prepare_decoder_input_ids_from_labels(labels=ids)
        else:
            generated = model.generate(**source, max_new_tokens=GENERATE_STEPS, do_sample=False, num_beams=1)
            decoder, produced = generated[:, :-1], generated[:, 1:]
            eos_ids = model.generation_config.eos_token_id
            eos_ids = torch.tensor([] if eos_ids is None else eos_ids, dtype=torch.long, device=produced.device)
            eos = torch.isin(produced, eos_ids.reshape(-1))
            steps = (eos.long().cumsum(1) - eos.long()) == 0  # up to and including the first end of sequence
        return decoder, steps
