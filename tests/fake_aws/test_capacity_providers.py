"""Capacity providers as ECS keeps them: listing (FARGATE and FARGATE_SPOT included), creation checks, updates, deletion."""

import pytest
from botocore.exceptions import ClientError

from fake_aws.capacity import (
    ALREADY_EXISTS,
    ASSOCIATED,
    BAD_NAME,
    DOES_NOT_EXIST,
    GROUP_IN_USE,
    GROUP_UNPROTECTED,
    IN_USE,
    RESERVED_PREFIX,
    SCALING_DISABLED,
)
from fake_aws.helpers import advance_clock, auto_scaling_group, client, error_of

ACCOUNT_ARN = "arn:aws:ecs:us-east-1:123456789012:capacity-provider/"
SCALING_ON = {"status": "ENABLED", "targetCapacity": 90}
SCALING_DEFAULTS = {"minimumScalingStepSize": 1, "maximumScalingStepSize": 10000, "instanceWarmupPeriod": 300}


@pytest.fixture
def ecs(fake_aws):
    return client(fake_aws, "ecs")


def create(ecs, name, group, **settings):
    """CreateCapacityProvider for the Auto Scaling group ``group`` (ARN or name): the provider."""
    return ecs.create_capacity_provider(name=name, autoScalingGroupProvider={"autoScalingGroupArn": group, **settings})["capacityProvider"]


def provider(ecs, name, **params):
    found = ecs.describe_capacity_providers(capacityProviders=[name], **params)
    assert found["failures"] == []
    return found["capacityProviders"][0]


def listed(ecs, **params):
    """Every provider DescribeCapacityProviders lists, page after page: (name, status) pairs, and the page sizes."""
    pairs, sizes = [], []
    while True:
        answer = ecs.describe_capacity_providers(**params)
        pairs.extend((item["name"], item["status"]) for item in answer["capacityProviders"])
        sizes.append(len(answer["capacityProviders"]))
        if "nextToken" not in answer:
            return pairs, sizes
        params["nextToken"] = answer["nextToken"]


def change(ecs, action, name):
    """UpdateCapacityProvider or DeleteCapacityProvider of ``name``."""
    if action == "update":
        return ecs.update_capacity_provider(name=name, autoScalingGroupProvider={"managedDraining": "DISABLED"})
    return ecs.delete_capacity_provider(capacityProvider=name)


def refused(call, code="ClientException"):
    """The message of the error ``call`` raises, which must be ``code`` with HTTP 400."""
    with pytest.raises(ClientError) as excinfo:
        call()
    found, message, status = error_of(excinfo)
    assert (found, status) == (code, 400), message
    return message


# -- DescribeCapacityProviders -----------------------------------------------------------------------


def test_every_account_lists_fargate_and_fargate_spot(ecs):
    answer = ecs.describe_capacity_providers()
    assert answer["capacityProviders"] == [
        {"capacityProviderArn": ACCOUNT_ARN + "FARGATE", "name": "FARGATE", "status": "ACTIVE", "type": "FARGATE"},
        {"capacityProviderArn": ACCOUNT_ARN + "FARGATE_SPOT", "name": "FARGATE_SPOT", "status": "ACTIVE", "type": "FARGATE_SPOT"},
    ]
    assert (answer["failures"], "nextToken" in answer) == ([], False)


@pytest.mark.parametrize("name", ["FARGATE", "FARGATE_SPOT"])
@pytest.mark.parametrize("by", ["name", "arn"])
def test_fargate_providers_are_described_by_name_or_arn(ecs, name, by):
    found = provider(ecs, name if by == "name" else ACCOUNT_ARN + name, include=["TAGS"])
    assert found == {"capacityProviderArn": ACCOUNT_ARN + name, "name": name, "status": "ACTIVE", "type": name, "tags": []}


@pytest.mark.parametrize(
    ("reference", "arn"),
    [
        ("nowhere", ACCOUNT_ARN + "nowhere"),
        (ACCOUNT_ARN + "nowhere", ACCOUNT_ARN + "nowhere"),
        ("arn:aws:ecs:eu-west-1:123456789012:capacity-provider/FARGATE", "arn:aws:ecs:eu-west-1:123456789012:capacity-provider/FARGATE"),
    ],
)
def test_unknown_providers_are_missing(ecs, reference, arn):
    answer = ecs.describe_capacity_providers(capacityProviders=["FARGATE", reference])
    assert [item["name"] for item in answer["capacityProviders"]] == ["FARGATE"]
    assert answer["failures"] == [{"arn": arn, "reason": "MISSING"}]


