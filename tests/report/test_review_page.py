"""The HTML review report (`check --format html`, `assemblint report`): what the page holds.

The page is parsed with the standard library's lenient `html.parser` into a small tree. That the
page also runs in a browser (no console error, pictures drawn, the filter working) is
tests/report/test_review_browser.py's.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from assemblint.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SHARED = Path("/work/shared/examples")
BROKEN = ("broken-syntax.assy", "broken-semantics.assy")
# The shared examples (the acceptance tests' designs) and the project's own, except the broken ones.
DESIGNS = sorted(p.name for p in EXAMPLES.glob("*.assy") if p.name not in BROKEN)
SHARED_DESIGNS = sorted(p.name for p in SHARED.glob("*.assy") if p.name not in BROKEN) or [
    "flip-chip-fr4-underfill.assy",
    "flip-chip-fr4.assy",
    "hierarchical-solder.assy",
    "insulation-faults.assy",
    "liquid-interconnect.assy",
]

REMELT = """assembly "Remelt <review> & waivers"
use std
element die : chip { body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }
element sub : substrate { body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }
masses b : Sn63Pb37 { joins die.c[*] -- sub.p[*]; height 80 um }
process {
    step join  { kind reflow; peak 215 C }
    step mount { kind reflow; peak 245 C }
    operate 0 C .. 70 C
}
"""
USED = 'waive MH003 on b[*] because "contained by the <lid> & reviewed at PDR" by "pkg team" until 2030-06-30\n'
EXPIRED = 'waive MH005 on die because "reviewed at the 2019 PDR" by "old team" until 2020-01-31\n'
UNUSED = 'waive IN001 on n because "no nets here" by "nobody"\n'


# ---------------------------------------------------------------------------------------- a tiny DOM
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or set(cls.split()) <= n.classes)
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'} class={cls!r} {attrs}>"
        return found[0]

    def by_id(self, id_: str) -> Node:
        return self.find(id=id_)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:  # lenient: a stray end tag is ignored
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(text: str) -> Node:
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root


# ---------------------------------------------------------------------------------------- helpers
def render(monkeypatch, tmp_path: Path, *args: str, folder: Path = EXAMPLES, name: str = "out.html"):
    """Run `assemblint ARGS --format html -o OUT` in `folder`: (exit code, page text, tree)."""
    monkeypatch.chdir(folder)
    out = tmp_path / name
    code = main([*args, "--format", "html", "-o", str(out)])
    text = out.read_text(encoding="utf-8")
    return code, text, parse(text)


def pictures(tree: Node, kind: str) -> list[Node]:
    return [n for n in tree.find_all("svg") if {"picture", kind} <= n.classes]


def findings(tree: Node) -> list[Node]:
    return tree.find_all("li", cls="finding")


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("ASSEMBLINT_TODAY", "2026-01-15")  # waivers are judged on a fixed day


# ---------------------------------------------------------------------------------------- the examples
@pytest.mark.parametrize("name", DESIGNS)
def test_the_page_of_each_example_is_self_contained_and_has_its_pictures(monkeypatch, tmp_path, name):
    code, text, tree = render(monkeypatch, tmp_path, "check", name)
    expected = main(["check", name, "--format", "json", "-o", str(tmp_path / "r.json")])
    assert code == expected
    assert text.startswith("<!DOCTYPE html>")
    # nothing is fetched: no external script, style sheet, image, font or frame; no link out
    for node in tree.iter():
        for attr in ("src", "href", "srcset", "action", "data", "poster", "xlink:href"):
            value = node.attrs.get(attr, "")
            assert not re.match(r"\s*(https?:)?//", value, re.I), f"<{node.tag} {attr}={value!r}>"
            assert not value.strip().lower().startswith(("file:", "ftp:")), f"<{node.tag} {attr}={value!r}>"
    assert not tree.find_all("link") and not tree.find_all("iframe") and not tree.find_all("img")
    assert all("src" not in s.attrs for s in tree.find_all("script"))
    styles = " ".join(s.text() for s in tree.find_all("style"))
    assert "@import" not in styles and "url(" not in styles
    assert "@font-face" not in styles
    # the CSP forbids every fetch and allows the one inline script, by its hash
    (csp,) = [
        m.attrs["content"] for m in tree.find_all("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    (script,) = tree.find_all("script")
    digest = base64.b64encode(hashlib.sha256(script.text().encode("utf-8")).digest()).decode()
    assert "default-src 'none'" in csp and f"'sha256-{digest}'" in csp
    # the pictures: one ladder, top views, one CTE map (or a note saying why not)
    figures = tree.find_all("figure", cls="picture-figure")
    assert len(figures) >= 3
    assert len(pictures(tree, "ladder")) == 1, "the melting ladder"
    assert pictures(tree, "topview"), "a top view"
    cte = pictures(tree, "ctemap")
    assert len(cte) == 1 or any("Not applicable" in f.text() for f in figures if "CTE map" in f.text())
    assert not tree.find_all(cls="picture-failed")


@pytest.mark.parametrize("name", SHARED_DESIGNS)
def test_the_header_names_design_tool_deck_plugins_and_inputs(monkeypatch, tmp_path, name):
    _, _, tree = render(monkeypatch, tmp_path, "check", name)
    (tmp_path / "r.json").unlink(missing_ok=True)
    main(["check", name, "--format", "json", "-o", str(tmp_path / "r.json")])
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    run = tree.by_id("run").text()
    title = re.search(r'^assembly "(.*)"', (EXAMPLES / name).read_text(encoding="utf-8"), re.M)
    assert title and title[1] in run and title[1] in tree.find("title").text()
    assert f"assemblint {report['tool']['version']}" in " ".join(run.split())
    assert report["deck"]["name"] in run and report["deck"]["sha256"] in run
    for plugin in report["tool"]["plugins"]:
        assert plugin["name"] in run
    for entry in report["inputs"]:
        assert entry["path"] in run and entry["sha256"] in run
    severity = tree.by_id("summary-severity")
    cells = [td.text().strip() for td in severity.find_all("td")]
    buckets = ["error", "warning", "info", "waived", "baseline", "exit_code"]
    assert cells == [str(report["summary"][b]) for b in buckets]
    families = tree.by_id("summary-family")
    rows = {tr.find("th").text().split()[0]: tr for tr in families.find("tbody").find_all("tr")}
    assert list(rows) == ["MH", "CT", "IN", "CTE", "ST", "RL", "WV", "other"]
    assert sum(int(tr.find_all("td")[-1].text()) for tr in rows.values()) == len(report["findings"])
    # every finding is listed, under its rule, in the report's order
    listed = findings(tree)
    assert [
        li.attrs["data-fingerprint"] for li in sorted(listed, key=lambda li: int(li.attrs["id"].split("-")[1]))
    ] == [f["fingerprint"] for f in report["findings"]]
    for li, finding in zip(sorted(listed, key=lambda li: int(li.attrs["id"][8:])), report["findings"], strict=True):
        assert li.parent.parent.attrs["id"] == f"rule-{finding['rule']}"
        assert li.attrs["data-severity"] == finding["severity"]
        text = li.text()
        assert finding["message"] in text
        loc = finding["location"]
        assert f"{loc['path']}:{loc['line']}:{loc['column']}" in text
        assert all(o in text for o in finding["objects"])
    statuses = tree.by_id("rules").find("table", cls="statuses").find("tbody").find_all("tr")
    assert [tr.find("code").text() for tr in statuses] == [r["id"] for r in report["rules"]]


def test_insulation_faults_lists_its_findings_under_their_rules(monkeypatch, tmp_path):
    code, _, tree = render(monkeypatch, tmp_path, "check", "insulation-faults.assy")
    assert code == 1
    groups = {s.attrs["id"]: s for s in tree.find_all("section", cls="rule-group")}
    assert set(groups) == {"rule-IN001", "rule-IN002", "rule-IN003", "rule-IN004", "rule-IN005", "rule-RL004"}
    assert "short" in groups["rule-IN001"].find("h3").text()
    assert "open" in groups["rule-IN002"].find("h3").text()
    short = groups["rule-IN001"].find("li", cls="finding")
    assert "n[8:10]" in short.text() and "insulation-faults.assy:43:" in short.text()
    assert short.attrs["data-family"] == "IN" and short.attrs["data-group"] == "IN"
    data = short.find("details", cls="data")
    assert data.find("summary").text().startswith("data (") and data.find_all("tr")
    assert all(li.find("span", cls="badge sev-error") for li in findings(tree) if li.attrs["data-family"] == "IN")
    # the top view marks the short, the open and the close masses
    (view,) = pictures(tree, "topview")
    assert view.find_all()  # drawn, not an empty <svg>


def test_a_folder_of_designs_gives_pictures_for_each(monkeypatch, tmp_path):
    code, _, tree = render(monkeypatch, tmp_path, "check", "flip-chip-fr4.assy", "insulation-faults.assy")
    assert code == 1
    designs = tree.find_all("article", cls="design-pictures")
    assert [d.find("h3").find("code").text() for d in designs] == ["flip-chip-fr4.assy", "insulation-faults.assy"]
    assert len(pictures(tree, "ladder")) == 2
    assert {f.attrs["data-family"] for f in findings(tree)} >= {"CTE", "IN"}


# ---------------------------------------------------------------------------------------- waivers, baseline
def test_waived_findings_show_reason_owner_and_expiry_and_every_waiver_is_listed(monkeypatch, tmp_path):
    design = tmp_path / "remelt.assy"
    design.write_text(REMELT + USED + EXPIRED + UNUSED, encoding="utf-8")
    code, text, tree = render(monkeypatch, tmp_path, "check", "remelt.assy", folder=tmp_path)
    assert code == 0, "the one error (MH003) is waived"
    (mh003,) = tree.by_id("rule-MH003").find_all("li", cls="finding")
    assert mh003.attrs["data-status"] == "waived" and mh003.find("span", cls="mark-waived")
    note = mh003.find("div", cls="waiver-note").text()
    assert "contained by the <lid> & reviewed at PDR" in note  # escaped in the file, the text itself here
    assert "pkg team" in note and "2030-06-30" in note and "remelt.assy:11" in note
    assert "&lt;lid&gt; &amp; reviewed" in text
    rows = {tr.find("td").text().split()[0]: tr for tr in tree.by_id("waivers").find("tbody").find_all("tr")}
    assert set(rows) == {"MH003", "MH005", "IN001"}
    assert rows["MH003"].find("span", cls="badge").text() == "used"
    assert "(1 finding)" in rows["MH003"].text()
    assert rows["MH005"].find("span", cls="badge").text() == "expired"
    assert "2020-01-31" in rows["MH005"].text() and "old team" in rows["MH005"].text()
    assert rows["IN001"].find("span", cls="badge").text() == "unused"
    assert "no expiry" in rows["IN001"].text()
    assert tree.by_id("rule-WV001").find_all("li", cls="finding") and tree.by_id("rule-WV002")
    summary = {
        th.text().strip(): td.text().strip()
        for th, td in zip(
            tree.by_id("summary-severity").find_all("th")[:5],
            tree.by_id("summary-severity").find_all("td"),
            strict=False,
        )
    }
    assert summary["waived"] == "1"


def test_waivers_from_a_file_are_listed_with_their_owner(monkeypatch, tmp_path):
    (tmp_path / "remelt.assy").write_text(REMELT, encoding="utf-8")
    (tmp_path / "waivers.toml").write_text(
        '[[waiver]]\nrule = "MH003"\non = ["b[*]"]\nbecause = "qualified in lot 7"\nby = "QA"\nuntil = 2031-01-01\n',
        encoding="utf-8",
    )
    code, _, tree = render(monkeypatch, tmp_path, "check", "remelt.assy", "--waivers", "waivers.toml", folder=tmp_path)
    assert code == 0
    (row,) = tree.by_id("waivers").find("tbody").find_all("tr")
    assert "qualified in lot 7" in row.text() and "QA" in row.text() and "waivers.toml:1" in row.text()
    assert row.find("span", cls="badge").text() == "used"


def test_baseline_findings_are_marked(monkeypatch, tmp_path):
    monkeypatch.chdir(EXAMPLES)
    baseline = tmp_path / "baseline.json"
    assert main(["check", "insulation-faults.assy", "--format", "json", "-o", str(baseline)]) == 1
    code, _, tree = render(monkeypatch, tmp_path, "check", "insulation-faults.assy", "--baseline", str(baseline))
    assert code == 0, "every finding is in the baseline"
    listed = findings(tree)
    assert len(listed) == 7  # the five IN errors and RL004's two notes on the elements' missing thicknesses
    for li in listed:
        assert li.attrs["data-status"] == "baseline"
        assert li.find("span", cls="mark-baseline").text() == "baseline"
        assert "In the baseline" in li.find("p", cls="baseline-note").text()
    cells = [td.text().strip() for td in tree.by_id("summary-severity").find_all("td")]
    assert cells == ["0", "0", "0", "0", "7", "0"]
    # without --baseline: no mark at all
    _, _, plain = render(monkeypatch, tmp_path, "check", "insulation-faults.assy", name="plain.html")
    assert not plain.find_all(cls="mark-baseline")


# ---------------------------------------------------------------------------------------- determinism, CLI
@pytest.mark.parametrize("name", ["insulation-faults.assy", "liquid-interconnect.assy"])
def test_the_page_is_byte_identical_across_runs(monkeypatch, tmp_path, name):
    _, first, _ = render(monkeypatch, tmp_path, "check", name, name="a.html")
    _, second, _ = render(monkeypatch, tmp_path, "check", name, name="b.html")
    assert first == second
    assert not re.search(r"\b20\d\d-\d\d-\d\dT\d\d:\d\d", first), "no timestamp"


@pytest.mark.parametrize("name", [*SHARED_DESIGNS, "broken-syntax.assy"])
def test_report_command_writes_the_page_and_exits_as_check(monkeypatch, tmp_path, name):
    monkeypatch.chdir(EXAMPLES)
    expected = main(["check", name, "--format", "json", "-o", str(tmp_path / "r.json")])
    out = tmp_path / "review.html"
    assert main(["report", name, "-o", str(out), "-q"]) == expected
    assert out.read_bytes() == _html_of(tmp_path, name)


def _html_of(tmp_path: Path, name: str) -> bytes:
    main(["check", name, "--format", "html", "-o", str(tmp_path / "check.html")])
    return (tmp_path / "check.html").read_bytes()


def test_report_command_takes_checks_options_and_writes_review_html_by_default(monkeypatch, tmp_path):
    (tmp_path / "remelt.assy").write_text(REMELT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["report", "remelt.assy"]) == 1  # MH003, an error
    assert (tmp_path / "review.html").is_file()
    assert main(["report", "remelt.assy", "--ignore", "MH003", "-o", "ignored.html"]) == 0
    tree = parse((tmp_path / "ignored.html").read_text(encoding="utf-8"))
    assert not tree.find_all(id="rule-MH003")
    status = {tr.find("code").text(): tr for tr in tree.by_id("rules").find("tbody").find_all("tr")}
    assert status["MH003"].find("span", cls="badge").text() == "not-selected"
    assert main(["report", "remelt.assy", "--fail-on", "never", "-o", "never.html", "--report", "json=r.json"]) == 0
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]["error"] >= 1
    assert main(["report", "remelt.assy", "--select", "MH", "-p", "no:alpha", "--deck", "default", "-o", "x.html"]) == 1
    assert main(["report", "missing.assy", "-o", "missing.html"]) == 2


def test_report_command_refuses_format(capsys):
    with pytest.raises(SystemExit) as info:
        main(["report", "x.assy", "--format", "json"])
    assert info.value.code == 2


# ---------------------------------------------------------------------------------------- errors
def test_language_errors_are_shown_with_their_caret(monkeypatch, tmp_path):
    code, _, tree = render(monkeypatch, tmp_path, "check", "broken-syntax.assy")
    assert code == 2
    section = tree.by_id("language-errors")
    (pre,) = section.find_all("pre", cls="diagnostic")
    lines = pre.text().splitlines()
    assert lines[0].startswith("broken-syntax.assy:9:1: E001 ")
    assert lines[1].strip().startswith("9 | element sub")
    assert lines[2].rstrip().endswith("^^^^^^^")
    assert "broken-syntax.assy" in section.find("p").text()
    assert "not checked" in tree.by_id("run").text()
    assert not findings(tree) and not tree.find_all("svg")
    assert "No design could be checked" in tree.by_id("pictures").text()
    statuses = {tr.find("code").text(): tr.text() for tr in tree.by_id("rules").find("tbody").find_all("tr")}
    assert "could-not-run" in statuses["MH003"] and "no design could be loaded" in statuses["MH003"]


def test_every_language_error_of_broken_semantics_is_shown(monkeypatch, tmp_path):
    code, _, tree = render(monkeypatch, tmp_path, "check", "broken-semantics.assy")
    assert code == 2
    codes = [pre.text().split()[1] for pre in tree.by_id("language-errors").find_all("pre")]
    assert codes == ["E003", "E002", "E005"]


def test_text_from_the_design_is_escaped(monkeypatch, tmp_path):
    evil = REMELT.replace('"Remelt <review> & waivers"', '"</title><script>alert(1)</script>"')
    (tmp_path / "evil.assy").write_text(evil, encoding="utf-8")
    _, text, tree = render(monkeypatch, tmp_path, "check", "evil.assy", folder=tmp_path)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert len(tree.find_all("script")) == 1
    assert tree.find("title").text() == "assemblint review: </title><script>alert(1)</script>"


def test_a_picture_that_fails_is_named_and_the_run_exits_3(monkeypatch, tmp_path):
    from assemblint.report.review import pictures as drawn

    def broken(*args):
        raise RuntimeError("cannot draw this")

    monkeypatch.setattr(drawn, "melting_ladder", broken)
    code, _, tree = render(monkeypatch, tmp_path, "check", "insulation-faults.assy")
    assert code == 3
    (failed,) = tree.find_all(cls="picture-failed")
    assert "RuntimeError: cannot draw this" in failed.text()
    assert pictures(tree, "topview") and findings(tree), "the rest of the page is still there"
    assert "cannot draw this" in tree.by_id("internal-errors").text()


def test_the_filter_bar_and_print_styles_are_there(monkeypatch, tmp_path):
    _, _, tree = render(monkeypatch, tmp_path, "check", "insulation-faults.assy")
    bar = tree.by_id("filters")
    assert "hidden" in bar.attrs, "shown by the script: without JavaScript there is nothing to filter with"
    assert [i.attrs["value"] for i in bar.find_all("input", type="checkbox", name="severity")] == [
        "error",
        "warning",
        "info",
    ]
    assert [o.attrs["value"] for o in tree.by_id("filter-family").find_all("option")] == [
        "all",
        "MH",
        "CT",
        "IN",
        "CTE",
        "ST",
        "RL",
        "WV",
        "other",
    ]
    assert tree.by_id("filter-text").attrs["type"] == "search"
    assert tree.by_id("shown-count").text() == "7 of 7 findings shown"
    css = tree.find("style").text()
    print_css = css[css.index("@media print") :]
    assert ".filters" in print_css and "break-inside: avoid" in print_css and ".filtered-out" in print_css
