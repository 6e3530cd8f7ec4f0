"""The twelve signs of progress, in the order the check-in asks them.

Only identifiers and order live here. What the skill *says* about each sign (its name, prompt and
explanation) is locale text and lives in :mod:`therapy_checkin.speech`.
"""

from __future__ import annotations

SIGN_IDS: tuple[str, ...] = (
    "connection",
    "perspective",
    "relationships",
    "boundaries",
    "feelings",
    "coping",
    "self_compassion",
    "practice",
    "triggers",
    "hope",
    "others_notice",
    "ongoing_work",
)
"""Stable identifiers. They are stored in DynamoDB and used as slot value IDs: never rename one."""

SIGN_COUNT = len(SIGN_IDS)


def sign_number(sign_id: str) -> int:
    """The 1-based position of a sign, as the user hears it ("sign four of twelve")."""
    return SIGN_IDS.index(sign_id) + 1


def sign_at(number: int) -> str | None:
    """The sign at a 1-based position, or ``None`` when the number names no sign."""
    if 1 <= number <= SIGN_COUNT:
        return SIGN_IDS[number - 1]
    return None


def is_sign(value: str) -> bool:
    return value in SIGN_IDS