@pytest.mark.parametrize(("max_results", "sizes"), [(None, [10, 1]), (10, [10, 1]), (4, [4, 4, 3]), (1, [1] * 11)])
def test_the_listing_pages_by_ten_at_most(fake_aws, ecs, max_results, sizes):
    names = [f"cp-{index}" for index in range(9)]
    for name in names:
        create(ecs, name, auto_scaling_group(fake_aws, name))
    pairs, found_sizes = listed(ecs, **({"maxResults": max_results} if max_results else {}))
    assert [name for name, _status in pairs] == names + ["FARGATE", "FARGATE_SPOT"]
    assert found_sizes == sizes


@pytest.mark.parametrize(("params", "message"), [({"maxResults": 0}, "maxResults"), ({"maxResults": 11}, "maxResults"), ({"nextToken": "???"}, "nextToken")])
def test_bad_paging_is_refused(ecs, params, message):
    assert message in refused(lambda: ecs.describe_capacity_providers(**params), "InvalidParameterException")


@pytest.mark.parametrize("include", [None, ["TAGS"]])
def test_tags_only_when_asked_for(fake_aws, ecs, include):
    create(ecs, "edge", auto_scaling_group(fake_aws, "edge"))
    ecs.tag_resource(resourceArn=ACCOUNT_ARN + "edge", tags=[{"key": "team", "value": "edge"}])
    params = {"include": include} if include else {}
    by_name = provider(ecs, "edge", **params)
    everyone = ecs.describe_capacity_providers(**params)["capacityProviders"]
    if include:
        assert by_name["tags"] == [{"key": "team", "value": "edge"}]
        assert [item["tags"] for item in everyone] == [[{"key": "team", "value": "edge"}], [], []]
    else:
        assert "tags" not in by_name
        assert all("tags" not in item for item in everyone)
    assert ecs.list_tags_for_resource(resourceArn=ACCOUNT_ARN + "edge")["tags"] == [{"key": "team", "value": "edge"}]


# -- CreateCapacityProvider ------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["arn", "name"])
def test_an_auto_scaling_group_provider_as_aws_makes_it(fake_aws, ecs, by):
    arn = auto_scaling_group(fake_aws, "workers", protected=True)
    made = create(ecs, "edge", arn if by == "arn" else "workers", managedScaling=SCALING_ON, managedTerminationProtection="ENABLED")
    assert made == {
        "capacityProviderArn": ACCOUNT_ARN + "edge",
        "name": "edge",
        "status": "ACTIVE",
        "type": "EC2_AUTOSCALING",
        "autoScalingGroupProvider": {
            "autoScalingGroupArn": arn,  # a group named is kept by its ARN
            "managedScaling": {**SCALING_ON, **SCALING_DEFAULTS},
            "managedTerminationProtection": "ENABLED",
            "managedDraining": "ENABLED",  # AWS's default
        },
        "tags": [],
    }
    assert provider(ecs, "edge") == {key: value for key, value in made.items() if key != "tags"}


def test_managed_draining_is_kept_as_given(fake_aws, ecs):
    made = create(ecs, "edge", auto_scaling_group(fake_aws, "workers"), managedDraining="DISABLED")
    assert made["autoScalingGroupProvider"]["managedDraining"] == "DISABLED"


@pytest.mark.parametrize("name", ["aws-workers", "ecs-workers", "fargate-workers", "AWSworkers", "Ecs_workers", "FARGATEX", "fargate"])
def test_reserved_prefixes_are_refused(fake_aws, ecs, name):
    group = auto_scaling_group(fake_aws, "workers")
    assert refused(lambda: create(ecs, name, group)) == RESERVED_PREFIX
    assert ecs.describe_capacity_providers(capacityProviders=[name])["capacityProviders"] == []


