"""The review report's drawing contract (assemblint.report.review.marks, the `assemblint_review`
hook): a third-party family declares its row and draws its findings exactly as the shipped ones
do, and the core names no rule family at all.

The third-party plugins here are objects registered with `PluginHost.create(extra=…)`, beside
`builtin` only (the installed families disabled), as tests/plugins/test_plugin_host.py does.
"""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import OTHER_PLUGINS

import assemblint
from assemblint import OBJECTS
from assemblint.api import CheckOptions, check_files
from assemblint.builtin import review_from
from assemblint.checking.problems import PluginProblem
from assemblint.plugins.host import PluginHost
from assemblint.report.review import page, pictures
from assemblint.report.review.marks import ObjectIds, ObjectMark, PairMark, Review, ReviewFamily

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "assemblint"
SVG = "{http://www.w3.org/2000/svg}"

DESIGN = """\
assembly "Acme test vehicle"
use std
element die : chip { body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }
element sub : substrate { body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }
masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 100 um; height 80 um }
process { step reflow { kind reflow; peak 245 C }; operate 0 C .. 85 C }
"""


# ---------------------------------------------------------------------------------------- a third party
@assemblint.rule(id="ACM001", name="edge-mass", severity="error", doc="A mass is too close to the die's edge.")
def edge_mass(ctx):
    group = ctx.assembly.mass_groups[0]
    yield ctx.finding(f"{OBJECTS} is too close to the edge", objects=group.select([1]), data={"edge": "die.c[3]"})


@assemblint.rule(id="ACM002", name="pair-strain", severity="warning", doc="Two joined elements expand apart.")
def pair_strain(ctx):
    die, sub = ctx.assembly.elements
    yield ctx.finding("die and sub expand apart", objects=[die, sub], data={"strain": 0.042, "limit": 0.02})


@assemblint.rule(id="ACM003", name="listed-only", severity="info", doc="A finding with no marker.")
def listed_only(ctx):
    yield ctx.finding("listed, not drawn", objects=ctx.assembly.elements[0])


def mark_edge(finding, assembly):
    """ACM001's marker: the finding's own mass, and the pad its data names, boxed."""
    own = ObjectMark.of(finding)
    _, pads = ObjectIds(assembly).ids([finding.data["edge"]])
    yield ObjectMark(f"{own.label} by {finding.data['edge']}", "too close to the edge", own.masses, pads)


def mark_strain(finding, assembly):
    """ACM002's marker: the pair the finding names, with its strain against its limit."""
    yield PairMark.of(finding, strain=finding.data["strain"], strain_limit=finding.data["limit"])


class AcmePlugin:
    """Rules, and how the review report shows them: a row `ACM acme checks`, two markers."""

    @assemblint.hookimpl
    def assemblint_rules(self):
        return [edge_mass, pair_strain, listed_only]

    @assemblint.hookimpl
    def assemblint_review(self):
        marks = {edge_mass.id: mark_edge, pair_strain.id: mark_strain}
        return [ReviewFamily(prefix="ACM", title="acme checks", order=50, marks=marks)]


@assemblint.rule(id="PLN001", name="plain", severity="info", doc="A family that declares nothing for the review.")
def plain(ctx):
    yield ctx.finding("plain", objects=ctx.assembly.elements[1])


class PlainPlugin:
    @assemblint.hookimpl
    def assemblint_rules(self):
        return [plain]


@assemblint.rule(id="BRK001", name="broken-marker", severity="warning", doc="A rule whose marker raises.")
def broken_rule(ctx):
    yield ctx.finding("drawn by a broken marker", objects=ctx.assembly.mass_groups[0])


def broken_marker(finding, assembly):
    raise RuntimeError("cannot mark this")


class BrokenPlugin:
    @assemblint.hookimpl
    def assemblint_rules(self):
        return [broken_rule]

    @assemblint.hookimpl
    def assemblint_review(self):
        return [ReviewFamily(prefix="BRK", title="broken", marks={broken_rule.id: broken_marker})]


class JunkPlugin:
    @assemblint.hookimpl
    def assemblint_review(self):
        return {"not": "a list of ReviewFamily"}


