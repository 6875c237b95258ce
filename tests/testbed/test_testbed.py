"""The test bed itself: hosts, signed mirror, apt repositories, stand-in agents, clean teardown.

Tests run in file order and share the hosts: hobed-1 (hoecs-1 by default) gets the agents
by the playbook and goes through their life; hoecs-2 gets them by hand, never registered;
hoecs-3 is the variant host (no gpg, curl, python3-apt; conftest.py asks for it). The last
test takes the test bed down and compares the controller with how it was before `up`.
"""

import json
import re
import shlex
import time

from bed import HERE, HOSTS, OUT, machine_state, run
from fake_aws.helpers import create_activation, create_role

PLAYBOOK = HERE / "playbooks" / "standin_agents.yml"
DOCKER_IO = "20.10.24+dfsg1"
DOCKER_CE = "27.3.1"


def test_up_from_cached_rootfs_brings_every_host_up(testbed):
    """Every host booted and answers over ssh; how long up.sh took is reported (build/testbed/timings.json), not judged:
    a timed assertion fails on a busy machine, and `make bench` is where speed is measured."""
    print(f"\nup.sh {HOSTS} from the cached rootfs: {testbed.up_seconds:.1f} s")
    assert len(testbed.hosts) == HOSTS
    for host in testbed.hosts:
        assert testbed.ssh(host, "systemctl is-active sshd ssh", check=False).stdout.split().count("active") >= 1


def test_hosts_reach_only_the_bridge(testbed, tmp_path):
    playbook = tmp_path / "check.yml"
    playbook.write_text(
        """
- hosts: testbed
  gather_facts: true
  tasks:
    - ansible.builtin.assert:
        that:
          - ansible_facts['service_mgr'] == 'systemd'
          - ansible_facts['distribution'] == 'Debian'
          - ansible_facts['distribution_major_version'] == '12'
          - ansible_facts['default_ipv4'] == {}
    - ansible.builtin.uri:
        url: "{{ testbed_distro_repo_url }}/dists/bookworm/InRelease"
    - ansible.builtin.command: systemctl is-system-running
      changed_when: false
"""
    )
    result = testbed.playbook(tmp_path, playbook)
    recap = {line.split()[0]: line for line in result.stdout.split("PLAY RECAP")[1].splitlines() if ":" in line}
    assert sorted(recap) == sorted(testbed.hosts)  # every host answered Ansible, with systemd
    for line in recap.values():
        assert "failed=0" in line and "unreachable=0" in line, line


def test_hosts_are_like_real_servers(testbed, tmp_path):
    """Item 13: a non-root user with passwordless sudo, root login refused, one host lacking gpg, curl, python3-apt."""
    user = testbed.vars["testbed_ansible_user"]
    host, bare = testbed.hosts[0], testbed.hosts[2]
    assert testbed.ssh(host, "id -un", root=False).stdout.strip() == user
    assert testbed.ssh(host, "id -un").stdout.strip() == "root"  # sudo -n: no password asked
    refused = run(["ssh", "-F", str(testbed.ssh_config), "-l", "root", host, "true"], check=False)
    assert refused.returncode == 255 and "Permission denied" in refused.stderr
    # Without become, root's things are out of reach; with it, they are not.
    assert "FAILED" in testbed.ansible(tmp_path, host, "-m", "ansible.builtin.command", "-a", "cat /etc/shadow", check=False).stdout
    assert "CHANGED" in testbed.ansible(tmp_path, host, "-b", "-m", "ansible.builtin.command", "-a", "cat /etc/shadow").stdout

    hosts = {entry["name"]: entry for entry in testbed.vars["testbed_hosts"]}
    assert hosts[bare]["variants"] == ["nogpg", "nocurl"] and hosts[host]["variants"] == []
    probe = "for c in gpg curl; do command -v $c >/dev/null && echo has-$c; done; python3 -c 'import apt' 2>/dev/null && echo has-apt; true"
    assert testbed.ssh(host, probe).stdout.split() == ["has-gpg", "has-curl", "has-apt"]
    assert testbed.ssh(bare, probe).stdout.split() == []


