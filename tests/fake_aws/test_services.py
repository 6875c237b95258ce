"""Services as AWS returns them: fields and defaults, rolling deployments, scaling, deletion, listing."""

import pytest
from botocore.exceptions import ClientError, WaiterError

from fake_aws.helpers import Site, advance_clock, client, error_of

DEFAULT_DEPLOYMENT_CONFIGURATION = {"deploymentCircuitBreaker": {"enable": False, "rollback": False}, "maximumPercent": 200, "minimumHealthyPercent": 100}


@pytest.fixture
def site(fake_aws):
    return Site(fake_aws, hosts=4)


def test_a_new_service_answers_with_aws_defaults(site):
    site.app()
    created = site.create_service()
    described = site.service()
    for service in (created, described):
        assert service["deploymentConfiguration"] == DEFAULT_DEPLOYMENT_CONFIGURATION
        assert (service["placementConstraints"], service["placementStrategy"]) == ([], [])
        assert (service["schedulingStrategy"], service["launchType"], service["propagateTags"]) == ("REPLICA", "EXTERNAL", "NONE")
        assert (service["enableExecuteCommand"], service["enableECSManagedTags"]) == (False, False)
        assert service["deploymentController"] == {"type": "ECS"}
        assert "createdAt" in service
        for absent in ("networkConfiguration", "capacityProviderStrategy", "healthCheckGracePeriodSeconds", "platformFamily"):
            assert absent not in service
    assert created["deployments"][0]["rolloutState"] == "IN_PROGRESS" and created["runningCount"] == 0


@pytest.mark.parametrize(
    ("member", "value", "expected"),
    [
        (
            "deploymentConfiguration",
            {"maximumPercent": 150, "minimumHealthyPercent": 50},
            {**DEFAULT_DEPLOYMENT_CONFIGURATION, "maximumPercent": 150, "minimumHealthyPercent": 50},
        ),
        (
            "deploymentConfiguration",
            {"deploymentCircuitBreaker": {"enable": True, "rollback": True}},
            {**DEFAULT_DEPLOYMENT_CONFIGURATION, "deploymentCircuitBreaker": {"enable": True, "rollback": True}},
        ),
        ("placementConstraints", [{"type": "memberOf", "expression": "attribute:ecs.os-type == linux"}], None),
        ("placementStrategy", [{"type": "spread", "field": "instanceId"}, {"type": "binpack", "field": "memory"}], None),
        ("enableExecuteCommand", True, None),
        ("enableECSManagedTags", True, None),
        ("propagateTags", "SERVICE", None),
        ("healthCheckGracePeriodSeconds", 30, None),
    ],
)
def test_services_keep_what_they_are_given(site, member, value, expected):
    site.host()
    site.app()
    created = site.create_service(**{member: value})
    assert created[member] == site.service()[member] == (value if expected is None else expected)


def test_tags_are_returned_when_asked_for_and_propagated(site):
    site.host()
    site.app()
    site.create_service(tags=[{"key": "team", "value": "edge"}], propagateTags="SERVICE", enableECSManagedTags=True)
    assert site.service(include=["TAGS"])["tags"] == [{"key": "team", "value": "edge"}]
    assert "tags" not in site.service()
    [task] = site.tasks()
    tags = site.ecs.describe_tasks(cluster="edge", tasks=[task["taskArn"]], include=["TAGS"])["tasks"][0]["tags"]
    assert {(tag["key"], tag["value"]) for tag in tags} == {("team", "edge"), ("aws:ecs:clusterName", "edge"), ("aws:ecs:serviceName", "app")}


def test_update_service_merges_the_deployment_configuration_and_keeps_settings(site):
    site.host()
    site.app()
    site.create_service(deploymentConfiguration={"maximumPercent": 150})
    updated = site.ecs.update_service(cluster="edge", service="app", deploymentConfiguration={"minimumHealthyPercent": 50}, healthCheckGracePeriodSeconds=10)
    service = updated["service"]
    assert service["deploymentConfiguration"] == {**DEFAULT_DEPLOYMENT_CONFIGURATION, "maximumPercent": 150, "minimumHealthyPercent": 50}
    assert service["healthCheckGracePeriodSeconds"] == 10
    assert len(service["deployments"]) == 1  # neither starts new tasks


