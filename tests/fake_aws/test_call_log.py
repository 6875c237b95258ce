"""The shared call-log reader against a real endpoint: what it reads, per key, and what counts as a write."""

from fake_aws import call_log


def test_reads_clears_and_tells_writes_from_reads(fake_aws):
    fake_aws.client("ecs").list_clusters()
    fake_aws.client("ecs").create_cluster(clusterName="logged")
    fake_aws.client("iam").get_account_summary()
    made = call_log.calls(fake_aws)
    assert [(call["service"], call["action"]) for call in made] == [("ecs", "ListClusters"), ("ecs", "CreateCluster"),
                                                                    ("iam", "GetAccountSummary")]
    assert call_log.writes(made) == ["ecs:CreateCluster"]
    assert call_log.calls(fake_aws, access_key="someone-else") == []
    assert len(call_log.calls(fake_aws.url, access_key="testing")) == 3
    call_log.clear(fake_aws)
    assert call_log.calls(fake_aws) == []
