-- :LeanCodeSearch {query}: semantic search of the workspace with the LeanCode server.
-- The server itself is configured by require('leancode').setup({...}).
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
