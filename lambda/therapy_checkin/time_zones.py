"""The user's own time zone, so that a week is the user's Monday to Sunday, not UTC's.

Where it comes from: the Alexa Settings API (the device's ``System.timeZone``), through the ASK SDK's service
client and :class:`therapy_checkin.alexa_api.TimedApiClient`, so one call costs at most about a second.

What it costs: one call per user per month. The answer is kept

* in session state, so later turns of the session never look again (:meth:`therapy_checkin.turn.Turn.time_zone`);
* on the profile item with the time it was read (``timeZone``, ``timeZoneAt``), so later sessions read it with
  the history they load anyway. It is read again from Alexa once it is older than :data:`REFRESH_AFTER`,
  because people move and devices are re-set; a refresh that fails keeps the stored zone.

When Alexa gives no answer (no ``apiEndpoint`` or token in the request, an error status, a timeout, anything
unexpected) the week is counted in UTC and the user hears nothing about it. The failure is remembered for the
rest of the session so the user never waits twice, and the profile is left alone so the next session tries
again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ask_sdk_core.handler_input import HandlerInput

from therapy_checkin.observability import count, logger
from therapy_checkin.storage import Profile

REFRESH_AFTER = timedelta(days=30)


@dataclass(frozen=True)
class Resolved:
    """Where the week is counted, and what, if anything, the profile should learn."""

    zone: str | None
    """An IANA name, or ``None`` for UTC."""
    to_store: str | None = None
    """A zone freshly read from Alexa, for the turn to write to the profile (once, with anything else it writes)."""
    unavailable: bool = False
    """Alexa could not tell: UTC for the rest of the session, without asking again."""


def needs_lookup(profile: Profile | None, now: datetime) -> bool:
    """Whether Alexa must be asked: no usable zone on the profile, or one read more than a month ago."""
    return not (profile is not None and valid_zone(profile.time_zone) and _fresh(profile.time_zone_at, now))


def resolve(profile: Profile | None, now: datetime, fetched: str | None) -> Resolved:
    """The zone to use, from the profile and (when :func:`needs_lookup` said so) what Alexa answered.

    A plain function of its inputs: the turn reads the profile and asks Alexa, this decides. A refresh that
    fails keeps the stored zone; a stored zone that is unusable counts as none.
    """
    stored = profile.time_zone if profile is not None and valid_zone(profile.time_zone) else None
    if not needs_lookup(profile, now):
        return Resolved(zone=stored)
    if fetched is not None:
        return Resolved(zone=fetched, to_store=fetched)
    if stored is not None:
        return Resolved(zone=stored)
    return Resolved(zone=None, unavailable=True)


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
