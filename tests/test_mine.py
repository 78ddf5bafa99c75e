"""`leancode-train mine`: mining summary pairs from real source trees, offline.

The packages mined here are real code: `pathspec` and `tqdm` as installed in the
environment, and a few modules of the running interpreter's standard library, copied into
a temporary directory as if they were unpacked sdists.
"""

import json
import shutil
import sysconfig
from pathlib import Path

import pathspec
import pytest
import tqdm

from leancode.docstrings import first_sentence
from leancode.training import fetch
from leancode.training.cleaning import Thresholds, code_problem, normalize_code, summary_problem
from leancode.training.cli import main
from leancode.training.mine_source import SPLITS, assemble, load_cosqa_keys, mine_source
from leancode.units import extract_units

STDLIB = Path(sysconfig.get_paths()["stdlib"])
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


def copy_package(module, dest: Path) -> Path:
    """Copies an installed package's source into dest/<name>-src/<name> (an unpacked sdist)."""
    root = dest / f"{module.__name__}-src"
    shutil.copytree(Path(module.__file__).parent, root / module.__name__, ignore=IGNORE)
    return root


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sources")
    spec = copy_package(pathspec, tmp)
    # A test directory, as sdists ship them: every function in it must be dropped.
    (spec / "tests").mkdir()
    shutil.copy(spec / "pathspec" / "util.py", spec / "tests" / "test_util.py")
    # A verbatim copy inside the same package: all its pairs are duplicates.
    shutil.copy(spec / "pathspec" / "util.py", spec / "pathspec" / "util_copy.py")
    bar = copy_package(tqdm, tmp)
    stdlib = tmp / "stdlib"
    stdlib.mkdir()
    for name in ("json", "email", "textwrap.py", "shlex.py", "string.py", "fractions.py", "difflib.py",
                 "ftplib.py", "calendar.py", "argparse.py", "configparser.py", "tarfile.py"):
        src = STDLIB / name
        if src.is_dir():
            shutil.copytree(src, stdlib / name, ignore=IGNORE)
        elif src.is_file():
            shutil.copy(src, stdlib / name)
    return {"pathspec": spec, "tqdm": bar, "stdlib": stdlib, "tmp": tmp}


@pytest.fixture(scope="module")
def mined(sources):
    return {
        "pathspec": mine_source(sources["pathspec"], "python", package="pathspec"),
        "tqdm": mine_source(sources["tqdm"], "python", package="tqdm"),
        "stdlib": mine_source(sources["stdlib"], "python", package="stdlib", grouping="stdlib"),
    }


# ------------------------------------------------------------------------------ summaries

@pytest.mark.parametrize("docstring, summary", [
    ("Return the sum of x and y. Raise on overflow.", "Return the sum of x and y."),
    ("Load the file, e.g. a config. Then parse it.", "Load the file, e.g. a config."),
    ("Open the stream\nand read it all.\n\nMore text.", "Open the stream and read it all."),
    ("Return a :class:`~pkg.mod.Spec` for ``path``.\n\n:param path: where", "Return a Spec for path."),
    ("Compile :func:`a pattern <compile>` lazily\n:param x: y", "Compile a pattern lazily"),
    ("sorted(iterable) -> list\n\nReturn a new sorted list.", "Return a new sorted list."),
    # bidict's emphasised signatures of another arrow: passed where a description follows (not a span in prose)
    ("*x.pop(k[, d]) → v*\n\nRemove specified key and return the corresponding value.",
     "Remove specified key and return the corresponding value."),
    ("*x.__getitem__(key) ⟺ x[key]*", "x.__getitem__(key) ⟺ x[key]"),
    ("`cancel_callback()` followed by `close()`\nwhen clicked.", "cancel_callback() followed by close() when clicked."),
    # reST's escaped markup, escaped once more in a docstring that is no raw string (cerberus' `\\*of-rule`)
    ("Errors of an \\\\*of-rule, by rs\\_exp and (L, \\*\\*kwargs).",
     "Errors of an *of-rule, by rs_exp and (L, **kwargs)."),
    ("Split the text.\n\nArgs:\n    text: the text", "Split the text."),
    ("Parse headers\nParameters\n----------\nx : int", "Parse headers"),
    (".. warning:: Internal API.\n    Subject to change.\n\nBuild the backend.", "Build the backend."),
    (".. deprecated:: 1.0\n    Use g.", "Deprecated."),
    ("", ""),
])
def test_python_first_sentence(docstring, summary):
    assert first_sentence(docstring, "python") == summary


