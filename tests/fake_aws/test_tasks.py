"""Tasks as AWS reports them: RunTask's tasks, StopTask, DescribeTasks, ListTasks."""

import pytest
from botocore.exceptions import ClientError, WaiterError

from fake_aws.helpers import Site, advance_clock, error_of


@pytest.fixture
def site(fake_aws):
    """A cluster with one external instance."""
    site = Site(fake_aws, hosts=4)
    site.host()
    return site


def only_instance(site):
    return site.ecs.list_container_instances(cluster="edge")["containerInstanceArns"][0]


def run(site, count=1, **params):
    params.setdefault("launchType", "EXTERNAL")
    return site.ecs.run_task(cluster="edge", taskDefinition=params.pop("taskDefinition", "app"), count=count, **params)["tasks"]


def memory_left(site):
    return next(resource["integerValue"] for resource in site.describe(only_instance(site))["remainingResources"] if resource["name"] == "MEMORY")


def test_run_task_answers_running_tasks_as_aws_describes_them(site):
    definition = site.app(portMappings=[{"containerPort": 80, "hostPort": 8080}, {"containerPort": 443}])
    [task] = run(site, startedBy="nightly", group="batch")
    described = site.task(task["taskArn"])
    for answer in (task, described):
        assert (answer["lastStatus"], answer["desiredStatus"], answer["launchType"]) == ("RUNNING", "RUNNING", "EXTERNAL")
        assert (answer["startedBy"], answer["group"], answer["taskDefinitionArn"]) == ("nightly", "batch", definition)
        assert answer["containerInstanceArn"] == only_instance(site)
        assert {"createdAt", "startedAt", "connectivityAt", "pullStartedAt"} <= set(answer)
        assert "stoppedReason" not in answer and "stopCode" not in answer
        [container] = answer["containers"]
        assert (container["name"], container["lastStatus"], container["memory"]) == ("app", "RUNNING", "256")
        assert container["networkBindings"] == [{"bindIP": "0.0.0.0", "containerPort": 80, "hostPort": 8080, "protocol": "tcp"}]
    instance = site.describe(only_instance(site))
    ports = next(resource["stringSetValue"] for resource in instance["remainingResources"] if resource["name"] == "PORTS")
    assert "8080" in ports and instance["runningTasksCount"] == 1


@pytest.mark.parametrize(("reason", "expected"), [("maintenance window", "maintenance window"), (None, "Task stopped by user")])
def test_stop_task(site, reason, expected):
    site.app()
    [task] = run(site)
    stopped = site.ecs.stop_task(cluster="edge", task=task["taskArn"], **({"reason": reason} if reason else {}))["task"]
    for answer in (stopped, site.task(task["taskArn"])):
        assert (answer["lastStatus"], answer["desiredStatus"], answer["stopCode"], answer["stoppedReason"]) == ("STOPPED", "STOPPED", "UserInitiated", expected)
        assert answer["stoppedAt"] >= answer["startedAt"]
        assert [(container["lastStatus"], container["exitCode"]) for container in answer["containers"]] == [("STOPPED", 0)]
    site.wait("tasks_stopped", tasks=[task["taskArn"]])
    assert (site.describe(only_instance(site))["runningTasksCount"], memory_left(site)) == (0, 3800)
    # Stopping again changes nothing.
    assert site.ecs.stop_task(cluster="edge", task=task["taskArn"])["task"]["stoppedReason"] == expected


def test_stopped_tasks_stay_describable_and_listable_for_an_hour(site):
    site.app()
    [task] = run(site)
    site.ecs.stop_task(cluster="edge", task=task["taskArn"])
    assert site.ecs.list_tasks(cluster="edge")["taskArns"] == []
    assert site.ecs.list_tasks(cluster="edge", desiredStatus="STOPPED")["taskArns"] == [task["taskArn"]]
    advance_clock(site.endpoint, 3500)
    assert site.task(task["taskArn"])["lastStatus"] == "STOPPED"
    advance_clock(site.endpoint, 200)
    answer = site.ecs.describe_tasks(cluster="edge", tasks=[task["taskArn"]])
    assert (answer["tasks"], answer["failures"]) == ([], [{"arn": task["taskArn"], "reason": "MISSING"}])


def test_stop_task_of_an_unknown_task(site):
    with pytest.raises(ClientError) as excinfo:
        site.ecs.stop_task(cluster="edge", task="0123456789abcdef0123456789abcdef")
    assert error_of(excinfo)[:2] == ("InvalidParameterException", "The referenced task was not found.")


def test_describe_tasks_reports_unknown_tasks_missing_and_the_waiter_gives_up(site):
    site.app()
    [task] = run(site)
    answer = site.ecs.describe_tasks(cluster="edge", tasks=[task["taskArn"].split("/")[-1], "0123"])
    assert [known["taskArn"] for known in answer["tasks"]] == [task["taskArn"]]
    assert answer["failures"] == [{"arn": "arn:aws:ecs:us-east-1:123456789012:task/edge/0123", "reason": "MISSING"}]
    with pytest.raises(WaiterError):
        site.wait("tasks_running", tasks=[task["taskArn"], "0123"])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["a1", "a2", "b1", "web"]),
        ({"startedBy": "a"}, ["a1", "a2"]),
        ({"family": "other"}, ["b1"]),
        ({"serviceName": "web"}, ["web"]),
        ({"launchType": "EXTERNAL"}, ["a1", "a2", "b1", "web"]),
        ({"launchType": "EC2"}, []),
        ({"desiredStatus": "STOPPED"}, ["gone"]),
        ({"containerInstance": "instance"}, ["a1", "a2", "b1", "web"]),
    ],
)
def test_list_tasks_filters(site, filters, expected):
    site.app()
    site.app(family="other")
    labels = {}
    for label, started_by, family in (("a1", "a", "app"), ("a2", "a", "app"), ("b1", "b", "other"), ("gone", "gone", "app")):
        [task] = run(site, startedBy=started_by, taskDefinition=family)
        labels[task["taskArn"]] = label
    site.ecs.stop_task(cluster="edge", task=next(arn for arn, label in labels.items() if label == "gone"))
    site.create_service(name="web")
    labels.update({task["taskArn"]: "web" for task in site.tasks(serviceName="web")})
    if filters.get("containerInstance"):
        filters["containerInstance"] = only_instance(site)
    arns = site.ecs.list_tasks(cluster="edge", **filters)["taskArns"]
    assert sorted(labels[arn] for arn in arns) == expected


def test_list_tasks_pages(site):
    site.app(memory=10)
    run(site, count=10)
    run(site, count=2)
    first = site.ecs.list_tasks(cluster="edge", maxResults=5)
    assert len(first["taskArns"]) == 5 and first["nextToken"]
    everything = site.ecs.get_paginator("list_tasks").paginate(cluster="edge", PaginationConfig={"PageSize": 5}).build_full_result()["taskArns"]
    assert len(set(everything)) == 12


def test_start_task_places_on_the_instances_named(site):
    site.app()
    [task] = site.ecs.start_task(cluster="edge", taskDefinition="app", containerInstances=[only_instance(site)], startedBy="me")["tasks"]
    assert (task["containerInstanceArn"], task["lastStatus"], task["startedBy"]) == (only_instance(site), "RUNNING", "me")