def run(tmp_path: Path, *plugins: tuple[str, object]):
    """Check DESIGN with builtin and the given plugins: (report, the review the page gets)."""
    path = tmp_path / "acme.assy"
    path.write_text(DESIGN, encoding="utf-8")
    host = PluginHost.create(disable=OTHER_PLUGINS, extra=list(plugins))
    report = check_files([path], CheckOptions(keep_designs=True), host)
    return report, review_from(host)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == cls]


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def family_rows(html: str) -> list[tuple[str, str]]:
    table = html[html.index('id="summary-family"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<th scope="row">(\S+) <span class="muted">([^<:]*)', table)


# ---------------------------------------------------------------------------------------- (a) the contract
def test_a_third_party_family_is_drawn_on_the_top_view(tmp_path):
    report, review = run(tmp_path, ("acme", AcmePlugin()))
    assert [(f.prefix, f.title, f.plugin) for f in review.families] == [("ACM", "acme checks", "acme")]
    (assembly,) = report.designs
    ((title, svg),) = pictures.top_views(assembly, report.findings, review)
    assert title == "die ↔ sub"
    root = parse(svg)
    (mark,) = groups(root, "mark")
    assert (mark.get("data-rule"), mark.get("data-object")) == ("ACM001", "m[1] by die.c[3]")
    assert len(mark.findall(f"{SVG}circle")) == 1, "the mass ringed"
    assert len(mark.findall(f"{SVG}rect")) == 1, "the pad boxed"
    assert "ACM001 m[1] by die.c[3] — too close to the edge" in texts(root), "the key below the view"
    assert "1 finding mark" in root.get("aria-label")
    # without the declarations, the same findings are not drawn
    ((_, bare),) = pictures.top_views(assembly, report.findings)
    assert not groups(parse(bare), "mark")


def test_a_third_party_family_is_drawn_on_the_cte_map(tmp_path):
    report, review = run(tmp_path, ("acme", AcmePlugin()))
    (assembly,) = report.designs
    root = parse(pictures.cte_map(assembly, report.findings, review))
    (row,) = groups(root, "pair")
    assert (row.get("data-pair"), row.get("data-status")) == ("die ↔ sub", "warning")
    labels = texts(row)
    assert "strain 0.042 (max 0.02)" in labels
    assert "warning · ACM002" in labels, "only the finding with a pair mark is on the row"
    bare = parse(pictures.cte_map(assembly, report.findings))
    assert groups(bare, "pair")[0].get("data-status") == "ok"


def test_the_page_gives_a_declared_family_its_row_and_the_others_count_as_other(tmp_path):
    report, review = run(tmp_path, ("acme", AcmePlugin()), ("plain", PlainPlugin()))
    html = page.write(report, review)
    assert family_rows(html) == [("ACM", "acme checks"), ("other", "other rules (plugins)")]
    assert '<option value="ACM">ACM: acme checks</option>' in html
    assert "other rules (plugins): PLN" in html
    assert re.search(r'data-family="ACM" data-group="ACM"', html)
    assert re.search(r'data-family="PLN" data-group="other"', html)
    assert 'data-rule="ACM001"' in html and "strain 0.042" in html
    assert report.exit_code == 1 and not report.problems
    # the `html` format's writer finds the run's plugins again as installed: extras are not, so
    # a program with its own host passes `review_from(host)` itself (as above)
    assert family_rows(page.write(report)) == [("other", "other rules (plugins)")]


def test_a_marker_that_raises_is_reported_against_its_plugin_and_the_page_is_still_written(tmp_path):
    report, review = run(tmp_path, ("acme", AcmePlugin()), ("broken", BrokenPlugin()))
    html = page.write(report, review)
    (problem,) = report.problems
    assert (problem.plugin, problem.rule) == ("broken", "BRK001")
    assert "its review marker raised RuntimeError: cannot mark this" in problem.message
    assert report.exit_code == 3
    assert 'data-rule="ACM001"' in html, "the other families are still drawn"
    assert "cannot mark this" in html[html.index('id="internal-errors"') :]


def test_a_hook_that_returns_junk_is_reported(tmp_path):
    report, review = run(tmp_path, ("acme", AcmePlugin()), ("junk", JunkPlugin()))
    assert [f.prefix for f in review.families] == ["ACM"]
    (problem,) = review.problems
    assert problem.plugin == "junk" and "expected a list of ReviewFamily" in problem.message
    page.write(report, review)
    assert report.problems == [problem] and report.exit_code == 3


def test_a_mark_of_the_wrong_kind_is_reported():
    review = Review([ReviewFamily("X", "x", marks={"X001": lambda f, a: ["junk"]}, plugin="xplugin")])

    class Finding:
        rule = "X001"

    assert review.marks([Finding()], None, ObjectMark) == []  # type: ignore[arg-type]
    assert review.problems == [PluginProblem("xplugin", "X001", "its review marker returned str, not a mark")]


def test_a_mark_outside_the_design_is_reported_not_drawn(tmp_path):
    report, _ = run(tmp_path, ("acme", AcmePlugin()))
    (assembly,) = report.designs
    far = {"ACM001": lambda finding, assembly: [ObjectMark("far", "away", [10**6])]}
    wild = Review([ReviewFamily("ACM", "acme", marks=far, plugin="acme")])
    ((_, svg),) = pictures.top_views(assembly, report.findings, wild)
    assert not groups(parse(svg), "mark")
    assert wild.problems == [
        PluginProblem("acme", "ACM001", "its review marker gave a mass or pad id outside the design")
    ]


def test_the_shipped_families_declare_themselves_through_the_hook():
    review = review_from(PluginHost.default())
    declared = {f.prefix: (f.title, f.plugin, sorted(f.marks)) for f in review.families}
    assert declared["MH"][:2] == ("melting hierarchy", "melting")
    assert declared["CT"][:2] == ("containment", "containment")
    assert declared["IN"] == ("insulation", "insulation", [f"IN00{n}" for n in range(1, 7)])
    assert declared["CTE"] == ("thermal expansion", "cte", [f"CTE00{n}" for n in range(1, 6)])
    assert [f.prefix for f in sorted(review.families, key=lambda f: f.order)][:4] == ["MH", "CT", "IN", "CTE"]
    assert not review.problems


# ---------------------------------------------------------------------------------------- (b) no family in the core
RULE_ID = re.compile(r"\b(MH|CT|IN|CTE|WV|RH|AL)\d{3}\b")
DATA_READ = re.compile(r"""data["']?\]?(?:\.get\(|\[)\s*["'](\w+)["']""")  # data["k"], data.get("k"), ["data"]["k"]
REVIEW = SRC / "report" / "review"


def sources(root: Path) -> list[Path]:
    return sorted(p for ext in ("py", "j2", "js") for p in root.rglob(f"*.{ext}"))


def naming_rules(files: list[Path]) -> dict[str, list[str]]:
    """file (relative to src/assemblint) -> the rule ids of the shipped families it names, with their lines."""
    out: dict[str, list[str]] = {}
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for found in RULE_ID.finditer(line):
                out.setdefault(path.relative_to(SRC).as_posix(), []).append(f"{number}: {found[0]}")
    return out


def shipped_data_keys() -> set[str]:
    """Every key of a `data={…}` the shipped families' findings carry (plugins/, their sources)."""
    keys: set[str] = set()
    for path in (ROOT / "plugins").rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "data" and isinstance(node.value, ast.Dict):
                keys |= {k.value for k in node.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    return keys


def reading_data_keys(files: list[Path], keys: set[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for found in DATA_READ.finditer(line):
                if found[1] in keys:
                    out.setdefault(path.relative_to(SRC).as_posix(), []).append(f"{number}: {found[0]}")
    return out


def test_the_review_report_names_no_rule_family():
    """report/review (pictures, page, template, script) and the page's wiring in builtin.py: nothing, ever."""
    files = [*sources(REVIEW), SRC / "builtin.py"]
    assert naming_rules(files) == {}
    keys = shipped_data_keys()
    assert {"closest", "cycles_to_failure", "max_delta", "paths"} <= keys, "the key scan finds the families' data"
    assert reading_data_keys(files, keys) == {}


def test_the_core_names_no_rule_family():
    """The whole core, src/assemblint: every file that names a shipped family's rule or reads its data."""
    files = sources(SRC)
    offenders = naming_rules(files)
    for path, reads in reading_data_keys(files, shipped_data_keys()).items():
        offenders.setdefault(path, []).extend(reads)
    assert offenders == {}, "\n".join(f"{path}: {', '.join(found)}" for path, found in sorted(offenders.items()))
