"""The code summarizer: a pre-trained encoder (frozen, or its top layers tuned) and a small decoder
that reads its states.

A LeanCode summarizer directory holds only what training made: the decoder's config
(`config.json`), its weights without the word embeddings (`decoder.safetensors`, float16),
the encoder's tuned top layers if any (`encoder_top.safetensors`, float16) and a manifest
(`leancode-summarizer.json`) naming the encoder and how the model was trained. The manifest may
route languages to other summarizer directories inside it (`"routes": {"typescript":
"typescript"}`): those languages' functions are summarized by that model, under this one's abstention
record (one threshold for what the directory serves, calibrated over every language's lines as served). The decoder
shares the encoder's vocabulary and word embeddings (input and output), so the packaged
all-MiniLM-L6-v2 supplies them and its other layers at load time and the directory stays
small. Any other directory or hub id loads as a Hugging Face seq2seq model (for example
`Salesforce/codet5-base`).
"""

from __future__ import annotations

import functools
import json
import math
import re
import threading
import warnings
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from .detokenize import agree_articles, clean_summary, spell_as_code
from .model_tokens import PACKAGED, resolve_model
from .summary_bank import DEFAULT_BANK, Neighbour, SummaryBank

MANIFEST = "leancode-summarizer.json"
WEIGHTS = "decoder.safetensors"
# Words a summary may use beyond the vocabulary's single pieces and the code read (scripts/build_summary_words.py).
SUMMARY_WORDS = "summary-words.json"
TOP_WEIGHTS = "encoder_top.safetensors"
MODELS_DIR = Path(__file__).parent / "models"
MAX_SOURCE_LENGTH = 256
MAX_SUMMARY_LENGTH = 40
# Chosen on the validation split (300 functions) with an earlier model than the shipped one (greedy 11.76 ->
# 12.20 BLEU, no-repeat-3 11.96, beam 4 11.73); re-measured with the shipped model and its repeat bans, 1.0, 1.15 and
# 1.5 each lowered the mean over six languages at LeanCode 0.5 (docs/experiments.md).
REPETITION_PENALTY = 1.3
# Repeats the copy decoder never writes ("the offset offset of"): the same piece twice in a row, and a piece that
# would repeat a 3-gram of pieces. Chosen on the validation samples of BENCHMARKS.md "Summaries: no repeated words"
# (LeanCode 0.5: +0.07 BLEU over six languages, adjacent pieces alone +0.02), beside the penalty above.
BAN_ADJACENT = True
NO_REPEAT_NGRAM = 3
# With BAN_ADJACENT, a word is not written again with only punctuation between ("x, y, y", "cdf (cdf)").
BAN_ACROSS_PUNCTUATION = True
# Words a summary may repeat freely; any other word written WITHHELD_REPEATS times withholds the line from users
# ("return the month of the month in the month"): on validation such lines scored 10.7 BLEU against 16.0 for the
# other shown lines (BENCHMARKS.md "Summaries: no repeated words").
FUNCTION_WORDS = frozenset(
    "a an and are as at be by for from given if in into is it its not of on or that the this to when whether which "
    "with".split())
WITHHELD_REPEATS = 3
# A function that certainly returns nothing (`returns_nothing`) gets a summary that does not begin with these words:
# Go's lines went on "Truncate returns the next buffer in the buffer." for 38 of 59 validation functions without a
# result (their references: none); BENCHMARKS.md "Summaries: no 'returns' where nothing is returned".
NOT_RETURNING_OPENERS = ("returns", "return", "gets", "get")
# ... nor these anywhere: a ban on the first word alone moved Go's to the second ("next tagpr returns the next token",
# 8 of 59 validation functions; Python's "read the file and return the filename.").
NOT_RETURNING_WORDS = ("returns", "return")
BAN_RETURNS_WHEN_NOTHING_RETURNED = True
# The decoder may instead never write a word more than WORD_CAP times (0: no cap); not served: a cap of 2 lost
# 0.01 BLEU on average at LeanCode 0.5 (docs/experiments.md).
WORD_CAP = 0
# What the summarizer reads by default: the largest ratio of the BLEU table in BENCHMARKS.md keeping
# at least 97% of the full-input BLEU (97.0% at 0.5 on its 400 functions, 98.9% on the whole test split).
DEFAULT_METHOD = "leancode"
DEFAULT_RATIO = 0.5
# How sure the model is of a greedy summary, from the log-probabilities of its pieces (end of sequence included).
# The manifest's "abstention" record names the score and threshold `leancode-train calibrate summarize` chose.
CONFIDENCE_SCORES = {
    "mean": lambda lp: sum(lp) / len(lp),  # mean log-probability per piece
    "min": min,  # the least likely piece
    "sum": sum,  # the whole sequence's log-probability (favours short summaries)
}
# How the decoder's linear layers run on the CPU: "int8" (dynamic int8 weights, per output channel) or "fp32".
# int8 cut a hover summary to p50 46 / p95 73 ms (fp32: 146 / 208 ms) and moved BLEU at LeanCode 0.5 by at most
# 0.2 in every language, none significant (BENCHMARKS.md, "Summaries: int8 against fp32"); the encoder stays fp32
# (int8 there moved BLEU more). The shipped threshold is calibrated in int8, the precision served.
PRECISIONS = ("int8", "fp32")
DEFAULT_PRECISION = "int8"
# Which classes run a LeanCode copy summarizer: "plain" (`leancode.summary_model`, plain torch: the same lines without
# importing transformers, about 5 s of a cold start) or "transformers" (Hugging Face's, as training builds it).
RUNTIMES = ("plain", "transformers")
DEFAULT_RUNTIME = "plain"
# Tied to the encoder's word embeddings; never saved.
SHARED_KEYS = ("bert.embeddings.word_embeddings.weight", "cls.predictions.decoder.weight")


