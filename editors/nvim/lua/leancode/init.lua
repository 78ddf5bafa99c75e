-- LeanCode for Neovim: the LeanCode language server (`python -m leancode.server`) with
-- hover summaries, semantic workspace/symbol, and :LeanCodeSearch {query}.
--
--   require('leancode').setup({ python = '/path/to/venv/bin/python', settings = { ratio = 0.3 } })
--
-- On Neovim 0.11+ the server is configured with vim.lsp.config('leancode', ...) and
-- vim.lsp.enable('leancode'); older versions (0.8+) start it with vim.lsp.start from a
-- FileType autocommand.
local M = {}

M.name = 'leancode'
M.search_command = 'leancode.search'

local defaults = {
  -- Interpreter that has the leancode package; the server runs as `{python} -m leancode.server`.
  python = 'python3',
  -- The full command instead (overrides `python`), e.g. { 'leancode-server' }.
  cmd = nil,
  filetypes = { 'python', 'java', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'go', 'rust' },
  root_markers = { '.git' },
  -- Server settings (keys as in VS Code, without the `leancode.` prefix): method, ratio,
  -- modelPath, summarizerPath, languages, exclude, showSimplified, hybrid, top, ...
  -- Sent as initializationOptions and answered to workspace/configuration (section `leancode`).
  settings = {},
  -- Results asked for by :LeanCodeSearch (nil: the server's `top` setting, 20 unless `settings` says).
  top = nil,
  -- 'auto' (Telescope when installed, else the quickfix list), 'telescope' or 'quickfix'.
  picker = 'auto',
  -- Open the quickfix window after a search.
  open_quickfix = true,
  on_attach = nil,
  capabilities = nil,
  -- Start the client with vim.lsp.start from a FileType autocommand even on 0.11+
  -- (the path older versions take).
  legacy = false,
}

M.options = vim.deepcopy(defaults)

local has_011 = vim.fn.has('nvim-0.11') == 1

local function notify(message, level)
  vim.notify('LeanCode: ' .. message, level or vim.log.levels.INFO)
end

local told = {} -- messages already shown since setup() or :LeanCodeRestart

local function notify_once(key, message, level)
  if not told[key] then
    told[key] = true
    notify(message, level)
  end
end

-- A client method: client:name(...) on 0.11+, client.name(...) before.
local function call(client, name, ...)
  if has_011 then
    return client[name](client, ...)
  end
  return client[name](...)
end

-- Whether setup() configures the server with vim.lsp.config / vim.lsp.enable (else vim.lsp.start).
local function uses_lsp_config()
  return has_011 and vim.lsp.config ~= nil and vim.lsp.enable ~= nil and not M.options.legacy
end

--- The command that runs the server.
function M.cmd(options)
  options = options or M.options
  if options.cmd then
    return options.cmd
  end
  return { options.python or 'python3', '-m', 'leancode.server' }
end

--- Whether the server command can run; says once which setting names a command that cannot.
local function command_runs(options)
  local cmd = M.cmd(options)
  if type(cmd) ~= 'table' or vim.fn.executable(cmd[1]) == 1 then
    return true
  end
  local option = options.cmd and 'cmd' or 'python'
  notify_once('cmd ' .. cmd[1], ('cannot start the server: `%s` (option `%s`) is not an executable; set `%s` to %s')
    :format(cmd[1], option, option, option == 'cmd' and 'a command that runs the server'
      or 'an interpreter that has the leancode package'), vim.log.levels.ERROR)
  return false
end

--- The root of a buffer's workspace: the nearest directory with a root marker; else the file's own
--- directory, unless that is the home directory or the filesystem root (nil: too much to index).
function M.root_dir(bufnr, markers)
  markers = markers or M.options.root_markers
  local name = vim.api.nvim_buf_get_name(bufnr)
  local found
  if vim.fs.root then
    found = vim.fs.root(bufnr, markers)
  else
    local start = name ~= '' and vim.fs.dirname(name) or vim.loop.cwd()
    local marker = vim.fs.find(markers, { path = start, upward = true })[1]
    found = marker and vim.fs.dirname(marker)
  end
  if found or name == '' then
    return found
  end
  local dir = vim.fs.normalize(vim.fn.fnamemodify(name, ':p:h'))
  if dir == vim.fs.normalize('~') or vim.fs.dirname(dir) == dir then
    return nil
  end
  return dir
end

-- M.root_dir, and a word (once) when there is none: the server then indexes nothing.
local function workspace_root(bufnr, markers)
  local root = M.root_dir(bufnr, markers)
  if not root and vim.api.nvim_buf_get_name(bufnr) ~= '' then
    notify_once('no root', ('%s is in no workspace (no %s above it, and the home directory is not indexed): '
      .. 'hover works, :LeanCodeSearch finds nothing'):format(vim.api.nvim_buf_get_name(bufnr),
        table.concat(markers or M.options.root_markers, ' or ')), vim.log.levels.WARN)
  end
  return root
end

local initialized = {} -- ids of the clients whose server answered `initialize`

--- The client configuration, as vim.lsp.config takes it.
function M.lsp_config(options)
  options = options or M.options
  local settings = vim.deepcopy(options.settings or {})
  if vim.tbl_isempty(settings) then
    settings = vim.empty_dict() -- else sent as a JSON list, which the server refuses
  end
  local cmd = M.cmd(options)
  return {
    cmd = cmd,
    filetypes = options.filetypes,
    root_markers = options.root_markers,
    -- vim.lsp.config (0.11+) calls it: the marker root, else the file's directory (M.root_dir).
    root_dir = has_011 and function(bufnr, on_dir)
      on_dir(workspace_root(bufnr, options.root_markers))
    end or nil,
    init_options = settings,
    settings = { leancode = settings },
    on_attach = options.on_attach,
    capabilities = options.capabilities,
    on_init = function(client)
      initialized[client.id] = true
    end,
    -- A server that exits before it answers `initialize` (e.g. no leancode package): nvim itself only
    -- logs the reason, so say which command failed.
    on_exit = function(code, _, client_id)
      if code ~= 0 and not initialized[client_id] then
        local command = type(cmd) == 'table' and table.concat(cmd, ' ') or tostring(cmd)
        vim.schedule(function()
          notify_once('exit ' .. command, ('the server exited (code %d) before it started: `%s`.%s Its error is in %s')
            :format(code, command, options.cmd and '' or ' Does that Python have the leancode package'
              .. ' (pip install -e /path/to/leancode)?', require('vim.lsp.log').get_filename()), vim.log.levels.ERROR)
        end)
      end
      initialized[client_id] = nil
    end,
  }
end

-- Start the client for a buffer of one of the filetypes (or attach it to the running one).
local function start(bufnr)
  if vim.bo[bufnr].buftype ~= '' or not vim.tbl_contains(M.options.filetypes, vim.bo[bufnr].filetype)
      or not command_runs(M.options) then
    return nil
  end
  local config = uses_lsp_config() and vim.deepcopy(vim.lsp.config[M.name]) or M.lsp_config()
  config.name = M.name
  config.root_dir = workspace_root(bufnr)
  config.filetypes = nil
  config.root_markers = nil
  return vim.lsp.start(config, { bufnr = bufnr })
end

local function loaded_buffers()
  return vim.tbl_filter(vim.api.nvim_buf_is_loaded, vim.api.nvim_list_bufs())
end

--- Configure and enable the server. `opts` override the defaults above.
function M.setup(opts)
  M.options = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  told = {}
  local lsp_config = uses_lsp_config()
  if lsp_config then
    vim.lsp.config(M.name, M.lsp_config())
    vim.lsp.enable(M.name)
  end
  -- vim.lsp.enable starts the client, but only logs a command that cannot run: check it here.
  -- Older versions (or `legacy`) start the client here.
  local function on_buffer(bufnr)
    if lsp_config then
      command_runs(M.options)
    else
      start(bufnr)
    end
  end
  local group = vim.api.nvim_create_augroup('leancode', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.options.filetypes,
    callback = function(args)
      on_buffer(args.buf) -- returns nothing: a true would delete the autocommand
    end,
    desc = 'Start the LeanCode language server',
  })
  -- Buffers already open when setup() runs.
  for _, bufnr in ipairs(loaded_buffers()) do
    if vim.tbl_contains(M.options.filetypes, vim.bo[bufnr].filetype) then
      on_buffer(bufnr)
    end
  end
  M.configured = true
