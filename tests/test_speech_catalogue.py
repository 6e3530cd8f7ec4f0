"""The speech catalogues: one per locale, as data, each complete and consistent with en-US, and SSML that a
text can never break."""

from __future__ import annotations

import re
import string
from xml.etree import ElementTree

import pytest

from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.speech import DEFAULT_LOCALE, speech_for
from therapy_checkin.speech.catalogue import Catalogue, Plural, catalogue, supported_locales
from therapy_checkin.speech.ssml import Ssml, digits, document, fill, join, pause, slowly

LOCALES = supported_locales()


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def templates(words: Catalogue, key: str) -> tuple[str, ...]:
    message = words.messages[key]
    if isinstance(message, Plural):
        return message.forms
    return message if isinstance(message, tuple) else (message,)


def test_en_us_is_a_supported_locale() -> None:
    assert DEFAULT_LOCALE in LOCALES


@pytest.mark.parametrize("locale", LOCALES)
def test_every_catalogue_has_en_us_keys_and_placeholders(locale: str) -> None:
    reference, words = catalogue(DEFAULT_LOCALE), catalogue(locale)
    assert set(words.messages) == set(reference.messages)
    for key in reference.messages:
        expected = set().union(*(placeholders(template) for template in templates(reference, key)))
        for template in templates(words, key):
            assert placeholders(template) <= expected, (locale, key, template)
        assert type(words.messages[key]) is type(reference.messages[key]), (locale, key)
    assert set(words.signs) == set(SIGN_IDS)
    assert len(words.numbers) >= 13 and len(words.months) == 12


@pytest.mark.parametrize("locale", LOCALES)
def test_a_plural_message_takes_its_form_from_the_locales_rule(locale: str) -> None:
    speech = speech_for(locale)
    assert speech("recap_more_rises", count=1) != speech("recap_more_rises", count=2)
    assert "two" in speech("recap_more_rises", count=2)


def test_an_unknown_locale_speaks_en_us() -> None:
    assert speech_for("de-DE").locale == DEFAULT_LOCALE
    assert speech_for(None).locale == DEFAULT_LOCALE


def test_catalogues_cannot_be_changed_once_read() -> None:
    words = catalogue(DEFAULT_LOCALE)
    with pytest.raises(TypeError):
        words.messages["goodbye"] = "changed"  # type: ignore[index]


def test_text_is_escaped_and_markup_kept() -> None:
    spoken = document(join("Fish & chips <3", pause(300), slowly(digits("116 123"))))
    root = ElementTree.fromstring(spoken)
    assert root.tag == "speak"
    assert "Fish &amp; chips &lt;3" in spoken
    assert [element.tag for element in root.iter()] == ["speak", "break", "prosody", "say-as"]
    filled = fill("Call {name} on {number} & {name}.", name="A&B", number=digits("988"))
    assert isinstance(filled, Ssml)
    assert filled == 'Call A&amp;B on <say-as interpret-as="digits">988</say-as> &amp; A&amp;B.'


def test_no_message_holds_markup_of_its_own() -> None:
    """Tags come only from the SSML helpers: a catalogue is plain text, escaped on its way out."""
    for locale in LOCALES:
        words = catalogue(locale)
        for key in words.messages:
            for template in templates(words, key):
                assert not re.search(r"<[a-z]", template), (locale, key)
