"""The one gate before any past answer.

Ratings are read aloud or shown in a few places only: the weekly recap (this week's or last week's, asked for or
offered after a check-in), a sign's trend, getting ready for therapy, and the card and chart that go with them.
Every one of them needs a :class:`PastAnswers`, and :func:`past_answers` is the only place one is made, so a new
handler that wants to speak of past answers passes the gate whether or not it means to. Notes for the next
session pass the same gate: :class:`KeptNotes` comes only from :func:`kept_notes`.

The rule, per scope (the account, or one recognised voice on it):

* without a passcode, past answers are open;
* with one, they open only after this speaker has given the passcode in this session (the unlock is part of
  the session state, which is dropped when another voice speaks), and never while wrong tries have locked them.

When the gate stays shut it raises :class:`PasscodeNeeded` or :class:`RecapsLocked`; an exception handler
(``handlers/passcode.py``) turns either into the passcode question or a kind "not now", with the turn's state
as the request brought it. Cards are seen by everyone who uses the account's Alexa app, so they carry ratings
only for the account's own scope without a passcode (:attr:`PastAnswers.ratings_on_cards`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from therapy_checkin import clock
from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.notes import Note, notes_to_read
from therapy_checkin.session import PendingRecap
from therapy_checkin.storage import PasscodeGuard, StorageUnavailable, passcode_guard
from therapy_checkin.turn import Turn

_GATE = object()


class PasscodeNeeded(Exception):
    """Past answers were asked for; the speaker's passcode must be given first. ``then`` is answered after."""

    def __init__(self, then: PendingRecap) -> None:
        super().__init__("passcode needed")
        self.then = then


class RecapsLocked(Exception):
    """Past answers are locked after too many wrong passcodes, until ``until`` (server time)."""

    def __init__(self, until: datetime | None) -> None:
        super().__init__("recaps locked")
        self.until = until


@dataclass(frozen=True)
class PastAnswers:
    """The speaker's answers the gate has let through for this turn, newest week first.

    This session's answers stand in for the stored copy of the current week.
    """

    weeks: tuple[WeekAnswers, ...]
    streaks: Mapping[str, int]
    current_week: str
    ratings_on_cards: bool
    """Whether cards (seen in the account's Alexa app by the whole household) may list the ratings."""
    earlier_known: bool = True
    """False when only this session's week is known (the table could not be read)."""
    key: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.key is not _GATE:
            raise TypeError("PastAnswers come only from therapy_checkin.gate")

    @property
    def this_week(self) -> WeekAnswers:
        return next((week for week in self.weeks if week.week == self.current_week), WeekAnswers(self.current_week))

    def latest_before(self, week: str) -> WeekAnswers | None:
        """The newest week before ``week`` with any answer."""
        return next((answers for answers in self.weeks if answers.week < week and answers.started), None)


class SummaryWithheld(Enum):
    """Why the end of a check-in says nothing of the week's ratings."""

    PROTECTED = "protected"
    """A passcode guards this speaker's recaps and was not given this session."""
    UNKNOWN = "unknown"
    """The table cannot be reached and this session never learnt whether a passcode is set."""


def lock_wait_words(turn: Turn, locked_until: datetime | None) -> str:
    """How long until a lock ends, by the server's clock, rounded up: "about 14 minutes", "about 3 hours"."""
    now = clock.server_now()
    minutes = max(1, math.ceil(((locked_until or now) - now).total_seconds() / 60))
    if minutes < 60:
        return turn.speech("wait_minutes", count=minutes)
    return turn.speech("wait_hours", count=math.ceil(minutes / 60))


def guard_of(turn: Turn) -> PasscodeGuard:
    """The passcode, wrong tries and lock of the speaker's profile (read with the turn's history)."""
    return passcode_guard(turn.history().profile)