@pytest.mark.parametrize("javadoc, summary", [
    ("Returns the {@code size} of this list. More.\n@return the size", "Returns the size of this list."),
    ("Adds all of {@link java.util.List#addAll(Collection) the elements}\n<p>Second paragraph.",
     "Adds all of the elements"),
    ("Creates a {@link #builder} for {@code Map<K, V>} &amp; more.", "Creates a builder for Map<K, V> & more."),
    ("Returns the <b>first</b> element, i.e. the head.\n\n@throws E if empty", "Returns the first element, i.e. the head."),
    ("Gets the device type, shared with native code\nauthor: Andres Aguilar",
     "Gets the device type, shared with native code"),  # react-native-device-info's tag written without its @
    ("{@inheritDoc}", ""),
    ("@param x the x", ""),
])
def test_javadoc_first_sentence(javadoc, summary):
    assert first_sentence(javadoc, "java") == summary


# What the hover quotes (the revised rule) against the recorded corpus's labels (`as_mined`), which must not move.
@pytest.mark.parametrize("docstring, language, shown, mined", [
    ("{@return the subtask state}", "java", "Returns the subtask state.", "the subtask state"),
    ("{@return a new {@code Config} object}\nThe rest is the same.", "java", "Returns a new Config object.",
     "a new {@code Config} object The rest is the same."),
    ("{@summary Makes a thing. Really.} More text.", "java", "Makes a thing.", "Makes a thing."),
    ("<pre>{@code Edge e = new Edge(); }</pre> Creates an example.", "java", "Creates an example.",
     "Edge e = new Edge();"),
    ("Maps an `Array<A>` to a `Promise<B[]>` using `fn`.", "typescript", "Maps an Array<A> to a Promise<B[]> using fn.",
     "Maps an Array to a Promise using fn."),
    ("@name format\n@category Helpers\n@summary Format the date.\n\n@description\nReturn it.", "javascript",
     "Format the date.", ""),
    ("@description Multiplies two numbers.\n@param a first", "typescript", "Multiplies two numbers.", ""),
    ("Compile prepares the program;\nbuild tags are ignored here. More.", "go",
     "Compile prepares the program; build tags are ignored here.", "Compile prepares the program;"),
    ("Parse reads it.\n nolint:funlen", "go", "Parse reads it.", "Parse reads it."),
    ("# Examples\n```\nassert_eq!(f(1), 2);\n```\nAdds one to the input.", "rust", "Adds one to the input.",
     "assert_eq!(f(1), 2);"),
    ("Return n!! (double factorial) of n.", "python", "Return n!! (double factorial) of n.", "Return n!!"),
    ("Wait for it... then return x. More.", "python", "Wait for it... then return x.", "Wait for it..."),
    ("Wait for it... Then return x.", "python", "Wait for it...", "Wait for it..."),
    # funcy's decorators open with their use, which was read as an epytext field ("no docstring"); glom's first
    # paragraph says only when it came
    ("@memoize(key_func=None). Makes decorated function memoize its results.\n\nIf key_func is given.", "python",
     "Makes decorated function memoize its results.", ""),
    ("@retry(tries, errors=Exception)\nMakes decorated function retry.", "python", "Makes decorated function retry.",
     ""),
    ("@param x: the value\n@return: nothing", "python", "", ""),
    # a decorator's name opening a sentence (pluggy's tests, contextlib's `@contextmanager decorator.`) is prose; a
    # field without its colon still is none
    ("@hookimpl applied above @classmethod is discoverable.", "python",
     "@hookimpl applied above @classmethod is discoverable.", ""),
    ("Return True if func is a coroutine, or a function decorated with\n@coroutine.", "python",
     "Return True if func is a coroutine, or a function decorated with @coroutine.",
     "Return True if func is a coroutine, or a function decorated with"),
    ("@param count true iff it should count", "python", "", ""),
    # reST's escapes after a span, a name's plural (structlog's "Produce `PrintLogger`\\ s.")
    ("Produce `PrintLogger`\\ s.", "python", "Produce PrintLoggers.", "Produce PrintLogger\\ s."),
    ("*New in glom 18.3.0*\n\nThe ``assign()`` function provides deep set.", "python",
     "The assign() function provides deep set.", "*New in glom 18.3.0*"),
    ("New in version 2.1.", "python", "New in version 2.1.", "New in version 2.1."),
    # boltons' `ordinalize` ran on into its second sentence; "etc. and more" is still one
    ("Turns a number into 1st, 2nd, etc. If it is no digit, it returns it.", "python",
     "Turns a number into 1st, 2nd, etc.", "Turns a number into 1st, 2nd, etc. If it is no digit, it returns it."),
    ("Reads JSON, YAML, etc. and more. Second.", "python", "Reads JSON, YAML, etc. and more.",
     "Reads JSON, YAML, etc. and more."),
    # anyhow's `Error::root_cause` showed `&mdash;`; a code span keeps its text
    ("The lowest level cause of this error &mdash; this error's cause. More.", "rust",
     "The lowest level cause of this error — this error's cause.",
     "The lowest level cause of this error &mdash; this error's cause."),
    ("Escapes `&amp;` as &amp;.", "typescript", "Escapes &amp; as &.", "Escapes & as &."),
    ("cleanPath returns the canonical path for p, eliminating . and .. elements. More.", "go",
     "cleanPath returns the canonical path for p, eliminating . and .. elements.",
     "cleanPath returns the canonical path for p, eliminating ."),  # mux's: a lone stop ended it
    ("NewBroadcaster ... Add appends sinks.", "go", "NewBroadcaster ...", "NewBroadcaster ..."),  # before a capital
    ("like foo { bar = baz } . It expects x.", "go", "like foo { bar = baz } .", "like foo { bar = baz } ."),
    ("Build an HIR expression for `(?s).`.", "rust", "Build an HIR expression for `(?s).`.",
     "Build an HIR expression for (?s).."),  # a code span of marks alone keeps its backticks
    ("The class `Delorean <Delorean>` object. More.", "python", "The class Delorean object.",
     "The class Delorean <Delorean> object."),  # a cross-reference's title (delorean's `__init__`)
    ("Maps `List<int>` values.", "python", "Maps List<int> values.", "Maps List<int> values."),
    # true-myth's `{@linkcode Target label}` showed both ("Err Err(error)")
    ("Wraps in {@linkcode Ok Ok(value)} on success.", "typescript", "Wraps in Ok(value) on success.",
     "Wraps in Ok Ok(value) on success."),
    ("计算列表的和。如果为空，返回零。", "python", "计算列表的和。", "计算列表的和。如果为空，返回零。"),
    ("Validate the rule of :rfc:`5893` and :pep:`8`.", "python", "Validate the rule of RFC 5893 and PEP 8.",
     "Validate the rule of 5893 and 8."),
    ("Compute the inverse of matrix A. Cache it.", "python", "Compute the inverse of matrix A.",
     "Compute the inverse of matrix A."),
    ("Return a :class:`.MatchDetail` for it.", "python", "Return a MatchDetail for it.",
     "Return a .MatchDetail for it."),
    ("Debounce it, as {@link https://lodash.com|lodash} does.", "javascript", "Debounce it, as lodash does.",
     "Debounce it, as https://lodash.com|lodash does."),
    # capacitor's Plugin.notifyListeners: a reference's parameters hold spaces, which split it from no label
    ("Calls {@link Plugin#notifyListeners(String, JSObject, boolean)} with retain off.", "java",
     "Calls Plugin.notifyListeners with retain off.", "Calls JSObject, boolean) with retain off."),
    # Brackets that are no Markdown link stay: code spans, lists, indexing; links keep their text.
    ("Returns `v[i]`, the element at index `i` of [1, 2, 3].", "rust",
     "Returns v[i], the element at index i of [1, 2, 3].", "Returns vi, the element at index i of 1, 2, 3."),
    ("Returns a [`Vec`] of [Span]s, as [the docs](crate::docs) and [`Ordering`][std::cmp::Ordering] say.", "rust",
     "Returns a Vec of Spans, as the docs and Ordering say.", "Returns a Vec of Spans, as the docs and Ordering say."),
    ("Returns the item at `arr[i]`, or arr[i][j] in a [matrix](#matrix).", "javascript",
     "Returns the item at arr[i], or arr[i][j] in a matrix.", "Returns the item at arri, or arri in a matrix."),
    ("Parses nested[attribute] names into objects.", "typescript", "Parses nested[attribute] names into objects.",
     "Parses nestedattribute names into objects."),
    # A numbered list: its first item's text, or the text before it; never the bare "1.".
    ("1. Replace the tabs\n   with spaces.\n2. Strip the lines.", "python", "Replace the tabs with spaces.", "1."),
    ("Clean the text in two steps:\n1. Replace the tabs.\n2. Strip the lines.", "python",
     "Clean the text in two steps: Replace the tabs, Strip the lines.", "Clean the text in two steps: 1."),
    # A short list after the line that introduces it is read into that line; a long one, or one with labels or
    # nested lists, ends it (it ran on into the sentence: "one of: - a URL - a socket").
    ("Creates a client from one of:\n - a URL\n - a socket", "java", "Creates a client from one of: a URL, a socket.",
     "Creates a client from one of: - a URL - a socket"),
    ("Sign returns:\n\n- the signature\n- the key\n\nMore.", "python", "Sign returns: the signature, the key.",
     "Sign returns:"),
    ("Supported values:\n* `auto`\n* `none`.", "typescript", "Supported values: auto, none.",
     "Supported values: * auto * none."),
    ("Return 2 sets:\n- conflicting: installed and wanted\n- missing: wanted", "python", "Return 2 sets:",
     "Return 2 sets: - conflicting: installed and wanted - missing: wanted"),
    ("Add the default files:\n- README or README.txt, whichever of the two exists first\n- setup.py", "python",
     "Add the default files:", "Add the default files: - README or README.txt, whichever of the two exists first - setup.py"),
    ("Return the parts as follows:\n\n* major, the first\n\n* minor, the second", "python",
     "Return the parts as follows:", "Return the parts as follows:"),  # one item read: no list to read in
    ("1) Parse the input\n2) Check it", "rust", "Parse the input", "1) Parse the input 2) Check it"),
    ("1. Sorts the keys.\n2. Joins them.\n\n@param keys the keys", "javascript", "Sorts the keys.", "1."),
    # A Go code block (lines indented after `//`) ends the paragraph; a list item's indented lines continue it.
    ('ParseRange parses a range expression:\n\tnumber | number "-" number [ "/" number ]\nor error parsing range.',
     "go", "ParseRange parses a range expression:",
     'ParseRange parses a range expression: number | number "-" number [ "/" number ] or error parsing range.'),
    ("Run runs the steps:\n  - parse\n  - check", "go", "Run runs the steps:", "Run runs the steps: - parse - check"),
    ("  1. Run checks the\n     input first.\n  2. Then runs.", "go", "Run checks the input first.",
     "1."),
    # reST: *emphasis* loses its stars (not *args), a link keeps its text, a footnote reference goes.
    ("Call *func* with **kw**, *args and **kwargs.", "python", "Call func with kw, *args and **kwargs.",
     "Call *func* with kw, *args and **kwargs."),
    ("Match paths as `gitignore <https://git-scm.com/docs/gitignore>`_ does [1]_.", "python",
     "Match paths as gitignore does.", "Match paths as gitignore <https://git-scm.com/docs/gitignore> does [1]_."),
    ("Scale as described in [Croux1992]_.", "python", "Scale as described in Croux1992.",
     "Scale as described in [Croux1992]_."),  # a citation keeps its label
    ("Weight of the prior, defaults to\n1. Larger values weigh it more.", "python",
     "Weight of the prior, defaults to 1.", "Weight of the prior, defaults to 1."),  # a wrapped number, no list
    ("Return the :xp-ref:`array` of values.", "python", "Return the array of values.",
     "Return the array of values."),  # a role with a hyphen (it raised AttributeError)
    # A control character the readers use to set tags and code spans aside reads as a space (it raised IndexError,
    # or a lone one was never put back: a loop without end).
    ("Sends \x0012\x00 bytes.", "javascript", "Sends 12 bytes.", "Sends 12 bytes."),
    ("Sends `x` and \x011\x01 bytes.", "rust", "Sends x and 1 bytes.", "Sends x and 1 bytes."),
    ("Sends \x013\x01 bytes.", "typescript", "Sends 3 bytes.", "Sends 3 bytes."),
    ("Reads up to \x00 (NUL). Then stops.", "java", "Reads up to (NUL).", "Reads up to (NUL)."),
    # A sentence of capitals or marks alone is no description (simplejwt's `Token.__init__` showed "!!!!").
    ("!!!! IMPORTANT !!!! MUST raise a TokenError if the token is invalid. Then.", "python",
     "MUST raise a TokenError if the token is invalid.", "!!!!"),
    ("WARNING: DO NOT USE. Returns the old value.", "java", "WARNING: DO NOT USE.", "WARNING: DO NOT USE."),
    ("***. Returns the old value.", "python", "Returns the old value.", "***."),
    ("DEPRECATED. Use bar() instead.", "python", "DEPRECATED.", "DEPRECATED."),  # a warning, kept
    ("... and the rest. Then.", "javascript", "... and the rest.", "..."),
    ("DEPRECATED.", "python", "DEPRECATED.", "DEPRECATED."),  # nothing after it: kept
    ("返回新值。然后。", "python", "返回新值。", "返回新值。然后。"),  # uncased letters are no shouting
    # a stop in code ends no sentence (webob's `_remove_dot_segments` showed "Remove .")
    ("Remove ``.`` and ``..`` segments from a path (RFC 3986 5.2.4).", "python",
     "Remove . and .. segments from a path (RFC 3986 5.2.4).", "Remove ."),
    ("Split on `.` characters. Then more.", "javascript", "Split on `.` characters.", "Split on ."),
    ("Ends with {@code .} here. More.", "java", "Ends with . here.", "Ends with ."),
    ("Is it `ready?` now. More.", "rust", "Is it ready? now.", "Is it ready?"),
    # a line comment's sentence without its stop ends before a capitalised word, not before a name or after "the"
    ("Delete removes the empty directory\nNote that it must be empty.", "go", "Delete removes the empty directory",
     "Delete removes the empty directory Note that it must be empty."),
    ("Save stores the key\nNOTE: assumes the lock is held", "go", "Save stores the key",
     "Save stores the key NOTE: assumes the lock is held"),
    ("Close closes the stream\nSee example/control.rs", "rust", "Close closes the stream",
     "Close closes the stream See example/control.rs"),
    ("Publish sends the message, which includes the\nSubject and the Data.", "go",
     "Publish sends the message, which includes the Subject and the Data.",
     "Publish sends the message, which includes the Subject and the Data."),
    ("ID returns the Resource Manager specific\nResourceID for a Share", "go",
     "ID returns the Resource Manager specific ResourceID for a Share",
     "ID returns the Resource Manager specific ResourceID for a Share"),
    ("Next creates a new\nNet object", "go", "Next creates a new Net object", "Next creates a new Net object"),
    # Go's and Rust's doc comments too: a wrapped line starts with a name (Go's strings.TrimRight, Rust's
    # `Permissions::mode` were cut after "all trailing", "the standard")
    ("TrimRight returns s with all trailing\nUnicode code points in cutset removed.", "go",
     "TrimRight returns s with all trailing Unicode code points in cutset removed.",
     "TrimRight returns s with all trailing Unicode code points in cutset removed."),
    ("Returns the raw bits that contain the standard\nUnix permissions for this file.", "rust",
     "Returns the raw bits that contain the standard Unix permissions for this file.",
     "Returns the raw bits that contain the standard Unix permissions for this file."),
    ("Yields an offset to add to it\nAlternatively, returns the inferred one.", "rust", "Yields an offset to add to it",
     "Yields an offset to add to it Alternatively, returns the inferred one."),
    # in a docstring or JSDoc, only before a word that starts sentences, not a name a wrapped line starts with
    ("Parses the value\nReturns it.", "python", "Parses the value", "Parses the value Returns it."),
    ("Attempts to execute the debounced function\nIf a call is in progress, it is queued", "typescript",
     "Attempts to execute the debounced function",
     "Attempts to execute the debounced function If a call is in progress, it is queued"),
    ("Enable a Jinja2 engine beside the regular\nDjango template engine.", "python",
     "Enable a Jinja2 engine beside the regular Django template engine.",
     "Enable a Jinja2 engine beside the regular Django template engine."),
    ("Escape the path of a Uniform Resource\nIdentifier (URI).", "javascript",
     "Escape the path of a Uniform Resource Identifier (URI).",
     "Escape the path of a Uniform Resource Identifier (URI)."),
    ("@private\n \nBuilds a default value\nIf not, none.", "typescript", "Builds a default value",
     ""),  # a marker tag and a line of spaces before it (@tanstack/form-core: it raised IndexError)
    ("Returns true if this zone observes\nDaylight Saving Time\nIf not, false.", "java",
     "Returns true if this zone observes Daylight Saving Time",  # Javadoc: names start lines, a sentence's word ends
     "Returns true if this zone observes Daylight Saving Time If not, false."),
    # issues or a link alone are no description (mapstructure's tests, yjs's `warnPrematureAccess`)
    ("GH-1, GH-10, GH-96", "go", "", "GH-1, GH-10, GH-96"), ("#48", "go", "", "#48"), ("Issue 187", "go", "", "Issue 187"),
    ("https://docs.yjs.dev/getting-started#caveats", "javascript", "", "https://docs.yjs.dev/getting-started#caveats"),
    # Markdown's autolink alone (url's `/// <https://url.spec.whatwg.org/#concept-ipv4-parser>`) was shown, escaped
    ("<https://url.spec.whatwg.org/#concept-ipv4-parser>", "rust", "",
     "<https://url.spec.whatwg.org/#concept-ipv4-parser>"),
    ("Issue 187 is fixed by this.", "go", "Issue 187 is fixed by this.", "Issue 187 is fixed by this."),
    # reST's literal-block marker ends no summary; a JSDoc marker tag before the description
    ("If obj is iterable, return an iterator over its items::\n\n    >>> f(x)", "python",
     "If obj is iterable, return an iterator over its items.", "If obj is iterable, return an iterator over its items::"),
    ("@template EventType\nAbstract Yjs Type class", "javascript", "Abstract Yjs Type class", ""),
])
def test_first_sentence_revised_for_readers_and_as_mined_for_labels(docstring, language, shown, mined):
    assert first_sentence(docstring, language) == shown
    assert first_sentence(docstring, language, as_mined=True) == mined


