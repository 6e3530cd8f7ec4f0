"""The check-in as a small state machine over one week's answers.

A week's answers are the single source of truth for "where is the user": the next sign to ask is the first
one neither rated nor skipped. That is why a check-in can resume from the table alone, on any device.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from therapy_checkin.domain.signs import SIGN_COUNT, SIGN_IDS
from therapy_checkin.domain.weeks import weeks_between


@dataclass(frozen=True)
class WeekAnswers:
    """What one user said in one ISO week. A sign is either rated (1-5), skipped, or not reached yet."""

    week: str
    ratings: Mapping[str, int] = field(default_factory=dict)
    skipped: frozenset[str] = frozenset()
    completed: bool = False

    def is_answered(self, sign_id: str) -> bool:
        return sign_id in self.ratings or sign_id in self.skipped

    @property
    def answered_count(self) -> int:
        return sum(1 for sign_id in SIGN_IDS if self.is_answered(sign_id))

    @property
    def started(self) -> bool:
        return self.answered_count > 0

    def first_unanswered(self, after: int = -1) -> int | None:
        """The 0-based index of the first sign after ``after`` that still needs an answer."""
        for index in range(after + 1, SIGN_COUNT):
            if not self.is_answered(SIGN_IDS[index]):
                return index
        return None

    def with_rating(self, sign_id: str, rating: int) -> WeekAnswers:
        """A new answer for a sign replaces any earlier one, and un-skips it."""
        return replace(self, ratings={**self.ratings, sign_id: rating}, skipped=self.skipped - {sign_id})

    def with_skip(self, sign_id: str) -> WeekAnswers:
        """Skipping leaves a sign unrated; an earlier rating of the same sign is kept, never thrown away."""
        if sign_id in self.ratings:
            return self
        return replace(self, skipped=self.skipped | {sign_id})

    def as_completed(self) -> WeekAnswers:
        return replace(self, completed=True)


def next_sign_index(answers: WeekAnswers, current: int) -> int | None:
    """Where the check-in goes after the sign at ``current`` is dealt with; ``None`` means it is finished.

    Going forward never re-asks a sign already answered (for example on another device), so after going back
    to re-rate a sign the user lands on the first open sign after it.
    """
    return answers.first_unanswered(after=current)


def resume_index(answers: WeekAnswers) -> int | None:
    """The sign a returning user picks up at, or ``None`` when nothing is left this week."""
    return answers.first_unanswered()


MISSES_BEFORE_SKIP_OFFER = 2
"""After this many unusable answers on one sign, the skill offers to skip it."""


LONG_ABSENCE_WEEKS = 6
"""A gap this long (in weeks, from the last week with an answer to this one) counts as a long absence: the
signs are read in full again, as on a first check-in. Six weeks is past a month's holiday or a busy spell, and
long enough that the wording of twelve statements is no longer fresh. It fits inside the nine weeks read at
launch (``turn.HISTORY_WEEKS``)."""


def knows_the_signs(this_week: str, weeks: Iterable[WeekAnswers]) -> bool:
    """Whether someone checking in during ``this_week`` already knows the signs: an earlier week holds an answer,
    less than :data:`LONG_ABSENCE_WEEKS` ago. Such a person hears each sign's name and its own short question;
    anyone else hears each sign's statement in full."""
    return any(
        week.started and 0 < weeks_between(week.week, this_week) < LONG_ABSENCE_WEEKS
        for week in weeks
        if week.week < this_week
    )
