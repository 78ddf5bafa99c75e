"""What a user is told a function does: one rule for the editor's hover and `leancode summarize`.

1. A function with a docstring or doc comment (Python docstrings, `/** */` Javadoc/JSDoc/TSDoc,
   Go `//` and Rust `///` comments above it) is described by its first sentence: the author's
   word, labelled as documentation. The model is not asked. So is an undocumented method overriding a documented
   one of a base class in its file, or implementing a standard one (`impl Iterator for T { fn next`, Java's
   `@Override public int compareTo`), by that method's documentation, labelled as such (`units.Unit.inherited_doc`),
   as Python's `inspect.getdoc`, rustdoc and javadoc show it. Else a plain comment right above it (`// Returns
   ...`, a `/* block */`: `units.Unit.comment`), its author's word in the language's other comment syntax, labelled
   so; an undocumented constructor, by its class's documentation (`units.Unit.class_doc`), labelled so (before a
   base class constructor's, which describes the base).
2. An undocumented function whose code is close to a documented function's of the mined corpus (the summary bank,
   `leancode.summary_bank`) gets that function's first sentence, labelled with the function it comes from and how
   similar the two are (not as this function's documentation).
   Otherwise nothing is guessed by default: the signature alone, with a note saying why. Read blind, the model's
   lines were right for 3 of 162 validation functions and wrong for 100 (`bench/summary_threshold_judged.py`), at
   every confidence, so the hover shows none unless asked (`generated`: `leancode summarize --generated`, the
   server's `generatedSummaries`); asked, it shows the summarizer's greedy line, labelled as generated, when the
   model's confidence clears the threshold calibrated with the model (its manifest's "abstention" record, written by
   `leancode-train calibrate summarize`) and the line holds no made-up or thrice-written word.
3. Otherwise the signature alone, with a note that no confident summary exists (or that no summarizer loaded).
   Undocumented tests, constructors and standard methods
   (`__init__`, `toString`, Rust's `fmt`: `units.special_kind`) never reach the model: mining leaves
   them out, so it never learned to describe them and its confidence on them is not calibrated.
   Nor do Python `@overload` stubs (they take their implementation's documentation) or functions whose body does
   nothing (`pass`, `...`, `{}`) or only says it is not implemented, of which any line would be made up.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from dataclasses import dataclass

from .docstrings import first_sentence, shown_sentence
from .languages import ParseWarning
from .summarizer import DEFAULT_METHOD, DEFAULT_RATIO, BankSummarizer, Generated, summary_input, summary_lead
from .tokens import COMMENT, lex
from .units import (MAX_UNIT_CHARS, Unit, abstract_method, declaration_at, header, overload_stub, special_kind,
                    without_marks)

DOCUMENTATION, INHERITED = "documentation", "inherited documentation"
GENERATED, SIMILAR, ABSTAINED, NO_MODEL = "generated", "similar", "abstained", "no model"
NOT_LEARNED, OVERLOAD, EMPTY, UNIMPLEMENTED = "not learned", "overload", "empty", "unimplemented"
REFUSED, ABSTRACT = "refused", "abstract"
NOT_GENERATED, COMMENT_ABOVE, CLASS = "not generated", "comment", "class documentation"
# Whether a user is shown the model's line for a function no documentation describes (`summarize_units`).
SHOW_GENERATED = False
BROKEN = "syntax errors"
NOTES = {
    DOCUMENTATION: "documentation",
    INHERITED: "documentation of {}, which it implements or overrides",
    GENERATED: "generated summary",
    SIMILAR: "documentation of {}, a mined function with similar code (similarity {:.2f}); not this function's own",
    ABSTAINED: "no docstring, and no confident generated summary",
    NO_MODEL: "no docstring, and no summarizer loaded",
    NOT_GENERATED: "no docstring (generated summaries are off: most were wrong when read)",
    COMMENT_ABOVE: "the comment above it (no docstring)",
    CLASS: "documentation of its class {}",
    NOT_LEARNED: "no docstring; tests, constructors and standard methods get no generated summary",
    OVERLOAD: "an @overload signature, without a documented implementation",
    EMPTY: "no docstring, and a body that does nothing",
    ABSTRACT: "no docstring; an abstract method, which its implementations define",
    UNIMPLEMENTED: "no docstring, and a body that only says it is not implemented",
    REFUSED: "no docstring, and a body that only returns an error",
    BROKEN: "no docstring, and code with syntax errors (no generated summary until they are fixed)",
}
_NOTHING = frozenset({"{", "}", "pass", "...", "."})  # what an empty body may hold besides `;` and comments
_RETURNS_NOTHING = [["return"]] + [["return", value] for value in ("None", "null", "undefined", "nil")]
_ARROW_OF_NOTHING = [["null"], ["undefined"], ["void", "0"]]  # `onBlur: () => null`: a default handler
# A body that only raises "not implemented" (an abstract method, a stub): one statement, read over its tokens joined by
# spaces (a string's words are tokens of their own); a generic error or panic counts when its message says so. The
# words are looked for by lookaheads: `\w*(...)\w*` and `.*\b(...)\b.*\)` read the rest again from each place they
# matched (quadratic in a 200,000-letter token holding them throughout).
_UNIMPLEMENTED = re.compile(
    r"raise NotImplementedError( \(.*\))?|throw new (?=\w*(UnsupportedOperation|NotImplemented))\w* \(.*\)"
    r"|((std :: )?(unimplemented|todo) ! \(.*\))"
    r"|(throw new \w*(Error|Exception)|panic( !)?) \( "
    r"(?=.*\b(not (yet )?implemented|unimplemented|implement me)\b).*\)",
    re.I)
MAX_UNIMPLEMENTED_TOKENS = 16  # one statement with a short message, no more
# A Go body that only returns an error, zero values before it (afero's read-only `func (f *File) Write(p []byte) (n
# int, err error) { return 0, syscall.EPERM }`): a system error, an `ErrX` variable, `errors.New("...")`,
# `fmt.Errorf(...)`; read as `_UNIMPLEMENTED` is
_REFUSES = re.compile(r'return (?:(?:0|nil|""|false|-1|0\.0) , )*'
                      r'(?:syscall \. E[A-Z0-9]+|(?:\w+ \. )?Err\w*|errors \. New \( "[^"]*" \)|fmt \. Errorf \( .* \))')
MAX_SIGNATURE = 300


@dataclass(frozen=True)
class FunctionSummary:
    source: str  # DOCUMENTATION, INHERITED, COMMENT_ABOVE, CLASS, GENERATED, SIMILAR, ABSTAINED, NO_MODEL,
    # NOT_GENERATED, NOT_LEARNED, OVERLOAD, EMPTY, ABSTRACT, UNIMPLEMENTED, REFUSED or BROKEN
    text: str  # the line shown: "" unless documentation or generated
    signature: str
    confidence: float | None = None  # the model's, when it was asked; the similarity, for a line of the bank
    model: str | None = None
    withheld: str | None = None  # why a generated line was not shown (ABSTAINED)
    inherited_from: str | None = None  # the method whose documentation it shows (INHERITED): "Iterator::next"; its
    # class (CLASS)
    similar_to: str | None = None  # the bank's function whose documentation it shows (SIMILAR): "dedent (stdlib:textwrap)"

    @property
    def note(self) -> str:
        """How to label `text` (or its absence) for a reader."""
        if self.source in (INHERITED, CLASS):
            return NOTES[self.source].format(f"`{self.inherited_from}`")
        if self.source == SIMILAR:
            return NOTES[SIMILAR].format(f"`{self.similar_to}`", self.confidence)
        return NOTES[self.source] + (f" ({self.model})" if self.source == GENERATED and self.model else "")

    @property
    def model_reads(self) -> bool:
        """Whether the summarizer reads such a function (documented ones too, were they undocumented)."""
        return self.source not in (NOT_LEARNED, OVERLOAD, EMPTY, ABSTRACT, UNIMPLEMENTED, REFUSED, BROKEN)


_MEMBER_ENDS = re.compile(r"[\w$\])>}]$")  # a member's type ends the line...
_MEMBER_STARTS = re.compile(r"(?:readonly\s+)?[\w$]+\??\s*:")  # ...and the next declares another


def signature(unit: Unit) -> str:
    """The declaration without decorators, comments, body or trailing `:`/`{`, on one line."""
    head = header(unit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ParseWarning)
        code = unit.code[:max(len(head) + 1, MAX_UNIT_CHARS)]  # what a huge body holds is not the head's
        comments = [t for t in lex(code, unit.language) if t.kind == COMMENT and t.start < len(head)]
    kept, at = [], 0  # the head with each comment's characters as spaces (one piece a comment: not a copy each)
    for token in comments:
        kept += [head[at:token.start], " " * (min(token.end, len(head)) - token.start)]
        at = token.end
    head = without_marks("".join(kept) + head[at:])
    lines = [line.strip() for line in head.splitlines()]
    # a trailing comma before a closing bracket on the next line is the layout's, not the signature's
    lines = [line[:-1] if line.endswith(",") and after[:1] in (")", "]", ">") else line
             for line, after in zip(lines, lines[1:] + [""])]
    if unit.language in ("typescript", "tsx"):  # an object type's members, one a line, with no `;` between
        lines = [line + ";" if _MEMBER_ENDS.search(line) and _MEMBER_STARTS.match(after) else line
                 for line, after in zip(lines, lines[1:] + [""])]
    # lines joined by a space, but type parameters over lines by none: `f<\n  T extends U\n>(` is `f<T extends U>(`
    text = "".join(line if not i or lines[i - 1].endswith("<") or line.startswith(">") else " " + line
                   for i, line in enumerate(lines))
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s*(\{|:|=>\s*\{?|=)\s*$", "", text) if not text.endswith("=>") else text
    text = text.removesuffix(",")  # a Rust `where` clause's last bound's comma
    text = text.replace("( ", "(").replace(" )", ")")
    return text if len(text) <= MAX_SIGNATURE else text[:MAX_SIGNATURE - 3] + "..."


def empty_body(unit: Unit) -> str | None:
    """EMPTY when the unit's body holds nothing but `pass`, `...`, braces and comments, or only returns nothing
    (`return`, `return None`, `return nil`; an arrow function's `null`), ABSTRACT where such a body is a Python
    abstract or `Protocol` method's (`abstract_method`); UNIMPLEMENTED when it only raises "not
    implemented" (`raise NotImplementedError`, `todo!()`, `unimplemented!()`, `throw new
    UnsupportedOperationException()`, `panic("not implemented")`); REFUSED when a Go body only returns an error
    (`return 0, syscall.EPERM`); else None. A body-less declaration, an abstract
    or interface method, is neither: its signature is what there is to read. The body is lexed once for both."""
    if not unit.body.strip() or len(unit.body) > MAX_UNIT_CHARS:  # a body that long does something
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ParseWarning)
        tokens = [t.text for t in lex(unit.body, unit.language) if t.kind != COMMENT and t.text != ";"]
    braced = tokens[1:-1] if tokens[:1] == ["{"] and tokens[-1:] == ["}"] else tokens
    if all(text in _NOTHING for text in tokens) or braced in _RETURNS_NOTHING \
            or unit.language in ("javascript", "typescript", "tsx") and tokens in _ARROW_OF_NOTHING:
        return ABSTRACT if abstract_method(unit) else EMPTY
    statement = [text for text in tokens if text not in ("{", "}")]
    if len(statement) <= MAX_UNIMPLEMENTED_TOKENS and _UNIMPLEMENTED.fullmatch(" ".join(statement)):
        return UNIMPLEMENTED
    if unit.language == "go" and len(statement) <= MAX_UNIMPLEMENTED_TOKENS and _REFUSES.fullmatch(" ".join(statement)):
        return REFUSED
    return None


def documentation(unit: Unit) -> str:
    """The first sentence of the unit's docstring or doc comment, as the training labels state it; where its only
    prose is its parameter and return lists, what it says the function returns ("" if neither)."""
    return shown_sentence(unit.docstring, unit.language) if unit.docstring else ""


@dataclass(frozen=True)
class Documented:
    """What a function's own file says it does: the line, where it comes from (DOCUMENTATION, INHERITED,
    COMMENT_ABOVE, CLASS) and the function or class it is taken from, where not its own."""
    text: str
    source: str
    inherited_from: str | None = None


def documented(unit: Unit) -> Documented | None:
    """The line the hover shows for `unit` from documentation, the model aside: its doc comment's first sentence (a
    Rust trait's, on its implementation), else an undocumented constructor's class's, the documentation the method
    inherits, the comment above it, its class's; None where none says anything. Search shows the same line."""
    if doc := documentation(unit):
        return Documented(doc, INHERITED, unit.declared_by) if unit.declared_by else Documented(doc, DOCUMENTATION)
    # a supertype's line says what an implementation does, not one that only fails (`raise NotImplementedError`, a
    # read-only file system's `Write` returning EPERM, whose hover showed io.Writer's "Write writes len(p) bytes")
    inherited = unit.inherited_doc if unit.inherited_doc and empty_body(unit) not in (UNIMPLEMENTED, REFUSED) else None
    if unit.class_doc and inherited and (said := shown_sentence(unit.class_doc[0], unit.language)):
        return Documented(said, CLASS, unit.class_doc[1])  # a constructor: its own class's before its base's
    if inherited:
        return Documented(inherited[0], INHERITED, inherited[1])
    if said := first_sentence(unit.comment, unit.language):
        return Documented(said, COMMENT_ABOVE)
    if unit.class_doc and (said := shown_sentence(unit.class_doc[0], unit.language)):
        return Documented(said, CLASS, unit.class_doc[1])
    return None


def implementation(stub: Unit, siblings: list[Unit]) -> Unit | None:
    """The function an `@overload` stub declares a signature of: the last same-named function of `siblings`
    (the stub's file) that is no stub itself."""
    found = [u for u in siblings if u.qualified_name == stub.qualified_name and not overload_stub(u)]
    return max(found, key=lambda u: u.start, default=None)


def declared_at(units: list[Unit], code: str, language: str, line: int, byte_column: int) -> Unit | None:
    """The declaration without a body at the point (`leancode.units.declaration_at`: an interface or abstract
    method, an overload signature); an undocumented overload signature stands for its implementation
    (`implementation`: the function of its name in the file, `units`)."""
    declared = declaration_at(code, language, line, byte_column)
    return stands_for(declared, units) if declared is not None else None


def stands_for(declared: Unit, units: list[Unit]) -> Unit:
    """What a declaration without a body shows: itself, or where it is an undocumented overload signature, its
    implementation among `units` (its file's)."""
    return (implementation(declared, units) or declared) if declared.docstring is None else declared


def summarize_units(units: list[Unit], summarizer: BankSummarizer | None, method: str = DEFAULT_METHOD,
                    ratio: float = DEFAULT_RATIO, use_documentation: bool = True,
                    siblings: list[Unit] | None = None, generated: bool = SHOW_GENERATED) -> list[FunctionSummary]:
    """What to show for each unit (the model reads only the undocumented ones, in one batch;
    every one when `use_documentation` is off). An `@overload` stub is described by its implementation's
    documentation, found among `siblings` (its file's units), and never by the model. `generated`: an undocumented
    function no bank line describes gets the model's line where it is confident (else NOT_GENERATED)."""
    out: list[FunctionSummary | None] = []
    undocumented = []
    for unit in units:
        doc = documentation(unit) if use_documentation else ""
        if not doc and overload_stub(unit):  # its implementation's line, an inherited one too (cattrs')
            target = implementation(unit, siblings or units)
            said = documented(target) if target is not None and use_documentation else None
            out.append(FunctionSummary(said.source, said.text, signature(unit), inherited_from=said.inherited_from)
                       if said and said.source in (DOCUMENTATION, INHERITED)
                       else FunctionSummary(OVERLOAD, "", signature(unit)))
        elif use_documentation and (said := documented(unit)) is not None:
            out.append(FunctionSummary(said.source, said.text, signature(unit), inherited_from=said.inherited_from))
        elif unit.syntax_error:  # the model would describe code half typed (hover while editing)
            out.append(FunctionSummary(BROKEN, "", signature(unit)))
        elif special_kind(unit):
            out.append(FunctionSummary(NOT_LEARNED, "", signature(unit)))
        elif empty := empty_body(unit):
            out.append(FunctionSummary(empty, "", signature(unit)))
        elif summarizer is None:
            out.append(FunctionSummary(NO_MODEL, "", signature(unit)))
        else:
            out.append(None)
            undocumented.append(len(out) - 1)
    if undocumented:
        leads = [summary_lead(units[i].code, units[i].language, units[i].name) for i in undocumented]
        lines = summarizer.generate([summary_input(units[i], method, ratio) for i in undocumented], leads=leads,
                                    languages=[units[i].language for i in undocumented], write=generated)
        for i, line, lead in zip(undocumented, lines, leads):
            if line is None:
                out[i] = FunctionSummary(NOT_GENERATED, "", signature(units[i]))
                continue
            if line.neighbour is not None and units[i].qualified_name.startswith(line.neighbour.name + "."):
                # the bank's function is the one this is nested in (its package was mined): it says what that does
                out[i] = FunctionSummary(NOT_GENERATED, "", signature(units[i]))
                continue
            if line.neighbour is not None:
                out[i] = FunctionSummary(SIMILAR, line.text, signature(units[i]), line.neighbour.similarity,
                                         similar_to=line.neighbour.origin)
                continue
            model = summarizer.for_language(units[i].language)
            withheld = why_withheld(line)
            text = line.text if lead else line.text[:1].upper() + line.text[1:]  # a lead is a name: as spelled
            out[i] = FunctionSummary(ABSTAINED if withheld else GENERATED, "" if withheld else text,
                                     signature(units[i]), round(line.confidence(), 4), model.name, withheld)
    return [summary if len(summary.text) <= MAX_SHOWN else dataclasses.replace(summary, text=clipped(summary.text))
            for summary in out]


MAX_SHOWN = 400  # characters of the line shown: a first sentence of a page (a hostile file's 50 KB one) is cut


def clipped(text: str) -> str:
    """`text` cut to at most MAX_SHOWN characters, at a space where there is one near, ending in an ellipsis."""
    cut = text[:MAX_SHOWN - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_SHOWN // 2 else cut).rstrip(" ,;:") + "…"


def why_withheld(line: Generated) -> str | None:
    """Why a user is not shown a generated line (None: shown): it is empty, holds a made-up or thrice-written word,
    or is below its model's threshold (`Generated.confident`)."""
    if not line.text:
        return "empty"
    if line.invented:
        return f"made-up word: {', '.join(line.invented)}"
    if line.repeated:
        return f"repeated word: {', '.join(line.repeated)}"
    if not line.confident:
        return "below the confidence threshold"
    return None
