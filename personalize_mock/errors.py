"""Errors: one class per modeled Personalize error, plus the library's own exceptions.

A :class:`ServiceError` raised by a handler is turned into the error response the real
service would send (status code + ``{"Error": {"Code", "Message"}}``), so botocore raises
its own modeled ``client.exceptions.<Code>``.  The HTTP status is not stored here: it is
read from botocore's model for the service that answered (``ResourceNotFoundException`` is
400 on the control plane but 404 on personalize-runtime).
"""

from __future__ import annotations

from typing import ClassVar

COVERAGE_DOC = "docs/coverage.md"


class PersonalizeMockError(Exception):
    """Base class of the exceptions personalize_mock raises in the test process."""


class NotImplementedOperation(PersonalizeMockError, NotImplementedError):
    """A Personalize operation that personalize_mock does not implement was called.

    The call never reaches the network: the mock fails closed.
    """

    def __init__(self, service: str, operation: str) -> None:
        self.service = service
        self.operation = operation
        super().__init__(
            f"personalize_mock does not implement {service}.{operation} yet; "
            f"the call was not sent to AWS. See {COVERAGE_DOC} for the operations covered."
        )


class EscapedRequestError(PersonalizeMockError):
    """A Personalize request reached botocore's HTTP layer while a mock was active.

    This happens for clients whose botocore session was created before personalize_mock
    was imported and so never received the library's event handlers.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(
            f"A Personalize request to {url} reached the network layer while personalize_mock "
            "was active, and was blocked. The client was created from a botocore session that "
            "existed before personalize_mock was imported; wrap it with "
            "personalize_mock.patch_client(client) (or create the session after the import)."
        )


class StalledPollingError(PersonalizeMockError):
    """The code kept polling resources that can no longer change (docs/clock.md "Stalled polling").

    Raised from the simulated ``time.sleep`` (or ``asyncio.sleep``) of a polling loop once it
    has slept the mock's ``stall_after`` simulated seconds while reading only resources in a
    final state, with nothing in flight. On AWS the same loop would wait forever.

    ``resources`` maps each ARN the loop read (or the operation it kept calling, when refused)
    to its status and failure reason; ``slept`` is the simulated seconds slept meanwhile.
    """

    #: Resources named in the message; the rest are counted.
    NAMED = 10

    def __init__(self, resources: dict[str, tuple[str, str | None]], slept: float) -> None:
        self.resources = resources
        self.slept = slept
        described = [_describe_polled(key, status, reason) for key, status, reason in _items(resources)]
        if len(described) > self.NAMED:
            described = [*described[: self.NAMED], f"and {len(described) - self.NAMED} more"]
        super().__init__(
            f"stalled polling: {'; '.join(described)}. Nothing is in flight, so none of this can "
            f"change any more, and the code has slept {_readable(slept)} since it last "
            "changed; on AWS this loop would wait forever. Make the loop stop on a failed "
            "status (or give it a deadline on time.time(), which follows the simulated clock), "
            "or pass stall_after= to mock_personalize (None switches this check off)."
        )


def _items(resources: dict[str, tuple[str, str | None]]) -> list[tuple[str, str, str | None]]:
    return [(key, status, reason) for key, (status, reason) in resources.items()]


def _describe_polled(key: str, status: str, reason: str | None) -> str:
    if not key.startswith("arn:"):
        # An operation that kept being refused.
        return f"{key} was {status}" + (f" ({reason})" if reason else "")
    resource = key.split(":", 5)[-1]
    parts = resource.split("/")
    kind = parts[0].replace("-", " ")
    if kind == "solution" and len(parts) > 2:
        kind = "solution version"
    text = f"{kind} {key} is {status}"
    return text + (f" ({reason})" if reason else "")


def _readable(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:g} simulated hours"
    if seconds >= 60:
        return f"{seconds / 60:g} simulated minutes"
    return f"{seconds:g} simulated seconds"


class ServiceError(Exception):
    """A modeled error of the Personalize services; ``code`` is the wire error code."""

    code: ClassVar[str] = "ServiceError"

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(f"{self.code}: {message}")


class InvalidInputException(ServiceError):
    """Provide a valid value for the field or parameter."""

    code = "InvalidInputException"


class InvalidNextTokenException(ServiceError):
    """The token is not valid."""

    code = "InvalidNextTokenException"


class LimitExceededException(ServiceError):
    """A quota (or the request rate) was exceeded."""

    code = "LimitExceededException"


class ResourceAlreadyExistsException(ServiceError):
    """The specified resource already exists."""

    code = "ResourceAlreadyExistsException"


class ResourceInUseException(ServiceError):
    """The resource is in use, or in a state that does not allow the operation."""

    code = "ResourceInUseException"


class ResourceNotFoundException(ServiceError):
    """Could not find the specified resource."""

    code = "ResourceNotFoundException"


class TooManyTagsException(ServiceError):
    """More than 50 tags on one resource."""

    code = "TooManyTagsException"


class TooManyTagKeysException(ServiceError):
    """More tag keys than can be associated with a resource."""

    code = "TooManyTagKeysException"


class CommonServiceError(ServiceError):
    """An error every AWS service may return (throttling, internal failure); used by fault injection."""

    def __init__(self, code: str, message: str) -> None:
        self.common_code = code
        super().__init__(message)

    @property
    def wire_code(self) -> str:
        return self.common_code


MODELED_ERRORS: dict[str, type[ServiceError]] = {
    cls.code: cls
    for cls in (
        InvalidInputException,
        InvalidNextTokenException,
        LimitExceededException,
        ResourceAlreadyExistsException,
        ResourceInUseException,
        ResourceNotFoundException,
        TooManyTagsException,
        TooManyTagKeysException,
    )
}

#: Errors any AWS JSON service can return, with their HTTP status (AWS common errors page).
COMMON_ERRORS: dict[str, int] = {
    "AccessDeniedException": 400,
    "IncompleteSignature": 400,
    "InternalFailure": 500,
    "ServiceUnavailable": 503,
    "ThrottlingException": 400,
    "ValidationError": 400,
}


def wire_code(error: ServiceError) -> str:
    """The error code sent on the wire for ``error``."""
    if isinstance(error, CommonServiceError):
        return error.common_code
    return error.code


class OutputShapeError(PersonalizeMockError):
    """A response did not match botocore's output shape for the operation (validate_responses)."""

    def __init__(self, service: str, operation: str, problems: list[str]) -> None:
        self.service = service
        self.operation = operation
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"personalize_mock answered {service}.{operation} with a response that does not match "
            f"botocore's output shape ({len(problems)} problem(s)):\n{listing}"
        )
