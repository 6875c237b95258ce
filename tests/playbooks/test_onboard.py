"""playbooks/ end to end on the test bed: three bare hosts to a working ECS Anywhere cluster, then a second
run that changes nothing and makes no activation (read from the endpoint's call log), a rolling upgrade of ecs-init
during which the service keeps its tasks, one host offboarded, and two AWX-style slices at once (one through
ansible-runner) onboarding four more hosts into a new cluster. The tests follow each other on the same hosts.

Needs the test bed up with fresh hosts (make playbook-test does it).
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import boto3
import pytest
import yaml
from testbed.service_watch import running_counts

REPO = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("TESTBED_OUT", REPO / "build" / "testbed"))
BIN = Path(sys.executable).parent
# Actions the policy allows though the runs here do not call them: AWS checks iam:PassRole when an activation hands the
# instances' role to SSM, the tag permissions when ecs_anywhere_tags tags resources at creation (the demo sets none), and
# DeregisterTaskDefinition when two slices happen to register the same revision at the same moment.
NOT_CALLED_HERE = {"iam:PassRole", "ecs:TagResource", "iam:TagRole", "ssm:AddTagsToResource", "ecs:DeregisterTaskDefinition"}
OLDER = "1.90.0-1"  # the test bed's mirror has 1.90.0-1 and 1.91.0-1
# What the playbook could write (the agents' own calls, heartbeats and registrations, are in the log too).
CONTROLLER_WRITES = {
    "CreateCluster", "UpdateCluster", "UpdateClusterSettings", "PutClusterCapacityProviders", "CreateService", "UpdateService",
    "DeleteService", "RegisterTaskDefinition", "DeregisterTaskDefinition", "RunTask", "StopTask", "TagResource", "UntagResource",
    "UpdateContainerInstancesState", "PutAttributes", "DeleteAttributes", "CreateActivation", "DeleteActivation",
    "AddTagsToResource", "CreateRole", "AttachRolePolicy", "UpdateAssumeRolePolicy", "TagRole", "CreateServiceLinkedRole",
}


@pytest.fixture(scope="module")
def bed():
    path = OUT / "testbed_vars.yml"
    assert path.is_file(), f"{path} is missing: bring the test bed up first (make playbook-test does)"
    return yaml.safe_load(path.read_text())


# Every (service, action) the playbooks called with the controller's credentials, over all the tests of this file.
CONTROLLER_CALLS = set()


def calls(bed, clear=False):  # pylint: disable=redefined-outer-name
    url = bed["testbed_aws_endpoint_url"] + "/_fake_aws/calls"
    with urllib.request.urlopen(f"{url}?access_key={bed['testbed_aws_access_key_id']}", timeout=30) as answer:
        CONTROLLER_CALLS.update((call["service"], call["action"]) for call in json.load(answer))
    if clear:
        urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=30).close()
        return []
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.load(answer)


def start_playbook(name, bed, tmp_path, *extra, inventory=None):  # pylint: disable=redefined-outer-name
    """ansible-playbook on the bed's hosts (or ``inventory``) with the demo's variables, started; output in pipes."""
    env = dict(
        os.environ, ANSIBLE_COLLECTIONS_PATH=str(REPO / "build" / "collections"), ANSIBLE_NOCOLOR="1", ANSIBLE_HOST_KEY_CHECKING="False",
        AWS_ACCESS_KEY_ID=bed["testbed_aws_access_key_id"], AWS_SECRET_ACCESS_KEY=bed["testbed_aws_secret_access_key"],
    )
    env.pop("AWS_PROFILE", None)
    # Output into files, not pipes: nothing reads a pipe while the test waits on another run.
    output = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [str(BIN / "ansible-playbook"), "-i", str(inventory or OUT / "inventory.ini"), str(REPO / "playbooks" / f"{name}.yml"),
         "-e", f"@{OUT / 'testbed_vars.yml'}", "-e", f"@{REPO / 'demo' / 'testbed.yml'}", *extra],
        env=env, stdout=output[0], stderr=output[1], text=True, cwd=tmp_path,
    )
    process.output = output
    return process


def finished(process):
    process.wait()
    stdout, stderr = (stream.seek(0) or stream.read() for stream in process.output)
    for stream in process.output:
        stream.close()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def playbook(name, bed, tmp_path, *extra, inventory=None):  # pylint: disable=redefined-outer-name
    return finished(start_playbook(name, bed, tmp_path, *extra, inventory=inventory))


def recap(output):
    """{host: {ok, changed, failed, ...}} from PLAY RECAP."""
    found = {}
    for host, counts in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", output, re.MULTILINE):
        found[host] = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", counts)}
    return found


def client(bed, service):  # pylint: disable=redefined-outer-name
    return boto3.client(service, endpoint_url=bed["testbed_aws_endpoint_url"], region_name=bed["testbed_region"],
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def test_first_run_onboards_and_second_run_changes_nothing(bed, tmp_path):  # pylint: disable=redefined-outer-name
    calls(bed, clear=True)
    first = playbook("onboard", bed, tmp_path, "-e", f"ecs_agent_version={OLDER}")
    assert first.returncode == 0, first.stdout[-6000:] + first.stderr[-2000:]
    made = [call["action"] for call in calls(bed) if call["service"] == "ssm"]
    assert made.count("CreateActivation") == 1 and made.count("DeleteActivation") == 1, made

    ecs, ssm = client(bed, "ecs"), client(bed, "ssm")
    arns = ecs.list_container_instances(cluster="demo")["containerInstanceArns"]
    instances = ecs.describe_container_instances(cluster="demo", containerInstances=arns)["containerInstances"]
    assert len(instances) == 3
    assert {i["status"] for i in instances} == {"ACTIVE"} and all(i["agentConnected"] for i in instances)
    managed = ssm.describe_instance_information()["InstanceInformationList"]
    assert sorted(m["InstanceId"] for m in managed) == sorted(i["ec2InstanceId"] for i in instances)
    assert ssm.describe_activations()["ActivationList"] == []

    [service] = ecs.describe_services(cluster="demo", services=["web"])["services"]
    assert service["launchType"] == "EXTERNAL" and service["runningCount"] == 2
    tasks = ecs.describe_tasks(cluster="demo", tasks=ecs.list_tasks(cluster="demo", serviceName="web")["taskArns"])["tasks"]
    assert len({task["containerInstanceArn"] for task in tasks}) == 2  # one a host: the host port is 8080
    for host in bed["testbed_hosts"]:
        assert host["name"] in first.stdout.split("TASK [Summary]")[1]

    calls(bed, clear=True)
    second = playbook("onboard", bed, tmp_path, "-e", f"ecs_agent_version={OLDER}")
    assert second.returncode == 0, second.stdout[-6000:]
    counts = recap(second.stdout)
    assert counts and all(count["changed"] == 0 and count["failed"] == 0 for count in counts.values()), counts
    writes = [call["action"] for call in calls(bed) if call["action"] in CONTROLLER_WRITES]
    assert writes == [], writes


def test_a_fourth_host_gets_an_activation_of_its_own(bed, tmp_path):  # pylint: disable=redefined-outer-name
    """Follows the onboarding test: the bed grows to four hosts; one activation, for one host, and only it changes."""
    env = dict(os.environ, TESTBED_OUT=str(OUT), TESTBED_PYTHON=sys.executable)
    subprocess.run([str(REPO / "tests" / "testbed" / "up.sh"), "4"], env=env, capture_output=True, text=True, check=True)
    bed.update(yaml.safe_load((OUT / "testbed_vars.yml").read_text()))
    fourth = bed["testbed_hosts"][3]["name"]
    calls(bed, clear=True)
    result = playbook("onboard", bed, tmp_path, "-e", f"ecs_agent_version={OLDER}")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert f"1 host(s) to register: {fourth}; 1 activation(s)" in result.stdout
    made = [call["action"] for call in calls(bed) if call["service"] == "ssm"]
    assert made.count("CreateActivation") == 1 and made.count("DeleteActivation") == 1, made
    counts = recap(result.stdout)
    assert counts[fourth]["changed"] > 0
    assert all(count["changed"] == 0 for host, count in counts.items() if host not in (fourth, "localhost")), counts
    ecs = client(bed, "ecs")
    arns = ecs.list_container_instances(cluster="demo")["containerInstanceArns"]
    instances = ecs.describe_container_instances(cluster="demo", containerInstances=arns)["containerInstances"]
    assert len(instances) == 4 and all(i["agentConnected"] for i in instances)


def test_upgrade_agents_keeps_the_service_running(bed, tmp_path):  # pylint: disable=redefined-outer-name
    """Follows the onboarding test (ecs-init 1.90.0-1 everywhere): a rolling upgrade to the latest."""
    ecs = client(bed, "ecs")
    desired = ecs.describe_services(cluster="demo", services=["web"])["services"][0]["desiredCount"]
    with running_counts(client(bed, "ecs"), "demo", "web") as seen:
        result = playbook("upgrade_agents", bed, tmp_path, "-e", f"ecs_agent_version={bed['testbed_ecs_latest_version']}")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert len(seen) > 10 and min(seen) >= desired - 1, seen
    for host in bed["testbed_hosts"]:
        version = subprocess.run(["ssh", "-F", str(OUT / "ssh_config"), host["name"], "dpkg-query -W -f='${Version}' amazon-ecs-init"],
                                 capture_output=True, text=True, check=True).stdout
        assert version == bed["testbed_ecs_latest_version"]
    arns = ecs.list_container_instances(cluster="demo")["containerInstanceArns"]
    instances = ecs.describe_container_instances(cluster="demo", containerInstances=arns)["containerInstances"]
    assert {i["status"] for i in instances} == {"ACTIVE"} and all(i["agentConnected"] for i in instances)
    assert {i["versionInfo"]["agentVersion"] for i in instances} == {bed["testbed_ecs_latest_version"].split("-")[0]}


def test_offboard_one_host(bed, tmp_path):  # pylint: disable=redefined-outer-name
    """Follows the tests above: the host that runs a web task leaves; the task moves, the others stay."""
    ecs, ssm = client(bed, "ecs"), client(bed, "ssm")
    arns = ecs.list_container_instances(cluster="demo")["containerInstanceArns"]
    instances = {i["containerInstanceArn"]: i for i in ecs.describe_container_instances(cluster="demo", containerInstances=arns)["containerInstances"]}
    busy = [arn for arn, instance in instances.items() if instance["runningTasksCount"] > 0]
    leaving_id = instances[busy[0]]["ec2InstanceId"]
    names = {m["InstanceId"]: m["ComputerName"].split(".")[0] for m in ssm.describe_instance_information()["InstanceInformationList"]}
    leaving = names[leaving_id]

    result = playbook("offboard", bed, tmp_path, "--limit", leaving)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]

    left = ecs.describe_container_instances(cluster="demo", containerInstances=ecs.list_container_instances(cluster="demo")["containerInstanceArns"])
    assert sorted(i["ec2InstanceId"] for i in left["containerInstances"]) == sorted(set(names) - {leaving_id})
    assert leaving_id not in [m["InstanceId"] for m in ssm.describe_instance_information()["InstanceInformationList"]]
    [service] = ecs.describe_services(cluster="demo", services=["web"])["services"]
    assert service["runningCount"] == service["desiredCount"]
    tasks = ecs.describe_tasks(cluster="demo", tasks=ecs.list_tasks(cluster="demo", serviceName="web")["taskArns"])["tasks"]
    assert busy[0] not in {task["containerInstanceArn"] for task in tasks}

    on_host = subprocess.run(
        ["ssh", "-F", str(OUT / "ssh_config"), leaving,
         "dpkg -l amazon-ssm-agent amazon-ecs-init 2>/dev/null | grep ^ii; ls -d /etc/ecs /var/lib/ecs /var/lib/amazon/ssm 2>/dev/null; true"],
        capture_output=True, text=True, check=True,
    )
    assert on_host.stdout.strip() == "", on_host.stdout


SLICED = {
    "ecs_anywhere_cluster": "sliced",
    "ecs_anywhere_instance_role": "slicedRole",
    "ecs_anywhere_task_definitions": [{
        "family": "sliced-web", "requiresCompatibilities": ["EXTERNAL"], "networkMode": "bridge", "memory": "256",
        "containerDefinitions": [{"name": "web", "image": "public.ecr.aws/nginx/nginx:1.27", "portMappings": [{"containerPort": 80, "hostPort": 8080}]}],
    }],
    "ecs_anywhere_services": [{"name": "sliced-web", "task_definition": "sliced-web", "desired_count": 2}],
}


def slice_inventory(path, hosts):
    """An inventory of some of the bed's hosts, as AWX gives each slice of a sliced job."""
    lines = (OUT / "inventory.ini").read_text().splitlines()
    kept = [line for line in lines if not line or line.startswith(("[", "#")) or line.split()[0] in hosts or "=" in line.split()[0]]
    path.write_text("\n".join(kept) + "\n")
    return path


