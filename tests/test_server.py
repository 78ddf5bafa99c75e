"""End to end: the real `leancode-server` as a subprocess, driven by pytest-lsp's client.

The workspace is a few copies of real standard-library functions (plus two small files
of our own), written to a temporary directory; the packaged encoder model is used.
One server per client kind (VS Code's and Neovim's capabilities), shared by the tests
of that kind.
"""

from __future__ import annotations

import asyncio
import colorsys
import fnmatch
import inspect
import json
import re
import shutil
import shlex
import sys
import textwrap
import time
from concurrent.futures import Future
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from lsp_raw import RawServer, frame
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from snippets import UNDOCUMENTED, UNDOCUMENTED_TS

from leancode.server.hover import escape_markdown

SERVER = [sys.executable, "-m", "leancode.server"]
STDLIB = [shlex.quote, textwrap.dedent, textwrap.indent, fnmatch.translate, colorsys.rgb_to_hsv,
          colorsys.hsv_to_rgb]
OURS = "import os\n\n\n" + UNDOCUMENTED + '''

class Cache:
    def __init__(self, capacity):
        self.capacity = capacity
        self._items, self._order = {}, []

    def evict_oldest(self, count):
        """Drop the `count` least recently used entries. Returns how many were dropped."""
        dropped = 0
        while self._order and dropped < count:
            self._items.pop(self._order.pop(0))
            dropped += 1
        return dropped
'''
CALLER = '''\
from util import load_config
from strings import dedent


def main(path):
    config = load_config(path)
    print(dedent(config["banner"]))
'''
NEW_FUNCTION = '''

def parse_semver(version_string):
    """Split a semantic version string like 1.2.3 into its major, minor and patch numbers."""
    major, minor, patch = version_string.split(".")
    return int(major), int(minor), int(patch)
'''
OPTIONS = {"debounceMs": 100, "showSimplified": True}


SHAPES = ('class Shape:\n    """A plane figure of straight sides."""\n\n'
          '    def __init__(self, sides):\n        self.sides = sides\n\n'
          '    def area(self):\n        """Return the surface the shape covers, in square units."""\n')
SQUARE = "from shapes import Shape\n\n\nclass Square(Shape):\n    def area(self):\n        return self.side ** 2\n"


READER_INTERFACE = "export interface Reader {\n  /** Reads the next chunk of the stream. */\n  read(): string;\n}\n"
IMPORTS_READER = "import {{ Reader }} from '{}';\n\nexport class FileReader implements Reader {{\n  read() {{ return ''; }}\n}}\n"


def undocumented_copy(function, name: str) -> str:
    """A standard-library function's source without its docstring, renamed: as vendored code often holds one."""
    from leancode.units import extract_units

    [unit] = extract_units(textwrap.dedent(inspect.getsource(function)), "python")
    return unit.code_without_docstring.replace(f"def {function.__name__}(", f"def {name}(", 1)


def write_workspace(root: Path) -> Path:
    strings = "\n\n".join(textwrap.dedent(inspect.getsource(f)) for f in STDLIB)
    (root / "strings.py").write_text("import re\n\n\n" + strings)
    (root / "margins.py").write_text(undocumented_copy(textwrap.shorten, "shorten") + "\n")
    (root / "util.py").write_text(OURS)
    (root / "main.py").write_text(CALLER)
    (root / "shapes.py").write_text(SHAPES)
    (root / "square.py").write_text(SQUARE)
    (root / "types.ts").write_text(READER_INTERFACE)  # declarations alone: the index holds no function of it
    (root / "reader.ts").write_text(IMPORTS_READER.format("./types"))
    outside = root.parent / f"{root.name}-outside"  # beside the workspace, not in it
    outside.mkdir()
    (outside / "types.ts").write_text(READER_INTERFACE)
    (root / "leak.ts").write_text(IMPORTS_READER.format(f"../{outside.name}/types"))
    (root / "blob.py").write_bytes(b"\x00\x01binary\x00" * 100)
    (root / ".git").mkdir()
    return root


def unit_count(root: Path) -> int:
    from leancode.units import extract_units

    return sum(len(extract_units(p.read_text(), "python")) for p in root.glob("*.py") if p.name != "blob.py") \
        + sum(len(extract_units(p.read_text(), "typescript")) for p in root.glob("*.ts"))


def uri(path: Path) -> str:
    return path.resolve().as_uri()


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines()) if text in line)


