"""The Alexa Reminders API, as the skill uses it: one weekly reminder per person.

Calls go through the ASK SDK's ``ReminderManagementServiceClient`` (``handler_input.service_client_factory``),
which sends them with :class:`therapy_checkin.alexa_api.TimedApiClient` to the request's ``apiEndpoint`` with
its ``apiAccessToken``, so a hung call costs about a second, not the turn.

Every failure becomes :class:`RemindersUnavailable` with a :class:`Failure` kind that decides what the user
hears: the permission is missing (401, 403), Alexa is busy (429), or anything else (5xx, a timeout, an answer
that cannot be read). A reminder that is not found (404) is :class:`ReminderGone`: the user deleted it in the
Alexa app, so it is simply no longer there.

Only the status code and the kind of failure are ever logged: never the reminder's ID or its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from ask_sdk_core.handler_input import HandlerInput

from therapy_checkin.domain.reminders import Schedule, parse_rule
from therapy_checkin.observability import count, logger

SCOPE = "alexa::alerts:reminders:skill:readwrite"
"""The permission scope for creating and changing the skill's own reminders (declared in skill.json)."""


class Failure(Enum):
    PERMISSION = "permission"
    """401 or 403: the skill may not (or may no longer) set reminders for this user."""
    BUSY = "busy"
    """429: too many calls; trying again later works."""
    UNAVAILABLE = "unavailable"
    """5xx, a timeout, a bad request or an unreadable answer."""


class RemindersUnavailable(Exception):
    """A Reminders API call failed; nothing was changed by it as far as the skill can tell."""

    def __init__(self, failure: Failure, status: int | None) -> None:
        super().__init__(f"reminders call failed: {failure.value} ({status})")
        self.failure = failure
        self.status = status


class ReminderGone(Exception):
    """The reminder is not there any more (404): deleted in the Alexa app, or never made."""


@dataclass(frozen=True)
class Reminder:
    """A reminder as Alexa holds it: its ID and, when it is one of this skill's weekly ones, its schedule."""

    reminder_id: str
    schedule: Schedule | None


def has_permission(handler_input: HandlerInput) -> bool:
    """Whether the request says the user granted the reminders scope (``context.System.user.permissions``)."""
    system = handler_input.request_envelope.context.system if handler_input.request_envelope.context else None
    permissions = system.user.permissions if system and system.user else None
    scopes = getattr(permissions, "scopes", None) or {}
    scope = scopes.get(SCOPE) if isinstance(scopes, dict) else None
    status = getattr(getattr(scope, "status", None), "value", getattr(scope, "status", None))
    return status == "GRANTED"


def _client(handler_input: HandlerInput) -> Any:
    return handler_input.service_client_factory.get_reminder_management_service()


def _call(operation: str, call: Any) -> Any:
    """Run one API call; turn its failure into :class:`RemindersUnavailable` or :class:`ReminderGone`."""
    from ask_sdk_model.services import ServiceException

    try:
        return call()
    except ServiceException as error:
        status = error.status_code if isinstance(error.status_code, int) else None
        if status == 404:
            raise ReminderGone from None
        failure = Failure.PERMISSION if status in (401, 403) else Failure.BUSY if status == 429 else Failure.UNAVAILABLE
    except Exception as error:  # noqa: BLE001 - the SDK may raise anything (ValueError without an endpoint)
        logger.warning("Reminders call failed", extra={"operation": operation, "error_type": type(error).__name__})
        count("RemindersUnavailable")
        raise RemindersUnavailable(Failure.UNAVAILABLE, None) from None
    logger.warning("Reminders call failed", extra={"operation": operation, "code": status, "reason": failure.value})
    count("RemindersUnavailable")
    raise RemindersUnavailable(failure, status)


