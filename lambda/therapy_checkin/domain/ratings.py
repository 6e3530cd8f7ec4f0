"""Turning what Alexa heard into a rating from one to five.

Alexa fills an ``AMAZON.NUMBER`` slot with digits ("4"), or with "?" when it heard a number it could not
parse. Text clients and tests may send words ("four", "a four", "four out of five"). Every shape ends in one
of four outcomes, so the handler can answer each one plainly and never store a wrong value. An answer between
two numbers ("three and a half", "3.5", "between three and four") is its own outcome: the person has answered,
just not in a whole number, so the skill asks which is closer rather than treating it as a miss.

Only a forged request can send more, so the parsing is strict and cheap whatever arrives: text longer than
:data:`MAX_HEARD_LENGTH` is no answer at all, digits are ASCII digits only ("²" and "٣" are digits to
``str.isdigit`` but no number Alexa sends), and no step takes more than linear time in the input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_RATING = 1
MAX_RATING = 5
MAX_HEARD_LENGTH = 100
"""The longest slot text read at all: real answers ("four out of five", "sign twelve") are far shorter."""

_NUMBER_WORDS: dict[str, int] = {
    "zero": 0,
    "none": 0,
    "nought": 0,
    "one": 1,
    "won": 1,
    "two": 2,
    "to": 2,
    "too": 2,
    "three": 3,
    "four": 4,
    "for": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_FILLERS = re.compile(
    r"\b(out of (5|five)|a|an|i'd|id|i|would|say|probably|maybe|think|about|it's|its|was|"
    r"it|is|my|answer|rating|rate|give|definitely|let's|guess|number|this|week|like|um|uh)\b"
)
_NUMBER = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?")
"""A number in ASCII digits, matched whole (``fullmatch``): ``\\d`` would also take other scripts' digits."""


@dataclass(frozen=True)
class Rating:
    """A valid rating from one to five."""

    value: int


@dataclass(frozen=True)
class OutOfRange:
    """A whole number was heard, but it is not between one and five."""

    value: float


@dataclass(frozen=True)
class NotARating:
    """Nothing usable was heard: an empty slot, Alexa's "?", or words that are not a number."""


@dataclass(frozen=True)
class Between:
    """An answer between two whole ratings (``MIN_RATING <= low < high <= MAX_RATING``): nothing is stored until
    the user picks one."""

    low: int
    high: int


RatingOutcome = Rating | OutOfRange | NotARating | Between

_HALF = re.compile(r"(\S+) (?:and half|point five|point 5)")
_RANGE = re.compile(r"(?:somewhere |in )?(?:between )?(\S+) (?:and|or|to) (\S+)")


def _value(token: str) -> float | None:
    if token in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[token])
    if _NUMBER.fullmatch(token):
        return float(token)
    return None


def _whole(number: float) -> RatingOutcome:
    if number.is_integer() and MIN_RATING <= number <= MAX_RATING:
        return Rating(int(number))
    if MIN_RATING < number < MAX_RATING:
        return Between(int(number), int(number) + 1)
    return OutOfRange(number)


def between(low: float, high: float | None = None) -> RatingOutcome:
    """Two numbers the user hovered between; ``high`` left out means "``low`` and a half"."""
    if high is None:
        return _whole(low + 0.5)
    low, high = min(low, high), max(low, high)
    if not (low.is_integer() and high.is_integer()) or low < MIN_RATING or high > MAX_RATING:
        return OutOfRange(low if low < MIN_RATING or not low.is_integer() else high)
    if low == high:
        return Rating(int(low))
    return Between(int(low), int(high))


def parse_between(low: str | None, high: str | None) -> RatingOutcome:
    """The two slots of "between three and four" (or just ``low``, for "three and a half")."""
    lower = parse_number(low)
    upper = parse_number(high) if high is not None else None
    if lower is None or (high is not None and upper is None):
        return NotARating()
    return between(lower, upper)


def parse_number(heard: str | None) -> float | None:
    """One number, in digits or as a word; ``None`` for anything else (Alexa's "?", a phrase)."""
    if heard is None or len(heard) > MAX_HEARD_LENGTH:
        return None
    return _value(heard.strip().lower())


def parse_rating(heard: str | None) -> RatingOutcome:
    """Read a rating from a slot value. Never raises, whatever the input."""
    if heard is None or len(heard) > MAX_HEARD_LENGTH:
        return NotARating()
    # rstrip, not a "[.!?]+$" pattern: the pattern retries at every dot of a long run (quadratic time).
    text = heard.strip().lower().replace(",", " ").rstrip(".!?").strip()
    if not text:
        return NotARating()
    text = " ".join(_FILLERS.sub(" ", text).split())
    if (half := _HALF.fullmatch(text)) and (low := _value(half.group(1))) is not None:
        return between(low)
    if (pair := _RANGE.fullmatch(text)) and None not in (values := (_value(pair[1]), _value(pair[2]))):
        return between(*(value for value in values if value is not None))
    tokens = text.split()
    if len(tokens) != 1:
        return NotARating()
    number = _value(tokens[0])
    return NotARating() if number is None else _whole(number)