def default_summarizer_dir() -> Path:
    """The shipped summarizer: one model for all six languages."""
    return MODELS_DIR / "code-summarize"


def is_leancode_summarizer(path: str | Path) -> bool:
    return (Path(path) / MANIFEST).is_file()


def new_model(encoder: str = PACKAGED, layers: int = 3, heads: int = 6, ffn: int = 1536, copy: bool = False):
    """A fresh `EncoderDecoderModel`: the pre-trained encoder, frozen, and a randomly initialised decoder
    (with a copy head over the input pieces when `copy`: `leancode.copy_decoder`)."""
    from transformers import AutoConfig, BertConfig

    hidden = AutoConfig.from_pretrained(resolve_model(encoder), local_files_only=True).hidden_size
    config = BertConfig(hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
                        intermediate_size=ffn, max_position_embeddings=MAX_SUMMARY_LENGTH + 8, copy_head=copy)
    return _assemble(encoder, config)


def has_copy_head(model) -> bool:
    """Whether `model`'s decoder can copy input pieces (`copy_lm.CopyLMHeadModel` or `summary_model.CopyDecoder`)."""
    return bool(getattr(getattr(getattr(model, "decoder", None), "config", None), "copy_head", False))


def add_copy_head(model, tokenizer):
    """`model` with its decoder given a fresh copy head (its trained weights kept): a summarizer that can copy."""
    model.decoder.config.copy_head = True
    decoder = _decoder(model.decoder.config, model.encoder.get_input_embeddings(), tokenizer)
    decoder.load_state_dict(model.decoder.state_dict(), strict=False)  # all but the copy head's weights
    model.decoder = decoder
    return model


def _decoder(decoder_config, shared, tokenizer, initialise: bool = True):
    """The decoder `decoder_config` describes (a copy decoder if it says so), sharing the word embeddings;
    not `initialise`: its weights are left unset, for a caller that loads them all (a third of a load's time)."""
    from transformers import BertLMHeadModel

    with nullcontext() if initialise else _no_init_weights():
        if getattr(decoder_config, "copy_head", False):
            from .copy_lm import CopyLMHeadModel

            decoder = CopyLMHeadModel(decoder_config)
            decoder.special_ids = list(tokenizer.all_special_ids)
        else:
            decoder = BertLMHeadModel(decoder_config)
    decoder.bert.embeddings.word_embeddings = shared
    decoder.cls.predictions.decoder.weight = shared.weight
    return decoder


def _no_init_weights():
    try:
        from transformers.initialization import no_init_weights  # transformers 5
    except ImportError:
        from transformers.modeling_utils import no_init_weights
    return no_init_weights()


def _assemble(encoder: str, decoder_config, initialise: bool = True):
    from transformers import AutoModel, AutoTokenizer, EncoderDecoderModel
    from transformers.utils import logging

    import torch

    logging.disable_progress_bar()
    path = resolve_model(encoder)
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    enc = AutoModel.from_pretrained(path, local_files_only=True, dtype=torch.float32)
    decoder_config.vocab_size = enc.config.vocab_size
    decoder_config.is_decoder = decoder_config.add_cross_attention = True
    dec = _decoder(decoder_config, enc.get_input_embeddings(), tokenizer, initialise)
    model = EncoderDecoderModel(encoder=enc, decoder=dec)
    model.encoder.requires_grad_(False)
    for key, value in (("decoder_start_token_id", tokenizer.cls_token_id), ("eos_token_id", tokenizer.sep_token_id),
                       ("pad_token_id", tokenizer.pad_token_id)):
        setattr(model.config, key, value)
        setattr(model.generation_config, key, value)
    return model, tokenizer


def _top_layer_keys(encoder, count: int) -> set[str]:
    """State-dict keys of the encoder's last `count` transformer layers (what `--tune-top-layers` trains)."""
    layers = encoder.encoder.layer
    return {f"encoder.layer.{i}.{k}" for i in range(len(layers) - count, len(layers)) for k in layers[i].state_dict()}


