"""Turning what Alexa heard into a rating from one to five.

Alexa fills an ``AMAZON.NUMBER`` slot with digits ("4"), or with "?" when it heard a number it could not
parse. Text clients and tests may send words ("four", "a four", "four out of five"). Every shape ends in one
of three outcomes, so the handler can answer each one plainly and never store a wrong value.

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


RatingOutcome = Rating | OutOfRange | NotARating


def parse_rating(heard: str | None) -> RatingOutcome:
    """Read a rating from a slot value. Never raises, whatever the input."""
    if heard is None or len(heard) > MAX_HEARD_LENGTH:
        return NotARating()
    # rstrip, not a "[.!?]+$" pattern: the pattern retries at every dot of a long run (quadratic time).
    text = heard.strip().lower().replace(",", " ").rstrip(".!?").strip()
    if not text:
        return NotARating()
    text = _FILLERS.sub(" ", text)
    tokens = text.split()
    if len(tokens) != 1:
        return NotARating()
    token = tokens[0]
    if token in _NUMBER_WORDS:
        number = float(_NUMBER_WORDS[token])
    elif _NUMBER.fullmatch(token):
        number = float(token)
    else:
        return NotARating()
    if number.is_integer() and MIN_RATING <= number <= MAX_RATING:
        return Rating(int(number))
    return OutOfRange(number)
