"""The scheduler: service and RunTask tasks placed on external instances with room, kept running, moved."""

import pytest
from botocore.exceptions import ClientError, WaiterError

from fake_aws.helpers import RESOURCES, Site, advance_clock, error_of

DRAINED = "Task stopped because the container instance is being drained"
DEREGISTERED = "Task stopped because the container instance was deregistered"
DISCONNECTED = "Task stopped because the container instance agent disconnected"
UNABLE = "(service app) was unable to place a task because no container instance met all of its requirements."


@pytest.fixture
def site(fake_aws):
    return Site(fake_aws, hosts=4)


def test_a_service_runs_its_desired_count_spread_over_external_instances(site):
    arns = [site.host()[1]["containerInstanceArn"], site.host()[1]["containerInstanceArn"]]
    definition = site.app()
    site.create_service(desiredCount=3)
    site.wait("services_stable", services=["app"])
    service = site.service()
    assert (service["runningCount"], service["pendingCount"], service["desiredCount"]) == (3, 0, 3)
    [deployment] = service["deployments"]
    assert (deployment["status"], deployment["runningCount"], deployment["rolloutState"]) == ("PRIMARY", 3, "COMPLETED")
    assert service["events"][0]["message"] == "(service app) has reached a steady state."
    tasks = site.tasks(serviceName="app")
    assert len(tasks) == 3
    for task in tasks:
        assert (task["lastStatus"], task["desiredStatus"], task["launchType"]) == ("RUNNING", "RUNNING", "EXTERNAL")
        assert (task["group"], task["startedBy"], task["taskDefinitionArn"]) == ("service:app", deployment["id"], definition)
        assert task["containerInstanceArn"] in arns and task["startedAt"] >= task["createdAt"]
        assert [container["lastStatus"] for container in task["containers"]] == ["RUNNING"]
    instances = [site.describe(arn) for arn in arns]
    assert sorted(instance["runningTasksCount"] for instance in instances) == [1, 2]
    memory = sum(next(r["integerValue"] for r in instance["remainingResources"] if r["name"] == "MEMORY") for instance in instances)
    assert memory == 2 * 3800 - 3 * 256
    cluster = site.ecs.describe_clusters(clusters=["edge"])["clusters"][0]
    assert (cluster["runningTasksCount"], cluster["activeServicesCount"]) == (3, 1)


def test_tasks_stay_running_however_often_they_are_described(site):
    site.host()
    site.app()
    site.create_service()
    arn = site.tasks()[0]["taskArn"]
    assert [site.task(arn)["lastStatus"] for attempt in range(5)] == ["RUNNING"] * 5
    site.wait("tasks_running", tasks=[arn])


@pytest.mark.parametrize(
    ("container", "desired", "hosts", "running", "detail"),
    [
        ({"memory": 5000}, 1, 1, 0, "has insufficient memory available."),
        ({"cpu": 4096}, 1, 1, 0, "has insufficient CPU units available."),
        ({"portMappings": [{"containerPort": 80, "hostPort": 8080}]}, 2, 1, 1, "is already using a port required by your task."),
        ({"portMappings": [{"containerPort": 2375, "hostPort": 2375}]}, 1, 1, 0, "is already using a port required by your task."),
        ({}, 1, 0, 0, "Reason: No Container Instances were found in your cluster."),
    ],
)
def test_a_service_without_room_never_becomes_stable_and_says_why(site, container, desired, hosts, running, detail):
    for index in range(hosts):
        site.host(tags=[{"key": "index", "value": str(index)}])
    site.app(**container)
    site.create_service(desiredCount=desired)
    with pytest.raises(WaiterError):
        site.wait("services_stable", services=["app"])
    service = site.service()
    assert (service["runningCount"], service["deployments"][0]["rolloutState"]) == (running, "IN_PROGRESS")
    message = service["events"][0]["message"]
    assert message.startswith(UNABLE) and detail in message
    assert "has reached a steady state" not in [event["message"] for event in service["events"]]


