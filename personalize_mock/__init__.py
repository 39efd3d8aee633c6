"""personalize_mock: an in-process, stateful mock of Amazon Personalize for botocore and boto3.

Importing the package registers its botocore event handlers once; they answer only while a
mock is active (``mock_personalize`` as decorator, context manager, ``start()``/``stop()``
or the ``personalize_mock`` pytest fixture).
"""

from personalize_mock.activation.mock import PersonalizeMock, mock_personalize
from personalize_mock.errors import (
    EscapedRequestError,
    NotImplementedOperation,
    PersonalizeMockError,
    StalledPollingError,
)
from personalize_mock.interception.hooks import install_global_handlers, patch_client

__all__ = [
    "EscapedRequestError",
    "NotImplementedOperation",
    "PersonalizeMock",
    "PersonalizeMockError",
    "StalledPollingError",
    "mock_personalize",
    "patch_client",
]

__version__ = "0.1.0.dev0"

install_global_handlers()
