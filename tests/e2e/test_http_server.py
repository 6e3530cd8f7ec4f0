"""The local HTTP endpoint refuses what is not an Alexa request envelope, and answers one that is."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from devtools.envelopes import Device, envelope, launch_request
from tests.e2e.conftest import LocalSkill

pytestmark = pytest.mark.e2e


def post(url: str, body: bytes) -> tuple[int, dict[str, object]]:
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"}, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the loopback URL checked above
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b""])
def test_anything_but_a_json_object_is_refused(local_skill: LocalSkill, body: bytes) -> None:
    status, answer = post(local_skill.url, body)
    assert status == 400
    assert "error" in answer


def test_an_envelope_gets_the_skills_answer(local_skill: LocalSkill) -> None:
    event = envelope(Device(api_endpoint=local_skill.api_endpoint), launch_request(), "session.http", {}, True)
    status, answer = post(local_skill.url, json.dumps(event).encode())
    assert status == 200
    response = answer["response"]
    assert isinstance(response, dict)
    assert "Welcome" in str(response["outputSpeech"])


def test_the_server_listens_on_loopback_only(local_skill: LocalSkill) -> None:
    assert local_skill.url.startswith("http://127.0.0.1:")
