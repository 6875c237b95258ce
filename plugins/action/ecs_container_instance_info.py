# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.hybridops.ecs_anywhere.plugins.plugin_utils.in_controller import InControllerAction


class ActionModule(InControllerAction):
    """Runs ecs_container_instance_info in the controller's worker process where it can, else as a module process (plugin_utils/in_controller.py)."""
