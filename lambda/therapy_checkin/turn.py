"""One request, as the handlers see it: who is speaking, when, in which locale, and where they are.

An interceptor builds a :class:`Turn` for every request and another writes its session state back to the
response, so handlers never touch raw attributes. The session state is parsed for the speaker of this request
(see :mod:`therapy_checkin.session`), so whatever another voice left in the session is gone before any handler
runs. The table is read at most once per turn, when a handler first asks for :meth:`Turn.history`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ask_sdk_core.handler_input import HandlerInput

from therapy_checkin import time_zones
from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.recap import first_answer_streak
from therapy_checkin.domain.weeks import parse_timestamp, week_of
from therapy_checkin.session import SessionState
from therapy_checkin.speech import Speech, speech_for
from therapy_checkin.storage import CheckInStore, History, UserKey, passcode_guard

HISTORY_WEEKS = 9
"""Weeks read at launch: this week and the eight before it, enough for a recap and an eight-week trend."""

TURN_KEY = "turn"


class NoUser(Exception):
    """A request without an Alexa user ID. It is refused: no one's data may be keyed to a shared stand-in."""


def user_of(envelope: Any) -> UserKey:
    """Whose data this request may read and write: the account, and the recognised voice when there is one."""
    system = envelope.context.system if envelope.context else None
    user_id = system.user.user_id if system and system.user else None
    if not isinstance(user_id, str) or not user_id:
        raise NoUser
    person = getattr(system, "person", None)
    person_id = getattr(person, "person_id", None)
    return UserKey.from_ids(user_id, person_id if isinstance(person_id, str) and person_id else None)


class Turn:
    def __init__(self, handler_input: HandlerInput, store: CheckInStore) -> None:
        envelope = handler_input.request_envelope
        self.handler_input = handler_input
        self.store = store
        """The skill's store (see ``build_skill_handler``): it builds its client on the first call."""
        self.request = envelope.request
        self.now: datetime = parse_timestamp(getattr(self.request, "timestamp", None))
        self.speech: Speech = speech_for(getattr(self.request, "locale", None))
        self.user = user_of(envelope)
        attributes: Any = envelope.session.attributes if envelope.session else None
        self.state = SessionState.from_attributes(attributes, owner=self.user.session_owner)
        self._history: History | None = None
        self.time_zone_to_store: str | None = None
        """A time zone Alexa told this turn, not yet on the profile."""

    def history(self) -> History:
        """The profile and recent weeks, read once per turn and only when a handler asks."""
        if self._history is None:
            self._history = self.store.load_history(self.user, HISTORY_WEEKS)
            # Kept in the session, so a check-in that ends while the table is unreachable still knows whether
            # its summary may be read (see gate.summary_answers).
            self.state.recap_guarded = passcode_guard(self._history.profile).passcode is not None
        return self._history

    def read_history_again(self) -> History:
        """Read the profile and recent weeks afresh: after a conditional write found that another device
        changed them since this turn's read."""
        self._history = None
        return self.history()

    def adopt_reads(self, earlier: Turn) -> None:
        """Take over what an earlier pass at this same request read and stored: its history, and the answers it
        moved out of the pending list. Used when a turn starts again from the state the request brought."""
        self._history = earlier._history
        self.state.pending = list(earlier.state.pending)

    def time_zone(self) -> str | None:
        """The user's IANA time zone (``None`` means UTC): from the session, the profile, or Alexa's Settings API,
        looked up at most once a session and refreshed monthly (see :mod:`therapy_checkin.time_zones`).

        A zone newly read from Alexa is kept for :meth:`save_profile`, which writes it once per turn."""
        state = self.state
        if state.time_zone or state.time_zone_unavailable:
            return state.time_zone
        profile = self.history().profile
        fetched = time_zones.fetch_time_zone(self.handler_input) if time_zones.needs_lookup(profile, self.now) else None
        resolved = time_zones.resolve(profile, self.now, fetched)
        state.time_zone, state.time_zone_unavailable = resolved.zone, resolved.unavailable
        self.time_zone_to_store = resolved.to_store
        return resolved.zone

    @property
    def history_read(self) -> bool:
        """Whether this turn has read the table already (a plain flag: reading it is :meth:`history`)."""
        return self._history is not None

    def save_profile(self, *, first_visit: bool = False) -> None:
        """Write what this turn learnt about the user to the profile, in one UpdateItem: the first visit, and a
        time zone newly read from Alexa. Nothing to write, nothing written."""
        if not first_visit and self.time_zone_to_store is None:
            return
        self.store.save_profile(self.user, self.now, time_zone=self.time_zone_to_store)
        self.time_zone_to_store = None

    def week(self) -> str:
        """The week this session's answers belong to: fixed at the start of a check-in."""
        if self.state.answers is not None:
            return self.state.answers.week
        return week_of(self.now, self.time_zone())

    def answers(self) -> WeekAnswers:
        """This week's answers: from the session when it has them, otherwise from the table."""
        if self.state.answers is None:
            week = self.week()
            history = self.history()
            current = history.week(week) or WeekAnswers(week=week)
            self.state.answers = current
            # What the rest of the check-in needs from this read, so no later turn reads the table again.
            earlier = sorted((answers for answers in history.weeks if answers.week < week), key=lambda a: a.week)
            self.state.earlier = next((answers for answers in reversed(earlier) if answers.ratings), None)
            if current.started:
                self.state.streak = history.streaks.get(week)
            else:
                self.state.streak = first_answer_streak(week, history.weeks, history.streaks)
        return self.state.answers


def start_turn(handler_input: HandlerInput, store: CheckInStore) -> Turn:
    """A turn from the state the request brought, made this request's turn (see :func:`turn_of`)."""
    turn = Turn(handler_input, store)
    handler_input.attributes_manager.request_attributes[TURN_KEY] = turn
    return turn


def turn_of(handler_input: HandlerInput) -> Turn:
    """This request's turn, started by the first request interceptor before any handler runs."""
    turn = handler_input.attributes_manager.request_attributes.get(TURN_KEY)
    if not isinstance(turn, Turn):
        raise LookupError("No turn: the request interceptors did not run")
    return turn
