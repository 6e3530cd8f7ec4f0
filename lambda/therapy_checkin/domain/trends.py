"""How one sign has moved over recent weeks, in words a listener can hold and that are true of every number:
steady, rising, falling, steady apart from one low (or high) week, a dip and a recovery, mostly rising or
falling over a longer stretch, or up and down.

A shape is named only when the whole series has it, never from the first and latest numbers alone: 3, 3, 2, 4
is a dip and a recovery (not "rising"), and 4, 4, 2, 4 is steady at four apart from one low week (not "from
four to four"). The first and latest numbers are said only where they differ.

Pure: it takes the weeks' answers and returns facts. Weeks where the sign was skipped or not reached are left
out (unanswered, never zero), so the first and latest numbers are always real ratings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import pairwise

from therapy_checkin.domain.checkin import WeekAnswers

TREND_WEEKS = 8
"""The most weeks a trend looks back over: about two months, short enough to say in one breath."""


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
    def shape(self) -> TrendShape | None:
        """``None`` with fewer than two ratings: one number is not a trend."""
        return shape_of(self.values) if len(self.points) >= 2 else None


def trend_for(sign: str, weeks: Sequence[WeekAnswers], limit: int = TREND_WEEKS) -> Trend:
    """The sign's ratings over the newest ``limit`` weeks that have an item, oldest first."""
    recent = sorted(weeks, key=lambda answers: answers.week, reverse=True)[:limit]
    recent.reverse()
    return Trend(
        sign=sign,
        points=tuple((answers.week, answers.ratings[sign]) for answers in recent if sign in answers.ratings),
        skipped_weeks=tuple(answers.week for answers in recent if sign in answers.skipped),
    )


def _steps(values: Sequence[int]) -> list[int]:
    return [later - earlier for earlier, later in pairwise(values)]


class Shape(str, Enum):
    """The shape a sign's ratings really have, each said in its own words (``trend_<shape>`` in the catalogue)."""

    STEADY = "steady"
    """Every rating the same."""
    RISING = "rising"
    """Never lower than the week before, and higher at the end."""
    FALLING = "falling"
    """Never higher than the week before, and lower at the end."""
    ONE_LOW_WEEK = "one_low_week"
    """The same rating every week but one in the middle, which was lower: steady, apart from one low week."""
    ONE_HIGH_WEEK = "one_high_week"
    """The same rating every week but one in the middle, which was higher."""
    DIP_AND_RECOVERY = "dip_and_recovery"
    """Down to a low, then back up: lower than both the first and the latest rating somewhere in between."""
    MOSTLY_RISING = "mostly_rising"
    """Five or more ratings that climb clearly overall, every step against the climb a single point."""
    MOSTLY_FALLING = "mostly_falling"
    """Five or more ratings that go down clearly overall, every step against it a single point."""
    UP_AND_DOWN = "up_and_down"
    """Anything else: moving both ways with no one shape to name."""


MOSTLY_FROM = 5
"""The fewest ratings for "mostly rising" or "mostly falling": over four weeks or fewer, one step back is a
real part of the shape (3, 3, 2, 4 is a dip and a recovery, not a rise), so it is named as such."""
MOSTLY_SLOPE = 0.2
"""Points per week the least-squares line must climb (or fall) for a long wobbly series to be "mostly" one way."""


@dataclass(frozen=True)
class TrendShape:
    """A series of ratings as a listener can hold it: its shape and the numbers the shape is told with."""

    shape: Shape
    first: int
    latest: int
    low: int
    high: int
    usual: int
    """The rating of most weeks: the level of a steady series, or the level its one odd week stands out from."""

    @property
    def ends_apart(self) -> bool:
        """Whether the first and latest ratings differ, and so are worth saying both ("from three to four")."""
        return self.first != self.latest


def shape_of(values: Sequence[int]) -> TrendShape:
    """The shape of two or more ratings, oldest first. Each shape is a plain fact of the numbers (see
    :class:`Shape`), tested in order from the most particular, so the words can never contradict the series."""
    if len(values) < 2:
        raise ValueError("a trend needs two ratings")
    steps = _steps(values)
    first, latest, low, high = values[0], values[-1], min(values), max(values)
    usual = Counter(values).most_common(1)[0][0]

    def shaped(shape: Shape) -> TrendShape:
        return TrendShape(shape, first, latest, low, high, usual)

    odd = [index for index, value in enumerate(values) if value != usual]
    if not odd:
        return shaped(Shape.STEADY)
    if all(step >= 0 for step in steps):
        return shaped(Shape.RISING)
    if all(step <= 0 for step in steps):
        return shaped(Shape.FALLING)
    if len(odd) == 1 and 0 < odd[0] < len(values) - 1 and values.count(usual) >= 2:
        return shaped(Shape.ONE_LOW_WEEK if values[odd[0]] < usual else Shape.ONE_HIGH_WEEK)
    bottom = values.index(low)
    if (
        low < first
        and low < latest
        and all(step <= 0 for step in steps[:bottom])
        and all(step >= 0 for step in steps[bottom:])
    ):
        return shaped(Shape.DIP_AND_RECOVERY)
    if len(values) >= MOSTLY_FROM:
        slope = _slope(values)
        if latest > first and slope >= MOSTLY_SLOPE and min(steps) >= -1:
            return shaped(Shape.MOSTLY_RISING)
        if latest < first and slope <= -MOSTLY_SLOPE and max(steps) <= 1:
            return shaped(Shape.MOSTLY_FALLING)
    return shaped(Shape.UP_AND_DOWN)


def _slope(values: Sequence[int]) -> float:
    """Least-squares slope per week, to tell a general climb with one wobble from a real up and down."""
    count = len(values)
    mean_x = (count - 1) / 2
    mean_y = sum(values) / count
    spread = sum((x - mean_x) ** 2 for x in range(count))
    return sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values)) / spread
