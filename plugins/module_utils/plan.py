# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one plan type: what a module will change, what it will not do, and the calls that make the change.

A resource's ``plan`` builds the normalised state before and after the change and the calls to make;
``changes`` come from one walk of ``compare.differences`` over the same two values that make the diff,
so ``changed`` and the diff can never disagree.
"""

from dataclasses import dataclass
from dataclasses import field

from .compare import differences


@dataclass
class Plan:
    """``calls``: (name, arguments) in order, for the resource's ``apply``; ``refusals``: messages that fail the module before any call."""

    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    calls: list = field(default_factory=list)
    refusals: list = field(default_factory=list)
    changes: list = field(init=False)

    def __post_init__(self):
        self.before = {} if self.before is None else self.before
        self.after = {} if self.after is None else self.after
        self.changes = differences(self.after, self.before)
        if self.calls and not self.changes:
            # A call that changes nothing the diff shows would report changed=false after a write.
            raise ValueError(f"calls planned without a change: {[name for name, _args in self.calls]}")

    @property
    def changed(self):
        return bool(self.changes)

    @property
    def diff(self):
        return {"before": self.before, "after": self.after}

    def planned(self, name):
        return any(planned == name for planned, _args in self.calls)

    def call(self, name):
        """The arguments of the planned call ``name``, or None when it is not planned."""
        return next((args for planned, args in self.calls if planned == name), None)