def save_decoder(model, directory: str | Path, manifest: dict) -> None:
    """Write the decoder (float16, shared embeddings left out), the encoder's tuned top layers
    (`manifest["encoder_tuned_layers"]`, if any) and the manifest."""
    import torch
    from safetensors.torch import save_file

    def half(state):
        return {k: v.detach().to(torch.float16).cpu().contiguous() for k, v in state.items() if k not in SHARED_KEYS}

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    save_file(half(model.decoder.state_dict()), str(directory / WEIGHTS))
    tuned = manifest.get("encoder_tuned_layers", 0)
    (directory / TOP_WEIGHTS).unlink(missing_ok=True)
    if tuned:
        state = model.encoder.state_dict()
        save_file(half({k: state[k] for k in _top_layer_keys(model.encoder, tuned)}), str(directory / TOP_WEIGHTS))
    model.decoder.config.to_json_file(str(directory / "config.json"))
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def load_model(path: str | Path, runtime: str = "transformers"):
    """(model, tokenizer, manifest) from a LeanCode summarizer directory; the model is in eval mode. `runtime`
    "plain": a copy summarizer over a BERT encoder loads as `leancode.summary_model`'s network (generating only, no
    transformers import), any other as "transformers": Hugging Face's `EncoderDecoderModel`, which training needs."""
    from safetensors.torch import load_file

    if runtime not in RUNTIMES:
        raise ValueError(f"runtime must be one of {', '.join(RUNTIMES)}, not {runtime!r}")
    path = Path(path)
    manifest = json.loads((path / MANIFEST).read_text())
    config = json.loads((path / "config.json").read_text())
    state = {k: v.float() for k, v in load_file(str(path / WEIGHTS)).items()}
    tuned = manifest.get("encoder_tuned_layers", 0)
    top = {}
    if tuned:
        if not (path / TOP_WEIGHTS).is_file():
            raise ValueError(f"{path}: the manifest names {tuned} tuned encoder layers but {TOP_WEIGHTS} is missing")
        top = {k: v.float() for k, v in load_file(str(path / TOP_WEIGHTS)).items()}
    encoder_dir = Path(resolve_model(manifest["encoder"]))
    if runtime == "plain" and config.get("copy_head"):
        from . import summary_model

        if summary_model.supported(encoder_dir):
            try:
                model, tokenizer, (missing, unexpected) = summary_model.load(encoder_dir, config, state, top)
            except (KeyError, RuntimeError) as error:  # weights of another shape or name, a token missing
                raise ValueError(f"{path}: does not load ({type(error).__name__}: {error}); its weights, config and "
                                 f"encoder {encoder_dir} must match") from error
            _check_decoder(path, missing, unexpected)
            _check_top(path, top, model.encoder, tuned)
            return model, tokenizer, manifest
    from transformers import BertConfig

    model, tokenizer = _assemble(manifest["encoder"], BertConfig.from_dict(config),
                                 initialise=False)  # every decoder weight is loaded below, or the load fails
    _check_decoder(path, *model.decoder.load_state_dict(state, strict=False))
    if tuned:
        _check_top(path, top, model.encoder, tuned)
        model.encoder.load_state_dict(top, strict=False)
    return model.eval(), tokenizer, manifest


def _check_decoder(path: Path, missing: list[str], unexpected: list[str]) -> None:
    """Every decoder weight but the shared embeddings was loaded, and nothing else."""
    if unexpected or set(missing) - set(SHARED_KEYS):
        raise ValueError(f"{path}: decoder weights do not match its config "
                         f"(missing {sorted(set(missing) - set(SHARED_KEYS))}, unexpected {unexpected})")


def _check_top(path: Path, top: dict, encoder, tuned: int) -> None:
    if set(top) != (_top_layer_keys(encoder, tuned) if tuned else set()):
        raise ValueError(f"{path}: {TOP_WEIGHTS} does not match the encoder's top {tuned} layers")


class Lead(str):
    """How a summary begins: the word it begins with ("" for none: as falsy as no lead), and, where the function
    certainly returns nothing (`returns_nothing`), that it does not say what it returns; where a Go function returns
    only an error (`error_only`), that it does not begin so ("decodeStruct returns a new value from the given name."
    for 33 of 102 such validation functions)."""

    returns_nothing: bool
    error_only: bool

    def __new__(cls, word: str, returns_nothing: bool = False, error_only: bool = False) -> "Lead":
        lead = super().__new__(cls, word)
        lead.returns_nothing = returns_nothing
        lead.error_only = error_only
        return lead


