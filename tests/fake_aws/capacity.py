"""Capacity providers as ECS keeps them; moto's lack most of it.

* DescribeCapacityProviders without names lists every provider of the account: the Auto Scaling
  group ones (deleted ones while they are kept), then FARGATE and FARGATE_SPOT, which every
  account has (``type`` FARGATE / FARGATE_SPOT, ARN ``...:capacity-provider/FARGATE``; moto: 500).
  Names or ARNs describe those providers, an unknown one is a ``MISSING`` failure (ARN
  ``capacity-provider/NAME``).  ``maxResults`` 1-10 (default 10) and ``nextToken`` page the
  providers found; tags only with ``include: [TAGS]``; Auto Scaling group ones are of ``type``
  EC2_AUTOSCALING.
* CreateCapacityProvider refuses what AWS refuses, as ClientException: a name in use, a name
  prefixed with aws, ecs or fargate (any case) or not made of up to 255 letters, digits, ``_``
  and ``-``, an Auto Scaling group (ARN or name; kept as its ARN) that does not exist or that
  another provider uses, managed termination protection without managed scaling or on a group
  whose new instances are not protected from scale-in.  ``managedDraining`` defaults to ENABLED.
* UpdateCapacityProvider merges what it is given (``managedDraining`` included) under the same
  checks; an unknown, deleted or built-in provider is a ClientException (moto: 500).
* DeleteCapacityProvider of a provider that a cluster has leaves it ACTIVE with ``updateStatus``
  DELETE_FAILED and AWS's reason, as AWS answers.  Otherwise the answer is the provider with
  ``updateStatus`` DELETE_IN_PROGRESS (AWS's documented answer) and from then on it is INACTIVE
  and DELETE_COMPLETE, describable and listed for an hour of the endpoint's clock; its name and
  group are free again.
* PutClusterCapacityProviders refuses providers that do not exist (or are deleted), a strategy
  naming a provider the cluster does not have, and removing a provider that a service of the
  cluster still uses in its strategy (ResourceInUseException).
"""

import copy
import itertools
import re

from moto.autoscaling.models import autoscaling_backends
from moto.core.responses import ActionResult
from moto.ecs import models as ecs_models
from moto.ecs.exceptions import ECSException, EcsClientException, InvalidParameterException

from . import clock
from .scheduler import RETENTION
from .services import ServicesBackend
from .tasks import paginate

BUILTIN_CAPACITY_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
RESERVED_PREFIXES = ("aws", "ecs", "fargate")
NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
PAGE_SIZE = 10  # DescribeCapacityProviders: maxResults 1-10, 10 when not given
DESCRIBE_TAGS = "DescribeCapacityProvidersResponse.capacityProviders.CapacityProvider.tags"

# AWS's messages, as clients have reported them.
ALREADY_EXISTS = (
    "The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider."
)
DOES_NOT_EXIST = "The specified capacity provider does not exist. Specify a valid name or ARN and try again."
GROUP_IN_USE = (
    "The specified Auto Scaling group ARN is already being used by another capacity provider. Specify a unique Auto Scaling group ARN and try again."
)
PROTECTION_INVALID = "The managed termination protection setting for the capacity provider is invalid. "
GROUP_UNPROTECTED = PROTECTION_INVALID + (
    "To enable managed termination protection for a capacity provider, the Auto Scaling group must have instance protection from scale in enabled."
)
ASSOCIATED = (
    "The capacity provider cannot be deleted because it is associated with cluster: {cluster}. Remove the capacity provider from the cluster and try again."
)
IN_USE = "The specified capacity provider is in use and cannot be removed."
# Worded here, in AWS's manner: what AWS says in these cases has not been seen.
SCALING_DISABLED = PROTECTION_INVALID + "To enable managed termination protection for a capacity provider, managed scaling must be enabled."
RESERVED_PREFIX = 'The capacity provider name can\'t be prefixed with "aws", "ecs", or "fargate". Specify a different name and try again.'
BAD_NAME = (
    "The capacity provider name is invalid. Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed. "
    "Specify a valid name and try again."
)
NO_GROUP = "The specified Auto Scaling group {group} does not exist. Specify a valid Auto Scaling group ARN or name and try again."
RESERVED_PROVIDER = "The {name} capacity provider is reserved and can't be {verb}."
TOO_MANY_NAMES = "capacityProviders can have at most 100 items."


class AsgCapacityProvider(ecs_models.CapacityProvider):
    """An Auto Scaling group capacity provider: moto's, with AWS's type, defaults and deletion."""

    type = "EC2_AUTOSCALING"
    _created = itertools.count()

    def __init__(self, backend, name, asg_details, tags):
        asg_details.setdefault("managedDraining", "ENABLED")
        super().__init__(backend.account_id, backend.region_name, name, asg_details, tags or [])
        self.update_status_reason = None
        self.deleted_at = None
        self.order = next(self._created)


