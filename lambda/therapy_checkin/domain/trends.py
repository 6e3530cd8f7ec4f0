"""How one sign has moved over recent weeks, in words a listener can hold: rising, steady, dipping, up and down.

Pure: it takes the weeks' answers and returns facts. Weeks where the sign was skipped or not reached are left
out (unanswered, never zero), so the first and latest numbers are always real ratings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import pairwise

from therapy_checkin.domain.checkin import WeekAnswers

TREND_WEEKS = 8
"""The most weeks a trend looks back over: about two months, short enough to say in one breath."""


class Direction(str, Enum):
    RISING = "rising"
    STEADY = "steady"
    DIPPING = "dipping"
    UP_AND_DOWN = "up_and_down"


@dataclass(frozen=True)
class Trend:
    sign: str
    points: tuple[tuple[str, int], ...]
    """(week key, rating), oldest first: only weeks in which the sign was rated."""
    skipped_weeks: tuple[str, ...]
    """Weeks in the window where the sign was skipped, oldest first (shown on the card, never counted)."""

    @property
    def values(self) -> list[int]:
        return [value for _, value in self.points]

    @property
    def first(self) -> int | None:
        return self.points[0][1] if self.points else None

    @property
    def latest(self) -> int | None:
        return self.points[-1][1] if self.points else None

    @property
    def direction(self) -> Direction | None:
        """``None`` with fewer than two ratings: one number is not a trend."""
        return direction_of(self.values) if len(self.points) >= 2 else None


def trend_for(sign: str, weeks: Sequence[WeekAnswers], limit: int = TREND_WEEKS) -> Trend:
    """The sign's ratings over the newest ``limit`` weeks that have an item, oldest first."""
    recent = sorted(weeks, key=lambda answers: answers.week, reverse=True)[:limit]
    recent.reverse()
    return Trend(
        sign=sign,
        points=tuple((answers.week, answers.ratings[sign]) for answers in recent if sign in answers.ratings),
        skipped_weeks=tuple(answers.week for answers in recent if sign in answers.skipped),
    )


def direction_of(values: Sequence[int]) -> Direction:
    """Rising or dipping when every step goes one way, or when the line clearly goes one way and the steps
    against it are single points; steady when nothing moved, or it only wobbled by one and ended where it
    began; otherwise up and down. The direction never contradicts the first and latest numbers spoken with it."""
    steps = [later - earlier for earlier, later in pairwise(values)]
    ups = any(step > 0 for step in steps)
    downs = any(step < 0 for step in steps)
    net = values[-1] - values[0]
    if not ups and not downs:
        return Direction.STEADY
    if ups and not downs:
        return Direction.RISING
    if downs and not ups:
        return Direction.DIPPING
    if net == 0 and max(values) - min(values) <= 1:
        return Direction.STEADY
    slope = _slope(values)
    if net > 0 and slope >= 0.2 and min(steps) >= -1:
        return Direction.RISING
    if net < 0 and slope <= -0.2 and max(steps) <= 1:
        return Direction.DIPPING
    return Direction.UP_AND_DOWN


def _slope(values: Sequence[int]) -> float:
    """Least-squares slope per week, to tell a general climb with one wobble from a real up and down."""
    count = len(values)
    mean_x = (count - 1) / 2
    mean_y = sum(values) / count
    spread = sum((x - mean_x) ** 2 for x in range(count))
    return sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values)) / spread
