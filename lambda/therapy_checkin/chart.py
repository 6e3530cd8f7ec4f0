"""The recap on a screen: twelve pairs of bars, this week beside the comparison week, for Echo Show devices.

The APL document is a JSON file beside the code (``apl/recap_chart.json``), read on first use and kept for the
life of the process. What varies per user is only the datasource, built here by a pure function: every bar
carries its answer's state (rated, skipped or missing), the text shown on it, and a height proportional to the
rating, so a skipped sign is never drawn as a zero.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.ratings import MAX_RATING
from therapy_checkin.domain.recap import Words
from therapy_checkin.domain.signs import SIGN_IDS, sign_number

DOCUMENT_PATH = Path(__file__).resolve().parent / "apl" / "recap_chart.json"
DATASOURCE_KEY = "recapChart"
TOKEN = "weeklyRecapChart"  # noqa: S105 - an APL document token, not a secret
RATED, SKIPPED, MISSING = "rated", "skipped", "missing"


@cache
def chart_document() -> dict[str, Any]:
    """The APL document, parsed once per process."""
    document: dict[str, Any] = json.loads(DOCUMENT_PATH.read_text(encoding="utf-8"))
    return document


def bar(answers: WeekAnswers | None, sign: str, words: Words) -> dict[str, Any]:
    """One bar: a rating's height is its share of five; skipped and missing answers have no height."""
    if answers is not None and sign in answers.ratings:
        value = answers.ratings[sign]
        return {"state": RATED, "value": value, "text": str(value), "heightPercent": round(100 * value / MAX_RATING)}
    if answers is not None and sign in answers.skipped:
        return {"state": SKIPPED, "value": None, "text": words("card_skipped"), "heightPercent": 0}
    return {"state": MISSING, "value": None, "text": words("card_unanswered"), "heightPercent": 0}


def chart_datasource(
    this: WeekAnswers,
    before: WeekAnswers | None,
    words: Words,
    short_name: Callable[[str], str],
    *,
    before_is_last_week: bool = True,
) -> dict[str, Any]:
    """The datasource for the chart document: a title, the two series' labels, and one entry per sign."""
    return {
        DATASOURCE_KEY: {
            "type": "object",
            "title": words("chart_title" if before_is_last_week else "chart_title_last_check_in"),
            "thisLabel": words("chart_this_week"),
            "beforeLabel": words("chart_last_week" if before_is_last_week else "chart_last_check_in"),
            "signs": [
                {
                    "number": sign_number(sign),
                    "label": str(sign_number(sign)),
                    "name": short_name(sign),
                    "this": bar(this, sign, words),
                    "before": bar(before, sign, words),
                }
                for sign in SIGN_IDS
            ],
        }
    }