async def wait_indexed(client: LanguageClient, timeout: float = 120) -> None:
    """Until an indexing progress has ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for reports in client.progress_reports.values():
            if any(isinstance(r, types.WorkDoneProgressEnd) for r in reports):
                return
        await asyncio.sleep(0.1)
    raise TimeoutError("indexing did not finish")


def accept_registrations(client: LanguageClient) -> None:
    """Answer client/registerCapability (file watchers) as an editor does."""
    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        return None


async def start(client: LanguageClient, root: Path, caps: str, options: dict) -> None:
    accept_registrations(client)
    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities(caps),
        root_uri=uri(root),
        workspace_folders=[types.WorkspaceFolder(uri=uri(root), name=root.name)],
        initialization_options=options,
    ))
    await wait_indexed(client)


def open_file(client: LanguageClient, path: Path, version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri(path), language_id="python", version=version, text=path.read_text())))


async def hover_text(client: LanguageClient, path: Path, line: int, character: int) -> str | None:
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri(path)),
        position=types.Position(line=line, character=character)))
    return None if result is None else result.contents.value


async def search(client: LanguageClient, *arguments) -> list[dict]:
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="leancode.search", arguments=list(arguments)))


async def raw_request(client: LanguageClient, payload: dict | str, msg_id=None) -> dict:
    """Send a hand-made message; return the error response ({code, message}) or {"result": ...}."""
    body = payload if isinstance(payload, str) else json.dumps(payload)
    if isinstance(payload, dict):
        msg_id = payload.get("id")
    future: Future = Future()
    client.protocol._request_futures[msg_id] = future
    data = f"Content-Length: {len(body.encode())}\r\n\r\n{body}".encode()
    written = client.protocol.writer.write(data)
    if inspect.isawaitable(written):
        await written
    try:
        return {"result": await asyncio.wait_for(asyncio.wrap_future(future), 20)}
    except JsonRpcException as error:
        return {"code": error.code, "message": str(error)}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return write_workspace(tmp_path_factory.mktemp("ws"))


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER))
async def vscode(lsp_client: LanguageClient, workspace: Path):
    await start(lsp_client, workspace, "visual-studio-code", OPTIONS)
    yield
    await lsp_client.shutdown_session()


def lsp(test):
    """A test driving the real server over LSP (module-scoped client): slow (model load, indexing)."""
    return pytest.mark.slow(pytest.mark.asyncio(loop_scope="module")(test))


@lsp
async def test_progress_reported(vscode: LanguageClient):
    kinds = [type(r).__name__ for reports in vscode.progress_reports.values() for r in reports]
    assert kinds[0] == "WorkDoneProgressBegin" and "WorkDoneProgressEnd" in kinds
    begin = next(r for reports in vscode.progress_reports.values() for r in reports
                 if isinstance(r, types.WorkDoneProgressBegin))
    assert begin.cancellable


DOCUMENTATION = "*documentation*"
GENERATED = "*generated summary (code-summarize)*"
ABSTAINED = "*no docstring, and no confident generated summary*"
NOT_GENERATED = "*no docstring (generated summaries are off: most were wrong when read)*"
NOT_LEARNED = "*no docstring; tests, constructors and standard methods get no generated summary*"


def summary_line(text: str) -> str:
    return text.split("\n\n")[0]


def expected_hover(path: Path, name: str, summarizer=None, generated: bool = False) -> tuple[str, str]:
    """(label, first paragraph) the core rule gives the function `name` of `path` with the shipped model."""
    from leancode.function_summary import summarize_units
    from leancode.summarizer import Summarizer
    from leancode.units import extract_units

    [unit] = [u for u in extract_units(path.read_text(), "python") if u.name == name]
    [summary] = summarize_units([unit], summarizer or Summarizer(), generated=generated)
    return f"*{summary.note}*", escape_markdown(summary.text) or f"```python\n{summary.signature}\n```"


@lsp
async def test_hover_documented_first_then_a_confident_generated_line(vscode: LanguageClient, workspace: Path):
    strings = workspace / "strings.py"
    open_file(vscode, strings)
    text = await hover_text(vscode, strings, line_of(strings, "def dedent("), 6)
    # The author's word first, labelled; the model is not asked.
    assert text.startswith("Remove any common leading whitespace from every line in text.\n\n" + DOCUMENTATION)
    assert "def dedent(text)" in text
    assert "simplified code the model reads" in text  # showSimplified
    util = workspace / "util.py"
    open_file(vscode, util)
    text = await hover_text(vscode, util, line_of(util, "def evict_oldest("), 6)
    assert text.startswith("Drop the count least recently used entries.\n\n" + DOCUMENTATION)
    # Undocumented: the summary bank's similar function's documentation, labelled as its, else the signature (the
    # model's line only when asked: test_hover_abstains_below_the_models_threshold).
    text = await hover_text(vscode, util, line_of(util, "def load_config("), 6)
    label, first = expected_hover(util, "load_config")
    assert label == NOT_GENERATED or label.startswith("*documentation of `") and "similar code" in label
    assert text.startswith(f"{first}\n\n{label}")
    assert "def load_config(path, defaults=None)" in text
    # A constructor: the model never learned to describe one (mining leaves them out), so it is not asked.
    text = await hover_text(vscode, util, line_of(util, "def __init__("), 8)
    assert text.startswith("```python\ndef __init__(self, capacity)\n```\n\n" + NOT_LEARNED)
    assert "simplified code the model reads" not in text  # it reads none


@lsp
async def test_hover_on_a_copy_of_a_documented_mined_function_shows_its_documentation_labelled(
        vscode: LanguageClient, workspace: Path):
    """`textwrap.shorten` is in the summary bank (the standard library's train split): an undocumented copy of it,
    as vendored code holds one, is described by its first sentence, labelled as another function's documentation,
    not as generated. (A copy renamed `strip_margin` reads at 0.86, below the threshold: the model writes it.)"""
    margins = workspace / "margins.py"
    open_file(vscode, margins)
    text = await hover_text(vscode, margins, line_of(margins, "def shorten("), 6)
    from leancode.summary_bank import SummaryBank

    similar = re.match(r"Collapse and truncate the given text to fit in the given width\.\n\n\*documentation of "
                       r"`shorten \(stdlib:textwrap\)`, a mined function with similar code \(similarity (0\.\d\d)\); "
                       r"not this function's own\*", text)
    assert similar and float(similar[1]) >= round(SummaryBank().threshold, 2), text[:300]
    assert "def shorten(text, width, **kwargs)" in text


@lsp
async def test_hover_on_typescript_is_written_by_its_own_model(vscode: LanguageClient, workspace: Path):
    from leancode.function_summary import summarize_units
    from leancode.summarizer import Summarizer
    from leancode.units import extract_units

    path = workspace / "unsaved" / "chunk.ts"  # open in the editor, never saved: nothing on disk, nothing indexed
    vscode.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri(path), language_id="typescript", version=1, text=UNDOCUMENTED_TS)))
    vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"leancode": {**OPTIONS, "generatedSummaries": True}}))
    try:
        [summary] = summarize_units(extract_units(UNDOCUMENTED_TS, "typescript"), Summarizer(), generated=True)
        assert summary.note in ("generated summary (code-summarize/typescript)", ABSTAINED.strip("*"))
        first = escape_markdown(summary.text) or f"```typescript\n{summary.signature}\n```"
        for _ in range(200):  # settings apply on the server's loop
            text = await hover_text(vscode, path, 0, 17)
            if f"*{summary.note}*" in text:
                break
            await asyncio.sleep(0.1)
        assert text.startswith(f"{first}\n\n*{summary.note}*"), text
    finally:
        vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"leancode": OPTIONS}))


ITERATOR_IMPL = """\
impl Iterator for Countdown {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        self.left = self.left.checked_sub(1)?;
        Some(self.left)
    }
}
"""


@lsp
async def test_hover_on_a_standard_trait_method_shows_the_traits_documentation(vscode: LanguageClient,
                                                                              workspace: Path):
    path = workspace / "unsaved" / "countdown.rs"  # an editor buffer, never saved
    vscode.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri(path), language_id="rust", version=1, text=ITERATOR_IMPL)))
    text = await hover_text(vscode, path, 3, 8)
    assert text.startswith("Advances the iterator and returns the next value.\n\n"
                           "*documentation of `Iterator::next`, which it implements or overrides*"), text
    assert "fn next(&mut self) -> Option<u32>" in text


@lsp
async def test_hover_on_an_override_shows_the_documentation_of_a_base_in_another_file(vscode: LanguageClient,
                                                                                     workspace: Path):
    # `Square.area` overrides `Shape.area` of shapes.py, which the index says declares the only class `Shape`.
    square = workspace / "square.py"
    open_file(vscode, square)
    text = await hover_text(vscode, square, line_of(square, "def area("), 8)
    assert text.startswith("Return the surface the shape covers, in square units.\n\n"
                           "*documentation of `Shape.area`, which it implements or overrides*"), text
    # The base's documentation changes: the hover says so (it is not served from the cache of the old one).
    shapes = workspace / "shapes.py"
    open_text(vscode, uri(shapes), "python", SHAPES.replace("Return the surface", "Compute the surface"))
    text = await hover_text(vscode, square, line_of(square, "def area("), 8)
    assert text.startswith("Compute the surface the shape covers, in square units.\n\n"), text
    close_text(vscode, uri(shapes))
    # A TypeScript interface of a file of declarations alone, named by a relative import; never one outside the
    # workspace (`import ... from '../elsewhere/types'`).
    text = await hover_text(vscode, workspace / "reader.ts", 3, 3)
    assert text.startswith("Reads the next chunk of the stream.\n\n*documentation of `Reader.read`"), text
    text = await hover_text(vscode, workspace / "leak.ts", 3, 3)
    assert "Reads the next chunk" not in text and "documentation of" not in text, text


@lsp
async def test_hover_on_a_class_of_another_module_called_shows_its_constructor(vscode: LanguageClient,
                                                                             workspace: Path):
    # voluptuous' `er.Invalid(...)`: a class of another file called through its module had no hover
    path = workspace / "unsaved" / "figures.py"
    vscode.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri(path), language_id="python", version=1, text="import shapes\n\nsquare = shapes.Shape(4)\n")))
    text = await hover_text(vscode, path, 2, 17)
    assert text.startswith("A plane figure of straight sides.\n\n*documentation of its class `Shape`*"), text
    assert "defined in" in text and "shapes.py:4" in text and "matched by name" not in text, text


@lsp
async def test_hover_on_a_method_an_npm_package_declares_shows_its_documentation(vscode: LanguageClient,
                                                                               workspace: Path):
    # VS Code's own API, as its extensions' authors install it: `@types/vscode` declares `vscode.HoverProvider`.
    declarations = workspace / "node_modules" / "@types" / "vscode" / "index.d.ts"
    declarations.parent.mkdir(parents=True, exist_ok=True)
    declarations.write_text("declare module 'vscode' {\n  export interface HoverProvider {\n"
                            "    /** Provide a hover for the given position and document. */\n"
                            "    provideHover(document: any, position: any): any;\n  }\n}\n")
    path = workspace / "unsaved" / "extension.ts"
    vscode.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri(path), language_id="typescript", version=1, text="import * as vscode from 'vscode';\n\n"
        "export const hovers: vscode.HoverProvider = {\n  provideHover(document, position) { return find(); },\n};\n")))
    text = await hover_text(vscode, path, 3, 4)
    assert text.startswith("Provide a hover for the given position and document.\n\n"
                           "*documentation of `HoverProvider.provideHover`, which it implements or overrides*"), text


def model_copy(directory: Path, threshold: float) -> str:
    """The shipped summarizer with another abstention threshold."""
    import shutil

    from leancode.summarizer import MANIFEST, default_summarizer_dir

    shutil.copytree(default_summarizer_dir(), directory)
    manifest = json.loads((directory / MANIFEST).read_text())
    manifest["abstention"] = {"score": "mean", "threshold": threshold}
    (directory / MANIFEST).write_text(json.dumps(manifest))
    return str(directory)


@lsp
async def test_hover_abstains_below_the_models_threshold(vscode: LanguageClient, workspace: Path, tmp_path: Path):
    util, main = workspace / "util.py", workspace / "main.py"  # main(): no function of the summary bank is near it
    open_file(vscode, util)
    open_file(vscode, main)
    line = line_of(main, "def main(")
    try:
        # Below any confidence (all <= 0), then above, when generated lines are asked for; not asked for, none
        # shows, however confident the model. Each shows once the server has the new setting.
        for name, threshold, asked in (("always", -1e9, True), ("never", 0.5, True), ("off", -1e9, False)):
            path = model_copy(tmp_path / name, threshold)
            vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(
                settings={"leancode": {**OPTIONS, "summarizerPath": path, "generatedSummaries": asked}}))
            wanted = NOT_GENERATED if not asked else ABSTAINED if threshold > 0 else f"*generated summary ({name})*"
            for _ in range(200):  # settings apply on the server's loop; the model loads on first use
                text = await hover_text(vscode, main, line, 6)
                if wanted in text:
                    break
                await asyncio.sleep(0.1)
            if threshold > 0 or not asked:  # no guess: the signature, and why there is no line
                assert text.startswith("```python\ndef main(path)\n```\n\n" + wanted)
            else:
                from leancode.summarizer import Summarizer

                label, first = expected_hover(main, "main", Summarizer(path), generated=True)
                assert label == wanted and text.startswith(f"{first}\n\n{label}\n\n```python\ndef main(")
            # Documented functions are untouched by the model's threshold.
            assert DOCUMENTATION in await hover_text(vscode, util, line_of(util, "def evict_oldest("), 6)
    finally:
        vscode.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"leancode": {**OPTIONS, "summarizerPath": None, "generatedSummaries": False}}))


@lsp
async def test_a_hover_reads_no_file_outside_the_workspace_from_disk(vscode: LanguageClient, workspace: Path,
                                                                    tmp_path: Path):
    """A document the client never opened is read from disk only inside a workspace folder, never through a link
    out of it (a client over --tcp could otherwise read any local user's file)."""
    outside = tmp_path / "secret.py"
    outside.write_text('def leak():\n    """The secret documentation."""\n    return 1\n')
    inside = workspace / "inside_copy.py"
    inside.write_text(outside.read_text())
    link = workspace / "link_out.py"
    link.symlink_to(outside)
    try:
        assert "secret documentation" in (await hover_text(vscode, inside, 0, 5) or "")  # inside: read from disk
        for path in (outside, link, workspace / ".." / tmp_path.name / "secret.py"):
            assert await hover_text(vscode, path, 0, 5) is None, path
    finally:
        link.unlink()
        inside.unlink()


@lsp
async def test_hover_on_call_resolves_workspace_function(vscode: LanguageClient, workspace: Path):
    main = workspace / "main.py"
    open_file(vscode, main)
    line = line_of(main, "print(dedent(")
    text = await hover_text(vscode, main, line, main.read_text().splitlines()[line].index("dedent") + 2)
    assert "def dedent(text)" in text and "strings.py" in text and DOCUMENTATION in text
    assert await hover_text(vscode, main, line, 0) is None  # whitespace: nothing to say
    # Past the end of a line: clamped (LSP says so), not an error.
    assert await hover_text(vscode, main, line_of(main, "def main("), 500) is not None


@lsp
async def test_a_name_in_a_comment_or_a_string_is_not_a_call(vscode: LanguageClient, workspace: Path):
    notes = workspace / "unsaved" / "notes.py"
    lines = ["# dedent(text) strips the margin", 'HELP = "call dedent(text) first"', "shown = f'{dedent(HELP)}'",
             "def show():", '    """Print dedent(HELP)."""', "def short(): return dedent(HELP)",
             "class Note:", "    def dedent(self):", "        return 1", "    def show(self, other):",
             "        return other.dedent()", "@other.dedent(1)", "def decorated():", "    return 1"]
    open_text(vscode, uri(notes), "python", "\n".join(lines) + "\n")
    try:
        for line in (0, 1, 4):  # a comment, a string, a docstring
            assert await hover_text(vscode, notes, line, lines[line].index("dedent") + 2) is None
        for line in (2, 5):  # code inside an f-string; a call on a signature's line means the function called
            text = await hover_text(vscode, notes, line, lines[line].index("dedent") + 2)
            assert text is not None and "def dedent(text)" in text, line
        assert "def short()" in await hover_text(vscode, notes, 5, 6)  # its own name: the function itself
        # `other.dedent()`: this file's method of that name, which nothing checked is `other`'s
        text = await hover_text(vscode, notes, 10, lines[10].index("dedent") + 2)
        assert "def dedent(self)" in text and "defined in this file (matched by name;" in text
        # on a decorator, a method matched by name alone gives way to the function decorated
        assert "def decorated()" in await hover_text(vscode, notes, 11, lines[11].index("dedent") + 2)
    finally:
        close_text(vscode, uri(notes))


JAVA_BUFFER = ("class Buffer {\n    /** Appends the given item to the end of the buffer. */\n"
               "    void append(int item) {}\n    /** Appends the given item to the end of the buffer n times. */\n"
               "    void append(int item, int n) {}\n}\n")
FILL_BUFFER = "def fill(xs, cache):\n    xs.append(1)\n    cache.evict_oldest(2)\n    return xs\n"


def open_text(client: LanguageClient, document_uri: str, language: str, text: str) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=document_uri, language_id=language, version=1, text=text)))


