"""`leancode-server`: the LeanCode language server (stdio by default; `--tcp HOST:PORT` for debugging)."""

from __future__ import annotations

import argparse
import logging
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="leancode-server", description=__doc__)
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead of stdio")
    parser.add_argument("--log-file", help="write the server's log here (default: stderr)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv: debug)")
    args = parser.parse_args(argv)
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)]
    logging.basicConfig(level=level, filename=args.log_file, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from lsprotocol.types import MessageType

    from leancode import parse_pool
    from leancode.messages import show_own_warnings

    from . import framing, preload
    from .server import server

    # LeanCode's warnings (a damaged index being rebuilt, another process updating it) on stderr and in the
    # client's log
    show_own_warnings("leancode-server", also=lambda text: server.log(f"leancode: {text}", MessageType.Warning))

    preload.start()
    parse_pool.start_worker()  # ready for the first hover, whose file is parsed in a worker first
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit():
            parser.error("--tcp needs HOST:PORT")
        framing.start_tcp(server, host or "127.0.0.1", int(port))
    else:
        framing.start_io(server)
    # Serving has ended (exit, end of input or a lost client): leave now rather than wait for worker threads
    # still busy (a summarizer loading, a long hover), which would keep the client waiting on exit.
    logging.shutdown()
    # The writer has flushed and closed stdout. Exit code 0 only after `shutdown`, as the protocol says.
    os._exit(0 if getattr(server.protocol, "_shutdown", False) else 1)


if __name__ == "__main__":
    sys.exit(main())
