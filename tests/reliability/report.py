"""Markdown tables of a reliability run's figures (build/reliability/results.json), for docs/reliability.md.

    .venv/bin/python tests/reliability/report.py [build/reliability/results.json]
"""

import json
import sys
from pathlib import Path

KINDS = ("throttle", "500", "503", "drop", "lost", "slow")


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def faults(figures):
    f = figures["faults"]
    out = [table(["run", "seconds", "AWS requests", *KINDS, "faults"], [
        ["first (20 % + first answer of each write lost)", f["first_seconds"], f["first_run"]["requests"],
         *(f["first_run"][k] for k in KINDS), sum(f["first_run"][k] for k in KINDS)],
        ["second (20 %, no change expected)", f["second_seconds"], f["both_runs"]["requests"] - f["first_run"]["requests"],
         *(f["both_runs"][k] - f["first_run"][k] for k in KINDS), sum(f["both_runs"][k] - f["first_run"][k] for k in KINDS)],
    ])]
    out.append("\nFaults by action over both runs:\n")
    out.append(table(["action", *KINDS], [[a, *(v[k] or "" for k in KINDS)] for a, v in sorted(f["by_action"].items())]))
    out.append(f"\nTask definition revisions of `web` afterwards: {f['task_definition_revisions']}.")
    return "\n".join(out)


def interruption(figures):
    i = figures["interruption"]
    rows = [[r["host"], r["signal"], r["at_task"], r.get("killed_after_seconds"), r.get("killed_in"), r.get("exit"), r.get("activations_left"),
             r.get("rerun_exit"), r.get("rerun_seconds"), r.get("activations_after")] for r in i["rounds"]]
    return table(["host", "signal", "after task #", "at s", "task running", "exit", "activations of the slice left", "rerun exit",
                  "rerun s", "left after rerun"], rows) + f"\n\n{i['chains']} chains at once, {i['seconds']} s in all."


def secrets(figures):
    s = figures["secrets"]
    return table(["", "value"], [
        ["host", s["host"]], ["activation codes made (needles)", s["codes"]],
        ["onboard / offboard seconds", f"{s['seconds'].get('onboard')} / {s['seconds'].get('offboard')}"],
        ["runner output searched (bytes)", s["output_bytes"]], ["files of the private data dir searched", s["artifact_files"]],
        ["hits in the output", s["hits_output"]], ["hits in the artifacts", len(s["hits_artifacts"]) or 0],
        ["hits on the host (files and journal)", s["hits_host"]],
        ["runner's own `artifacts/<ident>/command` holding the key (mode 0600)", ", ".join(s.get("runner_command_files_with_the_key", []))],
    ])


def load(figures):
    lo = figures["load"]
    return table(["", "value"], [
        ["two slices of 8, started together: wall seconds", lo["onboard_seconds"]], ["each slice's seconds", " / ".join(map(str, lo["slice_seconds"]))],
        ["offboard of 8 seconds", lo["offboard_seconds"]], ["hosts that ran `web` tasks among the 8", ", ".join(lo["busy_before"])],
        ["`web` runningCount: lowest seen during offboard (desired 2)", lo["running_count_min"]], ["samples", lo["samples"]],
        ["runningCount at the end", lo.get("running_count_end")],
    ])


def main():
    figures = json.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "build/reliability/results.json").read_text())
    print(f"seed {figures['seed']}\n")
    for name, render in (("faults", faults), ("interruption", interruption), ("secrets", secrets), ("load", load)):
        if name in figures:
            print(f"### {name}\n\n{render(figures)}\n")


if __name__ == "__main__":
    main()
