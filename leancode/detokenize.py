"""Readable text from a summarizer's word pieces.

The tokenizer's decode (`clean_up_tokenization_spaces=False`: its clean-up glues quotes to the words
around them) joins `##` continuation pieces and leaves the seams of BERT-style pre-tokenization,
which splits off every punctuation character: "max _ length", "non - empty", "os . path",
"( address , name )", "` text `", "user ' s", "e . g .". `clean_summary` closes them. It only
removes spaces, never words, so the text re-tokenizes to the same pieces. A dot between two words
is read as part of a dotted name ("os.path"): summaries are single sentences (the training labels
are first sentences).

`agree_articles` writes "an" where the model wrote "a" before a vowel ("a integer" -> "an integer"); unlike the
rules above it changes a word.

The model's vocabulary is lower-case, so `spell_as_code` gives back the code's spelling of the
identifiers a summary names ("readbytes" -> "ReadBytes"): a word that is no single vocabulary piece
and matches an identifier of the code read, ignoring case.
"""

from __future__ import annotations

import re
from typing import Callable

_ABBREVIATION_END = r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)(?<!\bcf)"
_BEFORE_NEGATIVE = r"or|and|to|is|of|than|from|by|at|as|be|returns?|equals?|gives?|yields?"


def _glue_call(match: re.Match) -> str:
    r"""`name (` as `name(` where the run of word characters and dots before the space ends with a dotted or snake_case
    name, `\w+(?:[._]\w+)+`: that pattern, searched, tried each way to split a run of "a_b_c..." (exponential: a
    summary naming an identifier of 30 parts hung). The longest candidate is the run after its last `..`."""
    run, bracket = match.groups()
    name = run.split("..")[-1].lstrip(".")
    glued = name and not name.endswith(".") and ("." in name or "_" in name[1:-1])
    return run + bracket if glued else match.group()


_RULES = [
    # abbreviations: "e . g ." -> "e.g.", "i . e ." -> "i.e."
    (re.compile(r"\b([ei]) ?\. ?([ge]) ?\.(?=\W|$)"), r"\1.\2."),
    # underscores: "_ _ init _ _" -> "__init__", "max _ length" -> "max_length"
    (re.compile(r"(?<=_) (?=_)"), ""),
    (re.compile(r"__ ?([^\W_]+) ?__(?!\w)"), r"__\1__"),
    (re.compile(r"(?<=[^\W_]) _ (?=[^\W_])"), "_"),
    # a negative number after a word: "or - 1" -> "or -1"; compounds: "non - empty", "utf - 8", "and / or"
    (re.compile(rf"\b({_BEFORE_NEGATIVE}) - (?=\d)"), r"\1 -"),
    (re.compile(r"(?<=\w) ([\-/]) (?=\w)"), r"\1"),
    # dotted names and decimals: "os . path", "self . _ cache", "1 . 5"
    (re.compile(_ABBREVIATION_END + r"(?<=\w) ?\. ?(?=\w)"), "."),
    (re.compile(r"(?<=[.(\[])(_+) (?=\w)"), r"\1"),
    # contractions: "user ' s" -> "user's"
    (re.compile(r"(?<=\w) ' (s|t|re|ve|m|ll|d)\b"), r"'\1"),
    # a call or an index of a dotted or snake_case name: "os.path.join (a, b)", "self._cache [key]" (`_glue_call`)
    (re.compile(r"(?<![\w.])([\w.]+) ([(\[])"), _glue_call),
    # brackets hug their content: "( address , name )" -> "(address , name)"
    (re.compile(r"([(\[{]) "), r"\1"),
    (re.compile(r" ([)\]}])"), r"\1"),
    # no space before closing punctuation: "name , x ." -> "name, x."
    (re.compile(r" ([.,;:!?%])(?=\s|$|[.,;:!?%)\]])"), r"\1"),
    # paired quotes and backticks hug their content: "` text `" -> "`text`"
    (re.compile(r"([`'\"]) ([^`'\"]*?) \1"), r"\1\2\1"),
]


def clean_summary(text: str) -> str:
    """One line of decoded summary text with word-piece seams closed and whitespace collapsed."""
    text = " ".join(text.split())
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


# "a" before a word that begins with a vowel sound, by its spelling: a, e, i, o ("one", "once" and "eu..." aside), and
# u where it sounds as in "unknown", "update", "ultimate" ("a unique", "a user", "a url" stay). Words a variable named
# `a` is followed by ("a or b", "a and b", "a is none") are left alone.
_A_BEFORE_VOWEL = re.compile(
    r"\b([Aa]) (?!(?:and|or|are|as|at|if|in|into|is|it|its|of|on|onto|else|equals|until|unless|upon)\b)"
    r"(?=(?!one\b|once\b|eu)[aeio]|u(?:n(?!i)|p|l|m|g|b))", re.IGNORECASE)


def agree_articles(text: str) -> str:
    """`text` with "a" written "an" before a vowel sound: "a integer" -> "an integer"."""
    return _A_BEFORE_VOWEL.sub(r"\1n ", text)


_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")


def spell_as_code(text: str, source: str, pieces: Callable[[str], list[str]], lead: str | None = None) -> str:
    """`text` with each word that `pieces` (the tokenizer) splits in two or more and that names an identifier of
    `source`, ignoring case, spelled as `source` spells it; `lead`, when the text begins with it ignoring case,
    spelled as given."""
    if lead and text[:len(lead)].lower() == lead.lower():
        text = lead + text[len(lead):]
    spellings: dict[str, str] = {}
    for match in _IDENTIFIER.finditer(source):
        spellings.setdefault(match.group().lower(), match.group())

    def respell(match: re.Match) -> str:
        word = match.group()
        known = spellings.get(word.lower())
        return known if known and known != word and len(pieces(word)) > 1 else word

    return _IDENTIFIER.sub(respell, text)
