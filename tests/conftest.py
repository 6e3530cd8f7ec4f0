"""Shared fixtures: an in-process DynamoDB (moto) holding the template's table, and conversations with the
real Lambda handler."""

from __future__ import annotations

import json
import logging
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError, ReadTimeoutError
from hypothesis import settings

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "TABLE_NAME": "therapy-checkin-test",
        "POWERTOOLS_TRACE_DISABLED": "1",
        "POWERTOOLS_DEV": "0",
    }
)
os.environ.setdefault("SKILL_ID", "amzn1.ask.skill.00000000-0000-4000-8000-000000000001")
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
os.environ.pop("AWS_ENDPOINT_URL", None)

# Imported before any botocore session exists: moto hooks itself into every session created after this import,
# and the skill keeps one botocore session per process (storage._botocore_session).
from moto import mock_aws

from devtools.conversation import Conversation
from devtools.envelopes import API_ENDPOINT_VARIABLE, Device
from devtools.fake_alexa_api import FakeAlexaApi
from devtools.table import create_table
from therapy_checkin.config import settings as skill_settings
from therapy_checkin.storage import CheckInStore, UserKey

TABLE_NAME = os.environ["TABLE_NAME"]

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
"""Continuous integration sets ``CI=true``: property tests then run their full example counts."""
LOCAL_SHARE = 0.1


settings.register_profile("ci", deadline=None)
settings.register_profile("dev", max_examples=20, deadline=None)
settings.load_profile("ci" if CI else "dev")
"""Property tests that name no count of their own draw hypothesis's usual 100 examples in CI, 20 locally."""


def examples(in_ci: int) -> int:
    """How many examples a property test draws: all of them in CI, a tenth locally (at least 20), so the local
    loop takes seconds while CI still explores widely. ``HYPOTHESIS_FULL=1`` asks for the full count here too."""
    if CI or os.environ.get("HYPOTHESIS_FULL") == "1":
        return in_ci
    return max(20, int(in_ci * LOCAL_SHARE))


MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
"""A fixed clock for conversations: Monday of ISO week 2026-W48."""


@pytest.fixture(scope="session")
def alexa_api_server() -> Iterator[FakeAlexaApi]:
    """One fake Alexa Settings API on loopback for the whole run; every new ``Device`` points at it."""
    with FakeAlexaApi() as server:
        previous = os.environ.get(API_ENDPOINT_VARIABLE)
        os.environ[API_ENDPOINT_VARIABLE] = server.url
        yield server
        if previous is None:
            os.environ.pop(API_ENDPOINT_VARIABLE, None)
        else:
            os.environ[API_ENDPOINT_VARIABLE] = previous


@pytest.fixture(autouse=True)
def alexa_api(alexa_api_server: FakeAlexaApi) -> Iterator[FakeAlexaApi]:
    """The fake Alexa API, answering UTC for every device unless a test configures a device or an error."""
    alexa_api_server.reset()
    yield alexa_api_server
    alexa_api_server.reset()


@pytest.fixture(scope="session")
def moto_dynamodb() -> Iterator[Any]:
    """One in-process DynamoDB (moto) for the whole run, holding the table created from template.yaml.

    Starting moto, building a client and creating the table cost far more than a conversation, so they happen
    once; each test that uses :func:`dynamodb` then starts from an empty table (see there). Requests to any
    other endpoint (dynalite on loopback) pass through untouched.
    """
    from therapy_checkin.storage import build_client

    with mock_aws():
        client = build_client()
        create_table(client, TABLE_NAME)
        yield client


@pytest.fixture
def dynamodb(moto_dynamodb: Any) -> Iterator[Any]:
    """The in-process table, emptied when the test ends."""
    yield moto_dynamodb
    empty_table(moto_dynamodb)


@pytest.fixture
def store(dynamodb: Any) -> CheckInStore:
    """The skill's store for one test, on the in-process table, with a client of its own (built as the skill
    builds it), so that nothing one test hooks into the client reaches another."""
    from therapy_checkin.storage import build_client

    return CheckInStore(TABLE_NAME, build_client())


def empty_table(client: Any) -> None:
    """Delete every item a test left behind (a few dozen at most: one scan, a batch delete or two)."""
    keys = [{"pk": item["pk"], "sk": item["sk"]} for item in _all_keys(client)]
    for start in range(0, len(keys), 25):
        client.batch_write_item(
            RequestItems={TABLE_NAME: [{"DeleteRequest": {"Key": key}} for key in keys[start : start + 25]]}
        )


def _all_keys(client: Any) -> Iterator[dict[str, Any]]:
    query: dict[str, Any] = {"TableName": TABLE_NAME, "ProjectionExpression": "pk, sk"}
    while True:
        page = client.scan(**query)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@pytest.fixture
