"""What the skill carries from one turn to the next in Alexa's session attributes: one typed schema.

Session attributes come back from the device untouched, but any request can arrive with junk in them, so
:meth:`SessionState.from_attributes` accepts anything, keeps only the fields below (each checked and bounded)
and falls back to a fresh value field by field. Nothing else is carried: an unknown key is dropped, never
echoed back.

The state belongs to one speaker. Several people may talk to one device within one session, and Alexa names the
voice it recognised on every request, so the state records the scope it was made for (:attr:`SessionState.owner`,
a one-way fingerprint). When the next request comes from another scope, everything that speaker started is
dropped before any handler runs, and the turn starts afresh for the voice that is speaking now. Answers still
waiting for the table are kept: each carries its own scope and is stored only there.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, TypeGuard

from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.notes import MAX_NOTE_CHARACTERS
from therapy_checkin.domain.ratings import MAX_RATING, MIN_RATING
from therapy_checkin.domain.reminders import DAYS
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
    REFLECTING = "reflecting"
    """A guided reflection on the sign at ``index`` was spoken (or is being spoken: "Alexa, next" interrupts it).
    ``return_to`` is the check-in's sign when it was asked for mid-check-in."""
    CHOOSE_REFLECTION = "choose_reflection"
    """Asked which sign the user would like to reflect on."""
    OFFER_REFLECTION = "offer_reflection"
    """At the end of a check-in: offered a reflection on the sign at ``index``, the one whose rating moved most."""
    # Detours: the skill asked something aside, and returns to the mode kept in ``extra`` afterwards.
    CONFIRM_DELETE = "confirm_delete"
    SET_PASSCODE = "set_passcode"
    CONFIRM_PASSCODE = "confirm_passcode"
    PASSCODE_FOR_RECAP = "passcode_for_recap"
    PASSCODE_TO_REMOVE = "passcode_to_remove"
    PASSCODE_FOR_DELETE = "passcode_for_delete"
    """ "Delete my data" with a passcode set: the passcode is asked before the deletion is confirmed."""
    OFFER_REMINDER = "offer_reminder"
    """After the first completed check-in: offered a weekly reminder."""
    REMINDER_DAY = "reminder_day"
    """Setting the reminder: asked which day."""
    REMINDER_TIME = "reminder_time"
    """Setting the reminder: asked what time."""
    REMINDER_PERMISSION = "reminder_permission"
    """Setting the reminder: Alexa was asked to get the user's permission; its answer comes as Connections.Response."""
    REPORT_PERMISSION = "report_permission"
    """Emailing the progress report: Alexa was asked for the email permission (voice-forward consent); its answer
    comes as a SessionResumedRequest."""
    CONFIRM_REPORT = "confirm_report"
    """Emailing the progress report: told where it goes (partly masked), asked whether to send it."""
    RECAP_FOLLOW_UP = "recap_follow_up"
    """After a recap or a trend: asked whether to go on, with what "yes" brings in :attr:`SessionState.recap_offer`."""
    NOTE_TEXT = "note_text"
    """ "Add a note for my therapist" without the words: asked what the note should say."""
    CONFIRM_NOTE = "confirm_note"
    """A note was read back (:attr:`SessionState.note_draft`): asked whether to keep it."""
    CONFIRM_CLEAR_NOTES = "confirm_clear_notes"
    """ "Clear my notes": asked to confirm before every note is forgotten."""
    OFFER_NOTES = "offer_notes"
    """After getting ready for therapy: offered to hear the notes waiting."""


OFFERS = (Mode.OFFER_START, Mode.OFFER_RESUME, Mode.OFFER_RECAP)
ASKING_A_SIGN = (Mode.RATING, Mode.CHANGING)
PASSCODE_MODES = (
    Mode.SET_PASSCODE,
    Mode.CONFIRM_PASSCODE,
    Mode.PASSCODE_FOR_RECAP,
    Mode.PASSCODE_TO_REMOVE,
    Mode.PASSCODE_FOR_DELETE,
)
SETTING_REMINDER = (Mode.REMINDER_DAY, Mode.REMINDER_TIME, Mode.REMINDER_PERMISSION)
REMINDER_MODES = (Mode.OFFER_REMINDER, *SETTING_REMINDER)
NOTE_MODES = (Mode.NOTE_TEXT, Mode.CONFIRM_NOTE, Mode.CONFIRM_CLEAR_NOTES)
REPORT_MODES = (Mode.REPORT_PERMISSION, Mode.CONFIRM_REPORT)
DETOURS = (Mode.CONFIRM_DELETE, *PASSCODE_MODES, *SETTING_REMINDER, *NOTE_MODES, *REPORT_MODES)
"""Modes that wait for one answer and take nothing else. The offer of a reminder is not one: anything else said
then is simply answered, and the offer lapses."""