end

--- Stop the LeanCode servers and, once they have exited, start them again for the loaded buffers
--- (:LeanCodeRestart). A server still there after 5 s is terminated. `callback(started)` gets the
--- number of buffers attached.
function M.restart(callback)
  if not M.configured then
    notify('call require("leancode").setup() first', vim.log.levels.ERROR)
    return
  end
  told = {}
  local old = M.clients()
  for _, client in ipairs(old) do
    call(client, 'stop')
  end
  local uv = vim.uv or vim.loop
  local since, terminated = uv.now(), false
  local function start_when_gone()
    local alive = vim.tbl_filter(function(client)
      return vim.lsp.get_client_by_id(client.id) ~= nil
    end, old)
    local waited = uv.now() - since
    if #alive > 0 and waited < 10000 then
      if waited > 5000 and not terminated then -- e.g. waiting for its model to load before it exits
        terminated = true
        for _, client in ipairs(alive) do
          client.rpc.terminate()
        end
      end
      return vim.defer_fn(start_when_gone, 100)
    end
    local started = 0
    for _, bufnr in ipairs(loaded_buffers()) do
      if start(bufnr) then
        started = started + 1
      end
    end
    notify(('restarted for %d buffer%s'):format(started, started == 1 and '' or 's'))
    if callback then
      callback(started)
    end
  end
  start_when_gone()
