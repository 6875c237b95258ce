"""playbooks/ end to end on the test bed: three bare hosts to a working ECS Anywhere cluster, then a second
run that changes nothing and makes no activation (read from the endpoint's call log), a fourth host onboarded, a
rolling upgrade of ecs-init during which the service keeps its tasks, and one host offboarded. The tests follow each
other on the same hosts (three, then four). Two AWX-style slices at once: test_slices.py, on a bed of its own.

Needs the test bed up with fresh hosts (make playbook-test does it).
"""

import json
import os
import subprocess
import sys

import yaml
from e2e import OUT, REPO, calls, client, controller_actions, controller_calls, playbook, policy_allows, recap
from e2e import bed  # pylint: disable=unused-import  # the fixture
from fake_aws import call_log, transition_log

# Actions the policy allows though the runs here do not call them: AWS checks iam:PassRole when an activation hands the
# instances' role to SSM, the tag permissions when ecs_anywhere_tags tags resources at creation (the demo sets none), and
# DeregisterTaskDefinition when two slices happen to register the same revision at the same moment (test_slices.py).
NOT_CALLED_HERE = {"iam:PassRole", "ecs:TagResource", "iam:TagRole", "ssm:AddTagsToResource", "ecs:DeregisterTaskDefinition"}
OLDER = "1.90.0-1"  # the test bed's mirror has 1.90.0-1 and 1.91.0-1


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
    # Nothing but reads with the controller's key (the agents' heartbeats and registrations use theirs).
    made = controller_calls(bed)
    assert made and call_log.writes(made) == [], made


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
    """Follows the onboarding test (ecs-init 1.90.0-1 everywhere): a rolling upgrade to the latest, during which "the services
    keep their tasks" (README): with the service's deployment configuration (minimum healthy 100 %, the default the playbooks
    keep) its RUNNING tasks never fall below the desired count, after any of the endpoint's task transitions."""
    ecs = client(bed, "ecs")
    [service] = ecs.describe_services(cluster="demo", services=["web"])["services"]
    desired = service["desiredCount"]
    assert service["deploymentConfiguration"]["minimumHealthyPercent"] == 100 and service["runningCount"] == desired, service
    with transition_log.watch(bed["testbed_aws_endpoint_url"], "demo", "web") as watched:
        result = playbook("upgrade_agents", bed, tmp_path, "-e", f"ecs_agent_version={bed['testbed_ecs_latest_version']}")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    replay = watched.replay
    # Every host is drained in turn and two of them run a web task: the tasks did move (at least two replacements ran).
    assert [entry["to"] for entry in replay.transitions].count("RUNNING") >= 2, replay.report()
    assert replay.minimum() >= desired, replay.report()
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


def test_the_documented_iam_policy_allows_every_call(bed):  # pylint: disable=redefined-outer-name
    """docs/iam-policy.json (least privilege for the controller) against every call the playbooks made above."""
    allowed, made = policy_allows(), controller_actions(bed)
    assert len(made) > 20
    assert not made - allowed, f"calls the policy does not allow: {json.dumps(sorted(made - allowed))}"
    assert not allowed - made - NOT_CALLED_HERE, f"actions the policy allows that no run here needed: {sorted(allowed - made - NOT_CALLED_HERE)}"