@pytest.mark.parametrize("code, language, doc, mined", [
    ("package p\nvar limit = 10 // limit is the maximum\nfunc F() {}\n", "go", None, "limit is the maximum"),
    ("package p\n// F runs.\n//go:noinline\nfunc F() {}\n", "go", "F runs.", "F runs.\ngo:noinline"),
    ("/** Copyright (c) 2024 Example Corp. MIT license. */\nfunction first() { return 1; }\n", "javascript", None,
     "Copyright (c) 2024 Example Corp. MIT license."),
    ("/******/\nfunction __webpack_require__(id) { return id; }\n", "javascript", None, "**"),
    ("/** Adds. */\n\nfunction add(a, b) { return a + b; }\n", "javascript", "Adds.", "Adds."),
    ("/// Adds one.\n/// More.\nfn add(x: i32) -> i32 { x + 1 }\n", "rust", "Adds one.\nMore.", "Adds one.\nMore."),
    ('def f(x):\n    f"""Not a docstring {x}."""\n    return x\n', "python", None, "Not a docstring {x}."),
    ('def f(x):\n    b"""Bytes."""\n    return x\n', "python", None, "Bytes."),
    ('def f(x):\n    r"""Raw docstring."""\n    return x\n', "python", "Raw docstring.", "Raw docstring."),
    ("class A {\n  /** Adds. */\n  // TODO: overflow\n  int add(int a) { return a; }\n}\n", "java", "Adds.", None),
    # Rust's other doc comments: /** blocks */ and #[doc = "..."] attributes (after the /// lines, as rustdoc reads).
    ("/**\n * Adds one.\n * More.\n */\n#[inline]\nfn add(x: i32) -> i32 { x + 1 }\n", "rust", "Adds one.\nMore.", None),
    ('/// Adds one.\n#[doc = " Says \\"one\\".\\nMore."]\n#[doc(hidden)]\nfn add(x: i32) -> i32 { x + 1 }\n', "rust",
     'Adds one.\nSays "one".\nMore.', "Adds one."),
    ('#[doc = r"Adds one."]\nfn add(x: i32) -> i32 { x + 1 }\n', "rust", "Adds one.", None),
])
def test_doc_comments_belong_to_the_function(code, language, doc, mined):
    assert extract_units(code, language)[-1].docstring == doc
    assert extract_units(code, language, as_mined=True)[-1].docstring == mined


