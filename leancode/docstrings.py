"""The summary of a docstring as the training labels and the hover state it: its first sentence, markup
stripped (reST roles, epytext, Javadoc/JSDoc inline tags, HTML, Markdown), parameter sections, signature
lines, Go directives and Rust doc sections skipped.

`first_sentence(docstring, language)` is the one rule: `leancode-train mine` labels functions with it, and
the language server's hover quotes a function's own docstring with it, so the two speak alike.
"""

from __future__ import annotations

import html
import re

_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "cf", "al", "approx", "resp", "incl", "viz",
                            "ca", "mr", "mrs", "dr", "no", "fig", "eq", "sec", "ch", "ex", "esp"})
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_PY_SECTION = re.compile(
    r"^\s*(?:(?:Args|Arguments|Parameters|Params|Returns?|Yields?|Raises|Examples?|Notes?|See [Aa]lso"
    r"|Attributes|Keyword [Aa]rguments|Other [Pp]arameters|Warnings?|References|Usage|Todo|Methods)"
    r"\s*:?\s*$"
    r"|:(?:param|parameter|arg|argument|key|keyword|type|raises?|except|exception|var|ivar|cvar"
    r"|vartype|returns?|rtype|yields?|ytype|meta)\b"
    r"|>>>|\.\. |@\w+|[-=~^*]{3,}\s*$)")
_SIGNATURE_LINE = re.compile(r"^[\w.]+\(.*\)\s*(?:->.*)?$")
_REST_ROLE = re.compile(r":[\w.+-]+(?::[\w.+-]+)*:`([^`]*)`")
_EPYTEXT = re.compile(r"\b[LCIBMU]\{([^{}]*)\}")
_JAVADOC_INLINE = re.compile(r"\{@(\w+)\s*((?:[^{}]|\{[^{}]*\})*)\}")
_HTML_BLOCK = re.compile(r"<\s*/?\s*(?:p|br|ul|ol|li|pre|table|tr|td|th|h\d|dl|dt|dd|blockquote|hr|div)\b[^>]*>",
                         re.I)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def _sentence(paragraph: str) -> str:
    """The first sentence of one paragraph (all of it when no sentence end is found)."""
    for m in _SENTENCE_END.finditer(paragraph):
        word = re.search(r"(\S+)$", paragraph[:m.start()])
        if word is not None and word.group(1).lower().lstrip("(\"'") in _ABBREVIATIONS:
            continue
        return paragraph[:m.end()]
    return paragraph


def _rest_role(m: re.Match) -> str:
    text = m.group(1)
    target = re.match(r"(.*?)\s*<[^<>]*>$", text)  # `text <target>`
    if target and target.group(1):
        return target.group(1)
    text = text.lstrip("!")
    return text[1:].rsplit(".", 1)[-1] if text.startswith("~") else text


def _python_paragraph(docstring: str) -> str:
    lines: list[str] = []
    in_directive = False
    for line in docstring.strip().splitlines():
        stripped = line.strip()
        if not stripped:
            if lines:
                break
            continue
        if not lines and (directive := re.match(r"\.\. ([\w-]+)::", line)):
            if "deprecat" in directive.group(1):  # ".. deprecated:: 2.0" first: a deprecation note
                return "Deprecated."
            in_directive = True  # ".. warning:: ..." before the summary: skip it
            continue
        if in_directive:
            if line[:1].isspace():
                continue
            in_directive = False
        if _PY_SECTION.match(line):
            break
        if not lines and _SIGNATURE_LINE.match(stripped):  # "sorted(iterable) -> list"
            continue
        lines.append(stripped)
    text = " ".join(lines)
    text = _REST_ROLE.sub(_rest_role, text)
    text = _EPYTEXT.sub(r"\1", text)
    text = re.sub(r"``(.+?)``", r"\1", text)
    text = re.sub(r"`([^`]+)`_{0,2}", r"\1", text)
    return re.sub(r"\*\*(\S(?:[^*]*\S)?)\*\*", r"\1", text)


def _javadoc_inline(m: re.Match, keep: list[str]) -> str:
    tag, body = m.group(1), m.group(2).strip()
    if tag in ("inheritDoc", "docRoot"):
        return ""
    if tag in ("link", "linkplain"):
        parts = body.split(None, 1)
        if len(parts) == 2 and not parts[1].startswith("("):
            body = parts[1]  # {@link Foo#bar(int) label}
        else:
            body = re.sub(r"\(.*\)$", "", parts[0] if parts else "")
            body = body.lstrip("#").replace("#", ".")
    keep.append(body)
    return f"\x00{len(keep) - 1}\x00"  # protected from HTML stripping ({@code List<T>})


