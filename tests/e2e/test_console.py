"""The local console (``make demo``) run as a person runs it: a script piped into ``python -m devtools.console``,
with its own dynalite and data folder. A full check-in is completed, and a second run remembers it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from therapy_checkin.speech import speech_for

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SPEECH = speech_for("en-US")
CHECK_IN = """\
# a whole check-in, said the way people say it
open therapy check in
yes
4
four
I'd say three
skip
what does that mean
two
5
1
3
4
twenty one
purple elephants dancing
2
3
5
no
"""


def console(local_dir: Path, script: str, *options: str) -> str:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "TABLE_NAME", "SKILL_ID"))
    }
    environment["THERAPY_CHECKIN_LOCAL_DIR"] = str(local_dir)
    finished = subprocess.run(
        [sys.executable, "-m", "devtools.console", "--date", "2026-11-23", "--time-zone", "UTC", *options],
        input=script,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "Traceback" not in finished.stderr, finished.stderr
    return finished.stdout


def test_a_piped_script_completes_a_check_in_and_the_next_run_remembers_it(tmp_path: Path) -> None:
    first = console(tmp_path, CHECK_IN)
    assert "you> open therapy check in" in first, "each line of the script is echoed"
    assert "a whole check-in" not in first, "comments are skipped"
    assert "[RateIntent (rating=3)]" in first, "number words are sent as digits"
    assert "[RateIntent (rating=21)]" in first
    assert "(no match: sent as AMAZON.FallbackIntent)" in first
    assert SPEECH("complete") in " ".join(first.split()), first
    assert "(session ended)" in first
    assert '{"level"' not in first, "the skill's logs go to a file, not the screen"
    assert (tmp_path / "skill.log").stat().st_size > 0

    second = console(tmp_path, "open therapy check in\n")
    assert SPEECH("welcome_done") in " ".join(second.split()), second

    other_user = console(tmp_path, "open therapy check in\n", "--user", "sam")
    assert SPEECH("welcome_first") in " ".join(other_user.split())

    reset = console(tmp_path, "open therapy check in\n", "--reset")
    assert SPEECH("welcome_first") in " ".join(reset.split()), "reset deletes the check-ins"


def test_the_console_stops_its_server_when_it_ends(tmp_path: Path) -> None:
    console(tmp_path, ":quit\n")
    lock = tmp_path / "dynalite" / "LOCK"
    assert lock.exists()
    # LevelDB's lock is free again: a new server can open the same folder at once.
    assert "Welcome" in console(tmp_path, "open therapy check in\n")
