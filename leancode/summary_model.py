"""The copy summarizer's network in plain torch, for `leancode summarize` and the server: no transformers import.

Training builds the summarizer from Hugging Face's BERT classes (`summarizer.load_model`), and importing
transformers costs about 5 s of a cold `leancode summarize` (torch itself about 2 s). Generating needs only what
those classes compute for it: BERT's encoder, a BERT decoder with cross-attention and a cache, the masked-LM head and
the copy head (`copy_decoder.CopyHead`). The modules here keep Hugging Face's parameter names, so the same weights
load into them by name, and dynamic int8 quantizes the same linear layers; tests/test_summary_model.py checks that
they write the transformers model's lines with its log-probabilities, in fp32 and int8. The tokenizer is the model
directory's `tokenizer.json` read by `tokenizers` (the library under transformers' fast tokenizers).
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn

from .copy_decoder import CopyHead, copyable_pieces


def supported(encoder_dir: Path) -> bool:
    """Whether this module can run a summarizer over the encoder in `encoder_dir` (a BERT with a tokenizer.json);
    else the summarizer loads through transformers."""
    try:
        config = json.loads((encoder_dir / "config.json").read_text())
    except (OSError, ValueError):
        return False
    return (config.get("model_type") == "bert" and config.get("hidden_act", "gelu") == "gelu"
            and config.get("position_embedding_type", "absolute") == "absolute"
            and (encoder_dir / "tokenizer.json").is_file() and (encoder_dir / "model.safetensors").is_file())


class _DenseNorm(nn.Module):
    """A projection, added to the residual, then LayerNorm (BERT's `*.output` blocks)."""

    def __init__(self, width_in: int, width: int, eps: float):
        super().__init__()
        self.dense = nn.Linear(width_in, width)
        self.LayerNorm = nn.LayerNorm(width, eps=eps)

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class _Projections(nn.Module):
    def __init__(self, hidden: int, heads: int):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))

    def split(self, x):
        """(batch, steps, hidden) -> (batch, heads, steps, head width)."""
        return x.view(x.shape[0], x.shape[1], self.heads, -1).transpose(1, 2)


class _Attention(nn.Module):
    def __init__(self, hidden: int, heads: int, eps: float):
        super().__init__()
        self.self = _Projections(hidden, heads)
        self.output = _DenseNorm(hidden, hidden, eps)

    def keys_values(self, states):
        return self.self.split(self.self.key(states)), self.self.split(self.self.value(states))

    def forward(self, states, keys, values, mask):
        """`mask`: None (every key) or a boolean mask broadcast to (batch, heads, steps, keys)."""
        heads = F.scaled_dot_product_attention(self.self.split(self.self.query(states)), keys, values, attn_mask=mask)
        return self.output(heads.transpose(1, 2).reshape(states.shape), states)


class _Intermediate(nn.Module):
    def __init__(self, hidden: int, width: int):
        super().__init__()
        self.dense = nn.Linear(hidden, width)


class _Layer(nn.Module):
    def __init__(self, config: dict, cross: bool):
        super().__init__()
        hidden, heads, eps = config["hidden_size"], config["num_attention_heads"], config.get("layer_norm_eps", 1e-12)
        self.attention = _Attention(hidden, heads, eps)
        if cross:
            self.crossattention = _Attention(hidden, heads, eps)
        self.intermediate = _Intermediate(hidden, config["intermediate_size"])
        self.output = _DenseNorm(config["intermediate_size"], hidden, eps)

    def forward(self, states, mask, cache: dict | None = None, encoder_states=None, encoder_mask=None):
        """One layer; a decoder's `cache` (this layer's dict) gains the step's keys and values, and the encoder's
        once."""
        keys, values = self.attention.keys_values(states)
        if cache is not None and "self" in cache:
            keys, values = (torch.cat([past, new], 2) for past, new in zip(cache["self"], (keys, values)))
        if cache is not None:
            cache["self"] = keys, values
        states = self.attention(states, keys, values, mask)
        if encoder_states is not None:
            if cache is None or "cross" not in cache:
                cross = self.crossattention.keys_values(encoder_states)
                if cache is not None:
                    cache["cross"] = cross
            else:
                cross = cache["cross"]
            states = self.crossattention(states, *cross, encoder_mask)
        return self.output(F.gelu(self.intermediate.dense(states)), states)


