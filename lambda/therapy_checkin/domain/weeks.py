"""ISO weeks (Monday start) in the user's own time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str | None) -> ZoneInfo | timezone:
    """A time zone by IANA name; UTC when the name is missing or unknown."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def week_of(moment: datetime, time_zone: str | None = None) -> str:
    """The ISO week key ("2026-W48") that ``moment`` falls in, as the user's own calendar shows it."""
    if moment.tzinfo is None:
        raise ValueError("week_of needs a timezone-aware datetime")
    local = moment.astimezone(zone(time_zone))
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


_WEEK_KEY = re.compile(r"[0-9]{4}-W[0-9]{2}")
"""ASCII digits only: ``int`` would also read "２０２６", "+202" or " 8", and such a key would become a sort key."""


def is_week_key(value: object) -> bool:
    """Whether a value is a real ISO week key, such as "2026-W48" (anything from a session is suspect)."""
    if not isinstance(value, str) or not _WEEK_KEY.fullmatch(value):
        return False
    try:
        week_start(value)
    except ValueError:
        return False
    return True


def week_start(week_key: str) -> date:
    """The Monday that starts a week key."""
    year, week = week_key.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def weeks_between(earlier: str, later: str) -> int:
    """How many weeks separate two week keys (0 for the same week)."""
    return (week_start(later) - week_start(earlier)).days // 7


def previous_week(week_key: str) -> str:
    year, week, _ = (week_start(week_key) - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


def parse_timestamp(value: str | datetime | None) -> datetime:
    """The request's timestamp as an aware datetime; now (UTC) when it is missing or unreadable."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.now(UTC)
