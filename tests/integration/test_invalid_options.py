"""Bad options fail before anything is written: the endpoint's call log shows reads only."""

import test_targets  # the module, not its names: pytest would collect test_target twice
from fake_aws.call_log import calls
from fake_aws.call_log import writes


def test_invalid_options_write_nothing(fake_aws, tmp_path):
    result = test_targets.run_target("invalid_options", fake_aws, tmp_path)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    made = calls(fake_aws)
    assert writes(made) == []
    # The log saw this run: the info modules' reads are in it.
    actions = {(call["service"], call["action"]) for call in made}
    assert {("ecs", "DescribeClusters"), ("ssm", "DescribeActivations")} <= actions