def summary_lead(code: str, language: str, name: str | None = None) -> Lead | None:
    """How a summary of `code` (one function) begins: with its name in Go (`LanguageSpec.doc_leads_with_name`), and
    never with "returns" where the function returns nothing (`returns_nothing`); None for neither. `name`: the
    function's, where the caller has it (no parse)."""
    from .languages import LANGUAGES
    from .units import function_name

    spec = LANGUAGES.get(language)
    node = _outermost(code, language) if BAN_RETURNS_WHEN_NOTHING_RETURNED else None  # parsed once for both
    nothing = _returns_nothing(node, language)
    if spec and spec.doc_leads_with_name:
        if name is None:
            name = function_name(code, language)
        if name.isidentifier():  # an anonymous function has no name to lead with
            return Lead(name, nothing, _returns_error_only(node, language))
    return Lead("", True) if nothing else None


def _outermost(code: str, language: str):
    """The outermost function of one function's code (`units.outermost_function`) where its language's signature or
    statements can say it returns nothing (`_NO_VALUE`); None elsewhere."""
    from .units import outermost_function

    return outermost_function(code, language) if language in _NO_VALUE else None


def returns_error_only(code: str, language: str) -> bool:
    """Whether one Go function's only result is `error`, named or not (its summary says what it does, not "returns
    the X"), and its name is not about errors (`Err() error` returns one: "Err returns the ..." is its line)."""
    return _returns_error_only(_outermost(code, language), language)


def _returns_error_only(node, language: str) -> bool:
    if language != "go" or node is None or node.has_error \
            or "err" in _node_text(node.child_by_field_name("name")).lower():
        return False
    result = node.child_by_field_name("result")
    if result is not None and result.type == "parameter_list" and result.named_child_count == 1 \
            and len(result.named_children[0].children_by_field_name("name")) <= 1:
        result = result.named_children[0].child_by_field_name("type")  # `(err error)`, `(error)`
    return result is not None and _node_text(result) == "error"


def _node_text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def returns_nothing(code: str, language: str) -> bool:
    """Whether one function's code certainly returns no value: no result in its Go signature, no `->` in Rust's,
    `void` in Java's; in Python, JavaScript and TypeScript no `return` of a value and no `yield` of its own (those of
    the functions inside it are theirs), no expression body (`(a) => a`) and, in TypeScript, no return type but
    `void`. False wherever unsure (a function that does not parse)."""
    return _returns_nothing(_outermost(code, language), language)


def _returns_nothing(node, language: str) -> bool:
    from .languages import spec_for

    if node is None or node.has_error:
        return False
    if language == "go":
        return node.child_by_field_name("result") is None
    if language == "rust":
        return node.child_by_field_name("return_type") is None
    if language == "java":
        returned = node.child_by_field_name("type")
        return returned is not None and returned.type == "void_type"
    returned = node.child_by_field_name("return_type")
    body = node.child_by_field_name("body")
    if returned is not None and _node_text(returned).lstrip(":").strip() != "void" \
            or body is None or body.type not in ("block", "statement_block"):
        return False
    own = spec_for(language).functions | {"class_definition", "class_declaration", "class", "lambda"}
    nodes = list(body.named_children)
    while nodes:  # its own statements, not those of the functions and classes inside it
        inner = nodes.pop()
        if inner.type in _NO_VALUE[language] and (inner.type != "return_statement" or inner.named_child_count):
            return False
        if inner.type not in own:
            nodes.extend(inner.named_children)
    return True


def begins_with_returns(line: str, lead: str | None) -> bool:
    """Whether a line's first word after its lead says what is returned (NOT_RETURNING_OPENERS)."""
    first = re.search(r"[\w']+", line[len(lead or ""):])
    return first is not None and first.group().lower() in NOT_RETURNING_OPENERS


def says_returns(line: str, lead: str | None) -> bool:
    """Whether a line says what is returned: it begins so (`begins_with_returns`), or a later word is one of
    NOT_RETURNING_WORDS."""
    return begins_with_returns(line, lead) or any(w in NOT_RETURNING_WORDS
                                                  for w in re.findall(r"[\w']+", line[len(lead or ""):].lower()))


# Per language: where a signature says (an empty set), else the nodes that give a function a value to return.
_NO_VALUE = {"go": set(), "rust": set(), "java": set(), "python": {"return_statement", "yield"},
             "javascript": {"return_statement", "yield_expression"}}
_NO_VALUE["typescript"] = _NO_VALUE["tsx"] = _NO_VALUE["javascript"]


def summary_input(unit, method: str = DEFAULT_METHOD, ratio: float = DEFAULT_RATIO) -> str:
    """What the summarizer reads of a unit (leancode.units.Unit): its code without the docstring, at most
    MAX_UNIT_CHARS of it as the index embeds (the model reads far less), simplified."""
    from .simplify import simplify
    from .tokens import ParseWarning
    from .units import MAX_UNIT_CHARS

    with warnings.catch_warnings():  # a method read alone may not parse (`push(x) {...}` outside its class); the
        warnings.simplefilter("ignore", ParseWarning)  # file's own syntax errors were told when it was parsed
        return simplify(unit.code_without_docstring[:MAX_UNIT_CHARS], unit.language, ratio=ratio, method=method,
                        task="summarize").code


