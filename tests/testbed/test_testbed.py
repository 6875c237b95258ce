"""The test bed itself: hosts, signed mirror, stand-in agents, clean teardown.

Tests run in file order; the last one takes the test bed down and compares
the controller with how it was before `up`.
"""

import json
import time

from bed import HERE, HOSTS, OUT, UP_BUDGET_SECONDS, machine_state, run

PLAYBOOK = HERE / "playbooks" / "standin_agents.yml"


def test_up_from_cached_rootfs_is_fast(testbed):
    print(f"\nup.sh {HOSTS} from the cached rootfs: {testbed.up_seconds:.1f} s")
    assert testbed.up_seconds < UP_BUDGET_SECONDS


def test_hosts_answer_ansible_with_systemd(testbed, tmp_path):
    result = testbed.ansible(tmp_path, "all", "-m", "ansible.builtin.setup", "-a", "filter=ansible_service_mgr", "-o")
    answers = {line.split(" | ")[0]: line for line in result.stdout.splitlines() if " | " in line}
    assert sorted(answers) == sorted(testbed.hosts)
    for line in answers.values():
        assert "SUCCESS" in line and '"ansible_service_mgr": "systemd"' in line, line


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
        url: "{{ testbed_mirror_url }}/keys/amazon-ssm-agent.gpg"
    - ansible.builtin.command: systemctl is-system-running
      changed_when: false
"""
    )
    result = testbed.playbook(tmp_path, playbook)
    assert "failed=0" in result.stdout and "unreachable=0" in result.stdout


def _verify_on_host(testbed, host, prefix, deb_path, sig_suffix):
    mirror = testbed.vars["testbed_mirror_url"] + prefix
    script = f"""
set -e
d=$(mktemp -d); cd $d
curl -fsS -o pkg.deb {mirror}/{deb_path}
curl -fsS -o pkg.sig {mirror}/{deb_path}{sig_suffix}
curl -fsS {testbed.vars['testbed_ssm_key_url']} {testbed.vars['testbed_ecs_key_url']} | gpg --homedir $d --batch -q --import
set +e
gpg --homedir $d --batch --status-fd 1 --verify pkg.sig pkg.deb 2>&1
echo "rc=$?"
gpgconf --homedir $d --kill all; cd /; rm -rf $d
"""
    return testbed.ssh(host, script).stdout


def test_genuine_package_verifies_tampered_and_badsig_do_not(testbed):
    region = testbed.vars["testbed_region"]
    ssm = f"amazon-ssm-{region}/latest/debian_amd64/amazon-ssm-agent.deb"
    ecs = f"amazon-ecs-agent-{region}/amazon-ecs-init-latest.amd64.deb"
    host = testbed.hosts[1]

    genuine = _verify_on_host(testbed, host, "", ssm, ".sig")
    assert "rc=0" in genuine and f"VALIDSIG {testbed.vars['testbed_ssm_key_fingerprint']}" in genuine
    genuine_ecs = _verify_on_host(testbed, host, "", ecs, ".asc")
    assert "rc=0" in genuine_ecs and f"VALIDSIG {testbed.vars['testbed_ecs_key_fingerprint']}" in genuine_ecs

    for deb, sig in ((ssm, ".sig"), (ecs, ".asc")):
        tampered = _verify_on_host(testbed, host, "/tampered", deb, sig)
        assert "rc=1" in tampered and "BADSIG" in tampered, tampered
        badsig = _verify_on_host(testbed, host, "/badsig", deb, sig)
        assert "rc=0" not in badsig and "VALIDSIG" not in badsig, badsig
        assert "NO_PUBKEY" in badsig, badsig


def _activation(testbed, limit):
    iam, ssm = testbed.client("iam"), testbed.client("ssm")
    role = "hybridops-testbed-ecs-anywhere"
    try:
        iam.create_role(
            RoleName=role,
            AssumeRolePolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:AssumeRole"}
                    ],
                }
            ),
        )
    except iam.exceptions.EntityAlreadyExistsException:
        pass
    answer = ssm.create_activation(IamRole=role, RegistrationLimit=limit, DefaultInstanceName="testbed")
    return answer["ActivationId"], answer["ActivationCode"]


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

    infos = ssm.describe_instance_information(Filters=[{"Key": "InstanceIds", "Values": [instance_id]}])
    [info] = infos["InstanceInformationList"]
    assert info["PingStatus"] == "Online"
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
    assert instance["versionInfo"]["agentVersion"] == "1.90.0"
    resources = {r["name"]: r for r in instance["registeredResources"]}
    assert resources["CPU"]["integerValue"] >= 1024 and resources["MEMORY"]["integerValue"] > 0

    # Registered without -y: the agent asks, and without an answer refuses.
    again = testbed.ssh(
        host,
        f"amazon-ssm-agent -register -code {activation_code} -id {activation_id} -region {testbed.vars['testbed_region']} </dev/null",
        check=False,
    )
    assert again.returncode == 1 and "Instance already registered" in again.stdout
    assert json.loads(testbed.ssh(host, "cat /var/lib/amazon/ssm/Vault/Store/RegistrationKey").stdout)["instanceID"] == instance_id

    # The activation's limit of one is used up: a second host is refused.
    other = testbed.hosts[2]
    testbed.ssh(other, f"cd /tmp && curl -fsSO {testbed.vars['testbed_ssm_deb_url']} && dpkg -i amazon-ssm-agent.deb")
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


def test_ecs_agent_upgrade_deregistration_and_cluster_change(testbed):
    """Follows the previous test on the same host: 1.90.0-1 registered."""
    host = testbed.hosts[0]
    latest = testbed.vars["testbed_ecs_latest_version"]
    url = testbed.vars["testbed_ecs_deb_url_template"].replace("{version}", latest)
    testbed.ssh(
        host,
        f"cd /tmp && curl -fsS -o ecs.deb {url} && dpkg -i ecs.deb"
        " && echo ECS_STANDIN_HEARTBEAT_SECONDS=1 >> /etc/ecs/ecs.config && systemctl restart ecs",
    )
    metadata = _wait_metadata(testbed, host)
    assert metadata["Version"].startswith(f"Amazon ECS Agent - v{latest.split('-')[0]}")
    assert testbed.ssh(host, "dpkg-query -W -f '${Version}' amazon-ecs-init").stdout == latest

    # Deregistered from the controller: the agent stops at its next heartbeat.
    testbed.client("ecs").deregister_container_instance(
        cluster=metadata["Cluster"], containerInstance=metadata["ContainerInstanceArn"], force=True
    )
    _wait_log(testbed, host, "Container instance is deregistered")

    # Another cluster with the old registration still in agent.db: refused,
    # as the real agent refuses, until agent.db is removed.
    testbed.ssh(host, "echo ECS_CLUSTER=elsewhere > /etc/ecs/ecs.config && systemctl restart ecs")
    _wait_log(testbed, host, "saved cluster 'testbed-cluster' does not match configured cluster 'elsewhere'")
    assert testbed.ssh(host, "curl -fsS http://localhost:51678/v1/metadata", check=False).returncode != 0


def _wait_log(testbed, host, text, timeout=20):
    deadline = time.monotonic() + timeout
    while text not in testbed.ssh(host, "cat /var/log/ecs/ecs-agent.log").stdout:
        assert time.monotonic() < deadline, f"not in {host}'s ecs-agent.log: {text}"
        time.sleep(0.5)


def _wait_metadata(testbed, host, timeout=30):
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
        assert after[key] == before, f"{key} differs after down:\nbefore: {before}\nafter: {after[key]}"
    assert not (OUT / "inventory.ini").exists()
