"""The server's own clock, for decisions a request must not be able to steer.

A request's ``timestamp`` says when Alexa sent it, but anyone who can send a request can write any time there.
Weeks follow it (an answer belongs to the week the user spoke in); the passcode lock must not, or a request
dated tomorrow would walk straight past a lock. Whatever judges the lock reads :func:`server_now`, through this
module (``clock.server_now()``), so tests move time by replacing this one function and never sleep.
"""

from __future__ import annotations

from datetime import UTC, datetime


def server_now() -> datetime:
    """The current time on this machine, in UTC."""
    return datetime.now(UTC)
