# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SSM hybrid activations: the calls. Shared by ssm_activation and ssm_activation_info."""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import paginated_query_with_retries

from .activation_plan import name_of
from .common import RETRY
from .common import SSMErrorHandler


def filters(activation_ids=None, iam_role=None, default_instance_name=None):
    """DescribeActivations filters (AWS filters by these three keys only, not by tag)."""
    wanted = (("ActivationIds", activation_ids), ("IamRole", [iam_role] if iam_role else None),
              ("DefaultInstanceName", [default_instance_name] if default_instance_name else None))
    return [{"FilterKey": key, "FilterValues": list(values)} for key, values in wanted if values]


@SSMErrorHandler.common_error_handler("describe activations")
def describe_activations(client, filter_list=None, name=None):
    """Activations matching ``filter_list``, and when ``name`` is given only those with that name tag."""
    params = {"Filters": filter_list} if filter_list else {}
    found = paginated_query_with_retries(client, "describe_activations", retry_decorator=RETRY, **params)["ActivationList"]
    return [item for item in found if name is None or name_of(item) == name]


@SSMErrorHandler.common_error_handler("create activation {name}")
def create_activation(client, name, request):
    """ActivationId and ActivationCode of a new activation; the code must reach no log.

    ``client`` is the ``ssm_new_role`` one (CLIENTS): a role created a moment ago is retried until SSM sees it;
    a role that never becomes usable fails after that, with AWS's message.
    """
    result = client.create_activation(aws_retry=True, **request)
    return result["ActivationId"], result["ActivationCode"]


@SSMErrorHandler.deletion_error_handler("delete activation {activation_id}")
def delete_activation(client, activation_id):
    client.delete_activation(aws_retry=True, ActivationId=activation_id)
    return True
