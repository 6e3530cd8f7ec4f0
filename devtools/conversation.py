"""Hold a conversation with the real ``lambda_handler``, carrying the session the way Alexa does.

Alexa sends the session attributes of the last response back with the next request, marks the first request
of a session ``new``, and starts a new session after a response that ends one. This class does the same, so
tests and the console exercise exactly what a device would.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from devtools.envelopes import (
    EMAIL_SCOPE,
    REMINDERS_SCOPE,
    Device,
    FakeLambdaContext,
    connections_response,
    envelope,
    intent_request,
    launch_request,
    session_ended_request,
    session_resumed_request,
)

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def plain_text(ssml: str | None) -> str:
    """SSML as a person would hear it: tags removed, whitespace folded, and no space left before punctuation where
    a tag ended ("<say-as ...>988</say-as>." reads "988.")."""
    if not ssml:
        return ""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", ssml)).strip()
    return re.sub(r" +(?=[.,;:!?])", "", text)


@dataclass
class Reply:
    """What Alexa would say and show for one request."""

    raw: dict[str, Any]

    @property
    def response(self) -> dict[str, Any]:
        response: dict[str, Any] = self.raw.get("response") or {}
        return response

    @property
    def speech(self) -> str:
        return plain_text((self.response.get("outputSpeech") or {}).get("ssml"))

    @property
    def reprompt(self) -> str:
        reprompt = self.response.get("reprompt") or {}
        return plain_text((reprompt.get("outputSpeech") or {}).get("ssml"))

    @property
    def card(self) -> dict[str, Any] | None:
        card: dict[str, Any] | None = self.response.get("card")
        return card

    @property
    def ends_session(self) -> bool:
        return bool(self.response.get("shouldEndSession"))

    @property
    def attributes(self) -> dict[str, Any]:
        attributes: dict[str, Any] = self.raw.get("sessionAttributes") or {}
        return attributes

    @property
    def directives(self) -> list[dict[str, Any]]:
        directives: list[dict[str, Any]] = self.response.get("directives") or []
        return directives


@dataclass
class Conversation:
    """One device talking to the skill. ``now`` is the simulated clock sent in each request's timestamp."""

    handler: Handler
    device: Device = field(default_factory=Device)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    history: list[Reply] = field(default_factory=list)
    context: Callable[[], Any] = FakeLambdaContext
    """Makes the Lambda context for each request (tests pass one with less time left, or none at all)."""

    @property
    def in_session(self) -> bool:
        return self.session_id is not None

    def send(self, request: dict[str, Any]) -> Reply:
        """Send one request body in the current session, or in a new one when none is open."""
        new = self.session_id is None
        if new:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
            self.attributes = {}
        event = envelope(self.device, request, self.session_id, self.attributes, new, self.now)
        reply = Reply(self.handler(event, self.context()))
        self.history.append(reply)
        if request.get("type") == "SessionEndedRequest" or reply.ends_session:
            self.session_id, self.attributes = None, {}
        else:
            self.attributes = reply.attributes
        return reply

    def launch(self) -> Reply:
        """ "Alexa, open therapy check in": always a new session, as on a device."""
        self.session_id = None
        return self.send(launch_request())

    def intent(self, name: str, **slots: Any) -> Reply:
        return self.send(intent_request(name, slots))

    def rate(self, value: str | int) -> Reply:
        return self.intent("RateIntent", rating=str(value))

    def permission_answer(self, status: str, code: str = "200") -> Reply:
        """Alexa's answer to the skill's ``AskFor`` voice permission request for reminders. After ACCEPTED,
        requests carry the granted scope, as Alexa's do."""
        reply = self.send(connections_response(status, code, scope=REMINDERS_SCOPE))
        if status == "ACCEPTED" and code == "200":
            self.device.reminder_permission = "GRANTED"
        return reply

    def consent_answer(self, status: str | None, code: str = "200", token: str | None = None) -> Reply:
        """Alexa resuming the session after asking, by voice, for the scopes the skill's last reply requested with
        ``Connections.StartConnection``: each scope GRANTED or DENIED (``status``), or no result (``None``, or a
        code other than 200). The token goes back as the skill sent it unless ``token`` replaces it (then the
        answer is to some other request, and grants nothing here). Once the email scope is granted, requests carry
        it in their access token, as Alexa's do."""
        (directive,) = [d for d in self.history[-1].directives if d.get("type") == "Connections.StartConnection"]
        scopes: list[dict[str, Any]] = directive["input"]["permissionScopes"]
        granted = status == "GRANTED" and code == "200" and token is None
        if granted and any(scope["permissionScope"] == EMAIL_SCOPE for scope in scopes):
            self.device.email_permission = True
        sent_token = directive.get("token") if token is None else token
        return self.send(session_resumed_request(sent_token, scopes, status, code))

    def end_session(self, reason: str = "USER_INITIATED") -> Reply | None:
        """The session closes without the skill ending it (the user walked away)."""
        if self.session_id is None:
            return None
        return self.send(session_ended_request(reason))

    def advance(self, **delta: float) -> None:
        """Move the simulated clock, e.g. ``advance(weeks=1)``."""
        self.now += timedelta(**delta)
