-- :LeanCodeSearch {query}: semantic search of the workspace with the LeanCode server.
-- :LeanCodeSet {key} {value}, :LeanCodeRestart. The server itself is configured by
-- require('leancode').setup({...}).
if vim.g.loaded_leancode then
  return
end
vim.g.loaded_leancode = true

vim.api.nvim_create_user_command('LeanCodeSearch', function(command)
  require('leancode').search(command.args)
end, {
  nargs = '+',
  desc = 'LeanCode: search the workspace by meaning (quickfix list or Telescope)',
})

-- :LeanCodeSet {key} {value}: change a server setting while it runs (the value is read as JSON
-- when it parses, e.g. `:LeanCodeSet ratio 0.35`, `:LeanCodeSet exclude ["vendor/**"]`).
vim.api.nvim_create_user_command('LeanCodeSet', function(command)
  local key, raw = command.args:match('^(%S+)%s+(.+)$')
  if not key then
    vim.notify('LeanCode: usage: :LeanCodeSet {key} {value}', vim.log.levels.WARN)
    return
  end
  local value = raw -- not JSON: the text itself
  local ok, decoded = pcall(vim.json.decode, raw)
  if ok then
    value = decoded -- `false` too (`ok and decoded or raw` sent the string "false")
  end
  local told = require('leancode').update_settings({ [key] = value })
  vim.notify(('LeanCode: %s = %s (%d running server%s told)'):format(key, raw, told, told == 1 and '' or 's'))
end, {
  nargs = '+',
  desc = 'LeanCode: change a server setting, e.g. :LeanCodeSet ratio 0.35',
})

-- :LeanCodeRestart: stop the LeanCode servers, then start them again for the open buffers.
vim.api.nvim_create_user_command('LeanCodeRestart', function()
  require('leancode').restart()
end, {
  nargs = 0,
  desc = 'LeanCode: restart the language server',
})