class BuiltinCapacityProvider:  # pylint: disable=too-few-public-methods
    """FARGATE or FARGATE_SPOT: every account has them, nobody creates, changes or deletes them."""

    def __init__(self, backend, name):
        self.name = name
        self.type = name
        self.status = "ACTIVE"
        self.capacity_provider_arn = _arn(backend, name)
        self.tags = []
        self.auto_scaling_group_provider = None
        self.update_status = None
        self.update_status_reason = None


def _arn(backend, name):
    return f"arn:{backend.partition}:ecs:{backend.region_name}:{backend.account_id}:capacity-provider/{name}"


def _merged(settings, update):
    """The Auto Scaling group provider ``settings`` after UpdateCapacityProvider's ``update`` (AutoScalingGroupProviderUpdate)."""
    merged = copy.deepcopy(settings)
    for key in ("managedTerminationProtection", "managedDraining"):
        if update.get(key) is not None:
            merged[key] = update[key]
    merged["managedScaling"].update({key: value for key, value in (update.get("managedScaling") or {}).items() if value is not None})
    return merged


def _check_protection(settings, group):
    """Managed termination protection needs managed scaling and a group that protects new instances from scale-in."""
    if settings.get("managedTerminationProtection") != "ENABLED":
        return
    if (settings.get("managedScaling") or {}).get("status") != "ENABLED":
        raise EcsClientException(SCALING_DISABLED)
    if group is not None and not group.new_instances_protected_from_scale_in:
        raise EcsClientException(GROUP_UNPROTECTED)


def _check_name(name):
    if not NAME.match(name or ""):
        raise EcsClientException(BAD_NAME)
    if name.lower().startswith(RESERVED_PREFIXES):
        raise EcsClientException(RESERVED_PREFIX)


