"""A raw-bytes client for the real `leancode-server` subprocess: send any frame, read the answers.

pytest-lsp's client only sends well-formed frames; these tests need broken ones.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time


class RawServer:
    def __init__(self, root=None, cwd=None, options=None, capabilities=None, initialize=True):
        self.process = subprocess.Popen([sys.executable, "-m", "leancode.server"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
        self.messages: queue.Queue = queue.Queue()
        self.passed: list[dict] = []  # messages read while waiting for another
        self.stderr: list[bytes] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.process.stderr), daemon=True).start()
        if initialize:
            self.initialize(root, options, capabilities)

    def __enter__(self) -> "RawServer":
        return self

    def __exit__(self, *exc) -> None:
        self.process.kill()  # a test that wants a clean exit asserts `close() == 0` before this

    def initialize(self, root=None, options=None, capabilities=None) -> None:
        self.request(0, "initialize", {"processId": None, "capabilities": capabilities or {},
                                       "initializationOptions": options,
                                       "rootUri": root.as_uri() if root else None,
                                       "workspaceFolders": [{"uri": root.as_uri(), "name": "ws"}] if root else None})
        self.send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))

    def _read(self) -> None:
        out = self.process.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                if line in (b"\r\n", b"\n"):
                    break
            self.messages.put(json.loads(out.read(length)))

    def send(self, data: bytes) -> None:
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def answer(self, msg_id, timeout: float = 30) -> dict:
        """The response to request `msg_id` (other messages go to `passed`); TimeoutError when none comes."""
        def wanted(message: dict) -> bool:
            return message.get("id") == msg_id and "method" not in message

        for message in self.passed:  # set aside while waiting for another
            if wanted(message):
                self.passed.remove(message)
                return message
        return self._first(wanted, timeout, f"request {msg_id!r}")

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        """The first message from the server of `method` (a notification), passed over before or coming now."""
        for message in self.passed:
            if message.get("method") == method:
                self.passed.remove(message)
                return message
        return self._first(lambda m: m.get("method") == method, timeout, method)

    def logged_until_indexed(self, timeout: float = 120) -> list[dict]:
        """The server's window/logMessage params up to its "indexed" line (an index finished)."""
        logged = [self.wait_for("window/logMessage", timeout)["params"]]
        while not logged[-1]["message"].startswith("leancode: indexed"):
            logged.append(self.wait_for("window/logMessage", timeout)["params"])
        return logged

    def _first(self, wanted, timeout: float, what: str) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if wanted(message):
                return message
            self.passed.append(message)
        raise TimeoutError(f"no {what}")

    def request(self, msg_id, method: str, params, timeout: float = 30) -> dict:
        self.send(frame({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}))
        return self.answer(msg_id, timeout)

    def alive(self, msg_id) -> bool:
        """The server still answers a request (an unknown method: a quick error response)."""
        return "error" in self.request(msg_id, "leancode/ping", {}, timeout=20)

    def close(self, timeout: float = 60) -> int:
        """shutdown, exit: the process must end on its own."""
        try:
            self.request("bye", "shutdown", None, timeout=timeout)
            self.send(frame({"jsonrpc": "2.0", "method": "exit"}))
            self.process.stdin.close()
        except (OSError, TimeoutError):
            pass
        try:
            return self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()


def frame(message: dict | str | bytes) -> bytes:
    body = message if isinstance(message, bytes) else \
        (message if isinstance(message, str) else json.dumps(message)).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body