class _Embeddings(nn.Module):
    def __init__(self, config: dict, words: nn.Embedding | None = None):
        super().__init__()
        hidden = config["hidden_size"]
        self.word_embeddings = words or nn.Embedding(config["vocab_size"], hidden)
        self.position_embeddings = nn.Embedding(config["max_position_embeddings"], hidden)
        self.token_type_embeddings = nn.Embedding(config.get("type_vocab_size", 2), hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=config.get("layer_norm_eps", 1e-12))

    def forward(self, ids, start: int = 0):
        positions = torch.arange(start, start + ids.shape[1])[None]
        kinds = self.token_type_embeddings(torch.zeros_like(positions))
        return self.LayerNorm(self.word_embeddings(ids) + kinds + self.position_embeddings(positions))


class _Stack(nn.Module):
    def __init__(self, config: dict, cross: bool):
        super().__init__()
        self.layer = nn.ModuleList(_Layer(config, cross) for _ in range(config["num_hidden_layers"]))


def _key_mask(attention_mask):
    """A (batch, 1, 1, keys) boolean mask of the real keys, or None where every key is real."""
    if attention_mask is None or bool(attention_mask.all()):
        return None
    return attention_mask.bool()[:, None, None, :]


class CodeEncoder(nn.Module):
    """BERT's encoder (`BertModel` without its pooler)."""

    def __init__(self, config: dict):
        super().__init__()
        self.embeddings = _Embeddings(config)
        self.encoder = _Stack(config, cross=False)

    def forward(self, input_ids, attention_mask=None, **_):
        mask, states = _key_mask(attention_mask), self.embeddings(input_ids)
        for layer in self.encoder.layer:
            states = layer(states, mask)
        return SimpleNamespace(last_hidden_state=states)


class _Transform(nn.Module):
    def __init__(self, hidden: int, eps: float):
        super().__init__()
        self.dense = nn.Linear(hidden, hidden)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps)