def test_an_implementation_takes_the_doc_where_it_was_declared():
    ts = ("/** Parse a value. */\nexport function parse(x: string): number;\nexport function parse(x: any): number {\n"
          "  return Number(x);\n}\nfunction lone(): void {}\n")
    assert [(u.name, u.docstring) for u in extract_units(ts, "typescript")] == [("parse", "Parse a value."),
                                                                              ("lone", None)]
    rust = ("trait Shape {\n    /// Return the area.\n    fn area(&self) -> f64;\n}\nstruct C;\n"
            "impl Shape for C {\n    fn area(&self) -> f64 { 0.0 }\n}\nimpl C {\n    fn area(&self) -> f64 { 1.0 }\n}\n")
    assert [(u.qualified_name, u.docstring) for u in extract_units(rust, "rust")] == [
        ("C.area", "Return the area."), ("C.area", None)]
    assert extract_units(ts, "typescript", as_mined=True)[0].docstring is None  # the corpus as recorded
    each = ("class C {\n  /** Formats a number. */\n  fmt(x: number): string;\n  /** Formats a string. */\n"
            "  fmt(x: string): string;\n  fmt(x: any) { return String(x); }\n}\n")
    assert extract_units(each, "typescript")[0].docstring == "Formats a number."  # the first of documented overloads


