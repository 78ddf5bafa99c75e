"""Indexing off the LSP loop: one thread running index jobs in order, the work-done progress they report,
and the debounce that waits for a buffer to go quiet before its functions are embedded.

Nothing here handles an LSP message; `core.LeanCodeServer` wires these to the client.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any, Callable

from lsprotocol import types

from leancode.index import IndexNotWritable

from .workspace import FileSkipped, Workspaces

logger = logging.getLogger(__name__)

Log = Callable[..., None]  # (message, kind=types.MessageType.Log)
Report = Callable[[str, int, "int | None"], None]  # (stage, done, total)


class IndexingCancelled(Exception):
    """The client cancelled the indexing progress."""


class Indexer:
    """One thread running index jobs in order; a job posted under a key already waiting replaces it."""

    def __init__(self, log: Log, failed: Callable[[Any, Exception], None] | None = None):
        self.log = log
        self.failed = failed  # told of each failed job (its key, the error), after the log
        self._jobs: dict[Any, Callable[[], None]] = {}
        self._wake = threading.Condition()
        self.busy = False
        self._thread = threading.Thread(target=self._run, name="leancode-indexer", daemon=True)
        self._thread.start()

    def post(self, key: Any, job: Callable[[], None]) -> None:
        with self._wake:
            self._jobs.pop(key, None)
            self._jobs[key] = job
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._jobs:
                    self._wake.wait()
                key = next(iter(self._jobs))
                job = self._jobs.pop(key)
                self.busy = True
            try:
                job()
            except IndexingCancelled:
                self.log(f"leancode: {key[0]} cancelled", types.MessageType.Info)
            except FileSkipped as reason:
                self.log(f"leancode: skipped {key[-1]}: {reason}", types.MessageType.Log)
            except Exception as error:  # a failed job must never stop the thread
                if isinstance(error, RuntimeError) and str(error) == "Event loop is closed":
                    return  # serving ended (exit) while the job ran: nothing to tell, no one to tell it to
                if isinstance(error, (OSError, ValueError)):  # a model or folder that cannot be read: no traceback
                    logger.warning("job %r failed: %s", key, error)
                else:
                    logger.exception("job %r failed", key)
                self.log(f"leancode: {key[0]} failed: {type(error).__name__}: {error}", types.MessageType.Error)
                if self.failed is not None:
                    self.failed(key, error)
            finally:
                with self._wake:
                    self.busy = False


class Debouncer:
    """Calls waiting on the event loop, one per key: scheduling a key again replaces its waiting call."""

    def __init__(self):
        self._waiting: dict[str, asyncio.TimerHandle] = {}

    def schedule(self, loop: asyncio.AbstractEventLoop, key: str, delay: float, fn: Callable[[], None]) -> None:
        self.cancel(key)

        def fire() -> None:
            self._waiting.pop(key, None)
            fn()

        self._waiting[key] = loop.call_later(delay, fire)

    def cancel(self, key: str) -> None:
        if (handle := self._waiting.pop(key, None)) is not None:
            handle.cancel()


def progress_message(stage: str, done: int, total: int | None) -> tuple[str, int | None]:
    """The text and percentage (None when unknown) of one progress report."""
    if stage == "embed" and total:
        return f"embedding {done}/{total} functions", int(100 * done / total)
    return f"{stage}: {done} files", None


CANCELLED = "cancelled"  # `IndexStatus.failure` of an indexing the user cancelled


class IndexStatus:
    """What indexing is doing now (`message`; None when nothing), for answers given meanwhile."""

    def __init__(self):
        self.message: str | None = None
        self.failure: str | None = None  # why the last whole indexing failed (None: it did not; CANCELLED)
        self._told, self._idle_told = float("-inf"), None  # when news was last told; what, when nothing ran

    def news(self, every: float = 10.0) -> str | None:
        """`message` (or, when nothing runs, why the last indexing failed or that it was cancelled), at most once
        every `every` seconds (editors search on each keystroke), but at once when indexing has since stopped;
        else None."""
        now = time.monotonic()
        news = self.message if self.message is not None else \
            self.failure and ("cancelled" if self.failure == CANCELLED else f"failed ({self.failure})")
        stopped = self.message is None and news != self._idle_told
        if news is None or now - self._told < every and not stopped:
            return None
        self._told, self._idle_told = now, news if self.message is None else None
        return news

    def track(self, report: Report) -> Report:
        def tracked(stage: str, done: int, total: int | None) -> None:
            self.message = progress_message(stage, done, total)[0]
            report(stage, done, total)

        return tracked


def no_progress() -> tuple[Report, Callable[[str], None]]:
    return (lambda *a: None), (lambda m: None)


def progress_reporter(progress, token: str, title: str,
                      on_loop: Callable[..., None]) -> tuple[Report, Callable[[str], None]]:
    """(report, end) of a begun work-done progress: `report` sends at most five messages a second (and the
    last), and raises IndexingCancelled once the client cancelled `token`."""
    on_loop(progress.begin, token, types.WorkDoneProgressBegin(title=title, cancellable=True,
                                                               message="starting", percentage=0))
    last = [0.0]

    def report(stage: str, done: int, total: int | None) -> None:
        cancel = progress.tokens.get(token)
        if cancel is not None and cancel.cancelled():
            raise IndexingCancelled(title)
        now = time.monotonic()
        if now - last[0] < 0.2 and not (total and done == total):
            return
        last[0] = now
        message, percentage = progress_message(stage, done, total)
        on_loop(progress.report, token,
                types.WorkDoneProgressReport(message=message, percentage=percentage, cancellable=True))

    def end(message: str) -> None:
        on_loop(progress.end, token, types.WorkDoneProgressEnd(message=message))

    return report, end


def index_folders(state: Workspaces, report: Report, end: Callable[[str], None], log: Log, tell: Log) -> None:
    """Index every workspace folder (serving a snapshot on disk at once), reporting progress; `end` always runs.
    `tell`: what the user must act on (a folder with no index, and none can be written)."""
    failed = 0
    try:
        for folder in list(state.folders.values()):
            report("loading", 0, None)
            try:
                if not folder.ready:
                    state.load(folder)  # serve the snapshot on disk (CLI's, or ours) at once
                stats = state.update(folder, report)
            except IndexNotWritable as error:  # a read-only checkout: its snapshot, if any, is served as it is
                if folder.ready:
                    log(f"leancode: {error}: serving it as last written")
                else:
                    tell(f"LeanCode: {error}, and none was written before: search leaves {folder.root} out (make it "
                         "writable, or open a writable copy)", types.MessageType.Warning)
                continue
            except IndexingCancelled:
                raise
            except Exception as error:  # a full disk, a folder that holds no index (/proc): this folder only
                failed += 1
                tell(f"LeanCode: indexing {folder.root} failed ({type(error).__name__}: {error}); "
                     + ("its last index is served" if folder.ready else "search leaves it out")
                     + ", and the other folders are indexed", types.MessageType.Warning)
                continue
            log(f"leancode: indexed {folder.root}: {stats.units} functions in {stats.files} files "
                f"({stats.embedded} embedded, {stats.reused} reused) in {stats.seconds:.1f} s; "
                f"skipped: {stats.skipped_told()}")
            for relative, reason in stats.skipped_paths[:50]:
                if reason in ("binary", "too large", "unreadable"):
                    log(f"leancode: skipped {relative}: {reason}")
    except IndexingCancelled:
        end("cancelled")
        raise
    except Exception as error:
        end(f"failed: {error}")
        raise
    end(f"{sum(len(f.by_key) for f in state.folders.values())} distinct functions indexed"
        + (f"; {failed} folder{'s' * (failed > 1)} failed" if failed else ""))
