"""Reading slots defensively: any slot can be missing, empty, unresolved or "?"."""

from __future__ import annotations

import re

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_slot, is_intent_name
from ask_sdk_model import Slot

from therapy_checkin import intents
from therapy_checkin.domain.ratings import MAX_HEARD_LENGTH, Rating, parse_rating
from therapy_checkin.domain.signs import is_sign, sign_at


def slot_text(handler_input: HandlerInput, name: str, limit: int = MAX_HEARD_LENGTH) -> str | None:
    """The raw value Alexa heard for a slot, or ``None``. A value longer than ``limit`` (by default, longer than
    any real answer) counts as none: it can come only from a forged request, and is never parsed."""
    slot = get_slot(handler_input, name)
    value = slot.value if slot is not None else None
    return value if isinstance(value, str) and len(value) <= limit else None


def _resolved_id(slot: Slot | None) -> str | None:
    """The entity-resolution ID of a custom slot, when Alexa matched one of the type's values."""
    authorities = slot.resolutions.resolutions_per_authority if slot and slot.resolutions else None
    for authority in authorities or []:
        code = authority.status.code if authority.status else None
        if getattr(code, "value", code) != "ER_SUCCESS_MATCH":
            continue
        for match in authority.values or []:
            if match.value and isinstance(match.value.id, str):
                return match.value.id
    return None


def resolved_id(handler_input: HandlerInput, name: str) -> str | None:
    """The entity-resolution ID Alexa matched for custom slot ``name``, or ``None``."""
    return _resolved_id(get_slot(handler_input, name))


def resolved_sign(handler_input: HandlerInput) -> str | None:
    """The sign the user named: by name or synonym ("boundaries", "saying no") or by number ("sign four")."""
    by_name = _resolved_id(get_slot(handler_input, intents.SIGN_SLOT))
    if by_name is not None and is_sign(by_name):
        return by_name
    for name in (intents.SIGN_NUMBER_SLOT, intents.RATING_SLOT):
        heard = slot_text(handler_input, name)
        outcome = parse_rating(heard)
        number = outcome.value if isinstance(outcome, Rating) else _whole_number(heard)
        if number is not None and (sign_id := sign_at(number)) is not None:
            return sign_id
    return None


_WHOLE_NUMBER = re.compile(r"[0-9]{1,3}")
"""ASCII digits only: ``str.isdigit`` accepts "²", which ``int`` then refuses."""


def _whole_number(heard: str | None) -> int | None:
    text = (heard or "").strip()
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None


def is_sign_answer(handler_input: HandlerInput) -> bool:
    """An answer to "which sign?": a number (heard as a rating) or a sign's name on its own."""
    return is_intent_name(intents.RATE)(handler_input) or is_intent_name(intents.SIGN_NAME)(handler_input)


def resolved_leaning(handler_input: HandlerInput) -> str | None:
    """What an answer in words leans to ("high", "middle" or "low"), or ``None`` when Alexa matched no value."""
    leaning = _resolved_id(get_slot(handler_input, intents.LEANING_SLOT))
    return leaning if leaning in ("high", "middle", "low") else None
