"""gpg_verify with the real gpg: keys made here (a primary that signs through a subkey, as AWS's ECS key does; an
expired key; a rogue one), files signed with them, and the module run as Ansible runs it (JSON arguments in, JSON out)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.hybridops.ecs_anywhere.plugins.modules.gpg_verify import verdict

MODULE = Path(__file__).resolve().parents[4] / "plugins" / "modules" / "gpg_verify.py"
PRIMARY = "F34C3DDAE72926B079BEAEC6BCE9D9A42D51784F"


def gpg(home, *args, check=True, **kwargs):
    return subprocess.run(["gpg", "--homedir", str(home), "--batch", "--pinentry-mode", "loopback", "--passphrase", "", *args],
                          capture_output=True, text=True, check=check, **kwargs)


def fingerprints(home, uid):
    listing = gpg(home, "--with-colons", "--list-keys", uid).stdout.splitlines()
    return [line.split(":")[9] for line in listing if line.startswith("fpr:")]


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """Armored keys, fingerprints and signatures of one payload, made once for the module."""
    work = tmp_path_factory.mktemp("gpg")
    home = work / "home"
    home.mkdir(mode=0o700)
    gpg(home, "--quick-gen-key", "Signer <signer@test.invalid>", "ed25519", "cert", "1y")
    [primary] = fingerprints(home, "signer@test.invalid")
    gpg(home, "--quick-add-key", primary, "ed25519", "sign", "1y")
    subkey = fingerprints(home, "signer@test.invalid")[1]
    gpg(home, "--faked-system-time", "20200101T000000", "--quick-gen-key", "Old <old@test.invalid>", "ed25519", "sign", "1d")
    [expired] = fingerprints(home, "old@test.invalid")
    gpg(home, "--quick-gen-key", "Rogue <rogue@test.invalid>", "ed25519", "sign", "1y")
    [rogue] = fingerprints(home, "rogue@test.invalid")

    payload = work / "agent.deb"
    payload.write_bytes(b"the package" * 100)
    tampered = work / "tampered.deb"
    tampered.write_bytes(b"the packagf" * 100)

    def sign(name, key, *extra):
        out = work / f"{name}.sig"
        gpg(home, *extra, "--local-user", key + "!", "--detach-sign", "--output", str(out), str(payload))
        return str(out)

    return {
        "armored": {uid: gpg(home, "--armor", "--export", uid).stdout for uid in ("signer@test.invalid", "old@test.invalid", "rogue@test.invalid")},
        "primary": primary, "subkey": subkey, "expired": expired, "rogue": rogue,
        "payload": str(payload), "tampered": str(tampered),
        "by_subkey": sign("subkey", subkey),
        "by_expired": sign("expired", expired, "--faked-system-time", "20200101T120000"),
        "by_rogue": sign("rogue", rogue),
    }


def run_module(tmp_path, **params):
    args = tmp_path / "args.json"
    args.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": params}))
    done = subprocess.run([sys.executable, str(MODULE), str(args)], capture_output=True, text=True, check=False, env=dict(os.environ))
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("genuine", None),
        ("tampered", "bad signature: the file is not what the key signed"),
        ("expired", "signed by an expired key"),
        ("rogue_unpinned", "which is not one of the pinned fingerprints"),
        ("rogue_unknown", "signed by an unknown key"),
        ("subkey_pinned", "which is not one of the pinned fingerprints"),
        ("no_gpg", "gpg is not installed on the host"),
        ("bad_fingerprint", "fingerprints: expected 40 hexadecimal digits each"),
        ("not_armored", "keys: expected armored public keys"),
        ("missing_file", "path: /nonexistent/agent.deb is not a file on the host"),
    ],
)
def test_verification(tmp_path, keys, case, message):  # pylint: disable=redefined-outer-name
    armored = keys["armored"]
    params = {"path": keys["payload"], "signature": keys["by_subkey"], "keys": [armored["signer@test.invalid"]], "fingerprints": [keys["primary"]]}
    params.update({
        "genuine": {},
        "tampered": {"path": keys["tampered"]},
        "expired": {"signature": keys["by_expired"], "keys": [armored["old@test.invalid"]], "fingerprints": [keys["expired"]]},
        "rogue_unpinned": {"signature": keys["by_rogue"], "keys": [armored["signer@test.invalid"], armored["rogue@test.invalid"]]},
        "rogue_unknown": {"signature": keys["by_rogue"]},
        "subkey_pinned": {"fingerprints": [keys["subkey"]]},
        "no_gpg": {"gpg": "gpg-is-not-installed-here"},
        "bad_fingerprint": {"fingerprints": ["1234"]},
        "not_armored": {"keys": ["not a key"]},
        "missing_file": {"path": "/nonexistent/agent.deb"},
    }[case])
    result = run_module(tmp_path, **params)
    if message is None:
        assert not result.get("failed"), result
        assert result["changed"] is False
        assert result["fingerprint"] == keys["primary"] and result["signing_key"] == keys["subkey"]
    else:
        assert result["failed"] is True
        assert message in result["msg"], result["msg"]
        assert "fingerprint" not in result or result["fingerprint"] != keys["primary"] or case == "subkey_pinned"


def test_fingerprints_with_spaces_and_lower_case(tmp_path, keys):  # pylint: disable=redefined-outer-name
    spaced = " ".join(keys["primary"][i:i + 4] for i in range(0, 40, 4)).lower()
    result = run_module(tmp_path, path=keys["payload"], signature=keys["by_subkey"], keys=[keys["armored"]["signer@test.invalid"]], fingerprints=[spaced])
    assert not result.get("failed"), result


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        # gnupg doc/DETAILS: an expired key still yields GOODSIG-like VALIDSIG; EXPKEYSIG must win.
        (["[GNUPG:] EXPKEYSIG 1234 Old", f"[GNUPG:] VALIDSIG AAAA 2020-01-01 1577880000 0 4 0 22 8 00 {PRIMARY}"], "signed by an expired key (1234)"),
        (["[GNUPG:] REVKEYSIG 1234 Old", f"[GNUPG:] VALIDSIG AAAA 2020-01-01 1577880000 0 4 0 22 8 00 {PRIMARY}"], "signed by a revoked key (1234)"),
        (["[GNUPG:] ERRSIG 99 22 8 00 1577880000 9 -", "[GNUPG:] NO_PUBKEY 99"], "signed by an unknown key (99): none of the keys given made it"),
        (["[GNUPG:] NODATA 1"], "gpg found no valid signature"),
        ([f"[GNUPG:] VALIDSIG AAAA 2020-01-01 1577880000 0 4 0 22 8 00 {PRIMARY}"], None),
    ],
)
def test_verdict_from_status_lines(lines, error):
    found, details = verdict(lines, {PRIMARY})
    assert found == error
    if error is None:
        assert details == {"signing_key": "AAAA", "signed_at": 1577880000, "fingerprint": PRIMARY}
