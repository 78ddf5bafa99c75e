"""One module per feature of the language server; each `register(server)` adds its handlers."""
