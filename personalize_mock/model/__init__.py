"""botocore-model-derived helpers: cached service models, input and output validators."""

from __future__ import annotations

from personalize_mock.model.client_types import check_client_types
from personalize_mock.model.input_validation import (
    UnsupportedJavaPattern,
    compile_java_pattern,
    translate_java_pattern,
    validate_input,
)
from personalize_mock.model.loader import SERVICE_NAMES, operation_model, service_model
from personalize_mock.model.output_validation import assert_valid_output, output_problems

__all__ = [
    "SERVICE_NAMES",
    "UnsupportedJavaPattern",
    "assert_valid_output",
    "check_client_types",
    "compile_java_pattern",
    "operation_model",
    "output_problems",
    "service_model",
    "translate_java_pattern",
    "validate_input",
]
