"""End-to-end fixtures: the real handler served over HTTP, DynamoDB from dynalite, and virtual-alexa as the
client. One dynalite and one HTTP server per test module; one virtual-alexa process per conversation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from devtools.fake_alexa_api import FakeAlexaApi
from devtools.http_server import serve
from tests.conftest import MONDAY_NOON, Dynalite
from tests.e2e.client import VirtualAlexaClient

FIXED_TIMESTAMP = MONDAY_NOON.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class LocalSkill:
    url: str
    """Where virtual-alexa POSTs its requests."""
    dynamodb: Any
    """A boto3 client for the same dynalite, to look at what the skill stored."""
    api_endpoint: str
    """The stand-in Alexa Settings API (device time zone)."""


@pytest.fixture(scope="module")
def local_skill(dynalite: Dynalite, alexa_api_server: FakeAlexaApi) -> Iterator[LocalSkill]:
    from therapy_checkin.handler import build_lambda_handler

    http, url = serve(handler=build_lambda_handler(dynalite.store))
    try:
        yield LocalSkill(url, dynalite.client, alexa_api_server.url)
    finally:
        http.shutdown()
        http.server_close()


@pytest.fixture
def alexa(local_skill: LocalSkill) -> Iterator[Callable[..., VirtualAlexaClient]]:
    """Open virtual-alexa conversations (each a user of its own unless ``user_id`` is given); all are closed
    at the end of the test."""
    opened: list[VirtualAlexaClient] = []

    def open_client(**options: Any) -> VirtualAlexaClient:
        options.setdefault("timestamp", FIXED_TIMESTAMP)
        client = VirtualAlexaClient(local_skill.url, api_endpoint=local_skill.api_endpoint, **options)
        opened.append(client.__enter__())
        return client

    yield open_client
    for client in opened:
        client.__exit__(None, None, None)