def test_placement_constraints_pick_the_instances(site):
    site.host()
    lab = site.lab_host()[1]["containerInstanceArn"]
    site.app()
    site.create_service(desiredCount=2, placementConstraints=[{"type": "memberOf", "expression": "attribute:site == lab"}])
    assert {task["containerInstanceArn"] for task in site.tasks()} == {lab}
    site.create_service(name="single", desiredCount=3, placementConstraints=[{"type": "distinctInstance"}])
    service = site.service("single")
    assert service["runningCount"] == 2
    assert 'encountered error "DistinctInstance placement constraint unsatisfied"' in service["events"][0]["message"]


@pytest.mark.parametrize(
    ("strategy", "spread"),
    [
        ([{"type": "binpack", "field": "memory"}], [0, 4]),
        ([{"type": "spread", "field": "instanceId"}], [2, 2]),
        ([{"type": "spread", "field": "attribute:site"}], [2, 2]),
    ],
)
def test_placement_strategies(site, strategy, spread):
    arns = [site.host()[1]["containerInstanceArn"], site.lab_host()[1]["containerInstanceArn"]]
    site.app()
    site.create_service(desiredCount=4, placementStrategy=strategy)
    assert sorted(site.describe(arn)["runningTasksCount"] for arn in arns) == spread


def _drain(site, arn):
    site.ecs.update_container_instances_state(cluster="edge", containerInstances=[arn], status="DRAINING")


def _keep_polling(site, arns):
    for instance in site.ecs.describe_container_instances(cluster="edge", containerInstances=arns)["containerInstances"]:
        site.agent(instance["ec2InstanceId"]).discover_poll_endpoint(cluster="edge", containerInstance=instance["containerInstanceArn"])


def _leave(site, how, arn, others):
    """The instance drains, is deregistered, or its agent falls silent past the 60 s timeout while the others' poll."""
    if how == "drain":
        _drain(site, arn)
    elif how == "deregister":
        site.ecs.deregister_container_instance(cluster="edge", containerInstance=arn, force=True)
    else:
        advance_clock(site.endpoint, 30)
        _keep_polling(site, others)
        advance_clock(site.endpoint, 31)


@pytest.mark.parametrize(
    ("how", "reason", "code", "standalone_status"),
    [
        ("drain", DRAINED, "ServiceSchedulerInitiated", "RUNNING"),  # AWS leaves standalone tasks on a draining instance alone
        ("deregister", DEREGISTERED, "TerminationNotice", "STOPPED"),
        ("disconnect", DISCONNECTED, "TerminationNotice", "STOPPED"),
    ],
)
def test_tasks_leave_an_instance_that_drains_deregisters_or_disconnects(site, how, reason, code, standalone_status):
    leaving, staying = site.host()[1]["containerInstanceArn"], site.host()[1]["containerInstanceArn"]
    site.app()
    site.create_service(desiredCount=2)
    [moved] = [task for task in site.tasks(serviceName="app") if task["containerInstanceArn"] == leaving]
    [standalone] = site.ecs.start_task(cluster="edge", taskDefinition="app", containerInstances=[leaving])["tasks"]
    _leave(site, how, leaving, [staying])
    site.wait("services_stable", services=["app"])
    assert {task["containerInstanceArn"] for task in site.tasks(serviceName="app")} == {staying}
    stopped = site.task(moved["taskArn"])
    assert (stopped["lastStatus"], stopped["desiredStatus"], stopped["stoppedReason"], stopped["stopCode"]) == ("STOPPED", "STOPPED", reason, code)
    assert site.task(standalone["taskArn"])["lastStatus"] == standalone_status
    assert site.describe(leaving)["runningTasksCount"] == (1 if standalone_status == "RUNNING" else 0)
    assert site.describe(staying)["runningTasksCount"] == 2


