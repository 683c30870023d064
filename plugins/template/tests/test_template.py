"""The template's rule, tested with the `assemblint_check` fixture that assemblint registers for pytest."""

from assemblint_template import TWO_MASSES


def test_fires_over_the_budget(assemblint_check):
    report = assemblint_check(TWO_MASSES, deck={"TPL001": {"max_masses": 1}}, select=["TPL001"])
    assert [(f.rule, f.object_names, f.count) for f in report.findings] == [("TPL001", ["m[0:2]"], 2)]


def test_passes_within_the_budget(assemblint_check):
    assert assemblint_check(TWO_MASSES, select=["TPL001"]).findings == []