class RecapRequest(str, Enum):
    """What the user asked for that needs the passcode (when one is set), answered once it is given; also what
    "yes" brings after a recap (:class:`RecapOffer`)."""

    THIS_WEEK = "this_week"
    LAST_WEEK = "last_week"
    TREND = "trend"
    NOTES = "notes"
    """Hear the notes for the next session."""
    CLEAR_NOTES = "clear_notes"
    """Forget the notes (after "yes" to the question that confirms it)."""
    GET_READY = "get_ready"
    """Get ready for therapy: the last four weeks in a few words, and the notes waiting."""
    SUPPORT = "support"
    """Only as a :class:`RecapOffer`: the support line, offered after a heavy week's recap (``said`` is how much
    of this week's recap was spoken, so "go on" can bring the rest)."""
    REPORT = "report"
    """The progress report by email: after the passcode, the skill says where it would go and asks to send."""
    REPORT_WITH_NOTES = "report_with_notes"
    """The progress report with the notes for the next session in it, as the person asked."""


@dataclass(frozen=True)
class PendingRecap:
    request: RecapRequest
    sign: str | None = None
    """For a trend: the sign asked about, or ``None`` to ask which one."""


@dataclass(frozen=True)
class RecapOffer:
    """What "yes" brings after a recap or a trend.

    With ``said``, the rest of the recap of ``request`` (this week's or last week's): ``said`` marks which of
    its sentences were spoken (bit ``i`` for sentence ``i``; the recap's sentences are the same on every turn
    of the week). Without it, the next thing offered: last week's recap, or a sign's trend. For
    :attr:`RecapRequest.SUPPORT`, the support line, then the rest of this week's recap (``said``) if any.
    """

    request: RecapRequest
    said: int | None = None

    MAX_SAID = (1 << 16) - 1


@dataclass(frozen=True)
class PasscodeDraft:
    """The first entry of a new passcode, as its salted hash only, until the user says it again."""

    salt: bytes
    digest: bytes

    MAX_BYTES = 64


@dataclass(frozen=True)
class ReminderDraft:
    """The weekly reminder being set: what the user has said so far, kept until it is created (through the
    permission round trip too). ``day`` is an RFC 5545 code ("SU"); the time is on a 24-hour clock."""

    day: str | None = None
    hour: int | None = None
    minute: int | None = None
    bare_hour: int | None = None
    """An hour said without morning or evening ("seven", 1 to 12), kept while "a.m. or p.m.?" is asked, so the
    answer fills only the half of the day. ``None`` once a whole time is known."""

    @property
    def has_time(self) -> bool:
        return self.hour is not None and self.minute is not None


# The session attribute keys: every key the skill keeps, here and nowhere else.
OWNER = "owner"
MODE = "mode"
INDEX = "index"
MISSES = "misses"
RETURN_TO = "returnTo"
RETURN_MODE = "returnMode"
WEEK = "week"
TIME_ZONE = "timeZone"
TIME_ZONE_UNAVAILABLE = "timeZoneUnavailable"
PENDING = "pending"
RECAP_UNLOCKED = "recapUnlocked"
RECAP_GUARDED = "recapGuarded"
PENDING_RECAP = "pendingRecap"
PASSCODE_DRAFT = "passcodeDraft"
EARLIER = "earlier"
STREAK = "streak"
OFFER_REMINDER = "offerReminder"
REMINDER_DRAFT = "reminderDraft"
RECAP_OFFER = "recapOffer"
UNSAVED_TOLD = "unsavedTold"
NOTE_DRAFT = "noteDraft"
REFLECTED = "reflected"
MAX_REFLECTED = (1 << SIGN_COUNT) - 1
REPORT_NOTES = "reportNotes"
MAX_PENDING = 64
"""Answers kept through an outage, at most: a long one keeps the newest (each rating's own time says which is
newer, and a newer answer of a sign replaces an older one anyway)."""
MAX_STREAK = 100_000
FAMILIAR = "familiar"
EXPLAINED = "explained"
MAX_EXPLAINED = 10