def requests_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many requests in one process at the same time, as the concurrency tests send them.

    Lambda gives each execution environment one request at a time, so Powertools Metrics keeps one metric set per
    process: two requests flushing at once here could each find the set emptied by the other (Powertools then
    raises "Must contain at least one metric"). Adding and flushing metrics take turns; nothing else does.
    """
    import threading

    from therapy_checkin.observability import metrics

    turns = threading.Lock()
    provider = metrics.provider
    add_metric, flush_metrics = provider.add_metric, provider.flush_metrics

    def add_in_turn(*args: Any, **kwargs: Any) -> None:
        with turns:
            add_metric(*args, **kwargs)

    def flush_in_turn(*args: Any, **kwargs: Any) -> None:
        with turns:
            flush_metrics(*args, **kwargs)

    monkeypatch.setattr(provider, "add_metric", add_in_turn)
    monkeypatch.setattr(provider, "flush_metrics", flush_in_turn)


@dataclass(frozen=True)
class Dynalite:
    client: Any
    """A boto3 client, to look at what the skill stored."""
    store: CheckInStore
    """The skill's store on the same server, its client built as the skill builds it (timeouts, retries)."""


@pytest.fixture(scope="module")
def dynalite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dynalite]:
    """A real DynamoDB-compatible server (dynalite, over HTTP) holding the template's table, for the tests of
    one module."""
    from devtools.dynalite import dynamodb_client, running_dynalite
    from therapy_checkin.storage import build_client

    with running_dynalite(tmp_path_factory.mktemp("dynalite")) as server:
        client = dynamodb_client(server.endpoint)
        create_table(client, TABLE_NAME)
        yield Dynalite(client, CheckInStore(TABLE_NAME, build_client(endpoint_url=server.endpoint)))


SSML_TAGS = frozenset({"speak", "break", "say-as", "prosody", "p", "s", "emphasis", "lang", "sub"})


def assert_well_formed_ssml(result: dict[str, Any]) -> None:
    """Every spoken part of a response is one well-formed ``<speak>`` document using only tags Alexa knows."""
    response = result.get("response") or {}
    for speech in (response.get("outputSpeech"), (response.get("reprompt") or {}).get("outputSpeech")):
        if not speech:
            continue
        assert speech.get("type") == "SSML", speech
        root = ElementTree.fromstring(speech["ssml"])  # raises on anything that is not well-formed XML
        assert root.tag == "speak"
        assert {element.tag for element in root.iter()} <= SSML_TAGS, speech["ssml"]


