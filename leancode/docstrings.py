"""The summary of a docstring as the training labels and the hover state it: its first sentence, markup
stripped (reST roles, epytext, Javadoc/JSDoc inline tags, HTML, Markdown), parameter sections, signature
lines, Go directives and Rust doc sections skipped.

`first_sentence(docstring, language)` is the one rule: the language server's hover and `leancode summarize` quote
a function's own docstring with it, and `leancode-train mine` labels functions with it. Mining passes
`as_mined=True`, the rule as the recorded corpus was labelled (before the 2026-12-02 fixes: `{@return}`, JSDoc
`@summary`/`@description`, code spans, code blocks, initials, ellipses, full-width stops, PEP/RFC roles; later:
brackets that are no Markdown link, numbered lists, Go code blocks, reST emphasis, links and footnotes), so the
corpus rebuilds as recorded; a corpus rebuilt for training should drop it.
"""

from __future__ import annotations

import html
import re

_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "cf", "al", "approx", "resp", "incl", "viz",
                            "ca", "mr", "mrs", "dr", "no", "fig", "eq", "sec", "ch", "ex", "esp"})
# Not ends either, though the corpus was mined with them as ends: "matches, ie. the first", "N.B. this listener ..."
_ABBREVIATIONS_REVISED = frozenset({"ie", "eg", "n.b", "p.s"})
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_SENTENCE_END_REVISED = re.compile(r"[.!?](?=\s|$)|[。！？]")
_PY_SECTION = re.compile(
    r"^\s*(?:(?:Args|Arguments|Parameters|Params|Returns?|Yields?|Raises|Examples?|Notes?|See [Aa]lso"
    r"|Attributes|Keyword [Aa]rguments|Other [Pp]arameters|Warnings?|References|Usage|Todo|Methods)"
    r"\s*:?\s*$"
    r"|:(?:param|parameter|arg|argument|key|keyword|type|raises?|except|exception|var|ivar|cvar"
    r"|vartype|returns?|rtype|yields?|ytype|meta)\b"
    r"|>>>|\.\. |@\w+|[-=~^*]{3,}\s*$)")
_SIGNATURE_LINE = re.compile(r"^[\w.]+\(.*\)\s*(?:->.*)?$")
# As readers are shown one (not as mined): emphasised, with another arrow (bidict's "*x.pop(k[, d]) → v*",
# "*x.__getitem__(key) ⟺ x[key]*")
_SHOWN_SIGNATURE_LINE = re.compile(r"[\w.]+\([^`*]*\)\s*(?:(?:->|→|⟶|⟺|⇔)[^`*]*)?")  # one span
# "D.pop(k[,d]) -> v, remove specified key and ...": a signature, its result, then a description of four words or more
# in lower case (not a result's further names: "-> func, params, buffers", "-> self, str or None"); or a sentence
# after the result's stop ("tell() -> int.  Current file position."). Read by `_described_signature` a piece at a
# time: one pattern for all of it tried each split of a run of spaces three ways (a line of 2,000: seconds).
_SIGNATURE_START = re.compile(r"[\w.]+\(")
_RESULT_THEN = re.compile(r"\([^()]*\)|[^,()]+?(?=,|\s--)")  # the result before its "," or " --"
_SEPARATOR = re.compile(r"\s*(?:,|\s--)")
_LOWER_DESCRIPTION = re.compile(r"\s+([a-z]+(?: [^\s,]+){3,}.*)")
_SENTENCE_AFTER = re.compile(r"\s+([A-Z].*)")
# A result described rather than named: "D.copy() -> a shallow copy of D" says "Return a shallow copy of D."
_DESCRIBED_RESULT = re.compile(r"((?:an?|the)(?: \S*[^\s.]){3,})\.?")
SIGNATURE_LINES = 30  # how far a signature wrapped over lines is followed
# A role is a few short names (`:py:meth:`); unbounded, each colon of a long `a:b:c...` run was tried to its end: quadratic
_REST_ROLE = re.compile(r":[\w.+-]{1,64}(?::[\w.+-]{1,64}){0,7}:`([^`]*)`")
_EPYTEXT = re.compile(r"\b[LCIBMU]\{([^{}]*)\}")
_JAVADOC_INLINE = re.compile(r"\{@(\w+)\s*((?:[^{}]|\{[^{}]*\})*)\}")
# A tag holds no "<" (with `[^>]*`, each of many unclosed "<p" scanned to the end: quadratic)
_HTML_BLOCK = re.compile(r"<\s*/?\s*(?:p|br|ul|ol|li|pre|table|tr|td|th|h\d|dl|dt|dd|blockquote|hr|div)\b[^<>]*>",
                         re.I)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