@dataclass
class SessionState:
    owner: str | None = None
    """Fingerprint of the scope (account, or one voice on it) this state was made for: ``UserKey.session_owner``."""
    mode: Mode = Mode.IDLE
    index: int = 0
    """The 0-based sign being asked (in RATING and CHANGING)."""
    misses: int = 0
    """Unusable answers in a row for the current sign."""
    return_to: int | None = None
    """In CHANGING and CHOOSE_*: the sign to go back to afterwards, or None to return to the menu. In REFLECTING:
    the check-in's sign to go back to, or None when the reflection was not asked for mid-check-in."""
    return_mode: Mode | None = None
    """In a detour (deleting data, a passcode): the mode to come back to afterwards."""
    answers: WeekAnswers | None = None
    """This session's week, kept so a turn does not read the table again."""
    time_zone: str | None = None
    time_zone_unavailable: bool = False
    """Alexa could not tell the time zone this session, so UTC is used without asking again."""
    pending: list[PendingWrite] = field(default_factory=list)
    """Answers waiting to be stored because the table was unavailable when they were given."""
    recap_unlocked: bool = False
    """The passcode was given in this session, by this speaker."""
    recap_guarded: bool | None = None
    """Whether the speaker's profile had a passcode when this session last read it (``None``: never read)."""
    pending_recap: PendingRecap | None = None
    passcode_draft: PasscodeDraft | None = None
    earlier: WeekAnswers | None = None
    """From the launch's read: the newest earlier week with a rating, for the recap at the end of the check-in."""
    streak: int | None = None
    """From the launch's read: this week's streak (stored with its first answer, or to be stored with it)."""
    offer_reminder: bool | None = None
    """From the launch's read: whether completing this week offers a weekly reminder (``None``: not known)."""
    reminder_draft: ReminderDraft | None = None
    familiar: bool | None = None
    """Whether the speaker already knows the signs (see :func:`therapy_checkin.domain.checkin.knows_the_signs`):
    worked out once from the history read at launch, then carried, so later turns need not read the table.
    ``None``: not known yet."""
    explained: int = 0
    """How many times the sign being asked was explained: the first "what does that mean?" in a familiar week
    reads the sign's full statement, the next one its longer explanation."""
    recap_offer: RecapOffer | None = None
    """In RECAP_FOLLOW_UP: what "yes" brings."""
    unsaved_told: bool = False
    """The user heard that an answer could not be saved yet: not said again while answers wait for the table, and
    said once more, the other way round, when all of them are stored."""
    note_draft: str | None = None
    """In CONFIRM_NOTE: the note read back, kept only if the user says yes. Never logged."""
    reflected: int = 0
    """Bit ``i`` flips each time sign ``i``'s reflection begins this session. With the week, it picks the telling
    (:func:`therapy_checkin.domain.reflection.reflection_variant`), so a sign heard again, later this session or
    next week, is told another way."""
    report_notes: bool = False
    """While the progress report is being sent: the person asked for their notes to be in it."""

    @property
    def asking_sign(self) -> bool:
        return self.mode in ASKING_A_SIGN

    def ask(self, index: int, mode: Mode = Mode.RATING) -> None:
        self.mode, self.index, self.misses, self.explained = mode, index, 0, 0

    def to_attributes(self) -> dict[str, Any]:
        attributes: dict[str, Any] = {MODE: self.mode.value, INDEX: self.index, MISSES: self.misses}
        optional: dict[str, Any] = {
            OWNER: self.owner,
            RETURN_TO: self.return_to,
            RETURN_MODE: self.return_mode.value if self.return_mode else None,
            WEEK: _answers_to_attributes(self.answers) if self.answers else None,
            TIME_ZONE: self.time_zone,
            TIME_ZONE_UNAVAILABLE: self.time_zone_unavailable or None,
            PENDING: [write.to_attributes() for write in self.pending[-MAX_PENDING:]] or None,
            RECAP_UNLOCKED: self.recap_unlocked or None,
            RECAP_GUARDED: self.recap_guarded,
            PENDING_RECAP: _pending_recap_to_attributes(self.pending_recap),
            PASSCODE_DRAFT: _draft_to_attributes(self.passcode_draft),
            EARLIER: _answers_to_attributes(self.earlier) if self.earlier else None,
            STREAK: self.streak,
            OFFER_REMINDER: self.offer_reminder,
            REMINDER_DRAFT: _reminder_to_attributes(self.reminder_draft),
            FAMILIAR: self.familiar,
            EXPLAINED: self.explained or None,
            RECAP_OFFER: _recap_offer_to_attributes(self.recap_offer),
            UNSAVED_TOLD: self.unsaved_told or None,
            NOTE_DRAFT: self.note_draft,
            REFLECTED: self.reflected or None,
            REPORT_NOTES: self.report_notes or None,
        }
        attributes.update({key: value for key, value in optional.items() if value is not None})
        return attributes

    @classmethod
    def from_attributes(cls, raw: Any, owner: str) -> SessionState:
        """The state for a request from ``owner``. State made for another scope is dropped, except the answers
        still waiting for the table (each lands in its own scope)."""
        state = cls._parse(raw if isinstance(raw, dict) else {})
        if state.owner != owner:
            return cls(owner=owner, pending=state.pending)
        return state

    @classmethod
    def _parse(cls, raw: dict[str, Any]) -> SessionState:
        owner = raw.get(OWNER)
        pending = raw.get(PENDING)
        writes = (
            PendingWrite.from_attributes(item) for item in (pending if isinstance(pending, list) else [])[-MAX_PENDING:]
        )
        time_zone = raw.get(TIME_ZONE)
        guarded = raw.get(RECAP_GUARDED)
        familiar = raw.get(FAMILIAR)
        state = cls(
            owner=owner if isinstance(owner, str) and len(owner) <= 64 else None,
            mode=_mode(raw.get(MODE)) or Mode.IDLE,
            index=_int_in(raw.get(INDEX), 0, SIGN_COUNT - 1, 0),
            misses=_int_in(raw.get(MISSES), 0, 100, 0),
            return_to=_int_in(raw.get(RETURN_TO), 0, SIGN_COUNT - 1, None),
            return_mode=_mode(raw.get(RETURN_MODE)),
            answers=_answers(raw.get(WEEK)),
            time_zone=time_zone if isinstance(time_zone, str) and len(time_zone) < 64 else None,
            time_zone_unavailable=raw.get(TIME_ZONE_UNAVAILABLE) is True,
            pending=[write for write in writes if write is not None],
            recap_unlocked=raw.get(RECAP_UNLOCKED) is True,
            recap_guarded=guarded if isinstance(guarded, bool) else None,
            pending_recap=_pending_recap(raw.get(PENDING_RECAP)),
            passcode_draft=_draft(raw.get(PASSCODE_DRAFT)),
            earlier=_answers(raw.get(EARLIER)),
            streak=_int_in(raw.get(STREAK), 1, MAX_STREAK, None),
            offer_reminder=offer if isinstance(offer := raw.get(OFFER_REMINDER), bool) else None,
            reminder_draft=_reminder(raw.get(REMINDER_DRAFT)),
            familiar=familiar if isinstance(familiar, bool) else None,
            explained=_int_in(raw.get(EXPLAINED), 0, MAX_EXPLAINED, 0),
            recap_offer=_recap_offer(raw.get(RECAP_OFFER)),
            unsaved_told=raw.get(UNSAVED_TOLD) is True,
            note_draft=_note_draft(raw.get(NOTE_DRAFT)),
            reflected=_int_in(raw.get(REFLECTED), 0, MAX_REFLECTED, 0),
            report_notes=raw.get(REPORT_NOTES) is True,
        )
        if state.asking_sign and state.answers is None:
            state.mode = Mode.IDLE
        if state.mode is Mode.RECAP_FOLLOW_UP and state.recap_offer is None:
            state.mode = Mode.IDLE
        if state.mode is Mode.CONFIRM_NOTE and state.note_draft is None:
            state.mode, state.return_mode = Mode.IDLE, None
        return state


