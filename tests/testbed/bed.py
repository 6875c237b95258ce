"""Helpers for the test bed tests: running commands, the controller's state,
and a handle on a running test bed (vars, SSH, Ansible, AWS clients)."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OUT = Path(os.environ.get("TESTBED_OUT", REPO / "build" / "testbed"))
STATE_DIR = Path(os.environ.get("TESTBED_STATE", "/var/lib/hybridops-testbed"))
CACHE_DIR = Path(os.environ.get("TESTBED_CACHE", "/var/cache/hybridops-testbed"))
# As common.sh: another test bed instance may run beside this one, with other names.
BRIDGE = os.environ.get("TESTBED_BRIDGE", "hoecsbr0")
NET_PREFIX = os.environ.get("TESTBED_NET_PREFIX", "10.213.7")
MACHINE_PREFIX = os.environ.get("TESTBED_MACHINE_PREFIX", "hoecs")
BIN = Path(sys.executable).parent
HOSTS = 3


def run(cmd, check=True, **kwargs):
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    result = subprocess.run(cmd, check=False, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{cmd} exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


def machine_state():
    """What `down` must give back: this instance's mounts, links, addresses, routes, firewall
    rules, machines, processes, the state directory, and the inotify limit while no other
    instance's hosts run (only what this instance names, so another one beside it does not count)."""

    def cmd(*argv):
        try:
            result = run(list(argv), check=False)
        except FileNotFoundError:
            return "(absent)"
        return f"rc={result.returncode}\n{result.stdout}{result.stderr}"

    def ours(text):
        return sorted(line for line in text.splitlines() if BRIDGE in line or f"{MACHINE_PREFIX}-" in line or f"{NET_PREFIX}." in line)

    def our_mount(line):
        # Every instance's overlays have the shared cache as lowerdir: a mount is ours by its mount point or upperdir.
        return line.split()[4].startswith((f"{STATE_DIR}/", f"{CACHE_DIR}/")) or f"{STATE_DIR}/" in line

    mounts = sorted(
        " ".join(line.split()[4:5] + line.split(" - ")[1].split()[:2])
        for line in Path("/proc/self/mountinfo").read_text().splitlines()
        if our_mount(line)
    )
    others = [p for p in testbed_processes(everyone=True) if p not in testbed_processes()]
    return {
        "mounts": mounts,
        "links": ours(cmd("ip", "-o", "link", "show")),
        "addresses": ours(cmd("ip", "-br", "addr", "show")),
        "routes": ours(cmd("ip", "route", "show")),
        "iptables": ours(cmd("iptables-save")),
        "machinectl": ours(cmd("machinectl", "list", "--no-legend")),
        "processes": testbed_processes(),
        "inotify": "shared" if others else Path("/proc/sys/fs/inotify/max_user_instances").read_text().strip(),
        "state_dir": STATE_DIR.exists(),
        "nspawn_rundir": sorted(str(p) for p in Path("/run/systemd/nspawn").rglob(f"*{MACHINE_PREFIX}-*"))
        if Path("/run/systemd/nspawn").exists()
        else None,
    }


def testbed_processes(everyone=False):
    """Processes this test bed instance starts: its nspawns, anything inside its hosts (a mount
    namespace whose root is one of its overlays), the mirror, the fake AWS on its bridge,
    gpg-agent for the test keyring.  everyone=True: any nspawn, whichever instance it belongs to."""
    markers = (str(STATE_DIR) + "/", str(OUT), f"--host {NET_PREFIX}.1", f"{MACHINE_PREFIX}-")
    if everyone:
        markers += ("systemd-nspawn",)
    own_ns = os.readlink("/proc/self/ns/mnt")
    overlay = f"upperdir={STATE_DIR}/"
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            inside = os.readlink(proc / "ns" / "mnt") != own_ns and any(
                line.split()[4] == "/" and overlay in line for line in (proc / "mountinfo").read_text().splitlines()
            )
        except OSError:
            continue
        if inside or any(marker in cmdline for marker in markers):
            found.append(f"{proc.name} {cmdline}")
    return sorted(found)


class Testbed:
    def __init__(self, up_seconds):
        self.up_seconds = up_seconds
        self.vars = yaml.safe_load((OUT / "testbed_vars.yml").read_text())
        self.inventory = OUT / "inventory.ini"
        self.ssh_config = OUT / "ssh_config"
        self.hosts = [host["name"] for host in self.vars["testbed_hosts"]]

    def ssh(self, host, command, check=True, root=True, **kwargs):
        """Run a shell command on a host: as root through passwordless sudo (the inventory's
        user cannot log in as root), or as that user with root=False."""
        if root:
            command = "sudo -n /bin/bash -c " + shlex.quote(command)
        return run(["ssh", "-F", str(self.ssh_config), host, command], check=check, **kwargs)

    def ansible_env(self, tmp_path):
        env = dict(os.environ)
        env.update(
            ANSIBLE_HOST_KEY_CHECKING="False",
            ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_RETRY_FILES_ENABLED="False",
        )
        return env

    def ansible(self, tmp_path, *args, check=True):
        return run([str(BIN / "ansible"), "-i", str(self.inventory), *args], check=check, env=self.ansible_env(tmp_path))

    def playbook(self, tmp_path, playbook, *args, check=True):
        return run(
            [str(BIN / "ansible-playbook"), "-i", str(self.inventory), "-e", f"@{OUT / 'testbed_vars.yml'}", str(playbook), *args],
            check=check,
            env=self.ansible_env(tmp_path),
        )

    def client(self, service):
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.vars["testbed_aws_endpoint_url"],
            region_name=self.vars["testbed_region"],
            aws_access_key_id=self.vars["testbed_aws_access_key_id"],
            aws_secret_access_key=self.vars["testbed_aws_secret_access_key"],
        )