_LIST_ITEM = re.compile(r"(\d+)[.)]\s+(?=\S)")  # "1. Replace ...", "2) ..."


_BULLET = re.compile(r"[-*+\u2022]\s+(?=\S)")  # "- item", "* item", "• item"
_INLINED_ITEMS, _INLINED_ITEM_WORDS = 8, 6  # a list short enough to read on the line that introduces it


def _before_list(lines: list[str]) -> list[str]:
    """A paragraph's lines up to a numbered list that starts at "1." (after a colon, or with a "2." item) or a
    bulleted one after a colon, a short one after a colon read into the line ("Supported values: auto, none."), or
    when it opens with a numbered list, its first item's (the number dropped): never the bare "1."."""
    for i, line in enumerate(lines):
        if i and lines[i - 1].endswith(":") and _BULLET.match(line):
            return lines[:i] + _inlined(lines[i:], _BULLET)
        if (m := _LIST_ITEM.match(line)) and m.group(1) == "1":
            second = any((n := _LIST_ITEM.match(later)) and n.group(1) == "2" for later in lines[i + 1:])
            if i and not (second or lines[i - 1].endswith(":")):
                continue  # a wrapped line that begins with a number: "... defaults to\n1. Larger values ..."
            if i:
                return lines[:i] + (_inlined(lines[i:], _LIST_ITEM) if lines[i - 1].endswith(":") else [])
            end = next((j for j in range(1, len(lines)) if _LIST_ITEM.match(lines[j])), len(lines))
            return [line[m.end():]] + lines[1:end]
    return lines


def _inlined(lines: list[str], marker: re.Pattern) -> list[str]:
    """A list's items as one line, "a, b, c." (each item's lines joined, its stop dropped), where there are two to
    _INLINED_ITEMS of at most _INLINED_ITEM_WORDS words and no ":" (a label, a nested list, text after the list);
    else none."""
    items: list[str] = []
    for line in lines:
        if m := marker.match(line):
            items.append(line[m.end():])
        else:
            items[-1] += " " + line
    items = [item.strip().rstrip(".;,") for item in items]
    if not 2 <= len(items) <= _INLINED_ITEMS \
            or any(not item or ":" in item or len(item.split()) > _INLINED_ITEM_WORDS for item in items):
        return []
    return [", ".join(items) + "."]


_NEXT_VISIBLE = re.compile(r"\s*(\S?)")


def _sentence(paragraph: str, as_mined: bool = False) -> str:
    """The first sentence of one paragraph, its whitespace single spaces (all of it when no sentence end is found).
    Not an end: an
    abbreviation ("e.g."), and unless `as_mined`, an ellipsis or a doubled "!" before a word that is not
    capitalised ("wait... then", "n!! (double factorial)"); a full-width stop is one ("。"). Unless `as_mined`, a
    banner before another sentence, marks and capitals alone ("!!!! IMPORTANT !!!!", "***"), is skipped (not a
    warning: "DEPRECATED.")."""
    start = 0
    for m in (_SENTENCE_END if as_mined else _SENTENCE_END_REVISED).finditer(paragraph):
        # The word before the stop, found by looking back (a search from the start was quadratic: "e.g. " x 4,000)
        word = paragraph[paragraph.rfind(" ", 0, m.start()) + 1:m.start()]
        if not as_mined and m.group() == "." and not word.strip(".") \
                and not _NEXT_VISIBLE.match(paragraph, m.end()).group(1).isupper():
            continue  # stops alone before a word in lower case name themselves: "eliminating . and .. elements"
        bare = word.lower().lstrip("(\"'")
        if word and (bare in _ABBREVIATIONS or not as_mined and bare in _ABBREVIATIONS_REVISED) \
                and not (not as_mined and bare == "etc" and _NEXT_VISIBLE.match(paragraph, m.end()).group(1).isupper()):
            continue  # (a list's "etc." before a capital ends its sentence: "1st, 2nd, etc. If the last ...")
        if not as_mined and word and word.endswith({".": "..", "!": "!"}.get(m.group(), "\0")):
            after = _NEXT_VISIBLE.match(paragraph, m.end()).group(1)
            if after and not after.isupper():
                continue
        if not as_mined and _banner(paragraph[start:m.end()]) and _MORE.match(paragraph, m.end()):
            start = m.end()
            continue
        return paragraph[start:m.end()].strip()
    return paragraph[start:].strip()


_MORE = re.compile(r"\s*\S")  # more text after a sentence


