"""Speech text per locale, in one place: ``speech/locales/<locale>.json`` (see :mod:`.catalogue`).

Unknown locales fall back to en-US, so a request in any locale still gets an answer. Crisis lines and
emergency numbers are the exception: they live in :mod:`therapy_checkin.speech.crisis`, keyed by the request's
own locale, because they must follow it even where the words fall back to en-US.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from therapy_checkin.speech.catalogue import Catalogue, Plural, Reflection, SignText, catalogue, supported_locales
from therapy_checkin.speech.ssml import Ssml, fill

DEFAULT_LOCALE = "en-US"


class Speech:
    """The words for one locale. ``speech("key", name=...)`` formats a message."""

    def __init__(self, words: Catalogue) -> None:
        self.catalogue = words
        self.locale = words.locale

    def __call__(self, key: str, *, variant: int = 0, **values: Any) -> str:
        """Message ``key`` formatted with ``values``. For a message with variants, ``variant`` picks one (any
        integer: it wraps around); a plural message takes its form from the value it names."""
        message = self.catalogue.messages[key]
        if isinstance(message, Plural):
            count = values[message.placeholder]
            index = self.catalogue.plural_index(int(count))
            template = message.forms[min(index, len(message.forms) - 1)]
            spoken = {**values, message.placeholder: self.number(int(count))}
            return template.format(**spoken)
        template = message[variant % len(message)] if isinstance(message, tuple) else message
        return template.format(**values)

    def ssml(self, key: str, **values: str) -> Ssml:
        """Message ``key`` as SSML: its text escaped, markup values (:class:`Ssml`, such as a phone number read
        digit by digit) kept as they are."""
        message = self.catalogue.messages[key]
        if not isinstance(message, str):
            raise TypeError(f"{key} is not a single message")
        return fill(message, **values)

    def variants(self, key: str) -> int:
        """How many variants message ``key`` has (1 for a plain message)."""
        message = self.catalogue.messages[key]
        return len(message) if isinstance(message, tuple) else 1

    def sign(self, sign_id: str) -> SignText:
        return self.catalogue.signs[sign_id]

    def reflection(self, sign_id: str, variant: int) -> Reflection:
        """One of the sign's guided reflections: ``variant`` is any integer, and wraps around."""
        variants = self.catalogue.reflections[sign_id]
        return variants[variant % len(variants)]

    def number(self, value: int) -> str:
        """Small numbers as words, larger ones as digits."""
        numbers = self.catalogue.numbers
        return numbers[value] if 0 <= value < len(numbers) else str(value)

    def day(self, moment: date) -> str:
        """A day of the year as the locale writes it on a card ("Nov 23" or "23 Nov")."""
        return self.catalogue.date.format(month=self.catalogue.months[moment.month - 1], day=moment.day)


def supported_locale(locale: str | None) -> str:
    return locale if locale is not None and locale in _supported() else DEFAULT_LOCALE


@cache
def _supported() -> frozenset[str]:
    return frozenset(supported_locales())


def speech_for(locale: str | None) -> Speech:
    return _speech(supported_locale(locale))


@cache
def _speech(locale: str) -> Speech:
    return Speech(catalogue(locale))


__all__ = ["DEFAULT_LOCALE", "Reflection", "SignText", "Speech", "speech_for", "supported_locale"]
