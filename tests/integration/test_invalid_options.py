"""Bad options fail before anything is written: the endpoint's call log shows reads only."""

import json
import urllib.request

import test_targets  # the module, not its names: pytest would collect test_target twice

# AWS's read-only actions; anything else writes.
READ_PREFIXES = ("Describe", "List", "Get")


def calls(fake_aws):
    with urllib.request.urlopen(f"{fake_aws.url}/_fake_aws/calls", timeout=10) as answer:
        return json.load(answer)


def test_invalid_options_write_nothing(fake_aws, tmp_path):
    result = test_targets.run_target("invalid_options", fake_aws, tmp_path)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    made = calls(fake_aws)
    assert [call for call in made if not call["action"].startswith(READ_PREFIXES)] == []
    # The log saw this run: the info modules' reads are in it.
    actions = {(call["service"], call["action"]) for call in made}
    assert {("ecs", "DescribeClusters"), ("ssm", "DescribeActivations")} <= actions
