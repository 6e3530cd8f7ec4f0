"""The local console (``make demo``) run as a person runs it: a script piped into ``python -m devtools.console``,
with its own dynalite and data folder. A full check-in is completed, and a second run remembers it."""

from __future__ import annotations

import os
import re
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


def test_help_lists_what_you_can_say_and_ssml_can_be_shown(tmp_path: Path) -> None:
    helped = console(tmp_path, ":help\n")
    assert "What you can say:" in helped and '"I forgot my passcode"' in helped and ":ssml" in helped
    plain = console(tmp_path, "open therapy check in\n")
    assert "SSML:" not in plain
    shown = console(tmp_path, "open therapy check in\n", "--ssml")
    assert "SSML:     <speak>Welcome back." in shown
    toggled = console(tmp_path, ":ssml\nopen therapy check in\n:ssml\nyes\n")
    assert "(raw SSML shown)" in toggled and "(raw SSML hidden)" in toggled
    assert toggled.count("SSML:     <speak>") == 2, "the reply and its reprompt, until toggled off"


LOCKED_OUT = """\
open therapy check in
set a passcode
1 2 3 4
1234
yes
3
stop
open therapy check in
how am I doing
1111
2222
3333
how am I doing
:next-week
open therapy check in
how am I doing
"""


def test_the_console_clock_drives_the_passcode_lock_and_digits_one_at_a_time_are_a_passcode(tmp_path: Path) -> None:
    """ "1 2 3 4" sets the passcode; three wrong tries lock recaps for fifteen minutes of the console's time, so
    a week later (":next-week", whatever the real date) the passcode is asked for again."""
    said = " ".join(console(tmp_path, LOCKED_OUT).split())
    assert "[PasscodeIntent (code=1234)] Alexa: Thanks. Please say it once more to confirm." in said
    locked = said.index("Recaps are locked for now")
    assert "Please try again in about 15 minutes" in said[locked:]
    next_week = said.index("(it is now Monday 30 November 2026")
    assert locked < next_week
    assert "Recaps are locked" not in said[next_week:]
    assert "What's your passcode?" in said[next_week:]


def test_no_space_before_a_full_stop(tmp_path: Path) -> None:
    """Spoken numbers are marked up (say-as), and the console shows them as a person hears them: "988." """
    said = " ".join(console(tmp_path, "open therapy check in\neverything feels hopeless\n").split())
    assert "Call or text 988. That's 988." in said
    assert not re.search(r"\w \.", said), said
