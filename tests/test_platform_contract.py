"""Every part of a request the skill relies on is one Alexa actually sends, given skill.json, or is handled when
Alexa leaves it out.

A skill may ask for a permission (a voice request, a card, a call to an API it guards) only where skill.json
declares its scope: the reminders, and the account's email address for the progress report, whose Customer
Profile API answers only to an ``apiAccessToken`` that carries the granted scope.

Alexa puts ``context.System.person`` in a request only for a skill that requests Skills Personalization
(``alexa::person_id:read``) and only for a recognised voice whose owner turned "Personalize skills" on; the
reminders scope's status only for a skill that declares it; APL's interface only for a skill that declares it
and a device with a screen. ``apiEndpoint``, ``apiAccessToken`` and ``deviceId`` come with every request from a
device, but not from every client (virtual-alexa leaves them out), so the skill must work without them too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devtools.conversation import Conversation
from devtools.envelopes import Device
from tests.conftest import Handler, user_items
from tests.test_report import seed
from therapy_checkin.storage import UserKey

ROOT = Path(__file__).resolve().parent.parent
SKILL_CODE = ROOT / "lambda" / "therapy_checkin"
MANIFEST = json.loads((ROOT / "skill-package" / "skill.json").read_text(encoding="utf-8"))["manifest"]

Talk = Callable[..., Conversation]

# What the code reads from a request's context, how to find it in the code, and what makes Alexa send it:
# ("permission", name) in the manifest, ("interface", type) in the manifest, or ("always", why) for what every
# device sends (the test below still runs conversations without it).
REQUEST_FIELDS: dict[str, tuple[str, tuple[str, str]]] = {
    "context.System.person": (r"\"person\"|\.person\b", ("permission", "alexa::person_id:read")),
    "context.System.user.permissions": (
        r"user\.permissions",
        ("permission", "alexa::alerts:reminders:skill:readwrite"),
    ),
    "context.System.device.supportedInterfaces": (
        r"get_supported_interfaces|supported_interfaces",
        ("interface", "ALEXA_PRESENTATION_APL"),
    ),
    "context.System.apiEndpoint": (r"api_endpoint", ("always", "every device request")),
    "context.System.apiAccessToken": (r"api_access_token", ("always", "every device request")),
    "context.System.device.deviceId": (r"device_id", ("always", "every device request")),
}
"""Add a row when the code starts reading another part of the request."""

WATCHED = re.compile(
    r"\.(person|permissions|api_endpoint|api_access_token|device_id)\b|getattr\([^)]*\"(person|permissions)\"|supported_interfaces"
)
"""Code that reads one of these parts of a request: an attribute access, or a getattr by name."""


def code_lines() -> list[tuple[str, str]]:
    return [
        (f"{path.relative_to(ROOT)}:{number}", line)
        for path in sorted(SKILL_CODE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if not line.lstrip().startswith("#")
    ]


def test_every_part_of_the_request_the_code_reads_is_listed() -> None:
    unlisted = [
        f"{place}: {line.strip()}"
        for place, line in code_lines()
        if WATCHED.search(line) and not any(re.search(pattern, line) for pattern, _ in REQUEST_FIELDS.values())
    ]
    assert unlisted == []
    for name, (pattern, _) in REQUEST_FIELDS.items():
        assert any(re.search(pattern, line) for _, line in code_lines()), f"{name} is no longer read: drop its row"


@pytest.mark.parametrize("field", sorted(REQUEST_FIELDS))
def test_what_the_code_reads_is_requested_in_the_manifest(field: str) -> None:
    kind, name = REQUEST_FIELDS[field][1]
    if kind == "permission":
        assert name in {permission["name"] for permission in MANIFEST["permissions"]}
    elif kind == "interface":
        assert name in {interface["type"] for interface in MANIFEST["apis"]["custom"]["interfaces"]}
    else:
        assert kind == "always"


SCOPE_LITERAL = re.compile(r"\"(alexa::[a-z_:]+)\"")


def test_every_permission_scope_the_code_names_is_declared_in_the_manifest() -> None:
    """Asking by voice (AskFor, or voice-forward consent), the permissions card, or an API guarded by a scope:
    each needs the scope in skill.json, or Alexa refuses the request and the API never answers."""
    named = {match for _, line in code_lines() for match in SCOPE_LITERAL.findall(line)}
    assert {"alexa::alerts:reminders:skill:readwrite", "alexa::profile:email:read"} <= named
    assert named <= {permission["name"] for permission in MANIFEST["permissions"]}


def bare(envelope: dict[str, Any]) -> dict[str, Any]:
    """The envelope as the least a client sends: no person, no API endpoint or token, no device, no scopes."""
    system = envelope["context"]["System"]
    for key in ("person", "apiEndpoint", "apiAccessToken", "device"):
        system.pop(key, None)
    system["user"].pop("permissions", None)
    return envelope


def test_a_whole_check_in_works_with_none_of_what_alexa_may_leave_out(handler: Handler, dynamodb: Any) -> None:
    device = Device()
    conversation = Conversation(lambda event, context: handler(bare(event), context), device)
    replies = [conversation.launch(), conversation.intent("AMAZON.YesIntent")]
    replies += [conversation.rate(4) for _ in range(12)]
    conversation.end_session()
    replies.append(conversation.intent("RecapIntent"))
    replies.append(conversation.intent("SetReminderIntent", day="sunday", time="19:00"))
    assert replies[0].speech.startswith("Welcome to Therapy Check-In.")
    assert not [reply.speech for reply in replies if "went wrong" in reply.speech]
    asked = [directive.get("name") for directive in replies[-1].directives]
    assert asked == ["AskFor"], "the reminder asks for its permission, which Alexa then asks by voice or on a card"
    week = [item for item in user_items(dynamodb, UserKey.from_ids(device.user_id, None)) if "#CHECKIN#" in item["sk"]]
    assert len(week) == 1 and sum(key.startswith("r_") for key in week[0]) == 12


def test_without_the_personalization_permission_every_voice_is_the_account(talk: Talk, dynamodb: Any) -> None:
    """No person in the request: whoever speaks is the account, and their answers are kept under it."""
    device = Device(person_id=None)
    conversation = talk(device)
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    conversation.rate(3)
    assert user_items(dynamodb, UserKey.from_ids(device.user_id, None)), "stored under the account"


def test_the_report_without_an_api_endpoint_or_token_says_so_and_sends_nothing(
    handler: Handler, dynamodb: Any, sender: str
) -> None:
    """A client that leaves out apiEndpoint and apiAccessToken: the address cannot be read, so nothing is sent."""
    device = Device()
    seed(dynamodb, UserKey.from_ids(device.user_id))
    conversation = Conversation(lambda event, context: handler(bare(event), context), device)
    reply = conversation.intent("EmailReportIntent")
    assert reply.speech.startswith("I couldn't get the account's email address just now.")
    assert not reply.directives


# Voice-forward consent for the email address, as Amazon's "Voice-Forward Consent API Reference" documents it: the
# skill hands the session to AMAZON.AskForPermissionsConsent/2 with a Connections.StartConnection directive, and
# Alexa hands it back in a SessionResumedRequest whose cause is ConnectionCompleted (the token as sent, a status,
# and a result listing each scope's permissionStatus). Email is offered at the ACCOUNT consent level only.
DOCUMENTED_DIRECTIVE = {
    "type": "Connections.StartConnection",
    "uri": "connection://AMAZON.AskForPermissionsConsent/2",
    "input": {
        "@type": "AskForPermissionsConsentRequest",
        "@version": "2",
        "permissionScopes": [{"permissionScope": "alexa::profile:email:read", "consentLevel": "ACCOUNT"}],
    },
    "token": "progress-report",
}


def _resumed(status: str | None, code: str = "200") -> dict[str, Any]:
    return {
        "type": "SessionResumedRequest",
        "cause": {
            "type": "ConnectionCompleted",
            "token": "progress-report",
            "status": {"code": code, "message": "OK"},
            **(
                {
                    "result": {
                        "permissionScopes": [
                            {
                                "permissionScope": "alexa::profile:email:read",
                                "consentLevel": "ACCOUNT",
                                "permissionStatus": status,
                            }
                        ]
                    }
                }
                if status
                else {}
            ),
        },
    }


def test_the_report_asks_for_consent_with_the_documented_directive(talk: Talk, dynamodb: Any, sender: str) -> None:
    """Built through the SDK's model (``StartConnectionDirective``), serialised exactly as documented: no
    ``onCompletion`` (RESUME_SESSION is the default), no ``shouldEndSession`` (Alexa takes the turn)."""
    device = Device()
    seed(dynamodb, UserKey.from_ids(device.user_id))
    asked = talk(device).intent("EmailReportIntent")
    assert asked.directives == [DOCUMENTED_DIRECTIVE]
    assert "shouldEndSession" not in asked.response and "reprompt" not in asked.response


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [("GRANTED", "200", "GRANTED"), ("DENIED", "200", "DENIED"), (None, "200", None), ("GRANTED", "500", None)],
)
def test_the_fields_the_code_reads_from_a_resumed_session_are_the_documented_ones(
    status: str | None, code: str, expected: str | None
) -> None:
    """The documented SessionResumedRequest goes through the SDK's deserialiser (ask-sdk-model's
    ``SessionResumedRequest`` and ``ConnectionCompleted``, whose ``result`` is a plain object), and the code reads
    ``cause.token``, ``cause.status.code`` and ``cause.result.permissionScopes[].permissionStatus`` from it; the
    devtools envelope is the same shape."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope
    from ask_sdk_model.connection_completed import ConnectionCompleted
    from ask_sdk_model.session_resumed_request import SessionResumedRequest

    from devtools.envelopes import EMAIL_SCOPE, envelope, session_resumed_request
    from therapy_checkin.handlers.report import PERMISSION_TOKEN, consent_status

    documented = _resumed(status, code)
    if code == "200":
        scopes = [{"permissionScope": EMAIL_SCOPE, "consentLevel": "ACCOUNT"}]
        assert session_resumed_request(PERMISSION_TOKEN, scopes, status, code) == documented
    event = envelope(Device(), documented, "amzn1.echo-api.session.x", {}, new=False)
    request = DefaultSerializer().deserialize(json.dumps(event), RequestEnvelope).request
    assert isinstance(request, SessionResumedRequest)
    assert isinstance(request.cause, ConnectionCompleted)
    assert request.cause.token == PERMISSION_TOKEN
    assert consent_status(request.cause) == expected
