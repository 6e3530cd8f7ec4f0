"""Where the recap is computed: what a week's answers say, in a few kind sentences.

Pure: it takes answers and the locale's words and returns text, so every case can be tested without Alexa.
Skipped signs are unanswered, never zero, and only numbers that are in the answers are ever spoken.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.signs import SIGN_IDS


class Words(Protocol):
    """The part of a locale's speech catalogue the recap needs."""

    def __call__(self, key: str, **values: Any) -> str: ...

    def number(self, value: int) -> str: ...


def week_summary(answers: WeekAnswers, words: Words, short_name: Callable[[str], str]) -> str:
    """Two or three sentences about one week: how many signs were rated, the highest, and a gentle low."""
    rated = [(sign, answers.ratings[sign]) for sign in SIGN_IDS if sign in answers.ratings]
    if not rated:
        return words("summary_none")
    skipped = len(answers.skipped)
    sentences = [
        words(
            "summary_counts",
            rated=words.number(len(rated)),
            skipped=words("summary_skipped", count=words.number(skipped)) if skipped else "",
        )
    ]
    values = {value for _, value in rated}
    if len(values) == 1:
        sentences.append(words("summary_all_same", value=words.number(rated[0][1])))
        return " ".join(sentences)
    best = max(values)
    top = [sign for sign, value in rated if value == best]
    if len(top) == 1:
        sentences.append(words("summary_top_one", name=short_name(top[0]), value=words.number(best)))
    else:
        sentences.append(
            words("summary_top_two", first=short_name(top[0]), second=short_name(top[1]), value=words.number(best))
        )
    lowest = min(values)
    low_sign = next(sign for sign, value in rated if value == lowest)
    sentences.append(words("summary_low", name=short_name(low_sign).capitalize(), value=words.number(lowest)))
    return " ".join(sentences)