@pytest.mark.parametrize("summary, reason", [
    ("Return the sum of two numbers.", None),
    ("", "summary_empty"),
    ("Getter.", "summary_too_short"),
    ("Return " + "very " * 40 + "much.", "summary_too_long"),
    ("See https://example.com for the details.", "summary_url"),
    ("TODO: write this docstring later.", "summary_todo_deprecated"),
    ("Deprecated alias of the load function.", "summary_todo_deprecated"),
    ("计算两个数字的和并返回结果", "summary_non_english"),
    ("Вычисляет сумму двух чисел.", "summary_non_english"),
    ("Return the naïve “sum” of the given numbers.", None),
])
def test_summary_problem(summary, reason):
    assert summary_problem(summary) == reason


def _unit(code, language):
    return extract_units(code, language)[-1]


@pytest.mark.parametrize("code, language, reason", [
    ("def f(x):\n    return x + 1\n", "python", "too_few_lines"),
    ("class A:\n    @property\n    def x(self):\n        return self._x\n", "python", "too_few_lines"),
    ("def f(a,\n      b,\n      c):\n    pass\n", "python", "trivial_body"),
    ("def f(a,\n      b,\n      c):\n    raise NotImplementedError('no')\n", "python", "trivial_body"),
    ("def f(a,\n      b):\n    return None\n", "python", "trivial_body"),
    ("def f(x):\n    y = x * 2\n    return y + 1\n", "python", None),
    ("class A {\n  int size() {\n    return size;\n  }\n}\n", "java", "too_few_lines"),
    ("class A {\n  void setX(int a,\n            int b,\n            int c) {\n    this.x = a;\n  }\n}\n", "java",
     "trivial_body"),
    ("class A {\n  int f(int x) {\n    int y = x * 2;\n    return y + 1;\n  }\n}\n", "java", None),
    ("def f(x):\n" + "    x = x + 1\n" * 60 + "    return x\n", "python", "too_long"),
])
def test_code_problem(code, language, reason):
    unit = _unit(code, language)
    assert code_problem(unit, unit.code_without_docstring, Thresholds()) == reason


