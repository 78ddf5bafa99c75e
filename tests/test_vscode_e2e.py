"""The VS Code extension end to end, in a real VS Code: code-server serving the workbench, Debian's
Chromium driven by Playwright through the UI, the built .vsix installed with
`code-server --install-extension`, the real server (this interpreter) on a small real workspace.

Steps: indexing progress appears in the status bar and goes; hover on a definition and on a call of a
function from another file shows the model's summary line and the signature; "LeanCode: Search
Workspace" from the command palette lists ranked functions and opens the chosen one at its line; a
ratio changed in the Settings editor reaches the server. Each step leaves a screenshot in the
artifacts folder ($LEANCODE_E2E_ARTIFACTS, else a pytest temporary folder; printed on failure).

code-server and Chromium come from `.ci/e2e-setup.sh`. Without them the test is skipped, except
where $CI or $LEANCODE_E2E_REQUIRED is set (as `.ci/run` does): there, a missing piece fails.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from editor_workspace import hover_problems, make_workspace

CACHE = Path(os.environ.get("LEANCODE_CI_CACHE", Path.home() / ".cache" / "leancode-ci"))
REQUIRED = bool(os.environ.get("LEANCODE_E2E_REQUIRED") or os.environ.get("CI"))
MINUTE = 60_000  # Playwright timeouts are in ms
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
STATUSBAR = "#workbench\\.parts\\.statusbar"

pytestmark = pytest.mark.slow  # minutes: model load, indexing, the UI


def missing(what: str) -> None:
    message = f"{what} (install with .ci/e2e-setup.sh)"
    if REQUIRED:
        pytest.fail(f"VS Code end-to-end test required here ($CI / $LEANCODE_E2E_REQUIRED) but {message}")
    pytest.skip(message)


def find_code_server() -> str:
    for candidate in (os.environ.get("LEANCODE_CODE_SERVER"), str(CACHE / "bin" / "code-server"),
                      shutil.which("code-server")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    missing("code-server is not installed")


def find_chromium() -> str:
    chromium = os.environ.get("LEANCODE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        missing("Chromium is not installed")
    return chromium


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, process: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"code-server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=5).close()
            return
        time.sleep(0.5)
    raise AssertionError(f"code-server did not answer at {url} in {timeout} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    folder = os.environ.get("LEANCODE_E2E_ARTIFACTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("vscode-e2e-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def code_server(artifacts):
    """(url, workspace, server log, user settings file) of a code-server with the built extension installed."""
    binary = find_code_server()
    find_chromium()
    if importlib.util.find_spec("playwright") is None:  # the `test` extra
        missing("playwright is not installed")
    from vscode_build import vsix

    # Its own folder, not pytest's numbered ones: a concurrent pytest run may delete those while it runs.
    root = Path(tempfile.mkdtemp(prefix="leancode-code-server-"))
    workspace = make_workspace(root / "workspace")
    user_data, extensions, server_log = root / "user-data", root / "extensions", root / "leancode-server.log"
    settings = user_data / "User" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({
        "leancode.pythonPath": sys.executable,
        "leancode.serverArgs": ["-v", "--log-file", str(server_log)],
        "security.workspace.trust.enabled": False,
        "workbench.startupEditor": "none",
        # Only keys VS Code takes as they are: one it migrates (e.g. extensions.autoUpdate: false) makes it
        # rewrite the file while the extension starts, which then reads the defaults.
        "extensions.ignoreRecommendations": True,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
        "editor.hover.delay": 300,
        "editor.minimap.enabled": False,
    }, indent=2))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    common = ["--user-data-dir", str(user_data), "--extensions-dir", str(extensions)]
    installed = subprocess.run([binary, *common, "--install-extension", str(vsix())], env=env,
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    port = free_port()
    log = artifacts / "code-server.log"
    with log.open("w") as out:
        process = subprocess.Popen([binary, *common, "--auth", "none", "--bind-addr", f"127.0.0.1:{port}",
                                    "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
                                    str(workspace)], env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", process, log)
        yield f"http://127.0.0.1:{port}/?folder={workspace}", workspace, server_log, settings
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
        if server_log.exists():
            shutil.copy(server_log, artifacts / server_log.name)
        if (user_data / "logs").is_dir():
            shutil.copytree(user_data / "logs", artifacts / "code-server-logs", dirs_exist_ok=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def page(code_server, artifacts):
    from playwright.sync_api import sync_playwright

    url = code_server[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        # Every status-bar text mentioning LeanCode, sampled every 50 ms (progress can be brief).
        context.add_init_script("""
            window.__leancodeStatus = [];
            setInterval(() => {
              const bar = document.getElementById('workbench.parts.statusbar');
              const text = bar ? bar.innerText : '';
              const seen = window.__leancodeStatus;
              if (text.includes('LeanCode') && seen[seen.length - 1] !== text) seen.push(text);
            }, 50);
        """)
        page = context.new_page()
        page.set_default_timeout(MINUTE)
        page.goto(url)
        page.locator(".monaco-workbench").wait_for(timeout=3 * MINUTE)
        page.locator(".explorer-folders-view .monaco-list-row", has_text="app.py").wait_for(timeout=2 * MINUTE)
        yield page
        browser.close()


class Steps:
    """Screenshots named by step; the last one is taken even when the step fails. With $LEANCODE_E2E_DOCS
    set to a folder (docs/images), the steps that have a `docs` name also write their screenshot there
    under that name: the README's pictures are the ones this test takes."""

    def __init__(self, page, artifacts: Path):
        self.page, self.artifacts, self.count = page, artifacts, 0
        self.docs = os.environ.get("LEANCODE_E2E_DOCS")

    @contextlib.contextmanager
    def step(self, name: str, docs: str | None = None):
        self.count += 1
        path = self.artifacts / f"{self.count:02d}-{name}.png"
        try:
            yield
        except BaseException as error:
            with contextlib.suppress(Exception):
                self.page.screenshot(path=path.with_name(path.stem + "-FAILED.png"))
            status = self.page.evaluate("window.__leancodeStatus")
            raise AssertionError(f"step {name!r} failed ({error}); screenshots in {self.artifacts}; "
                                 f"LeanCode status-bar texts seen: {status}") from error
        self.page.screenshot(path=path)
        if docs and self.docs:
            shutil.copy(path, Path(self.docs) / docs)


