"""Files are parsed, and functions simplified for search, in worker processes, so that no file can stall or crash
the process that indexes it.

tree-sitter has slow paths that report no progress to `languages.parse_within`'s budget (SECURITY.md), and a
crash in its C code would end whatever process called it: the language server, or a `leancode index` of hours.
`parse_units(code, language)` here runs `unit_records.parse_units` in a worker process (`python -m
leancode.parse_pool`, so no caller needs multiprocessing's `if __name__ == "__main__"` guard): a file that takes
longer than PARSE_TIMEOUT_SECONDS is stopped, a worker that dies (a crash, or its PARSE_MEMORY_BYTES cap) is
replaced, and either raises ParseFailed, a FileSkipped naming the reason; every other file parses as before.
Workers start with the first file to parse (an index with nothing changed starts none) and stay for the next;
WORKERS files parse at a time (`submit` from several threads). Code that must be parsed in the caller's process
(the hover reads its trees) is first passed through `check`, which parses it in a worker once per content.
`submit_simplify` simplifies a batch of functions in a worker the same way (`simplify.simplified_codes`): the
encoder's lexing runs on the workers' cores, beside this process, and a crash in it ends a worker, not the index.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import queue
import select
import struct
import subprocess
import sys
import threading
import time
import warnings
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .sources import FileSkipped
from .unit_records import parse_units as parse_here
from .unit_records import unit_key as content_key

# Wall time one file may take: the slowest standard-library file takes 0.3 s, and the in-process budgets that
# end a slow parse gracefully (`languages.PARSE_SECONDS` and the repairs') come to 6 s of CPU.
PARSE_TIMEOUT_SECONDS = 30.0
PARSE_MEMORY_BYTES = 2 << 30  # a worker's address space: a 1 MB file (the largest indexed) of real code needs 150 MB
WORKERS = max(1, min(2, os.cpu_count() or 1))
VERDICTS = 4096  # the outcomes `check` remembers (a file's key and failure each), most recent first
_HEADER = struct.Struct("<Q")  # each message: its length, then a pickle (between this process and its own child)


class ParseFailed(FileSkipped):
    """A file whose parse was stopped (too slow) or whose worker died; `reason` says which."""


class Exiting(RuntimeError):
    """The process is exiting: its workers were ended, and no file is blamed for it."""


class _TimedOut(Exception):
    pass


class _Worker:
    """One worker process, asked one file at a time."""

    def __init__(self) -> None:
        if _exiting.is_set():
            raise Exiting("LeanCode is exiting: no new parse worker")
        # Started in the folder that holds this leancode (`-m` puts its folder first on the path): the worker
        # imports the same leancode as this process, never a `leancode` folder of the repository being indexed.
        self.process = subprocess.Popen([sys.executable, "-m", "leancode.parse_pool"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, close_fds=True, cwd=Path(__file__).resolve().parents[1])
        with _live_lock:
            _live.add(self)
        if _exiting.is_set():  # the exit's sweep ran while this one started
            self.stop()
            raise Exiting("LeanCode is exiting: no new parse worker")

    def ask(self, job: str, args: tuple, timeout: float):
        """`JOBS[job](*args)`'s answer from this worker."""
        request = pickle.dumps((job, args), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.process.stdin.write(_HEADER.pack(len(request)) + request)
            self.process.stdin.flush()
            deadline = time.monotonic() + timeout
            size, = _HEADER.unpack(self._read(_HEADER.size, deadline))
            status, value = pickle.loads(self._read(size, deadline))
        except (OSError, EOFError):
            self.stop()
            raise ParseFailed("parser crashed", f"its worker process ended with code {self.process.wait()}") \
                from None
        except _TimedOut:
            self.stop()
            raise ParseFailed("parse timed out", f"stopped after {timeout:g} s") from None
        if status == "error":
            raise RuntimeError(value)
        return value

    def _read(self, size: int, deadline: float) -> bytes:
        stream, parts = self.process.stdout.fileno(), []
        while size:
            if not select.select([stream], [], [], max(0.0, deadline - time.monotonic()))[0]:
                raise _TimedOut
            part = os.read(stream, min(size, 1 << 20))
            if not part:
                raise EOFError
            parts.append(part)
            size -= len(part)
        return b"".join(parts)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        with _live_lock:
            _live.discard(self)
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):  # a request still buffered for a worker that is gone
                stream.close()


_idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
_live: set[_Worker] = set()  # every worker not stopped yet, idle or busy
_live_lock = threading.Lock()
_exiting = threading.Event()
_threads = ThreadPoolExecutor(WORKERS, thread_name_prefix="leancode-parse")
_verdicts: OrderedDict[str, ParseFailed | None] = OrderedDict()  # content key -> its parse's failure, or None
_verdicts_lock = threading.Lock()


def _remember(key: str, failure: ParseFailed | None) -> None:
    with _verdicts_lock:
        _verdicts[key] = failure
        _verdicts.move_to_end(key)
        while len(_verdicts) > VERDICTS:
            _verdicts.popitem(last=False)


def _verdict(key: str) -> tuple[bool, ParseFailed | None]:
    """(whether a worker read this content before, the failure it met then: None when it read it)."""
    with _verdicts_lock:
        return key in _verdicts, _verdicts.get(key)


def check(code: str, language: str) -> None:
    """Raise ParseFailed when `code` cannot be parsed within the workers' bounds (time, memory, no crash): for
    callers that parse it in their own process, which must not stall or die on it. Parsed in a worker once per
    content (the index and the unsaved-buffer search's parses count), then remembered."""
    key = content_key(code, language)
    known, failure = _verdict(key)
    if not known:
        try:
            _parse_in_worker(code, language, key)
        except ParseFailed as error:
            failure = error
        except RuntimeError:  # the parse raised: the caller's own parse tells how
            return
    if failure is not None:
        raise ParseFailed(failure.reason, failure.detail)


def units(code: str, language: str, where: str | None = None) -> list:
    """A file's or buffer's functions (`units.extract_units`), read in a worker within its bounds, so one parse
    serves both the check and the reading (the hover of a 0.9 MB buffer parsed it twice per version); ParseFailed as
    `check` raises it, and its verdict remembered as `check`'s. Its syntax-error warnings name `where`, the file."""
    from .units import ParseWarning, extract_units

    key = content_key(code, language)
    if (failure := _verdict(key)[1]) is not None:
        raise ParseFailed(failure.reason, failure.detail)
    try:
        found, told = _answer_remembered("units", code, language, key)
    except RuntimeError:  # the reading raised: this process's tells how
        return extract_units(code, language)
    for message in told:
        warnings.warn(f"{where}: {message}" if where else message, ParseWarning, stacklevel=2)
    return found


def _parse_in_worker(code: str, language: str, key: str | None = None, declaration_code: str = "") -> dict:
    if declaration_code:  # read with the file: its verdict is the pair's
        key = content_key(f"{code}\0{declaration_code}", language)
    return _answer_remembered("parse", code, language, key or content_key(code, language), declaration_code)


def _answer_remembered(job: str, code: str, language: str, key: str, *more):
    """`_answer(job, (code, language, *more))`, its verdict on the content remembered (`check` asks no worker
    again)."""
    try:
        answer = _answer(job, (code, language, *more))
    except ParseFailed as failure:
        _remember(key, failure)
        raise
    _remember(key, None)
    return answer


def _answer(job: str, args: tuple):
    """`JOBS[job](*args)` from a worker (in this process where no worker starts)."""
    while True:
        if _exiting.is_set():
            raise Exiting("LeanCode is exiting: no parse")
        if _cannot_start is not None:
            return _run_here(job, args)
        try:
            worker, idle = _idle.get_nowait(), True
        except queue.Empty:
            try:
                worker, idle = _Worker(), False
            except OSError:
                if _workers_cannot_start():
                    continue
                raise
        try:
            return worker.ask(job, args, PARSE_TIMEOUT_SECONDS)
        except ParseFailed as failure:
            # A worker that had waited may have died while idle (killed, or out of memory), and one that dies at
            # once may be one that cannot start here: the file is blamed only when a new worker dies on it, and
            # another new one parses an empty file.
            if _exiting.is_set():  # ended by `_stop_all_workers`: the file is not to blame
                raise Exiting("LeanCode is exiting: parse stopped") from None
            if failure.reason != "parser crashed" or not idle and not _workers_cannot_start():
                raise
        finally:
            if worker.alive and _idle.qsize() <= WORKERS:  # a few wait for the next file; more would idle
                _idle.put(worker)
            elif worker.alive:
                worker.stop()


_cannot_start: str | None = None  # why no worker starts here, once found: files are then parsed in this process


