"""A refused request changes nothing: bad input leaves every visible resource as it was.

Each test seeds a world (see ``fuzzing``), takes a full fingerprint of the control plane
(every List* result, every page, and a describe and the tags of every ARN), sends a request
that must fail, and takes the fingerprint again. The two must be equal, and the injected
creation failures queued by ``fail_next`` must still be queued (a handler that consumed one
before refusing would make the *next* good creation fail).

``test_invalid_request_is_refused_and_changes_nothing`` builds requests that are sure to
fail from a valid one with one defect drawn per example: an over-long string, a value
outside an enum, an ARN of nothing or of the wrong kind, a name already taken, a reserved or
one-too-many tag, or (in a world whose quotas are full) nothing at all.
``test_any_refused_call_changes_nothing`` fuzzes every operation that changes state and
checks the same of whichever calls fail. The mock runs with ``freeze=True``: simulated time
stands still between the two fingerprints.
"""

from __future__ import annotations

import copy
from typing import Any

import fuzzing
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from personalize_mock import PersonalizeMock, mock_personalize
from personalize_mock.interception.operations import CONTROL_PLANE
from personalize_mock.model import operation_model

EXAMPLES = 15
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)

#: The fail_next kind each creation (or update) consumes.
FAILABLE = {
    "CreateDatasetGroup": "dataset_group",
    "CreateDataset": "dataset",
    "CreateDatasetImportJob": "dataset_import_job",
    "CreateDatasetExportJob": "dataset_export_job",
    "CreateDataDeletionJob": "data_deletion_job",
    "CreateSolution": "solution",
    "UpdateSolution": "solution_update",
    "CreateSolutionVersion": "solution_version",
    "CreateCampaign": "campaign",
    "UpdateCampaign": "campaign_update",
    "CreateRecommender": "recommender",
    "UpdateRecommender": "recommender_update",
    "CreateEventTracker": "event_tracker",
    "CreateFilter": "filter",
    "CreateBatchInferenceJob": "batch_inference_job",
    "CreateBatchSegmentJob": "batch_segment_job",
    "CreateMetricAttribution": "metric_attribution",
}

#: A name (or dataset type) already taken in the world, per creation with a unique name.
TAKEN = {
    "CreateDatasetGroup": {"name": "movies"},
    "CreateSchema": {"name": "items"},
    "CreateDataset": {"datasetType": "Interactions"},
    "CreateDatasetImportJob": {"jobName": "import-items"},
    "CreateDatasetExportJob": {"jobName": "export"},
    "CreateDataDeletionJob": {"jobName": "deletion"},
    "CreateSolution": {"name": "personal"},
    "CreateCampaign": {"name": "campaign"},
    "CreateRecommender": {"name": "for-you"},
    "CreateFilter": {"name": "no-clicks"},
    "CreateEventTracker": {"name": "tracker"},
    "CreateBatchInferenceJob": {"jobName": "batch"},
    "CreateBatchSegmentJob": {"jobName": "segment"},
    "CreateMetricAttribution": {"name": "attribution"},
}

#: Creations whose template request exceeds a quota in a tight world (fuzzing.TIGHT_QUOTAS).
QUOTA_LIMITED = {
    "CreateDatasetGroup",
    "CreateSchema",
    "CreateSolution",
    "CreateSolutionVersion",
    "CreateCampaign",
    "CreateRecommender",
    "CreateFilter",
    "CreateDatasetImportJob",
    "CreateBatchInferenceJob",
    "CreateBatchSegmentJob",
    "CreateDataDeletionJob",
}

MUTATING = sorted(op for op in fuzzing.TEMPLATES if fuzzing.implemented_service(op) == "personalize")
_clients: dict[str, Any] = {}


def service_clients() -> dict[str, Any]:
    if not _clients:
        _clients.update(fuzzing.clients())
    return _clients