def reminder_request(schedule: Schedule, time_zone: str | None, now: datetime, locale: str, text: str) -> Any:
    """The body of a create or update call: a weekly rule in the user's time zone, spoken in their locale.

    The rule (``recurrenceRules``) carries the day and time; ``startDateTime`` and ``requestTime`` are the user's
    local time now, without an offset, as the API wants, and the time zone is named in ``timeZoneId``.
    """
    from ask_sdk_model.services.reminder_management import (
        AlertInfo,
        PushNotification,
        PushNotificationStatus,
        Recurrence,
        ReminderRequest,
        SpokenInfo,
        SpokenText,
        Trigger,
        TriggerType,
    )

    zone = time_zone or "UTC"
    local_now = now.astimezone(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0)
    return ReminderRequest(
        request_time=local_now,
        trigger=Trigger(
            object_type=TriggerType.SCHEDULED_ABSOLUTE,
            time_zone_id=zone,
            recurrence=Recurrence(start_date_time=local_now, recurrence_rules=[schedule.rule]),
        ),
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])),
        push_notification=PushNotification(status=PushNotificationStatus.DISABLED),
    )


def create(handler_input: HandlerInput, request: Any) -> str:
    """Create a reminder; returns its ID."""
    response = _call("create", lambda: _client(handler_input).create_reminder(request))
    reminder_id = getattr(response, "alert_token", None)
    if not isinstance(reminder_id, str) or not reminder_id:
        logger.warning("Reminders call failed", extra={"operation": "create", "reason": "no id"})
        count("RemindersUnavailable")
        raise RemindersUnavailable(Failure.UNAVAILABLE, None)
    return reminder_id


def update(handler_input: HandlerInput, reminder_id: str, request: Any) -> None:
    """Change an existing reminder in place: it keeps its ID. Raises :class:`ReminderGone` if it is not there."""
    _call("update", lambda: _client(handler_input).update_reminder(reminder_id, request))


def delete(handler_input: HandlerInput, reminder_id: str) -> None:
    """Delete a reminder. One that is already gone counts as deleted."""
    try:
        _call("delete", lambda: _client(handler_input).delete_reminder(reminder_id))
    except ReminderGone:
        return


def fetch(handler_input: HandlerInput, reminder_id: str) -> Reminder:
    """The reminder as Alexa holds it now. Raises :class:`ReminderGone` if it is not there.

    Read with a plain GET rather than the SDK's ``get_reminder``: ask-sdk-model 1.82 cannot deserialise the
    answer (its ``AlertInfo`` names a module, ``alert_info_spoken_info``, that the package does not ship), so any
    reminder with spoken text would fail to read. Only the recurrence rule is taken from the JSON.
    """
    import json
    from urllib.parse import quote

    from ask_sdk_model.services import ApiClientRequest

    # The skill's own API settings: the request's endpoint and token, and the client with its timeout.
    factory = handler_input.service_client_factory
    configuration = factory.api_configuration if factory is not None else None
    endpoint = configuration.api_endpoint if configuration is not None else None
    token = configuration.authorization_value if configuration is not None else None
    if configuration is None or configuration.api_client is None or not endpoint or not token:
        raise RemindersUnavailable(Failure.UNAVAILABLE, None)
    api_client = configuration.api_client
    request = ApiClientRequest(
        url=f"{endpoint.rstrip('/')}/v1/alerts/reminders/{quote(reminder_id, safe='')}",
        method="GET",
        headers=[("Authorization", f"Bearer {token}"), ("Accept", "application/json")],
    )

    def get() -> Any:
        from ask_sdk_model.services import ServiceException

        response = api_client.invoke(request)
        if not 200 <= (response.status_code or 0) < 300:
            raise ServiceException("Reminders API error", response.status_code, None, None)
        return json.loads(response.body or "null")

    body = _call("get", get)
    trigger = body.get("trigger") if isinstance(body, dict) else None
    recurrence = trigger.get("recurrence") if isinstance(trigger, dict) else None
    rules = recurrence.get("recurrenceRules") if isinstance(recurrence, dict) else None
    rules = rules if isinstance(rules, list) else []
    schedule = parse_rule(rules[0]) if len(rules) == 1 and isinstance(rules[0], str) else None
    return Reminder(reminder_id, schedule)
