"""A cold start runs without the cyclic garbage collector, and the first answer turns it back on.

In a fresh process, as Lambda starts one: importing the handler switches the collector off, and the first answer,
whatever it is, freezes what start-up made and switches the collector on again for every later turn.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FRESH_PROCESS = """
import gc, json
import therapy_checkin.handler as handler
from devtools.envelopes import Device, FakeLambdaContext, envelope, launch_request

seen = {"after_import": gc.isenabled()}
event = envelope(Device(), launch_request(), "amzn1.echo-api.session.cold", {}, True)
del event["context"]["System"]["user"]  # refused calmly before the table is read: no DynamoDB needed
handler.lambda_handler(event, FakeLambdaContext())
seen["after_first_answer"] = gc.isenabled()
seen["frozen"] = gc.get_freeze_count()
handler.lambda_handler(event, FakeLambdaContext())
seen["after_second_answer"] = gc.isenabled()
seen["frozen_after_second"] = gc.get_freeze_count()
print(json.dumps(seen))
"""


def test_the_collector_is_off_from_import_to_the_first_answer_then_on() -> None:
    environment = {**os.environ, "PYTHONPATH": f"{ROOT / 'lambda'}{os.pathsep}{ROOT}", "POWERTOOLS_LOG_LEVEL": "ERROR"}
    environment.pop("SKILL_ID", None)
    run = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS], env=environment, capture_output=True, text=True, check=True
    )
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["after_import"] is False, "importing the handler switches the collector off"
    assert seen["after_first_answer"] is True, "the first answer switches it back on"
    assert seen["frozen"] > 10_000, "what start-up made is frozen, out of later collections' way"
    assert seen["after_second_answer"] is True
    assert seen["frozen_after_second"] <= seen["frozen"], "frozen once, by the first answer only"


ONLY_WHEN_NEEDED = ("therapy_checkin.domain.report", "csv", "email.message", "email.policy")
"""Modules only the emailed report uses: imported on the turn that builds one, never by a cold start."""

IMPORTS_OF_A_COLD_START = """
import json, sys
import therapy_checkin.handler
from therapy_checkin.domain import crisis_text
print(json.dumps({"modules": sorted(sys.modules), "phrases_read": crisis_text._phrases.cache_info().currsize}))
"""


def test_a_cold_start_leaves_the_reports_code_and_the_crisis_phrases_unread() -> None:
    environment = {**os.environ, "PYTHONPATH": f"{ROOT / 'lambda'}{os.pathsep}{ROOT}", "POWERTOOLS_LOG_LEVEL": "ERROR"}
    run = subprocess.run(
        [sys.executable, "-c", IMPORTS_OF_A_COLD_START], env=environment, capture_output=True, text=True, check=True
    )
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert not set(ONLY_WHEN_NEEDED) & set(seen["modules"])
    assert seen["phrases_read"] == 0, "the crisis phrases are read with the first note, not at start-up"