def _banner(sentence: str) -> bool:
    """Marks, or capitals between runs of one mark ("!!!! IMPORTANT !!!!"): no letter a reader reads as prose (CJK
    letters are uncased, and prose)."""
    return all(c.isupper() for c in sentence if c.isalpha()) \
        and (not any(c.isalpha() for c in sentence) or _MARK_RUN.search(sentence) is not None)


_MARK_RUN = re.compile(r"([^\w\s])\1")


def _rest_role(m: re.Match, as_mined: bool = False) -> str:
    text = m.group(1)
    role = re.match(r":(?:[\w.+-]+:)*([\w.+-]+):", m.group()).group(1)  # as _REST_ROLE reads it: `:xp-ref:`
    if not as_mined and role in ("rfc", "pep"):  # :rfc:`5893` reads "RFC 5893"
        return f"{role.upper()} {text}"
    target = re.match(r"(.*?)\s*<[^<>]*>$", text)  # `text <target>`
    if target and target.group(1):
        return target.group(1)
    text = text.lstrip("!")
    if not as_mined:
        text = text.lstrip(".")  # :class:`.MatchDetail`: a name looked up relative to the module
    return text[1:].rsplit(".", 1)[-1] if text.startswith("~") else text


def _without_signature(docstring: str) -> str:
    """A docstring without the call signature that old and generated docstrings open with, wrapped over lines
    (`_handle_long_word(chunks : [string],\n cur_line : [string], ...)`, numpy's `concatenate(\n arrays, ...)\n--`),
    or followed by the description (`D.pop(k[,d]) -> v, remove specified key ...`: "Remove specified key ...")."""
    lines = docstring.strip().splitlines()
    if lines and (text := _described_signature(lines[0].strip())):
        return "\n".join([text[:1].upper() + text[1:], *lines[1:]])
    depth = 0
    for end, line in enumerate(lines[:SIGNATURE_LINES], 1):  # to the line that closes its parentheses
        depth += line.count("(") - line.count(")")
        if depth <= 0:
            break
    else:
        return docstring
    while end < len(lines) and (lines[end].strip() == "--" or lines[end].lstrip().startswith("->")):
        end += 1  # its result on a line of its own, Argument Clinic's `--`
    signature = " ".join(" ".join(line for line in lines[:end] if line.strip() != "--").split())
    rest = "\n".join(lines[end:])
    # (one emphasised or with another arrow is the docstring where nothing follows: bidict's `__getitem__`)
    return rest if _SIGNATURE_LINE.match(signature) \
        or _SHOWN_SIGNATURE_LINE.fullmatch(signature.strip("*`")) and rest.strip() else docstring


def _described_signature(line: str) -> str | None:
    """The description on a signature's line after its result (`_SIGNATURE_START`'s comment), else None."""
    arrow = line.find("->")
    if not _SIGNATURE_START.match(line) or arrow < 0 or not line[:arrow].rstrip().endswith(")"):
        return None
    start = arrow + 2 + len(line[arrow + 2:]) - len(line[arrow + 2:].lstrip())
    result = _RESULT_THEN.match(line, start)
    separator = result and _SEPARATOR.match(line, result.end())
    if separator and (text := _LOWER_DESCRIPTION.fullmatch(line, separator.end())):
        return text.group(1)
    stop = line.find(".", start)
    if stop > start and not {"(", ")"} & set(line[start:stop]) and (text := _SENTENCE_AFTER.fullmatch(line, stop + 1)):
        return text.group(1)
    if described := _DESCRIBED_RESULT.fullmatch(line, start):
        return f"return {described.group(1)}."
    return None


# An epytext or Javadoc-like field in a docstring (`@param x:`, `@return:`, `@param count true iff ...`)
_EPYTEXT_FIELD = re.compile(r"@(?:param|arg|argument|keyword|kwarg|type|rtype|returns?|raises?|exception|throws"
                            r"|see|note|since|deprecated|author|version|ivar|cvar|var|todo|warning|link|summary"
                            r"|requires)\b|@\w+(?:\s+[\w.*]+)?\s*:")
# A paragraph that only says in which version a function came or changed (glom's "*New in glom 18.3.0*")
_VERSION_NOTE = re.compile(r"\*{0,2}(?:New|Added|Changed|Updated)\s+in\s+(?:version\s+)?(?:[A-Za-z][\w-]*\s+)?v?\d[\w.-]*"
                           r"\*{0,2}\.?", re.I)
# A decorator's use a docstring opens with (funcy's "@memoize(key_func=None). Makes decorated function ..."), which no
# epytext field is (`@param x:`, `@return:`, `@see Other`): its signature, read past
_DECORATOR_USAGE = re.compile(r"@\w+(?:\.\w+)*(?:\([^()]*\)\.?|\.)(?=\s|$)\s*")


