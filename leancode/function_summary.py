"""What a user is told a function does: one rule for the editor's hover and `leancode summarize`.

1. A function with a docstring or doc comment (Python docstrings, `/** */` Javadoc/JSDoc/TSDoc,
   Go `//` and Rust `///` comments above it) is described by its first sentence: the author's
   word, labelled as documentation. The model is not asked.
2. An undocumented function gets the summarizer's greedy line, labelled as generated, when the
   model's confidence clears the threshold calibrated with the model (its manifest's
   "abstention" record, written by `leancode-train calibrate summarize`).
3. Otherwise nothing is guessed: the signature alone, with a note that no confident summary
   exists (or that no summarizer loaded). Undocumented tests, constructors and standard methods
   (`__init__`, `toString`, Rust's `fmt`: `units.special_kind`) never reach the model: mining leaves
   them out, so it never learned to describe them and its confidence on them is not calibrated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .docstrings import first_sentence
from .summarizer import DEFAULT_METHOD, DEFAULT_RATIO, Summarizer, summary_input, summary_lead
from .units import Unit, special_kind

DOCUMENTATION, GENERATED, ABSTAINED, NO_MODEL = "documentation", "generated", "abstained", "no model"
NOT_LEARNED = "not learned"
NOTES = {
    DOCUMENTATION: "documentation",
    GENERATED: "generated summary",
    ABSTAINED: "no docstring, and no confident generated summary",
    NO_MODEL: "no docstring, and no summarizer loaded",
    NOT_LEARNED: "no docstring; tests, constructors and standard methods get no generated summary",
}
MAX_SIGNATURE = 300


@dataclass(frozen=True)
class FunctionSummary:
    source: str  # DOCUMENTATION, GENERATED, ABSTAINED, NO_MODEL or NOT_LEARNED
    text: str  # the line shown: "" unless documentation or generated
    signature: str
    confidence: float | None = None  # the model's, when it was asked
    model: str | None = None

    @property
    def note(self) -> str:
        """How to label `text` (or its absence) for a reader."""
        return NOTES[self.source] + (f" ({self.model})" if self.source == GENERATED and self.model else "")


def signature(unit: Unit) -> str:
    """The declaration without decorators, body or trailing `:`/`{`, on one line."""
    at = unit.code.find(unit.body) if unit.body else -1
    header = unit.code[:at] if at > 0 else unit.code
    lines = [line for line in header.splitlines() if not line.lstrip().startswith(("@", "#["))]
    text = re.sub(r"\s+", " ", " ".join(line.strip() for line in lines)).strip()
    text = re.sub(r"\s*(\{|:|=>\s*\{?|=)\s*$", "", text) if not text.endswith("=>") else text
    text = text.replace("( ", "(").replace(" )", ")")
    return text if len(text) <= MAX_SIGNATURE else text[:MAX_SIGNATURE - 3] + "..."


def documentation(unit: Unit) -> str:
    """The first sentence of the unit's docstring or doc comment, as the training labels state it ("" if none)."""
    return first_sentence(unit.docstring, unit.language) if unit.docstring else ""


def summarize_units(units: list[Unit], summarizer: Summarizer | None, method: str = DEFAULT_METHOD,
                    ratio: float = DEFAULT_RATIO, use_documentation: bool = True) -> list[FunctionSummary]:
    """What to show for each unit (the model reads only the undocumented ones, in one batch;
    every one when `use_documentation` is off)."""
    out: list[FunctionSummary | None] = []
    undocumented = []
    for unit in units:
        doc = documentation(unit) if use_documentation else ""
        if doc:
            out.append(FunctionSummary(DOCUMENTATION, doc, signature(unit)))
        elif special_kind(unit):
            out.append(FunctionSummary(NOT_LEARNED, "", signature(unit)))
        elif summarizer is None:
            out.append(FunctionSummary(NO_MODEL, "", signature(unit)))
        else:
            out.append(None)
            undocumented.append(len(out) - 1)
    if undocumented:
        leads = [summary_lead(units[i].code, units[i].language, units[i].name) for i in undocumented]
        generated = summarizer.generate([summary_input(units[i], method, ratio) for i in undocumented], leads=leads,
                                        languages=[units[i].language for i in undocumented])
        for i, line, lead in zip(undocumented, generated, leads):
            confidence = round(line.confidence(), 4)
            shown = bool(line.text) and line.confident
            text = line.text if lead else line.text[:1].upper() + line.text[1:]  # a lead is a name: as spelled
            text = text if shown else ""
            out[i] = FunctionSummary(GENERATED if shown else ABSTAINED, text, signature(units[i]), confidence,
                                     summarizer.for_language(units[i].language).name)
    return out
