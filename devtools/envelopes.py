"""Request envelopes shaped as Alexa sends them, for tests and the local console."""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

TEST_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000001"
ALEXA_API_ENDPOINT = "https://api.amazonalexa.com"
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
EMAIL_SCOPE = "alexa::profile:email:read"
ACCESS_TOKEN = "local-access-token"  # noqa: S105 - a stand-in, accepted only by the fake Alexa API
EMAIL_GRANT = "+email"
"""Added to the access token once the email scope is granted: Alexa's token carries the scopes the user granted,
and the fake Alexa API (``devtools/fake_alexa_api.py``) answers the address only to such a token."""
API_ENDPOINT_VARIABLE = "ALEXA_API_ENDPOINT"
"""Set it (for example to ``devtools/fake_alexa_api.py``'s URL) to send new devices' API calls elsewhere."""


def _id(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4()}"


@dataclass
class Device:
    """Who is talking to the skill, and from what."""

    user_id: str = field(default_factory=lambda: _id("amzn1.ask.account"))
    person_id: str | None = None
    device_id: str = field(default_factory=lambda: _id("amzn1.ask.device"))
    locale: str = "en-US"
    skill_id: str = TEST_SKILL_ID
    api_endpoint: str = field(default_factory=lambda: os.environ.get(API_ENDPOINT_VARIABLE, ALEXA_API_ENDPOINT))
    """Where the skill calls Alexa's APIs (the time zone): Alexa's own, or a fake one named by the environment."""
    supports_apl: bool = False
    reminder_permission: str | None = None
    """The reminders scope's status in ``context.System.user.permissions`` ("GRANTED", "DENIED"), or None when the
    user never answered; Alexa sends the scope once it was granted."""
    email_permission: bool = False
    """Whether the user granted the account's email address (``alexa::profile:email:read``): it shows only in the
    access token, which the Customer Profile API honours."""


def timestamp(moment: datetime | None = None) -> str:
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _system(device: Device) -> dict[str, Any]:
    interfaces: dict[str, Any] = {}
    if device.supports_apl:
        interfaces["Alexa.Presentation.APL"] = {"runtime": {"maxVersion": "2024.2"}}
    user: dict[str, Any] = {"userId": device.user_id}
    if device.reminder_permission is not None:
        user["permissions"] = {"scopes": {REMINDERS_SCOPE: {"status": device.reminder_permission}}}
    system: dict[str, Any] = {
        "application": {"applicationId": device.skill_id},
        "user": user,
        "device": {"deviceId": device.device_id, "supportedInterfaces": interfaces},
        "apiEndpoint": device.api_endpoint,
        "apiAccessToken": ACCESS_TOKEN + (EMAIL_GRANT if device.email_permission else ""),
    }
    if device.person_id:
        system["person"] = {"personId": device.person_id}
    return system


def envelope(
    device: Device,
    request: dict[str, Any],
    session_id: str | None,
    attributes: dict[str, Any] | None,
    new: bool,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Wrap a request body in the envelope Alexa sends; ``session_id=None`` leaves the session out."""
    body = {"requestId": _id("amzn1.echo-api.request"), "timestamp": timestamp(now), "locale": device.locale, **request}
    event: dict[str, Any] = {
        "version": "1.0",
        "context": {"System": _system(device)},
        "request": body,
    }
    if session_id is not None:
        session: dict[str, Any] = {
            "new": new,
            "sessionId": session_id,
            "application": {"applicationId": device.skill_id},
            "user": {"userId": device.user_id},
        }
        if attributes:
            session["attributes"] = attributes
        event["session"] = session
    return event


def launch_request() -> dict[str, Any]:
    return {"type": "LaunchRequest", "shouldLinkResultBeReturned": False}


def intent_request(name: str, slots: dict[str, Any] | None = None) -> dict[str, Any]:
    """An IntentRequest. Slot values may be strings or ready-made slot dicts (for resolutions)."""
    shaped: dict[str, Any] = {}
    for slot_name, value in (slots or {}).items():
        if isinstance(value, dict):
            shaped[slot_name] = {"name": slot_name, "confirmationStatus": "NONE", "source": "USER", **value}
        else:
            shaped[slot_name] = {"name": slot_name, "value": value, "confirmationStatus": "NONE", "source": "USER"}
    intent: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if shaped:
        intent["slots"] = shaped
    return {"type": "IntentRequest", "intent": intent}


def resolved_slot(
    value: str, ids: list[tuple[str, str]], type_name: str, skill_id: str = TEST_SKILL_ID
) -> dict[str, Any]:
    """A custom slot as Alexa fills it: what was heard, plus entity resolution to the type's value IDs."""
    authority = f"amzn1.er-authority.echo-sdk.{skill_id}.{type_name}"
    if ids:
        resolution = {
            "authority": authority,
            "status": {"code": "ER_SUCCESS_MATCH"},
            "values": [{"value": {"name": name, "id": value_id}} for name, value_id in ids],
        }
    else:
        resolution = {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
    return {"value": value, "resolutions": {"resolutionsPerAuthority": [resolution]}}


PERMISSION_TOKENS = {REMINDERS_SCOPE: "weekly-reminder"}
"""The token the skill puts on each ``AskFor`` voice permission request, which Alexa returns as it is."""


def connections_response(
    status: str, code: str = "200", name: str = "AskFor", scope: str = REMINDERS_SCOPE
) -> dict[str, Any]:
    """Alexa's answer to a ``Connections.SendRequest`` (the voice permission request for ``scope``): ACCEPTED,
    DENIED or NOT_ANSWERED, with a status code other than 200 when the request could not be made."""
    return {
        "type": "Connections.Response",
        "name": name,
        "status": {"code": code, "message": "OK" if code == "200" else "Error"},
        "payload": {"permissionScope": scope, "status": status},
        "token": PERMISSION_TOKENS.get(scope, ""),
    }


def session_resumed_request(
    token: str | None, scopes: list[dict[str, Any]], status: str | None, code: str = "200"
) -> dict[str, Any]:
    """Alexa handing the session back after voice-forward consent (a ``Connections.StartConnection`` to
    ``AMAZON.AskForPermissionsConsent/2``): the directive's ``token`` as it was sent, the connection's status, and
    each requested scope (``{"permissionScope", "consentLevel"}``) with its ``permissionStatus``, GRANTED or
    DENIED. ``status=None`` or a code other than 200 leaves the result out: the question went unanswered or
    could not be asked."""
    cause: dict[str, Any] = {
        "type": "ConnectionCompleted",
        "status": {"code": code, "message": "OK" if code == "200" else "Error"},
    }
    if token is not None:
        cause["token"] = token
    if status is not None and code == "200":
        cause["result"] = {"permissionScopes": [{**scope, "permissionStatus": status} for scope in scopes]}
    return {"type": "SessionResumedRequest", "cause": cause}


def session_ended_request(reason: str = "USER_INITIATED") -> dict[str, Any]:
    return {"type": "SessionEndedRequest", "reason": reason}


@dataclass
class FakeLambdaContext:
    """The attributes of Lambda's context object that Powertools and the skill read. As in Lambda, the time
    left counts down from the function's timeout (7 s, as in ``template.yaml``) from when it is created."""

    function_name: str = "therapy-checkin-local"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:therapy-checkin-local"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    timeout_ms: int = 7000
    started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self.timeout_ms - int((time.monotonic() - self.started) * 1000))