def _python_paragraph(docstring: str, as_mined: bool = False) -> str:
    lines: list[str] = []
    in_directive = listed = False
    all_lines = (docstring if as_mined else _without_signature(docstring)).strip().splitlines()
    for i, line in enumerate(all_lines):
        stripped = line.strip()
        if not stripped:
            if lines and not as_mined and not listed and lines[-1].endswith(":") and _list_next(all_lines, i):
                listed = True  # a list after a blank line below the line that introduces it ("Returns one of:")
                continue
            if lines and not as_mined and _VERSION_NOTE.fullmatch(" ".join(lines)):
                lines = []  # a paragraph of its own saying when it came: the description follows
                continue
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
        if not lines and not as_mined and (usage := _DECORATOR_USAGE.match(stripped)):
            stripped = stripped[usage.end():]  # read as a signature line is: the description after it
            if not stripped:
                continue
        elif _PY_SECTION.match(line) and (as_mined or not stripped.startswith("@") or _EPYTEXT_FIELD.match(stripped)):
            break  # (a line opening with a decorator's name is prose unless it is an epytext field, `@param x:`)
        if not lines and _SIGNATURE_LINE.match(stripped):  # "sorted(iterable) -> list"
            continue
        lines.append(stripped)
    if not as_mined:
        lines = _to_unstopped_end(lines)
    text = " ".join(lines if as_mined else _before_list(lines))
    if not as_mined:  # reST's escapes after a span: `PrintLogger`\ s, `LogRecord`\s (plurals of a name); of markup
        # (cerberus' `\\*of-rule` in its source, `\*of-rule` in the docstring: "*of-rule")
        text = re.sub(r"\\{1,2}([*_|])", r"\1", re.sub(r"(?<=`)\\ ?(?=\w)", "", text))
    text = _REST_ROLE.sub(lambda m: _rest_role(m, as_mined), text)
    text = _EPYTEXT.sub(r"\1", text)
    text = re.sub(r"``(.+?)``", r"\1", text)
    if as_mined:
        text = re.sub(r"`([^`]+)`_{0,2}", r"\1", text)
        return re.sub(r"\*\*(\S(?:[^*]*\S)?)\*\*", r"\1", text)
    text = re.sub(r"\s*\[(?:\d+|#[\w-]*|\*)\]_(?!\w)", "", text)  # footnotes: [1]_, [#]_
    text = re.sub(r"\[([A-Za-z][\w.-]*)\]_(?!\w)", r"\1", text)  # citations keep their label: "in Smith2002."
    text = re.sub(r"`(?:([^`<]*\S)\s*<[^<>`]*>`_{1,2}|([^`<]*\S)\s+<[^<>`]*>`|([^`]+)`_{0,2})",
                  lambda m: m.group(1) or m.group(2) or m.group(3), text)  # `text <url>`_, `Title <target>`: the text
    text = re.sub(r"\*\*(\S(?:[^*]*\S)?)\*\*", r"\1", text)
    return re.sub(r"(?<![\w*])\*(\S(?:[^*]*\S)?)\*(?![\w*])", r"\1", text)  # *emphasis*, not *args


_LINK = re.compile(r"([^\s(]*(?:\s*\([^)]*\))?)\s*(.*)", re.S)  # {@link reference(its, parameters) label}


def _javadoc_inline(m: re.Match, keep: list[str], as_mined: bool = False) -> str:
    tag, body = m.group(1), m.group(2).strip()
    if tag in ("inheritDoc", "docRoot"):
        return ""
    if tag in ("link", "linkplain", "linkcode") and not as_mined and "|" in body:
        body = body.split("|", 1)[1].strip()  # JSDoc {@link https://lodash.com|lodash}
    elif tag in ("link", "linkplain", "linkcode") and not as_mined:  # the reference's parameters may hold spaces
        reference, label = _LINK.match(body).groups()  # {@link Plugin#notify(String, JSObject, boolean) label}
        body = label or re.sub(r"\s*\(.*\)$", "", reference).lstrip("#").replace("#", ".")
    elif tag in ("link", "linkplain"):  # as the corpus was labelled: split at the first space
        parts = body.split(None, 1)
        if len(parts) == 2 and not parts[1].startswith("("):
            body = parts[1]  # {@link Foo#bar(int) label}
        else:
            body = re.sub(r"\(.*\)$", "", parts[0] if parts else "")
            body = body.lstrip("#").replace("#", ".")
    keep.append(body)
    return f"\x00{len(keep) - 1}\x00"  # protected from HTML stripping ({@code List<T>})


