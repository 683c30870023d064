"""assemblint's own plugin: the `std` materials library and the output formats (text, JSON, the
CI formats SARIF, JUnit, GitHub workflow commands and GitLab Code Quality, and the HTML review report).

Registered through the same entry point group and hooks as any third-party plugin. The HTML
review report is also where the `assemblint_review` hook is asked: the page (report/review) is
below the plugin machinery, so it is handed the families' declarations (`review_from`) instead
of asking for them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from importlib import resources
from typing import TYPE_CHECKING

from assemblint.checking.problems import PluginProblem
from assemblint.plugins.hookspecs import hookimpl
from assemblint.report.formats import github as format_github
from assemblint.report.formats import gitlab as format_gitlab
from assemblint.report.formats import junit as format_junit
from assemblint.report.formats import registry as formats
from assemblint.report.formats import sarif as format_sarif

if TYPE_CHECKING:
    from assemblint.plugins.host import PluginHost
    from assemblint.report.report import Report
    from assemblint.report.review.marks import Review


@hookimpl
def assemblint_libraries():
    return {"std": str(resources.files("assemblint").joinpath("std", "std.assy"))}


@hookimpl
def assemblint_formats():
    return {
        "text": formats.text,
        "json": formats.json_format,
        "sarif": format_sarif.write,
        "junit": format_junit.write,
        "github": format_github.write,
        "gitlab": format_gitlab.write,
        "html": html,
    }


def html(report: Report) -> str:
    """The HTML review report: `review.page.write`, imported on first use (Jinja2 and drawsvg load only then),
    with what the plugins of the run declared for it (`review_of`)."""
    from assemblint.report.review import page

    return page.write(report, review_of(report))


def review_of(report: Report) -> Review:
    """The review declarations of the plugins that made a report, as installed (the entry points).

    A writer is given only the report, so the plugins are found again by name and module in the
    default host. A program whose host holds plugins that are not installed (`PluginHost.create(
    extra=…)`) passes `review_from(host)` to `page.write` itself.
    """
    from assemblint.plugins.host import PluginHost

    host = PluginHost.default()
    made = {(p.name, p.module) for p in report.plugins}
    return review_from(host, {p.name for p in host.plugins if (p.name, p.module) in made})


def review_from(host: PluginHost, plugins: Collection[str] | None = None) -> Review:
    """Ask each plugin of a host (or only those named) for its `assemblint_review` declarations.

    Like every hook, each plugin is asked on its own: one that raises or returns something else
    than a list of `ReviewFamily` is recorded in the review's problems (the run exits 3), and the
    others still count. Each family is tagged with the plugin that declared it.
    """
    from assemblint.report.review.marks import Review, ReviewFamily

    review = Review()
    for impl in host.manager.hook.assemblint_review.get_hookimpls():
        name = impl.plugin_name
        if plugins is not None and name not in plugins:
            continue
        try:
            found = impl.function()
        except Exception as error:  # a broken plugin must not take the page down
            review.problems.append(
                PluginProblem(name, "", f"hook assemblint_review raised {type(error).__name__}: {error}")
            )
            continue
        if found is None:
            continue
        if not isinstance(found, list | tuple) or not all(isinstance(f, ReviewFamily) for f in found):
            review.problems.append(
                PluginProblem(
                    name, "", f"hook assemblint_review returned {found!r:.80}, expected a list of ReviewFamily"
                )
            )
            continue
        review.families.extend(replace(family, plugin=name) for family in found)
    return review
