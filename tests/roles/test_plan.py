"""The roles' install plans for each supported OS family and architecture, from recorded facts.

Each case gives `ansible_facts` as extra variables (the keys `setup` records that the plans read), so the roles' own
`plan` entry points run unchanged through ansible-playbook, on the controller, without touching any host.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# (name, facts as `setup` records them: the keys the plan reads)
HOSTS = {
    "debian12_amd64": {"os_family": "Debian", "distribution": "Debian", "distribution_release": "bookworm", "architecture": "x86_64", "pkg_mgr": "apt"},
    "ubuntu24_arm64": {"os_family": "Debian", "distribution": "Ubuntu", "distribution_release": "noble", "architecture": "aarch64", "pkg_mgr": "apt"},
    "rhel9_amd64": {"os_family": "RedHat", "distribution": "RedHat", "distribution_release": "Plow", "architecture": "x86_64", "pkg_mgr": "dnf"},
    "centos7_amd64": {"os_family": "RedHat", "distribution": "CentOS", "distribution_release": "Core", "architecture": "x86_64", "pkg_mgr": "yum"},
    "fedora40_arm64": {"os_family": "RedHat", "distribution": "Fedora", "distribution_release": "", "architecture": "aarch64", "pkg_mgr": "dnf5"},
    "al2023_arm64": {"os_family": "RedHat", "distribution": "Amazon", "distribution_release": "", "architecture": "aarch64", "pkg_mgr": "dnf"},
    "sles15_amd64": {"os_family": "Suse", "distribution": "SLES", "distribution_release": "", "architecture": "x86_64", "pkg_mgr": "zypper"},
    "freebsd_amd64": {"os_family": "FreeBSD", "distribution": "FreeBSD", "distribution_release": "14.1", "architecture": "amd64", "pkg_mgr": "pkgng"},
    "debian_s390x": {"os_family": "Debian", "distribution": "Debian", "distribution_release": "bookworm", "architecture": "s390x", "pkg_mgr": "apt"},
}

S3 = "https://s3.eu-west-1.amazonaws.com"
# (host, region, extra vars) -> expected ssm plan, expected ecs plan (None: the role refuses the host)
CASES = [
    ("debian12_amd64", "eu-west-1", {},
     {"format": "deb", "manager": "apt", "arch": "amd64", "url": f"{S3}/amazon-ssm-eu-west-1/latest/debian_amd64/amazon-ssm-agent.deb"},
     {"format": "deb", "manager": "apt", "arch": "amd64", "runtime_packages": ["docker.io"],
      "url": f"{S3}/amazon-ecs-agent-eu-west-1/amazon-ecs-init-latest.amd64.deb"}),
    ("ubuntu24_arm64", "eu-west-1", {"ssm_agent_version": "3.3.1611.0", "ecs_agent_version": "1.91.0-1", "ecs_agent_container_runtime": "docker_ce"},
     {"format": "deb", "manager": "apt", "arch": "arm64", "url": f"{S3}/amazon-ssm-eu-west-1/3.3.1611.0/debian_arm64/amazon-ssm-agent.deb"},
     {"format": "deb", "manager": "apt", "arch": "arm64", "runtime_packages": ["docker-ce", "docker-ce-cli", "containerd.io"],
      "url": f"{S3}/amazon-ecs-agent-eu-west-1/amazon-ecs-init-1.91.0-1.arm64.deb"}),
    ("rhel9_amd64", "eu-west-1", {"ecs_agent_container_runtime": "docker_ce"},
     {"format": "rpm", "manager": "dnf", "arch": "amd64", "url": f"{S3}/amazon-ssm-eu-west-1/latest/linux_amd64/amazon-ssm-agent.rpm"},
     {"format": "rpm", "manager": "dnf", "arch": "x86_64", "runtime_packages": ["docker-ce", "docker-ce-cli", "containerd.io"],
      "url": f"{S3}/amazon-ecs-agent-eu-west-1/amazon-ecs-init-latest.x86_64.rpm"}),
    # RHEL's own "docker" is podman: no distro runtime to offer.
    ("rhel9_amd64", "eu-west-1", {},
     {"format": "rpm", "manager": "dnf", "arch": "amd64", "url": f"{S3}/amazon-ssm-eu-west-1/latest/linux_amd64/amazon-ssm-agent.rpm"},
     {"format": "rpm", "manager": "dnf", "arch": "x86_64", "runtime_packages": [],
      "url": f"{S3}/amazon-ecs-agent-eu-west-1/amazon-ecs-init-latest.x86_64.rpm"}),
    ("centos7_amd64", "us-gov-west-1", {},
     {"format": "rpm", "manager": "yum", "arch": "amd64",
      "url": "https://s3.us-gov-west-1.amazonaws.com/amazon-ssm-us-gov-west-1/latest/linux_amd64/amazon-ssm-agent.rpm"},
     {"format": "rpm", "manager": "yum", "arch": "x86_64", "runtime_packages": [],
      "url": "https://s3.us-gov-west-1.amazonaws.com/amazon-ecs-agent-us-gov-west-1/amazon-ecs-init-latest.x86_64.rpm"}),
    ("fedora40_arm64", "cn-north-1", {},
     {"format": "rpm", "manager": "dnf", "arch": "arm64",
      "url": "https://s3.cn-north-1.amazonaws.com.cn/amazon-ssm-cn-north-1/latest/linux_arm64/amazon-ssm-agent.rpm"},
     {"format": "rpm", "manager": "dnf", "arch": "aarch64", "runtime_packages": ["docker"],
      "url": "https://s3.cn-north-1.amazonaws.com.cn/amazon-ecs-agent-cn-north-1/amazon-ecs-init-latest.aarch64.rpm"}),
    ("al2023_arm64", "eusc-de-east-1", {"ssm_agent_dualstack": True, "ecs_agent_dualstack": True},
     {"format": "rpm", "manager": "dnf", "arch": "arm64",
      "url": "https://s3.eusc-de-east-1.amazonaws.eu/amazon-ssm-eusc-de-east-1/latest/linux_arm64/amazon-ssm-agent.rpm"},
     {"format": "rpm", "manager": "dnf", "arch": "aarch64", "runtime_packages": ["docker"],
      "url": "https://s3.eusc-de-east-1.amazonaws.eu/amazon-ecs-agent-eusc-de-east-1/amazon-ecs-init-latest.aarch64.rpm"}),
    ("sles15_amd64", "ap-south-1", {"ssm_agent_dualstack": True, "ecs_agent_dualstack": True},
     {"format": "rpm", "manager": "zypper", "arch": "amd64",
      "url": "https://s3.dualstack.ap-south-1.amazonaws.com/amazon-ssm-ap-south-1/latest/linux_amd64/amazon-ssm-agent.rpm"},
     {"format": "rpm", "manager": "zypper", "arch": "x86_64", "runtime_packages": ["docker"],
      "url": "https://s3.dualstack.ap-south-1.amazonaws.com/amazon-ecs-agent-ap-south-1/amazon-ecs-init-latest.x86_64.rpm"}),
    ("debian12_amd64", "us-east-1",
     {"ssm_agent_package_source": "mirror", "ssm_agent_mirror_url": "http://mirror.example/aws/", "ecs_agent_package_source": "mirror",
      "ecs_agent_mirror_url": "http://mirror.example/aws"},
     {"format": "deb", "manager": "apt", "arch": "amd64", "url": "http://mirror.example/aws/amazon-ssm-us-east-1/latest/debian_amd64/amazon-ssm-agent.deb"},
     {"format": "deb", "manager": "apt", "arch": "amd64", "runtime_packages": ["docker.io"],
      "url": "http://mirror.example/aws/amazon-ecs-agent-us-east-1/amazon-ecs-init-latest.amd64.deb"}),
    ("debian12_amd64", "us-east-1",
     {"ssm_agent_package_source": "controller_file", "ssm_agent_package_file": "/srv/ssm.deb", "ecs_agent_package_source": "host_file",
      "ecs_agent_package_file": "/tmp/ecs.deb", "ecs_agent_container_runtime": "none"},
     {"format": "deb", "manager": "apt", "arch": "amd64", "url": ""},
     {"format": "deb", "manager": "apt", "arch": "amd64", "runtime_packages": [], "url": ""}),
    ("freebsd_amd64", "us-east-1", {}, None, None),
    ("debian_s390x", "us-east-1", {}, None, None),
]

# One ansible-playbook run for every case: each case's facts and variables are task variables of its include, which
# take precedence over the controller's own (ungathered) facts.
PLAYBOOK = """\
- name: Plans
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Each case
      ansible.builtin.include_tasks: "{{ case }}"
      loop: "{{ cases }}"
      loop_control: {loop_var: case}