@pytest.mark.parametrize("name", ["with space", "dotted.name", "x" * 256, "ümlaut"])
def test_malformed_names_are_refused(fake_aws, ecs, name):
    group = auto_scaling_group(fake_aws, "workers")
    assert refused(lambda: create(ecs, name, group)) == BAD_NAME


@pytest.mark.parametrize("name", ["edge", "FARGATE", "FARGATE_SPOT"])
def test_a_name_in_use_is_refused(fake_aws, ecs, name):
    create(ecs, "edge", auto_scaling_group(fake_aws, "workers"))
    other = auto_scaling_group(fake_aws, "other")
    assert refused(lambda: create(ecs, name, other)) == ALREADY_EXISTS
    assert len(listed(ecs)[0]) == 3


@pytest.mark.parametrize("group", ["nowhere", "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:0:autoScalingGroupName/nowhere", "WORKERS"])
def test_an_auto_scaling_group_that_does_not_exist_is_refused(fake_aws, ecs, group):
    auto_scaling_group(fake_aws, "workers")
    message = refused(lambda: create(ecs, "edge", group))
    assert message.startswith(f"The specified Auto Scaling group {group} does not exist.")
    assert ecs.describe_capacity_providers(capacityProviders=["edge"])["failures"][0]["reason"] == "MISSING"


@pytest.mark.parametrize("by", ["arn", "name"])
def test_a_group_another_provider_uses_is_refused(fake_aws, ecs, by):
    arn = auto_scaling_group(fake_aws, "workers")
    create(ecs, "edge", arn)
    assert refused(lambda: create(ecs, "second", arn if by == "arn" else "workers")) == GROUP_IN_USE


@pytest.mark.parametrize(
    ("protected", "scaling", "message"),
    [
        (True, None, SCALING_DISABLED),
        (True, {"status": "DISABLED"}, SCALING_DISABLED),
        (True, {"targetCapacity": 80}, SCALING_DISABLED),  # managed scaling is off unless turned on
        (False, SCALING_ON, GROUP_UNPROTECTED),
    ],
)
def test_termination_protection_needs_managed_scaling_and_a_protected_group(fake_aws, ecs, protected, scaling, message):
    group = auto_scaling_group(fake_aws, "workers", protected=protected)
    settings = {"managedTerminationProtection": "ENABLED", **({"managedScaling": scaling} if scaling else {})}
    assert refused(lambda: create(ecs, "edge", group, **settings)) == message
    assert ecs.describe_capacity_providers(capacityProviders=["edge"])["capacityProviders"] == []
    # Nothing of the refused provider is left: its group is free.
    create(ecs, "edge", group)


# -- UpdateCapacityProvider ----------------------------------------------------------------------------------


def test_update_merges_what_it_is_given_managed_draining_included(fake_aws, ecs):
    create(ecs, "edge", auto_scaling_group(fake_aws, "workers", protected=True), managedScaling={"status": "ENABLED", "maximumScalingStepSize": 4})
    for draining in ("DISABLED", "ENABLED"):
        updated = ecs.update_capacity_provider(name="edge", autoScalingGroupProvider={"managedDraining": draining})["capacityProvider"]
        assert (updated["autoScalingGroupProvider"]["managedDraining"], updated["updateStatus"]) == (draining, "UPDATE_COMPLETE")
        assert provider(ecs, "edge")["autoScalingGroupProvider"]["managedDraining"] == draining
    update = {"managedScaling": {"targetCapacity": 75}, "managedTerminationProtection": "ENABLED"}
    ecs.update_capacity_provider(name=ACCOUNT_ARN + "edge", autoScalingGroupProvider=update)
    settings = provider(ecs, "edge")["autoScalingGroupProvider"]
    assert settings["managedScaling"] == {**SCALING_DEFAULTS, "status": "ENABLED", "targetCapacity": 75, "maximumScalingStepSize": 4}
    assert (settings["managedTerminationProtection"], settings["managedDraining"]) == ("ENABLED", "ENABLED")


