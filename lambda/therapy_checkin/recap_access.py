"""Whether past answers may be read aloud in this session: the passcode's rule, in one place.

Anything that reads a recap, a trend or the end-of-check-in summary asks here first. Without a passcode the
answer is always yes; with one, only after the passcode was given in this session.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from therapy_checkin.storage import PasscodeGuard, StorageUnavailable, passcode_guard
from therapy_checkin.turn import Turn, turn_of

UNLOCKED_KEY = "recapUnlocked"
"""Session flag (in ``SessionState.extra``): the passcode was given in this session."""
GUARDED_KEY = "recapGuarded"
"""Session flag: whether the profile had a passcode when this session last read it."""


def guard_of(turn: Turn) -> PasscodeGuard:
    """The passcode, wrong tries and lock of the speaker's profile (read with the turn's history)."""
    return passcode_guard(turn.history.profile)


def recap_unlocked(turn: Turn) -> bool:
    return bool(turn.state.extra.get(UNLOCKED_KEY)) or guard_of(turn).passcode is None


def summary_allowed(turn: Turn) -> bool | None:
    """For the end of a check-in: True to read the summary, False when a passcode protects it, and None when
    nobody can tell (the table is unreachable and this session never read the profile): then it is not read."""
    if turn.state.extra.get(UNLOCKED_KEY):
        return True
    try:
        return guard_of(turn).passcode is None
    except StorageUnavailable:
        guarded = turn.state.extra.get(GUARDED_KEY)
        return None if not isinstance(guarded, bool) else not guarded


class RecapGuardInterceptor(AbstractResponseInterceptor):
    """Notes in the session whether a passcode guards recaps, whenever a turn read the profile anyway.

    Launch always reads it, so a check-in that ends while the table is unreachable still knows whether its
    summary may be read. Costs no call of its own; registered before the session state is written.
    """

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        turn = turn_of(handler_input)
        # functools.cached_property keeps a loaded value in the instance: present only if this turn read it.
        if "history" in vars(turn):
            turn.state.extra[GUARDED_KEY] = guard_of(turn).passcode is not None
