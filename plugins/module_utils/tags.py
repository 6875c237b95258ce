# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tags in every plan: what to set and unset (amazon.aws's ``compare_aws_tags``) and the tags after the change, for the diff."""

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags


def tag_changes(current, desired, purge):
    """(to_set, to_unset); nothing when the user does not manage tags (``desired`` None)."""
    if desired is None:
        return {}, []
    return compare_aws_tags(current or {}, desired, purge_tags=purge)


def tags_after(current, to_set, to_unset):
    """The tags once ``to_set`` and ``to_unset`` are applied to ``current``."""
    after = {key: value for key, value in (current or {}).items() if key not in to_unset}
    after.update(to_set)
    return after


def add_tag_changes(after, calls, current, desired, purge):
    """Into a plan being built: the tags after the change in ``after``, and an ``update_tags`` call when they change."""
    to_set, to_unset = tag_changes(current, desired, purge)
    after["tags"] = tags_after(current, to_set, to_unset)
    if to_set or to_unset:
        calls.append(("update_tags", (to_set, to_unset)))