end

--- The running LeanCode clients (those attached to `bufnr` first); stopping ones are left out.
function M.clients(bufnr)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  local clients = vim.tbl_filter(function(client)
    return not call(client, 'is_stopped')
  end, get({ name = M.name }))
  if bufnr then
    table.sort(clients, function(a, b)
      local a_attached = vim.lsp.buf_is_attached(bufnr, a.id) and 1 or 0
      local b_attached = vim.lsp.buf_is_attached(bufnr, b.id) and 1 or 0
      return a_attached > b_attached
    end)
  end
  return clients
end

--- Change server settings while it runs, e.g. { ratio = 0.35 }: kept for servers started later and
--- sent to the running ones (workspace/didChangeConfiguration, and their workspace/configuration
--- answers). Returns how many running servers were told.
function M.update_settings(changes)
  M.options.settings = vim.tbl_deep_extend('force', M.options.settings or {}, changes or {})
  if uses_lsp_config() and M.configured then
    vim.lsp.config(M.name, { init_options = M.options.settings, settings = { leancode = M.options.settings } })
  end
  local clients = M.clients()
  for _, client in ipairs(clients) do
    client.settings = vim.tbl_deep_extend('force', client.settings or {}, { leancode = M.options.settings })
    call(client, 'notify', 'workspace/didChangeConfiguration', { settings = { leancode = M.options.settings } })
  end
  return #clients
end

local function one_line(text, limit)
  text = (text or ''):gsub('%s+', ' '):gsub('^ ', ''):gsub(' $', '')
  if #text > limit then
    text = text:sub(1, limit - 3) .. '...'
  end
  return text
end