@pytest.mark.parametrize(
    ("protected", "update", "message"),
    [
        (True, {"managedTerminationProtection": "ENABLED"}, SCALING_DISABLED),
        (False, {"managedTerminationProtection": "ENABLED", "managedScaling": {"status": "ENABLED"}}, GROUP_UNPROTECTED),
    ],
)
def test_update_checks_termination_protection_and_changes_nothing_when_refused(fake_aws, ecs, protected, update, message):
    before = create(ecs, "edge", auto_scaling_group(fake_aws, "workers", protected=protected))
    assert refused(lambda: ecs.update_capacity_provider(name="edge", autoScalingGroupProvider=update)) == message
    assert provider(ecs, "edge", include=["TAGS"]) == before


def test_turning_off_managed_scaling_under_termination_protection_is_refused(fake_aws, ecs):
    create(ecs, "edge", auto_scaling_group(fake_aws, "workers", protected=True), managedScaling=SCALING_ON, managedTerminationProtection="ENABLED")
    update = {"managedScaling": {"status": "DISABLED"}}
    assert refused(lambda: ecs.update_capacity_provider(name="edge", autoScalingGroupProvider=update)) == SCALING_DISABLED
    assert provider(ecs, "edge")["autoScalingGroupProvider"]["managedScaling"]["status"] == "ENABLED"


@pytest.mark.parametrize("action", ["update", "delete"])
@pytest.mark.parametrize("name", ["nowhere", ACCOUNT_ARN + "nowhere", "deleted"])
def test_unknown_or_deleted_providers_cannot_be_changed(fake_aws, ecs, action, name):
    create(ecs, "deleted", auto_scaling_group(fake_aws, "workers"))
    ecs.delete_capacity_provider(capacityProvider="deleted")
    assert refused(lambda: change(ecs, action, name)) == DOES_NOT_EXIST


@pytest.mark.parametrize("action", ["update", "delete"])
@pytest.mark.parametrize("name", ["FARGATE", "FARGATE_SPOT", ACCOUNT_ARN + "FARGATE"])
def test_fargate_providers_cannot_be_changed(ecs, action, name):
    assert "reserved" in refused(lambda: change(ecs, action, name))
    assert listed(ecs)[0] == [("FARGATE", "ACTIVE"), ("FARGATE_SPOT", "ACTIVE")]


# -- DeleteCapacityProvider -------------------------------------------------------------------------------------


@pytest.mark.parametrize("listed_as", ["name", "arn"])
def test_a_provider_a_cluster_has_is_not_deleted(fake_aws, ecs, listed_as):
    create(ecs, "edge", auto_scaling_group(fake_aws, "workers"))
    ecs.create_cluster(clusterName="site-b", capacityProviders=["edge" if listed_as == "name" else ACCOUNT_ARN + "edge"])
    ecs.create_cluster(clusterName="site-a", capacityProviders=["edge"])
    reason = ASSOCIATED.format(cluster="site-a")  # the first cluster, by name
    # AWS answers the failure (HTTP 200) and keeps it on the provider.
    answer = ecs.delete_capacity_provider(capacityProvider="edge")["capacityProvider"]
    assert (answer["status"], answer["updateStatus"], answer["updateStatusReason"]) == ("ACTIVE", "DELETE_FAILED", reason)
    found = provider(ecs, "edge")
    assert (found["status"], found["updateStatus"], found["updateStatusReason"]) == ("ACTIVE", "DELETE_FAILED", reason)
    # Once no ACTIVE cluster has it (a deleted cluster does not count), it goes.
    ecs.put_cluster_capacity_providers(cluster="site-a", capacityProviders=[], defaultCapacityProviderStrategy=[])
    with pytest.raises(ClientError) as excinfo:  # a cluster with a provider cannot be deleted (botocore's DeleteCluster errors)
        ecs.delete_cluster(cluster="site-b")
    assert error_of(excinfo)[0] == "ClusterContainsCapacityProviderException"
    ecs.put_cluster_capacity_providers(cluster="site-b", capacityProviders=[], defaultCapacityProviderStrategy=[])
    ecs.create_cluster(clusterName="site-b", capacityProviders=["edge"])  # unchanged: it exists
    ecs.delete_cluster(cluster="site-b")
    assert ecs.delete_capacity_provider(capacityProvider="edge")["capacityProvider"]["updateStatus"] == "DELETE_IN_PROGRESS"
    assert provider(ecs, "edge")["status"] == "INACTIVE"


