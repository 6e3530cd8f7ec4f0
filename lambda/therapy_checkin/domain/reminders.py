"""The weekly reminder's schedule: a day of the week and a time of day, read from what Alexa heard.

What is accepted, so that the skill never guesses silently:

* a day: a day's name ("Sunday", "sundays"), as Alexa fills ``AMAZON.DayOfWeek``;
* a time: what Alexa fills ``AMAZON.TIME`` with ("19:00", "07:30"), or words a text client may send ("seven pm",
  "7:30 p.m.", "noon", "midnight");
* a part of the day ("morning", "evening", or Alexa's "MO", "AF", "EV", "NI"): a fixed time, 9 a.m., 2 p.m.,
  7 p.m. or 9 p.m., which the confirmation always says aloud so the user can change it;
* a bare hour ("seven") is not a time: morning or evening is asked for, rather than assumed, and the hour is
  kept while it is: the answer ("p.m.", "in the evening", "at night", or Alexa's "EV", "NI", "MO") fills only the
  half of the day (:func:`parse_half`, :func:`at_half`), so "seven" then "at night" is 7 p.m., never 9 p.m.

The rule sent to the Reminders API is an RFC 5545 recurrence, ``FREQ=WEEKLY;BYDAY=SU;BYHOUR=19;BYMINUTE=0;
BYSECOND=0``, and :func:`parse_rule` reads it back, so "when is my reminder?" is answered from the reminder Alexa
holds, never from a copy that could be out of date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DAYS: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
"""RFC 5545 day codes, Monday first (ISO weeks)."""

DAY_NAMES: dict[str, str] = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}

PARTS_OF_DAY: dict[str, tuple[int, int]] = {
    "mo": (9, 0),
    "af": (14, 0),
    "ev": (19, 0),
    "ni": (21, 0),
    "morning": (9, 0),
    "afternoon": (14, 0),
    "evening": (19, 0),
    "night": (21, 0),
    "tonight": (21, 0),
}
"""A part of the day stands for one time, said back in the confirmation (Alexa's codes "MO", "AF", "EV", "NI" are
read in lower case)."""

HALVES: dict[str, str] = {
    "am": "am",
    "pm": "pm",
    "mo": "am",
    "af": "pm",
    "ev": "pm",
    "ni": "pm",
    "morning": "am",
    "afternoon": "pm",
    "evening": "pm",
    "night": "pm",
    "tonight": "pm",
}
"""The half of the day a word or Alexa's part-of-day code stands for, once an hour has been said: "seven" then
"in the evening" is 7 p.m."""

_WORD_HOURS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12,
}  # fmt: skip
_WORD_MINUTES = {
    "o'clock": 0, "oclock": 0, "fifteen": 15, "thirty": 30, "forty five": 45, "forty-five": 45, "oh five": 5,
    "ten": 10, "twenty": 20, "twenty five": 25, "forty": 40, "fifty": 50,
}  # fmt: skip
_CLOCK = re.compile(r"(?P<hour>[0-9]{1,2})(?::(?P<minute>[0-9]{2}))?(?::[0-9]{2})?")
_MAX_HEARD = 40


@dataclass(frozen=True)
class Schedule:
    """A weekly reminder: the day (an RFC 5545 code) and the time, in the user's own time zone."""

    day: str
    hour: int
    minute: int

    def __post_init__(self) -> None:
        if self.day not in DAYS or not 0 <= self.hour <= 23 or not 0 <= self.minute <= 59:
            raise ValueError("not a weekly schedule")

    @property
    def rule(self) -> str:
        """The recurrence rule the Reminders API takes."""
        return f"FREQ=WEEKLY;BYDAY={self.day};BYHOUR={self.hour};BYMINUTE={self.minute};BYSECOND=0"


@dataclass(frozen=True)
class ClockTime:
    hour: int
    minute: int


@dataclass(frozen=True)
class BareHour:
    """An hour without morning or evening ("seven"): asked about, never assumed."""

    hour: int


