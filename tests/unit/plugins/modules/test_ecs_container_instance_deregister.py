"""ecs_container_instance's deregistration after a drain: tried again while ECS still finds a stopping task."""

import time

import pytest
from botocore.exceptions import ClientError

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import AnsibleECSError
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import TimedOut
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import Deadline
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.container_instance import deregister_once_stopped

ARN = "arn:aws:ecs:eu-west-1:123456789012:container-instance/edge/0123456789abcdef"
STOPPING = ("InvalidParameterException", "Found running tasks on the instance.")
OTHER = ("ClusterNotFoundException", "Cluster not found.")


class Client:
    """Answers DeregisterContainerInstance from a script: an (error code, message) or None for success."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []

    def deregister_container_instance(self, **request):
        request.pop("aws_retry", None)
        self.calls.append(request)
        answer = self.answers.pop(0) if self.answers else None
        if answer:
            raise ClientError({"Error": {"Code": answer[0], "Message": answer[1]}}, "DeregisterContainerInstance")
        return {"containerInstance": {"containerInstanceArn": ARN, "status": "INACTIVE"}}


@pytest.mark.parametrize("answers, calls", [
    ([None], 1),
    ([STOPPING, None], 2),
    ([STOPPING, STOPPING, STOPPING, None], 4),
])
def test_deregisters_once_the_stopping_tasks_are_gone(answers, calls):
    client = Client(answers)
    deregister_once_stopped(client, "edge", ARN, Deadline(600), sleep=lambda seconds: None)
    assert len(client.calls) == calls
    assert all(call == {"cluster": "edge", "containerInstance": ARN, "force": False} for call in client.calls)


def test_other_errors_are_not_tried_again():
    client = Client([OTHER])
    with pytest.raises(AnsibleECSError):
        deregister_once_stopped(client, "edge", ARN, Deadline(600), sleep=lambda seconds: None)
    assert len(client.calls) == 1


def test_tasks_that_never_stop_time_out_naming_the_instance():
    client = Client([STOPPING] * 1000)
    with pytest.raises(TimedOut) as excinfo:
        deregister_once_stopped(client, "edge", ARN, Deadline(1), sleep=lambda seconds: time.sleep(0.2))
    message = str(excinfo.value)
    assert "timed out after 1 s waiting for container instances of cluster edge: last seen" in message
    assert ARN in message and "Found running tasks" in message