--- Why a `leancode.search` result is stale, worded as `leancode search` prints it: 'deleted' or 'changed'
--- (the server's word, else as its file exists now: `"stale": true`), nil for a fresh one.
local function stale_reason(result, filename)
  if result.stale == 'deleted' or result.stale == 'changed' then
    return result.stale
  end
  if result.stale == true then
    return (vim.uv or vim.loop).fs_stat(filename) and 'changed' or 'deleted'
  end
  return nil
end

--- Quickfix items from a `leancode.search` answer (malformed entries are skipped). A hit whose file was
--- deleted or changed since indexing says so after its name: `f (file deleted since indexing) [0.500] ...`.
function M.to_items(results)
  local items = {}
  if type(results) ~= 'table' then
    return items
  end
  for _, result in ipairs(results) do
    local range = type(result) == 'table' and result.range or nil
    if range and type(result.uri) == 'string' and type(range) == 'table' and type(range.start) == 'table' then
      local score = tonumber(result.score)
      local name = type(result.name) == 'string' and result.name or '?'
      local filename = vim.uri_to_fname(result.uri)
      local stale = stale_reason(result, filename)
      table.insert(items, {
        filename = filename,
        lnum = (tonumber(range.start.line) or 0) + 1,
        col = (tonumber(range.start.character) or 0) + 1,
        end_lnum = type(range['end']) == 'table' and (tonumber(range['end'].line) or 0) + 1 or nil,
        text = string.format('%s%s [%s] %s', name, stale and (' (file ' .. stale .. ' since indexing)') or '',
          score and string.format('%.3f', score) or '?',
          one_line(type(result.preview) == 'string' and result.preview or '', 120)),
        type = stale and 'W' or nil,
        user_data = { name = name, score = score, uri = result.uri, stale = stale },
      })
    end
  end
  return items
end

local function telescope_available()
  return pcall(require, 'telescope.pickers')
end

local function show_telescope(items, title)
  local pickers = require('telescope.pickers')
  local finders = require('telescope.finders')
  local conf = require('telescope.config').values
  pickers
    .new({}, {
      prompt_title = title,
      finder = finders.new_table({
        results = items,
        entry_maker = function(item)
          return {
            value = item,
            display = string.format('%s  %s:%d', item.text, vim.fn.fnamemodify(item.filename, ':.'), item.lnum),
            ordinal = item.text .. ' ' .. item.filename,
            filename = item.filename,
            lnum = item.lnum,
            col = item.col,
          }
        end,
      }),
      sorter = conf.generic_sorter({}),
      previewer = conf.qflist_previewer({}),
    })
    :find()
end

local function show(items, query, opts)
  local title = 'LeanCode: ' .. query
  local picker = opts.picker or M.options.picker
  if picker == 'telescope' and not telescope_available() then
    vim.notify("LeanCode: picker 'telescope' needs telescope.nvim; results are in the quickfix list", vim.log.levels.WARN)
    picker = 'quickfix'
  end
  if picker == 'telescope' or (picker == 'auto' and telescope_available()) then
    if #items > 0 then
      show_telescope(items, title)
      return
    end
  end
  vim.fn.setqflist({}, ' ', { title = title, items = items })
  local open = opts.open_quickfix
  if open == nil then
    open = M.options.open_quickfix
  end
  if open and #items > 0 then
    vim.cmd('botright copen')
  end
end

M._show = show -- for tests

--- Search the workspace: executeCommand `leancode.search`, then the quickfix list (or Telescope).
--- opts: top, picker, open_quickfix, bufnr, and callback(err, items) called when done.
function M.search(query, opts)
  opts = opts or {}
  query = vim.trim(query or '')
  local callback = opts.callback or function() end
  if query == '' then
    notify('usage: :LeanCodeSearch {query}', vim.log.levels.WARN)
    return callback('empty query', nil)
  end
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  local client = M.clients(bufnr)[1]
  if not client then
    local message = 'no LeanCode server is running (open a Python, Java, JavaScript, TypeScript, Go or Rust file'
      .. (M.configured and '' or ' after require("leancode").setup()') .. ')'
    notify(message, vim.log.levels.ERROR)
    return callback(message, nil)
  end
  local params = {
    command = M.search_command,
    arguments = { { query = query, top = opts.top or M.options.top } },
  }
  local ok = call(client, 'request', 'workspace/executeCommand', params, function(err, result)
    if err then
      local message = type(err) == 'table' and (err.message or vim.inspect(err)) or tostring(err)
      notify('search failed: ' .. message, vim.log.levels.ERROR)
      return callback(message, nil)
    end
    local items = M.to_items(result)
    if #items == 0 then
      notify('no results for "' .. query .. '"', vim.log.levels.WARN)
    end
    show(items, query, opts)
    callback(nil, items)
  end, bufnr)
  if not ok then
    notify('the server did not accept the request', vim.log.levels.ERROR)
    callback('request failed', nil)
  end
end

return M
