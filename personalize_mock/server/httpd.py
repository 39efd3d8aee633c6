"""The socket side: a stdlib ``ThreadingHTTPServer`` in front of :class:`ServerApp`.

One thread per connection; HTTP/1.1 keep-alive (SDKs pool connections). Every response has
a ``Content-Length``; a request whose body cannot be read (bad ``Content-Length``, broken
chunked encoding) is answered 400 and its connection closed, so no client is left waiting.
Concurrent requests meet at :meth:`MockState.dispatch`'s lock (and the control API's).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from personalize_mock.options import MockOptions
from personalize_mock.server.app import ServerApp
from personalize_mock.server.replies import Response, aws_error

logger = logging.getLogger("personalize_mock.server")

#: Idle keep-alive connections are closed after this many seconds without a request.
IDLE_TIMEOUT = 120.0
#: The largest request body read (the biggest Personalize input is far smaller).
MAX_BODY = 16 * 1024 * 1024


class _BadBody(ValueError):
    pass


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # TCP_NODELAY: a response goes out in two writes (headers, then body); with Nagle's
    # algorithm the body waits for the ACK of the headers, which a keep-alive client delays
    # by ~40 ms, so every request on a reused connection took 40+ ms instead of < 1 ms.
    disable_nagle_algorithm = True
    server_version = "personalize_mock"
    timeout = IDLE_TIMEOUT
    server: _HTTPServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_POST

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except _BadBody as error:
            target = "json" if self.headers.get("X-Amz-Target") else "rest-json"
            response = aws_error(target, 400, "SerializationException", str(error), close=True)
        else:
            response = self.server.app.handle(self.command, self.path, self.headers, body)
        self._send(response)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        declared = self.headers.get("Content-Length")
        if declared is None:
            return b""
        try:
            length = int(declared)
        except ValueError:
            raise _BadBody(f"Content-Length {declared!r} is not a number.") from None
        if not 0 <= length <= MAX_BODY:
            raise _BadBody(f"Content-Length {length} is outside 0..{MAX_BODY}.")
        body = self.rfile.read(length)
        if len(body) != length:
            raise _BadBody(f"The body ended after {len(body)} of {length} bytes.")
        return body

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _BadBody("Malformed chunked encoding.") from None
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailers
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                raise _BadBody(f"The body is larger than {MAX_BODY} bytes.")
            chunk = self.rfile.read(size)
            if len(chunk) != size:
                raise _BadBody("The chunked body ended early.")
            chunks.append(chunk)
            self.rfile.readline(1024)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        # close_connection is already set when the client asked to close (HTTP/1.1
        # "Connection: close", or HTTP/1.0): say so, as HTTP/1.1 requires (RFC 9112 §9.6).
        if response.close or self.close_connection:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        self.wfile.flush()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        logger.debug('%s "%s" %s', self.address_string(), self.requestline, code)

    def log_message(self, format: str, *args: Any) -> None:
        # Protocol-level problems (bad request lines, timeouts) only; never printed to stderr.
        logger.info("%s %s", self.address_string(), format % args)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], app: ServerApp) -> None:
        self.app = app
        self.address_family = address_family(address[0])
        super().__init__(address, _RequestHandler)


def address_family(host: str) -> socket.AddressFamily:
    """IPv6 for a literal IPv6 address (``::1``), else IPv4 (names resolve to IPv4 here)."""
    return socket.AF_INET6 if ":" in host else socket.AF_INET


class MockServer:
    """personalize_mock behind ``http://host:port``; a context manager that runs it in a thread.

    ``port=0`` takes a free port (see :attr:`url`). With ``state_file``, the state saved there
    is restored when the file exists, and :meth:`stop` saves the state there.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        options: MockOptions | None = None,
        state_file: str | os.PathLike[str] | None = None,
        app: ServerApp | None = None,
    ) -> None:
        self.app = app if app is not None else ServerApp.create(options, state_file)
        self._httpd = _HTTPServer((host, port), self.app)
        self._thread: threading.Thread | None = None
        self._stopped = False

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The endpoint to give SDKs (``endpoint_url=`` / ``--endpoint-url``)."""
        host = str(self._httpd.server_address[0])
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}"

    def start(self) -> MockServer:
        """Serve in a daemon thread; returns ``self``."""
        if self._thread is not None:
            raise RuntimeError("the server is already running")
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"personalize_mock server {self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self, *, save: bool = True) -> None:
        """Stop serving, close the socket and (with a state file, unless ``save=False``) save."""
        if self._stopped:
            return
        self._stopped = True
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()
        if save and self.app.state_file is not None:
            self.app.save()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
