"""The HTML review report (`check --format html`, `assemblint report`): one self-contained page.

`write(report, review)` renders `report.html.j2` with Jinja2 (autoescaping on: every message, name and
path from a design is escaped by the template engine) and inlines `report.css` and `report.js`,
so the page fetches nothing: a Content-Security-Policy in the page itself forbids any fetch, and
allows only the one inline script, by its hash. The pictures come from `pictures.py` as inline
SVG; they are the only markup inserted unescaped.

The page names no rule family. What it knows of the families comes from the rules' own metadata
and from `review` (marks.py), which whoever builds the page asks the plugins for (the
`assemblint_review` hook; builtin.py for the `html` format): the summary's rows are the declared
families, then the other families of assemblint's own plugins; the pictures draw the findings
through the families' markers; waivers are judged by the rules of the review phase.

The output is deterministic: the same inputs give byte-identical HTML (sorted findings, no
timestamps, no random ids).

Every value the template writes goes through `_finalize` first, the pictures' markup too: a C0
control (ESC, BEL) is shown as its picture and DEL as ␡, as the text format shows them, and C1
controls, the line and paragraph separators and the bidi controls (which would reorder what the
reader sees) as U+FFFD (formats/escaping.py); line feeds and tabs stay. Markup in a value is
autoescape's, in text and attributes alike. The one script is the package's own file, with no data
of the design in it: there is no JSON in a `<script>` for a `</script>` in a string to close.
"""

from __future__ import annotations

import base64
import hashlib
import json
import traceback
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from assemblint.base.diagnostics import render
from assemblint.checking.findings import Finding
from assemblint.checking.problems import PluginProblem
from assemblint.report.formats.escaping import shown
from assemblint.report.report import Report
from assemblint.report.review.marks import Review
from assemblint.report.review.waiver_table import verdict_rules, waiver_views

SEVERITIES = ("error", "warning", "info")
BUCKETS = ("error", "warning", "info", "waived", "baseline")
OTHER = "other"  # the summary's row, and the filter's entry, for every family without one of its own
OTHER_TITLE = "other rules (plugins)"
OWN_DISTRIBUTION = "assemblint"  # a family of a plugin it installs has a row even when it declares nothing
EXIT_MEANINGS = {
    0: "no finding at or above --fail-on that is not waived or in the baseline",
    1: "at least one finding at or above --fail-on that is not waived or in the baseline",
    2: "the input could not be used (language errors, bad deck or options)",
    3: "a plugin or rule raised; the other rules still ran",
}
_PICTURE_FAILED = "a review picture could not be drawn"


@dataclass
class FindingView:
    number: int
    rule: str
    name: str
    severity: str
    bucket: str
    family: str
    group: str  # its family, if the family has a row of its own, else `other`
    message: str
    location: str
    objects: list[str]
    count: int
    data: list[tuple[str, str]]
    waiver: dict[str, Any] | None
    baseline: bool
    fingerprint: str


@dataclass
class RuleGroup:
    id: str
    name: str
    summary: str
    family: str
    group: str
    plugin: str
    findings: list[FindingView] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(BUCKETS, 0)
        for finding in self.findings:
            out[finding.bucket] += 1
        return out


@dataclass
class PictureSet:
    path: str
    title: str | None
    ladder: Markup | None
    side_view: Markup | None
    stacked: bool  # the design gives some element a `z`: without one it describes no stack, and no side view is named
    top_views: list[tuple[str, Markup]]
    cte_map: Markup | None
    failures: dict[str, str]  # picture (ladder, sideview, topview, ctemap) -> why it could not be drawn


def write(report: Report, review: Review | None = None) -> str:
    """The review page of a report, as one HTML document.

    `review`: what the run's plugins declared for the page (their families, and how to draw their
    findings); without it, every family but assemblint's own counts as "other" and no finding is drawn.
    """
    review = review or Review()
    report.sort()
    drawn = _pictures(report, review)  # first: a picture that cannot be drawn is an internal error, in the exit code
    for problem in review.problems:  # a plugin's declaration or marker that failed: also in the exit code
        if problem not in report.problems:
            report.problems.append(problem)
    data = report.to_json()
    rules = {rule.id: rule for rule in report.rules}
    families = _families(report, review)
    findings = [
        _finding_view(n, f, j, rules, families)
        for n, (f, j) in enumerate(zip(report.findings, data["findings"], strict=True), 1)
    ]
    css, js = _static("report.css"), _static("report.js")
    context = {
        "report": data,
        "titles": _titles(report),
        "title": _page_title(report),
        "exit_code": report.exit_code,
        "exit_meaning": EXIT_MEANINGS.get(report.exit_code, ""),
        "fail_on": report.fail_on,
        "severities": SEVERITIES,
        "buckets": BUCKETS,
        "families": [*families, OTHER],
        "family_names": {**families, OTHER: OTHER_TITLE},
        "other_families": sorted({f.family for f in findings if f.group == OTHER}),
        "by_family": _by_family(findings, families),
        "groups": _rule_groups(findings, report, families),
        "findings_total": len(findings),
        "waivers": waiver_views(report),
        "verdict_rules": verdict_rules(report),
        "pictures": drawn,
        "errors": [render(d) for d in report.errors],
        "unchecked": sorted(report.unchecked),
        "statuses": _statuses(data, rules),
        "status_counts": _status_counts(data),
        "internal_errors": data.get("internal_errors", []),
        "css": Markup(css),
        "js": Markup(js),
        "csp": _csp(js),
    }
    return _template().render(**context)