def checking_ssml(lambda_handler: Callable[[dict[str, Any], Any], dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """The handler, with every response it gives checked for well-formed SSML."""

    def call(event: dict[str, Any], context: Any) -> dict[str, Any]:
        result = lambda_handler(event, context)
        assert_well_formed_ssml(result)
        return result

    return call


Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
Talk = Callable[..., Conversation]


def skill_on(store: CheckInStore) -> Handler:
    """The real Lambda handler, built over ``store`` as ``therapy_checkin.handler`` builds it over the process's
    own, with every response it gives checked for well-formed SSML."""
    from therapy_checkin.handler import build_lambda_handler

    return checking_ssml(build_lambda_handler(store))


def talking(handler: Handler) -> Talk:
    """Start a conversation with ``handler`` for a device (a new user unless a device is given)."""

    def start(device: Device | None = None, now: datetime = MONDAY_NOON) -> Conversation:
        return Conversation(handler=handler, device=device or Device(), now=now)

    return start


@pytest.fixture
def handler(store: CheckInStore) -> Handler:
    return skill_on(store)


@pytest.fixture
def talk(handler: Handler) -> Talk:
    """Start a conversation for a device (a new user unless a device is given)."""
    return talking(handler)


def table_items(client: Any) -> list[dict[str, Any]]:
    """Every item in the test table, deserialised: for asserting that nothing was stored anywhere else (a Scan is
    fine here: it is a test's view of the table, emptied after each test)."""
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    items = client.scan(TableName=TABLE_NAME)["Items"]
    return [{key: deserializer.deserialize(value) for key, value in item.items()} for item in items]


DELETION_MARK = frozenset({"pk", "sk", "deletedAt", "expiresAt"})
"""Everything a deletion mark holds: its key, when the data was deleted, and when the mark itself expires."""


def stored_data(client: Any) -> list[dict[str, Any]]:
    """Every item but deletion marks, which hold nothing of a person but the time their data was deleted."""
    return [item for item in table_items(client) if set(item) != DELETION_MARK]


def user_items(client: Any, user: UserKey) -> list[dict[str, Any]]:
    """One user's items (their scope within the account's partition), deserialised, in sort-key order: the
    Query the skill itself would make, unpaged."""
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    query: dict[str, Any] = {
        "TableName": TABLE_NAME,
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
        "ExpressionAttributeValues": {":pk": {"S": user.pk}, ":prefix": {"S": user.sk_prefix}},
        "ConsistentRead": True,
    }
    found: list[dict[str, Any]] = []
    while True:
        page = client.query(**query)
        found.extend({key: deserializer.deserialize(value) for key, value in item.items()} for item in page["Items"])
        if "LastEvaluatedKey" not in page:
            return found
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def ratings_in_table(client: Any) -> dict[str, dict[str, int]]:
    """Ratings per check-in item (keyed by sort key), as stored."""
    result: dict[str, dict[str, int]] = {}
    for item in table_items(client):
        if "#CHECKIN#" in item["sk"]:
            result[item["sk"]] = {k[2:]: int(v) for k, v in item.items() if k.startswith("r_")}
    return result


class _CollectLogs(logging.Handler):
    """Every log record, formatted by the skill's own Powertools formatter as CloudWatch would get it."""

    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(formatter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def logged(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[[], list[str]]]:
    """Log lines (at DEBUG, the most the skill ever logs) and the metric lines printed to stdout, each call
    returning what arrived since the previous one."""
    from therapy_checkin.observability import logger

    collect = _CollectLogs(logger.registered_formatter)
    logger.addHandler(collect)
    previous = logger.log_level
    logger.setLevel("DEBUG")

    def lines() -> list[str]:
        found = collect.lines + [line for line in capsys.readouterr().out.splitlines() if line.strip()]
        collect.lines = []
        return found

    yield lines
    logger._logger.removeHandler(collect)
    logger.setLevel(previous)


# Figures a run measures (recognition rates, word counts, calls, turn times), shown in its summary

FIGURE = "figure"
"""The ``user_properties`` name a figure travels under: test reports carry it to the process that prints the
summary, the controller when pytest-xdist runs the tests in workers."""

SECTIONS = {
    "crisis": "crisis recognition (held-out phrasings)",
    "apl": "APL documents checked by Amazon's validator (apl-suggester)",
    "voice": "voice budget (words of Alexa speech)",
    "recap": "longest recap and trend turns (words)",
    "reflection": "guided reflections (words, pauses, spoken time)",
    "calls": "DynamoDB calls per check-in",
    "turn time": "worst-case turn times",
    "report": "rendered progress report (headless Chromium, PNG)",
}
_figures: dict[str, list[str]] = {}

Figures = Callable[[str, str], None]


@pytest.fixture
def figure(request: pytest.FixtureRequest) -> Figures:
    """Record a line for a section of the run's summary (see :data:`SECTIONS`)."""

    def record(section: str, line: str) -> None:
        assert section in SECTIONS, section
        request.node.user_properties.append((FIGURE, (section, line)))

    return record


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if name == FIGURE and isinstance(value, tuple):
            section, line = value
            _figures.setdefault(str(section), []).append(str(line))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    for section, title in SECTIONS.items():
        if section in _figures:
            terminalreporter.section(title)
            for line in sorted(_figures[section]):
                terminalreporter.write_line(line)


# DynamoDB failing on purpose, and every call the skill makes, counted

ENDPOINT = "https://dynamodb.us-east-1.amazonaws.com"


def _client_error(code: str, status: int, operation: str) -> ClientError:
    response: Any = {"Error": {"Code": code, "Message": "injected"}, "ResponseMetadata": {"HTTPStatusCode": status}}
    return ClientError(response, operation)


FAULTS: dict[str, Callable[[str], Exception]] = {
    "throttled": lambda op: _client_error("ProvisionedThroughputExceededException", 400, op),
    "server error": lambda op: _client_error("InternalServerError", 500, op),
    "read timeout": lambda op: ReadTimeoutError(endpoint_url=ENDPOINT),
    "connect timeout": lambda op: ConnectTimeoutError(endpoint_url=ENDPOINT),
    "access denied": lambda op: _client_error("AccessDeniedException", 400, op),
}


@dataclass
class FaultInjector:
    """Makes chosen DynamoDB operations fail before they leave the client, and counts every call."""

    failing: dict[str, Callable[[str], Exception]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def fail(self, operation: str, fault: str) -> None:
        self.failing[operation] = FAULTS[fault]

    def recover(self) -> None:
        self.failing.clear()

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls.append(model.name)
        make = self.failing.get(model.name)
        if make is not None:
            raise make(model.name)


@pytest.fixture
def faults(store: CheckInStore) -> Iterator[FaultInjector]:
    """Fails chosen operations outright (an outage) and counts every DynamoDB call the skill makes."""
    injector = FaultInjector()
    events = store.connect().meta.events
    events.register("before-call.dynamodb", injector)
    yield injector
    events.unregister("before-call.dynamodb", injector)


def node_json(script: Path, payload: Any, *arguments: str) -> Any:
    """Run one of the tests' Node scripts with ``payload`` as JSON on its standard input, and read its JSON answer."""
    finished = subprocess.run(
        ["node", str(script), *arguments],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=True,
        timeout=120,
    )
    return json.loads(finished.stdout)


# The emailed report: whether the deployment names a verified sender

SENDER = "reports@therapy-checkin.example.org"


@pytest.fixture
def sender(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The deployment names a verified sender (the template's ReportSender parameter)."""
    monkeypatch.setenv("REPORT_SENDER", SENDER)
    skill_settings.cache_clear()
    yield SENDER
    skill_settings.cache_clear()


@pytest.fixture
def no_sender(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("REPORT_SENDER", raising=False)
    skill_settings.cache_clear()
    yield
    skill_settings.cache_clear()