@pytest.mark.parametrize(("minimum_healthy", "staying"), [(100, 2), (50, 1), (0, 0)])
def test_a_drained_instance_keeps_service_tasks_it_cannot_hand_over(site, minimum_healthy, staying):
    arn = site.host()[1]["containerInstanceArn"]
    site.app()
    site.create_service(desiredCount=2, deploymentConfiguration={"minimumHealthyPercent": minimum_healthy, "maximumPercent": 200})
    _drain(site, arn)
    assert site.service()["runningCount"] == staying
    assert site.describe(arn)["runningTasksCount"] == staying
    site.host()  # room again: the rest move
    site.wait("services_stable", services=["app"])
    assert site.describe(arn)["runningTasksCount"] == 0


def test_daemon_services_run_one_task_on_each_eligible_instance(site):
    arns = [site.host()[1]["containerInstanceArn"], site.host()[1]["containerInstanceArn"]]
    site.app()
    site.create_service(schedulingStrategy="DAEMON")
    site.create_service(name="lab", schedulingStrategy="DAEMON", placementConstraints=[{"type": "memberOf", "expression": "attribute:site == lab"}])
    assert (site.service()["desiredCount"], site.service("lab")["desiredCount"]) == (2, 0)
    lab = site.lab_host()[1]["containerInstanceArn"]
    site.wait("services_stable", services=["app", "lab"])
    assert sorted(task["containerInstanceArn"] for task in site.tasks(serviceName="app")) == sorted(arns + [lab])
    assert [task["containerInstanceArn"] for task in site.tasks(serviceName="lab")] == [lab]
    _drain(site, arns[0])
    service = site.service()
    assert (service["desiredCount"], service["runningCount"]) == (2, 2)
    assert site.describe(arns[0])["runningTasksCount"] == 0


def test_daemon_services_replace_their_tasks_in_place_on_a_new_revision(site):
    arns = sorted([site.host()[1]["containerInstanceArn"], site.host()[1]["containerInstanceArn"]])
    site.app(portMappings=[{"containerPort": 80, "hostPort": 8080}])  # no room for two versions side by side
    site.create_service(schedulingStrategy="DAEMON")
    second = site.app(revision_note="2", portMappings=[{"containerPort": 80, "hostPort": 8080}])
    site.ecs.update_service(cluster="edge", service="app", taskDefinition="app")
    site.wait("services_stable", services=["app"])
    tasks = site.tasks(serviceName="app")
    assert sorted((task["containerInstanceArn"], task["taskDefinitionArn"]) for task in tasks) == [(arn, second) for arn in arns]


def test_daemon_tasks_leave_a_draining_instance_after_the_others(site):
    arn = site.host()[1]["containerInstanceArn"]
    site.app()
    site.create_service(name="daemon", schedulingStrategy="DAEMON")
    site.create_service(desiredCount=1)
    _drain(site, arn)
    # The replica task cannot go anywhere (minimumHealthyPercent 100): the daemon task stays with it.
    assert len(site.tasks(containerInstance=arn)) == 2
    site.ecs.update_service(cluster="edge", service="app", desiredCount=0)
    assert site.tasks(containerInstance=arn) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"desiredCount": 1}, "The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again"),
        (
            {"deploymentConfiguration": {"maximumPercent": 200}},
            "The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment configuration. "
            "Change the maximumPercent value to 100, and try again",
        ),
    ],
)
def test_daemon_services_refuse_what_aws_refuses(site, params, message):
    site.app()
    with pytest.raises(ClientError) as excinfo:
        site.create_service(schedulingStrategy="DAEMON", **params)
    assert error_of(excinfo)[:2] == ("InvalidParameterException", message)


def _room_for_one_more(site):
    site.host(totalResources=[dict(resource, integerValue=600) if resource["name"] == "MEMORY" else resource for resource in RESOURCES])


