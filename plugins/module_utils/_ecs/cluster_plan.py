# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ecs_cluster, the pure part: the CreateCluster request from the options, both sides
normalised the same way, and the Plan: the calls to make, and the diff that gives ``changed``.

Only what the user set is compared; the ECS Exec configuration is one AWS structure that
UpdateCluster replaces whole, so it is compared whole.
"""

import copy

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ..compare import differences
from ..plan import Plan
from ..tags import add_tag_changes
from ..compare import strip_empty

# CreateCluster's field paths that are named differently as options (validation errors name the option).
OPTION_NAMES = {
    "clusterName": "name",
    "settings[0].value": "container_insights",
    "settings": "container_insights",
    "configuration.executeCommandConfiguration": "execute_command_configuration",
}
_LOG_CONFIGURATION = {
    "cloud_watch_log_group_name": "cloudWatchLogGroupName",
    "cloud_watch_encryption_enabled": "cloudWatchEncryptionEnabled",
    "s3_bucket_name": "s3BucketName",
    "s3_encryption_enabled": "s3EncryptionEnabled",
    "s3_key_prefix": "s3KeyPrefix",
}
# Keys of the normalised view that UpdateCluster (rather than another call) changes.
_UPDATE_CLUSTER_KEYS = {"executeCommandConfiguration": "configuration", "serviceConnectDefaults": "serviceConnectDefaults"}
_CAPACITY_KEYS = ("capacityProviders", "defaultCapacityProviderStrategy")


def _present(mapping):
    return {key: value for key, value in mapping.items() if value is not None}


def create_request(params):
    """CreateCluster's request (AWS's names) holding exactly what the options set."""
    request = {"clusterName": params["name"]}
    if params.get("container_insights") is not None:
        request["settings"] = [{"name": "containerInsights", "value": params["container_insights"]}]
    execute = params.get("execute_command_configuration")
    if execute is not None:
        log = execute.get("log_configuration")
        request["configuration"] = {
            "executeCommandConfiguration": _present(
                {
                    "kmsKeyId": execute.get("kms_key_id"),
                    "logging": execute.get("logging"),
                    "logConfiguration": _present({aws: log.get(option) for option, aws in _LOG_CONFIGURATION.items()}) if log else None,
                }
            )
        }
    if params.get("capacity_providers") is not None:
        request["capacityProviders"] = list(params["capacity_providers"])
    if params.get("default_capacity_provider_strategy") is not None:
        request["defaultCapacityProviderStrategy"] = [
            _present({"capacityProvider": item.get("capacity_provider"), "weight": item.get("weight"), "base": item.get("base")})
            for item in params["default_capacity_provider_strategy"]
        ]
    if params.get("service_connect_defaults") is not None:
        request["serviceConnectDefaults"] = {"namespace": params["service_connect_defaults"].get("namespace") or ""}
    if params.get("tags") is not None:
        request["tags"] = ansible_dict_to_boto3_tag_list(params["tags"], "key", "value")
    return request


def _execute_view(execute):
    """ECS Exec configuration with AWS's defaults filled in: logging DEFAULT, encryption off."""
    view = strip_empty(copy.deepcopy(execute or {}))
    if not view.get("kmsKeyId"):
        view.pop("kmsKeyId", None)
    view.setdefault("logging", "DEFAULT")
    if view.get("logConfiguration"):
        view["logConfiguration"].setdefault("cloudWatchEncryptionEnabled", False)
        view["logConfiguration"].setdefault("s3EncryptionEnabled", False)
    else:
        view.pop("logConfiguration", None)
    return view


def _strategy_view(strategy):
    # weight and base default to 0; the order of the items means nothing to ECS.
    items = [{"capacityProvider": item["capacityProvider"], "weight": item.get("weight", 0), "base": item.get("base", 0)} for item in strategy or []]
    return sorted(items, key=lambda item: item["capacityProvider"])


def _namespace_view(defaults):
    namespace = (defaults or {}).get("namespace")
    return {"namespace": namespace} if namespace else {}


