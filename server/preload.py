"""Import the model libraries once, on one thread, before any model loads.

`transformers` resolves its classes lazily on first access, and that is not thread-safe:
the indexer loading the encoder while a worker loads the summarizer can fail with
"cannot import name ...". `start()` imports them on a background thread as the server
starts (so `initialize` is answered at once); every model load first calls `wait()`.
"""

from __future__ import annotations

import threading

_done = threading.Event()
_done.set()  # nothing to wait for unless start() was called


def _import() -> None:
    try:
        import peft  # noqa: F401  (the search adapter's merge)
        import torch  # noqa: F401
        from transformers import (AutoConfig, AutoModel, AutoModelForSeq2SeqLM, AutoTokenizer,  # noqa: F401
                                  BertConfig, BertLMHeadModel, BertModel, EncoderDecoderModel)
    finally:
        _done.set()


def start() -> None:
    _done.clear()
    threading.Thread(target=_import, name="leancode-preload", daemon=True).start()


def wait() -> None:
    _done.wait()