def close_text(client: LanguageClient, document_uri: str) -> None:
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=document_uri)))


@lsp
async def test_a_buffers_syntax_errors_are_logged_with_its_file(vscode: LanguageClient, workspace: Path):
    broken = workspace / "unsaved" / "broken_one.rs"
    open_text(vscode, uri(broken), "rust", "fn good_one() -> u32 { 1 }\n\nfn broken( -> {\n  let x = ;\n}\n")
    try:
        assert "good_one" in await hover_text(vscode, broken, 0, 4)
        for _ in range(50):  # the log arrives beside the answer
            told = [m.message for m in vscode.log_messages if "syntax errors" in m.message]
            if told:
                break
            await asyncio.sleep(0.1)
        assert told and all(str(broken) in message for message in told), told  # said which file (it said none)
    finally:
        close_text(vscode, uri(broken))


@lsp
async def test_a_call_means_a_function_of_its_language_and_a_guess_by_name_says_so(vscode: LanguageClient,
                                                                                  workspace: Path):
    java, fill = workspace / "unsaved" / "Buffer.java", workspace / "unsaved" / "fill.py"  # never saved
    open_text(vscode, uri(java), "java", JAVA_BUFFER)
    open_text(vscode, uri(fill), "python", FILL_BUFFER)
    try:
        # Opened, never edited: searchable all the same, once it has gone quiet for debounceMs.
        for _ in range(100):
            names = [hit["name"] for hit in await search(vscode, "append an item to the end of the buffer", 5)]
            if "Buffer.append" in names:
                break
            await asyncio.sleep(0.2)
        assert names.count("Buffer.append") == 1  # its two overloads one row, as `leancode search` shows them
        # Python's `xs.append(1)` never means the Java method (nor anything: no Python `append` here).
        assert await hover_text(vscode, fill, 1, 8) is None
        # `cache.evict_oldest(2)`: util.py's method of that name, which nothing checked is `cache`'s.
        text = await hover_text(vscode, fill, 2, 12)
        assert text.startswith("Drop the count least recently used entries.\n\n" + DOCUMENTATION)
        defined = line_of(workspace / "util.py", "def evict_oldest(") + 1
        assert f"util.py:{defined}` (matched by name; the receiver's type is not checked)" in text
    finally:
        close_text(vscode, uri(java))
        close_text(vscode, uri(fill))