_JAVADOC_RETURN = re.compile(r"\{@return\s+((?:[^{}]|\{[^{}]*\})*)\}")  # {@return the count}
_JAVADOC_SUMMARY = re.compile(r"\{@summary\s+((?:[^{}]|\{[^{}]*\})*)\}")
_PRE_OPEN = re.compile(r"<pre\b", re.I)
_PRE_CLOSE = re.compile(r"</pre\s*>", re.I)
_CODE_SPAN = re.compile(r"`[^`\n]+`")
# `[^\S\n]*`, not `\s*`: from every line start `^\s*` read all the blank lines below it again (quadratic).
_JSDOC_DESCRIPTION = re.compile(r"^[^\S\n]*@(?:summary|description|desc)\s+((?:(?!^[^\S\n]*@\w).)+)", re.M | re.S)


def _without_pre_blocks(text: str) -> str:
    """Each closed <pre> block as a paragraph break, in one pass (a lazy regex scanned to the end again from every
    unclosed `<pre`: quadratic)."""
    kept, position = [], 0
    while (opened := _PRE_OPEN.search(text, position)) and (closed := _PRE_CLOSE.search(text, opened.end())):
        kept += [text[position:opened.start()], "\n\n"]
        position = closed.end()
    return "".join(kept) + text[position:]


# JSDoc tags that mark a class or a type and say nothing, written before its description (yjs's `@template EventType`
# then "Abstract Yjs Type class").
_MARKER_TAG = re.compile(r"\s*@(?:template|typeparam|extends|augments|implements|class|constructor|abstract|internal"
                         r"|private|public|protected|hideconstructor|interface|final|sealed)\b[^\n]{0,80}$")


def _list_next(lines: list[str], i: int) -> bool:
    """Whether the first line from `i` on that is not blank starts a list ("- a", "* a", "1. a")."""
    following = next((line.strip() for line in lines[i:] if line.strip()), "")
    return bool(_BULLET.match(following) or (m := _LIST_ITEM.match(following)) and m.group(1) == "1")


_TAG_WITHOUT_AT = re.compile(r"\s*authors?\s*:\s", re.I)  # react-native-device-info's "author: A" (not "version : 3,"
# of a documented object)


def _java_paragraph(docstring: str, language: str = "java", as_mined: bool = False) -> str:
    lines = []
    for line in docstring.strip().splitlines():
        if not lines and language != "java" and not as_mined and _MARKER_TAG.match(line):
            continue
        if re.match(r"\s*@\w+", line) or not as_mined and _TAG_WITHOUT_AT.match(line):  # block tags: @param,
            break  # @return, @throws ...; an `author: A. Name` line written as one
        lines.append(line)
    text = "\n".join(lines)
    keep: list[str] = []
    if not as_mined:
        if language != "java" and not text.strip():  # JSDoc that opens with tags: @summary, else @description
            found = sorted(_JSDOC_DESCRIPTION.finditer(docstring), key=lambda m: "@summary" not in m.group())
            text = found[0].group(1) if found else ""
        text = _JAVADOC_SUMMARY.sub(r"\1\n\n", text)  # Javadoc renders these as the first sentence
        text = _JAVADOC_RETURN.sub(lambda m: f"Returns {m.group(1).strip().rstrip('.')}.", text)
        text = _without_pre_blocks(text)  # a code sample is no sentence
        if language != "java":  # `Array<T>` is code, not an HTML tag
            text = _CODE_SPAN.sub(lambda m: (keep.append(m.group()), f"\x00{len(keep) - 1}\x00")[1], text)
    text = _JAVADOC_INLINE.sub(lambda m: _javadoc_inline(m, keep, as_mined), text)
    text = _HTML_BLOCK.sub("\n\n", text)
    text = _HTML_TAG.sub("", text)
    text = html.unescape(text)
    paragraph = next((p for p in re.split(r"\n\s*\n", text) if p.strip()), "")
    while "\x00" in paragraph:  # a kept body may hold another (a code span inside {@link ...})
        paragraph = re.sub(r"\x00(\d+)\x00", lambda m: keep[int(m.group(1))], paragraph)
    if not as_mined:
        lines = [line.strip() for line in paragraph.splitlines()]
        # Javadoc's and JSDoc's lines left without their stops, before a sentence's first word (not a type's name:
        # `Object`), and a Java comment's above a method (react-native-image-picker's two `//` lines, each a sentence)
        lines = _to_unstopped_end(lines)
        paragraph = "\n".join(_before_list(lines))
    return " ".join(paragraph.split())


