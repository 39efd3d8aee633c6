"""The pytest plugin: the ``personalize_mock`` fixture and marker, run through ``pytester``."""

from __future__ import annotations

import pytest
from helpers import assert_reset

RUN_ARGS = ("--strict-markers", "-p", "no:cacheprovider")

INNER_TESTS = """
import boto3
import pytest

from personalize_mock import PersonalizeMock
from personalize_mock.interception.dispatch import active


def personalize():
    return boto3.session.Session().client("personalize", region_name="us-east-1")


def names():
    return [group["name"] for group in personalize().list_dataset_groups()["datasetGroups"]]


def test_first_creates(personalize_mock):
    assert isinstance(personalize_mock, PersonalizeMock)
    assert personalize_mock.active
    assert active.state is personalize_mock.state
    arn = personalize().create_dataset_group(name="shared")["datasetGroupArn"]
    assert arn == "arn:aws:personalize:us-east-1:123456789012:dataset-group/shared"
    personalize_mock.fail_next("dataset_group")


def test_second_sees_nothing_from_the_first(personalize_mock):
    assert names() == []
    # Same name again: no ResourceAlreadyExistsException, and the first test's fail_next is gone.
    arn = personalize().create_dataset_group(name="shared")["datasetGroupArn"]
    personalize_mock.settle()
    status = personalize().describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"]
    assert status == "ACTIVE"


def test_without_fixture_is_not_mocked():
    assert active.state is None


@pytest.mark.personalize_mock(account_id="111122223333")
def test_marker_account_id(personalize_mock):
    assert personalize_mock.options.account_id == "111122223333"
    arn = personalize().create_dataset_group(name="g")["datasetGroupArn"]
    assert arn == "arn:aws:personalize:us-east-1:111122223333:dataset-group/g"


@pytest.mark.personalize_mock(quotas={"dataset_groups": 1}, durations={"dataset_group": 5})
def test_marker_quotas_and_durations(personalize_mock):
    client = personalize()
    arn = client.create_dataset_group(name="one")["datasetGroupArn"]
    with pytest.raises(client.exceptions.LimitExceededException):
        client.create_dataset_group(name="two")
    personalize_mock.advance(5)
    assert client.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"]["status"] == "ACTIVE"


@pytest.mark.personalize_mock(account_id="111122223333")
class TestMarkedClass:
    def test_class_marker_applies(self, personalize_mock):
        assert personalize_mock.options.account_id == "111122223333"


def test_failure_inside_the_fixture(personalize_mock):
    personalize().create_dataset_group(name="left-behind")
    raise AssertionError("fails on purpose")


def test_after_a_failure_state_is_fresh(personalize_mock):
    assert names() == []
    assert personalize_mock.options.account_id == "123456789012"
"""


def test_fixture_and_marker_in_a_test_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner=INNER_TESTS)
    result = pytester.runpytest(*RUN_ARGS)
    result.assert_outcomes(passed=7, failed=1)
    result.stdout.fnmatch_lines(
        ["E       AssertionError: fails on purpose", "FAILED *test_failure_inside_the_fixture*"]
    )
    assert_reset()


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers", *RUN_ARGS)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["@pytest.mark.personalize_mock(**options):*"])


def test_positional_marker_arguments_are_refused(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import pytest

        @pytest.mark.personalize_mock("111122223333")
        def test_positional(personalize_mock):
            pass
        """
    )
    result = pytester.runpytest(*RUN_ARGS)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*keyword options only*"])
    assert_reset()


def test_invalid_marker_options_error_at_setup(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import pytest

        @pytest.mark.personalize_mock(account_id="not-an-account")
        def test_bad_account(personalize_mock):
            pass

        @pytest.mark.personalize_mock(quotas={"datasetgroups": 1})
        def test_bad_quota(personalize_mock):
            pass

        def test_still_fine(personalize_mock):
            assert personalize_mock.active
        """
    )
    result = pytester.runpytest(*RUN_ARGS)
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(["*account_id must be 12 digits*", "*unknown quota key*"])
    assert_reset()


def test_fixture_and_decorator_share_state(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import boto3
        from personalize_mock import mock_personalize


        def personalize():
            return boto3.session.Session().client("personalize", region_name="us-east-1")


        def test_fixture_and_decorator_share_state(personalize_mock):
            @mock_personalize
            def inner():
                personalize().create_dataset_group(name="inner")

            inner()
            groups = personalize().list_dataset_groups()["datasetGroups"]
            assert [group["name"] for group in groups] == ["inner"]
            assert personalize_mock.active
        """
    )
    result = pytester.runpytest(*RUN_ARGS)
    result.assert_outcomes(passed=1)
    assert_reset()


def test_plugin_loads_from_its_entry_point(pytester: pytest.Pytester) -> None:
    # A fresh interpreter: the fixture and marker come from the pytest11 entry point alone.
    pytester.makepyfile(
        test_inner="""
        import pytest

        @pytest.mark.personalize_mock(account_id="111122223333")
        def test_marker(personalize_mock):
            assert personalize_mock.options.account_id == "111122223333"
        """
    )
    result = pytester.runpytest_subprocess(*RUN_ARGS)
    result.assert_outcomes(passed=1)


def test_decorated_tests_keep_their_fixtures_under_pytest(pytester: pytest.Pytester) -> None:
    # pytest reads the decorated test's signature to inject fixtures.
    pytester.makepyfile(
        test_inner="""
        import unittest

        import boto3
        import pytest

        from personalize_mock import mock_personalize
        from personalize_mock.interception.dispatch import active


        def personalize():
            return boto3.session.Session().client("personalize", region_name="us-east-1")


        @pytest.fixture
        def group_name():
            return "from-fixture"


        @mock_personalize
        def test_function_with_fixtures(tmp_path, group_name):
            assert tmp_path.exists()
            arn = personalize().create_dataset_group(name=group_name)["datasetGroupArn"]
            assert arn.endswith("/from-fixture")


        @mock_personalize
        @pytest.mark.parametrize("name", ["a", "b"])
        def test_parametrized(name):
            personalize().create_dataset_group(name=name)
            groups = personalize().list_dataset_groups()["datasetGroups"]
            assert [group["name"] for group in groups] == [name]


        @mock_personalize(account_id="111122223333")
        class TestPlainClass:
            def test_method(self, group_name):
                arn = personalize().create_dataset_group(name=group_name)["datasetGroupArn"]
                assert ":111122223333:" in arn

            def test_fresh_state(self):
                assert personalize().list_dataset_groups()["datasetGroups"] == []


        @mock_personalize
        class Case(unittest.TestCase):
            def test_unittest(self):
                self.assertIsNotNone(active.state)


        def test_not_mocked_afterwards():
            assert active.state is None
        """
    )
    result = pytester.runpytest(*RUN_ARGS)
    result.assert_outcomes(passed=7)
    assert_reset()


def test_the_marker_alone_mocks_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest

        from personalize_mock.interception.dispatch import active


        @pytest.mark.personalize_mock(account_id="111122223333")
        def test_marked_without_the_fixture():
            assert active.state is not None
            client = boto3.session.Session().client("personalize", region_name="us-east-1")
            arn = client.create_dataset_group(name="g")["datasetGroupArn"]
            assert arn == "arn:aws:personalize:us-east-1:111122223333:dataset-group/g"


        @pytest.mark.personalize_mock
        class TestMarkedClass:
            def test_method(self):
                assert active.state is not None


        def test_unmarked_is_not_mocked():
            assert active.state is None
        """
    )
    result = pytester.runpytest(*RUN_ARGS)
    result.assert_outcomes(passed=3)
    assert_reset()
