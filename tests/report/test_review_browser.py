"""The HTML review report in a real browser: Debian's headless Chromium, driven by selenium.

For each example design: load its report from a file:// URL, fail on any console error (a script
error, a blocked fetch, a Content-Security-Policy violation), check that the melting ladder, the
top views and the CTE map render with a non-zero size, that the filter bar filters, that print
media shows everything, and save a screenshot (the window and the whole page) in the test's
temporary folder.

Skipped, with the reason, when chromium or chromium-driver is not installed; `.ci/run` installs
both on a Debian machine, so the test runs in CI.
"""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest

from assemblint.cli import main

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None
)
if not CHROMIUM or not CHROMEDRIVER:
    pytest.skip("no chromium/chromedriver installed: apt-get install chromium chromium-driver", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed: pip install -e '.[dev]'")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BROKEN = ("broken-syntax.assy", "broken-semantics.assy")
# Every example that can be checked: the shared ones (/work/shared/examples) and the project's own.
DESIGNS = sorted(p.name for p in EXAMPLES.glob("*.assy") if p.name not in BROKEN)
WIDTH, HEIGHT = 1280, 1000

VISIBLE_FINDINGS = """return Array.from(document.querySelectorAll('li.finding'))
    .filter(function (e) { return e.getClientRects().length > 0; }).length;"""
PICTURE_SIZES = """return Array.from(document.querySelectorAll('svg.picture')).map(function (svg) {
    var box = svg.getBoundingClientRect();
    return {classes: svg.getAttribute('class'), width: box.width, height: box.height};
});"""


@pytest.fixture(scope="module")
def driver():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={WIDTH},{HEIGHT}",
        "--hide-scrollbars",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield browser
    browser.quit()


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("ASSEMBLINT_TODAY", "2026-01-15")


def report_of(monkeypatch, tmp_path: Path, name: str) -> Path:
    monkeypatch.chdir(EXAMPLES)
    out = tmp_path / f"{Path(name).stem}.html"
    assert main(["report", name, "-o", str(out), "-q"]) in (0, 1)
    return out


def open_page(driver, page: Path) -> None:
    driver.get_log("browser")  # forget what earlier pages logged
    driver.get(page.as_uri())
    assert driver.execute_script("return document.readyState") == "complete"


def console_errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def full_page_screenshot(driver, path: Path) -> None:
    """The whole page, beyond the window (Chrome DevTools' captureBeyondViewport)."""
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 16000), "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert len(data) > 1000 and data.startswith(b"\x89PNG\r\n\x1a\n"), path


