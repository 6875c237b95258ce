"""Make the site that `antsibull-docs sphinx-init` generated build offline (`make docs`).

    python tests/docs/offline_site.py build/docs

sphinx-init's conf.py fetches Sphinx inventories of Python's, Jinja's and Ansible's docs (intersphinx). Here nothing
is fetched: the mapping is replaced by one local inventory, written beside conf.py, that holds only the labels of
Ansible's docs that antsibull-docs' page templates link to (the note on modules with an action plugin, the common
return values, the configuration settings on the environment variables page). Those links then point at Ansible's
docs as on Galaxy, and Sphinx with -W fails only on references the collection's own docs get wrong.
"""

import sys
import zlib
from pathlib import Path

ANSIBLE_DOCS = "https://docs.ansible.com/projects/ansible/devel/"
INVENTORY = "ansible_devel.inv"
# label: (page in Ansible's docs, title)
LABELS = {
    "action_plugins": ("plugins/action.html#action-plugins", "Action plugins"),
    "common_return_values": ("reference_appendices/common_return_values.html#common-return-values", "Return Values"),
    "ansible_configuration_settings": ("reference_appendices/config.html#ansible-configuration-settings",
                                       "Ansible Configuration Settings"),
}
CONF_TAIL = f"""
# tests/docs/offline_site.py (make docs): offline. No inventory is fetched; the labels of Ansible's docs that antsibull-docs'
# templates link to come from a local inventory.
intersphinx_mapping = {{
    'ansible_devel': ({ANSIBLE_DOCS!r}, '../{INVENTORY}'),
}}
"""


def inventory():
    """A Sphinx inventory (version 2) of LABELS."""
    header = (
        "# Sphinx inventory version 2\n"
        "# Project: Ansible\n"
        "# Version: devel\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = "".join(f"{label} std:label -1 {uri} {title}\n" for label, (uri, title) in sorted(LABELS.items()))
    return header.encode() + zlib.compress(body.encode())


def configure(site):
    site = Path(site)
    conf = site / "conf.py"
    text = conf.read_text(encoding="utf-8")
    if "intersphinx_mapping" not in text:
        raise SystemExit(f"{conf}: no intersphinx_mapping; has antsibull-docs sphinx-init changed?")
    if CONF_TAIL not in text:
        conf.write_text(text + CONF_TAIL, encoding="utf-8")
    (site / INVENTORY).write_bytes(inventory())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    configure(sys.argv[1])