def _workers_cannot_start() -> str | None:
    """None when a new worker parses an empty file; else why not, told once, and files are parsed in this process
    from then on (a broken environment loses the bounds, not the index)."""
    global _cannot_start
    if _cannot_start is None:
        try:
            probe = _Worker()
            probe.ask("parse", ("", "python"), PARSE_TIMEOUT_SECONDS)
            _idle.put(probe)  # a sound worker: the next file's
        except (ParseFailed, OSError) as error:
            _cannot_start = str(error)
            warnings.warn(f"leancode's parse workers cannot start ({error}; see the error above): files are parsed "
                          "in this process, without the workers' bounds of time and memory", stacklevel=2)
    return _cannot_start


def _simplify_here(items: list, method: str, repeat_discount: float, window: int | None) -> list[str]:
    from .simplify import simplified_codes  # imported by the first batch: a worker that only parses never does

    return simplified_codes(items, method, repeat_discount, window)


def _units_here(code: str, language: str) -> tuple[list, list[str]]:
    """`extract_units(code, language)`, and the syntax-error warnings it gave (told again in the caller)."""
    from .units import extract_units_told

    return extract_units_told(code, language)


JOBS = {"parse": parse_here, "simplify": _simplify_here, "units": _units_here}


def _run_here(job: str, args: tuple):
    try:
        return JOBS[job](*args)
    except Exception as error:  # as a worker tells it
        raise RuntimeError(f"{type(error).__name__}: {error}") from error


def _stop_all_workers() -> None:
    """At exit (a Ctrl-C included), end every worker at once: a busy one would hold the exit for its parse, as the
    interpreter waits for the thread reading it, and an idle one would be left unwaited."""
    _exiting.set()
    with _live_lock:
        workers = list(_live)
    for worker in workers:
        worker.stop()


# Before the interpreter joins the threads that wait for workers (concurrent.futures' own exit hook).
getattr(threading, "_register_atexit", atexit.register)(_stop_all_workers)


def start_worker() -> None:
    """Start a worker now (it imports while this process goes on), so that the first parse does not wait for one."""
    _idle.put(_Worker())


def submit(code: str, language: str, declaration_code: str = "") -> Future:
    """Start parsing one file's code (a JavaScript file's with its declaration file's, `declaration_code`); its
    future's result is `parse_units`'."""
    return _threads.submit(_parse_in_worker, code, language, None, declaration_code)


def submit_simplify(items: list[tuple[str, str, float, str | None]], method: str, repeat_discount: float,
                    window: int | None) -> Future:
    """Start simplifying a batch of functions, each (code, language, ratio, importance table directory or None for
    the shipped one); its future's result is their simplified code (`simplify.simplified_codes`), or ParseFailed
    where the batch took longer than PARSE_TIMEOUT_SECONDS or its worker died."""
    return _threads.submit(_answer, "simplify", (items, method, repeat_discount, window))


def parse_units(code: str, language: str) -> dict:
    """`unit_records.parse_units(code, language)` in a worker process; raises ParseFailed when the parse was
    stopped or its worker died, RuntimeError naming the error the parse raised."""
    return _parse_in_worker(code, language)


def _limit(kind: int, soft: int) -> None:
    """Set this worker's soft limit of `kind` to `soft`, never above the user's own (hard) limit; where the platform
    does not enforce `kind` (macOS and the address space), nothing."""
    import resource

    _, hard = resource.getrlimit(kind)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(kind, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _limit_cpu(seconds: float) -> None:
    """Let this worker use `seconds` more of CPU, then be ended by the kernel: a parse left running by a caller that
    is gone (killed, or `os._exit`) ends too."""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    _limit(resource.RLIMIT_CPU, int(used.ru_utime + used.ru_stime + seconds) + 2)


def _serve() -> None:
    """The worker: answer requests on stdin until it closes. Its stdout carries only the replies."""
    import resource
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the caller's to handle: it ends the workers
    _limit(resource.RLIMIT_AS, PARSE_MEMORY_BYTES)
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print goes to stderr, never into a reply
    requests = sys.stdin.buffer
    warnings.simplefilter("ignore")  # the parse's own warnings are in its records
    while header := requests.read(_HEADER.size):
        size, = _HEADER.unpack(header)
        job, args = pickle.loads(requests.read(size))
        _limit_cpu(PARSE_TIMEOUT_SECONDS)
        try:
            reply = ("ok", JOBS[job](*args))
        except Exception as error:  # told to the caller, the worker goes on
            reply = ("error", f"{type(error).__name__}: {error}")
        message = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            replies.write(_HEADER.pack(len(message)) + message)
            replies.flush()
        except BrokenPipeError:  # the caller stopped reading (it exits): no traceback in an editor's output panel
            os._exit(0)


if __name__ == "__main__":
    _serve()