# ------------------------------------------------------------------------------------------ reading
def _finalize(value: Any) -> Any:
    """A value as the page shows it: no control character, separator or bidi control raw (the
    escaping of markup is autoescape's, after this). Markup stays Markup: its syntax holds none."""
    if isinstance(value, Markup):
        return Markup(shown(str(value), keep="\n\t"))
    if isinstance(value, str):
        return shown(value, keep="\n\t")
    return value


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("assemblint.report", "review"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )


def _template() -> jinja2.Template:
    return _environment().get_template("report.html.j2")


@cache
def _static(name: str) -> str:
    """A file inlined in the page. It must not be able to close its own <style> or <script> element."""
    text = resources.files("assemblint.report.review").joinpath(name).read_text(encoding="utf-8")
    if "</" in text:
        raise ValueError(f"{name} must not contain `</`: it is inlined in the page")
    if shown(text, keep="\n\t") != text:  # `_finalize` would change it, and the script's hash with it
        raise ValueError(f"{name} must not contain control characters: the page shows none raw")
    return text


def _csp(js: str) -> str:
    """Nothing may be fetched; the one inline script runs by its hash; inline styles (the SVGs') may apply."""
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


# ------------------------------------------------------------------------------------------ header
def _titles(report: Report) -> list[dict[str, Any]]:
    """Each design of the run: its path, title, and whether it was checked."""
    out = []
    checked = {a.path for a in report.designs}
    for path, _ in report.inputs:
        if path in checked or path in report.unchecked:
            out.append({"path": path, "title": report.titles.get(path), "checked": path in checked})
    for assembly in report.designs:  # a design checked through the API, without an input line of its own
        if assembly.path not in {t["path"] for t in out}:
            out.append({"path": assembly.path, "title": assembly.title, "checked": True})
    return out


def _page_title(report: Report) -> str:
    titles = [a.title or a.path for a in report.designs] or sorted(report.unchecked) or [p for p, _ in report.inputs]
    if not titles:
        return "assemblint review"
    shown = titles[0] if len(titles) == 1 else f"{titles[0]} and {len(titles) - 1} more"
    return f"assemblint review: {shown}"


# ------------------------------------------------------------------------------------------ findings
def _families(report: Report, review: Review) -> dict[str, str]:
    """The families with a row of their own, in order, with their titles.

    First those the plugins of the run declared (`ReviewFamily`), by their `order` then prefix;
    then the families of assemblint's own plugins that declare nothing, titled with their
    plugin's name, in rule order. Every other family counts as "other".
    """
    out: dict[str, str] = {}
    for family in sorted(review.families, key=lambda f: (f.order, f.prefix)):
        out.setdefault(family.prefix, family.title)
    own = {p.name for p in report.plugins if p.distribution == OWN_DISTRIBUTION}
    for rule in report.rules:
        if rule.plugin in own and rule.family not in out and rule.family != OTHER:
            out[rule.family] = rule.plugin
    return out


def _group_of(family: str, families: dict[str, str]) -> str:
    return family if family in families else OTHER


def _finding_view(
    number: int, finding: Finding, as_json: dict[str, Any], rules: dict[str, Any], families: dict[str, str]
) -> FindingView:
    rule = rules.get(finding.rule)
    family = rule.family if rule else finding.rule.rstrip("0123456789")
    return FindingView(
        number=number,
        rule=finding.rule,
        name=finding.name,
        severity=finding.severity.value,
        bucket=finding.bucket,
        family=family,
        group=_group_of(family, families),
        message=finding.message,
        location=str(finding.location),
        objects=list(as_json["objects"]),
        count=as_json["count"],
        data=[(key, _value_text(value)) for key, value in as_json["data"].items()],
        waiver=as_json.get("waiver"),
        baseline=bool(as_json.get("baseline")),
        fingerprint=as_json["fingerprint"],
    )


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _rule_groups(findings: list[FindingView], report: Report, families: dict[str, str]) -> list[RuleGroup]:
    """Findings grouped by rule, in the report's rule order (rules without findings left out)."""
    groups: dict[str, RuleGroup] = {}
    for rule in report.rules:
        group = _group_of(rule.family, families)
        groups[rule.id] = RuleGroup(rule.id, rule.name, rule.summary, rule.family, group, rule.plugin)
    for finding in findings:
        if finding.rule not in groups:
            groups[finding.rule] = RuleGroup(finding.rule, finding.name, "", finding.family, finding.group, "")
        groups[finding.rule].findings.append(finding)
    return [group for group in groups.values() if group.findings]


