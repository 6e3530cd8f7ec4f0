"""Writing answers so that none is lost when DynamoDB is having a bad moment, and every turn answers in time.

Every answer is written the moment it is given. When the table cannot take it (throttled, a 5xx, a timeout,
access denied), the answer is kept in the session as a :class:`~therapy_checkin.session.PendingWrite` and the
user hears one honest sentence. Each later turn (and the end of the session) first tries to store what is
pending, so nothing given in a session is lost if the table recovers before the session ends. The skill never
says "saved" about anything still pending.

Three rules keep that safe and quick:

- A week's pending answers go to the table folded into one UpdateItem, however many there are: eleven
  answers kept through an outage cost one call, not eleven, each of which could be throttled and backed off.
- No call starts once less than :data:`therapy_checkin.budget.RESERVE_MS` of the function's time is left (as
  for every call the skill makes): what is not stored then stays pending, and the turn still answers before
  Lambda's timeout (Alexa would otherwise hear an error and the session, with its pending answers, would be
  lost).
- Each answer is stored in the scope of the voice that gave it, and only over an older answer of its sign.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from therapy_checkin.budget import time_for_a_call
from therapy_checkin.domain.weeks import parse_timestamp
from therapy_checkin.observability import count, logger
from therapy_checkin.session import PendingWrite
from therapy_checkin.storage import StorageUnavailable, TimedRating, UserKey, WeekUpdate
from therapy_checkin.turn import Turn


def fold(writes: Sequence[PendingWrite], now: datetime, streak: int | None = None) -> WeekUpdate:
    """One week's answers as one update. For each sign the newest rating counts (a later one in the list on a
    tie); a rating always wins over a skip of the same sign, whichever came first, so a skip never removes a
    rating. No answer is dated after ``now``, the request that stores it."""
    ratings: dict[str, TimedRating] = {}
    skips: dict[str, datetime] = {}
    completed_at: datetime | None = None
    for write in writes:
        at = min(parse_timestamp(write.at), now)
        streak = streak if streak is not None else write.streak
        if write.kind == "rating" and write.sign is not None and write.value is not None:
            if write.sign not in ratings or at >= ratings[write.sign].at:
                ratings[write.sign] = TimedRating(write.value, at)
        elif write.kind == "skip" and write.sign is not None:
            skips.setdefault(write.sign, at)
        elif write.kind == "complete":
            completed_at = at if completed_at is None else min(completed_at, at)
    skips = {sign_id: at for sign_id, at in skips.items() if sign_id not in ratings}
    return WeekUpdate(ratings=ratings, skips=skips, completed_at=completed_at, streak=streak)


def _by_sign(writes: Sequence[PendingWrite]) -> list[list[PendingWrite]]:
    """The writes of each sign together, in order of first appearance; completion marks last."""
    groups: dict[str | None, list[PendingWrite]] = {}
    for write in writes:
        groups.setdefault(write.sign if write.kind != "complete" else None, []).append(write)
    completion = groups.pop(None, [])
    return [*groups.values(), *([completion] if completion else [])]


def _settle(turn: Turn, writes: Sequence[PendingWrite], live: PendingWrite | None) -> None:
    """Take writes that are in the table (or were outdated by a newer answer there) out of the pending list."""
    settled = {id(write) for write in writes}
    turn.state.pending[:] = [write for write in turn.state.pending if id(write) not in settled]
    for write in writes:
        if write is not live:
            count("PendingWritesStored")


def _store_week(
    turn: Turn, user: UserKey, week: str, writes: Sequence[PendingWrite], live: PendingWrite | None
) -> bool:
    """Store one scope's week: folded in one call, or, when the table refuses the fold because some answer
    there is newer, sign by sign so that the newer answers stay and the others land. False when time ran out
    first (what is left stays pending). Raises :class:`StorageUnavailable`."""
    if not time_for_a_call():
        return False
    update = fold(writes, turn.now)
    if turn.store.save_week(user, week, update):
        _settle(turn, writes, live)
        return True
    for part in _by_sign(writes):
        if not time_for_a_call():
            return False
        # Refused means a newer rating of this sign is stored, or the skip met a rating: settled either way.
        turn.store.save_week(user, week, fold(part, turn.now, streak=update.streak))
        _settle(turn, part, live)
    return True


def _flush(turn: Turn, live: PendingWrite | None = None) -> bool:
    state = turn.state
    while state.pending:
        first = state.pending[0]
        writes = [write for write in state.pending if (write.scope, write.week) == (first.scope, first.week)]
        # The answer's own scope, on this account: never the scope of whoever is speaking now.
        user = UserKey(account=turn.user.account, scope=first.scope)
        try:
            stored = _store_week(turn, user, first.week, writes, live)
        except StorageUnavailable as error:
            logger.warning(
                "Pending answers still not stored",
                extra={"operation": error.operation, "code": error.code, "pending": len(state.pending)},
            )
            return False
        if not stored:
            logger.warning("Out of time for storing answers: kept for later", extra={"pending": len(state.pending)})
            return False
    return True


def flush_pending(turn: Turn) -> bool:
    """Store what earlier turns could not, as far as time allows. True when nothing is left pending."""
    return _flush(turn)


def save(turn: Turn, write: PendingWrite, *with_it: PendingWrite) -> bool:
    """Store one answer now, together with anything pending (and ``with_it``, such as the completion mark that
    rides on the week's last answer), or keep it for later. True only when it is really in the table (or a
    newer answer of the same sign already is)."""
    turn.state.pending.extend((write, *with_it))
    _flush(turn, live=write)
    if any(pending is write for pending in turn.state.pending):
        count("WritesDeferred")
        return False
    return True


def _answer(
    turn: Turn, kind: str, sign_id: str | None = None, value: int | None = None, streak: int | None = None
) -> PendingWrite:
    """An answer given in this turn: its time, and the scope of the voice that gave it, travel with it."""
    return PendingWrite(
        kind=kind,
        week=turn.week(),
        sign=sign_id,
        value=value,
        at=turn.now.isoformat(),
        streak=streak,
        scope=turn.user.scope,
    )


def rating(turn: Turn, sign_id: str, value: int, streak: int | None = None) -> PendingWrite:
    return _answer(turn, "rating", sign_id, value, streak)


def skip(turn: Turn, sign_id: str, streak: int | None = None) -> PendingWrite:
    return _answer(turn, "skip", sign_id, streak=streak)


def completion(turn: Turn) -> PendingWrite:
    return _answer(turn, "complete")