@pytest.mark.parametrize("name", DESIGNS)
def test_the_report_of_each_example_renders_in_chromium(driver, monkeypatch, tmp_path, name):
    page = report_of(monkeypatch, tmp_path, name)
    open_page(driver, page)
    assert console_errors(driver) == []
    assert driver.title.startswith("assemblint review")

    # the pictures render with a size: the ladder, at least one top view, the CTE map when there is one
    sizes = driver.execute_script(PICTURE_SIZES)
    kinds = {kind: [s for s in sizes if kind in s["classes"].split()] for kind in ("ladder", "topview", "ctemap")}
    assert len(kinds["ladder"]) == 1 and kinds["topview"], sizes
    not_applicable = driver.execute_script(
        "return Array.from(document.querySelectorAll('figure .na')).map(function (e) { return e.textContent; });"
    )
    assert kinds["ctemap"] or any("no joined pair" in text for text in not_applicable), sizes
    for size in sizes:
        assert size["width"] > 0 and size["height"] > 0, size
    assert not driver.find_elements(By.CSS_SELECTOR, ".picture-failed")

    # the filter bar: the script shows it, and searching changes what is shown
    total = len(driver.find_elements(By.CSS_SELECTOR, "li.finding"))
    bar = driver.find_element(By.ID, "filters")
    if total:
        assert bar.is_displayed()
        assert driver.execute_script(VISIBLE_FINDINGS) == total
        search = driver.find_element(By.ID, "filter-text")
        search.send_keys("no finding says this")
        assert driver.execute_script(VISIBLE_FINDINGS) == 0
        assert driver.find_element(By.ID, "no-match").is_displayed()
        assert (
            driver.find_element(By.ID, "shown-count").text == f"0 of {total} finding{'s' if total != 1 else ''} shown"
        )
        search.clear()
        first_rule = driver.find_element(By.CSS_SELECTOR, "li.finding").get_attribute("data-family")
        search.send_keys(" ")  # an input event after clear()
        assert driver.execute_script(VISIBLE_FINDINGS) == total
        driver.find_element(By.ID, "filter-reset").click()
        assert driver.execute_script(VISIBLE_FINDINGS) == total
        assert first_rule
    else:
        assert not bar.is_displayed()  # nothing to filter

    # printing shows everything: no filter bar, every finding, every data table
    if total:
        driver.find_element(By.ID, "filter-text").send_keys("no finding says this")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not bar.is_displayed()
        assert driver.execute_script(VISIBLE_FINDINGS) == total
        tables = driver.execute_script(
            "return Array.from(document.querySelectorAll('details.data table')).map(function (t) {"
            " return t.getBoundingClientRect().height; });"
        )
        assert all(height > 0 for height in tables), tables
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        if total:
            driver.find_element(By.ID, "filter-reset").click()
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
    (tmp_path / f"{page.stem}.pdf").write_bytes(base64.b64decode(pdf["data"]))
    assert (tmp_path / f"{page.stem}.pdf").read_bytes().startswith(b"%PDF")

    driver.execute_script("window.scrollTo(0, 0);")
    shot = tmp_path / f"{page.stem}.png"
    assert driver.save_screenshot(str(shot))
    assert_png(shot)
    full_page_screenshot(driver, tmp_path / f"{page.stem}-full.png")
    assert_png(tmp_path / f"{page.stem}-full.png")
    assert console_errors(driver) == []


def test_the_filter_narrows_by_severity_family_and_text(driver, monkeypatch, tmp_path):
    page = report_of(monkeypatch, tmp_path, "containment.assy")  # errors, warnings and infos, MH and CT
    open_page(driver, page)
    total = driver.execute_script(VISIBLE_FINDINGS)
    rows = driver.execute_script(
        "return Array.from(document.querySelectorAll('li.finding')).map(function (e) {"
        " return [e.dataset.severity, e.dataset.family, e.textContent]; });"
    )
    severities = [severity for severity, _, _ in rows]
    assert total == len(rows) and {"error", "warning", "info"} <= set(severities)
    driver.find_element(By.CSS_SELECTOR, 'input[name="severity"][value="info"]').click()
    assert driver.execute_script(VISIBLE_FINDINGS) == total - severities.count("info")
    assert not driver.find_element(By.ID, "rule-MH004").is_displayed(), "a rule with nothing shown is hidden"
    assert (
        driver.find_element(By.ID, "shown-count").text
        == f"{total - severities.count('info')} of {total} findings shown"
    )
    driver.find_element(By.ID, "filter-reset").click()
    assert driver.execute_script(VISIBLE_FINDINGS) == total
    driver.find_element(By.CSS_SELECTOR, '#filter-family option[value="CT"]').click()
    assert driver.execute_script(VISIBLE_FINDINGS) == sum(family == "CT" for _, family, _ in rows)
    driver.find_element(By.CSS_SELECTOR, '#filter-family option[value="other"]').click()
    assert driver.execute_script(VISIBLE_FINDINGS) == 0
    assert driver.find_element(By.ID, "no-match").is_displayed()
    driver.find_element(By.ID, "filter-reset").click()
    driver.find_element(By.ID, "filter-text").send_keys("g[0:4]")
    assert driver.execute_script(VISIBLE_FINDINGS) == sum("g[0:4]" in text for _, _, text in rows) > 0
    driver.find_element(By.ID, "filter-text").send_keys(" mh003")  # every word must match, any case
    assert driver.execute_script(VISIBLE_FINDINGS) == 1
    assert console_errors(driver) == []