PORT_BOUND = {"portMappings": [{"containerPort": 80, "hostPort": 8080}]}


@pytest.mark.parametrize(
    ("container", "maximum", "minimum", "completes"),
    [
        ({}, 200, 100, True),  # room to start the new tasks first
        (PORT_BOUND, 200, 100, False),  # the new tasks need the old ones' port, and none may stop first
        (PORT_BOUND, 200, 50, True),  # one old task may stop first, then the next
        (PORT_BOUND, 100, 0, True),
        (PORT_BOUND, 100, 100, False),  # neither more nor fewer tasks allowed: no way forward
    ],
)
def test_a_new_revision_rolls_out_within_the_deployment_configuration(site, container, maximum, minimum, completes):
    hosts = {site.host()[1]["containerInstanceArn"], site.host()[1]["containerInstanceArn"]}
    first = site.app(**container)
    site.create_service(desiredCount=2, deploymentConfiguration={"maximumPercent": maximum, "minimumHealthyPercent": minimum})
    site.wait("services_stable", services=["app"])
    old = site.service()["deployments"][0]
    second = site.app(revision_note="2", **container)
    updated = site.ecs.update_service(cluster="edge", service="app", taskDefinition="app")["service"]
    assert [(d["status"], d["taskDefinition"]) for d in updated["deployments"]] == [("PRIMARY", second), ("ACTIVE", first)]
    if not completes:
        with pytest.raises(WaiterError):
            site.wait("services_stable", services=["app"])
        assert len(site.service()["deployments"]) == 2
        return
    site.wait("services_stable", services=["app"])
    service = site.service()
    [deployment] = service["deployments"]
    assert (deployment["taskDefinition"], deployment["rolloutState"], service["taskDefinition"]) == (second, "COMPLETED", second)
    tasks = site.tasks(serviceName="app")
    assert [task["taskDefinitionArn"] for task in tasks] == [second, second]
    assert {task["containerInstanceArn"] for task in tasks} <= hosts
    retired = site.tasks(serviceName="app", desiredStatus="STOPPED")
    scaling = f"Scaling activity initiated by (deployment {old['id']})"
    assert [(task["stoppedReason"], task["stopCode"]) for task in retired] == [(scaling, "ServiceSchedulerInitiated")] * 2
    messages = [event["message"] for event in service["events"]]
    assert messages[:2] == ["(service app) has reached a steady state.", f"(service app) (deployment {deployment['id']}) deployment completed."]


def test_force_new_deployment_replaces_every_task(site):
    site.host()
    site.app()
    site.create_service(desiredCount=2)
    before = {task["taskArn"] for task in site.tasks()}
    updated = site.ecs.update_service(cluster="edge", service="app", forceNewDeployment=True)["service"]
    assert len(updated["deployments"]) == 2
    site.wait("services_stable", services=["app"])
    after = {task["taskArn"] for task in site.tasks()}
    assert len(after) == 2 and not before & after


@pytest.mark.parametrize(("desired", "stopped"), [(3, 0), (1, 1), (0, 2)])
def test_desired_count_changes_in_place(site, desired, stopped):
    site.host()
    site.app()
    site.create_service(desiredCount=2)
    site.ecs.update_service(cluster="edge", service="app", desiredCount=desired)
    site.wait("services_stable", services=["app"])
    service = site.service()
    assert (service["runningCount"], len(service["deployments"])) == (desired, 1)
    assert len(site.tasks(serviceName="app", desiredStatus="STOPPED")) == stopped


def test_a_stopped_service_task_is_replaced(site):
    site.host()
    site.app()
    site.create_service()
    [task] = site.tasks()
    site.ecs.stop_task(cluster="edge", task=task["taskArn"])
    [replacement] = site.tasks()
    assert replacement["taskArn"] != task["taskArn"] and site.service()["runningCount"] == 1


def test_delete_service_refuses_a_service_scaled_above_zero(site):
    site.app()
    site.create_service()
    with pytest.raises(ClientError) as excinfo:
        site.ecs.delete_service(cluster="edge", service="app")
    assert error_of(excinfo) == ("InvalidParameterException", "The service cannot be stopped while it is scaled above 0.", 400)


