"""Read-only look at a host for the ssm_agent and ecs_agent roles; prints one JSON object {"ssm": ..., "ecs": ...}.

Run by ansible.builtin.script with the host's Python: nothing here writes.
"""

import json
import os
import shutil
import subprocess
import sys

REGISTRATION = "/var/lib/amazon/ssm/Vault/Store/RegistrationKey"
SNAP_BINARY = "/snap/amazon-ssm-agent/current/amazon-ssm-agent"
CREDENTIALS = "/root/.aws/credentials"
SECRET_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")
CONFIG_FILES = ("/var/lib/ecs/ecs.config", "/etc/ecs/ecs.config")
STATE_DIR = "/var/lib/ecs/data"
# The roles' own systemd drop-in (proxy): looked for here so that a run without a proxy removes it only where it is.
PROXY_DROPIN = "/etc/systemd/system/{unit}.d/hybridops-proxy.conf"
RUNTIME_PACKAGES = ("docker-ce", "docker.io", "docker-engine", "docker-ee", "moby-engine", "docker", "podman-docker")


def output(argv):
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def installed_version(package):
    """Version of an installed deb or rpm, '' when not installed (a removed deb's leftover config does not count)."""
    if shutil.which("dpkg-query"):
        status = output(["dpkg-query", "-W", "-f=${db:Status-Abbrev}|${Version}", package]) or ""
        abbrev, _separator, version = status.partition("|")
        if abbrev.startswith("ii"):
            return version
        return ""
    if shutil.which("rpm"):
        return output(["rpm", "-q", "--qf", "%{VERSION}-%{RELEASE}", package]) or ""
    return ""


def registration():
    """instanceID and region the agent would use at its next start: the Vault's RegistrationKey (DESIGN.md)."""
    try:
        with open(REGISTRATION, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return "", ""
    return data.get("instanceID") or "", data.get("region") or ""


def environment_secrets(unit):
    """AWS credential variables the agent would inherit: /etc/environment and the unit's Environment=."""
    found = []
    try:
        with open("/etc/environment", encoding="utf-8") as handle:
            found += [f"/etc/environment sets {name}" for line in handle for name in SECRET_VARIABLES if line.strip().startswith(name + "=")]
    except OSError:
        pass
    shown = output(["systemctl", "show", "--property=Environment", unit]) or ""
    found += [f"{unit} sets {name} in its Environment" for name in SECRET_VARIABLES if f"{name}=" in shown]
    return found


def ec2_instance():
    """EC2 puts the instance id in the DMI board asset tag (AWS: 'Detect whether a host is an EC2 instance')."""
    try:
        with open("/sys/devices/virtual/dmi/id/board_asset_tag", encoding="utf-8") as handle:
            tag = handle.read().strip()
    except OSError:
        return ""
    return tag if tag.startswith("i-") else ""


def configured():
    """What ecs-init would read: /var/lib/ecs/ecs.config, then /etc/ecs/ecs.config, split on the first '='."""
    settings = {}
    for path in CONFIG_FILES:
        try:
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    key, sep, value = line.rstrip("\n").partition("=")
                    if sep:
                        settings[key.strip()] = value
        except OSError:
            pass
    return settings


def ssm_agent():
    snap = os.path.exists(SNAP_BINARY)
    unit = "snap.amazon-ssm-agent.amazon-ssm-agent.service" if snap else "amazon-ssm-agent.service"
    instance_id, region = registration()
    conflicts = environment_secrets(unit)
    if not instance_id and os.path.exists(CREDENTIALS):
        conflicts.append(f"{CREDENTIALS} exists before the agent registered: the agent would use those credentials instead of its own")
    ec2 = ec2_instance()
    if ec2:
        conflicts.append(f"this host is EC2 instance {ec2}: the agent would use the instance profile, not the activation")
    return {
        "package_version": "" if snap else installed_version("amazon-ssm-agent"),
        "snap": snap,
        "instance_id": instance_id,
        "registered_region": region,
        "credential_conflicts": conflicts,
        "proxy_dropin": os.path.exists(PROXY_DROPIN.format(unit=unit)),
    }


def ecs_agent():
    return {
        "package_version": installed_version("amazon-ecs-init"),
        "configured_cluster": configured().get("ECS_CLUSTER", ""),
        "has_state": os.path.isdir(STATE_DIR) and bool(os.listdir(STATE_DIR)),
        "runtime_packages": {name: version for name in RUNTIME_PACKAGES if (version := installed_version(name))},
        "docker_binary": shutil.which("docker") or "",
        "nvidia_smi": bool(shutil.which("nvidia-smi")),
        "proxy_dropins": [name for name in ("ecs", "docker") if os.path.exists(PROXY_DROPIN.format(unit=f"{name}.service"))],
    }


def main():
    json.dump({"ssm": ssm_agent(), "ecs": ecs_agent()}, sys.stdout)


if __name__ == "__main__":
    main()
