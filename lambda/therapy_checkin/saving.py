"""Writing answers so that none is lost when DynamoDB is having a bad moment.

Every answer is written the moment it is given. When the table cannot take it (throttled, a 5xx, a timeout,
access denied), the answer is kept in the session as a :class:`~therapy_checkin.session.PendingWrite` and the
user hears one honest sentence. Each later turn (and the end of the session) first tries to store what is
pending, oldest first, so nothing given in a session is lost if the table recovers before the session ends.
The skill never says "saved" about anything still pending.
"""

from __future__ import annotations

from therapy_checkin.domain.weeks import parse_timestamp
from therapy_checkin.observability import count, logger
from therapy_checkin.session import PendingWrite
from therapy_checkin.storage import CheckInStore, StorageUnavailable, UserKey
from therapy_checkin.turn import Turn


def _apply(store: CheckInStore, user: UserKey, write: PendingWrite) -> None:
    at = parse_timestamp(write.at)
    if write.kind == "rating" and write.sign is not None and write.value is not None:
        store.save_rating(user, write.week, write.sign, write.value, at, streak=write.streak)
    elif write.kind == "skip" and write.sign is not None:
        store.save_skip(user, write.week, write.sign, at, streak=write.streak)
    elif write.kind == "complete":
        store.mark_completed(user, write.week, at)


def flush_pending(turn: Turn) -> bool:
    """Store what earlier turns could not, oldest first. True when nothing is left pending."""
    state = turn.state
    while state.pending:
        try:
            _apply(turn.store, turn.user, state.pending[0])
        except StorageUnavailable as error:
            logger.warning(
                "Pending answers still not stored",
                extra={"operation": error.operation, "code": error.code, "pending": len(state.pending)},
            )
            return False
        state.pending.pop(0)
        count("PendingWritesStored")
    return True


def save(turn: Turn, write: PendingWrite) -> bool:
    """Store one answer now, or keep it for later. True only when it is really in the table.

    Earlier pending answers go first, so a later answer for the same sign can never be overwritten by an older
    one arriving late.
    """
    if flush_pending(turn):
        try:
            _apply(turn.store, turn.user, write)
            return True
        except StorageUnavailable as error:
            logger.warning("Answer kept for later", extra={"operation": error.operation, "code": error.code})
    turn.state.pending.append(write)
    count("WritesDeferred")
    return False


def rating(turn: Turn, sign_id: str, value: int, streak: int | None = None) -> PendingWrite:
    return PendingWrite(
        kind="rating", week=turn.week(), sign=sign_id, value=value, at=turn.now.isoformat(), streak=streak
    )


def skip(turn: Turn, sign_id: str, streak: int | None = None) -> PendingWrite:
    return PendingWrite(kind="skip", week=turn.week(), sign=sign_id, at=turn.now.isoformat(), streak=streak)


def completion(turn: Turn) -> PendingWrite:
    return PendingWrite(kind="complete", week=turn.week(), at=turn.now.isoformat())
