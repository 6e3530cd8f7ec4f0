"""Speech text per locale, in one place.

``speech/en.py`` holds the English catalogue. A locale listed in :data:`LOCALE_OVERRIDES` starts from it and
replaces only what differs (spelling, phone numbers). Unknown locales fall back to en-US, so a request in any
locale still gets an answer.

Crisis lines and emergency numbers are the exception: they live in :mod:`therapy_checkin.speech.crisis`, keyed by
the request's own locale, because they must follow it even where the words fall back to en-US.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from therapy_checkin.speech import en
from therapy_checkin.speech.catalogue import SignText

DEFAULT_LOCALE = "en-US"

LOCALE_OVERRIDES: dict[str, dict[str, str]] = {
    "en-US": {},
}
"""Message overrides per supported locale. A locale is supported when it has an entry here."""


class Speech:
    """The words for one locale. ``speech("key", name=...)`` formats a message."""

    def __init__(self, locale: str, messages: dict[str, str], signs: dict[str, SignText]) -> None:
        self.locale = locale
        self._messages = messages
        self._signs = signs

    def __call__(self, key: str, **values: Any) -> str:
        return self._messages[key].format(**values)

    def sign(self, sign_id: str) -> SignText:
        return self._signs[sign_id]

    def number(self, value: int) -> str:
        """Small numbers as words, so cards and speech read the same way ("sign four of twelve")."""
        return en.NUMBERS[value] if 0 <= value < len(en.NUMBERS) else str(value)


def supported_locale(locale: str | None) -> str:
    return locale if locale in LOCALE_OVERRIDES else DEFAULT_LOCALE


def speech_for(locale: str | None) -> Speech:
    return _speech(supported_locale(locale))


@cache
def _speech(locale: str) -> Speech:
    return Speech(locale, {**en.MESSAGES, **LOCALE_OVERRIDES[locale]}, en.SIGNS)
