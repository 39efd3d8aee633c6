"""The socket side: a stdlib ``ThreadingHTTPServer`` in front of :class:`ServerApp`.

One thread per connection; HTTP/1.1 keep-alive (SDKs pool connections). Every response has
a ``Content-Length``. Concurrent requests meet at :meth:`MockState.dispatch`'s lock (and the
control API's).

Anything that is not a well-formed HTTP/1.x request gets an AWS-shaped JSON error, never
``http.server``'s HTML page, and its connection is closed: a garbage request line (400
``SerializationException``), a TLS handshake sent to this plain-HTTP port (400, said at once
rather than waiting for a line end the handshake never sends), NUL or control bytes (400), a
request line or header block too long (414, 431), another HTTP version (505
``HttpVersionNotSupported``), an unknown method (501 ``NotImplemented``), a body that cannot
be read (bad ``Content-Length``, broken chunked encoding: 400). The connection is closed
cleanly: the response is sent, then the write side is shut and what the client still sends
is read and dropped for a moment (:data:`LINGER_SECONDS`), since closing a socket with unread
input resets the connection, which can destroy the response before the client reads it.

Stopping (:meth:`MockServer.stop`) drains: the listening socket is closed, connections
waiting for their next request are shut, requests in flight are answered (with
``Connection: close``), and only when every connection thread has ended is the state saved,
so no answered request is missing from the saved state.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import socket
import threading
import time
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast

from personalize_mock.options import MockOptions
from personalize_mock.server.app import ServerApp
from personalize_mock.server.replies import Response, aws_error

logger = logging.getLogger("personalize_mock.server")

#: Idle keep-alive connections are closed after this many seconds without a request.
IDLE_TIMEOUT = 120.0
#: The largest request body read (the biggest Personalize input is far smaller).
MAX_BODY = 16 * 1024 * 1024
#: The longest request line read, as ``http.server`` (its header lines have the same limit).
MAX_LINE = 65536
#: How long :meth:`MockServer.stop` waits for requests in flight before cutting them off.
DRAIN_SECONDS = 10.0
#: After an error response, how long the client's remaining input is read and dropped, and
#: how much of it at most (enough for a client still sending a body over the limit).
LINGER_SECONDS = 2.0
_LINGER_BYTES = 4 * MAX_BODY

#: ``method SP request-target SP HTTP/x.y CRLF`` (RFC 9112 §3): the method a token, the
#: target visible characters (obs-text allowed), no control bytes anywhere.
_REQUEST_LINE = re.compile(rb"([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([^\x00-\x20\x7f]+) HTTP/(\d)\.(\d)\r?\n")
_VERSIONED = re.compile(rb"\S+ \S+ (HTTP/\d+\.\d+)\r?\n")
#: What a request may start with: a method's first character, or an empty line (ignored).
_REQUEST_START = frozenset(
    b"!#$%&'*+.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-\r\n"
)
_TLS_HANDSHAKE = 0x16
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

#: ``__type`` of the errors the HTTP layer answers itself, by status.
_PROTOCOL_ERRORS = {
    HTTPStatus.NOT_IMPLEMENTED: "NotImplemented",
    HTTPStatus.HTTP_VERSION_NOT_SUPPORTED: "HttpVersionNotSupported",
}


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
    #: Read and drop the client's input before closing (set by error responses).
    _linger = False
    #: Set by a draining server when it shut this connection while it waited for a request.
    cut_off = False

    def handle(self) -> None:
        """Requests one after the other until one closes the connection or the server drains."""
        self.close_connection = not self.server.opened(self)
        while not self.close_connection and self.server.await_request(self):
            self.handle_one_request()

    def handle_one_request(self) -> None:
        """Read one request and answer it (``http.server``'s own, with every error as AWS JSON)."""
        # The stdlib version sends http.server's HTML errors, answers a request line without
        # a version as HTTP/0.9 (a bare body, no status line), waits for a line end after a
        # TLS handshake, and lets a connection reset escape to the server's error printer.
        try:
            # rfile is a BufferedReader (StreamRequestHandler.rbufsize is -1): it can peek.
            first = cast(io.BufferedReader, self.rfile).peek(1)[:1]
            # Not `first` is end of file: the client closed the connection. Not busy(): the
            # server drains and shut this connection while it waited, maybe in the middle of
            # this request's arrival; close it unanswered (an SDK retries), never answer a
            # request cut short as if the client had sent it so.
            if not first or not self.server.busy(self):
                self.close_connection = True
                return
            if first[0] not in _REQUEST_START:
                self.raw_requestline = first
                self._refuse(HTTPStatus.BAD_REQUEST, _not_http(first[0]))
                return
            line = self.rfile.readline(MAX_LINE + 1)
            if line in (b"\r\n", b"\n"):  # RFC 9112 §2.2: ignore an empty line before a request
                return
            self.raw_requestline = line
            problem = _request_line_problem(line)
            if problem is not None:
                self._refuse(*problem)
                return
            if not self.parse_request():  # the headers; its errors went through send_error
                return
            malformed = _headers_problem(self.headers)
            if malformed is not None:
                self._refuse(HTTPStatus.BAD_REQUEST, malformed)
                return
            method = getattr(self, f"do_{self.command}", None)
            if method is None:
                self.send_error(HTTPStatus.NOT_IMPLEMENTED, f"Unsupported method {self.command!r}")
                return
            method()
        except OSError as error:  # a timeout, or the client reset the connection
            logger.info("%s: connection dropped: %r", self.address_string(), error)
            self.close_connection = True

    def _refuse(self, status: HTTPStatus, message: str) -> None:
        """Answer a request that is not well-formed HTTP/1.x, before its request line was parsed."""
        self.requestline = repr(self.raw_requestline[:100])  # for the log
        self.command = ""
        self.send_error(status, message)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """An error of the HTTP layer, as AWS JSON; the connection is closed after it."""
        # http.server calls it for request lines and headers it cannot parse; it would write
        # an HTML page, with no status line while the request's version is not known yet.
        self.request_version = "HTTP/1.1"
        status = HTTPStatus(code)
        text = message or status.phrase
        if explain:
            text = f"{text}: {explain}"
        self.log_message("code %d, %s", code, text)
        error_type = _PROTOCOL_ERRORS.get(status, "SerializationException")
        self._linger = True  # part of the request may be unread
        self._send(aws_error(self._protocol(), code, error_type, text, close=True))

    def _protocol(self) -> str:
        headers = getattr(self, "headers", None)
        return "json" if headers is not None and headers.get("X-Amz-Target") else "rest-json"

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_POST

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except _BadBody as error:
            self._linger = True
            response = aws_error(self._protocol(), 400, "SerializationException", str(error), close=True)
        else:
            response = self.server.app.handle(self.command, self.path, self.headers, body)
        self._send(response)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths:
            return b""
        declared = lengths[0]
        if any(other.strip() != declared.strip() for other in lengths):
            raise _BadBody(f"The request has {len(lengths)} different Content-Length headers.")
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
        self._note = response.note  # for log_request, which send_response calls
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        # close_connection is already set when the client asked to close (HTTP/1.1
        # "Connection: close", or HTTP/1.0): say so, as HTTP/1.1 requires (RFC 9112 §9.6).
        # A draining server closes every connection after the response in flight.
        if response.close or self.close_connection or self.server.draining:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        self.wfile.flush()

    def finish(self) -> None:
        try:
            super().finish()
            if self._linger:
                self._linger_close()
        finally:
            self.server.closed(self)

    def _linger_close(self) -> None:
        """Send FIN, then read and drop what the client still sends, for a moment.

        Closing a socket whose input was not all read makes the kernel answer with a reset: a
        client still sending its request (a body over the limit, answered before it was read)
        then fails with a broken pipe and never reads the error response.
        """
        connection = self.connection
        deadline = time.monotonic() + LINGER_SECONDS
        dropped = 0
        # A draining server shuts the connection's read side, ending the lingering at once.
        if not self.server.await_request(self):
            return
        try:
            connection.shutdown(socket.SHUT_WR)
            while dropped < _LINGER_BYTES:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                connection.settimeout(remaining)
                chunk = connection.recv(65536)
                if not chunk:
                    break
                dropped += len(chunk)
        except OSError:  # the client reset the connection, or lingering timed out
            pass

    #: What the access log says of the response being sent: ``personalize.DescribeSolution OK``,
    #: ``personalize.DescribeSolution ResourceNotFoundException``, ``control fail_next``.
    _note = ""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug('%s "%s" %s %s', self.address_string(), self.requestline, code, self._note or "-")

    def log_message(self, format: str, *args: Any) -> None:
        # Protocol-level problems (bad request lines, timeouts) only; never printed to stderr.
        logger.info("%s %s", self.address_string(), format % args)


def _not_http(first: int) -> str:
    if first == _TLS_HANDSHAKE:
        return (
            "The server speaks plain HTTP and received a TLS handshake: "
            "use an http:// endpoint URL, not https://."
        )
    return f"The request does not start with an HTTP method (its first byte is 0x{first:02x})."


def _request_line_problem(line: bytes) -> tuple[HTTPStatus, str] | None:
    """Why ``line`` is not a request line this server answers, or ``None``."""
    if _REQUEST_LINE.fullmatch(line):
        major = line.rsplit(b"HTTP/", 1)[1][:1]
        if major == b"1":
            return None
        version = line.rsplit(b" ", 1)[1].strip().decode("ascii")
        return HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, _unsupported(version)
    if len(line) > MAX_LINE:
        return HTTPStatus.REQUEST_URI_TOO_LONG, f"The request line is longer than {MAX_LINE} bytes."
    if b"\x00" in line:
        return HTTPStatus.BAD_REQUEST, "The request line contains a NUL byte."
    versioned = _VERSIONED.fullmatch(line)
    if versioned is None and len(line.split()) == 2:
        return HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, _unsupported("HTTP/0.9")
    if versioned is not None and not versioned.group(1).startswith(b"HTTP/1."):
        return HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, _unsupported(versioned.group(1).decode("ascii"))
    shown = line[:100].rstrip(b"\r\n").decode("latin-1")
    return HTTPStatus.BAD_REQUEST, f"Malformed request line {shown!r}."


def _unsupported(version: str) -> str:
    return f"{version} is not supported: the server speaks HTTP/1.1."


def _headers_problem(headers: Message) -> str | None:
    """Why the parsed header fields are not valid HTTP, or ``None``."""
    # The email parser behind http.server stops at a line that is no header field and keeps
    # the rest (the remaining headers, Content-Length among them) as a "payload": a defect.
    if headers.defects:
        return "A header line is malformed (no 'name: value')."
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name):
            return f"Malformed header name {name[:100]!r}."
        if _CONTROL.search(value):
            return f"The header {name} contains a control byte."
    return None


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], app: ServerApp) -> None:
        self.app = app
        self.address_family = address_family(address[0])
        #: Set by :meth:`drain`: connections close after the response in flight.
        self.draining = False
        self._guard = threading.Condition()
        self._open: set[_RequestHandler] = set()
        #: Connections waiting for their next request (or lingering after an error).
        self._idle: set[_RequestHandler] = set()
        super().__init__(address, _RequestHandler)

    def opened(self, handler: _RequestHandler) -> bool:
        """A connection starts; ``False`` if the server drains (it is closed unanswered)."""
        with self._guard:
            if self.draining:
                return False
            self._open.add(handler)
            return True

    def await_request(self, handler: _RequestHandler) -> bool:
        """``handler`` waits for its next request; ``False`` if the server drains."""
        with self._guard:
            if self.draining:
                return False
            self._idle.add(handler)
            return True

    def busy(self, handler: _RequestHandler) -> bool:
        """``handler`` received the start of a request: draining waits for its answer.

        ``False`` if draining shut the connection first: the request must not be served.
        """
        with self._guard:
            if handler.cut_off:
                return False
            self._idle.discard(handler)
            return True

    def closed(self, handler: _RequestHandler) -> None:
        with self._guard:
            self._open.discard(handler)
            self._idle.discard(handler)
            self._guard.notify_all()

    def drain(self, timeout: float) -> int:
        """Close idle connections, let busy ones answer, wait until all have ended.

        Connections still busy after ``timeout`` are cut off (their requests go unanswered).
        Returns how many were cut off. Call it once no new connection is accepted.
        """
        with self._guard:
            self.draining = True
            for handler in self._idle:
                # Wakes the thread blocked reading the next request: it reads end-of-file.
                handler.cut_off = True
                _shut(handler.connection, socket.SHUT_RD)
            if self._guard.wait_for(lambda: not self._open, timeout):
                return 0
            stuck = len(self._open)
            logger.warning("cutting off %d connections still busy after %.0f s", stuck, timeout)
            for handler in self._open:
                _shut(handler.connection, socket.SHUT_RDWR)
            self._guard.wait_for(lambda: not self._open, 1.0)
            return stuck


