"""What ECS refuses for ECS Anywhere (EXTERNAL) and network modes, checked before anything is written.

* EXTERNAL services take no load balancers, service registries, ``role``, ``platformVersion``,
  capacity provider strategy, or deployment controller other than ECS (ECS Developer Guide,
  "External instances (Amazon ECS Anywhere)", considerations; aws-cdk's ExternalService refuses
  the same). The wordings are ours: AWS's are not documented.
* ``networkConfiguration`` only for awsvpc task definitions, and awsvpc needs one, with AWS's words.
* A task definition's ``requiresAttributes`` are computed from what it uses, as AWS does, for the
  capabilities the ECS agent removes on external instances (agent/app/agent_capability.go,
  ``externalUnsupportedCapabilities``); placement then needs them on the instance (``ATTRIBUTE``).
* UpdateService never changes the deployment controller (ours: the wording; AWS refuses it).
"""

from moto.ecs.exceptions import InvalidParameterException

NETWORK_NOT_VALID = "Network Configuration is not valid for the given networkMode of this task definition."
NETWORK_REQUIRED = "Network Configuration must be provided when networkMode 'awsvpc' is specified."
# Refused for the EXTERNAL launch type: request member -> what it is called in the message.
NOT_FOR_EXTERNAL = {
    "loadBalancers": "load balancers",
    "serviceRegistries": "service registries",
    "role": "an IAM role for the service",
    "platformVersion": "a platform version",
    "capacityProviderStrategy": "a capacity provider strategy",
}


def _refuse_external(what):
    return InvalidParameterException(f"The EXTERNAL launch type does not support {what}.")


def check_network(definition, network_configuration):
    """RunTask, CreateService, UpdateService: networkConfiguration exactly when the task definition is awsvpc."""
    if definition is None:
        return
    if network_configuration and definition.network_mode != "awsvpc":
        raise InvalidParameterException(NETWORK_NOT_VALID)
    if definition.network_mode == "awsvpc" and not network_configuration:
        raise InvalidParameterException(NETWORK_REQUIRED)


def check_external_request(request, launch_type):
    """CreateService/UpdateService/RunTask members (camelCase) an EXTERNAL service or task may not have."""
    if launch_type != "EXTERNAL":
        return
    for member, what in NOT_FOR_EXTERNAL.items():
        if request.get(member):
            raise _refuse_external(what)
    controller = (request.get("deploymentController") or {}).get("type", "ECS")
    if controller != "ECS":
        raise _refuse_external(f"the {controller} deployment controller")


def check_controller_unchanged(service, requested):
    if requested is None:
        return
    current = (service.deployment_controller or {}).get("type", "ECS")
    if requested.get("type", "ECS") != current:
        raise InvalidParameterException(f"The deployment controller of a service cannot be changed from {current} to {requested.get('type')}.")


# -- what a task definition requires of an instance ------------------------------------------------


def required_attributes(definition, kwargs):
    """requiresAttributes AWS adds for features external instances lack (the agent strips their capabilities)."""
    names = []
    if definition.network_mode == "awsvpc":
        names.append("ecs.capability.task-eni")
    if kwargs.get("proxy_configuration"):
        names.append("ecs.capability.aws-appmesh")
    if kwargs.get("inference_accelerators"):
        names.append("ecs.capability.task-eia")
    if any(volume.get("configuredAtLaunch") for volume in kwargs.get("volumes") or []):
        names.append("ecs.capability.storage.ebs-task-volume-attach")
    if kwargs.get("enable_fault_injection"):
        names.append("ecs.capability.fault-injection")
    return [{"name": name} for name in names]
