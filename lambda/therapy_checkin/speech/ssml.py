"""The one place SSML is built. Text is escaped on its way in, so a sign name or a message can never break the
markup Alexa reads; only the helpers here produce tags.

:class:`Ssml` marks a string that is already markup. Everything else is text: :func:`speakable` escapes it.
"""

from __future__ import annotations

from html import escape as _html_escape


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as XML entities (``xml.sax.saxutils`` would do the same, but imports urllib: about 20 ms
    of every cold start)."""
    return _html_escape(text, quote=False)


class Ssml(str):
    """A string that is already SSML (escaped text and tags from this module)."""

    __slots__ = ()


def speakable(content: str) -> Ssml:
    """``content`` ready to go inside ``<speak>``: markup as it is, text escaped."""
    return content if isinstance(content, Ssml) else Ssml(escape(content))


def join(*parts: str) -> Ssml:
    """Text and markup, each escaped as needed, joined by spaces; empty parts are left out."""
    return Ssml(" ".join(speakable(part) for part in parts if part))


def pause(milliseconds: int) -> Ssml:
    return Ssml(f'<break time="{int(milliseconds)}ms"/>')


def digits(number: str) -> Ssml:
    """A number read digit by digit ("1 1 6"), as phone numbers are."""
    return Ssml(f'<say-as interpret-as="digits">{escape(number)}</say-as>')


def slowly(*parts: str) -> Ssml:
    return Ssml(f'<prosody rate="slow">{join(*parts)}</prosody>')


def fill(template: str, **values: str) -> Ssml:
    """A message template with its placeholders filled: the template's text and text values escaped, markup
    values (:class:`Ssml`) kept as they are."""
    return Ssml(escape(template).format(**{name: speakable(value) for name, value in values.items()}))


def document(content: str) -> str:
    """The whole ``<speak>`` document for a response."""
    return f"<speak>{speakable(content)}</speak>"