# --------------------------------------------------------------------------------- mining

def test_pairs_have_code_without_docstring_and_first_sentence(mined, sources):
    result = mined["pathspec"]
    assert result.pairs and result.functions == len(result.pairs) + sum(result.drops.values())
    for pair in result.pairs:
        text = (sources["pathspec"] / pair.path).read_text()
        unit = next(u for u in extract_units(text, "python", as_mined=True)
                    if u.qualified_name == pair.name and u.code_without_docstring.strip("\n") == pair.code)
        assert unit.docstring and unit.docstring.strip()
        assert pair.code == unit.code_without_docstring.strip("\n")
        assert unit.docstring.strip().splitlines()[0].strip() not in pair.code  # docstring removed
        assert pair.summary == first_sentence(unit.docstring, "python", as_mined=True)
        words = pair.summary.split()
        assert 3 <= len(words) <= 40 and "\n" not in pair.summary
        assert pair.language == "python" and pair.package == "pathspec"


def test_tests_and_trivial_functions_are_dropped(mined):
    result = mined["pathspec"]
    assert result.drops["test_file"] > 0
    assert not any(pair.path.startswith("tests/") for pair in result.pairs)
    assert not any(pair.name.split(".")[-1].startswith("test") for r in mined.values() for pair in r.pairs)
    for r in mined.values():
        assert not any(re_dunder(pair.name) for pair in r.pairs)
        for pair in r.pairs:
            lines = [line for line in pair.code.splitlines()
                     if line.strip() and not line.strip().startswith(("#", "@"))]
            assert len(lines) >= 3
            assert len(pair.code) <= Thresholds().max_code_chars
    total = sum((r.drops for r in mined.values()), start=type(result.drops)())
    assert total["too_few_lines"] > 0 and total["special_method"] > 0 and total["no_docstring"] > 0
    assert total["too_long"] > 0