@lsp
async def test_an_open_buffer_is_ranked_and_folded_as_leancode_search_ranks(vscode: LanguageClient, workspace: Path):
    copy = workspace / "unsaved" / "copied.py"  # strings.py's dedent again, as a user pastes it, and new functions
    marker = ('def frobnicate(widgets):\n    """Return the widgets as they are."""\n    return widgets\n\n\n'
              'class Quux:\n    def frobnicate(self):\n        """Frobnicate."""\n        return self\n')
    open_text(vscode, uri(copy), "python", textwrap.dedent(inspect.getsource(textwrap.dedent)) + "\n\n" + marker)
    try:
        for _ in range(100):  # until the buffer is embedded
            if "frobnicate" in [hit["name"] for hit in await search(vscode, "return the widgets as they are", 3)]:
                break
            await asyncio.sleep(0.2)
        names = [hit["name"] for hit in await search(vscode, "remove common leading whitespace from every line", 5)]
        assert names.count("dedent") == 1, names  # as `leancode search` folds copies of the same code
        # Of the functions a name names, the one it names whole first (the method reads closer to the word).
        assert [hit["name"] for hit in await search(vscode, "frobnicate", 2)] == ["frobnicate", "Quux.frobnicate"]
    finally:
        close_text(vscode, uri(copy))


