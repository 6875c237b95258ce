"""failures_reported: what a module's body raises becomes the failure result, once for every module; a failure never hides a write."""

import botocore.session
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import AnsibleECSError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import failures_reported
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import RequestValidationError

TASK = {"taskArn": "arn:aws:ecs:us-east-1:123456789012:task/edge/1"}
SERVICE = {"serviceName": "web", "desiredCount": 2}


class Failed(Exception):
    """What a module's fail_json does: it does not return."""


class FakeModule:
    """fail_json and fail_json_aws as AnsibleAWSModule has them; client() gives botocore clients answered by a Stubber."""

    def __init__(self, answers=()):
        self.failed = None
        self.answers = list(answers)

    def fail_json(self, **result):
        self.failed = ("fail_json", result)
        raise Failed()

    def fail_json_aws(self, exception, msg=None, **result):
        self.failed = ("fail_json_aws", exception, dict(result, msg=msg))
        raise Failed()

    def client(self, service):
        client = botocore.session.get_session().create_client(
            service, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        stubber = Stubber(client)
        for method, answer in self.answers:
            if isinstance(answer, str):
                stubber.add_client_error(method, service_error_code=answer)
            else:
                stubber.add_response(method, answer)
        stubber.activate()
        return client


AWS_ERROR = AnsibleAWSError(message="Failed to describe clusters")
ECS_ERROR = AnsibleECSError(message="Failed to create cluster edge")
BOTO_ERROR = botocore.exceptions.ClientError({"Error": {"Code": "ClientException", "Message": "no"}}, "UpdateService")
ECS_ERROR_WITH_CAUSE = AnsibleECSError(message="Failed to update service web", exception=BOTO_ERROR)


@pytest.mark.parametrize(
    "raised, expected",
    [
        (Refused("keep_last: must be at least 1, got 0"), ("fail_json", {"msg": "keep_last: must be at least 1, got 0"})),
        (
            Refused("Not registered in cluster edge: edge-03", missing=["edge-03"]),
            ("fail_json", {"msg": "Not registered in cluster edge: edge-03", "missing": ["edge-03"]}),
        ),
        (
            RequestValidationError(["desiredCount: expected an integer", "launchType: expected one of EC2, FARGATE, EXTERNAL"]),
            (
                "fail_json",
                {
                    "msg": "desiredCount: expected an integer; launchType: expected one of EC2, FARGATE, EXTERNAL",
                    "errors": ["desiredCount: expected an integer", "launchType: expected one of EC2, FARGATE, EXTERNAL"],
                },
            ),
        ),
        (AWS_ERROR, ("fail_json", {"msg": "Failed to describe clusters"})),
        (ECS_ERROR, ("fail_json", {"msg": "Failed to create cluster edge"})),
        (ECS_ERROR_WITH_CAUSE, ("fail_json_aws", BOTO_ERROR, {"msg": "Failed to update service web"})),
    ],
)
def test_failures_reported(raised, expected):
    module = FakeModule()
    with pytest.raises(Failed):
        with failures_reported(module):
            raise raised
    assert module.failed == expected


def test_success_reports_nothing():
    module = FakeModule()
    with failures_reported(module):
        result = {"changed": False}
    assert result == {"changed": False} and module.failed is None


def test_other_exceptions_pass_through():
    module = FakeModule()
    with pytest.raises(KeyError):
        with failures_reported(module):
            raise KeyError("name")
    assert module.failed is None


# (calls answered in order, the failure raised after them) -> what the failure result carries besides msg
RESULT = {"changed": False, "service": {}, "diff": {"before": {}, "after": {"desiredCount": 2}}}
# ... in snake_case, as every result is returned.
WRITTEN = dict(RESULT, changed=True, diff={"before": {}, "after": {"desired_count": 2}})


@pytest.mark.parametrize(
    "answers, raised, expected",
    [
        # reads only: the failure is all there is
        ([("describe_services", {"services": [SERVICE]})], Refused("no"), {}),
        ([("list_tasks", {"taskArns": []})], Refused("no", not_drained=["edge-01"]), {"not_drained": ["edge-01"]}),
        # a write, then a failed wait: changed, the reported result, the failure's details on top
        ([("update_service", {"service": SERVICE})], Refused("timed out", events=["e"]), dict(WRITTEN, events=["e"])),
        ([("create_service", {"service": SERVICE})], ECS_ERROR, WRITTEN),
        ([("update_container_instances_state", {"containerInstances": [{"status": "DRAINING"}], "failures": []})], Refused("timed out"), WRITTEN),
        # details win over the reported result
        ([("run_task", {"tasks": [TASK], "failures": [{"reason": "RESOURCE:MEMORY"}]})], Refused("placed 1 of 4", started=[TASK["taskArn"]]),
         dict(WRITTEN, started=[TASK["taskArn"]])),
        # calls that answer without having written anything are no writes
        ([("run_task", {"tasks": [], "failures": [{"reason": "RESOURCE:MEMORY"}]})], Refused("placed 0 of 4"), {}),
        ([("update_container_instances_state", {"containerInstances": [], "failures": [{"reason": "MISSING"}]})], Refused("no"), {}),
        # a write that failed wrote nothing
        ([("delete_service", "ServiceNotActiveException")], Refused("no"), {}),
    ],
)
def test_a_failure_never_hides_a_write(answers, raised, expected):
    module = FakeModule(answers)
    with pytest.raises(Failed):
        with failures_reported(module) as progress:
            client = module.client("ecs")
            progress.report(dict(RESULT))
            for method, answer in answers:
                try:
                    getattr(client, method)(**CALLS[method])
                except botocore.exceptions.ClientError:
                    pass
            raise raised
    failed = dict(module.failed[-1])
    failed.pop("msg")
    assert failed == expected


CALLS = {
    "describe_services": {"services": ["web"]},
    "list_tasks": {},
    "update_service": {"service": "web"},
    "create_service": {"serviceName": "web"},
    "update_container_instances_state": {"containerInstances": ["a"], "status": "DRAINING"},
    "run_task": {"taskDefinition": "web"},
    "delete_service": {"service": "web"},
}


def test_clients_are_plain_again_after_the_block():
    module = FakeModule()
    with failures_reported(module):
        assert type(module.client("ecs")).__name__ == "_CountingClient"
    assert type(module.client("ecs")).__name__ == "ECS"