def open_file(page, name: str) -> None:
    page.keyboard.press("Control+P")
    box = page.locator(".quick-input-widget .quick-input-box input")
    box.fill(name)
    page.locator(".quick-input-list .monaco-list-row", has_text=name).first.wait_for()
    box.press("Enter")
    page.locator(".tabs-container .tab.active", has_text=name).wait_for()
    page.locator(".monaco-editor .view-lines").first.wait_for()


# The screen point of the middle of `word` where it ends the first match of `pattern` in an editor line.
WORD_POINT = """([pattern, word]) => {
  for (const line of document.querySelectorAll('.monaco-editor .view-lines .view-line')) {
    const match = new RegExp(pattern).exec(line.textContent.replace(/\\u00a0/g, ' '));
    if (!match) continue;
    let offset = match.index + match[0].length - word.length;
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (offset < node.length) {
        const range = document.createRange();
        range.setStart(node, offset);
        range.setEnd(node, Math.min(node.length, offset + word.length));
        const box = range.getBoundingClientRect();
        return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      }
      offset -= node.length;
    }
  }
  return null;
}"""


def hover_word(page, line_pattern: str, word: str, signature: str) -> str:
    """Hover the mouse over `word`, which ends the match of `line_pattern` in an editor line; the text of
    the hover showing `signature`."""
    page.mouse.move(5, 5)
    page.keyboard.press("Escape")
    point = page.evaluate(WORD_POINT, [line_pattern, word])
    assert point, f"no editor line matches {line_pattern!r}"
    widget = page.locator(".monaco-hover:visible", has_text=signature)
    deadline = time.monotonic() + 180
    while True:  # the editor asks once per mouse move: move off and back until the answer comes
        page.mouse.move(point["x"], point["y"], steps=3)
        try:
            widget.wait_for(timeout=15_000)
            return widget.inner_text()
        except Exception:
            if time.monotonic() > deadline:
                raise
            page.mouse.move(5, 5)


def run_command(page, title: str) -> None:
    page.keyboard.press("F1")
    box = page.locator(".quick-input-widget .quick-input-box input")
    box.fill(f">{title}")
    page.locator(".quick-input-list .monaco-list-row", has_text=title).first.wait_for()
    box.press("Enter")


def statusbar_seen(page) -> list[str]:
    return page.evaluate("window.__leancodeStatus")