@lsp
async def test_an_untitled_buffer_is_read_in_the_language_the_client_names(vscode: LanguageClient):
    untitled = "untitled:Untitled-1"
    open_text(vscode, untitled, "python", 'def zz(x):\n    """Return x doubled."""\n    return 2 * x\n\n\nzz(1)\n')
    try:
        for line, character in ((0, 4), (5, 0)):  # the definition, and a call of it
            result = await vscode.text_document_hover_async(types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=untitled),
                position=types.Position(line=line, character=character)))
            assert result is not None and result.contents.value.startswith("Return x doubled.\n\n" + DOCUMENTATION)
    finally:
        close_text(vscode, untitled)


SHAPES_TS = """\
interface Shape {
    /** The area, in square units. */
    area(): number;
}
/** Returns its argument. */
function id<T>(x: T): T { return x; }
const n = id<number>(3);
function area(): number { return 0; }
"""
LOADER_PY = '''\
def load():
    """Reads the old format."""


def load(path=None):
    """Reads the new format."""


load()
'''


@lsp
async def test_a_generic_call_an_interface_method_and_a_function_defined_again_hover_as_meant(
        vscode: LanguageClient):
    buffers = {"untitled:shapes": ("typescript", SHAPES_TS), "untitled:loader": ("python", LOADER_PY)}
    for document_uri, (language, text) in buffers.items():
        open_text(vscode, document_uri, language, text)
    try:
        for document_uri, line, character, expected in (
                ("untitled:shapes", 2, 5, "The area, in square units."),  # the interface's method, not `area()`
                ("untitled:shapes", 6, 11, "Returns its argument."),  # `id<number>(3)`: a call of `id`
                ("untitled:loader", 8, 1, "Reads the new format.")):  # the definition that runs
            result = await vscode.text_document_hover_async(types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=document_uri),
                position=types.Position(line=line, character=character)))
            assert result is not None and result.contents.value.startswith(f"{expected}\n\n{DOCUMENTATION}"), line
    finally:
        for document_uri in buffers:
            close_text(vscode, document_uri)


@pytest.mark.slow
def test_a_search_right_after_initialized_says_indexing_is_starting(tmp_path: Path):
    (tmp_path / "util.py").write_text(OURS)
    # A client that serves settings: the server asks for them first, and waits for the answer.
    with RawServer(root=tmp_path, capabilities={"workspace": {"configuration": True}}) as server:
        asked = server.wait_for("workspace/configuration")
        answer = server.request(1, "workspace/executeCommand", {"command": "leancode.search",
                                                                 "arguments": ["drop the oldest entries"]})
        assert answer["result"] == []
        told = server.wait_for("window/showMessage", timeout=10)["params"]["message"]
        assert "still indexing the workspace (starting)" in told, told
        server.send(frame({"jsonrpc": "2.0", "id": asked["id"], "result": [None]}))