class _Predictions(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        self.transform = _Transform(config["hidden_size"], config.get("layer_norm_eps", 1e-12))
        self.decoder = nn.Linear(config["hidden_size"], config["vocab_size"])
        self.bias = nn.Parameter(torch.zeros(config["vocab_size"]))

    def forward(self, states):
        return self.decoder(self.transform.LayerNorm(F.gelu(self.transform.dense(states))))


class _Head(nn.Module):
    def __init__(self, config: dict):
        super().__init__()
        self.predictions = _Predictions(config)

    def forward(self, states):
        return self.predictions(states)


class CopyDecoder(nn.Module):
    """`copy_lm.CopyLMHeadModel` for generating: the same call (`greedy` drives it) and weights."""

    def __init__(self, config: dict, words: nn.Embedding, special_ids: list[int]):
        super().__init__()
        self.config = SimpleNamespace(**config)
        self.bert = nn.Module()
        self.bert.embeddings = _Embeddings(config, words)
        self.bert.encoder = _Stack(config, cross=True)
        self.cls = _Head(config)
        self.cls.predictions.decoder.weight = words.weight
        self.copy = CopyHead(config["hidden_size"])
        self.special_ids = special_ids

    def forward(self, input_ids, encoder_hidden_states, encoder_attention_mask=None, source_ids=None, cache=None,
                use_cache=False, **_):
        if source_ids is None:
            raise ValueError("a copy decoder needs source_ids, the encoder's input ids")
        layers = self.bert.encoder.layer
        cache = cache if cache is not None else [{} for _ in layers] if use_cache else None
        past = cache[0]["self"][0].shape[2] if cache and "self" in cache[0] else 0
        steps = input_ids.shape[1]
        causal = torch.ones(steps, past + steps, dtype=torch.bool).tril(past) if steps > 1 else None
        encoder_mask = _key_mask(encoder_attention_mask)
        states = self.bert.embeddings(input_ids, past)
        for number, layer in enumerate(layers):
            states = layer(states, causal, cache[number] if cache is not None else None, encoder_hidden_states,
                           encoder_mask)
        copyable = copyable_pieces(source_ids, encoder_attention_mask, self.special_ids)
        log_p = self.copy(states, encoder_hidden_states, copyable, source_ids, self.cls(states))
        return SimpleNamespace(logits=log_p, cache=cache)


class Tokenizer:
    """The calls of a Hugging Face fast tokenizer the summarizer makes, on the `tokenizers` library alone."""

    def __init__(self, encoder_dir: Path):
        from tokenizers import Tokenizer as Pieces

        self.pieces = Pieces.from_file(str(encoder_dir / "tokenizer.json"))
        self.pieces.no_padding()
        self.pieces.no_truncation()
        self._vocab = self.pieces.get_vocab(with_added_tokens=True)
        specials = json.loads((encoder_dir / "special_tokens_map.json").read_text()) \
            if (encoder_dir / "special_tokens_map.json").is_file() else {}
        name = {key: value["content"] if isinstance(value, dict) else value for key, value in specials.items()}
        self.cls_token_id = self._vocab[name.get("cls_token", "[CLS]")]
        self.sep_token_id = self._vocab[name.get("sep_token", "[SEP]")]
        self.pad_token_id = self._vocab[name.get("pad_token", "[PAD]")]
        self.all_special_ids = sorted({self._vocab[token] for key, token in name.items()
                                       if isinstance(token, str) and token in self._vocab})

    def get_vocab(self) -> dict[str, int]:
        return dict(self._vocab)

    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        return self.pieces.encode(text, add_special_tokens=add_special_tokens).ids

    def tokenize(self, text: str) -> list[str]:
        return self.pieces.encode(text, add_special_tokens=False).tokens

    def __call__(self, texts, padding: bool = False, truncation: bool = False, max_length: int | None = None,
                 return_tensors: str | None = None, add_special_tokens: bool = True):
        """`input_ids` and `attention_mask`: lists for one text, (batch, longest) tensors for a list."""
        if isinstance(texts, str):
            ids = self.encode(texts, add_special_tokens)
            return {"input_ids": ids, "attention_mask": [1] * len(ids)}
        rows = [e.ids for e in self.pieces.encode_batch(list(texts), add_special_tokens=add_special_tokens)]
        if truncation and max_length:
            rows = [row if len(row) <= max_length else _truncated(row, max_length, add_special_tokens) for row in rows]
        width = max(map(len, rows), default=0)
        if not padding and len({len(row) for row in rows}) > 1:
            raise ValueError("texts of different lengths need padding=True")
        ids = torch.full((len(rows), width), self.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for number, row in enumerate(rows):
            ids[number, :len(row)], mask[number, :len(row)] = torch.tensor(row, dtype=torch.long), 1
        return {"input_ids": ids, "attention_mask": mask}

    def convert_tokens_to_ids(self, pieces: list[str]) -> list[int]:
        return [self.pieces.token_to_id(piece) for piece in pieces]

    def decode(self, ids, skip_special_tokens: bool = False, clean_up_tokenization_spaces: bool = False) -> str:
        return self.batch_decode([ids], skip_special_tokens, clean_up_tokenization_spaces)[0]

    def batch_decode(self, rows, skip_special_tokens: bool = False, clean_up_tokenization_spaces: bool = False):
        if clean_up_tokenization_spaces:
            raise ValueError("clean_up_tokenization_spaces is not supported (the summarizer cleans its lines itself)")
        return self.pieces.decode_batch([list(row) for row in rows], skip_special_tokens=skip_special_tokens)


def _truncated(row: list[int], max_length: int, specials: bool) -> list[int]:
    """A single sequence cut to `max_length` pieces, its last ([SEP]) kept, as transformers truncates it."""
    return row[:max_length - 1] + row[-1:] if specials else row[:max_length]


def load(encoder_dir: Path, decoder_config: dict, decoder_state: dict, top_state: dict):
    """(model, tokenizer, (missing, unexpected) decoder keys): the encoder in `encoder_dir` with `top_state` (its tuned
    top layers, HF names) over its weights, and the copy decoder of `decoder_config` with `decoder_state` loaded by
    name (the caller checks the keys, as for the transformers model); in eval mode, fp32."""
    from safetensors.torch import load_file

    tokenizer = Tokenizer(encoder_dir)
    encoder_config = json.loads((encoder_dir / "config.json").read_text())
    encoder = CodeEncoder(encoder_config)
    weights = {key.removeprefix("bert."): value.float()
               for key, value in load_file(str(encoder_dir / "model.safetensors")).items()
               if not key.removeprefix("bert.").startswith("pooler.") and not key.endswith("position_ids")}
    encoder.load_state_dict({**weights, **top_state}, strict=True)
    words = encoder.embeddings.word_embeddings
    config = {**decoder_config, "vocab_size": encoder_config["vocab_size"]}
    decoder = CopyDecoder(config, words, tokenizer.all_special_ids)
    keys = decoder.load_state_dict(decoder_state, strict=False)
    model = nn.Module()
    model.encoder, model.decoder = encoder, decoder
    model.config = SimpleNamespace(decoder_start_token_id=tokenizer.cls_token_id, eos_token_id=tokenizer.sep_token_id,
                                   pad_token_id=tokenizer.pad_token_id)
    return model.eval(), tokenizer, (keys.missing_keys, keys.unexpected_keys)
