"""SnapStart: the work done once, before Lambda snapshots an initialised function version.

With SnapStart on (``template.yaml``, parameter ``SnapStart``), Lambda runs the function's initialisation when a
version is published, then runs the ``before_snapshot`` hooks, and snapshots the memory. Every cold start of that
version resumes from the snapshot, so whatever the hook did is never paid for by a user. Without SnapStart the
hook is registered but never runs.

:func:`prime` does what the first request would otherwise do first:

- builds the store's DynamoDB client (:meth:`therapy_checkin.storage.CheckInStore.connect`): botocore's
  imports and its endpoint and service-model files, the largest part of a cold first answer after the imports;
- imports the modules only some turns need (the time-zone lookup and its HTTP opener), and deserialises a
  sample request envelope, which imports the ASK SDK model classes a request names.

It calls no AWS service and opens no connection that could be frozen into the snapshot (botocore connects on a
request's first call, and none is made). The one request it causes is botocore resolving credentials: under
SnapStart, Lambda gives the function its role's credentials through a container credentials endpoint on the
execution environment's loopback, not in environment variables. Those credentials are temporary and botocore
keeps their expiry: a restored environment refreshes them before signing once they are close to expiring,
whatever the snapshot held. Nothing in the snapshot belongs to a user: no request has been handled yet.

Randomness: the only secret the skill makes, a passcode's salt, comes from :mod:`secrets` (the kernel, at the
moment of the call, while a request is handled), never from state created during initialisation.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING

from therapy_checkin import intents

if TYPE_CHECKING:
    from therapy_checkin.storage import CheckInStore

SAMPLE_ENVELOPE = {
    "version": "1.0",
    "session": {
        "new": True,
        "sessionId": "amzn1.echo-api.session.snapshot",
        "application": {"applicationId": "amzn1.ask.skill.snapshot"},
        "attributes": {},
        "user": {"userId": "amzn1.ask.account.snapshot"},
    },
    "context": {
        "System": {
            "application": {"applicationId": "amzn1.ask.skill.snapshot"},
            "user": {"userId": "amzn1.ask.account.snapshot"},
            "device": {"deviceId": "amzn1.ask.device.snapshot", "supportedInterfaces": {}},
            "apiEndpoint": "https://api.amazonalexa.com",
        }
    },
    "request": {
        "type": "IntentRequest",
        "requestId": "amzn1.echo-api.request.snapshot",
        "timestamp": "2026-01-05T12:00:00Z",
        "locale": "en-US",
        "intent": {"name": intents.RATE, "confirmationStatus": "NONE", "slots": {}},
    },
}
"""A request as Alexa sends it, with made-up IDs. Deserialised only, never handled: nothing is read or stored."""


def prime(store: CheckInStore) -> None:
    """Everything a first request would do before its first DynamoDB call, minus any call."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from therapy_checkin import alexa_api, time_zones  # noqa: F401 - imported for the snapshot

    store.connect()
    alexa_api._opener()
    DefaultSerializer().deserialize(json.dumps(SAMPLE_ENVELOPE), RequestEnvelope)


def register_priming(store: CheckInStore) -> bool:
    """Ask Lambda to run :func:`prime` for ``store`` before it takes a snapshot. ``snapshot_restore_py`` comes
    with Lambda's Python runtimes (3.12 and later); elsewhere (tests, local tools) there is no snapshot, and
    nothing to do."""
    try:
        from snapshot_restore_py import register_before_snapshot  # type: ignore[import-not-found]
    except ImportError:
        return False
    register_before_snapshot(functools.partial(prime, store))
    return True
