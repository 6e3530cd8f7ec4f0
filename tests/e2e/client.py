"""A Python handle on virtual-alexa (``driver.js``): one Node process per client, which holds one conversation at a
time; :meth:`VirtualAlexaClient.switch_user` starts the next one, as another user, in the same process."""

from __future__ import annotations

import json
import selectors
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from devtools.conversation import Reply
from devtools.envelopes import TEST_SKILL_ID

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("driver.js")
MODEL_DIR = ROOT / "skill-package" / "interactionModels" / "custom"
MODEL = MODEL_DIR / "en-US.json"
REPLY_TIMEOUT_SECONDS = 30.0


class DriverError(RuntimeError):
    """virtual-alexa could not send a request, or the driver stopped."""


@dataclass
class Exchange:
    """One turn: the envelope virtual-alexa sent and what the skill answered."""

    request: dict[str, Any]
    reply: Reply
    fallback: bool
    """True when the utterance matched no sample and went to AMAZON.FallbackIntent."""

    @property
    def intent(self) -> str | None:
        intent = self.request.get("request", {}).get("intent") or {}
        name = intent.get("name")
        return name if isinstance(name, str) else None

    @property
    def request_type(self) -> str:
        return str(self.request.get("request", {}).get("type"))


@dataclass
class VirtualAlexaClient:
    """Talks to the skill at ``url`` as one Alexa user on one device, by utterance."""

    url: str
    user_id: str = field(default_factory=lambda: f"amzn1.ask.account.E2E-{uuid.uuid4()}")
    device_id: str = field(default_factory=lambda: f"amzn1.ask.device.E2E-{uuid.uuid4()}")
    timestamp: str | None = None
    """Fixes the request time (``2026-11-23T12:00:00Z``); None leaves virtual-alexa's own, the current time."""
    locale: str = "en-US"
    """The device's locale; utterances are resolved against that locale's interaction model."""
    api_endpoint: str = "https://api.amazonalexa.com"
    _process: subprocess.Popen[str] | None = None

    def __enter__(self) -> VirtualAlexaClient:
        config = {
            "model": str(MODEL_DIR / f"{self.locale}.json"),
            "url": self.url,
            "skillId": TEST_SKILL_ID,
            "userId": self.user_id,
            "deviceId": self.device_id,
            "apiEndpoint": self.api_endpoint,
            "locale": self.locale,
            "timestamp": self.timestamp,
        }
        self._process = subprocess.Popen(
            ["node", str(DRIVER), json.dumps(config)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        process = self._process
        if process is None:
            return
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()
        self._process = None

    def _send(self, command: dict[str, Any]) -> Exchange:
        result = self._command(command)
        return Exchange(request=result["request"], reply=Reply(result["response"]), fallback=bool(result["fallback"]))

    def _command(self, command: dict[str, Any]) -> dict[str, Any]:
        process = self._process
        if process is None or process.stdin is None or process.stdout is None:
            raise DriverError("use the client in a with block")
        process.stdin.write(json.dumps(command) + "\n")
        process.stdin.flush()
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            if not selector.select(REPLY_TIMEOUT_SECONDS):
                raise DriverError(f"no answer from virtual-alexa within {REPLY_TIMEOUT_SECONDS} s for {command}")
        line = process.stdout.readline()
        if not line:
            stderr = process.stderr.read() if process.stderr else ""
            raise DriverError(f"virtual-alexa stopped: {stderr.strip()}")
        result: dict[str, Any] = json.loads(line)
        if not result.get("ok"):
            raise DriverError(str(result.get("error")))
        return result

    def launch(self) -> Exchange:
        return self._send({"op": "launch"})

    def utter(self, text: str) -> Exchange:
        return self._send({"op": "utter", "text": text})

    def intend(self, name: str, **slots: str) -> Exchange:
        return self._send({"op": "intend", "name": name, "slots": slots})

    def end_session(self, reason: str = "USER_INITIATED") -> Exchange:
        return self._send({"op": "endSession", "reason": reason})

    def switch_user(self) -> None:
        """Another user on another device, with no session open: the next conversation in the same process."""
        self.user_id = f"amzn1.ask.account.E2E-{uuid.uuid4()}"
        self.device_id = f"amzn1.ask.device.E2E-{uuid.uuid4()}"
        self._command({"op": "user", "userId": self.user_id, "deviceId": self.device_id})
