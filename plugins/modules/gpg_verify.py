#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hybridops.ecs_anywhere project
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: gpg_verify
short_description: Check a file's detached OpenPGP signature against pinned key fingerprints
version_added: 0.2.0
description:
  - Runs C(gpg --verify) on the managed host, in a throwaway keyring that holds only the public keys given, and accepts the
    signature only when C(gpg) reports it valid (C(VALIDSIG)) and the primary fingerprint of the signing key (the last field
    of the C(VALIDSIG) status line; AWS signs with subkeys) is one of O(fingerprints).
  - Fails, naming the reason, when C(gpg) is missing, the signature is bad, the key is unknown, expired or revoked, or the
    key is not pinned. It never falls back to installing unverified.
  - The host's own keyrings are neither read nor changed.
author:
  - Hybridops Maintainers (@hybridops)
options:
  path:
    description: The signed file on the host.
    type: path
    required: true
  signature:
    description: The detached signature on the host, binary (C(.sig)) or armored (C(.asc)).
    type: path
    required: true
  keys:
    description: Armored public keys (the text of C(-----BEGIN PGP PUBLIC KEY BLOCK-----) blocks) to verify with.
    type: list
    elements: str
    required: true
  fingerprints:
    description:
      - Primary key fingerprints (40 hexadecimal digits, spaces allowed) a valid signature must come from.
      - A list, so that a key rotation is a change of this list.
    type: list
    elements: str
    required: true
  gpg:
    description: The C(gpg) program; looked up on the C(PATH) when only a name is given.
    type: str
    default: gpg
extends_documentation_fragment:
  - hybridops.ecs_anywhere.attributes.info
notes:
  - C(gpg) must be on the host. Install C(gnupg) (Debian, Ubuntu, SUSE) or C(gnupg2) (RHEL family) first.
"""

EXAMPLES = r"""
- name: The package carries a valid signature by a pinned AWS key
  hybridops.ecs_anywhere.gpg_verify:
    path: /var/tmp/amazon-ssm-agent.deb
    signature: /var/tmp/amazon-ssm-agent.deb.sig
    keys: ["{{ lookup('ansible.builtin.file', 'amazon-ssm-agent.gpg') }}"]
    fingerprints:
      - 1C5B395CBE5E74E2F1CA21592784DBF388D19D46
"""

RETURN = r"""
fingerprint:
  description: Primary fingerprint of the key that made the signature.
  returned: success
  type: str
  sample: F34C3DDAE72926B079BEAEC6BCE9D9A42D51784F
signing_key:
  description: Fingerprint of the (sub)key that made the signature.
  returned: success
  type: str
  sample: 6F5E4D3C2B1A09F8E7D6C5B4A39281706F5E4D3C
signed_at:
  description: When the signature was made, in seconds since the epoch.
  returned: success
  type: int
  sample: 1767261600
"""

import os
import re
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule

FINGERPRINT = re.compile(r"^[0-9A-F]{40}$")


def normalise_fingerprint(value):
    return re.sub(r"\s+", "", value).upper()


def verdict(status_lines, pinned):
    """What gpg's --status-fd lines say about a signature: (error or None, details).

    Status keywords: gnupg's doc/DETAILS. Only VALIDSIG proves the signature; its last field is the primary key's
    fingerprint. EXPKEYSIG/REVKEYSIG come with a VALIDSIG too, so they are checked first.
    """
    by_keyword = {}
    for line in status_lines:
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "[GNUPG:]":
            by_keyword.setdefault(parts[1], parts[2:])
    if "BADSIG" in by_keyword:
        return "bad signature: the file is not what the key signed", {}
    if "EXPKEYSIG" in by_keyword:
        return f"signed by an expired key ({by_keyword['EXPKEYSIG'][0]})", {}
    if "REVKEYSIG" in by_keyword:
        return f"signed by a revoked key ({by_keyword['REVKEYSIG'][0]})", {}
    if "NO_PUBKEY" in by_keyword or "ERRSIG" in by_keyword:
        key = (by_keyword.get("NO_PUBKEY") or by_keyword.get("ERRSIG") or ["?"])[0]
        return f"signed by an unknown key ({key}): none of the keys given made it", {}
    valid = by_keyword.get("VALIDSIG")
    if not valid:
        return "gpg found no valid signature", {}
    details = {"signing_key": valid[0], "signed_at": int(valid[2]) if valid[2].isdigit() else None, "fingerprint": valid[-1]}
    if valid[-1] not in pinned:
        return f"signed by key {valid[-1]}, which is not one of the pinned fingerprints", details
    return None, details


def run_gpg(module, gpg, home, *args, data=None):
    return module.run_command([gpg, "--homedir", home, "--batch", "--no-tty", "--status-fd", "1", *args], data=data, binary_data=data is not None)


def main():
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "signature": {"type": "path", "required": True},
            "keys": {"type": "list", "elements": "str", "required": True, "no_log": False},
            "fingerprints": {"type": "list", "elements": "str", "required": True},
            "gpg": {"type": "str", "default": "gpg"},
        },
        supports_check_mode=True,
    )
    params = module.params
    pinned = {normalise_fingerprint(value) for value in params["fingerprints"]}
    malformed = sorted(value for value in pinned if not FINGERPRINT.match(value))
    if malformed or not pinned:
        module.fail_json(msg=f"fingerprints: expected 40 hexadecimal digits each, got {malformed or 'none'}")
    if not params["keys"] or not all("BEGIN PGP PUBLIC KEY BLOCK" in key for key in params["keys"]):
        module.fail_json(msg="keys: expected armored public keys (-----BEGIN PGP PUBLIC KEY BLOCK-----)")
    for option in ("path", "signature"):
        if not os.path.isfile(params[option]):
            module.fail_json(msg=f"{option}: {params[option]} is not a file on the host")
    gpg = params["gpg"] if os.sep in params["gpg"] else module.get_bin_path(params["gpg"])
    if not gpg:
        module.fail_json(msg="gpg is not installed on the host: the signature cannot be checked, so nothing is installed (install gnupg first)")

    home = tempfile.mkdtemp(prefix="hybridops-gpg-")
    try:
        rc, out, err = run_gpg(module, gpg, home, "--import", data="\n".join(params["keys"]).encode())
        if rc != 0:
            module.fail_json(msg=f"keys: gpg could not import them: {err.strip()}")
        rc, out, err = run_gpg(module, gpg, home, "--verify", params["signature"], params["path"])
        error, details = verdict(out.splitlines(), pinned)
        if error:
            module.fail_json(msg=f"{params['path']}: {error}", gpg_stderr=err, **details)
        module.exit_json(changed=False, **details)
    finally:
        # gpg-agent may hold sockets in the home; stop it before removing the directory.
        if module.get_bin_path("gpgconf"):
            module.run_command(["gpgconf", "--homedir", home, "--kill", "all"])
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