def _keys_script(testbed, *names):
    """Shell lines writing the test keys (controller files) into $d/keys.asc on a host."""
    keys = "".join((OUT / "keys" / name).read_text() for name in names)
    return f"cat > $d/keys.asc <<'KEYS'\n{keys}KEYS\n"


def _verify_on_host(testbed, host, prefix, deb_path, sig_suffix):
    mirror = testbed.vars["testbed_mirror_url"] + prefix
    script = f"""
set -e
d=$(mktemp -d); cd $d
{_keys_script(testbed, "ssm-agent.gpg", "ecs-agent.gpg")}
curl -fsS -o pkg.deb {mirror}/{deb_path}
curl -fsS -o pkg.sig {mirror}/{deb_path}{sig_suffix}
gpg --homedir $d --batch -q --import keys.asc 2>/dev/null
set +e
gpg --homedir $d --batch --status-fd 1 --verify pkg.sig pkg.deb 2>&1
echo "rc=$?"
gpgconf --homedir $d --kill all; cd /; rm -rf $d
"""
    return testbed.ssh(host, script).stdout


def _validsig(output):
    """(signing key, primary key) of gpg's VALIDSIG line."""
    fields = re.search(r"^\[GNUPG:\] VALIDSIG (.*)$", output, re.M).group(1).split()
    return fields[0], fields[-1]


def test_signatures_like_aws(testbed):
    """Item 12: subkey signing, expired keys, the other pinned key, tampered, rogue; no keys on the mirror."""
    region = testbed.vars["testbed_region"]
    ssm = f"amazon-ssm-{region}/latest/debian_amd64/amazon-ssm-agent.deb"
    ecs = f"amazon-ecs-agent-{region}/amazon-ecs-init-latest.amd64.deb"
    host = testbed.hosts[1]
    ssm_current, *ssm_expired = testbed.vars["testbed_ssm_key_fingerprints"]
    ecs_key = testbed.vars["testbed_ecs_key_fingerprint"]
    assert ssm_current == testbed.vars["testbed_ssm_key_fingerprint"] and len(ssm_expired) == 2

    genuine = _verify_on_host(testbed, host, "", ssm, ".sig")
    assert "rc=0" in genuine and "GOODSIG" in genuine and _validsig(genuine)[1] == ssm_current
    genuine_ecs = _verify_on_host(testbed, host, "", ecs, ".asc")
    signer, primary = _validsig(genuine_ecs)
    assert "rc=0" in genuine_ecs and primary == ecs_key and signer != primary  # a subkey signs; the primary is pinned

    for deb, sig, other in ((ssm, ".sig", ecs_key), (ecs, ".asc", ssm_current)):
        tampered = _verify_on_host(testbed, host, "/tampered", deb, sig)
        assert "rc=1" in tampered and "BADSIG" in tampered, tampered
        badsig = _verify_on_host(testbed, host, "/badsig", deb, sig)
        assert "rc=0" not in badsig and "VALIDSIG" not in badsig and "NO_PUBKEY" in badsig, badsig
        # A good signature, by the wrong one of the two pinned keys.
        cross = _verify_on_host(testbed, host, "/crosssigned", deb, sig)
        assert "rc=0" in cross and _validsig(cross)[1] == other, cross
        # gpg exits 0 and gives VALIDSIG with a pinned fingerprint: only EXPKEYSIG tells.
        expired = _verify_on_host(testbed, host, "/expired", deb, sig)
        assert "rc=0" in expired and "EXPKEYSIG" in expired and "GOODSIG" not in expired, expired
        assert _validsig(expired)[1] in ssm_expired

    for path in ("keys/amazon-ssm-agent.gpg", "keys/amazon-ecs-agent.gpg"):
        assert testbed.ssh(host, f"curl -fsS -o /dev/null {testbed.vars['testbed_mirror_url']}/{path}", check=False).returncode == 22