@pytest.mark.parametrize("by", ["name", "arn"])
def test_a_deleted_provider_is_inactive_for_an_hour(fake_aws, ecs, by):
    arn = auto_scaling_group(fake_aws, "workers")
    create(ecs, "keep", auto_scaling_group(fake_aws, "other"))
    made = create(ecs, "edge", arn, managedDraining="DISABLED")
    answer = ecs.delete_capacity_provider(capacityProvider="edge" if by == "name" else ACCOUNT_ARN + "edge")["capacityProvider"]
    # The answer is the provider as the deletion starts, as AWS documents it.
    assert answer == {**made, "updateStatus": "DELETE_IN_PROGRESS"}
    deleted = provider(ecs, "edge")
    assert (deleted["status"], deleted["updateStatus"]) == ("INACTIVE", "DELETE_COMPLETE")
    assert deleted["autoScalingGroupProvider"] == made["autoScalingGroupProvider"]
    assert listed(ecs)[0] == [("keep", "ACTIVE"), ("edge", "INACTIVE"), ("FARGATE", "ACTIVE"), ("FARGATE_SPOT", "ACTIVE")]
    # A deleted provider cannot be attached to a cluster.
    ecs.create_cluster(clusterName="site")
    attach = {"cluster": "site", "capacityProviders": ["edge"], "defaultCapacityProviderStrategy": []}
    refused(lambda: ecs.put_cluster_capacity_providers(**attach), "InvalidParameterException")
    advance_clock(fake_aws, 3500)
    assert provider(ecs, "edge")["status"] == "INACTIVE"
    advance_clock(fake_aws, 200)
    assert ecs.describe_capacity_providers(capacityProviders=["edge"])["failures"] == [{"arn": ACCOUNT_ARN + "edge", "reason": "MISSING"}]
    assert listed(ecs)[0] == [("keep", "ACTIVE"), ("FARGATE", "ACTIVE"), ("FARGATE_SPOT", "ACTIVE")]


def test_a_deleted_providers_name_and_group_are_free_again(fake_aws, ecs):
    arn = auto_scaling_group(fake_aws, "workers")
    create(ecs, "edge", arn, managedDraining="DISABLED")
    ecs.delete_capacity_provider(capacityProvider="edge")
    again = create(ecs, "edge", arn)
    assert (again["status"], again["autoScalingGroupProvider"]["managedDraining"]) == ("ACTIVE", "ENABLED")
    # The name means the ACTIVE provider; the listing has both.
    assert provider(ecs, "edge")["status"] == "ACTIVE"
    assert listed(ecs)[0] == [("edge", "INACTIVE"), ("edge", "ACTIVE"), ("FARGATE", "ACTIVE"), ("FARGATE_SPOT", "ACTIVE")]


# -- clusters and services -------------------------------------------------------------------------------------


def test_a_provider_a_service_uses_stays_with_the_cluster(fake_aws, ecs):
    create(ecs, "edge", auto_scaling_group(fake_aws, "workers"))
    strategy = [{"capacityProvider": "edge", "weight": 1}]
    ecs.create_cluster(clusterName="site", capacityProviders=["edge", "FARGATE"], defaultCapacityProviderStrategy=strategy)
    ecs.register_task_definition(family="web", containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}])
    ecs.create_service(cluster="site", serviceName="web", taskDefinition="web", desiredCount=1)  # the cluster's default strategy

    def put(providers):
        return ecs.put_cluster_capacity_providers(cluster="site", capacityProviders=providers, defaultCapacityProviderStrategy=[])

    assert refused(lambda: put(["FARGATE"]), "ResourceInUseException") == IN_USE
    put(["edge"])  # FARGATE, which no service uses, can go
    ecs.delete_service(cluster="site", service="web", force=True)
    ecs.list_services(cluster="site")  # the pass that stops its tasks (DRAINING)
    ecs.list_services(cluster="site")  # the pass that makes it INACTIVE
    put([])
    assert ecs.describe_clusters(clusters=["site"])["clusters"][0]["capacityProviders"] == []


def test_tagging_an_unknown_provider_is_refused(ecs):
    refused(lambda: ecs.tag_resource(resourceArn=ACCOUNT_ARN + "nowhere", tags=[{"key": "a", "value": "b"}]), "InvalidParameterException")