def _int8(module):
    """`module` with its linear layers in dynamic int8 (weights per output channel), for the CPU."""
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization's deprecation notice
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

        return quantize_dynamic(module, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)


@dataclass
class Decoding:
    """How a summarizer decodes and which lines it shows: one object, shared with the models it routes languages
    to (the directory's calibration covers every language's lines), so a setting changed on it reaches them all."""

    repetition_penalty: float = REPETITION_PENALTY
    ban_adjacent: bool = BAN_ADJACENT
    no_repeat_ngram: int = NO_REPEAT_NGRAM
    word_cap: int = WORD_CAP
    confidence_score: str = "mean"  # the manifest's calibrated score (CONFIDENCE_SCORES)
    threshold: float | None = None  # below it a user is shown no generated line (None: never abstains)


@dataclass(frozen=True)
class Generated:
    """One greedy summary, the log-probability of each of its pieces (end of sequence included), and the confidence
    score and threshold calibrated for the model that wrote it (threshold None: not calibrated, never abstains)."""

    text: str
    logprobs: tuple[float, ...]
    score: str = "mean"
    threshold: float | None = None
    invented: tuple[str, ...] = ()  # words made up from pieces: no vocabulary piece, summary word or identifier
    repeated: tuple[str, ...] = ()  # words other than FUNCTION_WORDS written WITHHELD_REPEATS times or more, or the
    # one word the line restates (`restated_word`)
    neighbour: Neighbour | None = None  # the bank's documented function, close enough, whose summary this is

    def confidence(self, score: str | None = None) -> float:
        """The line's confidence by `score` (default: its model's calibrated score)."""
        return CONFIDENCE_SCORES[score or self.score](self.logprobs) if self.logprobs else -math.inf

    @property
    def confident(self) -> bool:
        """Whether a user is shown the line: it clears its model's threshold, invents no word and repeats none (a
        line from the bank cleared the bank's threshold)."""
        if self.neighbour is not None:
            return True
        return (not self.invented and not self.repeated
                and (self.threshold is None or self.confidence() >= self.threshold))


def content_word_counts(text: str) -> Counter[str]:
    """How often `text` writes each word other than FUNCTION_WORDS (case ignored)."""
    return Counter(word for word in re.findall(r"\w+", text.lower()) if word not in FUNCTION_WORDS)


def repeated_words(text: str, times: int = WITHHELD_REPEATS) -> tuple[str, ...]:
    """The words of `text` other than FUNCTION_WORDS that it writes at least `times` times (case ignored)."""
    return tuple(word for word, count in content_word_counts(text).items() if count >= times)


# Words a restating line pads with besides FUNCTION_WORDS ("the given path", "a new field").
_PADDING = frozenset({"given", "specified", "new", "current", "its", "their", "all", "each"})


def restated_word(text: str, lead: str | None = None) -> tuple[str, ...]:
    """The one word a line says around its verb and nothing else, twice or more ("Return the path of the path.",
    "Converts a duration to a duration.", Go's "readfile reads a file from the given file."): it restates, it does
    not describe (QA readings of 12 packages: 23 of 24 such lines vacuous or wrong). The same form: "Flattens a list
    of lists." says something; `lead`: the name a Go line begins with."""
    if lead and text.startswith(lead):
        text = text[len(lead):]
    words = [w for w in re.findall(r"\w+", text.lower()) if w not in FUNCTION_WORDS and w not in _PADDING]
    return (words[1],) if len(words) >= 3 and len(set(words[1:])) == 1 else ()


_COMPOUND = re.compile(r"\w+(?:-\w+)+")  # a hyphenated word: "non-empty", "utf-8"


@functools.lru_cache(maxsize=8)
def _has_compounds(words: frozenset[str]) -> bool:
    """Whether a list of known words holds hyphenated ones (lists built before they were counted do not)."""
    return any("-" in word for word in words)


def known_words(path: Path) -> frozenset[str] | None:
    """The model directory's known summary words of more than one piece (None: no list, nothing counts as invented).
    An unreadable list is told and read as empty: only vocabulary pieces and the code's identifiers are known, so
    more lines are withheld, none misleads."""
    words = path / SUMMARY_WORDS
    if not words.is_file():
        return None
    try:
        return frozenset(str(word) for word in json.loads(words.read_text())["words"])
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        warnings.warn(f"{words}: unreadable ({type(error).__name__}: {error}); until it is rebuilt "
                      "(scripts/build_summary_words.py), a generated line with a word of several pieces that the code "
                      "does not hold is withheld", stacklevel=3)
        return frozenset()


