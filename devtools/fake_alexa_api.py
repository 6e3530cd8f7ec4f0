"""A stand-in for the Alexa Settings and Reminders APIs on loopback, for tests and the local console.

Settings: it answers ``GET /v2/devices/{deviceId}/settings/System.timeZone`` as Alexa does (a JSON string such
as ``"America/Los_Angeles"``), and can be told to misbehave per device: an error status (403, 500), or an answer
that comes too late. Every request is recorded, so a test can count how often the skill asked.

Reminders: ``POST /v1/alerts/reminders`` creates one (answering its ``alertToken``), ``GET``, ``PUT`` and
``DELETE /v1/alerts/reminders/{alertToken}`` read, replace and delete it (404 for one that is not there), as the
Alexa Reminders API does. Each call is recorded with its method, path, JSON body and Authorization header
(:attr:`FakeAlexaApi.reminder_calls`), and each method can be told to fail (:meth:`FakeAlexaApi.fail_reminders`:
a status such as 401, 403, 429 or 500, or an answer too late for the skill's timeout). The reminders are kept in
:attr:`FakeAlexaApi.reminders` until :meth:`reset`.

Customer Profile: ``GET /v2/accounts/~current/settings/Profile.email`` answers the account's address as a JSON
string (:attr:`FakeAlexaApi.account_email`; ``None`` answers 204, as for an account without one), but only to a
token that carries the email permission, as Alexa's ``apiAccessToken`` encapsulates the scopes the user granted
(``devtools/envelopes.py`` marks such a token with :data:`EMAIL_GRANT`): any other token gets 403. It can be told
to fail (:attr:`FakeAlexaApi.email_fault`), and each call is recorded (:meth:`FakeAlexaApi.email_requests`).

Point a request envelope's ``context.System.apiEndpoint`` at :attr:`FakeAlexaApi.url` (``Device(api_endpoint=...)``).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

TIME_ZONE_PATH = re.compile(r"^/v2/devices/(?P<device>[^/]+)/settings/System\.timeZone$")
REMINDERS_PATH = re.compile(r"^/v1/alerts/reminders(?:/(?P<token>[^/]+))?$")
EMAIL_PATH = "/v2/accounts/~current/settings/Profile.email"
EMAIL_GRANT = "+email"
"""Marks an access token that carries the granted scope alexa::profile:email:read (see devtools/envelopes.py)."""


@dataclass(frozen=True)
class Answer:
    """A time zone, sent after ``delay`` seconds."""

    time_zone: str
    delay: float = 0.0


@dataclass(frozen=True)
class Failure:
    """An error status with Alexa's error body."""

    status: int
    message: str = "The authentication token does not have access to resource."


@dataclass(frozen=True)
class Recorded:
    path: str
    device_id: str | None
    authorization: str | None


@dataclass(frozen=True)
class ReminderCall:
    """One call to the fake Reminders API, as the skill sent it."""

    method: str
    path: str
    body: Any
    authorization: str | None


@dataclass(frozen=True)
class Late:
    """An answer that comes after ``seconds``: later than the skill waits."""

    seconds: float


