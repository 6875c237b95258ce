"""The ECS waiter factory: each waiter's outcome for a sequence of answers, throttling retried, one timeout message."""

import botocore.session
import pytest
from botocore.stub import Stubber

from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.waiters import WaitFailed
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils._ecs.waiters import wait
from ansible_collections.hybridops.ecs_anywhere.plugins.module_utils.errors import TimedOut

ACTIVE = {"clusters": [{"clusterName": "edge", "status": "ACTIVE"}]}
UPDATING = {"clusters": [{"clusterName": "edge", "status": "ACTIVE", "attachmentsStatus": "UPDATE_IN_PROGRESS"}]}
STABLE = {"services": [{"serviceName": "web", "status": "ACTIVE", "runningCount": 2, "desiredCount": 2, "deployments": [{"id": "1"}]}]}
ROLLING = {"services": [{"serviceName": "web", "status": "ACTIVE", "runningCount": 1, "desiredCount": 2, "deployments": [{"id": "1"}, {"id": "2"}]}]}
FAILED_ROLLOUT = {"services": [dict(ROLLING["services"][0], deployments=[{"id": "2", "rolloutState": "FAILED"}])]}
TASK = "arn:aws:ecs:eu-west-1:123456789012:task/edge/0123456789abcdef0123456789abcdef"
MISSING_TASK = {"tasks": [], "failures": [{"arn": TASK, "reason": "MISSING"}]}
PENDING_TASK = {"tasks": [{"taskArn": TASK, "lastStatus": "PENDING"}]}
RUNNING_TASK = {"tasks": [{"taskArn": TASK, "lastStatus": "RUNNING"}]}
STOPPED_TASK = {"tasks": [{"taskArn": TASK, "lastStatus": "STOPPED"}]}
BUSY = {"clusters": [{"clusterName": "edge", "status": "PROVISIONING"}]}
CLUSTER = {"clusters": ["edge"], "include": ["ATTACHMENTS"]}
SERVICE = {"cluster": "edge", "services": ["web"]}
TASKS = {"cluster": "edge", "tasks": [TASK]}


@pytest.fixture
def slept(monkeypatch):
    slept = []
    monkeypatch.setattr("botocore.waiter.time.sleep", slept.append)
    return slept


def stubbed(operation, answers):
    client = botocore.session.get_session().create_client("ecs", region_name="eu-west-1", aws_access_key_id="k", aws_secret_access_key="s")
    stubber = Stubber(client)
    for answer in answers:
        if isinstance(answer, str):
            stubber.add_client_error(operation, service_error_code=answer, service_message="slow down")
        else:
            stubber.add_response(operation, answer)
    stubber.activate()
    return client, stubber


@pytest.mark.parametrize(
    "name, operation, params, answers, outcome",
    [
        ("cluster_active", "describe_clusters", CLUSTER, [ACTIVE], None),
        ("cluster_active", "describe_clusters", CLUSTER, [BUSY, UPDATING, ACTIVE], None),
        ("cluster_active", "describe_clusters", CLUSTER, ["ThrottlingException", "ServerException", ACTIVE], None),
        ("cluster_active", "describe_clusters", CLUSTER, [{"clusters": [{"clusterName": "edge", "status": "FAILED"}]}], WaitFailed),
        ("cluster_inactive", "describe_clusters", CLUSTER, [ACTIVE, {"clusters": [{"clusterName": "edge", "status": "INACTIVE"}]}], None),
        ("services_stable", "describe_services", SERVICE, [ROLLING, STABLE], None),
        ("services_stable", "describe_services", SERVICE, [ROLLING, FAILED_ROLLOUT], WaitFailed),
        ("services_inactive", "describe_services", SERVICE, [STABLE, {"services": [{"serviceName": "web", "status": "INACTIVE"}]}], None),
        # A task just started may be MISSING from DescribeTasks for a moment.
        ("tasks_running", "describe_tasks", TASKS, [MISSING_TASK, PENDING_TASK, RUNNING_TASK], None),
        ("tasks_running", "describe_tasks", TASKS, [PENDING_TASK, STOPPED_TASK], WaitFailed),
        ("tasks_stopped", "describe_tasks", TASKS, [RUNNING_TASK, STOPPED_TASK], None),
        ("container_instances_drained", "describe_container_instances", {"cluster": "edge", "containerInstances": ["a"]},
         [{"containerInstances": [{"runningTasksCount": 1, "pendingTasksCount": 0}]},
          {"containerInstances": [{"runningTasksCount": 0, "pendingTasksCount": 0}]}], None),
        # A missing instance is no drained one.
        ("container_instances_drained", "describe_container_instances", {"cluster": "edge", "containerInstances": ["a"]},
         [{"containerInstances": [], "failures": [{"arn": "a", "reason": "MISSING"}]}], WaitFailed),
        ("capacity_provider_settled", "describe_capacity_providers", {"capacityProviders": ["cp"]},
         [{"capacityProviders": [{"name": "cp", "status": "ACTIVE", "updateStatus": "UPDATE_IN_PROGRESS"}]},
          {"capacityProviders": [{"name": "cp", "status": "ACTIVE", "updateStatus": "UPDATE_COMPLETE"}]}], None),
        ("capacity_provider_settled", "describe_capacity_providers", {"capacityProviders": ["cp"]},
         [{"capacityProviders": [{"name": "cp", "status": "ACTIVE", "updateStatus": "UPDATE_FAILED"}]}], WaitFailed),
    ],
)
def test_outcomes(name, operation, params, answers, outcome, slept):
    client, stubber = stubbed(operation, answers)
    if outcome is None:
        wait(client, name, 300, "it", **params)
        stubber.assert_no_pending_responses()
    else:
        with pytest.raises(outcome, match="it: last seen"):
            wait(client, name, 300, "it", **params)
    assert sum(slept) <= 300


@pytest.mark.parametrize("timeout", [1, 10, 60])
def test_a_wait_that_runs_out_says_so_once(timeout, slept):
    client, _stubber = stubbed("describe_clusters", [BUSY] * 100)
    with pytest.raises(TimedOut) as caught:
        wait(client, "cluster_active", timeout, "cluster edge to become ACTIVE", **CLUSTER)
    assert str(caught.value) == (
        f"timed out after {timeout} s waiting for cluster edge to become ACTIVE: last seen clusterName=edge status=PROVISIONING attachmentsStatus=None"
    )
    # It waited the whole timeout, and not much more.
    assert timeout <= sum(slept) <= timeout + 5
