# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What modules return: snake_case keys throughout, AWS objects included, as amazon.aws returns them, with tags as a dict.

``snake_case_result`` is the one place a module's result gets its casing (the runner calls it on every result, success
or failure). Keys are converted by amazon.aws's and ansible's public ``camel_dict_to_snake_dict``; values never are.
The keys of maps whose keys are data stay as they are: tags, docker labels, log driver options, volume driver options
and labels, container instance attributes and resources (``KEEP_KEYS``), at any depth. The diff is converted too, but
for what the user wrote in AWS's casing and the diff shows back: ``ecs_task_definition``'s ``definition`` (its
``diff.before.definition`` and ``diff.after.definition``), so that it compares with the user's JSON as written.
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

# ECS spells tags key/value, SSM Key/Value; boto3_tag_list_to_ansible_dict reads either.
_TAG_FIELDS = ("tags", "Tags")

# Members whose value is a map with keys that are data, not field names: every ``map`` member of the ECS and SSM
# objects the modules return (checked against botocore's models in tests/unit), and the maps the modules build.
KEEP_KEYS = frozenset(
    (
        "tags",
        "Tags",
        # ECS: ContainerDefinition.dockerLabels, LogConfiguration.options and FirelensConfiguration.options,
        # DockerVolumeConfiguration.driverOpts and labels.
        "dockerLabels",
        "options",
        "driverOpts",
        "labels",
        # SSM: InstanceInformation.AssociationOverview.InstanceAssociationStatusAggregatedCount.
        "InstanceAssociationStatusAggregatedCount",
        # ecs_container_instance(_info): attribute name -> value, resource name (CPU, MEMORY, ...) -> value.
        "attributes",
        "registered_resources",
        "remaining_resources",
        # ssm_activation's diff: the activation's registration metadata, key -> value.
        "RegistrationMetadata",
        # ecs_task_definition's diff: the RegisterTaskDefinition request as the user wrote it (AWS's casing).
        "definition",
    )
)


def tags_as_dict(aws_object):
    """A copy of an AWS object (a cluster, a service, an activation ...) whose ``tags``/``Tags`` list is a dict."""
    if not isinstance(aws_object, dict):
        return aws_object
    converted = dict(aws_object)
    for field in _TAG_FIELDS:
        if isinstance(converted.get(field), list):
            converted[field] = boto3_tag_list_to_ansible_dict(converted[field])
    return converted


def snake_case_key(key):
    """``clusterArn`` -> ``cluster_arn``, ``IPAddress`` -> ``ip_address``: camel_dict_to_snake_dict's conversion of one key."""
    return next(iter(camel_dict_to_snake_dict({key: None})))


def snake_case(value):
    """``value`` with every key in snake_case, at any depth; tag lists become dicts; the maps in ``KEEP_KEYS`` keep their keys."""
    if isinstance(value, list):
        return [snake_case(item) for item in value]
    if not isinstance(value, dict):
        return value
    converted = {}
    for key, item in tags_as_dict(value).items():
        new_key = snake_case_key(key) if isinstance(key, str) else key
        if isinstance(item, dict) and (key in KEEP_KEYS or new_key in KEEP_KEYS):
            converted[new_key] = dict(item)
        else:
            converted[new_key] = snake_case(item)
    return converted


def snake_case_result(result):
    """A module's result, or what its failure returns besides the message, as the module returns it."""
    return snake_case(result)