def defects(operation: str) -> list[str]:
    """The kinds of defect that make this operation's template request fail for certain."""
    shape = operation_model("personalize", operation).input_shape
    assert shape is not None
    members = shape.members
    found = []
    if any(m.type_name == "string" and "max" in m.metadata for m in members.values()):
        found.append("over-long")
    if any(m.metadata.get("enum") for m in members.values()):
        found.append("not in enum")
    arn_members = [name for name in shape.required_members if name in ARN_MEMBERS]
    if arn_members:
        found.append("ARN of nothing")
    if any(name != "resourceArn" for name in arn_members):
        # resourceArn (tags) takes an ARN of any kind.
        found.append("ARN of another kind")
    if operation in TAKEN:
        found.append("name taken")
    if "tags" in members and operation != "UntagResource":
        found += ["reserved tag", "one tag too many"]
    if operation in QUOTA_LIMITED:
        found.append("quota full")
    return found


#: Members naming a Personalize resource (a world's by_member keys).
ARN_MEMBERS = {
    "datasetGroupArn",
    "schemaArn",
    "datasetArn",
    "solutionArn",
    "solutionVersionArn",
    "campaignArn",
    "recommenderArn",
    "filterArn",
    "metricAttributionArn",
    "resourceArn",
}


def apply_defect(
    data: st.DataObject,
    defect: str,
    operation: str,
    world: fuzzing.World,
    base: dict[str, Any],
    tags_limit: int,
) -> dict[str, Any]:
    shape = operation_model("personalize", operation).input_shape
    assert shape is not None
    params = copy.deepcopy(base)
    members = shape.members
    if defect == "over-long":
        name = data.draw(
            st.sampled_from(
                sorted(n for n, m in members.items() if m.type_name == "string" and "max" in m.metadata)
            )
        )
        params[name] = "a" * (int(members[name].metadata["max"]) + 1)
    elif defect == "not in enum":
        name = data.draw(st.sampled_from(sorted(n for n, m in members.items() if m.metadata.get("enum"))))
        params[name] = "NOT_A_" + members[name].metadata["enum"][0]
    elif defect == "ARN of nothing":
        name = data.draw(st.sampled_from(sorted(n for n in shape.required_members if n in ARN_MEMBERS)))
        own = world.by_member.get(name) or world.all_arns
        params[name] = data.draw(st.sampled_from(own)) + "-missing"
    elif defect == "ARN of another kind":
        choices = sorted(n for n in shape.required_members if n in ARN_MEMBERS and n != "resourceArn")
        name = data.draw(st.sampled_from(choices))
        others = [
            arn
            for member, arns in world.by_member.items()
            if member != name
            for arn in arns
            if arn.startswith(fuzzing.PREFIX)
        ]
        params[name] = data.draw(st.sampled_from(others))
    elif defect == "name taken":
        params.update(TAKEN[operation])
    elif defect == "reserved tag":
        params["tags"] = [*params.get("tags", []), {"tagKey": "aws:owner", "tagValue": "me"}]
    elif defect == "one tag too many":
        params["tags"] = [{"tagKey": f"k{i}", "tagValue": "v"} for i in range(tags_limit + 1)]
    return params


def queued_failures(pm: PersonalizeMock) -> dict[str, list[str]]:
    # The fault queue is internal: compared to prove a refused call consumed no queued failure.
    return {kind: list(queue) for kind, queue in pm.state.faults._failures.items()}


