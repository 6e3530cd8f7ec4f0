"""What the skill carries from one turn to the next in Alexa's session attributes.

Session attributes come back from the device untouched, but any request can arrive with junk in them, so
:meth:`SessionState.from_attributes` accepts anything and falls back to a fresh state field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, TypeGuard

from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.ratings import MAX_RATING, MIN_RATING
from therapy_checkin.domain.signs import SIGN_COUNT, is_sign
from therapy_checkin.domain.weeks import is_week_key
from therapy_checkin.storage import is_scope


@dataclass(frozen=True)
class PendingWrite:
    """An answer the table could not take yet. It rides in the session until a later turn stores it."""

    kind: str
    """"rating", "skip" or "complete"."""
    week: str
    sign: str | None = None
    value: int | None = None
    at: str = ""
    """When the user gave the answer (ISO 8601), so a late write keeps the original time and never replaces a
    newer answer given on another device."""
    streak: int | None = None
    """With a week's first answer: the streak to store on the week item (see domain/recap.py)."""
    scope: str = field(kw_only=True)
    """Whose answer it is (the :class:`~therapy_checkin.storage.UserKey` scope of the voice that gave it): it is
    stored there, whoever is speaking when it is finally written."""

    KINDS = ("rating", "skip", "complete")

    def to_attributes(self) -> dict[str, Any]:
        attributes = {
            "kind": self.kind,
            "week": self.week,
            "sign": self.sign,
            "value": self.value,
            "at": self.at,
            "scope": self.scope,
        }
        return attributes if self.streak is None else {**attributes, "streak": self.streak}

    @classmethod
    def from_attributes(cls, raw: Any) -> PendingWrite | None:
        """A pending write from the session, or ``None`` when any part of it cannot be trusted: an answer
        without its owner or its time could land in the wrong place or over a newer answer."""
        if not isinstance(raw, dict) or raw.get("kind") not in cls.KINDS or not is_week_key(raw.get("week")):
            return None
        sign, value, at, scope = raw.get("sign"), raw.get("value"), raw.get("at"), raw.get("scope")
        if not is_scope(scope) or not cls._is_time(at):
            return None
        if raw["kind"] != "complete" and not (isinstance(sign, str) and is_sign(sign)):
            return None
        if raw["kind"] == "rating" and _int_in(value, MIN_RATING, MAX_RATING, None) is None:
            return None
        return cls(
            kind=raw["kind"],
            week=raw["week"],
            sign=sign if isinstance(sign, str) and is_sign(sign) else None,
            value=_int_in(value, MIN_RATING, MAX_RATING, None) if raw["kind"] == "rating" else None,
            at=at,
            streak=_int_in(raw.get("streak"), 1, 1_000_000, None),
            scope=scope,
        )

    @staticmethod
    def _is_time(value: Any) -> TypeGuard[str]:
        if not isinstance(value, str) or len(value) > 40 or not value.isascii():
            return False
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return False
        return True


class Mode(str, Enum):
    """Where the conversation is: what the skill last asked."""

    IDLE = "idle"
    OFFER_START = "offer_start"
    OFFER_RESUME = "offer_resume"
    OFFER_RECAP = "offer_recap"
    DONE_MENU = "done_menu"
    RATING = "rating"
    CHOOSE_SIGN = "choose_sign"
    CHANGING = "changing"
    CHOOSE_TREND = "choose_trend"
    """Asked which sign's trend the user wants to hear."""
    # Detours: the skill asked something aside, and returns to the mode kept in ``extra`` afterwards.
    CONFIRM_DELETE = "confirm_delete"
    SET_PASSCODE = "set_passcode"
    CONFIRM_PASSCODE = "confirm_passcode"
    PASSCODE_FOR_RECAP = "passcode_for_recap"
    PASSCODE_TO_REMOVE = "passcode_to_remove"