@lsp
async def test_search_command_and_workspace_symbol(vscode: LanguageClient, workspace: Path):
    hits = await search(vscode, "convert a color from rgb to hue saturation value")
    assert hits and hits[0]["name"] == "rgb_to_hsv"
    assert set(hits[0]) >= {"uri", "range", "name", "score", "preview"}
    assert hits[0]["uri"] == uri(workspace / "strings.py")
    hits = await search(vscode, {"query": "escape a string for a shell command line", "top": 3})
    assert len(hits) <= 3 and hits[0]["name"] == "quote"
    symbols = await vscode.workspace_symbol_async(types.WorkspaceSymbolParams(query="shell glob pattern to regex"))
    assert symbols and symbols[0].name == "translate"
    assert symbols[0].location.uri == uri(workspace / "strings.py")
    assert await vscode.workspace_symbol_async(types.WorkspaceSymbolParams(query="")) == []
    # a pasted line of code: the function that holds it first, said so (as `leancode search` shows it)
    hits = await search(vscode, "h = 2.0+rc-bc")
    assert hits[0]["name"] == "rgb_to_hsv" and hits[0]["holds_query_text"] and not hits[1]["holds_query_text"]


@lsp
async def test_index_shared_with_cli(vscode: LanguageClient, workspace: Path):
    manifest = json.loads((workspace / ".leancode" / "manifest.json").read_text())
    assert manifest["counts"]["units"] == unit_count(workspace)
    assert manifest["skipped"].get("binary") == 1


@lsp
async def test_incremental_update_after_change_and_save(vscode: LanguageClient, workspace: Path):
    util = workspace / "util.py"
    text = util.read_text()
    lines = text.split("\n")
    open_file(vscode, util)  # as the editor does before any change (the test must not rely on another's didOpen)
    vscode.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri(util), version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=len(lines) - 1, character=0),
                              end=types.Position(line=len(lines) - 1, character=0)),
            text=NEW_FUNCTION)]))
    query = "split a semantic version into major minor patch"
    for _ in range(100):  # unsaved buffer: found once the debounced re-embedding is done
        hits = await search(vscode, query, 3)
        if hits and hits[0]["name"] == "parse_semver":
            break
        await asyncio.sleep(0.2)
    assert hits[0]["name"] == "parse_semver"
    # The unsaved buffer's content is what hover reads.
    line = len(lines) - 1 + NEW_FUNCTION.split("\n").index("def parse_semver(version_string):")
    shown = await hover_text(vscode, util, line, 5)
    assert shown.startswith("Split a semantic version string like 1.2.3 into its major, minor and patch numbers."
                            "\n\n" + DOCUMENTATION) and "def parse_semver(version_string)" in shown
    # Saved: the on-disk index (shared with the CLI) gets it.
    util.write_text(text + NEW_FUNCTION)
    vscode.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(
        uri=uri(util))))
    manifest = workspace / ".leancode" / "manifest.json"
    for _ in range(100):
        if json.loads(manifest.read_text())["counts"]["units"] == unit_count(workspace):
            break
        await asyncio.sleep(0.2)
    assert json.loads(manifest.read_text())["counts"]["units"] == unit_count(workspace)
    hits = await search(vscode, query, 3)
    assert hits[0]["name"] == "parse_semver"
    # A new file seen through a watched-file event.
    (workspace / "extra.py").write_text('def celsius_to_fahrenheit(degrees):\n    return degrees * 9 / 5 + 32\n')
    vscode.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[types.FileEvent(
        uri=uri(workspace / "extra.py"), type=types.FileChangeType.Created)]))
    for _ in range(100):
        hits = await search(vscode, "convert temperature from celsius to fahrenheit", 3)
        if hits and hits[0]["name"] == "celsius_to_fahrenheit":
            break
        await asyncio.sleep(0.2)
    assert hits[0]["name"] == "celsius_to_fahrenheit"
    # A directory created, then deleted: editors send one event for the directory, none for its files.
    legacy = workspace / "legacy"
    legacy.mkdir()
    (legacy / "old.py").write_text('def kelvin_to_rankine(kelvin):\n    return kelvin * 1.8\n')

    async def found_in_legacy(kind) -> bool:
        vscode.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[types.FileEvent(
            uri=uri(legacy), type=kind)]))
        for _ in range(100):
            hits = await search(vscode, "convert kelvin to rankine", 3)
            if (hits and hits[0]["name"] == "kelvin_to_rankine") == (kind == types.FileChangeType.Created):
                break
            await asyncio.sleep(0.2)
        return bool(hits) and hits[0]["name"] == "kelvin_to_rankine"

    assert await found_in_legacy(types.FileChangeType.Created)
    shutil.rmtree(legacy)
    assert not await found_in_legacy(types.FileChangeType.Deleted)


def hover_payload(msg_id, params) -> dict:
    return {"jsonrpc": "2.0", "id": msg_id, "method": "textDocument/hover", "params": params}


