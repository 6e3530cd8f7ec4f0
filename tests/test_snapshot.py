"""SnapStart priming (therapy_checkin.snapshot): what runs before Lambda snapshots a published version.

Priming must leave the process ready for a first request and must not touch the table: a call made then would be
made once per published version, with no user behind it, and any connection it opened would be frozen.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any

import pytest

from therapy_checkin import snapshot
from therapy_checkin.storage import CheckInStore


def connected(store: CheckInStore) -> bool:
    """Whether the store has built its client (it builds it on its first call, or when primed)."""
    return store._connection._built is not None


def test_priming_builds_the_client_and_calls_no_aws_service(dynamodb: Any) -> None:
    calls: list[str] = []
    store = CheckInStore("therapy-checkin-test")
    assert not connected(store), "a new store has no client until it is used"
    snapshot.prime(store)
    assert connected(store), "the client is built before the snapshot"
    client = store.connect()
    client.meta.events.register("before-call.*", lambda model, **_: calls.append(model.name))
    snapshot.prime(store)  # again, as a restored version would never do, to see that priming itself calls nothing
    assert calls == []


def test_priming_is_registered_as_a_before_snapshot_hook_when_the_runtime_offers_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered: list[Callable[[], None]] = []
    runtime_library = types.ModuleType("snapshot_restore_py")
    runtime_library.register_before_snapshot = registered.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", runtime_library)
    store = CheckInStore("therapy-checkin-test")
    assert snapshot.register_priming(store) is True
    [hook] = registered
    hook()  # what Lambda does before the snapshot
    assert connected(store), "the hook primed the store it was registered for"


def test_without_the_runtime_library_nothing_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # an import of it raises ImportError
    assert snapshot.register_priming(CheckInStore("therapy-checkin-test")) is False