def test_package_archives_like_debian_and_docker(testbed):
    """Item 8 and 13: the bare host installs what it lacks from the distro archive; Docker's repository needs its key."""
    host = testbed.hosts[2]
    install = "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q gnupg curl python3-apt >/dev/null"
    testbed.ssh(host, install)
    assert testbed.ssh(host, "command -v gpg curl && python3 -c 'import apt'").returncode == 0

    repo = testbed.vars["testbed_docker_repo_url"]
    line = f"deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] {repo} bookworm stable"
    unsigned = testbed.ssh(host, f"echo '{line}' > /etc/apt/sources.list.d/docker.list && apt-get update -q 2>&1", check=False)
    assert "NO_PUBKEY" in unsigned.stdout or "not signed" in unsigned.stdout, unsigned.stdout
    key = (OUT / "keys" / "docker-repo.gpg").read_text()
    testbed.ssh(host, f"install -d -m 755 /etc/apt/keyrings && cat > /etc/apt/keyrings/docker.asc <<'KEY'\n{key}KEY\n")
    testbed.ssh(host, "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-ce docker-ce-cli containerd.io >/dev/null")
    assert testbed.ssh(host, "docker version --format '{{.Server.Version}}'").stdout.strip() == DOCKER_CE
    assert testbed.ssh(host, "systemctl is-active docker.socket docker.service containerd.service").stdout.split() == ["active"] * 3
    # docker-ce conflicts with the distro's docker.io, as Docker's packages do.
    conflict = testbed.ssh(host, "DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io 2>&1", check=False)
    assert conflict.returncode != 0 and "Conflicts:" in conflict.stdout


def _activation(testbed, limit):
    role = create_role(testbed.client("iam"), "hybridops-testbed-ecs-anywhere", exist_ok=True)
    answer = create_activation(testbed.client("ssm"), timeout=30, IamRole=role, RegistrationLimit=limit, DefaultInstanceName="testbed")
    return answer["ActivationId"], answer["ActivationCode"]


def _install_by_hand(testbed, host, what):
    """Download and dpkg -i a stand-in package as root; the dpkg result."""
    urls = {"ssm": testbed.vars["testbed_ssm_deb_url"], "ecs": testbed.vars["testbed_ecs_deb_url_template"].replace("{version}", "latest")}
    return testbed.ssh(host, f"cd /tmp && curl -fsS -o {what}.deb {urls[what]} && dpkg -i {what}.deb 2>&1", check=False)


def test_ecs_init_needs_a_container_runtime(testbed):
    """Item 8: dpkg -i fails without one; apt brings docker.io along; the unit follows docker."""
    host = testbed.hosts[1]
    plain = _install_by_hand(testbed, host, "ecs")
    assert plain.returncode == 1 and "dependency problems" in plain.stdout
    assert "docker-ce (>= 17.12.0) | docker-engine (>= 1.6.0) | docker-ee | docker.io" in plain.stdout
    testbed.ssh(host, "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q -f >/dev/null")
    assert testbed.ssh(host, "dpkg-query -W -f '${Status} ${Version}' docker.io").stdout.startswith("install ok installed")
    assert testbed.ssh(host, "docker version --format '{{.Server.Version}}'").stdout.strip() == DOCKER_IO
    unit = testbed.ssh(host, "systemctl show ecs -p Wants -p PartOf -p After").stdout
    assert "PartOf=docker.service" in unit and "docker.service" in unit.split("Wants=")[1].split("\n")[0]
    # The docker socket is root's and the docker group's, as with the real packages.
    denied = testbed.ssh(host, "docker ps", root=False, check=False)
    assert denied.returncode == 1 and "permission denied while trying to connect to the Docker daemon socket" in denied.stderr
    stopped = testbed.ssh(host, "systemctl stop docker.socket docker.service && docker info 2>&1; systemctl start docker.socket docker.service", check=False)
    assert "Is the docker daemon running?" in stopped.stdout