class CapacityProvidersBackend(ServicesBackend):
    """The capacity provider actions of the backend, and the checks clusters make of providers."""

    def __init__(self, region_name, account_id):
        super().__init__(region_name, account_id)
        self.deleted_capacity_providers = []  # INACTIVE providers, kept for RETENTION

    # -- finding ----------------------------------------------------------------------------------

    def _builtins(self):
        return [BuiltinCapacityProvider(self, name) for name in BUILTIN_CAPACITY_PROVIDERS]

    def _kept_deleted(self):
        horizon = clock.now() - RETENTION
        self.deleted_capacity_providers = [provider for provider in self.deleted_capacity_providers if provider.deleted_at >= horizon]
        return self.deleted_capacity_providers

    def _find(self, reference):
        """The provider a name or ARN means: the ACTIVE one, else the latest deleted one kept, else a built-in; or None."""
        provider = self._get_provider(reference)
        if provider is None:
            provider = next((kept for kept in reversed(self._kept_deleted()) if reference in (kept.name, kept.capacity_provider_arn)), None)
        if provider is None:
            provider = next((builtin for builtin in self._builtins() if reference in (builtin.name, builtin.capacity_provider_arn)), None)
        return provider

    def _changeable(self, reference, verb):
        """The ACTIVE Auto Scaling group provider a name or ARN means, for UpdateCapacityProvider and DeleteCapacityProvider."""
        builtin = next((builtin for builtin in self._builtins() if reference in (builtin.name, builtin.capacity_provider_arn)), None)
        if builtin is not None:
            raise EcsClientException(RESERVED_PROVIDER.format(name=builtin.name, verb=verb))
        provider = self._get_provider(reference)
        if provider is None:
            raise EcsClientException(DOES_NOT_EXIST)
        return provider

    def _group(self, reference, required=True):
        """The Auto Scaling group an ARN or name means (in this account and region)."""
        groups = autoscaling_backends[self.account_id][self.region_name].autoscaling_groups
        group = next((group for group in groups.values() if reference in (group.arn, group.name)), None)
        if group is None and required:
            raise EcsClientException(NO_GROUP.format(group=reference))
        return group

    def _clusters_with(self, provider):
        names = {provider.name, provider.capacity_provider_arn}
        return sorted(cluster.name for cluster in self.clusters.values() if cluster.status == "ACTIVE" and names.intersection(cluster.capacity_providers or []))

    # -- actions ----------------------------------------------------------------------------------

    def describe_capacity_providers_page(self, references, max_results, next_token):
        """(providers, failures, next token) of DescribeCapacityProviders; failures come with the first page."""
        if references and len(references) > 100:
            raise InvalidParameterException(TOO_MANY_NAMES)
        failures = []
        if references:
            providers = []
            for reference in references:
                found = self._find(reference)
                if found is None:
                    failures.append({"arn": reference if reference.startswith("arn:") else _arn(self, reference), "reason": "MISSING"})
                elif found not in providers:
                    providers.append(found)
        else:
            providers = sorted([*self.capacity_providers.values(), *self._kept_deleted()], key=lambda provider: provider.order) + self._builtins()
        page, token = paginate(providers, max_results, next_token, default=PAGE_SIZE, largest=PAGE_SIZE)
        return page, [] if next_token else failures, token

    def create_capacity_provider(self, name, asg_details, tags):
        if name in BUILTIN_CAPACITY_PROVIDERS or self._get_provider(name) is not None:
            raise EcsClientException(ALREADY_EXISTS)
        _check_name(name)
        asg_details = copy.deepcopy(asg_details or {})
        group = self._group(asg_details.get("autoScalingGroupArn"))
        if any(provider.auto_scaling_group_provider["autoScalingGroupArn"] == group.arn for provider in self.capacity_providers.values()):
            raise EcsClientException(GROUP_IN_USE)
        asg_details["autoScalingGroupArn"] = group.arn  # a name is kept as the group's ARN
        provider = AsgCapacityProvider(self, name, asg_details, tags)
        _check_protection(provider.auto_scaling_group_provider, group)
        self.capacity_providers[name] = provider
        return provider

    def update_capacity_provider(self, name_or_arn, asg_provider):
        provider = self._changeable(name_or_arn, "updated")
        settings = _merged(provider.auto_scaling_group_provider, asg_provider or {})
        _check_protection(settings, self._group(settings["autoScalingGroupArn"], required=False))
        provider.auto_scaling_group_provider = provider._prepare_asg_provider(settings)  # pylint: disable=protected-access  # moto's defaults
        provider.update_status = "UPDATE_COMPLETE"
        provider.update_status_reason = None
        return provider

    def delete_capacity_provider(self, name_or_arn):
        provider = self._changeable(name_or_arn, "deleted")
        clusters = self._clusters_with(provider)
        if clusters:
            # AWS answers, and keeps, the failure rather than raising it.
            provider.update_status = "DELETE_FAILED"
            provider.update_status_reason = ASSOCIATED.format(cluster=clusters[0])
            return provider
        answer = copy.copy(provider)
        answer.update_status, answer.update_status_reason = "DELETE_IN_PROGRESS", None
        del self.capacity_providers[provider.name]
        provider.status, provider.update_status, provider.update_status_reason = "INACTIVE", "DELETE_COMPLETE", None
        provider.deleted_at = clock.now()
        self.deleted_capacity_providers.append(provider)
        return answer

    # -- clusters -------------------------------------------------------------------------------------

    def put_cluster_capacity_providers(self, cluster_name, capacity_providers, default_capacity_provider_strategy):
        cluster = self._get_cluster(cluster_name)
        self._check_capacity_providers(capacity_providers or [], default_capacity_provider_strategy or [])
        removed = set(cluster.capacity_providers or []) - set(capacity_providers or [])
        for service in self.services.values():
            if service.cluster_name == cluster.name and service.status != "INACTIVE":
                used = {item.get("capacityProvider") for item in getattr(service, "capacity_provider_strategy", None) or []}
                if used & removed:
                    raise ECSException("ResourceInUseException", IN_USE)
        return super().put_cluster_capacity_providers(cluster_name, capacity_providers or [], default_capacity_provider_strategy or [])

    def _check_capacity_providers(self, providers, strategy):
        for name in providers:
            if name not in BUILTIN_CAPACITY_PROVIDERS and self._get_provider(name) is None:
                raise InvalidParameterException(f"The specified capacity provider '{name}' does not exist. Specify a valid capacity provider and try again.")
        for item in strategy:
            if item.get("capacityProvider") not in providers:
                raise InvalidParameterException(
                    f"The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. "
                    f"Associate the capacity provider with the cluster or specify a valid capacity provider and try again. ({item.get('capacityProvider')})"
                )

    def _get_resource(self, resource_arn, parsed_arn):
        if parsed_arn["service"] == "capacity-provider":
            provider = self._get_provider(resource_arn)
            if provider is None:
                raise InvalidParameterException("The specified resource is not found.")
            return provider
        return super()._get_resource(resource_arn, parsed_arn)


class CapacityProviderResponses:
    """DescribeCapacityProviders with paging and tags on request (the other actions are moto's, on our backend)."""

    # pylint: disable=no-member  # mixed into EC2ContainerServiceResponse

    def describe_capacity_providers(self):
        if "TAGS" in (self._get_param("include") or []):
            self._include_in_response(DESCRIBE_TAGS)
        else:
            self._exclude_from_response(DESCRIBE_TAGS)
        providers, failures, token = self.ecs_backend.describe_capacity_providers_page(
            self._get_param("capacityProviders"), self._get_int_param("maxResults"), self._get_param("nextToken")
        )
        return ActionResult({"capacityProviders": providers, "failures": failures, "nextToken": token})
