"""Every APL document the skill sends to a screen passes Amazon's own validator (npm ``apl-suggester``, the
checker behind the APL authoring tool), in every locale and every shape of data: a first check-in, a week
compared with the one before (skipped signs included), this week's recap asked for, and last week's.

The documents are taken from the skill's real responses, so what is checked is what a device would get. Any
finding fails, warnings included: the validator reports layout mistakes (a percentage height inside a container
whose height is automatic) only as warnings, and they are exactly what goes wrong on a real screen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devtools.conversation import Conversation, Reply
from devtools.envelopes import Device
from devtools.nlu import available_locales
from tests.conftest import Figures, node_json
from tests.test_recap_conversation import all_at, check_in

pytestmark = pytest.mark.node

VALIDATOR = Path(__file__).with_name("apl") / "validate.js"
Talk = Callable[..., Conversation]


def validate(documents: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    results: list[list[dict[str, Any]]] = node_json(VALIDATOR, documents)
    return results


def documents_of(reply: Reply) -> list[dict[str, Any]]:
    return [
        directive["document"]
        for directive in reply.directives
        if directive["type"] == "Alexa.Presentation.APL.RenderDocument"
    ]


def sent_documents(talk: Talk, locale: str) -> dict[str, list[dict[str, Any]]]:
    """What one screen device is sent over two weeks, by the moment it was sent."""
    screen = talk(Device(locale=locale, supports_apl=True))
    sent = {"first check-in": documents_of(check_in(screen, all_at(3)))}
    screen.advance(weeks=1)
    sent["a week compared, with skips"] = documents_of(check_in(screen, all_at(4, hope=5, triggers="skip")))
    screen.launch()
    sent["recap asked for"] = documents_of(screen.intent("RecapIntent"))
    screen.launch()
    sent["last week's recap"] = documents_of(screen.intent("LastWeekRecapIntent"))
    return sent


def test_every_document_the_skill_sends_passes_amazons_validator(talk: Talk, dynamodb: Any, figure: Figures) -> None:
    sent = {
        (locale, moment): documents
        for locale in available_locales()
        for moment, documents in sent_documents(talk, locale).items()
    }
    labelled = [(label, document) for label, documents in sent.items() for document in documents]
    assert len(labelled) >= 3 * len(available_locales()), "a chart on every screen recap"
    findings = {
        label: result for (label, _), result in zip(labelled, validate([d for _, d in labelled]), strict=True) if result
    }
    figure(
        "apl",
        f"{len(labelled)} documents sent in {len(available_locales())} locales, {len(findings)} with findings",
    )
    assert findings == {}


def test_the_validator_reports_what_is_wrong() -> None:
    """So that a clean result means something: a misspelt alignment and a percentage height inside a container of
    automatic height are both reported."""
    broken = {
        "type": "APL",
        "version": "2023.3",
        "mainTemplate": {
            "items": [
                {
                    "type": "Container",
                    "direction": "row",
                    "items": [
                        {
                            "type": "Container",
                            "height": "100%",
                            "items": [{"type": "Text", "text": "x", "textAlign": "sideways"}],
                        }
                    ],
                }
            ]
        },
    }
    (findings,) = validate([broken])
    messages = " ".join(finding["errorMessage"] for finding in findings)
    assert "allowed values" in messages and "parent height is set to auto" in messages