@dataclass(frozen=True)
class KeptNotes:
    """The speaker's notes for the next session that the gate let through: this week's and last week's."""

    notes: tuple[Note, ...]
    """Newest first."""
    all_kept: tuple[Note, ...]
    """Everything stored, older notes too, as read this turn: what a new note is written beside."""
    on_cards: bool
    """Whether a card may show them: as with ratings, only the account's own scope without a passcode."""
    key: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.key is not _GATE:
            raise TypeError("KeptNotes come only from therapy_checkin.gate")


def _passcode_given(turn: Turn, then: PendingRecap) -> PasscodeGuard:
    """The speaker's guard, once the passcode (if any) was given this session; otherwise raise."""
    guard = guard_of(turn)
    if guard.passcode is not None and not turn.state.recap_unlocked:
        if guard.locked(clock.server_now()):
            raise RecapsLocked(guard.locked_until)
        raise PasscodeNeeded(then)
    return guard


def past_answers(turn: Turn, then: PendingRecap) -> PastAnswers:
    """The speaker's past answers, once the passcode (if any) is given; otherwise raise.

    ``then`` is what the user asked to hear, answered as soon as the passcode is given.
    """
    return _open(turn, _passcode_given(turn, then))


def kept_notes(turn: Turn, then: PendingRecap) -> KeptNotes:
    """The speaker's notes for the next session, behind the same passcode as their ratings; otherwise raise."""
    guard = _passcode_given(turn, then)
    profile = turn.history().profile
    stored = profile.notes if profile is not None else ()
    on_cards = guard.passcode is None and turn.user.is_account_scope
    current = tuple(notes_to_read(stored, turn.week()))
    return KeptNotes(notes=current, all_kept=stored, on_cards=on_cards, key=_GATE)


def summary_answers(turn: Turn) -> PastAnswers | SummaryWithheld:
    """For the end of a check-in: the answers, or why they are not read. Never asks for the passcode.

    When the launch's read left what the recap needs in the session (the week before, the streak, whether a
    passcode is set), the table is not read again."""
    state = turn.state
    if not turn.history_read and state.streak is not None and state.recap_guarded is not None:
        if state.recap_guarded and not state.recap_unlocked:
            return SummaryWithheld.PROTECTED
        current = turn.answers()
        weeks = (current,) if state.earlier is None else (current, state.earlier)
        on_cards = not state.recap_guarded and turn.user.is_account_scope
        return _made(turn, weeks, {current.week: state.streak}, ratings_on_cards=on_cards, earlier=True)
    try:
        guard = guard_of(turn)
    except StorageUnavailable:
        if state.recap_unlocked or state.recap_guarded is False:
            # Known to be open this session: this session's week alone, with nothing to compare it with.
            on_cards = state.recap_guarded is False and turn.user.is_account_scope
            return _made(turn, (turn.answers(),), {}, ratings_on_cards=on_cards, earlier=False)
        return SummaryWithheld.PROTECTED if state.recap_guarded else SummaryWithheld.UNKNOWN
    if guard.passcode is not None and not turn.state.recap_unlocked:
        return SummaryWithheld.PROTECTED
    return _open(turn, guard)


def _open(turn: Turn, guard: PasscodeGuard) -> PastAnswers:
    current = turn.answers()
    history = turn.history()
    weeks = [answers for answers in history.weeks if answers.week != current.week]
    if current.started:
        weeks.append(current)
    weeks.sort(key=lambda answers: answers.week, reverse=True)
    on_cards = guard.passcode is None and turn.user.is_account_scope
    return _made(turn, tuple(weeks), history.streaks, ratings_on_cards=on_cards, earlier=True)


def _made(
    turn: Turn, weeks: tuple[WeekAnswers, ...], streaks: Mapping[str, int], *, ratings_on_cards: bool, earlier: bool
) -> PastAnswers:
    return PastAnswers(
        weeks=weeks,
        streaks=streaks,
        current_week=turn.answers().week,
        ratings_on_cards=ratings_on_cards,
        earlier_known=earlier,
        key=_GATE,
    )
