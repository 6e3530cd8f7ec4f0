"""The report's HTML as a mail reader draws it: rendered in headless Chromium (Debian's ``chromium``) to a PNG,
then read back pixel by pixel, so the test checks what is drawn, not only that the page was made.

Skipped where Chromium is not installed (``apt-get install chromium``). The PNG's path is printed in the run's
summary ("rendered progress report"), so a person can look at it.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Figures
from tests.png import Picture, read_png
from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.ratings import MIN_RATING
from therapy_checkin.domain.report import (
    BAR_COLOUR,
    PLOT_TOP,
    Report,
    bar_box,
    build_report,
    report_html,
)
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.domain.weeks import previous_week
from therapy_checkin.handlers.report import report_text
from therapy_checkin.speech import speech_for

pytestmark = pytest.mark.chromium

CHROMIUM = shutil.which("chromium")
WINDOW = (800, 900)
CURRENT = "2026-W48"
WEEKS = [CURRENT]
while len(WEEKS) < 8:
    WEEKS.append(previous_week(WEEKS[-1]))
WEEKS.reverse()
LEVELS = {0: 1, 1: 2, 2: 3, 4: 4, 5: 5, 6: 3, 7: 2}
"""Week index -> the rating every sign got that week (so the week's average); week 3 has no check-in."""


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def close(found: tuple[int, int, int], wanted: tuple[int, int, int], tolerance: int = 6) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(found, wanted, strict=True))


@pytest.fixture(scope="module")
def report() -> Report:
    weeks = [WeekAnswers(WEEKS[index], dict.fromkeys(SIGN_IDS, level)) for index, level in LEVELS.items()]
    return build_report(CURRENT, weeks)


@pytest.fixture(scope="module")
def picture(report: Report, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Picture]:
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("report")
    page = folder / "report.html"
    page.write_text(report_html(report, report_text(speech_for("en-US"), "en-US")), encoding="utf-8")
    png = folder / "report.png"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            f"--window-size={WINDOW[0]},{WINDOW[1]}",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return png, read_png(png)


@functools.cache
def bar_pixels(picture: Picture) -> list[tuple[int, int]]:
    """Every pixel drawn in the bars' colour (read once per picture: a pure-Python scan takes a second)."""
    wanted = rgb(BAR_COLOUR)
    return [(x, y) for y in range(picture.height) for x in range(picture.width) if close(picture.pixel(x, y), wanted)]


def test_the_chart_draws_a_bar_per_week_with_ratings_at_its_height_and_none_for_the_gap(
    picture: tuple[Path, Picture], figure: Figures
) -> None:
    path, drawn = picture
    print(f"rendered progress report: {path}")
    figure("report", f"{path} ({drawn.width}x{drawn.height})")
    assert (drawn.width, drawn.height) == WINDOW
    found = bar_pixels(drawn)
    assert found, "no bar was drawn"
    # Where the chart landed on the page: its bars all stand on the same baseline, and the first starts at bar 0.
    first_x, _, _, _ = bar_box(0, LEVELS[0])
    left = min(x for x, _ in found)
    bottom = max(y for _, y in found)
    _, top0, _, height0 = bar_box(0, LEVELS[0])
    dx, dy = left - round(first_x), bottom - round(top0 + height0 - 1)
    wanted = rgb(BAR_COLOUR)
    for index in range(len(WEEKS)):
        level = LEVELS.get(index)
        x, y, width, height = bar_box(index, level if level is not None else MIN_RATING)
        centre_x = round(x + width / 2) + dx
        if level is None:
            column = [drawn.pixel(centre_x, row) for row in range(PLOT_TOP + dy, bottom + 1)]
            assert not any(close(pixel, wanted) for pixel in column), "a week without a check-in has no bar"
            continue
        assert close(drawn.pixel(centre_x, round(y + height / 2) + dy), wanted), f"week {index}: no bar"
        assert close(drawn.pixel(centre_x, round(y) + dy + 2), wanted), f"week {index}: bar too short"
        assert not close(drawn.pixel(centre_x, round(y) + dy - 3), wanted), f"week {index}: bar too tall"
    # The tallest bar (a 5) is five times the shortest (a 1): heights follow the ratings.
    heights = {}
    for index, level in LEVELS.items():
        x, _, width, _ = bar_box(index, level)
        middle = round(x + width / 2) + dx
        heights[level] = sum(1 for px, _ in found if px == middle)
    assert abs(heights[5] - 5 * heights[1]) <= 5, heights


def test_the_page_shows_text_beyond_the_chart(picture: tuple[Path, Picture]) -> None:
    """Dark text is drawn above the chart (the title) and below it (the table of signs)."""
    _, drawn = picture
    found = bar_pixels(drawn)
    top, bottom = min(y for _, y in found), max(y for _, y in found)
    dark = [y for y in range(drawn.height) for x in range(0, drawn.width, 2) if sum(drawn.pixel(x, y)) < 200]
    assert any(y < top - 40 for y in dark), "no title above the chart"
    assert any(y > bottom + 60 for y in dark), "no table below the chart"
