"""Custom attributes of container instances: PutAttributes, DeleteAttributes, ListAttributes as AWS answers them."""

import pytest
from botocore.exceptions import ClientError

from fake_aws.helpers import Site, error_of


@pytest.fixture
def site(fake_aws):
    return Site(fake_aws)


def custom(site, arn):
    """The instance's attributes that its agent did not report, name to value."""
    reported = {"ecs.os-type", "ecs.os-family", "ecs.cpu-architecture", "ecs.capability.external", "com.amazonaws.ecs.capability.docker-remote-api.1.44"}
    return {item["name"]: item.get("value") for item in site.describe(arn)["attributes"] if item["name"] not in reported}


def target(instance, form):
    """The instance named as the request's ``form`` says: full ARN, or short id with its target type."""
    if form == "arn":
        return {"targetId": instance["containerInstanceArn"]}
    if form == "arn and type":
        return {"targetId": instance["containerInstanceArn"], "targetType": "container-instance"}
    return {"targetId": instance["containerInstanceArn"].rsplit("/", 1)[-1], "targetType": "container-instance"}


FORMS = ["arn", "arn and type", "id and type"]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("value", ["lab", None])
def test_delete_attributes_removes_by_name_and_target_without_the_value(site, form, value):
    _mi, instance = site.host()
    arn = instance["containerInstanceArn"]
    site.ecs.put_attributes(cluster=site.cluster, attributes=[{"name": "site", **({"value": value} if value else {}), **target(instance, form)}])
    assert custom(site, arn) == {"site": value}
    answer = site.ecs.delete_attributes(cluster=site.cluster, attributes=[{"name": "site", **target(instance, form)}])
    assert custom(site, arn) == {}
    # AWS answers the attributes deleted, with the value each had.
    assert answer["attributes"] == [{"name": "site", **target(instance, form), **({"value": value} if value else {})}]


def test_delete_attributes_ignores_a_value_that_does_not_match(site):
    _mi, instance = site.host()
    arn = instance["containerInstanceArn"]
    site.ecs.put_attributes(cluster=site.cluster, attributes=[{"name": "site", "value": "lab", "targetId": arn}])
    site.ecs.delete_attributes(cluster=site.cluster, attributes=[{"name": "site", "value": "elsewhere", "targetId": arn}])
    assert custom(site, arn) == {}


def test_delete_attributes_leaves_other_instances_and_attributes(site):
    instances = [site.host()[1]["containerInstanceArn"] for _host in range(2)]
    for arn in instances:
        attributes = [{"name": "site", "value": "lab", "targetId": arn}, {"name": "rack", "value": "r1", "targetId": arn}]
        site.ecs.put_attributes(cluster=site.cluster, attributes=attributes)
    site.ecs.delete_attributes(cluster=site.cluster, attributes=[{"name": "site", "targetId": instances[0]}])
    assert custom(site, instances[0]) == {"rack": "r1"}
    assert custom(site, instances[1]) == {"site": "lab", "rack": "r1"}


def test_put_attributes_replaces_a_value(site):
    arn = site.host()[1]["containerInstanceArn"]
    for value in ("lab", "edge"):
        answer = site.ecs.put_attributes(cluster=site.cluster, attributes=[{"name": "site", "value": value, "targetId": arn}])
        assert answer["attributes"] == [{"name": "site", "value": value, "targetId": arn}]
    assert custom(site, arn) == {"site": "edge"}


@pytest.mark.parametrize("action", ["put_attributes", "delete_attributes"])
def test_an_unknown_target_changes_nothing(site, action):
    arn = site.host()[1]["containerInstanceArn"]
    site.ecs.put_attributes(cluster=site.cluster, attributes=[{"name": "site", "value": "lab", "targetId": arn}])
    unknown = arn.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"
    attributes = [{"name": "site", "value": "elsewhere", "targetId": arn}, {"name": "site", "value": "elsewhere", "targetId": unknown}]
    with pytest.raises(ClientError) as excinfo:
        getattr(site.ecs, action)(cluster=site.cluster, attributes=attributes)
    assert error_of(excinfo)[0::2] == ("TargetNotFoundException", 400)
    assert custom(site, arn) == {"site": "lab"}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {("site", "lab", 0), ("site", "edge", 1), ("rack", None, 0)}),
        ({"attributeName": "site"}, {("site", "lab", 0), ("site", "edge", 1)}),
        ({"attributeName": "site", "attributeValue": "edge"}, {("site", "edge", 1)}),
        ({"attributeName": "rack"}, {("rack", None, 0)}),
        ({"attributeName": "nowhere"}, set()),
    ],
)
def test_list_attributes_filters_by_name_and_value(site, filters, expected):
    instances = [site.host()[1]["containerInstanceArn"] for _host in range(2)]
    site.ecs.put_attributes(
        cluster=site.cluster,
        attributes=[
            {"name": "site", "value": "lab", "targetId": instances[0]},
            {"name": "rack", "targetId": instances[0]},
            {"name": "site", "value": "edge", "targetId": instances[1]},
        ],
    )
    # Another cluster's instance with the same attribute is not listed.
    site.ecs.create_cluster(clusterName="other")
    other = site.host(cluster="other")[1]["containerInstanceArn"]
    site.ecs.put_attributes(cluster="other", attributes=[{"name": "site", "value": "lab", "targetId": other}])
    listed = site.ecs.list_attributes(cluster=site.cluster, targetType="container-instance", **filters)["attributes"]
    custom_names = {"site", "rack"}
    found = {(item["name"], item.get("value"), instances.index(item["targetId"])) for item in listed if item["name"] in custom_names}
    assert found == expected


def test_list_attributes_of_a_missing_cluster(site):
    with pytest.raises(ClientError) as excinfo:
        site.ecs.list_attributes(cluster="nowhere", targetType="container-instance")
    assert error_of(excinfo)[0] == "ClusterNotFoundException"