@lsp
async def test_malformed_requests_get_errors(vscode: LanguageClient, workspace: Path):
    strings = uri(workspace / "strings.py")
    doc = {"uri": strings}
    cases = [
        (hover_payload(101, {"textDocument": doc, "position": {"line": "x", "character": 0}}), -32602),
        (hover_payload(102, {"textDocument": doc}), -32602),
        (hover_payload(103, []), -32602),
        (hover_payload(104, {"textDocument": doc, "position": {"line": 0, "character": -1}}), -32602),
        (hover_payload(105, {"textDocument": doc, "position": {"line": 100000, "character": 0}}), -32602),
        (hover_payload(106, None), -32602),
        ({"jsonrpc": "2.0", "id": 107, "method": "leancode/nothing", "params": {}}, -32601),
        ({"jsonrpc": "2.0", "id": 108, "method": "workspace/executeCommand",
          "params": {"command": "leancode.search", "arguments": [123]}}, -32602),
        ({"jsonrpc": "2.0", "id": 109, "method": "workspace/executeCommand",
          "params": {"command": "leancode.search", "arguments": []}}, -32602),
        ({"jsonrpc": "2.0", "id": 110, "method": "workspace/executeCommand",
          "params": {"command": "leancode.search", "arguments": [{"query": "x", "top": "many"}]}}, -32602),
        ({"jsonrpc": "2.0", "id": 111, "method": "workspace/executeCommand",
          "params": {"command": "leancode.nothing", "arguments": []}}, -32602),
        ({"jsonrpc": "2.0", "id": 112, "method": "workspace/symbol", "params": {"query": 5}}, -32602),
        ({"jsonrpc": "2.0", "id": 113}, -32600),
        ({"jsonrpc": "1.0", "id": 114, "method": "textDocument/hover", "params": {}}, -32600),
        ({"jsonrpc": "2.0", "id": 115, "method": "workspace/executeCommand", "params": {"command": 7}}, -32602),
        ({"jsonrpc": "2.0", "id": 116, "method": "workspace/executeCommand",  # an object is no list of its keys
          "params": {"command": "leancode.search", "arguments": {"query": "x"}}}, -32602),
    ]
    for payload, code in cases:
        answer = await raw_request(vscode, payload)
        assert answer.get("code") == code, (payload, answer)
    answer = await raw_request(vscode, "{not json", msg_id=None)
    assert answer.get("code") == -32700
    # Unknown or binary documents: null, not an error and not a crash.
    assert (await raw_request(vscode, hover_payload(116, {"textDocument": {"uri": "file:///nowhere/x.py"},
                                                          "position": {"line": 0, "character": 0}})))["result"] \
        is None
    assert (await raw_request(vscode, hover_payload(117, {"textDocument": {"uri": uri(workspace / "blob.py")},
                                                          "position": {"line": 0, "character": 0}})))["result"] \
        is None
    # ... and the server still answers.
    strings_path = workspace / "strings.py"
    text = await hover_text(vscode, strings_path, line_of(strings_path, "def quote("), 5)
    assert "def quote(s)" in text and DOCUMENTATION in text


# --- Neovim's capabilities, with settings from initializationOptions and workspace/configuration ---

@pytest.fixture(scope="module")
def workspace_nvim(tmp_path_factory) -> Path:
    return write_workspace(tmp_path_factory.mktemp("ws_nvim"))


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=SERVER))
async def neovim(lsp_client: LanguageClient, workspace_nvim: Path):
    lsp_client.set_configuration({"method": "slimcode", "exclude": ["main.py"]}, section="leancode")
    # A summarizer path that holds no model: hover falls back to the docstring, and says so.
    await start(lsp_client, workspace_nvim, "neovim",
                {"method": "leancode", "ratio": 0.3, "summarizerPath": str(workspace_nvim / "no-model")})
    yield
    await lsp_client.shutdown_session()


@lsp
async def test_neovim_settings_hover_and_search(neovim: LanguageClient, workspace_nvim: Path):
    manifest = json.loads((workspace_nvim / ".leancode" / "manifest.json").read_text())
    assert manifest["encoder"]["method"] == "slimcode" and manifest["encoder"]["ratio"] == 0.3
    assert manifest["skipped"].get("excluded") == 1
    strings = workspace_nvim / "strings.py"
    open_file(neovim, strings)
    text = await hover_text(neovim, strings, line_of(strings, "def indent("), 5)
    # No model loads from the summarizer path: documentation still comes first.
    assert text.startswith("Adds 'prefix' to the beginning of selected lines in 'text'.\n\n*documentation*")
    assert "simplified code" not in text  # showSimplified is off by default
    hits = await search(neovim, "escape a string for a shell command line")
    assert hits[0]["name"] == "quote"
    assert not any(h["path"].endswith("main.py") for h in hits)


# --- the plain functions behind the handlers (no client) ---

def test_hover_helpers():
    from leancode.function_summary import signature
    from leancode.server import hover
    from leancode.units import extract_units

    code = "@cache\ndef load_config(path: str,\n                defaults=None) -> dict:\n    return {}\n"
    unit = extract_units(code, "python")[0]
    assert signature(unit) == "def load_config(path: str, defaults=None) -> dict"
    assert hover.header_end_line(unit) == 2
    assert hover.definition_at([unit], 0) is unit and hover.definition_at([unit], 3) is None
    assert hover.call_at("    x = obj.load_config(p)", 14) == ("load_config", "obj", ".")
    assert hover.call_at("    x = load_config(p)", 10) == ("load_config", None, None)
    assert hover.call_at("    x = Config::load(p)", 17) == ("load", "Config", "::")
    assert hover.call_at("    x = super().load(p)", 17) == ("load", "super", ".")
    assert hover.call_at("    x = parse(s).load(p)", 18) == ("load", "", ".")
    assert hover.call_at("    x = load_config", 10) is None
    assert hover.call_at("    if (x):", 5) is None
    assert hover.call_at("    x = éditer(1)", 9) == ("éditer", None, None)  # not `diter`
    assert hover.call_at("    y = 计算(2)", 9) == ("计算", None, None)
    assert hover.call_at("    z = ü.größe(3)", 11) == ("größe", "ü", ".")
    # No model loaded: the signature and why there is no line, never a guess from the name.
    text = hover.hover_markdown(unit, hover.HoverSummarizer(None), hover.HoverCache(), "leancode", 0.5, False)
    assert text == "```python\ndef load_config(path: str, defaults=None) -> dict\n```\n\n" \
                   "*no docstring, and no summarizer loaded*"