MARKS = """return Array.from(document.querySelectorAll('svg.picture.topview g.mark')).map(function (g) {
    var box = g.getBoundingClientRect();
    return {rule: g.getAttribute('data-rule'), object: g.getAttribute('data-object'),
            width: box.width, height: box.height};
});"""


def test_insulation_faults_marks_the_short_the_open_and_the_close_masses(driver, monkeypatch, tmp_path):
    page = report_of(monkeypatch, tmp_path, "insulation-faults.assy")
    open_page(driver, page)
    assert console_errors(driver) == []
    marks = driver.execute_script(MARKS)
    drawn = {m["rule"] for m in marks if m["width"] > 0 and m["height"] > 0}
    # the short (IN001), the open (IN002), the masses too close together (IN003); also the
    # conductive adhesive (IN004) and the misaligned mass (IN005)
    assert {"IN001", "IN002", "IN003", "IN004", "IN005"} <= drawn, marks
    keys = driver.execute_script(
        "return Array.from(document.querySelectorAll('svg.picture.topview g.mark-key')).map(function (g) {"
        " return g.textContent; });"
    )
    assert any(k.strip().startswith("1") and "IN0" in k for k in keys), keys
    view = driver.find_element(By.CSS_SELECTOR, "svg.picture.topview")
    driver.execute_script("arguments[0].scrollIntoView();", view)
    shot = tmp_path / "insulation-faults-topview.png"
    assert view.screenshot(str(shot))
    assert_png(shot)


SIDE_MARKS = """return Array.from(document.querySelectorAll('svg.picture.sideview g.mark')).map(function (g) {
    var box = g.getBoundingClientRect();
    return {rule: g.getAttribute('data-rule'), width: box.width, height: box.height};
});"""


def test_the_side_view_of_a_stack_renders_with_its_marks(driver, monkeypatch, tmp_path):
    from .test_review_side_view import STACK

    design = tmp_path / "stack.assy"
    design.write_text(STACK, encoding="utf-8")
    page = tmp_path / "stack.html"
    monkeypatch.chdir(tmp_path)
    assert main(["report", design.name, "-o", str(page), "-q"]) in (0, 1)
    open_page(driver, page)
    assert console_errors(driver) == []
    sizes = driver.execute_script(PICTURE_SIZES)
    side = [s for s in sizes if "sideview" in s["classes"].split()]
    assert len(side) == 1 and side[0]["width"] > 0 and side[0]["height"] > 0, sizes
    assert not driver.find_elements(By.CSS_SELECTOR, ".picture-failed")
    drawn = {m["rule"] for m in driver.execute_script(SIDE_MARKS) if m["width"] > 0 and m["height"] > 0}
    assert {"ST001", "ST003", "ST005"} <= drawn, drawn
    element_boxes = driver.execute_script(
        "return Array.from(document.querySelectorAll('svg.picture.sideview g.element rect')).map(function (r) {"
        " var b = r.getBoundingClientRect(); return b.width * b.height; });"
    )
    assert len(element_boxes) == 3 and all(area > 0 for area in element_boxes), element_boxes
    view = driver.find_element(By.CSS_SELECTOR, "svg.picture.sideview")
    driver.execute_script("arguments[0].scrollIntoView();", view)
    shot = tmp_path / "stack-sideview.png"
    assert view.screenshot(str(shot))
    assert_png(shot)
    topview = driver.find_element(By.CSS_SELECTOR, "svg.picture.topview")
    driver.execute_script("arguments[0].scrollIntoView();", topview)
    assert topview.screenshot(str(tmp_path / "stack-topview.png"))
    assert console_errors(driver) == []
