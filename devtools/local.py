"""The skill on this machine: dynalite holding the template's table, and the environment Lambda would give it.

Used by the console and the local HTTP endpoint. Everything local lives under ``.local/`` (ignored by git).
The environment must be set before the skill is imported: the skill reads its settings once per process.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from devtools.dynalite import DynaliteServer, dynamodb_client, running_dynalite
from devtools.envelopes import TEST_SKILL_ID
from devtools.table import create_table

ROOT = Path(__file__).resolve().parent.parent
LAMBDA_DIR = ROOT / "lambda"
LOCAL_DIR = Path(os.environ.get("THERAPY_CHECKIN_LOCAL_DIR") or ROOT / ".local")
"""Local data: ``.local/`` unless ``THERAPY_CHECKIN_LOCAL_DIR`` names another folder (tests use a temporary one)."""
DATA_DIR = LOCAL_DIR / "dynalite"
LOG_FILE = LOCAL_DIR / "skill.log"
TABLE_NAME = "therapy-checkin-local"
REGION = "us-east-1"


def skill_environment(endpoint: str, table_name: str = TABLE_NAME) -> dict[str, str]:
    """What the skill needs to run here: dummy credentials, the local endpoint, and no X-Ray or metrics output."""
    return {
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "TABLE_NAME": table_name,
        "SKILL_ID": TEST_SKILL_ID,
        "POWERTOOLS_TRACE_DISABLED": "1",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_DEV": "0",
    }


@contextmanager
def local_skill(data_dir: Path | None = DATA_DIR, table_name: str = TABLE_NAME) -> Iterator[DynaliteServer]:
    """Start dynalite, create the table if it is missing, and point this process's environment at them."""
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    with running_dynalite(data_dir) as server:
        os.environ.update(skill_environment(server.endpoint, table_name))
        create_table(dynamodb_client(server.endpoint), table_name)
        yield server


def make_skill_importable() -> None:
    """Put ``lambda/`` on the import path (as Lambda does with the function's code folder), unless the skill
    is importable already (``PYTHONPATH``, pytest's ``pythonpath``)."""
    if importlib.util.find_spec("therapy_checkin") is None:
        sys.path.insert(0, str(LAMBDA_DIR))


def send_skill_logs_to(stream: IO[str]) -> None:
    """Write the skill's JSON logs to ``stream`` (a file) instead of the screen. Call after importing the skill."""
    from therapy_checkin.observability import logger

    handler = logger.registered_handler
    if isinstance(handler, logging.StreamHandler):
        handler.setStream(stream)
    # With metrics switched off, Powertools warns on every request that it has nothing to publish.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