def _int_in(value: Any, low: int, high: int, default: int | None) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    if isinstance(value, float) and not value.is_integer():
        return default
    number = int(value)
    return number if low <= number <= high else default


def _mode(value: Any) -> Mode | None:
    try:
        return Mode(value)
    except ValueError:
        return None


def _answers_to_attributes(answers: WeekAnswers) -> dict[str, Any]:
    return {
        "key": answers.week,
        "ratings": dict(answers.ratings),
        "skipped": sorted(answers.skipped),
        "completed": answers.completed,
    }


def _answers(raw: Any) -> WeekAnswers | None:
    if not isinstance(raw, dict) or not is_week_key(raw.get("key")):
        return None
    ratings_raw = raw.get("ratings")
    ratings = {
        sign: int(value)
        for sign, value in (ratings_raw.items() if isinstance(ratings_raw, dict) else [])
        if isinstance(sign, str) and is_sign(sign) and _int_in(value, MIN_RATING, MAX_RATING, None) is not None
    }
    skipped_raw = raw.get("skipped")
    skipped = frozenset(
        s
        for s in (skipped_raw if isinstance(skipped_raw, list) else [])[:SIGN_COUNT]
        if isinstance(s, str) and is_sign(s)
    )
    return WeekAnswers(
        week=raw["key"], ratings=ratings, skipped=skipped - ratings.keys(), completed=raw.get("completed") is True
    )