def _shut(connection: socket.socket, how: int) -> None:
    with contextlib.suppress(OSError):  # already closed by the client
        connection.shutdown(how)


def address_family(host: str) -> socket.AddressFamily:
    """IPv6 for a literal IPv6 address (``::1``), else IPv4 (names resolve to IPv4 here)."""
    return socket.AF_INET6 if ":" in host else socket.AF_INET


class MockServer:
    """personalize_mock behind ``http://host:port``; a context manager that runs it in a thread.

    ``port=0`` takes a free port (see :attr:`url`). With ``state_file``, the state kept there
    is restored when the file exists, every request is journaled before it is answered (it
    survives the process being killed), and :meth:`stop` saves the state there; ``fsync``
    also flushes each journal entry to the disk.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        options: MockOptions | None = None,
        state_file: str | os.PathLike[str] | None = None,
        fsync: bool = False,
        app: ServerApp | None = None,
    ) -> None:
        self.app = app if app is not None else ServerApp.create(options, state_file, fsync=fsync)
        try:
            self._httpd = _HTTPServer((host, port), self.app)
        except BaseException:
            if app is None:  # ours: close its journal (the caller's app is the caller's)
                self.app.close(save=False)
            raise
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
            kwargs={"poll_interval": 0.05},
            name=f"personalize_mock server {self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self, *, save: bool = True) -> None:
        """Stop: accept nothing more, answer the requests in flight, close every connection,
        then (with a state file, unless ``save=False``) save the state.

        Every request answered is in the saved state; one arriving later is refused. With
        ``save=False`` the journal is kept instead, and the next start replays it.
        """
        if self._stopped:
            return
        self._stopped = True
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()
        self._httpd.drain(DRAIN_SECONDS)
        self.app.close(save=save)

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