OFFERS = (Mode.OFFER_START, Mode.OFFER_RESUME, Mode.OFFER_RECAP)
ASKING_A_SIGN = (Mode.RATING, Mode.CHANGING)
PASSCODE_MODES = (Mode.SET_PASSCODE, Mode.CONFIRM_PASSCODE, Mode.PASSCODE_FOR_RECAP, Mode.PASSCODE_TO_REMOVE)
DETOURS = (Mode.CONFIRM_DELETE, *PASSCODE_MODES)


@dataclass
class SessionState:
    mode: Mode = Mode.IDLE
    index: int = 0
    """The 0-based sign being asked (in RATING and CHANGING)."""
    misses: int = 0
    """Unusable answers in a row for the current sign."""
    return_to: int | None = None
    """In CHANGING: the sign to go back to afterwards, or None to return to the menu."""
    answers: WeekAnswers | None = None
    """This session's week, kept so a turn does not read the table again."""
    time_zone: str | None = None
    pending: list[PendingWrite] = field(default_factory=list)
    """Answers waiting to be stored because the table was unavailable when they were given."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Room for features that keep their own small state (kept as-is between turns)."""

    @property
    def asking_sign(self) -> bool:
        return self.mode in ASKING_A_SIGN

    def ask(self, index: int, mode: Mode = Mode.RATING) -> None:
        self.mode, self.index, self.misses = mode, index, 0

    def to_attributes(self) -> dict[str, Any]:
        attributes: dict[str, Any] = {"mode": self.mode.value, "index": self.index, "misses": self.misses}
        if self.return_to is not None:
            attributes["returnTo"] = self.return_to
        if self.answers is not None:
            attributes["week"] = {
                "key": self.answers.week,
                "ratings": dict(self.answers.ratings),
                "skipped": sorted(self.answers.skipped),
                "completed": self.answers.completed,
            }
        if self.time_zone:
            attributes["timeZone"] = self.time_zone
        if self.pending:
            attributes["pending"] = [write.to_attributes() for write in self.pending]
        if self.extra:
            attributes["extra"] = self.extra
        return attributes

    @classmethod
    def from_attributes(cls, raw: Any) -> SessionState:
        if not isinstance(raw, dict):
            return cls()
        state = cls()
        try:
            state.mode = Mode(raw.get("mode"))
        except ValueError:
            state.mode = Mode.IDLE
        state.index = _int_in(raw.get("index"), 0, SIGN_COUNT - 1, 0)
        state.misses = _int_in(raw.get("misses"), 0, 100, 0)
        if raw.get("returnTo") is not None:
            state.return_to = _int_in(raw.get("returnTo"), 0, SIGN_COUNT - 1, None)
        state.answers = _answers(raw.get("week"))
        time_zone = raw.get("timeZone")
        state.time_zone = time_zone if isinstance(time_zone, str) and len(time_zone) < 64 else None
        pending = raw.get("pending")
        writes = (PendingWrite.from_attributes(item) for item in (pending if isinstance(pending, list) else [])[:64])
        state.pending = [write for write in writes if write is not None]
        extra = raw.get("extra")
        state.extra = dict(extra) if isinstance(extra, dict) else {}
        if state.asking_sign and state.answers is None:
            state.mode = Mode.IDLE
        return state


def _int_in(value: Any, low: int, high: int, default: int | None) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    number = int(value)
    return number if low <= number <= high else default


def _answers(raw: Any) -> WeekAnswers | None:
    if not isinstance(raw, dict) or not is_week_key(raw.get("key")):
        return None
    ratings_raw = raw.get("ratings")
    ratings = {
        sign: int(value)
        for sign, value in (ratings_raw.items() if isinstance(ratings_raw, dict) else [])
        if is_sign(sign) and _int_in(value, MIN_RATING, MAX_RATING, None) is not None
    }
    skipped_raw = raw.get("skipped")
    skipped = frozenset(
        s for s in (skipped_raw if isinstance(skipped_raw, list) else []) if isinstance(s, str) and is_sign(s)
    )
    return WeekAnswers(
        week=raw["key"], ratings=ratings, skipped=skipped - ratings.keys(), completed=raw.get("completed") is True
    )
