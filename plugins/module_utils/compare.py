# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One comparison engine: the same walk gives ``changed`` and the diff.

Both sides are normalised first (see each resource's normaliser), then
compared. ``differences`` lists the paths where the desired state and the
current one disagree; a module is changed exactly when that list is not
empty, and ``diff`` shows the same two normalised values.
"""

import json

_MISSING = object()


def strip_empty(value):
    """Drop None, empty lists and empty mappings at every depth: AWS leaves them out of what it returns."""
    if isinstance(value, dict):
        stripped = {key: strip_empty(item) for key, item in value.items()}
        return {key: item for key, item in stripped.items() if item is not None and item != [] and item != {}}
    if isinstance(value, list):
        return [strip_empty(item) for item in value]
    return value


def canonical(value):
    """A stable text form of a value, to sort set-like lists of mappings."""
    return json.dumps(value, sort_keys=True, default=str)


def sort_set_like(value, set_like_keys):
    """Sort the lists found under ``set_like_keys`` (at any depth): their order means nothing to AWS."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            item = sort_set_like(item, set_like_keys)
            if key in set_like_keys and isinstance(item, list):
                item = sorted(item, key=canonical)
            result[key] = item
        return result
    if isinstance(value, list):
        return [sort_set_like(item, set_like_keys) for item in value]
    return value


def differences(desired, current, path="", subset=False):
    """Paths at which ``desired`` and ``current`` differ.

    With ``subset=True`` only what ``desired`` sets is compared (keys absent from it are left
    to AWS), at every depth of mappings; lists are always compared whole.
    """
    if isinstance(desired, dict) and isinstance(current, dict):
        found = []
        keys = desired.keys() if subset else desired.keys() | current.keys()
        for key in sorted(keys):
            child = f"{path}.{key}" if path else key
            found.extend(differences(desired.get(key, _MISSING), current.get(key, _MISSING), child, subset))
        return found
    if isinstance(desired, list) and isinstance(current, list) and len(desired) == len(current):
        found = []
        for index, (want, have) in enumerate(zip(desired, current)):
            found.extend(differences(want, have, f"{path}[{index}]", subset))
        return found
    return [] if desired == current else [path or "(value)"]


def diff(before, after):
    """Ansible's diff mode payload for two normalised values."""
    return {"before": before if before is not None else {}, "after": after if after is not None else {}}