def _container(testbed, host, config):
    """The ecs-agent container ecs-init creates when ecs starts with this /etc/ecs/ecs.config."""
    old = testbed.ssh(host, "docker inspect --format '{{.Id}}' ecs-agent 2>/dev/null", check=False).stdout.strip()
    testbed.ssh(host, f"printf '%s\\n' {' '.join(shlex.quote(line) for line in config)} > /etc/ecs/ecs.config && systemctl restart ecs")
    deadline = time.monotonic() + 30
    while True:
        answer = testbed.ssh(host, "docker inspect ecs-agent", check=False)
        if answer.returncode == 0:
            [container] = json.loads(answer.stdout)
            if container["Id"] != old:
                return container
        assert time.monotonic() < deadline, f"no new ecs-agent container on {host}"
        time.sleep(0.5)


def test_ecs_init_reads_its_config_files_as_the_real_one(testbed):
    """Item 9: split on the first '=', no quote stripping, no comments; only exact 'true' binds the credentials;
    a systemd drop-in's Environment= never reaches the agent."""
    host = testbed.hosts[1]
    testbed.ssh(
        host,
        "mkdir -p /etc/systemd/system/ecs.service.d && printf '[Service]\\nEnvironment=ECS_CLUSTER=from-dropin ECS_LOGLEVEL=debug\\n'"
        " > /etc/systemd/system/ecs.service.d/env.conf && systemctl daemon-reload",
    )
    container = _container(testbed, host, ['ECS_CLUSTER="quoted"', "#ECS_RESERVED_MEMORY=64", "ECS_EXTERNAL=True", 'ECS_INSTANCE_ATTRIBUTES={"a":"b=c"}'])
    env = dict(item.split("=", 1) for item in container["Config"]["Env"])
    assert env["ECS_CLUSTER"] == '"quoted"'  # quotes kept
    assert env["#ECS_RESERVED_MEMORY"] == "64"  # a comment is a variable
    assert env["ECS_INSTANCE_ATTRIBUTES"] == '{"a":"b=c"}'  # split on the first '='
    assert "ECS_LOGLEVEL" not in env  # the drop-in's Environment= stays with ecs-init
    assert not any(":/rotatingcreds" in bind for bind in container["HostConfig"]["Binds"])  # "True" is not "true"

    container = _container(testbed, host, ["ECS_EXTERNAL=true"])
    assert "/root/.aws:/rotatingcreds:ro" in container["HostConfig"]["Binds"]
    # Quoted, systemd strips the quotes for ecs-init (credentials bound), the agent gets them raw (not a boolean).
    container = _container(testbed, host, ['ECS_EXTERNAL="true"', "AWS_DEFAULT_REGION=us-east-1"])
    assert "/root/.aws:/rotatingcreds:ro" in container["HostConfig"]["Binds"] and 'ECS_EXTERNAL="true"' in container["Config"]["Env"]
    _wait_log(testbed, host, 'Invalid format for "ECS_EXTERNAL", expected a boolean, got "true"')
    testbed.ssh(host, "systemctl stop ecs && rm -rf /etc/systemd/system/ecs.service.d /etc/ecs/ecs.config && systemctl daemon-reload")


def test_ssm_agent_unregistered_exits_and_waits_90_seconds(testbed):
    """Item 10: the agent picks its identity at start; without one it exits and systemd waits RestartSec=90."""
    host = testbed.hosts[1]
    assert _install_by_hand(testbed, host, "ssm").returncode == 0
    deadline = time.monotonic() + 30
    final = "Error occurred when starting amazon-ssm-agent: failed to get identity: failed to find agent identity"
    while True:
        shown = testbed.ssh(host, "systemctl show amazon-ssm-agent -p ActiveState -p SubState -p RestartUSec").stdout
        state = dict(line.split("=", 1) for line in shown.splitlines())
        if state["SubState"] == "auto-restart":
            break
        assert time.monotonic() < deadline, f"the unregistered agent did not give up: {state}"
        time.sleep(0.5)
    assert state == {"RestartUSec": "1min 30s", "ActiveState": "activating", "SubState": "auto-restart"}, state
    assert final in testbed.ssh(host, "cat /var/log/amazon/ssm/amazon-ssm-agent.log").stdout


