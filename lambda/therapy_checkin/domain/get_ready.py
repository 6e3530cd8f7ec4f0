"""Getting ready for therapy: the last four weeks in a few words, to carry into the session.

What is said is chosen here and nowhere else: the signs that rose most over the four weeks (their first and latest
ratings in that time), one sign that is hard right now (a latest rating of two or less, said kindly), and how many
notes are waiting, with an offer to hear them. All of it fits in :data:`~therapy_checkin.domain.recap.RECAP_WORD_BUDGET`
words: when the names are long, the second rise goes first, then the hard sign; the largest rise and the notes are
always said.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.recap import RECAP_WORD_BUDGET, word_count
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.domain.weeks import weeks_between

WINDOW_WEEKS = 4
"""This week and the three before it: about the time between two or three sessions."""
HARD_AT_MOST = 2
"""A latest rating at or below this is "hard right now"."""
MOST_RISES = 2


@dataclass(frozen=True)
class Rise:
    sign: str
    before: int
    """The first rating of the sign in the window."""
    after: int
    """Its latest rating."""


@dataclass(frozen=True)
class ReadyFacts:
    """What the four weeks hold, before any words are chosen."""

    rated_weeks: int
    """Weeks in the window with at least one rating."""
    rises: tuple[Rise, ...]
    """The signs whose latest rating is above their first in the window, largest rise first (ties: check-in
    order), at most :data:`MOST_RISES`."""
    hard: tuple[str, int] | None
    """The sign with the lowest latest rating, when it is :data:`HARD_AT_MOST` or less and not among the rises."""


def ready_facts(weeks: Sequence[WeekAnswers], current_week: str) -> ReadyFacts:
    """The facts of the window ending at ``current_week`` from ``weeks`` (any order)."""
    window = sorted(
        (
            answers
            for answers in weeks
            if answers.ratings and 0 <= weeks_between(answers.week, current_week) < WINDOW_WEEKS
        ),
        key=lambda answers: answers.week,
    )
    first: dict[str, int] = {}
    latest: dict[str, int] = {}
    for answers in window:
        for sign, value in answers.ratings.items():
            first.setdefault(sign, value)
            latest[sign] = value
    order = {sign: index for index, sign in enumerate(SIGN_IDS)}
    rises = sorted(
        (Rise(sign, first[sign], latest[sign]) for sign in latest if latest[sign] > first[sign]),
        key=lambda rise: (-(rise.after - rise.before), order[rise.sign]),
    )[:MOST_RISES]
    named = {rise.sign for rise in rises}
    low = sorted((value, order[sign], sign) for sign, value in latest.items() if sign not in named)
    hard = (low[0][2], low[0][0]) if low and low[0][0] <= HARD_AT_MOST else None
    return ReadyFacts(rated_weeks=len(window), rises=tuple(rises), hard=hard)


Say = Callable[..., str]
"""A catalogue lookup: ``say(key, **values)``."""


def ready_speech(
    facts: ReadyFacts, notes: int, say: Say, name: Callable[[str], str], number: Callable[[int], str]
) -> str:
    """The words, at most :data:`RECAP_WORD_BUDGET`. ``notes`` is how many notes are waiting; the last sentence
    offers to read them (``notes_offer``) or says how to add one (``get_ready_no_notes``)."""
    closing = say("notes_offer", count=notes) if notes else say("get_ready_no_notes")
    hard = ""
    if facts.hard is not None:
        hard = say("get_ready_hard", name=name(facts.hard[0]), value=number(facts.hard[1]))
    for with_hard in (hard, ""):
        for rises in (facts.rises, facts.rises[:1]):
            text = " ".join(part for part in (_opening(facts, rises, say, name, number), with_hard, closing) if part)
            if word_count(text) <= RECAP_WORD_BUDGET:
                return text
    return closing


def _opening(
    facts: ReadyFacts, rises: Sequence[Rise], say: Say, name: Callable[[str], str], number: Callable[[int], str]
) -> str:
    if facts.rated_weeks == 0:
        return say("get_ready_no_weeks")
    if facts.rated_weeks == 1:
        return say("get_ready_one_week")
    if not rises:
        return say("get_ready_no_rise")
    values = {
        "first": name(rises[0].sign),
        "first_before": number(rises[0].before),
        "first_after": number(rises[0].after),
    }
    if len(rises) == 1:
        return say("get_ready_rose_one", **values)
    second = {
        "second": name(rises[1].sign),
        "second_before": number(rises[1].before),
        "second_after": number(rises[1].after),
    }
    return say("get_ready_rose_two", **values, **second)
