"""The log of task state transitions (GET/DELETE /_fake_aws/task_transitions) and its replay (transition_log.py):
every change of a task's lastStatus, in order, and a drain that keeps a service's tasks proven from it."""

import pytest

from fake_aws import transition_log
from fake_aws.helpers import Site, advance_clock, http
from fake_aws.test_consistency import SLOW_TASKS

DRAINED = "Task stopped because the container instance is being drained"


@pytest.fixture
def slow(fake_aws_started_with):
    """An endpoint whose tasks take 15 s to start and 10 s to stop (moved by the clock, not by sleeping)."""
    return fake_aws_started_with(SLOW_TASKS)


def _pass(site):
    """Any ECS request: the endpoint's scheduler makes a pass before each (tasks are placed, moved, stepped then)."""
    site.ecs.list_tasks(cluster="edge")


def _steps(log, arn):
    return [(entry["from"], entry["to"], entry["desiredStatus"]) for entry in log if entry["task"] == arn]


def test_every_status_of_a_task_is_logged_once_in_order(slow):
    site = Site(slow, hosts=1)
    instance = site.host()[1]["containerInstanceArn"]
    site.app()
    [task] = site.ecs.run_task(cluster="edge", taskDefinition="app", launchType="EXTERNAL", startedBy="me")["tasks"]
    for _poll in range(3):  # reads change nothing
        site.ecs.list_tasks(cluster="edge")
    advance_clock(slow, 15)
    site.ecs.list_tasks(cluster="edge")
    site.ecs.stop_task(cluster="edge", task=task["taskArn"])
    advance_clock(slow, 10)
    site.ecs.list_tasks(cluster="edge")
    log = transition_log.transitions(slow)
    assert _steps(log, task["taskArn"]) == [
        (None, "PENDING", "RUNNING"), ("PENDING", "RUNNING", "RUNNING"), ("RUNNING", "STOPPING", "STOPPED"), ("STOPPING", "STOPPED", "STOPPED"),
    ]
    first = log[0]
    assert (first["cluster"], first["group"], first["startedBy"], first["containerInstance"]) == ("edge", "family:app", "me", instance)
    times = [entry["at"] for entry in log]
    assert times == sorted(times) and times[-1] - times[0] >= 25  # the endpoint's clock, moved forward


def test_without_delays_a_task_goes_straight_to_running_and_to_stopped(fake_aws):
    site = Site(fake_aws, hosts=1)
    site.host()
    site.app()
    [task] = site.ecs.run_task(cluster="edge", taskDefinition="app", launchType="EXTERNAL")["tasks"]
    site.ecs.stop_task(cluster="edge", task=task["taskArn"])
    site.ecs.stop_task(cluster="edge", task=task["taskArn"])  # stopping again changes nothing
    assert _steps(transition_log.transitions(fake_aws), task["taskArn"]) == [(None, "RUNNING", "RUNNING"), ("RUNNING", "STOPPED", "STOPPED")]


def test_served_cleared_and_reset_like_the_call_log(fake_aws):
    site = Site(fake_aws, hosts=1)
    site.host()
    site.app()
    site.ecs.run_task(cluster="edge", taskDefinition="app", launchType="EXTERNAL")
    assert [entry["to"] for entry in transition_log.transitions(fake_aws)] == ["RUNNING"]
    transition_log.clear(fake_aws)
    assert transition_log.transitions(fake_aws) == []
    assert http(fake_aws, "/_fake_aws/task_transitions", method="PUT")[0] == 405
    site.ecs.run_task(cluster="edge", taskDefinition="app", launchType="EXTERNAL")
    assert http(fake_aws, "/_fake_aws/reset", method="POST")[0] == 204
    assert transition_log.transitions(fake_aws) == []