def request_view(request):
    """The desired state: the request normalised, holding the keys the user set."""
    view = {}
    if "settings" in request:
        view["settings"] = {item["name"]: item["value"] for item in request["settings"]}
    if "configuration" in request:
        view["executeCommandConfiguration"] = _execute_view(request["configuration"].get("executeCommandConfiguration"))
    if "capacityProviders" in request:
        view["capacityProviders"] = sorted(set(request["capacityProviders"]))
    if "defaultCapacityProviderStrategy" in request:
        view["defaultCapacityProviderStrategy"] = _strategy_view(request["defaultCapacityProviderStrategy"])
    if "serviceConnectDefaults" in request:
        view["serviceConnectDefaults"] = _namespace_view(request["serviceConnectDefaults"])
    if "tags" in request:
        view["tags"] = boto3_tag_list_to_ansible_dict(request["tags"], "key", "value")
    return view


def cluster_view(cluster, namespace=None):
    """The current state: a cluster as DescribeClusters returns it, normalised like request_view.

    ``namespace`` is the Service Connect namespace in the form the user gave (name or ARN), when it is the one set.
    """
    defaults = cluster.get("serviceConnectDefaults")
    return {
        "settings": {item["name"]: item["value"] for item in cluster.get("settings") or []},
        "executeCommandConfiguration": _execute_view((cluster.get("configuration") or {}).get("executeCommandConfiguration")),
        "capacityProviders": sorted(set(cluster.get("capacityProviders") or [])),
        "defaultCapacityProviderStrategy": _strategy_view(cluster.get("defaultCapacityProviderStrategy")),
        "serviceConnectDefaults": {"namespace": namespace} if namespace and defaults else _namespace_view(defaults),
        "tags": boto3_tag_list_to_ansible_dict(cluster.get("tags") or [], "key", "value"),
    }


def _role(before, after, calls, role_exists):
    """The service-linked role as part of a create: None when the module does not manage it or cannot tell."""
    if role_exists is None:
        return
    before["serviceLinkedRole"] = "present" if role_exists else "absent"
    after["serviceLinkedRole"] = "present"
    if not role_exists:
        calls.insert(0, ("create_service_linked_role", None))


def plan_present(request, cluster, purge_tags=True, namespace=None, role_exists=None):
    """Create the cluster (and the service-linked role, when ``role_exists`` is False), or change in place what
    differs of what the user set: a Plan whose calls are create_service_linked_role, create_cluster,
    update_cluster_settings, update_cluster, put_cluster_capacity_providers and update_tags."""
    desired = request_view(request)
    name = request["clusterName"]
    calls = []
    if cluster is None:
        before, after = {}, dict(desired, clusterName=name)
        calls.append(("create_cluster", request))
        _role(before, after, calls, role_exists)
        return Plan(before, after, calls)
    current = cluster_view(cluster, namespace)
    before = {"clusterName": name}
    before.update({key: copy.deepcopy(current[key]) for key in desired})
    after = copy.deepcopy(before)
    changed = set()
    for key in desired:
        if key == "tags":
            continue
        # Settings hold several names; the user sets containerInsights only.
        if differences(desired[key], current[key], subset=key == "settings"):
            changed.add(key)
            after[key] = dict(current[key], **desired[key]) if key == "settings" else desired[key]
    if "settings" in changed:
        calls.append(("update_cluster_settings", request["settings"]))
    update = {_UPDATE_CLUSTER_KEYS[key]: request[_UPDATE_CLUSTER_KEYS[key]] for key in _UPDATE_CLUSTER_KEYS if key in changed}
    if update:
        calls.append(("update_cluster", update))
    if changed.intersection(_CAPACITY_KEYS):
        # PutClusterCapacityProviders sets both; what the user did not set stays as it is.
        calls.append((
            "put_cluster_capacity_providers",
            (
                request.get("capacityProviders", current["capacityProviders"]),
                request.get("defaultCapacityProviderStrategy", current["defaultCapacityProviderStrategy"]),
            ),
        ))
    if "tags" in desired:
        add_tag_changes(after, calls, current["tags"], desired["tags"], purge_tags)
    return Plan(before, after, calls)


def plan_absent(cluster):
    if cluster is None:
        return Plan()
    return Plan(dict(cluster_view(cluster), clusterName=cluster["clusterName"]), {}, [("delete_cluster", None)])


def blocker_names(instances, services):
    """How a refusal names what is in the way: instance ids (``mi-``/``i-``) and service names."""
    named = [instance.get("ec2InstanceId") or instance["containerInstanceArn"].rsplit("/", 1)[-1] for instance in instances]
    return sorted(named), sorted(service["serviceName"] for service in services)
