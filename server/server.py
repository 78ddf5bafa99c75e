"""The LeanCode language server: hover summaries and semantic workspace search over LSP (pygls 2).

`server` is the one `core.LeanCodeServer`, with the handlers of each feature module registered on it
(`features/`: lifecycle, documents, hover, search). Handlers are a few lines each: they read the request,
hand the work to a thread (hover and search: the worker pool; indexing: the indexing thread) and shape the
answer.
"""

from __future__ import annotations

from .core import LeanCodeServer
from .features import documents, hover, lifecycle, search

server = LeanCodeServer()
for feature in (lifecycle, documents, hover, search):
    feature.register(server)