@pytest.mark.parametrize(("minimum_healthy", "lowest"), [(100, 2), (50, 1), (0, 0)])
def test_a_drain_starts_replacements_before_it_stops_within_minimum_healthy(slow, minimum_healthy, lowest):
    """ECS Developer Guide, "Draining Amazon ECS container instances": RUNNING service tasks on a draining instance are
    replaced within minimumHealthyPercent; at 100 % none stops before its replacement is RUNNING."""
    site = Site(slow, hosts=4)
    arns = [site.host()[1]["containerInstanceArn"] for _host in range(4)]
    site.app(portMappings=[{"containerPort": 80, "hostPort": 8080}])
    site.create_service(desiredCount=2, deploymentConfiguration={"minimumHealthyPercent": minimum_healthy, "maximumPercent": 200})
    _pass(site)
    advance_clock(slow, 15)
    busy = sorted({task["containerInstanceArn"] for task in site.tasks(serviceName="app")})
    assert len(busy) == 2
    with transition_log.watch(slow, "edge", "app") as watched:
        site.ecs.update_container_instances_state(cluster="edge", containerInstances=busy, status="DRAINING")
        _pass(site)
        for _step in range(4):  # 36 s: replacements RUNNING after 15, the old ones STOPPED 10 s after their stop
            advance_clock(slow, 9)
            _pass(site)
    replay = watched.replay
    assert site.service()["runningCount"] == 2
    assert {task["containerInstanceArn"] for task in site.tasks(serviceName="app")} == set(arns) - set(busy)
    assert replay.at_start == 2 and replay.minimum() == lowest, replay.report()
    assert [entry["to"] for entry in replay.transitions].count("RUNNING") == 2
    stopped = [site.task(entry["task"]) for entry in replay.transitions if entry["to"] == "STOPPED"]
    assert [task["stoppedReason"] for task in stopped] == [DRAINED, DRAINED]


def test_pending_service_tasks_on_a_draining_instance_stop_at_once(slow):
    """Same guide: service tasks in the PENDING state on a draining instance are stopped immediately."""
    site = Site(slow, hosts=2)
    first = site.host()[1]["containerInstanceArn"]
    site.app()
    site.create_service(desiredCount=1)
    _pass(site)
    [pending] = [entry["task"] for entry in transition_log.transitions(slow)]
    site.host()
    site.ecs.update_container_instances_state(cluster="edge", containerInstances=[first], status="DRAINING")
    _pass(site)
    assert _steps(transition_log.transitions(slow), pending) == [(None, "PENDING", "RUNNING"), ("PENDING", "STOPPING", "STOPPED")]


LOG = [
    {"task": "t1", "cluster": "edge", "group": "service:app", "from": None, "to": "PENDING"},
    {"task": "t1", "cluster": "edge", "group": "service:app", "from": "PENDING", "to": "RUNNING"},
    {"task": "x", "cluster": "edge", "group": "service:other", "from": None, "to": "RUNNING"},
    {"task": "t2", "cluster": "edge", "group": "service:app", "from": None, "to": "RUNNING"},
    {"task": "t1", "cluster": "edge", "group": "service:app", "from": "RUNNING", "to": "STOPPING"},
    {"task": "t3", "cluster": "edge", "group": "service:app", "from": None, "to": "RUNNING"},
    {"task": "t4", "cluster": "lab", "group": "service:app", "from": None, "to": "RUNNING"},
]


@pytest.mark.parametrize(("start", "at_start", "counts"), [(0, 0, [0, 0, 1, 2, 1, 2]), (4, 2, [2, 1, 2]), (7, 2, [2])])
def test_a_replay_counts_running_tasks_after_each_transition_of_one_service(start, at_start, counts):
    entries = [dict(entry, desiredStatus="RUNNING", containerInstance=None, at=0) for entry in LOG]
    replay = transition_log.Replay(entries, "edge", "app", start=start)
    assert (replay.at_start, replay.counts, replay.minimum()) == (at_start, counts, min(counts))
    assert all(entry["group"] == "service:app" and entry["cluster"] == "edge" for entry in replay.transitions)
    assert replay.report().count("\n") == len(replay.transitions)


def test_a_replay_refuses_a_log_that_misses_a_task_s_beginning():
    entries = [dict(entry, desiredStatus="RUNNING", containerInstance=None, at=0) for entry in LOG[3:]]
    with pytest.raises(ValueError, match="does not hold t1's history"):
        transition_log.Replay(entries, "edge", "app")