def test_agents_install_register_and_connect(testbed, tmp_path):
    host = testbed.hosts[0]
    cluster = "testbed-cluster"
    ecs, ssm = testbed.client("ecs"), testbed.client("ssm")
    ecs.create_cluster(clusterName=cluster)
    activation_id, activation_code = _activation(testbed, limit=1)

    result = testbed.playbook(
        tmp_path,
        PLAYBOOK,
        "-e",
        f"target={host} cluster={cluster} activation_id={activation_id} activation_code={activation_code}",
        "-e",
        f"ecs_version={testbed.vars['testbed_ecs_versions'][0]}",
    )
    assert "failed=0" in result.stdout
    assert activation_code not in result.stdout  # no_log

    registration = json.loads(testbed.ssh(host, "cat /var/lib/amazon/ssm/Vault/Store/RegistrationKey").stdout)
    instance_id = registration["instanceID"]
    assert instance_id.startswith("mi-") and registration["region"] == testbed.vars["testbed_region"]
    assert testbed.ssh(host, "stat -c %a /var/lib/amazon/ssm/Vault/Store/RegistrationKey").stdout.strip() == "600"
    assert testbed.ssh(host, "dpkg-query -W -f '${Status}' docker.io").stdout == "install ok installed"

    _wait_online(testbed, instance_id)
    [info] = ssm.describe_instance_information(Filters=[{"Key": "InstanceIds", "Values": [instance_id]}])["InstanceInformationList"]
    assert info["ComputerName"].startswith(host)
    assert info["IPAddress"] == testbed.vars["testbed_hosts"][0]["ip"]

    metadata = json.loads(testbed.ssh(host, "curl -fsS http://localhost:51678/v1/metadata").stdout)
    assert metadata["Cluster"] == cluster
    assert metadata["Version"].startswith("Amazon ECS Agent - v1.90.0")
    arn = metadata["ContainerInstanceArn"]
    [instance] = ecs.describe_container_instances(cluster=cluster, containerInstances=[arn])["containerInstances"]
    assert instance["ec2InstanceId"] == instance_id
    assert instance["status"] == "ACTIVE"
    assert instance["agentConnected"] is True
    # Item 7: the versions come through the ACS session, Docker's from the running daemon.
    assert instance["versionInfo"] == {"agentVersion": "1.90.0", "agentHash": "standin", "dockerVersion": f"DockerVersion: {DOCKER_IO}"}
    resources = {r["name"]: r for r in instance["registeredResources"]}
    assert resources["CPU"]["integerValue"] >= 1024 and resources["MEMORY"]["integerValue"] > 0
    assert "ecs-agent" in testbed.ssh(host, "docker ps --format '{{.Names}}'").stdout.split()

    # Registered without -y: the agent asks, and without an answer refuses.
    again = testbed.ssh(
        host,
        f"amazon-ssm-agent -register -code {activation_code} -id {activation_id} -region {testbed.vars['testbed_region']} </dev/null",
        check=False,
    )
    assert again.returncode == 1 and "Instance already registered" in again.stdout
    assert json.loads(testbed.ssh(host, "cat /var/lib/amazon/ssm/Vault/Store/RegistrationKey").stdout)["instanceID"] == instance_id

    # The activation's limit of one is used up: a second host is refused.
    other = testbed.hosts[1]
    testbed.ssh(
        other,
        f"""echo '{{"Ssm": {{"Endpoint": "{testbed.vars["testbed_aws_endpoint_url"]}"}}}}' > /etc/amazon/ssm/amazon-ssm-agent.json""",
    )
    refused = testbed.ssh(
        other,
        f"amazon-ssm-agent -register -code {activation_code} -id {activation_id} -region {testbed.vars['testbed_region']}",
        check=False,
    )
    assert refused.returncode == 1 and "RegistrationLimitExceeded" in refused.stdout, refused.stdout