@pytest.mark.parametrize(
    ("container", "count", "arrange", "placed", "failures"),
    [
        ({"memory": 5000}, 1, None, 0, [("instance", "RESOURCE:MEMORY")]),
        ({"cpu": 4096}, 1, None, 0, [("instance", "RESOURCE:CPU")]),
        ({"portMappings": [{"containerPort": 80, "hostPort": 8080}]}, 2, None, 1, [("instance", "RESOURCE:PORTS")]),
        ({"portMappings": [{"containerPort": 53, "hostPort": 53, "protocol": "udp"}]}, 2, None, 1, [("instance", "RESOURCE:PORTS_UDP")]),
        ({"memory": 1500}, 3, None, 2, [("instance", "RESOURCE:MEMORY")]),
        ({}, 1, lambda site: advance_clock(site.endpoint, 61), 0, [("instance", "AGENT")]),
        ({"memory": 500}, 9, _room_for_one_more, 8, [("instance", "RESOURCE:MEMORY"), ("instance", "RESOURCE:MEMORY")]),
    ],
)
def test_run_task_places_what_fits_and_reports_the_rest(site, container, count, arrange, placed, failures):
    site.host()
    site.app(**container)
    if arrange:
        arrange(site)
    answer = site.ecs.run_task(cluster="edge", taskDefinition="app", launchType="EXTERNAL", count=count)
    assert len(answer["tasks"]) == placed
    instances = set(site.ecs.list_container_instances(cluster="edge")["containerInstanceArns"])
    assert [("instance" if failure["arn"] in instances else failure["arn"], failure["reason"]) for failure in answer["failures"]] == failures


def test_run_task_placement_constraints(site):
    site.host()
    site.app()
    constraint = [{"type": "memberOf", "expression": "attribute:site == lab"}]
    answer = site.ecs.run_task(cluster="edge", taskDefinition="app", launchType="EXTERNAL", placementConstraints=constraint)
    assert (answer["tasks"], answer["failures"]) == ([], [{"reason": "MemberOf placement constraint unsatisfied"}])
    lab = site.lab_host()[1]["containerInstanceArn"]
    answer = site.ecs.run_task(cluster="edge", taskDefinition="app", launchType="EXTERNAL", placementConstraints=constraint, count=2)
    assert [task["containerInstanceArn"] for task in answer["tasks"]] == [lab, lab]


@pytest.mark.parametrize(
    ("expression", "matches"),
    [
        ("attribute:site == lab", ["lab"]),
        ("attribute:site != lab", ["plain"]),
        ("attribute:site exists", ["lab"]),
        ("not attribute:site exists", ["plain"]),
        ("attribute:site in [lab, plant]", ["lab"]),
        ("attribute:ecs.os-type == linux and attribute:site == lab", ["lab"]),
        ("attribute:site == lab or attribute:ecs.cpu-architecture == x86_64", ["plain", "lab"]),
        ("attribute:ecs.cpu-architecture =~ x86.*", ["plain", "lab"]),
        ("(attribute:site == l*) && agentConnected == true", ["lab"]),
    ],
)
def test_member_of_expressions(site, expression, matches):
    hosts = {"plain": site.host()[1]["containerInstanceArn"], "lab": site.lab_host()[1]["containerInstanceArn"]}
    site.app()
    constraints = [{"type": "memberOf", "expression": expression}]
    answer = site.ecs.run_task(cluster="edge", taskDefinition="app", launchType="EXTERNAL", count=2, placementConstraints=constraints)
    chosen = {task["containerInstanceArn"] for task in answer["tasks"]}
    assert sorted(name for name, arn in hosts.items() if arn in chosen) == sorted(matches)


@pytest.mark.parametrize(
    "constraint",
    [{"type": "memberOf"}, {"type": "memberOf", "expression": "attribute:site =="}, {"type": "memberOf", "expression": "site == lab"}, {"type": "nearby"}],
)
def test_invalid_placement_constraints_are_refused(site, constraint):
    site.host()
    site.app()
    with pytest.raises(ClientError) as excinfo:
        site.ecs.run_task(cluster="edge", taskDefinition="app", launchType="EXTERNAL", placementConstraints=[constraint])
    assert error_of(excinfo)[0] == "InvalidParameterException"
