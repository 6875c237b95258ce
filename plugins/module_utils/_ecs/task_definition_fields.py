# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fields of a task definition that the comparison must know, declared once: where they are, whether their
order counts, and what AWS fills in.

A row: the path in the RegisterTaskDefinition request (``[]`` for each entry of a list), whether the list's order means
nothing to ECS (set-like), and AWS's default with what to do with it: ``fill`` where it is left out (AWS returns it),
or ``drop`` where it equals the default (AWS may or may not return it). No field of a task definition is updatable:
every change is a new revision. Defaults that depend on other fields (the network mode, the host port) stay in
``task_definition.normalise``. Sources: botocore's ECS model (RegisterTaskDefinition), ECS API Reference (ContainerDefinition,
HealthCheck, PortMapping, DockerVolumeConfiguration, EFSVolumeConfiguration), and recorded DescribeTaskDefinition answers.
"""

from collections import namedtuple

from ..compare import canonical

Field = namedtuple("Field", "path set_like aws_default how")
Field.__new__.__defaults__ = (False, None, None)

_C = "containerDefinitions[]."


def _set_like(*paths):
    return tuple(Field(path, set_like=True) for path in paths)


def _dropped(default, *paths):
    return tuple(Field(path, aws_default=default, how="drop") for path in paths)


FIELDS = (
    # Lists whose order ECS ignores. Kept in order: command, entryPoint (argv), dnsServers, dnsSearchDomains
    # (resolver order), environmentFiles (read top down: their order decides which value of a repeated variable wins).
    *_set_like("requiresCompatibilities", "placementConstraints", "volumes", "inferenceAccelerators", "proxyConfiguration.properties"),
    *_set_like(*(_C + path for path in (
        "portMappings", "environment", "secrets", "mountPoints", "volumesFrom", "links", "dependsOn", "extraHosts", "ulimits",
        "systemControls", "dockerSecurityOptions", "resourceRequirements", "credentialSpecs", "logConfiguration.secretOptions",
        "restartPolicy.ignoredExitCodes", "linuxParameters.capabilities.add", "linuxParameters.capabilities.drop",
        "linuxParameters.devices", "linuxParameters.devices[].permissions", "linuxParameters.tmpfs", "linuxParameters.tmpfs[].mountOptions",
    ))),
    # What AWS fills in and returns.
    Field(_C + "essential", aws_default=True, how="fill"),
    Field(_C + "cpu", aws_default=0, how="fill"),
    Field(_C + "portMappings[].protocol", aws_default="tcp", how="fill"),
    Field(_C + "healthCheck.interval", aws_default=30, how="fill"),
    Field(_C + "healthCheck.timeout", aws_default=5, how="fill"),
    Field(_C + "healthCheck.retries", aws_default=3, how="fill"),
    Field("volumes[].dockerVolumeConfiguration.scope", aws_default="task", how="fill"),
    Field("volumes[].efsVolumeConfiguration.rootDirectory", aws_default="/", how="fill"),
    Field("volumes[].efsVolumeConfiguration.transitEncryption", aws_default="DISABLED", how="fill"),
    Field("volumes[].efsVolumeConfiguration.authorizationConfig.iam", aws_default="DISABLED", how="fill"),
    # Defaults AWS may or may not echo.
    *_dropped(False, "enableFaultInjection", "volumes[].configuredAtLaunch", "volumes[].dockerVolumeConfiguration.autoprovision"),
    *_dropped(False, *(_C + flag for flag in ("disableNetworking", "privileged", "readonlyRootFilesystem", "interactive", "pseudoTerminal"))),
    *_dropped(False, _C + "mountPoints[].readOnly", _C + "volumesFrom[].readOnly", _C + "linuxParameters.initProcessEnabled"),
    *_dropped(0, _C + "healthCheck.startPeriod"),
    *_dropped("enabled", _C + "versionConsistency"),
    # An authorization config that says only what AWS assumes is none (after its iam is filled in).
    *_dropped({"iam": "DISABLED"}, "volumes[].efsVolumeConfiguration.authorizationConfig"),
)


def _segments(path):
    return path.replace("[]", ".[]").split(".")


def _mappings_at(value, segments):
    """The mappings found at ``segments`` (keys, ``[]`` for each entry of a list) below ``value``."""
    if not segments:
        if isinstance(value, dict):
            yield value
        return
    head, rest = segments[0], segments[1:]
    if head == "[]":
        for item in value if isinstance(value, list) else []:
            yield from _mappings_at(item, rest)
    elif isinstance(value, dict) and head in value:
        yield from _mappings_at(value[head], rest)


def _where(definition, field):
    """(mapping, key) for each place ``field`` can be in ``definition``."""
    segments = _segments(field.path)
    for mapping in _mappings_at(definition, segments[:-1]):
        yield mapping, segments[-1]


def apply_defaults(definition):
    """In place: AWS's defaults filled in where they are left out, then those AWS may not echo dropped where they hold."""
    for how in ("fill", "drop"):
        for field in FIELDS:
            if field.how != how:
                continue
            for mapping, key in _where(definition, field):
                if how == "fill":
                    mapping.setdefault(key, field.aws_default)
                elif key in mapping and mapping[key] == field.aws_default:
                    del mapping[key]
    return definition


def _sort_key(item):
    # Named items (environment, volumes, ulimits ...) read best in name order.
    name = item.get("name", item.get("containerName", item.get("sourceVolume", ""))) if isinstance(item, dict) else ""
    return str(name), canonical(item)


def sort_set_like(definition):
    """In place: the set-like lists sorted, the deepest first (an entry's own lists are sorted before the entries are)."""
    for field in sorted((field for field in FIELDS if field.set_like), key=lambda field: -len(_segments(field.path))):
        for mapping, key in _where(definition, field):
            if isinstance(mapping.get(key), list):
                mapping[key] = sorted(mapping[key], key=_sort_key)
    if isinstance(definition.get("containerDefinitions"), list):
        definition["containerDefinitions"] = sorted(definition["containerDefinitions"], key=_sort_key)  # matched by name
    return definition
