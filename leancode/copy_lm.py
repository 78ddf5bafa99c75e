"""The copy decoder as training builds it: Hugging Face's `BertLMHeadModel` with `copy_decoder.CopyHead`."""

from __future__ import annotations

from transformers import BertLMHeadModel
from transformers.modeling_outputs import CausalLMOutputWithCrossAttentions

from .copy_decoder import CopyHead, copyable_pieces


class CopyLMHeadModel(BertLMHeadModel):
    """`BertLMHeadModel` with a copy head; `source_ids` (the encoder's input ids) are needed in every call."""

    def __init__(self, config):
        super().__init__(config)
        self.copy = CopyHead(config.hidden_size)
        self.special_ids: list[int] = []  # set by the summarizer from its tokenizer: never copied

    def forward(self, input_ids=None, attention_mask=None, encoder_hidden_states=None, encoder_attention_mask=None,
                labels=None, cache=None, use_cache=None, source_ids=None, **kwargs):
        if source_ids is None:
            raise ValueError("a copy decoder needs source_ids, the encoder's input ids")
        if labels is not None:
            use_cache = False
        out = self.bert(input_ids, attention_mask=attention_mask, encoder_hidden_states=encoder_hidden_states,
                        encoder_attention_mask=encoder_attention_mask, cache=cache, use_cache=use_cache,
                        return_dict=True)
        states = out.last_hidden_state
        copyable = copyable_pieces(source_ids, encoder_attention_mask, self.special_ids)
        if labels is not None:  # next-piece prediction, as BertLMHeadModel shifts it; log P of the targets only
            targets = labels[:, 1:]
            log_p = self.copy.target_log_p(states[:, :-1], encoder_hidden_states, copyable, source_ids,
                                           self.cls(states[:, :-1]), targets)
            keep = targets != -100
            return CausalLMOutputWithCrossAttentions(loss=-(log_p * keep).sum() / keep.sum().clamp(min=1))
        log_p = self.copy(states, encoder_hidden_states, copyable, source_ids, self.cls(states))
        return CausalLMOutputWithCrossAttentions(logits=log_p, cache=out.cache)