@dataclass
class FakeAlexaApi:
    """A threaded HTTP server on ``127.0.0.1`` with a free port. Use as a context manager, or start()/stop()."""

    default_time_zone: str | None = "UTC"
    """The answer for devices with nothing configured; ``None`` answers 204 with no content, as Alexa can."""
    behaviours: dict[str, Answer | Failure] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    reminders: dict[str, Any] = field(default_factory=dict)
    """Reminders held, by alert token: the body they were created (or last replaced) with."""
    reminder_calls: list[ReminderCall] = field(default_factory=list)
    reminder_faults: dict[str, Failure | Late] = field(default_factory=dict)
    """Per HTTP method ("POST", "GET", "PUT", "DELETE"): how the Reminders API misbehaves."""
    account_email: str | None = "jane.doe@example.com"
    """The Amazon account's email address; ``None``: the account has none (204)."""
    email_fault: Failure | Late | None = None
    email_calls: list[Recorded] = field(default_factory=list)
    _next_token: int = 0
    _server: ThreadingHTTPServer | None = None
    _released: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake Alexa API is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def time_zone(self, device_id: str, time_zone: str, delay: float = 0.0) -> None:
        self.behaviours[device_id] = Answer(time_zone, delay)

    def fail(self, device_id: str, status: int) -> None:
        self.behaviours[device_id] = Failure(status)

    def fail_reminders(self, method: str, fault: int | Late) -> None:
        """Make every ``method`` call to the Reminders API answer ``fault`` (a status) or come too late."""
        self.reminder_faults[method] = Failure(fault, "Refused by the fake API.") if isinstance(fault, int) else fault

    def fail_email(self, fault: int | Late) -> None:
        """Make the Customer Profile API answer ``fault`` (a status) or come too late."""
        self.email_fault = Failure(fault, "Refused by the fake API.") if isinstance(fault, int) else fault

    def email_requests(self) -> list[Recorded]:
        with self._lock:
            return list(self.email_calls)

    def calls(self) -> list[ReminderCall]:
        with self._lock:
            return list(self.reminder_calls)

    def time_zone_requests(self, device_id: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if device_id is None or r.device_id == device_id]

    def reset(self) -> None:
        """Forget configured behaviours and recorded requests (between tests), and release slow answers."""
        self._released.set()
        with self._lock:
            self.behaviours.clear()
            self.requests.clear()
            self.reminders.clear()
            self.reminder_calls.clear()
            self.reminder_faults.clear()
            self.email_calls.clear()
            self.email_fault = None
            self.account_email = "jane.doe@example.com"
            self._next_token = 0
        self._released = threading.Event()

    def start(self) -> FakeAlexaApi:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                api._handle(self)

            def do_POST(self) -> None:
                api._handle(self)

            def do_PUT(self) -> None:
                api._handle(self)

            def do_DELETE(self) -> None:
                api._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: tests read ``requests`` instead."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="fake-alexa-api", daemon=True).start()
        return self

    def stop(self) -> None:
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeAlexaApi:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        if REMINDERS_PATH.match(request.path.split("?", 1)[0]):
            return self._reminders(request)
        if request.path.split("?", 1)[0] == EMAIL_PATH:
            return self._email(request)
        if request.command != "GET":
            return _send(request, 405, {"type": "METHOD_NOT_ALLOWED", "message": "Not allowed."})
        match = TIME_ZONE_PATH.match(request.path.split("?", 1)[0])
        device_id = match.group("device") if match else None
        authorization = request.headers.get("Authorization")
        with self._lock:
            self.requests.append(Recorded(request.path, device_id, authorization))
            behaviour = self.behaviours.get(device_id or "")
            released = self._released
        if match is None:
            return _send(request, 404, {"type": "NOT_FOUND", "message": "No such resource."})
        if not authorization or not authorization.startswith("Bearer "):
            return _send(request, 401, {"type": "INVALID_TOKEN", "message": "The token is missing."})
        if isinstance(behaviour, Failure):
            return _send(request, behaviour.status, {"type": "ERROR", "message": behaviour.message})
        answer = behaviour or (Answer(self.default_time_zone) if self.default_time_zone else None)
        if answer is None:
            return _send(request, 204, None)
        if answer.delay:
            released.wait(answer.delay)
        return _send(request, 200, answer.time_zone)

    def _reminders(self, request: BaseHTTPRequestHandler) -> None:
        """The Reminders API: create, read, replace and delete, each recorded, each able to fail."""
        path = request.path.split("?", 1)[0]
        found = REMINDERS_PATH.match(path)
        token = found.group("token") if found else None
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", errors="replace")
        authorization = request.headers.get("Authorization")
        method = request.command
        with self._lock:
            self.reminder_calls.append(ReminderCall(method, path, body, authorization))
            fault = self.reminder_faults.get(method)
            released = self._released
        if not authorization or not authorization.startswith("Bearer "):
            return _send(request, 401, {"code": "UNAUTHORIZED", "message": "The token is missing."})
        if fault is not None:
            return _send_fault(request, fault, released)
        with self._lock:
            if method == "POST" and token is None:
                self._next_token += 1
                token = f"fake-alert-{self._next_token}"
                self.reminders[token] = body
                return _send(request, 200, _reminder_answer(token, body))
            if token is None or token not in self.reminders:
                return _send(request, 404, {"code": "NOT_FOUND", "message": "No such reminder."})
            if method == "GET":
                return _send(request, 200, _reminder_answer(token, self.reminders[token]))
            if method == "PUT":
                self.reminders[token] = body
                return _send(request, 200, _reminder_answer(token, body))
            if method == "DELETE":
                del self.reminders[token]
                return _send(request, 200, None)
        return _send(request, 405, {"code": "METHOD_NOT_ALLOWED", "message": "Not allowed."})

    def _email(self, request: BaseHTTPRequestHandler) -> None:
        """The Customer Profile API's email address: only for a token that carries the permission."""
        authorization = request.headers.get("Authorization")
        with self._lock:
            self.email_calls.append(Recorded(request.path, None, authorization))
            fault, address, released = self.email_fault, self.account_email, self._released
        if request.command != "GET":
            return _send(request, 405, {"code": "METHOD_NOT_ALLOWED", "message": "Not allowed."})
        if not authorization or not authorization.startswith("Bearer "):
            return _send(request, 401, {"code": "INVALID_TOKEN", "message": "The token is missing."})
        if fault is not None:
            return _send_fault(request, fault, released)
        if not authorization.endswith(EMAIL_GRANT):
            return _send(request, 403, {"code": "ACCESS_DENIED", "message": "Access denied."})
        if address is None:
            return _send(request, 204, None)
        return _send(request, 200, address)


def _send_fault(request: BaseHTTPRequestHandler, fault: Failure | Late, released: threading.Event) -> None:
    """The answer a test asked for instead of the real one: an error status, or a gateway timeout after a wait."""
    if isinstance(fault, Late):
        released.wait(fault.seconds)
        return _send(request, 504, {"code": "GATEWAY_TIMEOUT", "message": "Too late."})
    return _send(request, fault.status, {"code": "ERROR", "message": fault.message})


def _reminder_answer(token: str, body: Any) -> dict[str, Any]:
    answer = {"alertToken": token, "status": "ON", "version": "1", "href": f"/v1/alerts/reminders/{token}"}
    if isinstance(body, dict):
        answer.update({key: body[key] for key in ("trigger", "alertInfo", "pushNotification") if key in body})
    return answer


def _send(request: BaseHTTPRequestHandler, status: int, body: Any) -> None:
    payload = b"" if body is None else json.dumps(body).encode("utf-8")
    try:
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up waiting (a deliberately slow answer): nothing to do