_MD_LINK = re.compile(r"\[([^\[\]]+)\](?:\([^()]*\)|\[[^\[\]]*\])?")  # [text](url), [text][ref], [`Foo`]
# Go directives as the recorded corpus recognised them, on the comment's text after `//`: also prose that starts a
# line with "go", "line", "build" ... (the units' doc comments now leave out `//go:...` lines themselves).
_GO_DIRECTIVE = re.compile(r"^(?:go|lint|nolint|export|line|build)\b:?\S*")
_LINTER_DIRECTIVE = re.compile(r"^(?:nolint\b|lint:|go:\w+)")  # "// nolint:funlen", written with a space


# A link's text in brackets, not after a word or a bracket (`arr[i]`, `m[i][j]` index), then its (url) or [ref].
_MD_LINK_REVISED = re.compile(r"(?<![\w\])])\[([^\[\]]+)\](\([^()]*\)|\[[^\[\]]*\])?")
_RUST_PATH = re.compile(r"(?:\w+@)?[A-Za-z_][\w:]*(?:!|\(\))?$")  # intra-doc link [Vec], [fn@crate::f], [vec!]


def _markdown(text: str, language: str = "rust", as_mined: bool = False) -> str:
    """Markdown stripped: links keep their text, code spans and emphasis lose their markers, HTML entities outside
    code spans are read (`&mdash;`: —). Unless `as_mined`,
    brackets that are no link (`[1, 2, 3]`, `arr[i]`, inside a code span) stay: a bare [text] is a link when it
    holds a code span ([`Vec`]), or in Rust a path ([Vec])."""
    if as_mined:
        text = _MD_LINK.sub(r"\1", text)
        text = re.sub(r"`([^`]+)`", r"\1", text)
        return re.sub(r"(\*\*|__|\*)(\S(?:[^*_]*\S)?)\1", r"\2", text)
    spans: list[str] = []
    text = re.sub(r"`([^`]+)`", lambda m: (spans.append(m.group(1)), f"\x01{len(spans) - 1}\x01")[1], text)

    def link(m: re.Match) -> str:
        inner = m.group(1)
        if m.group(2) or re.fullmatch(r"\x01\d+\x01", inner) or language == "rust" and _RUST_PATH.match(inner):
            return re.sub(r"^\w+@", "", inner)
        return m.group()

    text = _MD_LINK_REVISED.sub(link, text)
    text = html.unescape(re.sub(r"(\*\*|__|\*)(\S(?:[^*_]*\S)?)\1", r"\2", text))  # `&mdash;`, as rendered
    return re.sub(r"\x01(\d+)\x01", lambda m: _span_shown(spans[int(m.group(1))]), text)


def _span_shown(span: str) -> str:
    """A code span's text as a sentence shows it: bare, but one mostly of marks keeps its backticks ("for `.`." read
    "for ..": regex-syntax's `Hir::dot`; "`(?s).`")."""
    words = len(re.findall(r"\w", span))
    return f"`{span}`" if words < len(re.sub(r"[\w\s]", "", span)) else span


def _comment_paragraph(docstring: str, language: str, as_mined: bool = False) -> str:
    """The first paragraph of a Go (``//``) or Rust (``///``, Markdown) doc comment; Rust's fenced code blocks
    and section headings skipped (unless `as_mined`, only their fence and heading lines), Go's indented code
    blocks end it (unless `as_mined`)."""
    lines: list[str] = []
    in_fence = False
    for line in docstring.strip().splitlines():
        stripped = line.strip()
        if language == "rust" and not as_mined and (in_fence or re.match(r"```|~~~", stripped)):
            in_fence = not in_fence if re.match(r"```|~~~", stripped) else in_fence
            if lines:
                break
            continue
        if not stripped:
            if lines:
                break
            continue
        if language == "go" and (_GO_DIRECTIVE if as_mined else _LINTER_DIRECTIVE).match(stripped) \
                or language == "rust" and re.match(r"#|```|~~~", stripped):  # "# Examples", code blocks
            if lines:
                break
            continue
        if language == "go" and not as_mined and lines and line[:1].isspace() and not _LIST_ITEM.match(lines[0]):
            break  # an indented line after the text: a code block (or a list), as gofmt reads it
        lines.append(stripped)
    if not as_mined:
        lines = _to_unstopped_end(lines)
    text = " ".join(lines if as_mined else _before_list(lines))
    return _markdown(text, language, as_mined) if language == "rust" else text


# A line comment's sentence left without its stop: the line ends in a word no sentence is left on, and the next begins
# with a capitalised word that is no name (no capital inside: `ResourceID`), or a capitalised label ("NOTE:").
_WORD = re.compile(r"[^\W\d]\w*")
_LEFT_OPEN_BY = frozenset(
    "a an the of to for by with and or nor in on at from as is are be was were into onto than via per each any all no "
    "not if when whether where which that this these those its their our your given such but so new other same "
    "separate specific specified following current default existing filtered optional underlying inside within "
    "about between using like over under across through without after before".split())
