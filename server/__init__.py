"""The LeanCode language server (`leancode-server`): hover summaries and semantic workspace search."""
