"""ECS's limits and reads: what AWS refuses is refused here, and reads answer what AWS answers."""

import json
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import NO_DELAYS
from fake_aws.helpers import ATTRIBUTES, CONTAINER, Site, client, error_of


@pytest.fixture
def site(fake_aws):
    site = Site(fake_aws, hosts=2)
    site.app()
    return site


def raw_ecs(endpoint, action, body):
    """(status, answer) of an ECS call sent as JSON, as a client that skips botocore's checks would send it."""
    request = urllib.request.Request(
        endpoint.url + "/",
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"AmazonEC2ContainerServiceV20141113.{action}",
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ecs/aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def code_of(answer):
    return answer.get("__type", "").rsplit("#", 1)[-1]


@pytest.mark.parametrize(
    "tags, text",
    [
        ([{"key": f"k{index}", "value": "v"} for index in range(51)], "at most 50 tags"),
        ([{"key": "k" * 129, "value": "v"}], "1 to 128 characters"),
        ([{"key": "site", "value": "v" * 257}], "at most 256"),
        ([{"key": "aws:team", "value": "edge"}], "aws:"),
        ([{"key": "team", "value": "AWS:edge"}], "aws:"),
    ],
)
def test_tags_beyond_aws_limits_are_refused(fake_aws, tags, text):
    with pytest.raises(ClientError) as excinfo:
        client(fake_aws, "ecs").create_cluster(clusterName="edge", tags=tags)
    code, message, _status = error_of(excinfo)
    assert code == "InvalidParameterException" and text in message


def test_tag_resource_counts_the_tags_a_resource_has(fake_aws):
    ecs = client(fake_aws, "ecs")
    arn = ecs.create_cluster(clusterName="edge", tags=[{"key": f"k{index}", "value": "v"} for index in range(45)])["cluster"]["clusterArn"]
    ecs.tag_resource(resourceArn=arn, tags=[{"key": f"k{index}", "value": "w"} for index in range(40, 50)])  # 5 replaced, 5 new: 50
    with pytest.raises(ClientError) as excinfo:
        ecs.tag_resource(resourceArn=arn, tags=[{"key": "one-more", "value": "v"}])
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_ten_custom_attributes_per_instance(site):
    _instance_id, instance = site.host()
    arn = instance["containerInstanceArn"]
    attributes = [{"name": f"custom-{index}", "value": "x", "targetId": arn} for index in range(10)]
    site.ecs.put_attributes(cluster=site.cluster, attributes=attributes)  # the agent's ecs.* attributes do not count
    with pytest.raises(ClientError) as excinfo:
        site.ecs.put_attributes(cluster=site.cluster, attributes=[{"name": "custom-10", "targetId": arn}])
    assert error_of(excinfo)[:2] == ("AttributeLimitExceededException", "You can apply up to 10 custom attributes for each resource.")
    site.ecs.put_attributes(cluster=site.cluster, attributes=[{"name": "custom-0", "value": "y", "targetId": arn}])  # replacing one is fine


@pytest.mark.parametrize("attribute", [{"name": "no spaces"}, {"name": "x" * 129}, {"name": "site", "value": " lab"}, {"name": "site", "value": "a;b"}])
def test_attribute_names_and_values_follow_aws_rules(site, attribute):
    arn = site.host()[1]["containerInstanceArn"]
    with pytest.raises(ClientError) as excinfo:
        site.ecs.put_attributes(cluster=site.cluster, attributes=[dict(attribute, targetId=arn)])
    assert error_of(excinfo)[0] == "InvalidParameterException"


@pytest.mark.parametrize("count", [0, 11])
def test_run_task_count_is_one_to_ten(site, count):
    site.host()
    with pytest.raises(ClientError) as excinfo:
        site.ecs.run_task(cluster=site.cluster, taskDefinition="app", launchType="EXTERNAL", count=count)
    assert error_of(excinfo)[0] == "InvalidParameterException"


@pytest.mark.parametrize(
    "action, params",
    [
        ("create_cluster", {"clusterName": "no spaces"}),
        ("create_cluster", {"clusterName": "x" * 256}),
        ("create_service", {"cluster": "edge", "serviceName": "web/1", "taskDefinition": "app", "desiredCount": 1, "launchType": "EXTERNAL"}),
        ("create_service", {"cluster": "edge", "serviceName": "web", "taskDefinition": "app", "desiredCount": -1, "launchType": "EXTERNAL"}),
        ("create_service", {"cluster": "edge", "serviceName": "web", "taskDefinition": "app", "desiredCount": 1, "launchType": "EXTERNAL",
                            "deploymentConfiguration": {"minimumHealthyPercent": -50}}),
    ],
)  # fmt: skip
def test_names_and_counts_aws_refuses(site, action, params):
    with pytest.raises(ClientError) as excinfo:
        getattr(site.ecs, action)(**params)
    assert error_of(excinfo)[0] == "InvalidParameterException"


@pytest.mark.parametrize(
    "definition, code",
    [
        ({"family": "web", "containerDefinitions": []}, "ClientException"),
        ({"family": "web", "containerDefinitions": [CONTAINER, CONTAINER]}, "ClientException"),
        ({"family": "web app", "containerDefinitions": [CONTAINER]}, "InvalidParameterException"),
        ({"family": "web", "containerDefinitions": [dict(CONTAINER, portMappings=[{"containerPort": 70000}])]}, "ClientException"),
        ({"family": "web", "containerDefinitions": [dict(CONTAINER, portMappings=[{"containerPort": 80, "hostPort": -1}])]}, "ClientException"),
        ({"family": "web", "containerDefinitions": [dict(CONTAINER, memory="lots")]}, "SerializationException"),
    ],
)
def test_task_definitions_aws_refuses_never_500(fake_aws, definition, code):
    status, answer = raw_ecs(fake_aws, "RegisterTaskDefinition", definition)
    assert (status, code_of(answer)) == (400, code), answer


@pytest.mark.parametrize("reference", ["web:abc", "web:0", "web:-1", "web:1:2"])
def test_a_malformed_revision_is_a_client_exception(site, reference):
    with pytest.raises(ClientError) as excinfo:
        site.ecs.describe_task_definition(taskDefinition=reference)
    code, _message, status = error_of(excinfo)
    assert (code, status) == ("ClientException", 400)


def test_describe_clusters_includes_only_what_is_asked(site):
    site.ecs.tag_resource(resourceArn=site.ecs.describe_clusters(clusters=[site.cluster])["clusters"][0]["clusterArn"], tags=[{"key": "a", "value": "1"}])
    bare = site.ecs.describe_clusters(clusters=[site.cluster])["clusters"][0]
    assert not {"settings", "configuration", "statistics", "tags"} & set(bare)
    full = site.ecs.describe_clusters(clusters=[site.cluster], include=["SETTINGS", "CONFIGURATIONS", "STATISTICS", "TAGS"])["clusters"][0]
    assert full["settings"] == [{"name": "containerInsights", "value": "disabled"}] and "tags" in full


def test_list_container_instances_honours_the_filter(site):
    site.host()
    lab = site.lab_host()[1]["containerInstanceArn"]
    listed = site.ecs.list_container_instances(cluster=site.cluster, filter="attribute:site == lab")["containerInstanceArns"]
    assert listed == [lab]
    assert len(site.ecs.list_container_instances(cluster=site.cluster, filter="attribute:ecs.os-type == linux")["containerInstanceArns"]) == 2
    with pytest.raises(ClientError) as excinfo:
        site.ecs.list_container_instances(cluster=site.cluster, filter="attribute:site ==")
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_list_services_leaves_out_draining_ones(fake_aws_started_with):
    # Tasks take a minute to stop here, so the deleted service stays DRAINING while it is listed.
    site = Site(fake_aws_started_with({**NO_DELAYS, "FAKE_AWS_TASK_STOP": "60"}))
    site.host()
    site.app()
    site.create_service(name="gone")
    site.create_service(name="kept")
    site.ecs.delete_service(cluster=site.cluster, service="gone", force=True)
    assert site.service("gone")["status"] == site.service("gone")["status"] == "DRAINING"
    assert [arn.rsplit("/", 1)[1] for arn in site.ecs.list_services(cluster=site.cluster)["serviceArns"]] == ["kept"]


def test_create_cluster_with_an_existing_name_returns_it_unchanged(fake_aws):
    ecs = client(fake_aws, "ecs")
    first = ecs.create_cluster(clusterName="edge", settings=[{"name": "containerInsights", "value": "enabled"}], tags=[{"key": "a", "value": "1"}])
    again = ecs.create_cluster(clusterName="edge", settings=[{"name": "containerInsights", "value": "disabled"}])["cluster"]
    assert again["clusterArn"] == first["cluster"]["clusterArn"]
    described = ecs.describe_clusters(clusters=["edge"], include=["SETTINGS", "TAGS"])["clusters"][0]
    assert described["settings"] == [{"name": "containerInsights", "value": "enabled"}]
    assert described["tags"] == [{"key": "a", "value": "1"}]


def test_agent_attributes_do_not_count_as_custom(site):
    many = ATTRIBUTES + [{"name": f"com.amazonaws.ecs.capability.docker-remote-api.1.{minor}"} for minor in range(17, 45)]
    arn = site.host(attributes=many)[1]["containerInstanceArn"]
    site.ecs.put_attributes(cluster=site.cluster, attributes=[{"name": "site", "value": "lab", "targetId": arn}])
