"""The agent's ACS session (GET /ws): where ECS learns the agent's versions, and a heartbeat."""

import json
import urllib.error
import urllib.parse
import urllib.request

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from fake_aws.helpers import ATTRIBUTES, RESOURCES, Site, role_token

SESSION = {"agentVersion": "1.91.0", "agentHash": "abc123", "dockerVersion": "DockerVersion: 20.10.24", "protocolVersion": "2", "seqNum": "1"}


def acs_get(site, instance_id, cluster, arn):
    """The signed GET the agent opens its ACS websocket with; (status, answer)."""
    token = role_token(site.endpoint, instance_id, site.fingerprints[instance_id])
    query = urllib.parse.urlencode(dict(SESSION, clusterArn=cluster, containerInstanceArn=arn))
    request = AWSRequest(method="GET", url=f"{site.endpoint.url}/ws?{query}")
    credentials = Credentials(token["AccessKeyId"], token["SecretAccessKey"], token["SessionToken"])
    SigV4Auth(credentials, "ecs", site.endpoint.region).add_auth(request)
    try:
        with urllib.request.urlopen(urllib.request.Request(request.url, headers=dict(request.headers)), timeout=5) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


def test_versions_come_from_the_acs_session_not_the_registration(fake_aws):
    site = Site(fake_aws)
    instance_id, registered = site.host(versionInfo={})
    arn = registered["containerInstanceArn"]
    assert site.describe(arn)["versionInfo"] == {}

    assert acs_get(site, instance_id, site.cluster, arn)[0] == 200
    described = site.describe(arn)
    assert described["versionInfo"] == {"agentVersion": "1.91.0", "agentHash": "abc123", "dockerVersion": "DockerVersion: 20.10.24"}
    assert described["agentConnected"] is True


def test_acs_session_refuses_a_deregistered_instance(fake_aws):
    site = Site(fake_aws)
    instance_id, registered = site.host(totalResources=RESOURCES, attributes=ATTRIBUTES)
    arn = registered["containerInstanceArn"]
    site.ecs.deregister_container_instance(cluster=site.cluster, containerInstance=arn, force=True)
    status, answer = acs_get(site, instance_id, site.cluster, arn)
    assert status == 400 and answer["__type"] == "ClientException" and "inactive" in answer["message"]
