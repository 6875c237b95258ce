"""ecs_task's plan: exactly N tasks of one definition for a startedBy group."""

import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task import plan_running
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task import stop_reasons

V1 = "arn:aws:ecs:us-east-1:123456789012:task-definition/worker:1"
V2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/worker:2"


def tasks(*definitions):
    return [{"taskArn": f"task/{index}", "taskDefinitionArn": definition} for index, definition in enumerate(definitions)]


@pytest.mark.parametrize(
    "current, count, to_start, to_stop",
    [
        (tasks(), 3, 3, []),
        (tasks(V2, V2, V2), 3, 0, []),
        (tasks(V2), 3, 2, []),
        # The oldest are kept, the newest beyond the count stopped.
        (tasks(V2, V2, V2), 1, 0, ["task/1", "task/2"]),
        # Another revision in the group is stale: stopped, and replaced.
        (tasks(V1, V2), 2, 1, ["task/0"]),
        (tasks(V1, V1), 0, 0, ["task/0", "task/1"]),
        (tasks(), 0, 0, []),
    ],
)
def test_plan_running(current, count, to_start, to_stop):
    start, stop = plan_running(current, V2, count)
    assert start == to_start
    assert [task["taskArn"] for task in stop] == to_stop


def test_stop_reasons_name_exit_codes():
    stopped = {
        "taskArn": "task/1",
        "lastStatus": "STOPPED",
        "stopCode": "EssentialContainerExited",
        "stoppedReason": "Essential container in task exited",
        "containers": [{"name": "app", "exitCode": 137, "reason": "OutOfMemoryError: Container killed due to memory usage"}],
    }
    running = {"taskArn": "task/2", "lastStatus": "RUNNING", "containers": [{"name": "app"}]}
    assert stop_reasons([stopped, running]) == [
        {
            "task_arn": "task/1",
            "last_status": "STOPPED",
            "stop_code": "EssentialContainerExited",
            "stopped_reason": "Essential container in task exited",
            "containers": [{"name": "app", "exit_code": 137, "reason": "OutOfMemoryError: Container killed due to memory usage"}],
        }
    ]