class Seeded:
    """One mock for a whole Hypothesis run, re-seeded only after a call changed something.

    Building the world and fingerprinting it cost ~100 calls; most examples are refused and
    change nothing, so the world and its fingerprint are reused until a call succeeds (or a
    refused call is caught changing state, just before the test fails).
    """

    def __init__(
        self, pm: PersonalizeMock, client: Any, *, tight: bool = False, arm: str | None = None
    ) -> None:
        self.pm = pm
        self.client = client
        self.tight = tight
        self.arm = arm
        self.reseed()

    def reseed(self) -> None:
        self.pm.reset()
        self.world = fuzzing.build_world(self.pm, self.client, tight=self.tight)
        if self.arm is not None:
            self.pm.fail_next(self.arm, reason="queued by the test")
        self.before = fuzzing.fingerprint(self.client, self.world.all_arns)
        self.queued = queued_failures(self.pm)

    def check_unchanged(self, operation: str, params: dict[str, Any], error: Any) -> None:
        after = fuzzing.fingerprint(self.client, self.world.all_arns)
        queued = queued_failures(self.pm)
        if after == self.before and queued == self.queued:
            return
        changed = sorted(
            key for key in self.before.keys() | after.keys() if self.before.get(key) != after.get(key)
        )
        self.reseed()
        raise AssertionError(
            f"{operation} refused ({error['Error']['Code']}: {error['Error']['Message']}) but changed "
            f"state: {changed or 'the queued fail_next failures'}; request {params!r}"
        )


@pytest.mark.parametrize("operation", MUTATING)
def test_invalid_request_is_refused_and_changes_nothing(operation: str) -> None:
    personalize = service_clients()["personalize"]
    kinds = [kind for kind in defects(operation) if kind != "quota full"]
    assert kinds, f"no sure defect for {operation}"
    with mock_personalize(validate_responses=True, freeze=True, require_data=False) as pm:
        seeded = Seeded(pm, personalize, arm=FAILABLE.get(operation))
        tags_limit = pm.options.quotas["tags_per_resource"]

        @SETTINGS
        @given(data=st.data())
        def run(data: st.DataObject) -> None:
            defect = data.draw(st.sampled_from(kinds), label="defect")
            world = seeded.world
            params = apply_defect(
                data, defect, operation, world, fuzzing.TEMPLATES[operation](world), tags_limit
            )
            _, error = fuzzing.call(personalize, operation, params)
            if error is None:
                seeded.reseed()
                raise AssertionError(f"{operation} accepted a request with a defect ({defect}): {params!r}")
            assert fuzzing.allowed_error("personalize", operation, error), error["Error"]
            seeded.check_unchanged(operation, params, error)

        run()


@pytest.mark.parametrize("operation", sorted(QUOTA_LIMITED))
def test_request_over_a_quota_is_refused_and_changes_nothing(operation: str) -> None:
    personalize = service_clients()["personalize"]
    with mock_personalize(
        validate_responses=True, freeze=True, quotas=fuzzing.TIGHT_QUOTAS, require_data=False
    ) as pm:
        seeded = Seeded(pm, personalize, tight=True, arm=FAILABLE.get(operation))
        params = fuzzing.TEMPLATES[operation](seeded.world)
        _, error = fuzzing.call(personalize, operation, params)
        assert error is not None, f"{operation} went past a full quota: {params!r}"
        assert error["Error"]["Code"] == "LimitExceededException", error["Error"]
        seeded.check_unchanged(operation, params, error)


REFUSABLE = MUTATING + sorted(op for op in CONTROL_PLANE if op.startswith(("Delete", "Start")))


@pytest.mark.parametrize("operation", REFUSABLE)
def test_any_refused_call_changes_nothing(operation: str) -> None:
    personalize = service_clients()["personalize"]
    model = operation_model("personalize", operation)
    template = fuzzing.TEMPLATES.get(operation)
    with mock_personalize(validate_responses=True, freeze=True) as pm:
        seeded = Seeded(pm, personalize, arm=FAILABLE.get(operation))

        @SETTINGS
        @given(data=st.data())
        def run(data: st.DataObject) -> None:
            world = seeded.world
            if template is not None and data.draw(st.booleans(), label="from the template"):
                params = fuzzing.mutated(data, model, world, template(world))
            else:
                params = fuzzing.request(data, model, world)
            _, error = fuzzing.call(personalize, operation, params)
            if error is None:
                seeded.reseed()  # it changed state, as it should: start the next example afresh
                return
            assert fuzzing.allowed_error("personalize", operation, error), error["Error"]
            seeded.check_unchanged(operation, params, error)

        run()
