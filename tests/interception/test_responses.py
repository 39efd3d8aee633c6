"""Responses: what botocore would have parsed, built without its constructors' overhead."""

from __future__ import annotations

import pytest
from botocore.awsrequest import AWSResponse

from personalize_mock.interception import responses


@pytest.mark.parametrize(
    "headers", [{}, {"x-amzn-ErrorType": "ResourceNotFoundException"}, {"A": "1", "b": "2"}]
)
def test_http_response_is_what_the_constructor_builds(headers: dict[str, str]) -> None:
    url = "https://personalize.us-east-1.amazonaws.com/"
    built = responses.http_response(url, 404, headers)
    constructed = AWSResponse(url, 404, headers, None)
    assert type(built) is AWSResponse
    assert vars(built).keys() == vars(constructed).keys()
    assert type(built.headers) is type(constructed.headers)
    assert dict(built.headers) == dict(constructed.headers) == headers
    for name, value in headers.items():
        assert built.headers[name.upper()] == value  # still case-insensitive
    assert (built.url, built.status_code, built.raw) == (url, 404, None)


def test_success_adds_fresh_metadata_and_keeps_the_output() -> None:
    output = {"schemaArn": "arn:aws:personalize:us-east-1:123456789012:schema/s"}
    first_http, first = responses.success("u", "json", output)
    second_http, second = responses.success("u", "json", {})
    assert first is output and first["schemaArn"].endswith(":schema/s")
    metadata = first["ResponseMetadata"]
    assert metadata["HTTPStatusCode"] == 200 == first_http.status_code
    assert metadata["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.1"
    assert metadata["HTTPHeaders"]["x-amzn-requestid"] == metadata["RequestId"]
    assert metadata["RequestId"] != second["ResponseMetadata"]["RequestId"]
    assert first_http.headers is not second_http.headers  # never shared between responses


def test_error_carries_code_message_and_rest_json_error_type() -> None:
    http, parsed = responses.error("u", "rest-json", 404, "ResourceNotFoundException", "gone")
    assert parsed["Error"] == {"Code": "ResourceNotFoundException", "Message": "gone"}
    assert http.status_code == 404 == parsed["ResponseMetadata"]["HTTPStatusCode"]
    assert http.headers["x-amzn-errortype"] == "ResourceNotFoundException"
    json_http, _ = responses.error("u", "json", 400, "InvalidInputException", "bad")
    assert len(json_http.headers) == 0


def test_request_ids_look_like_uuid4() -> None:
    ids = {responses.new_request_id() for _ in range(600)}  # crosses a pool refill
    assert len(ids) == 600
    for request_id in ids:
        parts = request_id.split("-")
        assert [len(part) for part in parts] == [8, 4, 4, 4, 12]
        assert parts[2][0] == "4" and parts[3][0] in "89ab"