def test_ssm_agent_registers_with_a_role_and_tags(testbed):
    """Item 7: `-register -role R -tags JSON` is signed with the host's IAM credentials (no activation)."""
    host = testbed.hosts[1]  # the SSM agent installed, pointed at the endpoint, not registered
    tags = '[{"Key":"site","Value":"lab"},{"Key":"empty","Value":""}]'
    env = f"AWS_ACCESS_KEY_ID={testbed.vars['testbed_aws_access_key_id']} AWS_SECRET_ACCESS_KEY={testbed.vars['testbed_aws_secret_access_key']}"
    unsigned = testbed.ssh(host, f"amazon-ssm-agent -register -y -role hybridops-testbed-ecs-anywhere -region {testbed.vars['testbed_region']}", check=False)
    assert unsigned.returncode == 1 and "NoCredentialProviders" in unsigned.stdout
    region = testbed.vars["testbed_region"]
    testbed.ssh(host, f"{env} amazon-ssm-agent -register -y -role hybridops-testbed-ecs-anywhere -tags {shlex.quote(tags)} -region {region}")
    instance_id = json.loads(testbed.ssh(host, "cat /var/lib/amazon/ssm/Vault/Store/RegistrationKey").stdout)["instanceID"]
    ssm = testbed.client("ssm")
    [info] = ssm.describe_instance_information(Filters=[{"Key": "InstanceIds", "Values": [instance_id]}])["InstanceInformationList"]
    assert info["IamRole"] == "hybridops-testbed-ecs-anywhere" and "ActivationId" not in info
    assert ssm.list_tags_for_resource(ResourceType="ManagedInstance", ResourceId=instance_id)["TagList"] == [{"Key": "site", "Value": "lab"}]


def test_identity_state_and_docker_restarts(testbed):
    """Items 10, 11, 8: follows the previous test on the same host (1.90.0-1 registered and connected)."""
    host = testbed.hosts[0]
    region = testbed.vars["testbed_region"]
    ssm = testbed.client("ssm")
    old_id = json.loads(testbed.ssh(host, "cat /var/lib/amazon/ssm/Vault/Store/RegistrationKey").stdout)["instanceID"]
    arn = _wait_metadata(testbed, host)["ContainerInstanceArn"]
    # agent.db is binary: no JSON reader gets anything out of it.
    assert testbed.ssh(host, "python3 -c 'import json; json.load(open(\"/var/lib/ecs/data/agent.db\"))'", check=False).returncode == 1

    # Registered anew while the agent runs: nothing changes until it restarts.
    activation_id, activation_code = _activation(testbed, limit=1)
    testbed.ssh(host, f"amazon-ssm-agent -register -y -code {activation_code} -id {activation_id} -region {region}")
    new_id = json.loads(testbed.ssh(host, "cat /var/lib/amazon/ssm/Vault/Store/RegistrationKey").stdout)["instanceID"]
    assert new_id != old_id
    time.sleep(6)  # two of the agent's loops (its heartbeat is every 5 minutes: no event to wait for here)
    assert ssm.describe_instance_information(Filters=[{"Key": "InstanceIds", "Values": [new_id]}])["InstanceInformationList"][0].get("PingStatus") != "Online"
    assert f"instance id {new_id}" not in testbed.ssh(host, "cat /var/log/amazon/ssm/amazon-ssm-agent.log").stdout
    testbed.ssh(host, "systemctl restart amazon-ssm-agent")
    _wait_online(testbed, new_id)

    # The ECS agent keeps its saved container instance under the new identity (item 11),
    # and restarting docker restarts ecs with it (PartOf=, item 8).
    before = testbed.ssh(host, "systemctl show ecs -p InvocationID").stdout
    testbed.ssh(host, "echo ECS_STANDIN_HEARTBEAT_SECONDS=1 >> /etc/ecs/ecs.config && systemctl restart docker")
    assert testbed.ssh(host, "systemctl show ecs -p InvocationID").stdout != before
    assert _wait_metadata(testbed, host)["ContainerInstanceArn"] == arn

    # Until /var/lib/ecs/data is wiped: then a new container instance, under the new mi- id.
    testbed.ssh(host, "systemctl stop ecs && rm -rf /var/lib/ecs/data && systemctl start ecs")
    fresh = _wait_metadata(testbed, host)["ContainerInstanceArn"]
    assert fresh != arn
    cluster = _wait_metadata(testbed, host)["Cluster"]
    [instance] = testbed.client("ecs").describe_container_instances(cluster=cluster, containerInstances=[fresh])["containerInstances"]
    assert instance["ec2InstanceId"] == new_id

    # -register -clear: the vault's registration and the fingerprint go, the registration file stays.
    testbed.ssh(host, "amazon-ssm-agent -register -clear")
    assert json.loads(testbed.ssh(host, "cat /var/lib/amazon/ssm/Vault/Store/RegistrationKey").stdout)["instanceID"] == ""
    assert testbed.ssh(host, "cat /var/lib/amazon/ssm/Vault/Store/InstanceFingerprint").stdout == ""
    assert json.loads(testbed.ssh(host, "cat /var/lib/amazon/ssm/registration").stdout)["ManagedInstanceID"] == new_id