def re_dunder(name):
    last = name.split(".")[-1]
    return last.startswith("__") and last.endswith("__")


def test_assemble_dedupes_drops_cosqa_and_splits_by_package(mined, tmp_path):
    spec, bar, stdlib = mined["pathspec"], mined["tqdm"], mined["stdlib"]
    copies = [p for p in spec.pairs if p.path == "pathspec/util_copy.py"]
    assert copies  # the verbatim copy yields pairs of its own, all duplicates
    # The CoSQA codebase holds one tqdm function, re-indented (whitespace differs).
    victim = bar.pairs[0]
    cosqa = tmp_path / "codebase.jsonl"
    cosqa.write_text(json.dumps({"idx": "c-0", "code": victim.code.replace("\n    ", "\n  "),
                                 "language": "python"}) + "\n")
    keys = load_cosqa_keys(cosqa)
    splits, drops = assemble([stdlib, spec, bar], cosqa_keys=keys, seed=0)

    kept = [p for split in SPLITS for p in splits[split]]
    assert drops["cosqa_overlap"] >= 1
    assert normalize_code(victim.code) not in {normalize_code(p.code) for p in kept}
    assert drops["duplicate"] >= len(copies)
    assert len({normalize_code(p.code) for p in kept}) == len(kept)
    seen = sum(r.functions for r in (stdlib, spec, bar))
    assert seen == sum(drops.values()) + len(kept)
    # No package (stdlib: top-level module) in two splits; stdlib modules are separate units.
    packages = {split: {p.package for p in splits[split]} for split in SPLITS}
    assert sum(1 for split in SPLITS if packages[split]) >= 2
    for a in SPLITS:
        for b in SPLITS:
            assert a == b or not packages[a] & packages[b]
    assert {"stdlib:json", "stdlib:email", "stdlib:textwrap"} <= set().union(*packages.values())
    # The split is a function of the seed: the same seed gives the same split.
    again, _ = assemble([stdlib, spec, bar], cosqa_keys=keys, seed=0)
    assert [p.key for p in again["test"]] == [p.key for p in splits["test"]]


# ------------------------------------------------------------------------------------ CLI