def test_extension_in_code_server(page, code_server, artifacts):
    _, workspace, server_log, settings = code_server
    steps = Steps(page, artifacts)

    with steps.step("indexing"):
        open_file(page, "mathutils.py")  # a Python file activates the extension, which starts the server
        # From the 50 ms sampler, not the live bar: with the model already exported, 9 functions index in 0.4 s.
        page.wait_for_function("window.__leancodeStatus.some(t => t.includes('LeanCode: indexing'))",
                               timeout=5 * MINUTE, polling=100)
    with steps.step("indexed"):
        page.wait_for_function("!document.getElementById('workbench.parts.statusbar').innerText"
                               ".includes('LeanCode: indexing')", timeout=10 * MINUTE, polling=200)
        assert any("LeanCode: indexing" in text for text in statusbar_seen(page))

    with steps.step("hover-definition", docs="vscode-hover.png"):
        text = hover_word(page, r"def\s+gcd", "gcd", "def gcd(a, b)")
        assert not hover_problems(text, "def gcd(a, b)"), hover_problems(text, "def gcd(a, b)")

    with steps.step("hover-call", docs="vscode-hover-call.png"):
        open_file(page, "app.py")
        text = hover_word(page, r"divisor\s*=\s*gcd", "gcd", "def gcd(a, b)")
        assert not hover_problems(text, "def gcd(a, b)"), hover_problems(text, "def gcd(a, b)")
        assert "mathutils.py:1" in text, f"the hover does not say where gcd is defined: {text!r}"

    with steps.step("search-results", docs="vscode-search.png"):
        page.mouse.move(5, 5)
        page.keyboard.press("Escape")
        run_command(page, "LeanCode: Search Workspace")
        box = page.locator(".quick-input-widget .quick-input-box input")
        page.locator(".quick-input-widget", has_text="Describe the code").wait_for()
        box.fill("escape a string for the shell")
        box.press("Enter")
        page.locator(".quick-input-widget .quick-input-title", has_text="results for").wait_for(timeout=2 * MINUTE)
        rows = page.locator(".quick-input-list .monaco-list-row")
        rows.first.wait_for()
        labels = [rows.nth(i).get_attribute("aria-label") or "" for i in range(min(rows.count(), 5))]
        assert len(labels) >= 3, labels
        assert labels[0].startswith("quote") and "shellutils.py:6" in labels[0], labels
    with steps.step("search-opened"):
        rows.first.click()
        page.locator(".tabs-container .tab.active", has_text="shellutils.py").wait_for()
        page.locator(STATUSBAR, has_text=re.compile(r"Ln 6, Col 1\b")).wait_for()

    with steps.step("settings-ratio"):
        page.keyboard.press("Control+,")
        page.locator(".settings-editor .settings-header .suggest-input-container").click()
        page.keyboard.type("leancode.ratio")
        field = page.locator(".settings-editor .setting-item-number",
                             has_text="removed before embedding for search").locator("input").first
        field.wait_for()
        field.fill("0.35")
        field.press("Tab")
        deadline = time.monotonic() + 60
        while '"leancode.ratio": 0.35' not in settings.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert '"leancode.ratio": 0.35' in settings.read_text(), settings.read_text()
        # The server logs the settings it takes, and re-indexes with the new ratio.
        while "ratio=0.35" not in (server_log.read_text() if server_log.exists() else "") and time.monotonic() < deadline:
            time.sleep(0.5)
        log = server_log.read_text() if server_log.exists() else ""
        assert "ratio=0.35" in log, f"the server did not report the new ratio; its log ends:\n{log[-2000:]}"
        # The re-index is reported as progress; VS Code only shows window progress that outlasts a short delay, so a
        # re-index of these few functions (about 0.1 s) may never reach the status bar: then the server's log must
        # show the progress it sent, begun and ended.
        deadline = time.monotonic() + 2 * MINUTE
        while time.monotonic() < deadline:
            if any("re-indexing for new settings" in t for t in page.evaluate("window.__leancodeStatus")):
                break
            log = server_log.read_text()
            begun = log.find('"title": "re-indexing for new settings"')
            if begun >= 0 and '"kind": "end"' in log[begun:]:
                break
            time.sleep(0.2)
        else:
            raise AssertionError("no re-indexing for the new settings, in the status bar or the server's log")