def _java_paragraph(docstring: str) -> str:
    lines = []
    for line in docstring.strip().splitlines():
        if re.match(r"\s*@\w+", line):  # block tags: @param, @return, @throws ...
            break
        lines.append(line)
    text = "\n".join(lines)
    keep: list[str] = []
    text = _JAVADOC_INLINE.sub(lambda m: _javadoc_inline(m, keep), text)
    text = _HTML_BLOCK.sub("\n\n", text)
    text = _HTML_TAG.sub("", text)
    text = html.unescape(text)
    paragraph = next((p for p in re.split(r"\n\s*\n", text) if p.strip()), "")
    paragraph = re.sub(r"\x00(\d+)\x00", lambda m: keep[int(m.group(1))], paragraph)
    return " ".join(paragraph.split())


_MD_LINK = re.compile(r"\[([^\[\]]+)\](?:\([^()]*\)|\[[^\[\]]*\])?")  # [text](url), [text][ref], [`Foo`]
_GO_DIRECTIVE = re.compile(r"^(?:go|lint|nolint|export|line|build)\b:?\S*")  # //go:noinline, //export f ...


def _markdown(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    return re.sub(r"(\*\*|__|\*)(\S(?:[^*_]*\S)?)\1", r"\2", text)


def _comment_paragraph(docstring: str, language: str) -> str:
    """The first paragraph of a Go (``//``) or Rust (``///``, Markdown) doc comment."""
    lines: list[str] = []
    for line in docstring.strip().splitlines():
        stripped = line.strip()
        if not stripped:
            if lines:
                break
            continue
        if language == "go" and _GO_DIRECTIVE.match(stripped) \
                or language == "rust" and re.match(r"#|```|~~~", stripped):  # "# Examples", code blocks
            if lines:
                break
            continue
        lines.append(stripped)
    text = " ".join(lines)
    return _markdown(text) if language == "rust" else text


# Where a docstring says what a function returns: reST `:returns: ...`, Google `Returns:` then an indented line
# (`type: text` or text), NumPy `Returns` / `-------` / a type line / an indented line, Javadoc and JSDoc `@return(s)`.
_REST_RETURN = re.compile(r"^\s*:returns?:\s*(\S.*)$", re.M)
_GOOGLE_RETURN = re.compile(r"^(\s*)Returns?:\s*\n\1\s+(?:[\w\[\], .|]+:\s+)?(\S.*)$", re.M)
_NUMPY_RETURN = re.compile(r"^(\s*)Returns\s*\n\1-{3,}\s*\n\1\S.*\n\1\s+(\S.*)$", re.M)
_TAG_RETURN = re.compile(r"^\s*\*?\s*@returns?\s+(?:\{[^{}]*\}\s*)?(\S.*)$", re.M)


def returns_sentence(docstring: str | None, language: str) -> str:
    """"Returns ..." from where a docstring describes what the function returns ("" when it does not): the
    author's word for a docstring whose only prose is its parameter and return lists."""
    if not docstring:
        return ""
    if language in ("java", "javascript", "typescript", "tsx"):
        found = _TAG_RETURN.search(docstring)
        text = found and found.group(1)
    elif language == "python":
        found = _REST_RETURN.search(docstring) or _GOOGLE_RETURN.search(docstring) or _NUMPY_RETURN.search(docstring)
        text = found and found.group(found.re.groups)
    else:
        return ""
    sentence = first_sentence(text, language).rstrip(".") if text else ""
    if not re.search(r"[A-Za-z]{2}", sentence):
        return ""
    if sentence[:1].isupper() and not sentence[1:2].isupper():
        sentence = sentence[0].lower() + sentence[1:]  # "The count" -> "the count"; "URL" stays
    return f"Returns {sentence}."


def first_sentence(docstring: str | None, language: str) -> str:
    """The summary of a docstring: its first sentence, markup stripped ("" when none)."""
    if not docstring:
        return ""
    if language in ("java", "javascript", "typescript", "tsx"):  # Javadoc and JSDoc/TSDoc share tags and markup
        paragraph = _java_paragraph(docstring)
        paragraph = paragraph if language == "java" else _markdown(paragraph)
    elif language in ("go", "rust"):
        paragraph = _comment_paragraph(docstring, language)
    else:
        paragraph = _python_paragraph(docstring)
    paragraph = " ".join(paragraph.split())
    return _sentence(paragraph).strip()
