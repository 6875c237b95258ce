"""ecs_task's plan: exactly N tasks of one definition for a startedBy group."""

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.common import RETRY

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task import describe_settled
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task import live_tasks
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task import plan_running
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task import stop_reasons
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.task import wait_for_tasks
from ansible_collections.hybridops.ecs_anywhere.plugins.modules.ecs_task import plan_tasks

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
    # The module's Plan: changed exactly when there is something to start or stop, from its diff alone.
    plan = plan_tasks("running", count, V2, current)
    assert plan.changed == bool(to_start or to_stop)
    assert (plan.call("run_tasks"), plan.call("stop_tasks")) == (to_start or None, to_stop or None)


@pytest.mark.parametrize(
    "state, count, current, calls",
    [
        ("started", 2, [], [("run_tasks", 2)]),  # every run starts tasks
        ("stopped", 1, tasks(V1, V2), [("stop_tasks", ["task/0", "task/1"])]),
        ("stopped", 1, [], []),
    ],
)
def test_plan_started_and_stopped(state, count, current, calls):
    plan = plan_tasks(state, count, V2, current)
    assert plan.calls == calls
    assert plan.changed == bool(calls)


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


def stubbed_ecs():
    ecs = boto3.client("ecs", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    return ecs, Stubber(ecs)


ARN = "arn:aws:ecs:us-east-1:123456789012:task/edge/0123456789abcdef"


def test_waiting_for_running_tasks_keeps_polling_while_they_are_missing(monkeypatch):
    # A task RunTask just started can be MISSING from DescribeTasks (eventual consistency); botocore's waiter would fail.
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    ecs, stubber = stubbed_ecs()
    stubber.add_response("describe_tasks", {"tasks": [], "failures": [{"arn": ARN, "reason": "MISSING"}]})
    stubber.add_response("describe_tasks", {"tasks": [{"taskArn": ARN, "lastStatus": "PENDING"}], "failures": []})
    stubber.add_response("describe_tasks", {"tasks": [{"taskArn": ARN, "lastStatus": "RUNNING"}], "failures": []})
    with stubber:
        wait_for_tasks(ecs, "edge", [ARN], "RUNNING", timeout=60)
    stubber.assert_no_pending_responses()


def test_live_tasks_describes_again_a_listed_task_not_yet_described(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    ecs, stubber = stubbed_ecs()
    stubber.add_response("list_tasks", {"taskArns": [ARN]})
    stubber.add_response("describe_tasks", {"tasks": [], "failures": [{"arn": ARN, "reason": "MISSING"}]})
    task = {"taskArn": ARN, "lastStatus": "PENDING", "desiredStatus": "RUNNING", "taskDefinitionArn": V2}
    stubber.add_response("describe_tasks", {"tasks": [task], "failures": []})
    with stubber:
        wrapped = RetryingBotoClientWrapper(ecs, RETRY)  # as the module's client: calls take aws_retry
        assert [found["taskArn"] for found in live_tasks(wrapped, "edge", "group")] == [ARN]
    stubber.assert_no_pending_responses()


def test_a_task_named_to_stop_is_described_again_while_missing(monkeypatch):
    # `state: stopped` with the tasks a run just started: MISSING at first is not gone (the ecs_task target's partial run).
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    ecs, stubber = stubbed_ecs()
    stubber.add_response("describe_tasks", {"tasks": [], "failures": [{"arn": ARN, "reason": "MISSING"}]})
    task = {"taskArn": ARN, "lastStatus": "PENDING", "desiredStatus": "RUNNING", "taskDefinitionArn": V2}
    stubber.add_response("describe_tasks", {"tasks": [task], "failures": []})
    with stubber:
        wrapped = RetryingBotoClientWrapper(ecs, RETRY)
        assert describe_settled(wrapped, "edge", [ARN]) == [task]
    stubber.assert_no_pending_responses()


def test_a_task_still_missing_after_the_settle_time_is_gone(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    ecs, stubber = stubbed_ecs()
    stubber.add_response("describe_tasks", {"tasks": [], "failures": [{"arn": ARN, "reason": "MISSING"}]})
    with stubber:
        assert describe_settled(RetryingBotoClientWrapper(ecs, RETRY), "edge", [ARN], settle_timeout=0) == []
    stubber.assert_no_pending_responses()