"""

# A case's tasks for one role: `vars` is filled in per case (JSON is YAML); `out` is the case's directory.
ROLE_PLAN = """\
- name: {role} plan
  vars: {vars}
  block:
    - ansible.builtin.include_role: {{name: hybridops.ecs_anywhere.{role}, tasks_from: plan}}
    - ansible.builtin.copy: {{dest: "{out}/{role}.json", content: "{{{{ {role}_plan | to_json }}}}", mode: "0600"}}
  rescue:
    - ansible.builtin.copy: {{dest: "{out}/{role}.json", content: "{{{{ ansible_failed_result.msg | to_json }}}}", mode: "0600"}}
"""
ROLES = ("ssm_agent", "ecs_agent")


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    """{case index: (ssm plan or refusal, ecs plan or refusal)} from one run."""
    work = tmp_path_factory.mktemp("plans")
    cases = []
    for index, (host, region, extra, *_expected) in enumerate(CASES):
        (work / str(index)).mkdir()
        variables = {"ansible_facts": HOSTS[host], "ssm_agent_region": region, "ecs_agent_region": region, **extra}
        case = work / f"case{index}.yml"
        case.write_text("".join(ROLE_PLAN.format(role=role, vars=json.dumps(variables), out=work / str(index)) for role in ROLES))
        cases.append(str(case))
    (work / "play.yml").write_text(PLAYBOOK)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(REPO / "build" / "collections"), ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0")
    run = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", "localhost,", str(work / "play.yml"),
         "-e", json.dumps({"cases": cases, "ansible_python_interpreter": sys.executable})],
        env=env, capture_output=True, text=True, check=False, cwd=work,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return {
        index: tuple(json.loads((work / str(index) / f"{role}.json").read_text()) for role in ROLES)
        for index in range(len(CASES))
    }


@pytest.mark.parametrize(("index", "host", "ssm", "ecs"), [(i, c[0], c[3], c[4]) for i, c in enumerate(CASES)],
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_install_plan(plans, index, host, ssm, ecs):  # pylint: disable=redefined-outer-name
    ssm_plan, ecs_plan = plans[index]
    if ssm is None:
        assert isinstance(ssm_plan, str) and "is not supported" in ssm_plan and HOSTS[host]["architecture"] in ssm_plan
        assert isinstance(ecs_plan, str) and "is not supported" in ecs_plan
        return
    assert {key: ssm_plan[key] for key in ssm} == ssm
    assert ssm_plan["signature_url"] == (ssm["url"] + ".sig" if ssm["url"] else "")
    assert {key: ecs_plan[key] for key in ecs} == ecs
    assert ecs_plan["signature_url"] == (ecs["url"] + ".asc" if ecs["url"] else "")