def _load_bank(bank) -> SummaryBank | None:
    """The summary bank `bank` names (None: none). A damaged or mismatched bank is told and left out: the model
    writes every line, as it would without one."""
    if bank is None or isinstance(bank, SummaryBank):
        return bank
    if Path(bank) == DEFAULT_BANK and not DEFAULT_BANK.is_dir():
        return None
    try:
        return SummaryBank(bank)
    except ValueError as error:
        warnings.warn(f"{error}; summaries come from the model alone", stacklevel=3)
        return None


def _in_hub_cache(model_id: str) -> bool:
    """Whether a hub id's model was downloaded to the Hugging Face cache before."""
    from huggingface_hub import try_to_load_from_cache

    try:
        return isinstance(try_to_load_from_cache(model_id, "config.json"), str)
    except ValueError:  # not a hub id at all (a path, spaces)
        return False


class BankSummarizer:
    """The summary bank alone: an undocumented function's line borrowed from a documented function with similar code
    (`generate(write=False)`), no model loaded. What the hover and `leancode summarize` need while the model's lines
    are off (`function_summary.SHOW_GENERATED`); `Summarizer` adds the model that writes the others."""

    threshold: float | None = None
    confidence_score: str = "mean"

    def __init__(self, bank: SummaryBank | str | Path | None = DEFAULT_BANK):
        self.bank = _load_bank(bank)
        self.path = self.name = "summary bank"

    def for_language(self, language: str | None) -> "BankSummarizer":
        return self

    def generate(self, sources: list[str], batch_size: int = 16, leads: list[str | None] | None = None,
                 languages: list[str] | None = None, write: bool = True) -> list[Generated | None]:
        """One summary per source text (already simplified), with its pieces' log-probabilities. `leads[i]`, where
        given (`summary_lead`), is the word summary i begins with: the copy decoder continues from it.
        `languages[i]`, where given, is source i's language: a routed language's model writes its line, and the
        summary bank's documented function close enough to it, where it has one, gives it instead of any model.
        `write` False: the bank's lines only (None where it has none; the decoder is not run)."""
        leads = leads or [None] * len(sources)
        neighbours = self._neighbours(sources, languages)
        out: list[Generated | None] = [  # a neighbour's line saying what this function does not return: the model's
            None if n is None or getattr(lead, "returns_nothing", False) and says_returns(n.line(lead), lead)
            else self._retrieved(n, lead)
            for n, lead in zip(neighbours, leads)]
        rest = [i for i, line in enumerate(out) if line is None]
        if rest and write:
            lines = self._generate_routed([sources[i] for i in rest], batch_size, [leads[i] for i in rest],
                                          [languages[i] for i in rest] if languages else None)
            for i, line in zip(rest, lines):
                out[i] = line
        return out

    def _generate_routed(self, sources: list[str], batch_size: int, leads: list[str | None],
                         languages: list[str] | None) -> list[Generated | None]:
        """None each: the bank writes no line of its own (a hover that asked for the model's lines as the setting
        that turns them off arrived gets none)."""
        return [None] * len(sources)

    def _neighbours(self, sources: list[str], languages: list[str] | None) -> list[Neighbour | None]:
        """The bank's neighbour of each source (None: none near enough, or no bank). A bank found damaged or built
        with another encoder on first use is told once and left out."""
        if self.bank is None or not languages:
            return [None] * len(sources)
        try:
            return self.bank.nearest(sources, languages)
        except ValueError as error:
            warnings.warn(f"{error}; summaries come from the model alone", stacklevel=3)
            self.bank = None
            return [None] * len(sources)

    def _retrieved(self, neighbour: Neighbour, lead: str | None) -> Generated:
        """The bank's line for a function (`Neighbour.line`)."""
        return Generated(neighbour.line(lead), (), self.confidence_score, self.threshold, neighbour=neighbour)


