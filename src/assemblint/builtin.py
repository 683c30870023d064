"""assemblint's own plugin: the `std` materials library and the output formats (text, JSON, the
CI formats SARIF, JUnit, GitHub workflow commands and GitLab Code Quality, and the HTML review report).

Registered through the same entry point group and hooks as any third-party plugin.
"""

from __future__ import annotations

from importlib import resources

from assemblint.plugins.hookspecs import hookimpl
from assemblint.report.formats import github as format_github
from assemblint.report.formats import gitlab as format_gitlab
from assemblint.report.formats import junit as format_junit
from assemblint.report.formats import registry as formats
from assemblint.report.formats import sarif as format_sarif


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


def html(report) -> str:
    """The HTML review report: `review.page.write`, imported on first use (Jinja2 and drawsvg load only then)."""
    from assemblint.report.review import page

    return page.write(report)
