"""The HTML report opened in a real headless Chromium (Debian's `chromium` package;
`.ci/run` installs it when missing). Skipped, saying why, only where it is not there.

The page must render without a console error, load nothing but itself, draw every
chart, fit a laptop (1280 px) and a phone (390 px) without sideways scrolling, show
something in both screenshots, and print on A4.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import Browser, file_url, find_chromium, measure_png

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium here: `.ci/run` installs it (apt-get install chromium), which "
    "needs root and Debian's package mirror",
)

CHARTS = """
Array.from(document.querySelectorAll("figure.chart")).map(figure => {
  const svg = figure.querySelector("svg");
  const marks = svg ? Array.from(
    svg.querySelectorAll(".series rect, .series path, .series circle")
  ).filter(el => { const b = el.getBBox(); return b.width > 0 || b.height > 0; }) : [];
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  return {id: figure.id, marks: marks.length, width: Math.round(box.width),
          height: Math.round(box.height)};
})
"""
OVERFLOW = "[document.documentElement.scrollWidth, window.innerWidth]"

EXTRA = {
    # a customer lost in the period and a late signing: every list has rows
    "lost-one": """\
        name: Lost <One> & Co
        tier: B
        owner: lee
        renewal: 2026-11-20
        value: 40000
        status: lost
        history:
          - date: 2026-11-02
            kind: lost
            summary: Chose a competitor's <b>cheaper</b> offer
        """,
    "signed-late": """\
        name: Signed Late
        tier: A
        owner: dana
        renewal: 2027-10-10
        value: 90000
        history:
          - date: 2026-10-20
            kind: renewal
            summary: Signed, ten days late
            renewal: 2027-10-10
        """,
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    chromium = Browser(CHROMIUM)
    yield chromium
    chromium.close()


@pytest.fixture
def page(
    demo: Path, write_account: Callable[..., Path], run: Callable[..., Any], tmp_path: Path
) -> Path:
    for slug, text in EXTRA.items():
        (demo / "accounts" / f"{slug}.yaml").write_text(
            "\n".join(line[8:] for line in text.splitlines()) + "\n"
        )
    out = tmp_path / "report.html"
    result = run("report", "--dir", str(demo), "--format", "html", "-o", str(out), use_dir=False)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    return out


@pytest.mark.parametrize("width", [1280, 390])
def test_the_report_renders_offline_at_laptop_and_phone_width(
    browser: Browser, page: Path, width: int
) -> None:
    browser.viewport(width, 2000)
    browser.events.clear()
    browser.open(file_url(page))
    assert browser.errors() == []
    assert browser.requests() == [file_url(page)]  # nothing but the file itself
    charts = browser.evaluate(CHARTS)
    assert [c["id"] for c in charts] == [
        "chart-coverage",
        "chart-contacts",
        "chart-overdue",
        "chart-pipeline",
    ]
    for chart in charts:
        assert chart["marks"] > 0, chart  # lines, bars or dots actually drawn
        assert chart["width"] >= min(300, width - 40) and chart["height"] > 100, chart
    scroll_width, inner_width = browser.evaluate(OVERFLOW)
    assert scroll_width <= inner_width  # tables scroll inside their box, the page does not
    shot = measure_png(browser, browser.screenshot())
    assert (shot["width"], shot["height"]) == (width, 2000)
    assert shot["ink"] > 0.02 and shot["colours"] > 20, shot  # not a blank page


def test_the_report_prints_on_a4(browser: Browser, page: Path) -> None:
    browser.viewport(718, 1000, media="print")  # A4 less 12 mm margins, at 96 dpi
    browser.open(file_url(page))
    scroll_width, inner_width = browser.evaluate(OVERFLOW)
    assert scroll_width <= inner_width
    pdf = browser.pdf()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pdf.startswith(b"%PDF") and 2 <= pages <= 12, pages


def test_the_checks_catch_a_page_that_reaches_out(browser: Browser, tmp_path: Path) -> None:
    # the harness itself: a request out and a console error are both seen
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><img src="http://example.invalid/pixel.png">'
        '<script>console.error("boom")</script>'
    )
    browser.viewport(800, 600)
    browser.events.clear()
    browser.open(file_url(bad))
    assert "http://example.invalid/pixel.png" in browser.requests()
    assert any("boom" in e for e in browser.errors())
    blank = measure_png(browser, browser.screenshot())
    assert blank["ink"] < 0.01  # and an empty page measures as blank
