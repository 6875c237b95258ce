# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Error handling and client glue shared by every ECS module.

Built on amazon.aws: its error handler turns botocore errors into one
exception that names the action that failed; its retry decorator adds
jittered backoff for throttling.
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ..errors import FormattedErrorHandler
from ..retries import retry_on_message

# AWSRetry knows Throttling but not ThrottlingException, the code ECS throttles with;
# ServerException is how ECS answers a busy control plane.
RETRY = AWSRetry.jittered_backoff(retries=10, catch_extra_error_codes=["ThrottlingException", "ServerException"])


# ECS refuses with this InvalidParameterException while the service-linked role it needs is not assumable yet
# (IAM is eventually consistent): a cluster created just after the role retries for about a minute.
NEW_ROLE_RETRY = retry_on_message(
    "InvalidParameterException", "Unable to assume the service linked role", retries=8, delay=1, max_delay=15,
    catch_extra_error_codes=["ThrottlingException", "ServerException"],
)
# The clients ECS modules make, on first use (runner.Clients): name -> (service, retry policy).
CLIENTS = {
    "ecs": ("ecs", RETRY),
    # A service-linked role made moments ago may not be assumable yet (IAM is eventually consistent).
    "ecs_new_role": ("ecs", NEW_ROLE_RETRY),
    "iam": ("iam", AWSRetry.jittered_backoff()),
    "autoscaling": ("autoscaling", RETRY),
    "servicediscovery": ("servicediscovery", AWSRetry.jittered_backoff(catch_extra_error_codes=["ThrottlingException"])),
}


class AnsibleECSError(AnsibleAWSError):
    pass


class ECSErrorHandler(FormattedErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleECSError
    MISSING_CODES = ("ClusterNotFoundException", "ServiceNotFoundException")


def cluster_missing(error):
    """Whether an ECS error says the cluster does not exist (ECS answers ClusterNotFoundException for a deleted one too)."""
    cause = getattr(error, "exception", None)
    return getattr(cause, "response", {}).get("Error", {}).get("Code") == "ClusterNotFoundException"


def chunks(items, size):
    """Split a list for Describe* calls that take at most `size` names at a time."""
    return [items[start:start + size] for start in range(0, len(items), size)]
