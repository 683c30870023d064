"""No plugin can change the verdict (issue 16): a hostile plugin, installed as a third party's is,
gives exit 3 with every other rule's findings byte-identical to a run without it, serially and
with `--jobs 2`.

hostile_plugin.py has one misbehaviour per rule: `os._exit` (0 and 3), SIGKILL to itself, SIGTERM
to its process group, a write to the model, malformed `ctx.finding` arguments, printing (a
workflow command and broken JSON, at the fd level too), a non-daemon thread, a loop that swallows
every alarm, SIGALRM ignored, `os.chdir`, `sys.exit`, non-findings returned; and a format that
raises and one that claims the name `json`. Its rules run in forked workers (`--isolate plugins`,
the default): each is reported crashed with why, and nothing else changes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
EXAMPLES = HERE.parents[1] / "examples"
DESIGNS = ("containment.assy", "insulation-faults.assy")
BUDGET = "1.5"  # --rule-timeout: the rules that hang are killed 2 s (isolation.GRACE) after it; the core
# rules take some 50 ms here, and the suite runs on every processor: 0.5 s was too tight under load

CRASHED = {  # rule -> what its outcome's reason says
    "HX001": "its worker process exited with code 0 before the rule returned (os._exit, or an exit in C code)",
    "HX002": "its worker process exited with code 3 before the rule returned (os._exit, or an exit in C code)",
    "HX003": "its worker process was killed by SIGKILL (the system's out-of-memory killer?) before the rule returned",
    "HX004": "ValueError: assignment destination is read-only",
    "HX005": "FindingArgumentError: rule HX005: ctx.finding(): `message` must be a text (str), got int 123",
    "HX006": "FindingArgumentError: rule HX006: ctx.finding(): `cause` must be a text (str) or None, got list ['a']",
    "HX008": "left 1 non-daemon thread(s) running when it returned (hostile-sleeper): its worker was stopped",
    "HX009": f"exceeded its time budget of {BUDGET} s and did not stop: its worker was killed",
    "HX010": f"exceeded its time budget of {BUDGET} s and did not stop: its worker was killed",
    "HX011": "RuntimeError: changed the folder, then failed",
    "HX012": "SystemExit: 0",
    "HX013": "returned something that is not a finding",
    "HX014": "its worker process was killed by SIGTERM before the rule returned",
}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site folder holding the hostile plugin as an installed distribution (an entry point)."""
    site = tmp_path_factory.mktemp("site")
    shutil.copy(HERE / "hostile_plugin.py", site / "hostile_plugin.py")
    info = site / "hostile_plugin-6.6.6.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hostile-plugin\nVersion: 6.6.6\n")
    (info / "entry_points.txt").write_text("[assemblint.plugins]\nhostile = hostile_plugin\n")
    return site


@pytest.fixture(scope="module")
def designs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("designs")
    for name in DESIGNS:
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


