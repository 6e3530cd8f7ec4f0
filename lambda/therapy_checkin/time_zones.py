"""The user's own time zone, so that a week is the user's Monday to Sunday, not UTC's.

Where it comes from: the Alexa Settings API (the device's ``System.timeZone``), through the ASK SDK's service
client and :class:`therapy_checkin.alexa_api.TimedApiClient`, so one call costs at most about a second.

What it costs: one call per user per month. The answer is kept

* in session state, so later turns of the session never look again;
* on the profile item with the time it was read (``timeZone``, ``timeZoneAt``), so later sessions read it with
  the history they load anyway. It is read again from Alexa once it is older than :data:`REFRESH_AFTER`,
  because people move and devices are re-set; a refresh that fails keeps the stored zone.

When Alexa gives no answer (no ``apiEndpoint`` or token in the request, an error status, a timeout, anything
unexpected) the week is counted in UTC and the user hears nothing about it. The failure is remembered for the
rest of the session so the user never waits twice, and the profile is left alone so the next session tries
again.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ask_sdk_core.handler_input import HandlerInput

from therapy_checkin.observability import count, logger
from therapy_checkin.storage import StorageUnavailable

if TYPE_CHECKING:
    from therapy_checkin.turn import Turn

REFRESH_AFTER = timedelta(days=30)


def user_time_zone(turn: Turn) -> str | None:
    """The user's IANA time zone, or ``None`` for UTC. Calls Alexa only when nothing fresh is stored."""
    state = turn.state
    if state.time_zone:
        return state.time_zone
    if state.time_zone_unavailable:
        return None
    profile = turn.history().profile
    stored = profile.time_zone if profile and valid_zone(profile.time_zone) else None
    if stored and profile and _fresh(profile.time_zone_at, turn.now):
        state.time_zone = stored
        return stored
    fetched = fetch_time_zone(turn.handler_input)
    if fetched:
        with contextlib.suppress(StorageUnavailable):  # kept in the session; the next session stores it
            turn.store.save_profile(turn.user, turn.now, time_zone=fetched)
        state.time_zone = fetched
        return fetched
    if stored:
        state.time_zone = stored
        return stored
    state.time_zone_unavailable = True
    return None


def fetch_time_zone(handler_input: HandlerInput) -> str | None:
    """Ask Alexa for the device's time zone; ``None`` on any failure (logged by type only)."""
    system = handler_input.request_envelope.context.system if handler_input.request_envelope.context else None
    device_id = system.device.device_id if system and system.device else None
    if not (system and system.api_endpoint and system.api_access_token and device_id):
        return None
    try:
        ups = handler_input.service_client_factory.get_ups_service()
        name = ups.get_system_time_zone(device_id)
    except Exception as error:  # noqa: BLE001 - any failure means UTC, silently
        logger.info("Time zone unavailable", extra={"error_type": type(error).__name__})
        count("TimeZoneUnavailable")
        return None
    if not isinstance(name, str) or not valid_zone(name):
        logger.info("Time zone unusable")
        count("TimeZoneUnavailable")
        return None
    return name


def valid_zone(name: str | None) -> bool:
    if not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _fresh(read_at: str | None, now: datetime) -> bool:
    if not read_at:
        return False
    try:
        moment = datetime.fromisoformat(read_at)
    except ValueError:
        return False
    if moment.tzinfo is None:
        return False
    return now - moment < REFRESH_AFTER
