# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check a request against botocore's own service model before any write.

Users copy payloads from AWS docs and the CLI, where numbers often come as
strings (``"128"``) and strings as numbers (``cpu: 256``). ``coerce`` turns
such values into the type the model asks for, so that both the request and
the comparison with what AWS returns see one form. ``validate_request`` then
runs botocore's ParamValidator, adds enum checks (botocore leaves those to
the server), and raises one error that names the path of every bad field:
``containerDefinitions[1].portMappings[0].containerPort: expected an integer``.
"""

import re

from ansible.module_utils.common.dict_transformations import _camel_to_snake

try:
    from botocore.validate import ParamValidator
except ImportError:
    pass  # Modules are responsible for handling this (AnsibleAWSModule checks botocore).

from .errors import Refused

_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_TYPE_NAMES = {
    "<class 'int'>": "an integer",
    "<class 'float'>": "a number",
    "<class 'str'>": "a string",
    "<class 'bool'>": "a boolean",
    "<class 'dict'>": "a mapping",
    "<class 'list'>": "a list",
    "<class 'tuple'>": "a list",
    "<class 'datetime.datetime'>": "a timestamp",
    "<class 'bytes'>": "bytes",
    "<class 'bytearray'>": "bytes",
}


class RequestValidationError(Refused):
    """Bad input: ``errors`` holds one message per bad field, each starting with its path (also in ``details``)."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("; ".join(self.errors), errors=self.errors)


def coerce(value, shape):
    """A copy of ``value`` with scalars turned into the type ``shape`` asks for, where that is lossless."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return {key: coerce(item, shape.members.get(key)) for key, item in value.items()}
    if kind == "list" and isinstance(value, (list, tuple)):
        return [coerce(item, shape.member) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: coerce(item, shape.value) for key, item in value.items()}
    if kind in ("integer", "long") and isinstance(value, str) and _INTEGER.match(value.strip()):
        return int(value.strip())
    if kind in ("float", "double") and isinstance(value, str) and _NUMBER.match(value.strip()):
        return float(value.strip())
    if kind in ("float", "double") and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind == "boolean" and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if kind == "string" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _enum_errors(value, shape, path):
    """botocore does not check enums; AWS would refuse them after our other writes went through."""
    if shape is None or value is None:
        return
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for key, item in value.items():
            if key in shape.members:
                yield from _enum_errors(item, shape.members[key], f"{path}.{key}" if path else key)
    elif kind == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _enum_errors(item, shape.member, f"{path}[{index}]")
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            yield from _enum_errors(item, shape.value, f"{path}.{key}")
    elif kind == "string" and shape.enum and isinstance(value, str) and value not in shape.enum:
        yield f"{path}: expected one of {', '.join(shape.enum)}, got {value!r}"


def _limit_errors(value, shape, path):
    """botocore checks the model's minimums only; AWS refuses values over its maximums too."""
    if shape is None or value is None:
        return
    kind, limit = shape.type_name, shape.metadata.get("max")
    if kind == "structure" and isinstance(value, dict):
        for key, item in value.items():
            if key in shape.members:
                yield from _limit_errors(item, shape.members[key], f"{path}.{key}" if path else key)
    elif kind == "list" and isinstance(value, list):
        if limit is not None and len(value) > limit:
            yield f"{path}: must have at most {limit} element(s), got {len(value)}"
        for index, item in enumerate(value):
            yield from _limit_errors(item, shape.member, f"{path}[{index}]")
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            yield from _limit_errors(item, shape.value, f"{path}.{key}")
    elif limit is None:
        return
    elif kind == "string" and isinstance(value, str) and len(value) > limit:
        yield f"{path}: must have at most {limit} character(s), got {len(value)}"
    elif kind in ("integer", "long", "float", "double") and isinstance(value, (int, float)) and not isinstance(value, bool) and value > limit:
        yield f"{path}: must be at most {limit}, got {value!r}"


def _join(prefix, path):
    path = path.lstrip(".")
    if not prefix:
        return path
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


def _describe(kind, path, details, prefix):
    where = _join(prefix, path)
    if kind == "invalid type":
        wanted = " or ".join(sorted({_TYPE_NAMES.get(name, name) for name in details["valid_types"]}))
        return f"{where}: expected {wanted}, got {details['param']!r}"
    if kind == "missing required field":
        return _join(prefix, path + "." + details["required_name"]) + ": is required"
    if kind == "unknown field":
        field = _join(prefix, path + "." + details["unknown_param"])
        return f"{field}: unknown field, expected one of {', '.join(details['valid_names'])}"
    if kind == "invalid length":
        return f"{where}: must have at least {details['min_allowed']} element(s) or character(s)"
    if kind == "invalid range":
        return f"{where}: must be at least {details['min_allowed']}, got {details['param']!r}"
    return f"{where}: {kind} {details}"


def validate(params, shape, prefix=""):
    """Raise RequestValidationError naming each bad field of ``params`` against ``shape``."""
    report = ParamValidator().validate(params, shape)
    # The structured errors give exact paths; the report text is the fallback should botocore change.
    structured = getattr(report, "_errors", None)
    if structured is not None:
        errors = [_describe(kind, path, details, prefix) for kind, path, details in structured]
    else:
        errors = report.generate_report().splitlines() if report.has_errors() else []
    errors.extend(_join(prefix, error) for error in _enum_errors(params, shape, ""))
    errors.extend(_join(prefix, error) for error in _limit_errors(params, shape, ""))
    if errors:
        raise RequestValidationError(errors)


def prepare_request(client, operation_name, params, prefix=""):
    """Coerce ``params`` to the operation's input shape and validate them; return the request to send."""
    shape = client.meta.service_model.operation_model(operation_name).input_shape
    request = coerce(params, shape)
    validate(request, shape, prefix)
    return request


def member_shape(client, operation_name, *path):
    """The shape of a member of an operation's input, e.g. ("containerDefinitions",)."""
    shape = client.meta.service_model.operation_model(operation_name).input_shape
    for name in path:
        shape = shape.member if name == "[]" else shape.members[name]
    return shape


def option_path(message, renames=None):
    """A validation message whose AWS field path is given as the module's option path.

    ``renames`` maps AWS paths to options where the names differ (``{"clusterName": "name"}``);
    the rest is snake-cased: ``defaultCapacityProviderStrategy[0].weight`` becomes
    ``default_capacity_provider_strategy[0].weight``.
    """
    path, sep, text = message.partition(": ")
    if not sep:
        return message
    for aws_path in sorted(renames or {}, key=len, reverse=True):
        if path == aws_path or path.startswith(aws_path + ".") or path.startswith(aws_path + "["):
            path = renames[aws_path] + path[len(aws_path):]
            break
    segments = [re.sub(r"^[A-Za-z0-9]+", lambda match: _camel_to_snake(match.group(0)), segment) for segment in path.split(".")]
    return ".".join(segments) + sep + text