def run_like_awx(bed, inventory, private_data_dir, extravars):  # pylint: disable=redefined-outer-name
    """awx/onboard.yml through ansible-runner, with the environment an AWX "Amazon Web Services" credential injects."""
    import ansible_runner  # pylint: disable=import-outside-toplevel

    variables = dict(yaml.safe_load((REPO / "demo" / "testbed.yml").read_text()), **bed, **extravars)
    return ansible_runner.run(
        private_data_dir=str(private_data_dir), project_dir=str(REPO / "awx"), playbook="onboard.yml", inventory=str(inventory),
        extravars=variables, quiet=True,
        envvars={
            "AWS_ACCESS_KEY_ID": bed["testbed_aws_access_key_id"], "AWS_SECRET_ACCESS_KEY": bed["testbed_aws_secret_access_key"],
            "AWS_SESSION_TOKEN": "awx-session-token", "AWS_SECURITY_TOKEN": "awx-session-token",
            "ANSIBLE_COLLECTIONS_PATH": str(REPO / "build" / "collections"), "ANSIBLE_HOST_KEY_CHECKING": "False", "ANSIBLE_NOCOLOR": "1",
        },
    )


def test_two_slices_at_once_duplicate_nothing(bed, tmp_path):  # pylint: disable=redefined-outer-name
    """Four bare hosts onboarded into a new cluster by two slices at once, as AWX runs a job template with slices: 2.

    One slice is AWX's way (ansible-runner, the AWX wrapper, credentials in the environment with a session token, extra
    vars), the other ansible-playbook. Both create the cluster, the role, the task definition and the service.
    """
    env = dict(os.environ, TESTBED_OUT=str(OUT), TESTBED_PYTHON=sys.executable)
    subprocess.run([str(REPO / "tests" / "testbed" / "up.sh"), "7"], env=env, capture_output=True, text=True, check=True)
    bed.update(yaml.safe_load((OUT / "testbed_vars.yml").read_text()))
    ssm, ecs, iam = client(bed, "ssm"), client(bed, "ecs"), client(bed, "iam")
    registered = {m["ComputerName"].split(".")[0] for m in ssm.describe_instance_information()["InstanceInformationList"]}
    bare = [host["name"] for host in bed["testbed_hosts"] if host["name"] not in registered][:4]
    assert len(bare) == 4, bare  # the host offboarded above and three new ones
    first, second = slice_inventory(tmp_path / "slice1.ini", bare[:2]), slice_inventory(tmp_path / "slice2.ini", bare[2:])
    calls(bed, clear=True)

    (tmp_path / "awx").mkdir()
    other = start_playbook("onboard", bed, tmp_path, "-e", json.dumps(SLICED), inventory=second)
    try:
        runner = run_like_awx(bed, first, tmp_path / "awx", {**SLICED, "awx_job_id": 4242})
    finally:
        other = finished(other)
    awx_output = runner.stdout.read()
    assert (runner.status, runner.rc) == ("successful", 0), awx_output[-6000:]
    assert other.returncode == 0, other.stdout[-6000:] + other.stderr[-2000:]
    for output in (awx_output, other.stdout):
        assert "2 host(s) to register" in output and "; 1 activation(s)" in output

    made = [call["action"] for call in calls(bed) if call["service"] == "ssm"]
    assert made.count("CreateActivation") == 2 and made.count("DeleteActivation") == 2, made
    assert ssm.describe_activations()["ActivationList"] == []
    names = [m["ComputerName"].split(".")[0] for m in ssm.describe_instance_information()["InstanceInformationList"]]
    assert all(names.count(host) == 1 for host in bare), names
    instances = ecs.describe_container_instances(cluster="sliced", containerInstances=ecs.list_container_instances(cluster="sliced")["containerInstanceArns"])
    assert len(instances["containerInstances"]) == 4
    assert all(i["status"] == "ACTIVE" and i["agentConnected"] for i in instances["containerInstances"])
    assert [c["clusterName"] for c in ecs.describe_clusters(clusters=["sliced"])["clusters"]] == ["sliced"]
    assert [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].lower() == "slicedrole"] == ["slicedRole"]
    assert [arn.rsplit(":", 1)[1] for arn in ecs.list_task_definitions(familyPrefix="sliced-web", status="ACTIVE")["taskDefinitionArns"]] == ["1"]
    # Read with the calls the documented policy allows: the test's reads share the controller's key.
    [service] = ecs.describe_services(cluster="sliced", services=["sliced-web"])["services"]
    assert (service["serviceName"], service["runningCount"]) == ("sliced-web", 2)


def test_the_documented_iam_policy_allows_every_call(bed):  # pylint: disable=redefined-outer-name
    """docs/iam-policy.json (least privilege for the controller) against every call the playbooks made above."""
    calls(bed)
    policy = json.loads((REPO / "docs" / "iam-policy.json").read_text())
    allowed = {action for statement in policy["Statement"] if statement["Effect"] == "Allow" for action in statement["Action"]}
    assert not any("*" in action for action in allowed), "least privilege: no wildcards"
    made = {f"{service}:{action}" for service, action in CONTROLLER_CALLS}
    assert len(made) > 20
    assert not made - allowed, f"calls the policy does not allow: {json.dumps(sorted(made - allowed))}"
    assert not allowed - made - NOT_CALLED_HERE, f"actions the policy allows that no run here needed: {sorted(allowed - made - NOT_CALLED_HERE)}"
