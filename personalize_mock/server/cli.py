"""``personalize-mock serve`` (also ``python -m personalize_mock serve``): run the HTTP server.

Prints ``personalize_mock serving on http://HOST:PORT`` once it listens (flushed, so a parent
process can read the port of ``--port 0``), serves until SIGINT or SIGTERM, then stops
(answering the requests in flight first) and, with ``--state-file``, saves the state there.
With ``--state-file`` every request is also journaled before it is answered, so it survives
SIGKILL. docs/server.md has the details.
"""

from __future__ import annotations

import argparse
import logging
import math
import signal
import sys
import threading
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from types import FrameType

from personalize_mock.options import DEFAULT_ACCOUNT_ID, DEFAULT_DURATIONS, DEFAULT_QUOTAS
from personalize_mock.server.defaults import SERVER_DURATIONS, server_options
from personalize_mock.server.httpd import MockServer


def installed_version() -> str:
    """The version of the installed distribution (what ``pip`` and ``pipx`` report)."""
    return metadata.version("personalize_mock")


#: ``--durations`` presets: the table every duration starts from before ``--duration``.
DURATION_PRESETS = {
    "server": SERVER_DURATIONS,
    "in-process": DEFAULT_DURATIONS,
    "instant": {key: 0.0 for key in DEFAULT_DURATIONS},
}


def _pair(value: str, form: str) -> tuple[str, str]:
    key, sep, raw = value.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected {form}, got {value!r}")
    return key, raw


def duration(value: str) -> tuple[str, float]:
    """``KIND=SECONDS`` of ``--duration``, e.g. ``solution_version=60``."""
    key, raw = _pair(value, "KIND=SECONDS")
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds):
        raise argparse.ArgumentTypeError(f"{key}: seconds must be a finite number, got {raw!r}")
    return key, seconds


def quota(value: str) -> tuple[str, int]:
    """``NAME=N`` of ``--quota``, e.g. ``dataset_groups=20``."""
    key, raw = _pair(value, "NAME=N")
    try:
        return key, int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{key}: the quota must be an integer, got {raw!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="personalize-mock", description="personalize_mock: a stateful mock of Amazon Personalize."
    )
    parser.add_argument("--version", action="version", version=f"personalize-mock {installed_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", help="serve the mock over HTTP", description="Serve the mock over HTTP (docs/server.md)."
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, loopback)")
    serve.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default: 0)")
    serve.add_argument(
        "--account-id", default=DEFAULT_ACCOUNT_ID, help=f"account id in ARNs (default: {DEFAULT_ACCOUNT_ID})"
    )
    serve.add_argument(
        "--state-file",
        type=Path,
        help="restore the state from this file if it exists; journal every request beside it "
        "(PATH.journal) before answering, so it survives SIGKILL; save it there on exit and on "
        "POST /_personalize_mock/save (a pickle: use only files you trust)",
    )
    serve.add_argument(
        "--fsync",
        action="store_true",
        help="with --state-file: flush each journal entry to the disk before answering, so "
        "answered requests also survive a power loss (costs a disk flush per request)",
    )
    serve.add_argument(
        "--validate-responses",
        action="store_true",
        help="check every response against botocore's output shape (a mismatch answers 500)",
    )
    serve.add_argument(
        "--require-data",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="training needs interactions data, as on AWS (default); --no-require-data lets "
        "CreateSolutionVersion run on an empty dataset group",
    )
    serve.add_argument(
        "--durations",
        choices=sorted(DURATION_PRESETS),
        default="server",
        help="the simulated durations to start from: 'server' (every non-zero duration at least "
        "10 minutes, the default), 'in-process' (those of mock_personalize()) or 'instant' (every "
        "resource is ACTIVE at once, for the fastest runs)",
    )
    serve.add_argument(
        "--duration",
        type=duration,
        action="append",
        default=[],
        metavar="KIND=SECONDS",
        help="simulated seconds a kind of work takes, over the --durations table; repeatable "
        "(e.g. --duration solution_version=60); kinds: " + ", ".join(sorted(DEFAULT_DURATIONS)),
    )
    serve.add_argument(
        "--quota",
        type=quota,
        action="append",
        default=[],
        metavar="NAME=N",
        help="a service quota; repeatable (e.g. --quota dataset_groups=20); names: "
        + ", ".join(sorted(DEFAULT_QUOTAS)),
    )
    serve.add_argument(
        "--log-level",
        default="WARNING",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        help="level of the server log on stderr; DEBUG logs every request with its operation "
        "and outcome (OK or the error code) (default: WARNING)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``personalize-mock`` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    return serve(args)


def serve(args: argparse.Namespace) -> int:
    """Run the server until SIGINT or SIGTERM; the exit status."""
    restoring = args.state_file is not None and args.state_file.exists()
    try:
        durations = dict(DURATION_PRESETS[args.durations])
        durations.update(args.duration)
        options = server_options(
            account_id=args.account_id,
            validate_responses=args.validate_responses,
            require_data=args.require_data,
            durations=durations,
            quotas=dict(args.quota),
        )
        server = MockServer(
            args.host, args.port, options=options, state_file=args.state_file, fsync=args.fsync
        )
    except (ValueError, OverflowError, OSError) as error:  # SnapshotError is a ValueError
        print(f"personalize-mock: error: {error}", file=sys.stderr)
        return 2
    if restoring:
        print(f"personalize_mock restored the state saved in {args.state_file}", file=sys.stderr)
    if server.app.replayed:
        print(
            f"personalize_mock replayed {server.app.replayed} journaled requests "
            "(the server was not stopped cleanly)",
            file=sys.stderr,
        )
    stopping = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    # The handlers stay installed until the server has stopped: a second Ctrl-C while it
    # drains and saves is ignored rather than breaking off the save.
    previous = {each: signal.signal(each, request_stop) for each in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.start()
        print(f"personalize_mock serving on {server.url}", flush=True)
        while not stopping.wait(0.5):
            pass
    finally:
        server.stop()
        for each, handler in previous.items():
            signal.signal(each, handler)
    if args.state_file is not None:
        print(f"personalize_mock saved the state to {args.state_file}", file=sys.stderr)
    print("personalize_mock stopped", file=sys.stderr, flush=True)
    return 0