_SENTENCE_START = re.compile(r"(?:[A-Z][a-z]+|[A-Z]{2,}:)(?=[\s,:]|$)")


def _to_unstopped_end(lines: list[str]) -> list[str]:
    """A paragraph's lines up to the first sentence end that no stop marks (`_unstopped_end`)."""
    return lines[:next((i for i in range(1, len(lines)) if _unstopped_end(lines[i - 1], lines[i])), len(lines))]


def _unstopped_end(line: str, next_line: str) -> bool:
    """Whether a sentence ends at the end of `line` though no stop ends it ("Delete removes the directory" then
    "Note that ..."): before a word of `_STARTERS` or a label, not before a name that starts a wrapped line ("the
    regular\nDjango template engine", Go's "all trailing\nUnicode code points", Rust's "the standard\nUnix
    permissions")."""
    last = (line.rsplit(maxsplit=1) or [""])[-1]  # (a blank line: no word)
    if _WORD.fullmatch(last) is None or last.lower() in _LEFT_OPEN_BY \
            or (start := _SENTENCE_START.match(next_line)) is None:
        return False
    return start.group().endswith(":") or start.group() in _STARTERS


# Words that start a sentence, not a wrapped line's name ("Django", "Resource Identifier"): `_unstopped_end`'s
_STARTERS = frozenset(
    "If When While Unless Otherwise This These That Those The It Its They A An Always Never Allowing Also Only Each "
    "All Any Some No See Note Notes Refer Example Examples Use Uses Used Returns Return Raises Throws Can Will Should "
    "Must May Might Do Does Not For Since Because Unlike Like Useful Called Default Defaults Warning Deprecated "
    "Then Else Here There We You Please However Alternatively Additionally Otherwise Instead Thus Hence Therefore "
    "Currently Finally Typically Usually".split())


# Where a docstring says what a function returns: reST `:returns: ...`, Google `Returns:` then an indented line
# (`type: text` or text), NumPy `Returns` / `-------` / a type line / an indented line, Javadoc and JSDoc `@return(s)`;
# the indentation before each is read within its line (`^\s*` tried every blank line below each line start).
_REST_RETURN = re.compile(r"^[ \t]*:returns?:\s*(\S.*)$", re.M)
# Blank lines between are read one line at a time (`\s*\n\1\s+` tried every split of them: quadratic).
_BLANK_LINES = r"\n(?:[ \t]*\n)*?"
_GOOGLE_RETURN = re.compile(rf"^([ \t]*)Returns?:[ \t]*{_BLANK_LINES}\1[ \t]+(?:[\w\[\], .|]+:\s+)?(\S.*)$", re.M)
_NUMPY_RETURN = re.compile(
    rf"^([ \t]*)Returns[ \t]*\n\1-{{3,}}[ \t]*{_BLANK_LINES}\1\S.*{_BLANK_LINES}\1[ \t]+(\S.*)$", re.M)
# The text after `@returns {type}`: never the type itself, nor the next tag ("@returns {number}" says no more). Space
# before the tag within its line only: `^\s*\*?\s*` took cubic time on a comment of blank lines (2,000: 30 s), and
# `[ \t]*\*?[ \t]*` quadratic on a line of spaces.
_TAG_RETURN = re.compile(r"^[ \t]*(?:\*[ \t]*)?@returns?(?:[ \t]*\{[^{}]*\})?\s+(?![{@])(\S.*)$", re.M)


def returns_sentence(docstring: str | None, language: str) -> str:
    """"Returns ..." from where a docstring describes what the function returns ("" when it does not): the
    author's word for a docstring whose only prose is its parameter and return lists."""
    if not docstring:
        return ""
    docstring = docstring[:READ_LIMIT]
    if language in ("java", "javascript", "typescript", "tsx"):
        found = _TAG_RETURN.search(docstring)
        text = found and found.group(1)
    elif language == "python":
        found = _REST_RETURN.search(docstring) or _GOOGLE_RETURN.search(docstring) or _NUMPY_RETURN.search(docstring)
        text = found and found.group(found.re.groups)
    else:
        return ""
    if found:  # with the lines its description goes on over, to a blank line, the next field or a section
        start = found.start(found.re.groups)
        end = _RETURN_TEXT_END.search(docstring, found.end())
        text = docstring[start:end.start() if end else len(docstring)]
    sentence = first_sentence(text, language).rstrip(".") if text else ""
    if not re.search(r"[A-Za-z]{2}", sentence):
        return ""
    if sentence[:1].isupper() and not sentence[1:2].isupper() and sentence.split(maxsplit=1)[0] not in _LITERALS:
        sentence = sentence[0].lower() + sentence[1:]  # "The count" -> "the count"; "URL", "True" stay
    return f"Returns {sentence}."


