"""Readable text from a summarizer's word pieces.

The tokenizer's own decode (`clean_up_tokenization_spaces=True`) joins `##` continuation pieces and
removes the space before `.`, `,`, `!`, `?` and a few contractions. What it leaves are the seams of
BERT-style pre-tokenization, which splits off every punctuation character: "max _ length",
"non - empty", "os. path", "( address, name )", "` text `", "e. g.". `clean_summary` closes them.
It only removes spaces, never words. A dot between two words is read as part of a dotted name
("os.path"): summaries are single sentences (the training labels are first sentences).
"""

from __future__ import annotations

import re

_ABBREVIATION_END = r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)(?<!\bcf)"
_RULES = [
    # abbreviations the decode split: "e. g." -> "e.g.", "i. e ." -> "i.e."
    (re.compile(r"\b([ei])\. ?([ge]) ?\.(?=\W|$)"), r"\1.\2."),
    # underscores: "_ _ init _ _" -> "__init__", "max _ length" -> "max_length", "self. _ cache" -> "self._cache"
    (re.compile(r"(?<=_) (?=_)"), ""),
    (re.compile(r"__ ?([^\W_]+) ?__(?!\w)"), r"__\1__"),
    (re.compile(r"(?<=[^\W_]) _ (?=[^\W_])"), "_"),
    # compounds and paths: "non - empty", "utf - 8", "and / or"; dotted names: "os. path"
    (re.compile(r"(?<=\w) ?([\-/]) ?(?=\w)"), r"\1"),
    (re.compile(_ABBREVIATION_END + r"(?<=\w)\. ?(?=\w)"), "."),
    (re.compile(r"(?<=[.(\[])(_+) (?=\w)"), r"\1"),
    # brackets hug their content: "( address, name )" -> "(address, name)"
    (re.compile(r"([(\[{]) "), r"\1"),
    (re.compile(r" ([)\]}])"), r"\1"),
    # no space before closing punctuation
    (re.compile(r" ([.,;:!?%])(?=\s|$)"), r"\1"),
    # paired quotes and backticks hug their content: "` text `" -> "`text`"
    (re.compile(r"([`'\"]) ([^`'\"]*?) \1"), r"\1\2\1"),
]


def clean_summary(text: str) -> str:
    """One line of decoded summary text with word-piece seams closed and whitespace collapsed."""
    text = " ".join(text.split())
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