def _by_family(findings: list[FindingView], families: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for family in [*families, OTHER]:
        counts = dict.fromkeys(BUCKETS, 0)
        for finding in findings:
            if finding.group == family:
                counts[finding.bucket] += 1
        rows.append({"family": family, "counts": counts, "total": sum(counts.values())})
    return rows


# ------------------------------------------------------------------------------------------ pictures
def _pictures(report: Report, review: Review) -> list[PictureSet]:
    """The melting ladder, the side view of the stack, the top views and the CTE map of each checked
    design, the findings drawn through the families' markers (`review`).

    A picture that fails to draw is named on the page and recorded as an internal error (exit 3):
    the rest of the report is still written.
    """
    out = []
    for assembly in report.designs:
        mine = _findings_of(report, assembly)
        failures: dict[str, str] = {}
        ladder = _draw(failures, "ladder", "melting_ladder", assembly, mine, review)
        side = _draw(failures, "sideview", "side_view", assembly, mine, review)
        views = _draw(failures, "topview", "top_views", assembly, mine, review) or []
        cte = _draw(failures, "ctemap", "cte_map", assembly, mine, review)
        for failure in failures.values():
            problem = PluginProblem("assemblint", "", f"{_PICTURE_FAILED} for {assembly.path}: {failure}")
            if not any(p.message == problem.message for p in report.problems):
                report.problems.append(problem)
        out.append(
            PictureSet(
                path=assembly.path,
                title=assembly.title,
                ladder=Markup(ladder) if ladder else None,
                side_view=Markup(side) if side else None,
                stacked=any(e.z is not None for e in assembly.elements),
                top_views=[(title, Markup(svg)) for title, svg in views],
                cte_map=Markup(cte) if cte else None,
                failures=failures,
            )
        )
    return out


def _draw(failures: dict[str, str], picture: str, function: str, *args: Any) -> Any:
    try:
        from assemblint.report.review import pictures

        return getattr(pictures, function)(*args)
    except Exception as error:
        where = traceback.extract_tb(error.__traceback__)[-1]
        failures[picture] = f"{function}: {type(error).__name__}: {error} ({Path(where.filename).name}:{where.lineno})"
        return None


def _findings_of(report: Report, assembly: Any) -> list[Finding]:
    """The findings of one design: those located in the files it read (when several designs of the run
    read the same file, the one whose objects the finding names)."""
    files = {path for path, _ in assembly.files} | {assembly.path}
    if len(report.designs) == 1:
        return list(report.findings)
    out = []
    for finding in report.findings:
        if finding.location.path not in files:
            continue
        sharing = [a for a in report.designs if finding.location.path in {p for p, _ in a.files} | {a.path}]
        if len(sharing) > 1 and not _names_objects_of(finding, assembly):
            continue
        out.append(finding)
    return out


def _names_objects_of(finding: Finding, assembly: Any) -> bool:
    own = {id(g) for g in (*assembly.mass_groups, *assembly.pad_arrays, *assembly.lead_groups, *assembly.net_groups)}
    own |= {id(o) for o in (*assembly.elements, *assembly.layers, *assembly.materials.values())}
    members = [group for group, _ in finding.objects.members.values()]
    return any(id(o) in own for o in [*members, *finding.objects.names.values()])


# ------------------------------------------------------------------------------------------ rules
def _status_counts(data: dict[str, Any]) -> list[tuple[str, int]]:
    """`31 ran, 2 could-not-run`: how many rules ended in each status, in a fixed order."""
    order = ("ran", "could-not-run", "crashed", "disabled", "not-selected")
    counts = {status: sum(r["status"] == status for r in data["rules"]) for status in order}
    return [(status, n) for status, n in counts.items() if n]


def _statuses(data: dict[str, Any], rules: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for entry in data["rules"]:
        rule = rules.get(entry["id"])
        out.append({**entry, "family": rule.family if rule else "", "reason": entry.get("reason", "")})
    return out
