"""failures_reported: what a module's body raises becomes the failure result, once for every module."""

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import AnsibleECSError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import Refused
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import failures_reported
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.validate import RequestValidationError


class Failed(Exception):
    """What a module's fail_json does: it does not return."""


class FakeModule:
    def __init__(self):
        self.failed = None

    def fail_json(self, **result):
        self.failed = ("fail_json", result)
        raise Failed()

    def fail_json_aws_error(self, exception):
        self.failed = ("fail_json_aws_error", exception)
        raise Failed()


AWS_ERROR = AnsibleAWSError(message="Failed to describe clusters")
ECS_ERROR = AnsibleECSError(message="Failed to create cluster edge")


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
        (AWS_ERROR, ("fail_json_aws_error", AWS_ERROR)),
        (ECS_ERROR, ("fail_json_aws_error", ECS_ERROR)),
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
