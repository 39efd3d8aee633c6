"""S3 objects the mock can read and write in process: only while moto answers S3.

The mock never reaches the network. When moto's ``mock_aws`` is active, S3 lives in this
process too, so an import job can read its CSV files and a batch job can write its output
through an ordinary boto3 S3 client (moto answers it at botocore's ``before-send``). When
moto is not active, nothing is read or written: callers treat the data as *opaque*.

moto is detected without importing it: ``moto.core.models`` is looked up in
``sys.modules``, and its ``botocore_stubber.enabled`` flag (moto 4 and 5) tells whether a
``mock_aws`` is active. Our client's HTTP session is replaced by one that refuses to send,
so a request moto did not answer (a custom S3 endpoint, a URL moto does not know) still
stays in the process; the object is then treated as unreadable.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

#: What a location's reading produced: (location of each object, its bytes), in key order.
Objects = list[tuple[str, bytes]]

_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NoSuchBucket", "404", "NotFound"})
_CREDENTIAL_VARIABLES = {
    "aws_access_key_id": "AWS_ACCESS_KEY_ID",
    "aws_secret_access_key": "AWS_SECRET_ACCESS_KEY",
    "aws_session_token": "AWS_SESSION_TOKEN",
}

_session_lock = threading.Lock()
_session: Any = None


class Unreadable(Exception):
    """The location cannot be reached in process (moto is off, or did not answer)."""


class NotFound(Exception):
    """moto answers S3 but the bucket, the object, or any object under the prefix is missing."""


class _WouldSend(Exception):
    """Raised instead of sending: nothing answered the request in process."""


class _NoNetwork:
    """Stands in for botocore's HTTP session: reached only when moto did not answer."""

    def send(self, request: Any) -> Any:
        raise _WouldSend(getattr(request, "url", ""))

    def close(self) -> None:
        return None


def moto_active() -> bool:
    """Whether a moto ``mock_aws`` is active in this process (without importing moto)."""
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


def split_s3_url(location: str) -> tuple[str, str]:
    """``s3://bucket/key`` as (bucket, key); the key may be empty or a prefix."""
    rest = location[len("s3://") :] if location.startswith("s3://") else location
    bucket, _, key = rest.partition("/")
    return bucket, key


def _boto3_session() -> Any:
    # One session per process keeps its loaded S3 model (a fresh session costs ~100 ms, a
    # client of this one ~10 ms). It is created only once moto is imported, so it carries
    # moto's before-send handler like every session made after that import.
    global _session
    with _session_lock:
        if _session is None:
            import boto3

            _session = boto3.session.Session()
        return _session


def s3_client(region: str) -> Any:
    """A boto3 S3 client answered by moto, or ``None`` when moto is not active.

    Credentials are those of the environment at call time (moto maps them to its account),
    retries are off (a retry would sleep, and sleeping moves the simulated clock), and the
    client's HTTP session refuses to send, so nothing moto does not answer leaves the process.
    """
    if not moto_active():
        return None
    from botocore.config import Config

    credentials = {
        argument: os.environ[variable]
        for argument, variable in _CREDENTIAL_VARIABLES.items()
        if os.environ.get(variable)
    }
    # Checksums only where an operation requires them: by default botocore sends a PutObject
    # body aws-chunked with a CRC trailer, which botocore builds and moto decodes in Python at
    # about 15 ms per MB each way (a batch job's 70 MB output took 2.9 s to put).
    config = Config(
        retries={"total_max_attempts": 1},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    client = _boto3_session().client("s3", region_name=region, config=config, **credentials)
    endpoint = getattr(client, "_endpoint", None)
    if endpoint is None or not hasattr(endpoint, "http_session"):
        return None  # botocore changed: better not read at all than risk a real request
    endpoint.http_session = _NoNetwork()
    return client


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _keys_under(client: Any, bucket: str, prefix: str) -> Iterator[str]:
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for entry in page.get("Contents", ()):
            yield entry["Key"]


def read_objects(
    region: str, location: str, *, suffix: str | None = None, folder_fallback: bool = False
) -> Objects:
    """The objects at ``location``: one object, or every object under a prefix ending in ``/``.

    Under a prefix only keys ending in ``suffix`` (case-insensitive) are read, if given. With
    ``folder_fallback``, a location without the trailing ``/`` that names no object is read as
    the folder ``location + "/"`` when that holds objects. Raises :class:`Unreadable` when moto
    is not active or did not answer, and :class:`NotFound` when the bucket or object is missing
    or the prefix holds nothing.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    client = s3_client(region)
    if client is None:
        raise Unreadable(location)
    bucket, key = split_s3_url(location)
    try:
        if key and not key.endswith("/"):
            try:
                body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
            except ClientError as error:
                if not (folder_fallback and _error_code(error) == "NoSuchKey"):
                    raise
                key += "/"
            else:
                return [(location, body)]
        keys = [
            found
            for found in _keys_under(client, bucket, key)
            if not found.endswith("/") and (suffix is None or found.lower().endswith(suffix))
        ]
        if not keys:
            raise NotFound(location)
        return [
            (f"s3://{bucket}/{found}", client.get_object(Bucket=bucket, Key=found)["Body"].read())
            for found in sorted(keys)
        ]
    except ClientError as error:
        if _error_code(error) in _NOT_FOUND_CODES:
            raise NotFound(location) from None
        raise Unreadable(location) from None
    except (_WouldSend, BotoCoreError):
        raise Unreadable(location) from None


def bucket_exists(region: str, bucket: str) -> bool | None:
    """Whether moto holds ``bucket``; ``None`` when that cannot be known in process."""
    from botocore.exceptions import BotoCoreError, ClientError

    client = s3_client(region)
    if client is None:
        return None
    try:
        client.head_bucket(Bucket=bucket)
    except ClientError as error:
        return False if _error_code(error) in _NOT_FOUND_CODES else None
    except (_WouldSend, BotoCoreError):
        return None
    return True


def write_object(region: str, location: str, body: bytes) -> bool:
    """Put ``body`` at ``location`` when moto is active; whether it was written."""
    from botocore.exceptions import BotoCoreError, ClientError

    client = s3_client(region)
    if client is None:
        return False
    bucket, key = split_s3_url(location)
    try:
        client.put_object(Bucket=bucket, Key=key, Body=body)
    except (ClientError, _WouldSend, BotoCoreError):
        return False
    return True