def assemblint(args: list[str], cwd: Path, site: Path | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NO_COLOR")}
    env["HOSTILE_SECONDS"] = "30"
    if site is not None:
        env["PYTHONPATH"] = str(site)
    return subprocess.run(
        [sys.executable, "-m", "assemblint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def check(designs: Path, site: Path | None, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    out = designs / f"report-{'hostile' if site else 'clean'}-{len(extra)}.json"
    args = ["check", *DESIGNS, "-q", "--rule-timeout", BUDGET, "--format", "json", "-o", out.name, *extra]
    done = assemblint(args, designs, site)
    report = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return done, report


def others(report: dict) -> list[dict]:
    """Every rule outcome but the hostile plugin's, without the time it took."""
    keep = ("id", "path", "status", "reason", "findings")
    return [{k: r.get(k) for k in keep} for r in report["rules"] if not r["id"].startswith("HX")]


@pytest.fixture(scope="module")
def clean(designs: Path) -> dict:
    done, report = check(designs, None)
    assert done.returncode == 1, done.stderr  # the examples have errors: exit 1, the verdict
    assert report["findings"], "the comparison needs findings of the core families"
    return report


@pytest.mark.parametrize("jobs", [[], ["--jobs", "2"]], ids=["serial", "jobs-2"])
def test_a_hostile_plugin_exits_3_and_every_other_finding_stands(
    designs: Path, installed: Path, clean: dict, jobs: list[str]
) -> None:
    done, report = check(designs, installed, *jobs)
    assert done.returncode == 3, done.stderr
    assert json.dumps(report["findings"]) == json.dumps(clean["findings"])  # byte for byte
    assert others(report) == others(clean)
    outcomes = [r for r in report["rules"] if r["id"].startswith("HX")]
    assert len(outcomes) == 14
    for outcome in outcomes:
        if outcome["id"] == "HX007":
            assert outcome["status"] == "ran" and "reason" not in outcome
        else:
            assert (outcome["id"], outcome["status"], outcome["reason"]) == (
                outcome["id"],
                "crashed",
                CRASHED[outcome["id"]],
            )
    problems = {(p["plugin"], p["rule"]) for p in report["internal_errors"]}
    assert {("hostile", rule) for rule in CRASHED} <= problems
    assert not any(p["plugin"] == "assemblint" for p in report["internal_errors"])  # nothing blamed on the core


def test_what_a_hostile_rule_prints_is_its_output_never_the_format_stream(designs: Path, installed: Path) -> None:
    done = assemblint(["check", DESIGNS[0], "-q", "--select", "HX007,MH", "--format", "json"], designs, installed)
    report = json.loads(done.stdout)  # the whole of stdout is the JSON report
    (printed,) = [r for r in report["rules"] if r["id"] == "HX007"]
    assert printed["output"] == (
        "::error file=README.md,title=forged::a workflow command printed by a rule\n"
        "{ this is not json\n\x1b[31mred on stderr\x1b[0m\n"
    )
    github = assemblint(["check", DESIGNS[0], "-q", "--select", "HX007", "--format", "github"], designs, installed)
    assert "title=forged" not in github.stdout + github.stderr


def test_the_run_stays_where_it_was_asked_to(designs: Path, installed: Path) -> None:
    """HX011 changes folder; the report still lands beside the designs, and the next design is found."""
    done = assemblint(
        ["check", *DESIGNS, "-q", "--select", "HX011,IN", "--format", "json", "-o", "here.json"], designs, installed
    )
    assert done.returncode == 3, done.stderr
    report = json.loads((designs / "here.json").read_text(encoding="utf-8"))
    (designs / "here.json").unlink()
    assert {f["rule"][:2] for f in report["findings"]} == {"IN"}
    assert not report["errors"]  # no design "not found"


def test_the_impostor_json_format_is_refused_and_the_raising_format_is_the_plugins_fault(
    designs: Path, installed: Path, clean: dict
) -> None:
    done = assemblint(
        ["check", *DESIGNS, "-q", "--select", "MH,CT,IN", "--format", "json", "--report", "hostile=out.txt"],
        designs,
        installed,
    )
    assert done.returncode == 3
    report = json.loads(done.stdout)  # the core's json, not the impostor's
    assert report["findings"] == [f for f in clean["findings"] if f["rule"][:2] in ("MH", "CT", "IN")]
    assert "plugin `hostile` registers the format `json`, which plugin `builtin` already provides" in done.stderr
    assert "Traceback" not in done.stderr


def test_in_process_a_leftover_thread_is_reported_and_the_command_still_exits(designs: Path, installed: Path) -> None:
    done = assemblint(["check", DESIGNS[0], "--isolate", "none", "--select", "HX008"], designs, installed)
    assert done.returncode == 3
    assert (
        "internal error in plugin `hostile`, rule HX008: "
        "left 1 non-daemon thread(s) running when it returned (hostile-sleeper)\n"
    ) in done.stdout + done.stderr