class Summarizer(BankSummarizer):
    """Summarizes (simplified) code: a LeanCode summarizer directory or any Hugging Face seq2seq model."""

    def __init__(self, path: str | Path | None = None, num_beams: int = 1, max_new_tokens: int = MAX_SUMMARY_LENGTH,
                 max_source_length: int = MAX_SOURCE_LENGTH, precision: str = DEFAULT_PRECISION,
                 runtime: str = DEFAULT_RUNTIME, bank: SummaryBank | str | Path | None = DEFAULT_BANK):
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
        path = str(path or default_summarizer_dir())
        self.options = dict(num_beams=num_beams, max_new_tokens=max_new_tokens, max_source_length=max_source_length,
                            precision=precision, runtime=runtime)
        self.precision = "fp32"
        if is_leancode_summarizer(path):
            self.model, self.tokenizer, self.manifest = load_model(path, runtime)
            if precision == "int8":
                self.model.decoder, self.precision = _int8(self.model.decoder), "int8"
        else:
            from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

            # Local only (SECURITY.md): a directory, or a hub id already in the Hugging Face cache.
            if not Path(path).expanduser().is_dir() and not _in_hub_cache(path):
                raise ValueError(f"{path}: no such model directory (nor a model in the Hugging Face cache); "
                                 "LeanCode loads models from local directories only")
            if Path(path).expanduser().is_dir() and not (Path(path).expanduser() / "config.json").is_file():
                raise ValueError(f"{path}: not a model directory (no config.json); give a summarizer directory")
            self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            self.model = AutoModelForSeq2SeqLM.from_pretrained(path, local_files_only=True).eval()
            self.manifest = {"kind": "Hugging Face seq2seq model", "model": path}
        super().__init__(bank)  # the bank, then this model's own path and name
        self.path = path
        self.name = Path(path).name
        self.num_beams, self.max_new_tokens, self.max_source_length = num_beams, max_new_tokens, max_source_length
        self._lock = threading.Lock()  # generate() is not re-entrant on one model
        # The vocabulary's word-continuation pieces ("##..."), as a mask: a lead is a whole word, so none follows it.
        import torch

        vocab = self.tokenizer.get_vocab()
        self.vocabulary = frozenset(vocab)
        self.continuations = torch.zeros(max(vocab.values()) + 1, dtype=torch.bool)
        self.continuations[[i for piece, i in vocab.items() if piece.startswith("##")]] = True
        self.separators = torch.zeros_like(self.continuations)  # punctuation pieces, for the repeat bans
        self.separators[[i for piece, i in vocab.items() if not any(c.isalnum() for c in piece)]] = True
        self.function_words = torch.zeros_like(self.continuations)
        self.function_words[[vocab[word] for word in FUNCTION_WORDS if word in vocab]] = True
        # closing bracket piece -> its opening one: a summary closes only what it opened
        self.brackets = {vocab[close]: vocab[open_] for open_, close in ("()", "[]", "{}")
                         if open_ in vocab and close in vocab}
        self.returning_openers = [vocab[word] for word in NOT_RETURNING_OPENERS if word in vocab]
        self.returning_words = [vocab[word] for word in NOT_RETURNING_WORDS if word in vocab]
        abstention = self.manifest.get("abstention") or {}
        self.decoding = Decoding(confidence_score=abstention.get("score", "mean"),
                                 threshold=abstention.get("threshold"))
        self.known_words = known_words(Path(path))
        # Languages another model serves (the manifest's "routes": a directory inside this one), loaded when needed.
        self.routes: dict[str, Path] = {language: Path(path) / sub
                                        for language, sub in self.manifest.get("routes", {}).items()}
        self._routed: dict[Path, Summarizer] = {}

    @property
    def threshold(self) -> float | None:
        return self.decoding.threshold

    @property
    def confidence_score(self) -> str:
        return self.decoding.confidence_score

    def for_language(self, language: str | None) -> "Summarizer":
        """The model that summarizes `language` (this one unless the manifest routes it elsewhere)."""
        # A dialect goes where the manifest routes the language it is read as, unless it routes the dialect itself
        from .languages import LANGUAGES

        where = self.routes.get(language) or self.routes.get(getattr(LANGUAGES.get(language), "read_as", None))
        if where is None:
            return self
        with self._lock:
            if where not in self._routed:
                if not where.resolve().is_relative_to(Path(self.path).resolve()) or not is_leancode_summarizer(where):
                    raise ValueError(f"{self.path}: {language} is routed to {where}, "
                                     "not a LeanCode summarizer inside this one")
                routed = self._routed[where] = Summarizer(where, **self.options, bank=None)  # ours serves all
                routed.name = f"{self.name}/{where.name}"
                routed.decoding = self.decoding
                if routed.known_words is None:  # no list of its own (a damaged one stays empty)
                    routed.known_words = self.known_words
            return self._routed[where]

    def summarize_units(self, units: list, method: str = DEFAULT_METHOD, ratio: float = DEFAULT_RATIO) -> list[str]:
        """Summaries of `units` (leancode.units.Unit), each read as `summary_input` gives it."""
        return self.summarize([summary_input(u, method, ratio) for u in units],
                              leads=[summary_lead(u.code, u.language, u.name) for u in units],
                              languages=[u.language for u in units])

    def summarize(self, sources: list[str], batch_size: int = 16, leads: list[str | None] | None = None,
                  languages: list[str] | None = None) -> list[str]:
        """One line per source text (already simplified by the caller)."""
        return [g.text for g in self.generate(sources, batch_size, leads, languages)]

    def _generate_routed(self, sources: list[str], batch_size: int, leads: list[str | None],
                         languages: list[str] | None) -> list[Generated]:
        if languages and self.routes:
            out: list[Generated | None] = [None] * len(sources)
            groups: dict[int, tuple[Summarizer, list[int]]] = {}
            for i, language in enumerate(languages):
                model = self.for_language(language)
                groups.setdefault(id(model), (model, []))[1].append(i)
            for model, indices in groups.values():
                lines = model._generate([sources[i] for i in indices], batch_size, [leads[i] for i in indices])
                for i, line in zip(indices, lines):
                    out[i] = line
            return out
        return self._generate(sources, batch_size, leads)

    def _generate(self, sources: list[str], batch_size: int, leads: list[str | None]) -> list[Generated]:
        import torch

        if self.precision == "int8":
            batch_size = 1  # dynamic int8 scales activations per call: alone, a summary never depends on its batch
        out = []
        for b in range(0, len(sources), batch_size):
            batch = self.tokenizer(sources[b:b + batch_size], padding=True, truncation=True,
                                   max_length=self.max_source_length, return_tensors="pt")
            batch_leads = leads[b:b + batch_size]
            if has_copy_head(self.model):  # Hugging Face's generate knows nothing of copying
                from .copy_decoder import generate

                lead_pieces = [self.tokenizer.encode(lead, add_special_tokens=False) if lead else []
                               for lead in batch_leads]
                # A name too long to lead (half the decoder's positions) is not led with: the line gets the room.
                positions = getattr(self.model.decoder.config, "max_position_embeddings", 2 * self.max_new_tokens)
                longest_lead = positions // 2
                lead_pieces = [pieces if len(pieces) <= longest_lead else [] for pieces in lead_pieces]
                decoding = self.decoding
                nothing = [getattr(lead, "returns_nothing", False) for lead in batch_leads]
                openers = [self.returning_openers if n or getattr(lead, "error_only", False) else []
                           for n, lead in zip(nothing, batch_leads)]  # what the first free word may not be
                banned = [self.returning_words if n else [] for n in nothing]  # ... nor any
                with self._lock:
                    ids, logprobs = generate(self.model, batch["input_ids"], batch["attention_mask"],
                                             self.max_new_tokens, decoding.repetition_penalty, lead_pieces,
                                             self.continuations, decoding.ban_adjacent, decoding.no_repeat_ngram,
                                             self.separators if BAN_ACROSS_PUNCTUATION else None, decoding.word_cap,
                                             self.function_words, self.brackets, openers, banned)
                texts = self.tokenizer.batch_decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)
                out += [self._line(text, source, lead, row)
                        for text, row, source, lead in zip(texts, logprobs, sources[b:b + batch_size], batch_leads)]
                continue
            with self._lock, torch.inference_mode():
                result = self.model.generate(
                    input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], num_beams=self.num_beams,
                    max_new_tokens=self.max_new_tokens, repetition_penalty=self.decoding.repetition_penalty,
                    do_sample=False, output_logits=True, return_dict_in_generate=True)
                # The model's own probabilities (raw logits, before the repetition penalty reshaped them).
                scores = self.model.compute_transition_scores(result.sequences, result.logits,
                                                              getattr(result, "beam_indices", None),
                                                              normalize_logits=True)
            generated = result.sequences[:, -scores.shape[1]:]
            texts = self.tokenizer.batch_decode(result.sequences, skip_special_tokens=True,
                                                clean_up_tokenization_spaces=False)  # clean_summary's job
            for text, ids, row, source, lead in zip(texts, generated.tolist(), scores.tolist(),
                                                    sources[b:b + batch_size], batch_leads):
                end = next((i + 1 for i, t in enumerate(ids) if t == self.model.generation_config.eos_token_id),
                           len(ids))  # pieces after the end of sequence are padding
                out.append(self._line(text, source, lead, row[:end]))
        return out

    def _line(self, decoded: str, source: str, lead: str | None, logprobs) -> Generated:
        """A decoded summary as a reader sees it (seams closed, "an" before a vowel, identifiers spelled as in the code
        read), with this model's calibration."""
        text = spell_as_code(agree_articles(clean_summary(decoded)), source, self.tokenizer.tokenize, lead)
        return Generated(text, tuple(logprobs), self.confidence_score, self.threshold, self.invented(text, source),
                         repeated_words(text) or restated_word(text, lead))

    def invented(self, text: str, source: str) -> tuple[str, ...]:
        """The words of `text` that are no single vocabulary piece, no known summary word and no identifier of
        `source`: made up by the decoder from pieces ("newtimestampstamp"); and, where the list of known words
        holds hyphenated ones, the hyphenated words of `text` that it and `source` do not ("pre-matches")."""
        if self.known_words is None:
            return ()
        identifiers = {w.lower() for w in re.findall(r"\w+", source)}
        glued = tuple(word for word in re.findall(r"\w+", text) if not word.isdigit()
                      and (low := word.lower()) not in self.vocabulary and low not in self.known_words
                      and low not in identifiers)
        if not _has_compounds(self.known_words):
            return glued
        code = source.lower()
        return glued + tuple(word for word in _COMPOUND.findall(text)
                             if (low := word.lower()) not in self.known_words and low not in code)
