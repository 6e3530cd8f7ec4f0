"""The turn's time budget: no call to DynamoDB or to Alexa's APIs starts unless it can finish in time.

Alexa waits 8 seconds for an answer and Lambda stops the function after 7 (``template.yaml``). A DynamoDB call
costs at most about 2.4 s (two attempts, each with its connect and read timeouts, and a backoff between them;
see :data:`therapy_checkin.storage.MAX_ATTEMPTS`), an Alexa API call at most about 2 s (a 1 s timeout on
connecting and on reading). So no call starts once less than :data:`RESERVE_MS` is left: the turn then answers
with what it has ("I couldn't save that just now", "I can't delete anything just now"), calmly and in time,
instead of being cut off by Lambda, which Alexa would read out as an error.

The clock is Lambda's own (``context.get_remaining_time_in_millis``), asked before each call, so a slow table
counts; where the context cannot tell (a local runner), the time since the turn began is counted against the
function's timeout. :func:`begin_turn` is called once per request, before any handler.
"""

from __future__ import annotations

import contextvars
import math
import time
from collections.abc import Callable
from typing import Any

FUNCTION_TIMEOUT_MS = 7000
"""The function's timeout in ``template.yaml``; used only when Lambda's context cannot say what is left."""
RESERVE_MS = 2500
"""Time kept back from every call: the longest a call can take, and a little for the answer itself."""

_started: contextvars.ContextVar[float | None] = contextvars.ContextVar("turn_started", default=None)
_lambda_clock: contextvars.ContextVar[Callable[[], Any] | None] = contextvars.ContextVar("lambda_clock", default=None)


def begin_turn(context: object = None) -> None:
    """Start this request's budget, with the Lambda context that knows how much time is left (if any)."""
    _started.set(time.monotonic())
    clock = getattr(context, "get_remaining_time_in_millis", None)
    _lambda_clock.set(clock if callable(clock) else None)


def seconds_into_turn() -> float:
    """How long this turn has run since :func:`begin_turn`."""
    started = _started.get()
    return 0.0 if started is None else time.monotonic() - started


def remaining_ms() -> int:
    """Milliseconds left before Lambda stops this invocation: from its context when it can tell, otherwise
    counted from the start of the turn against the function's timeout."""
    clock = _lambda_clock.get()
    if clock is not None:
        try:
            left: Any = clock()
        except Exception:  # noqa: BLE001 - a context that cannot tell is treated as absent
            left = None
        if isinstance(left, int | float) and not isinstance(left, bool) and math.isfinite(left):
            return int(left)
    return FUNCTION_TIMEOUT_MS - int(seconds_into_turn() * 1000)


def time_for_a_call() -> bool:
    """Whether a call started now would end before the function's time runs out."""
    return remaining_ms() >= RESERVE_MS