def _pending_recap_to_attributes(pending: PendingRecap | None) -> dict[str, Any] | None:
    if pending is None:
        return None
    return {"request": pending.request.value, "sign": pending.sign}


def _recap_request(raw: Any) -> RecapRequest | None:
    """The ``request`` of a session entry that names a recap, when it is one of the known kinds."""
    if not isinstance(raw, dict):
        return None
    try:
        return RecapRequest(raw.get("request"))
    except ValueError:
        return None


def _pending_recap(raw: Any) -> PendingRecap | None:
    request = _recap_request(raw)
    if request is None or request is RecapRequest.SUPPORT:
        return None  # the support line is offered, never waited for behind a passcode
    sign = raw.get("sign")
    valid_sign = sign if request is RecapRequest.TREND and isinstance(sign, str) and is_sign(sign) else None
    return PendingRecap(request=request, sign=valid_sign)


def _recap_offer_to_attributes(offer: RecapOffer | None) -> dict[str, Any] | None:
    if offer is None:
        return None
    attributes: dict[str, Any] = {"request": offer.request.value}
    return attributes if offer.said is None else {**attributes, "said": offer.said}


def _recap_offer(raw: Any) -> RecapOffer | None:
    request = _recap_request(raw)
    if request is None:
        return None
    said = _int_in(raw.get("said"), 0, RecapOffer.MAX_SAID, None)
    if request in (RecapRequest.REPORT, RecapRequest.REPORT_WITH_NOTES):
        return None  # never offered after a recap: it is only ever asked for
    if said is not None and request not in (RecapRequest.THIS_WEEK, RecapRequest.LAST_WEEK, RecapRequest.SUPPORT):
        return None  # only a recap (or the support line offered in one) has a rest to it
    return RecapOffer(request=request, said=said)


def _note_draft(raw: Any) -> str | None:
    if not isinstance(raw, str):
        return None
    text = " ".join(raw.split())
    return text if 0 < len(text) <= MAX_NOTE_CHARACTERS else None


def _draft_to_attributes(draft: PasscodeDraft | None) -> dict[str, str] | None:
    if draft is None:
        return None
    return {
        "salt": base64.b64encode(draft.salt).decode("ascii"),
        "hash": base64.b64encode(draft.digest).decode("ascii"),
    }


def _draft(raw: Any) -> PasscodeDraft | None:
    if not isinstance(raw, dict):
        return None
    encoded = (raw.get("salt"), raw.get("hash"))
    if not all(isinstance(part, str) and 0 < len(part) <= 4 * PasscodeDraft.MAX_BYTES // 3 + 4 for part in encoded):
        return None
    try:
        salt, digest = (base64.b64decode(str(part), validate=True) for part in encoded)
    except (ValueError, binascii.Error):
        return None
    return PasscodeDraft(salt=salt, digest=digest) if salt and digest else None


def _reminder_to_attributes(draft: ReminderDraft | None) -> dict[str, Any] | None:
    if draft is None:
        return None
    said = {"day": draft.day, "hour": draft.hour, "minute": draft.minute}
    return said if draft.bare_hour is None else {**said, "bareHour": draft.bare_hour}


def _reminder(raw: Any) -> ReminderDraft | None:
    """A draft from the session: each part kept only when it is well-formed, the time only as a whole."""
    if not isinstance(raw, dict):
        return None
    day = raw.get("day") if raw.get("day") in DAYS else None
    hour, minute = _int_in(raw.get("hour"), 0, 23, None), _int_in(raw.get("minute"), 0, 59, None)
    if hour is None or minute is None:
        hour = minute = None
    bare_hour = _int_in(raw.get("bareHour"), 1, 12, None) if hour is None else None
    return ReminderDraft(day=day, hour=hour, minute=minute, bare_hour=bare_hour)