def test_settings_parsing():
    from leancode.server.settings import Settings, SettingsError, parse_settings

    settings, unknown = parse_settings({"leancode": {"method": "slimcode", "ratio": 0.5, "exclude": "gen/**",
                                                     "languages": ["Python"], "colour": "red"}})
    assert (settings.method, settings.ratio, settings.exclude, settings.languages) == \
        ("slimcode", 0.5, ("gen/**",), ("python",))
    assert unknown == ["colour"]
    for bad in ({"ratio": 2}, {"method": "zip"}, {"languages": ["cobol"]}, {"showSimplified": "yes"}, {"top": 0},
                {"exclude": ["gen/[z-a]*.py"]}):
        with pytest.raises(SettingsError):
            parse_settings(bad)
    assert parse_settings(None) == (Settings(), [])
    # A client that sends every setting again with each change: a bad one keeps its value, the others apply.
    refused: list[str] = []
    settings, _ = parse_settings({"ratio": 5, "top": 4}, Settings(ratio=0.3), refused)
    assert (settings.ratio, settings.top) == (0.3, 4) and len(refused) == 1 and "ratio" in refused[0]


def test_search_arguments():
    from pygls.exceptions import JsonRpcInvalidParams

    from leancode.server.features.search import search_arguments

    assert search_arguments(("read a file",), 20) == ("read a file", 20)
    assert search_arguments(({"query": "q", "top": 3},), 20) == ("q", 3)
    assert search_arguments(("q", 5), 20) == ("q", 5)
    for bad in ((), (1,), ({"top": 3},), ("q", 0), ("q", True), ("q", 1, 2)):
        with pytest.raises(JsonRpcInvalidParams):
            search_arguments(bad, 20)


# --- cancelling the first index -----------------------------------------------------------------

@pytest.fixture(scope="module")
def big_workspace(tmp_path_factory) -> Path:
    """About 1,500 functions of real standard-library code: long enough to index to cancel it midway."""
    import argparse
    import email.message
    import inspect as inspect_module
    import pydoc
    import typing

    root = tmp_path_factory.mktemp("ws_big")
    for module in (argparse, email.message, inspect_module, pydoc, typing, textwrap, shlex):
        source = Path(module.__file__).read_text()
        for copy in range(3):  # copies are distinct files; their functions share vectors once embedded
            name = f"{module.__name__.replace('.', '_')}_{copy}.py"
            (root / name).write_text(source.replace("def ", f"def c{copy}_"))
    (root / ".git").mkdir()
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def cancelling(lsp_client: LanguageClient, big_workspace: Path):
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=uri(big_workspace),
        workspace_folders=[types.WorkspaceFolder(uri=uri(big_workspace), name="big")]))
    yield
    await lsp_client.shutdown_session()


@pytest.mark.slow
@pytest.mark.asyncio
async def test_first_index_serves_partial_results_and_can_be_cancelled(cancelling: LanguageClient, big_workspace: Path):
    client = cancelling
    deadline = time.monotonic() + 120
    token = None
    while token is None and time.monotonic() < deadline:
        token = next((t for t, reports in client.progress_reports.items()
                      if any(isinstance(r, types.WorkDoneProgressReport) and "embedding" in (r.message or "")
                             for r in reports)), None)
        await asyncio.sleep(0.05)
    assert token is not None, "no embedding progress"
    # Search answers from what the first index has embedded so far.
    hits = []
    while not hits and time.monotonic() < deadline:
        assert not any(isinstance(r, types.WorkDoneProgressEnd) for r in client.progress_reports[token])
        hits = await search(client, "split a string like a shell command line")
        await asyncio.sleep(0.2)
    assert hits and all(h["score"] for h in hits)
    told = [m.message for m in client.messages if "still indexing" in m.message]
    assert told and "embedding" in told[0], [m.message for m in client.messages]  # partial, and says so
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    while time.monotonic() < deadline:
        end = next((r for r in client.progress_reports[token] if isinstance(r, types.WorkDoneProgressEnd)), None)
        if end:
            break
        await asyncio.sleep(0.05)
    assert end is not None and end.message == "cancelled"
    done = [r.percentage for r in client.progress_reports[token]
            if isinstance(r, types.WorkDoneProgressReport) and r.percentage is not None]
    assert done and max(done) < 100  # stopped midway, not after the work was done anyway
    await asyncio.sleep(0.5)
    assert any("indexing cancelled" in m.message.lower() or "index cancelled" in m.message.lower()
               for m in client.log_messages), [m.message for m in client.log_messages][-5:]
    # The server still answers: hover from disk, search over what is indexed (possibly nothing yet), and says the
    # index is incomplete (it answered as if complete).
    target = next(big_workspace.glob("shlex_0.py"))
    text = await hover_text(client, target, line_of(target, "def c0_quote("), 6)
    assert text and "c0_quote" in text
    assert isinstance(await search(client, "split a shell command line"), list)
    await asyncio.sleep(0.5)
    told = [m.message for m in client.messages if "indexing cancelled" in m.message]
    assert told and "saving a file indexes the rest" in told[0], [m.message for m in client.messages][-3:]
