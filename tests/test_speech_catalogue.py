"""The speech catalogues: one per locale, as data, each complete and consistent with en-US, and SSML that a
text can never break."""

from __future__ import annotations

import json
import re
import string
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest

from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.speech import DEFAULT_LOCALE, speech_for
from therapy_checkin.speech.catalogue import (
    LOCALES_DIR,
    Catalogue,
    Plural,
    _raw,
    catalogue,
    respell,
    spelling,
    supported_locales,
)
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
    assert speech("recap_other_rises", count=1, names="hope") != speech("recap_other_rises", count=2, names="hope")
    assert "two" in speech("recap_other_rises", count=2, names="hope")


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


# --------------------------------------------------------------------------------------------------------------
# Spelling per locale


def texts(words: Catalogue) -> list[str]:
    """Everything a catalogue can say or show: every message form, every sign text and every reflection."""
    said = [template for key in words.messages for template in templates(words, key)]
    reflected = [text for tellings in words.reflections.values() for told in tellings for text in vars(told).values()]
    return said + [text for sign in words.signs.values() for text in vars(sign).values()] + reflected


@pytest.mark.parametrize("locale", [locale for locale in LOCALES if locale != DEFAULT_LOCALE])
def test_no_en_us_spelling_survives_where_a_locale_spells_it_otherwise(locale: str) -> None:
    """Every message and sign text, however the en-US wording changes, is in the locale's own spelling."""
    us_words = spelling(locale)
    survivors = {
        word: text
        for text in texts(catalogue(locale))
        for word in us_words
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)
    }
    assert survivors == {}


def test_each_locale_spells_as_its_own_usage() -> None:
    """Britain, Australia and India: -ise, -our, -ll-; Canada: -our and -ll- but -ize; the US: its own."""
    sentence = "I recognize the counselor's behavior toward practicing."
    assert respell(sentence, spelling("en-GB")) == "I recognise the counsellor's behaviour towards practising."
    assert respell(sentence, spelling("en-AU")) == respell(sentence, spelling("en-GB"))
    assert respell(sentence, spelling("en-IN")) == respell(sentence, spelling("en-GB"))
    assert respell(sentence, spelling("en-CA")) == "I recognize the counsellor's behaviour toward practising."
    assert spelling(DEFAULT_LOCALE) == {}
    assert respell("a therapy program", spelling("en-GB")) == "a therapy programme"
    assert respell("a therapy program", spelling("en-AU")) == "a therapy program", "Australia writes program"


def test_spelling_keeps_capitals_placeholders_and_the_noun_practice() -> None:
    british = spelling("en-GB")
    assert respell("Practicing. PRACTICING, practicing!", british) == "Practising. PRACTISING, practising!"
    assert respell("You practice what you learn in practice.", british) == "You practise what you learn in practice."
    assert respell("{practicing} and {counselor_name}", british) == "{practicing} and {counselor_name}"
    assert respell("counselors' counseling", british) == "counsellors' counselling"


def test_locales_show_their_spelling_and_dates() -> None:
    assert speech_for("en-GB").sign("practice").name == "practising between sessions"
    assert speech_for("en-CA").sign("practice").name == "practising between sessions"
    assert speech_for("en-US").sign("practice").name == "practicing between sessions"
    assert "towards" in speech_for("en-AU").sign("self_compassion").name
    moment = date(2026, 11, 23)
    assert [speech_for(locale).day(moment) for locale in ("en-US", "en-CA", "en-GB", "en-AU", "en-IN")] == [
        "Nov 23",
        "Nov 23",
        "23 Nov",
        "23 Nov",
        "23 Nov",
    ]


def test_a_locale_follows_its_base_and_overrides_only_what_it_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change to the base reaches the locale respelled; the locale's own messages and sign texts win."""
    base = json.loads((LOCALES_DIR / f"{DEFAULT_LOCALE}.json").read_text(encoding="utf-8"))
    base["messages"]["goodbye"] = "Keep practicing, and see your counselor soon."
    base["messages"]["recap_other_rises"]["forms"][1] = "{count} more signs rose, behavior included."
    (tmp_path / f"{DEFAULT_LOCALE}.json").write_text(json.dumps(base), encoding="utf-8")
    child = {
        "base": DEFAULT_LOCALE,
        "locale": "en-XX",
        "spelling": {"practicing": "practising", "counselor": "counsellor", "behavior": "behaviour"},
        "messages": {"complete": "All twelve, cheers."},
        "signs": {"hope": {"short_name": "hope, mate"}},
    }
    (tmp_path / "en-XX.json").write_text(json.dumps(child), encoding="utf-8")
    # The module's own name is shadowed by its catalogue() function in the speech package: patch its globals.
    monkeypatch.setitem(_raw.__globals__, "LOCALES_DIR", tmp_path)
    raw = _raw("en-XX")
    assert raw["messages"]["goodbye"] == "Keep practising, and see your counsellor soon."
    assert raw["messages"]["recap_other_rises"] == {
        "plural": "count",
        "forms": [base["messages"]["recap_other_rises"]["forms"][0], "{count} more signs rose, behaviour included."],
    }
    assert raw["messages"]["complete"] == "All twelve, cheers."
    assert raw["signs"]["hope"]["short_name"] == "hope, mate"
    assert raw["signs"]["hope"]["name"] == base["signs"]["hope"]["name"]
    assert raw["locale"] == "en-XX"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_reprompt_is_a_question(locale: str) -> None:
    """Alexa speaks the reprompt when the user says nothing: it asks, it never lists commands."""
    words = catalogue(locale)
    found = [
        (key, template)
        for key in words.messages
        if "reprompt" in key
        for template in templates(words, key)
        if template != "{reprompt}" and not template.rstrip().endswith("?")
    ]
    found += [(sign, text.reprompt) for sign, text in words.signs.items() if not text.reprompt.endswith("?")]
    assert found == []