@pytest.mark.parametrize("how", ["force", "scale to zero first"])
def test_a_deleted_service_drains_then_is_inactive(site, how):
    site.host()
    site.app()
    site.create_service(desiredCount=2)
    if how == "force":
        deleted = site.ecs.delete_service(cluster="edge", service="app", force=True)["service"]
    else:
        site.ecs.update_service(cluster="edge", service="app", desiredCount=0)
        deleted = site.ecs.delete_service(cluster="edge", service="app")["service"]
    assert (deleted["status"], deleted["desiredCount"]) == ("DRAINING", 0)
    site.wait("services_inactive", services=["app"])
    assert site.tasks() == []
    assert site.ecs.list_services(cluster="edge")["serviceArns"] == []
    advance_clock(site.endpoint, 3601)
    assert site.ecs.describe_services(cluster="edge", services=["app"])["failures"][0]["reason"] == "MISSING"


@pytest.mark.parametrize(
    ("arrange", "message"),
    [
        (lambda site: None, "Creation of service was not idempotent."),
        (lambda site: site.ecs.delete_service(cluster="edge", service="app", force=True), "Unable to Start a service that is still Draining."),
    ],
)
def test_a_service_name_in_use_is_refused(site, arrange, message):
    site.host()
    site.app()
    site.create_service()
    arrange(site)
    with pytest.raises(ClientError) as excinfo:
        site.ecs.create_service(cluster="edge", serviceName="app", taskDefinition="app", desiredCount=1, launchType="EXTERNAL")
    assert error_of(excinfo)[:2] == ("InvalidParameterException", message)


def test_a_deleted_service_can_be_created_again(site):
    site.app()
    site.create_service(desiredCount=0)
    site.ecs.delete_service(cluster="edge", service="app")
    site.wait("services_inactive", services=["app"])
    assert site.create_service(desiredCount=0)["status"] == "ACTIVE"


def test_an_inactive_service_takes_no_updates(site):
    site.app()
    site.create_service(desiredCount=0)
    site.ecs.delete_service(cluster="edge", service="app")
    with pytest.raises(ClientError) as excinfo:
        site.ecs.update_service(cluster="edge", service="app", desiredCount=1)
    assert error_of(excinfo)[:2] == ("ServiceNotActiveException", "Service was not ACTIVE.")


def test_list_services_pages_by_ten(site):
    site.app()
    for index in range(12):
        site.create_service(name=f"app-{index:02d}", desiredCount=0)
    first = site.ecs.list_services(cluster="edge")
    second = site.ecs.list_services(cluster="edge", nextToken=first["nextToken"])
    assert (len(first["serviceArns"]), len(second["serviceArns"]), "nextToken" in second) == (10, 2, False)
    paginated = site.ecs.get_paginator("list_services").paginate(cluster="edge").build_full_result()["serviceArns"]
    assert [arn.rsplit("/", 1)[1] for arn in paginated] == [f"app-{index:02d}" for index in range(12)]


def test_fargate_services_run_without_container_instances(site):
    subnet = client(site.endpoint, "ec2").describe_subnets()["Subnets"][0]["SubnetId"]
    strategy = [{"capacityProvider": "FARGATE", "weight": 1}]
    site.ecs.put_cluster_capacity_providers(cluster="edge", capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=strategy)
    site.register_task_definition(family="app", requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512")
    network = {"awsvpcConfiguration": {"subnets": [subnet]}}
    created = site.ecs.create_service(cluster="edge", serviceName="app", taskDefinition="app", desiredCount=2, networkConfiguration=network)["service"]
    assert created["capacityProviderStrategy"] == strategy
    assert "launchType" not in created
    site.wait("services_stable", services=["app"])
    tasks = site.tasks(serviceName="app")
    assert [(task["launchType"], task.get("capacityProviderName"), "containerInstanceArn" in task) for task in tasks] == [("FARGATE", "FARGATE", False)] * 2


def test_a_family_names_its_latest_active_revision(site):
    site.host()
    first = site.app()
    second = site.app(revision_note="2")
    site.create_service()
    assert site.service()["taskDefinition"] == second
    site.ecs.deregister_task_definition(taskDefinition=second)
    assert site.ecs.describe_task_definition(taskDefinition="app")["taskDefinition"]["taskDefinitionArn"] == first
    site.ecs.update_service(cluster="edge", service="app", taskDefinition="app")
    site.wait("services_stable", services=["app"])
    assert [task["taskDefinitionArn"] for task in site.tasks()] == [first]