# Where a return's description ends: a blank line, the next field or tag (`:raises ValueError:`, `@throws`; not a
# role, `:meth:`x``), or a section heading (`Raises:`); each alternative read within its line.
_RETURN_TEXT_END = re.compile(r"\n[ \t]*(?:\*[ \t]*)?(?:\n|$|@|:[^:\n`]{1,80}:(?!`)|[A-Z]\w*:[ \t]*$)", re.M)
_LITERALS = frozenset({"True", "False", "None", "NaN", "Infinity"})


# What the hover reads of a docstring: its summary lies in the first lines, and no reader's time grows past this.
READ_LIMIT = 50_000

# The readers set inline tags and code spans aside as \x00n\x00 and \x01n\x01; a docstring's own (a control character in
# a comment) read as one set aside (IndexError) or was never put back (a loop without end): it reads as a space.
_MARKS = {0: " ", 1: " ", 2: " ", 3: " ", 4: " "}
# Code spans (a reST role's target, `:class:`.Match``, read whole and left as it is) and Javadoc's code tags, one
# line and short (an unpaired backtick must not hide a paragraph's stops), and
# their stops set aside as \x02-\x04 (webob's "Remove ``.`` and ``..`` segments from a path" read "Remove .").
_IN_CODE = re.compile(r"(:[\w.+-]+:(?:[\w.+-]+:)?`[^`\n]{0,200}`)|`{1,3}[^`\n]{1,80}`{1,3}"
                      r"|\{@(?:code|literal)\s[^{}\n]{1,80}\}")  # each alternative bounded: linear from every start
_STOPS_SET_ASIDE = str.maketrans(".?!", "\x02\x03\x04")
_STOPS_PUT_BACK = str.maketrans("\x02\x03\x04", ".?!")


def first_sentence(docstring: str | None, language: str, as_mined: bool = False) -> str:
    """The summary of a docstring: its first sentence, markup stripped ("" when none). `as_mined`: the rule as
    the recorded corpus was labelled (see the module's docstring)."""
    if not docstring:
        return ""
    docstring = (docstring if as_mined else docstring[:READ_LIMIT]).translate(_MARKS)
    if not as_mined:  # a stop in code (``..``, `a.`, {@code .}) ends no sentence: set aside until one is found
        docstring = _IN_CODE.sub(lambda m: m.group() if m.group(1) else m.group().translate(_STOPS_SET_ASIDE),
                                 docstring)
    if language in ("java", "javascript", "typescript", "tsx"):  # Javadoc and JSDoc/TSDoc share tags and markup
        paragraph = _java_paragraph(docstring, language, as_mined)
        paragraph = paragraph if language == "java" else _markdown(paragraph, language, as_mined)
    elif language in ("go", "rust"):
        paragraph = _comment_paragraph(docstring, language, as_mined)
    else:
        paragraph = _python_paragraph(docstring, as_mined)
    paragraph = " ".join(paragraph.split())
    sentence = _sentence(paragraph, as_mined).strip().translate(_STOPS_PUT_BACK)
    if as_mined:
        return sentence
    if _LABELS_ALONE.fullmatch(sentence):  # "GH-1, GH-10", "#48", "Issue 187", a bare link: no description
        return ""
    return sentence[:-2] + "." if language == "python" and sentence.endswith("::") else sentence  # reST's "items::"


# A doc comment that only names issues or links ("GH-1, GH-10, GH-96", "#48", "Issue 187", "See https://..."): each
# item bounded, so a long run of them reads in linear time.
_LABEL = (r"(?:(?:see|issues?|bugs?|fix(?:es)?|refs?|cf\.?)\s{0,3}:?\s{0,3})?"
          r"(?:GH-?\d{1,9}|#\d{1,9}|\d{1,9}|https?://\S+|\\?<https?://[^\s<>]+\\?>)")  # Markdown's `<https://...>` too
_LABELS_ALONE = re.compile(rf"{_LABEL}(?:[\s,;]{{1,4}}(?:and\s+)?{_LABEL})*[.:]?", re.I)


def shown_sentence(docstring: str | None, language: str) -> str:
    """What a function's documentation says to show for it: its first sentence, else, where its only prose is its
    parameter and return lists, what it says the function returns ("" if neither)."""
    return first_sentence(docstring, language) or returns_sentence(docstring, language)
