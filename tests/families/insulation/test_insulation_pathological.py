"""The pathological designs of issue 17 (benchmarks/pathological.py), scaled down: tiny designs that
make millions of pairs or hundreds of thousands of pins. Each count is worked out by hand here; the
findings must be bounded by declarations, and pairs counted exactly without being kept."""

from __future__ import annotations

import pytest
from assemblint_insulation import _geometry

from benchmarks.pathological import net_and_nets, one_net, overlapping, two_nets

SIDE = 6  # SIDE² masses within 0.01 µm of each other, each on its own pads
N = SIDE * SIDE


def test_n_masses_at_one_spot_give_n_times_n_minus_1_over_2_pairs_in_one_in003_finding(check_text) -> None:
    report = check_text(overlapping(SIDE), select=["IN003"])
    (finding,) = report.findings
    pairs = N * (N - 1) // 2  # 630: every two masses, each on its own node
    assert finding.rule == "IN003"
    assert finding.count == pairs
    assert finding.data["pairs"] == pairs
    assert finding.data["closest"] == ["m[0]", "m[1]"]  # 0.001 µm apart: the least gap, first declared
    assert finding.message == (
        f"{pairs} pairs of masses on different electrical nodes are closer than 20 µm edge to edge; "
        "the closest, m[0] and m[1], overlap by 99.999 µm on die front"
    )
    assert finding.object_names == [f"m[0:{N}]"]


def test_n_masses_at_one_spot_overlap_every_other_pad_on_both_faces_in_one_in005_finding(check_text) -> None:
    report = check_text(overlapping(SIDE), select=["IN005"])
    (finding,) = report.findings
    pairs = N * (N - 1) * 2  # each mass over the N - 1 other pads of the die and of the interposer
    assert (finding.rule, finding.count, finding.data["pairs"]) == ("IN005", pairs, pairs)
    assert (finding.data["mass"], finding.data["pad"]) == ("m[0]", "die.c[1]")
    assert finding.message.startswith(f"{pairs} mass footprints overlap pads of other electrical nodes; ")
    assert finding.object_names == [f"m[0:{N}]"]


@pytest.mark.parametrize("step", [1, 7, 100])
def test_pairs_summed_in_small_batches_give_the_same_findings(check_text, monkeypatch, step) -> None:
    """Batches of `step` candidates: the counts are added across batches, the closest pair and the
    objects are those of all the pairs, as when every pair is in one batch."""
    whole = check_text(overlapping(SIDE), select=["IN003", "IN005"])
    monkeypatch.setattr(_geometry, "PAIRS_PER_STEP", step)
    cut = check_text(overlapping(SIDE), select=["IN003", "IN005"])
    shown = [(f.rule, f.message, f.data, f.count, f.object_names) for f in cut.findings]
    assert shown == [(f.rule, f.message, f.data, f.count, f.object_names) for f in whole.findings]
    assert [f.count for f in cut.findings] == [N * (N - 1) // 2, N * (N - 1) * 2]


def test_one_net_over_every_pin_lists_a_hundred_groups_and_counts_them_all(check_text) -> None:
    report = check_text(one_net(150), select=["IN002"])  # 300 pins, no mass: 300 groups of one pin
    (finding,) = report.findings
    assert finding.rule == "IN002"
    assert finding.message == (
        "net n is split into 300 separate groups: die.c[0]; die.c[1]; die.c[2]; die.c[3]; and 296 more"
    )
    assert finding.data["group_count"] == 300
    assert finding.data["groups"] == [f"die.c[{k}]" for k in range(150)][:100]  # the lowest nodes first


def test_two_nets_statements_over_the_same_pins_short_once_per_pair_of_declarations(check_text) -> None:
    report = check_text(two_nets(40), select=["IN001"])  # io[k] and jo[k] on the node of mass m[k]
    (finding,) = report.findings
    assert finding.rule == "IN001"
    assert finding.message == (
        "nets io[0] and jo[0] are on one electrical node: die.c[0] is a pin of both; "
        "and 39 more electrical nodes where the same declarations meet"
    )
    assert finding.data == {"nets": ["io[0]", "jo[0]"], "paths": ["die.c[0] is a pin of both"], "nodes": 40}
    assert finding.object_names == ["io[0:40]", "jo[0:40]"]


def test_a_net_over_every_pin_and_nets_over_the_same_pins_give_one_short_and_one_open(check_text) -> None:
    report = check_text(net_and_nets(30), select=["IN001", "IN002"])
    short, split = sorted(report.findings, key=lambda f: f.rule)
    assert (short.rule, short.data["nodes"], short.data["nets"]) == ("IN001", 30, ["n", "io[0]"])
    assert short.object_names == ["io[0:30]", "n"]
    assert split.rule == "IN002"
    assert split.message.startswith("net n is split into 30 separate groups: die.c[0], sub.p[0]; ")
    assert "group_count" not in split.data  # 30 groups: all listed
    assert len(split.data["groups"]) == 30
