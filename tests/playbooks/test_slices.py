"""Two AWX-style slices at once (one through ansible-runner, as AWX runs a job template with slices: 2) onboard four
bare hosts into a new cluster and duplicate nothing; the documented IAM policy allows every call they made.

Needs a test bed of four fresh hosts, an instance of its own (make slices-test brings it up), so that it runs beside
test_onboard.py.
"""

import json

import yaml
from e2e import OUT, REPO, calls, client, controller_actions, finished, policy_allows, start_playbook
from e2e import bed  # pylint: disable=unused-import  # the fixture


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
    ssm, ecs, iam = client(bed, "ssm"), client(bed, "ecs"), client(bed, "iam")
    registered = {m["ComputerName"].split(".")[0] for m in ssm.describe_instance_information()["InstanceInformationList"]}
    bare = [host["name"] for host in bed["testbed_hosts"] if host["name"] not in registered][:4]
    assert len(bare) == 4, bare  # the bed's four fresh hosts
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


def test_the_documented_iam_policy_allows_every_call_of_the_slices(bed):  # pylint: disable=redefined-outer-name
    """docs/iam-policy.json against every call the two slices made (test_onboard.py checks that it allows no more than
    the playbooks need)."""
    allowed, made = policy_allows(), controller_actions(bed)
    # What the two slices must have called between them, so that the check below reads a real log.
    assert {"ecs:CreateCluster", "iam:CreateRole", "ssm:CreateActivation", "ssm:DeleteActivation", "ecs:RegisterTaskDefinition",
            "ecs:CreateService"} <= made, sorted(made)
    assert not made - allowed, f"calls the policy does not allow: {json.dumps(sorted(made - allowed))}"