def _read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_cli_mines_local_sources_offline(sources, tmp_path, capsys):
    out = tmp_path / "mined"
    cosqa = tmp_path / "codebase.jsonl"
    cosqa.write_text("")
    argv = ["mine", "--out", str(out), "--language", "python", "--max-packages", "0", "--no-stdlib",
            "--cosqa", str(cosqa), "--workers", "1",
            "--source", str(sources["pathspec"]), "--source", str(sources["tqdm"])]
    assert main(argv) == 0
    assert "python: train" in capsys.readouterr().out
    manifest = json.loads((out / "MANIFEST.json").read_text())
    entry = manifest["languages"]["python"]
    assert manifest["command"].startswith("leancode-train mine --out")
    assert manifest["thresholds"]["max_code_tokens"] == 256 and manifest["cosqa"]["functions"] == 0
    assert [s["name"] for s in entry["sources"]] == ["pathspec-src", "tqdm-src"]
    assert entry["functions"] == sum(entry["drops"].values()) + sum(entry["pairs"].values())
    rows = {split: _read_jsonl(out / "python" / f"{split}.jsonl") for split in SPLITS}
    assert {split: len(rows[split]) for split in SPLITS} == entry["pairs"]
    every = [row for split in SPLITS for row in rows[split]]
    assert every and len({row["idx"] for row in every}) == len(every)
    assert all(row["idx"].startswith("py-") for row in every)
    assert set(every[0]) == {"idx", "code", "language", "summary", "package", "path", "name"}
    by_split = {split: {row["package"] for row in rows[split]} for split in SPLITS}
    assert sum(len(packages) for packages in by_split.values()) == 2  # each package in one split


def test_cli_resumes_and_records_failed_downloads(sources, tmp_path, monkeypatch):
    """PyPI fetching replaced by a local copy: a finished package is not fetched again, and a
    package that cannot be downloaded is recorded and skipped."""
    calls = []

    def fake_pypi(package, sink, tmp, prefer="sdist"):
        calls.append(package)
        if package != "pathspec":
            raise fetch.ToolError(f"pip download {package} failed")
        sink.add_tree(sources["pathspec"])
        return {"kind": "pypi-sdist", "version": pathspec.__version__, "origin": "local copy"}

    monkeypatch.setattr(fetch.Fetcher, "build_pypi", staticmethod(fake_pypi))
    packages = tmp_path / "packages.txt"
    packages.write_text("pathspec\nno-such-package-xyz\nnot-mined\n")
    out, work = tmp_path / "mined", tmp_path / "work"
    argv = ["mine", "--out", str(out), "--language", "python", "--packages-file", str(packages),
            "--max-packages", "2", "--no-stdlib", "--workers", "1", "--work", str(work),
            "--cosqa", str(tmp_path / "none.jsonl")]
    (tmp_path / "none.jsonl").write_text("")
    assert main(argv) == 0
    assert calls == ["pathspec", "no-such-package-xyz"]
    entry = json.loads((out / "MANIFEST.json").read_text())["languages"]["python"]
    assert [s["name"] for s in entry["sources"]] == ["pathspec"]
    assert entry["sources"][0]["version"] == pathspec.__version__
    assert [f["name"] for f in entry["failures"]] == ["no-such-package-xyz"]
    assert "failed" in entry["failures"][0]["error"]
    assert not (work / "sources" / "python" / "pathspec").exists()  # unpacked source removed
    first = (out / "python" / "train.jsonl").read_text(), (out / "python" / "test.jsonl").read_text()

    calls.clear()
    assert main(argv) == 0
    assert calls == ["no-such-package-xyz"]  # pathspec came from the cache
    assert ((out / "python" / "train.jsonl").read_text(), (out / "python" / "test.jsonl").read_text()) == first


def test_cli_mines_named_npm_packages_instead_of_the_lists(tmp_path, monkeypatch):
    """`--npm-package` replaces the TypeScript list; each package is fetched by the miner's own npm step (here a copy
    of this repository's VS Code extension sources) and recorded with its version."""
    calls = []

    def fake_npm(package, sink, tmp):
        calls.append(package)
        sink.add_tree(Path(__file__).resolve().parents[1] / "editors" / "vscode" / "src")
        return {"kind": "npm", "version": "1.0.0", "origin": "local copy"}

    monkeypatch.setattr(fetch.Fetcher, "build_npm", staticmethod(fake_npm))
    out = tmp_path / "mined"
    (tmp_path / "none.jsonl").write_text("")
    assert main(["mine", "--out", str(out), "--language", "typescript", "--npm-package", "@scope/one",
                 "--npm-package", "two", "--workers", "1", "--cosqa", str(tmp_path / "none.jsonl")]) == 0
    assert calls == ["@scope/one", "two"]
    entry = json.loads((out / "MANIFEST.json").read_text())["languages"]["typescript"]
    assert [(s["name"], s["version"]) for s in entry["sources"]] == [("@scope/one", "1.0.0"), ("two", "1.0.0")]
    assert sum(entry["pairs"].values()) > 0


def test_local_sources_of_one_folder_name_are_told_apart(tmp_path):
    from leancode.training.mine import _local_names

    first, second, other = tmp_path / "a" / "src", tmp_path / "b" / "src", tmp_path / "tool"
    for folder in (first, second, other):
        folder.mkdir(parents=True)
    assert _local_names([first, second, other, first]) == {"a/src": first, "b/src": second, "tool": other}
    with pytest.raises(FileNotFoundError, match="not a directory"):
        _local_names([tmp_path / "missing"])