def parse_half(heard: str | None) -> str | None:
    """ "am" or "pm" for an answer to "a.m. or p.m.?" ("p.m.", "in the evening", "at night", "EV"), else ``None``."""
    if not heard or len(heard) > _MAX_HEARD:
        return None
    text = re.sub(r"\s+", " ", heard.strip().lower().replace(".", " ")).strip()
    text = re.sub(r"^([ap]) m$", r"\1m", text)  # "a.m." as Alexa writes it
    for lead in ("in the ", "at ", "the ", "this "):
        text = text.removeprefix(lead)
    return HALVES.get(text.strip())


def at_half(hour: int, half: str) -> ClockTime:
    """The hour said ("seven", 1 to 12) in the half of the day given: ("pm") 7 → 19:00, ("am") 12 → midnight."""
    return ClockTime(hour % 12 + (12 if half == "pm" else 0), 0)


def parse_day(heard: str | None) -> str | None:
    """The day code for a day's name, or ``None``."""
    if not heard or len(heard) > _MAX_HEARD:
        return None
    word = heard.strip().lower().rstrip(".")
    if word.endswith("s") and word[:-1] in DAY_NAMES:
        word = word[:-1]
    return DAY_NAMES.get(word)


def parse_time(heard: str | None) -> ClockTime | BareHour | None:
    """A time of day from Alexa's ``AMAZON.TIME`` value or from words; ``None`` when it is no time at all."""
    if not heard or len(heard) > _MAX_HEARD:
        return None
    text = re.sub(r"\s+", " ", heard.strip().lower().replace(".", "")).strip()
    if text in PARTS_OF_DAY:
        return ClockTime(*PARTS_OF_DAY[text])
    if text in ("noon", "midday", "twelve noon"):
        return ClockTime(12, 0)
    if text == "midnight":
        return ClockTime(0, 0)
    for suffix, part in ((" in the morning", "am"), (" in the afternoon", "pm"), (" in the evening", "pm")):
        if text.endswith(suffix):
            text = f"{text[: -len(suffix)]} {part}"
    meridiem = None
    found = re.fullmatch(r"(?P<rest>.+?) ?(?P<m>am|pm)", text)
    if found:
        text, meridiem = found.group("rest").strip(), found.group("m")
    clock = _clock(text)
    if clock is None:
        return None
    hour, minute, twenty_four = clock
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
        return ClockTime(hour, minute)
    if twenty_four or hour == 0 or hour > 12:
        return ClockTime(hour, minute) if hour <= 23 else None
    return BareHour(hour) if minute == 0 else None


def _clock(text: str) -> tuple[int, int, bool] | None:
    """(hour, minute, written as a 24-hour clock) from "19:00", "7", "7 30", "seven thirty", "seven o'clock"."""
    digits = _CLOCK.fullmatch(text.replace(" ", ":") if re.fullmatch(r"[0-9]{1,2} [0-9]{2}", text) else text)
    if digits:
        hour, minute = int(digits.group("hour")), int(digits.group("minute") or 0)
        if hour > 23 or minute > 59:
            return None
        return hour, minute, digits.group("minute") is not None and len(digits.group("hour")) == 2
    words = text.split(" ", 1)
    hour_word = _WORD_HOURS.get(words[0])
    if hour_word is None:
        return None
    if len(words) == 1:
        return hour_word, 0, False
    minute_word = _WORD_MINUTES.get(words[1])
    return (hour_word, minute_word, False) if minute_word is not None else None


_RULE = re.compile(
    r"FREQ=WEEKLY;BYDAY=(?P<day>MO|TU|WE|TH|FR|SA|SU);BYHOUR=(?P<hour>[0-9]{1,2});BYMINUTE=(?P<minute>[0-9]{1,2})"
    r"(?:;BYSECOND=0)?;?"
)


def parse_rule(rule: str | None) -> Schedule | None:
    """The schedule of a weekly rule as this skill writes it; ``None`` for anything else."""
    found = _RULE.fullmatch(rule or "")
    if found is None:
        return None
    try:
        return Schedule(found.group("day"), int(found.group("hour")), int(found.group("minute")))
    except ValueError:
        return None
