"""Guided reflections on one sign: which sign to offer after a check-in, and which telling of it to speak.

Nothing here reads or stores anything: a reflection is words and pauses, and the person answers only in their
own head.
"""

from __future__ import annotations

from therapy_checkin.domain.recap import Recap, week_seed


def most_moved(recap: Recap) -> str | None:
    """The sign whose rating changed most since the check-in before, up or down; on a tie, a rise (the kinder
    thing to dwell on), then the earlier sign. ``None`` when nothing was compared or nothing moved."""
    rise = recap.rises[0] if recap.rises else None
    fall = recap.falls[0] if recap.falls else None
    if rise is None or (fall is not None and -fall.size > rise.size):
        return fall.sign if fall is not None else None
    return rise.sign


def reflection_variant(week: str, index: int, reflected: int) -> int:
    """Which telling of the reflection on sign ``index`` to speak. It turns with the ISO week, and with each time
    the sign's reflection was begun this session (``reflected``: bit ``index`` flips each time), so a person who
    comes back to a sign, next week or a minute later, hears it told another way."""
    return week_seed(week) + ((reflected >> index) & 1)
