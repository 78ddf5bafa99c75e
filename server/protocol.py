"""The JSON-RPC layer: every request that cannot be handled gets an error response.

A stock pygls 2.1 server answers a request whose params fail to deserialize with no
response at all (only a `window/showMessage`), so the client waits forever. Here such
a request becomes an `InvalidParams` (-32602) error response; a request without a
method, or of another JSON-RPC version, an `InvalidRequest` (-32600) one; a request
after `shutdown`, or a second `initialize`, also gets -32600, and one before `initialize`
ServerNotInitialized (-32002); a message may leave out its params (an unknown method then
gets MethodNotFound, -32601); a body that is not JSON a `ParseError` (-32700) with a null
id, as JSON-RPC 2.0 says.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import attrs
from lsprotocol import types
from lsprotocol.types import ResponseError
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol

logger = logging.getLogger(__name__)

INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
SERVER_NOT_INITIALIZED = -32002
PARSE_ERROR = -32700


@attrs.define
class UnreadableChange:
    """A `textDocument/didChange` that could not be read: the server forgets that buffer rather than apply the
    edits after it at the wrong places (`LeanCodeServer.unsynced`)."""

    uri: str
    reason: str


@attrs.define
class RejectedRequest:
    """A request that could not be read: answered with `error`, never handled."""

    id: Any
    method: str | None
    error: ResponseError
    jsonrpc: str = "2.0"


def strict_converter():
    """lsprotocol's converter, except that it no longer coerces scalars (cattrs turns 5 into "5" for a
    string field and "5" into 5 for an integer one): a value of the wrong type is invalid params."""
    from pygls.protocol import default_converter

    converter = default_converter()

    def exact(kind: type, accepts: tuple[type, ...]):
        def structure(value: Any, _: type) -> Any:
            if type(value) not in accepts:
                raise TypeError(f"expected {kind.__name__}, got {type(value).__name__} {value!r:.40}")
            return kind(value)
        return structure

    converter.register_structure_hook(str, exact(str, (str,)))
    converter.register_structure_hook(int, exact(int, (int,)))
    converter.register_structure_hook(float, exact(float, (int, float)))
    converter.register_structure_hook(bool, exact(bool, (bool,)))
    # nor a JSON object into a list of its keys: `"arguments": {"query": "q"}` ran a search for "query"
    command_params = converter.get_structure_hook(types.ExecuteCommandParams)

    def execute_command(value: Any, kind: type) -> Any:
        if isinstance(value, dict) and not isinstance(value.get("arguments", []), (list, type(None))):
            raise TypeError(f"arguments must be an array, got {type(value['arguments']).__name__}")
        return command_params(value, kind)

    converter.register_structure_hook(types.ExecuteCommandParams, execute_command)
    return converter


def _document_uri(data: dict) -> Any:
    """The `params.textDocument.uri` of a message, whatever else is wrong with it (None where there is none)."""
    params = data.get("params")
    document = params.get("textDocument") if isinstance(params, dict) else None
    return document.get("uri") if isinstance(document, dict) else None


def _valid_id(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


class LeanCodeProtocol(LanguageServerProtocol):
    _initialize_seen = False  # a second `initialize` is an invalid request

    def structure_message(self, data: dict[str, Any]):
        if not isinstance(data, dict) or "jsonrpc" not in data:
            return data
        is_request = "id" in data and "result" not in data and "error" not in data
        if is_request and not isinstance(data.get("method"), str):
            return RejectedRequest(data["id"] if _valid_id(data["id"]) else None, None,
                                   ResponseError(INVALID_REQUEST, "a request needs a method (string)"))
        if is_request and data.get("jsonrpc") != self.VERSION:
            return RejectedRequest(data["id"] if _valid_id(data["id"]) else None, data.get("method"),
                                   ResponseError(INVALID_REQUEST, 'jsonrpc must be "2.0"'))
        if is_request and not _valid_id(data["id"]):
            return RejectedRequest(None, data["method"],
                                   ResponseError(INVALID_REQUEST, "a request id must be a string or an integer"))
        if "method" in data and "params" not in data:  # JSON-RPC lets a message leave out its params
            data = {**data, "params": None}
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            reason = error.__cause__ or error
            if not is_request:
                if data.get("method") == "textDocument/didChange" and isinstance(uri := _document_uri(data), str):
                    return UnreadableChange(uri, unreadable_params(reason))
                raise  # another notification, or a response: nobody to answer (logged by pygls)
            message = f"invalid params for {data['method']}: {unreadable_params(reason)}"
            return RejectedRequest(data["id"], data["method"], ResponseError(INVALID_PARAMS, message))

    def handle_message(self, message):
        if isinstance(message, UnreadableChange):
            self._server.unsynced(message.uri, message.reason)
            return
        if isinstance(message, RejectedRequest):
            logger.warning("rejected request %r (%s): %s", message.id, message.method, message.error.message)
            self._send_response(message.id, None, message.error)
            return
        if isinstance(message, dict) or not hasattr(message, "jsonrpc"):  # no "jsonrpc", or not an object
            msg_id = message.get("id") if isinstance(message, dict) else None
            self._send_response(msg_id if _valid_id(msg_id) else None, None,
                                ResponseError(INVALID_REQUEST, "not a JSON-RPC 2.0 message"))
            return
        is_request = hasattr(message, "method") and hasattr(message, "id")
        if is_request and getattr(message, "jsonrpc", None) != self.VERSION:
            self._send_response(message.id, None, ResponseError(INVALID_REQUEST, "jsonrpc must be \"2.0\""))
            return
        if is_request and self._shutdown and message.method != "exit":
            self._send_response(message.id, None, ResponseError(INVALID_REQUEST, "the server is shutting down"))
            return
        if is_request and message.method == "initialize":
            if self._initialize_seen:
                self._send_response(message.id, None, ResponseError(INVALID_REQUEST, "the server is initialized"))
                return
            self._initialize_seen = True
        elif not self._initialize_seen and hasattr(message, "method") and message.method != "exit":
            # Before `initialize` the protocol answers requests with ServerNotInitialized and drops notifications.
            if is_request:
                self._send_response(message.id, None,
                                    ResponseError(SERVER_NOT_INITIALIZED, "the server is not initialized yet"))
            return
        if is_request and message.method == types.TEXT_DOCUMENT_HOVER:
            self._server.note_received(message.params)  # before the edits that follow it are applied
        super().handle_message(message)

    def reply_parse_error(self, error: Exception) -> None:
        """A body that is not JSON: the id cannot be known, so the error goes with id null."""
        self._send_response(None, None, ResponseError(PARSE_ERROR, f"parse error: {error}"))

    def _send_response(self, msg_id, result=None, error: ResponseError | None = None):
        if msg_id is None and error is not None:  # lsprotocol's converter would drop `"id": null`
            self._send_data({"jsonrpc": self.VERSION, "id": None,
                             "error": {"code": error.code, "message": error.message}})
            return
        super()._send_response(msg_id, result, error)


def unreadable_params(error: BaseException) -> str:
    """What is wrong with a message's params, in one line (`invalid value @ $.params.position`)."""
    from cattrs.errors import ClassValidationError

    if isinstance(error, ClassValidationError):
        try:
            from cattrs import transform_error

            return "; ".join(transform_error(error))[:500]
        except Exception:
            pass
    return (str(error).splitlines() or [type(error).__name__])[0][:500]


def answered(error: BaseException | None) -> bool:
    """An error a handler raised on purpose as its answer (a JSON-RPC error: invalid params, content modified),
    possibly wrapped by pygls: no fault of the server's, so no traceback in its log."""
    while error is not None:
        if isinstance(error, JsonRpcException):
            return True
        error = error.__cause__ or error.__context__
    return False


class _AnsweredErrors(logging.Filter):
    """Keeps pygls from logging a traceback at ERROR for each error answered on purpose, and for each message whose
    params do not validate (`structure_message` answers or handles it; `framing.serve` logs it in one line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        unreadable = str(record.msg).startswith("Unable to deserialize message") \
            and "cattrs.errors.ClassValidationError" in record.getMessage()  # pygls writes the traceback in the text
        return not (record.exc_info and answered(record.exc_info[1]) or unreadable)


logging.getLogger("pygls.protocol.json_rpc").addFilter(_AnsweredErrors())


def is_parse_error(error: Exception) -> bool:
    # RecursionError: a message nested too deeply for the JSON decoder (thousands of brackets)
    return isinstance(error, (json.JSONDecodeError, UnicodeDecodeError, RecursionError))
