"""Read-only look at a host for the ecs_agent role; prints one JSON object.

Run by ansible.builtin.script with the host's Python: nothing here writes.
"""

import json
import os
import shutil
import subprocess
import sys

CONFIG_FILES = ("/var/lib/ecs/ecs.config", "/etc/ecs/ecs.config")
STATE_DIR = "/var/lib/ecs/data"
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


def main():
    runtime_packages = {name: version for name in RUNTIME_PACKAGES if (version := installed_version(name))}
    json.dump(
        {
            "package_version": installed_version("amazon-ecs-init"),
            "configured_cluster": configured().get("ECS_CLUSTER", ""),
            "has_state": os.path.isdir(STATE_DIR) and bool(os.listdir(STATE_DIR)),
            "runtime_packages": runtime_packages,
            "docker_binary": shutil.which("docker") or "",
            "nvidia_smi": bool(shutil.which("nvidia-smi")),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