def test_ecs_agent_upgrade_deregistration_and_cluster_change(testbed):
    """Follows the previous test on the same host."""
    host = testbed.hosts[0]
    latest = testbed.vars["testbed_ecs_latest_version"]
    url = testbed.vars["testbed_ecs_deb_url_template"].replace("{version}", latest)
    testbed.ssh(host, f"cd /tmp && curl -fsS -o ecs.deb {url} && dpkg -i ecs.deb && systemctl restart ecs")
    metadata = _wait_metadata(testbed, host)
    assert metadata["Version"].startswith(f"Amazon ECS Agent - v{latest.split('-')[0]}")
    assert testbed.ssh(host, "dpkg-query -W -f '${Version}' amazon-ecs-init").stdout == latest

    # Deregistered from the controller: the agent stops at its next heartbeat.
    testbed.client("ecs").deregister_container_instance(cluster=metadata["Cluster"], containerInstance=metadata["ContainerInstanceArn"], force=True)
    _wait_log(testbed, host, "Container instance is deregistered")

    # Another cluster with the old registration still in agent.db: refused,
    # as the real agent refuses, until agent.db is removed.
    testbed.ssh(host, "echo ECS_CLUSTER=elsewhere >> /etc/ecs/ecs.config && systemctl restart ecs")
    _wait_log(testbed, host, "saved cluster 'testbed-cluster' does not match configured cluster 'elsewhere'")
    assert testbed.ssh(host, "curl -fsS http://localhost:51678/v1/metadata", check=False).returncode != 0


def _wait_online(testbed, instance_id, timeout=30):
    ssm = testbed.client("ssm")
    deadline = time.monotonic() + timeout
    while True:
        infos = ssm.describe_instance_information(Filters=[{"Key": "InstanceIds", "Values": [instance_id]}])["InstanceInformationList"]
        if infos and infos[0].get("PingStatus") == "Online":
            return
        assert time.monotonic() < deadline, f"{instance_id} not Online"
        time.sleep(0.5)


def _wait_log(testbed, host, text, timeout=30):
    deadline = time.monotonic() + timeout
    while text not in testbed.ssh(host, "cat /var/log/ecs/ecs-agent.log").stdout:
        assert time.monotonic() < deadline, f"not in {host}'s ecs-agent.log: {text}"
        time.sleep(0.5)


def _wait_metadata(testbed, host, timeout=40):
    deadline = time.monotonic() + timeout
    while True:
        answer = testbed.ssh(host, "curl -fsS http://localhost:51678/v1/metadata", check=False)
        if answer.returncode == 0 and json.loads(answer.stdout).get("ContainerInstanceArn"):
            return json.loads(answer.stdout)
        assert time.monotonic() < deadline, f"no metadata from {host}"
        time.sleep(0.5)


def test_down_leaves_the_machine_as_it_was(testbed, clean_state):
    assert (OUT / "inventory.ini").exists()
    run([str(HERE / "down.sh")])
    after = machine_state()
    for key, before in clean_state.items():
        if key == "inotify" and "shared" in (before, after[key]):
            continue  # another instance's hosts ran at one of the two moments: the limit is theirs too
        assert after[key] == before, f"{key} differs after down:\nbefore: {before}\nafter: {after[key]}"
    assert not (OUT / "inventory.ini").exists()
