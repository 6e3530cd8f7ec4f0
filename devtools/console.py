"""Talk to the skill on this machine: type what you would say to Alexa, read what Alexa would say back.

    python -m devtools.console [--date 2026-12-07] [--user NAME] [--person NAME] [--time-zone ZONE]
                               [--locale en-US] [--reset] [--speak] [--ssml]

The skill runs in this process, exactly as Lambda runs it (the real ``lambda_handler``), against dynalite, a
DynamoDB-compatible server that keeps its data in ``.local/dynalite`` between runs. Utterances are understood
with the skill's own interaction model (``devtools.nlu``). With standard input not a terminal, the console reads
one utterance per line and echoes it, so a script can hold a whole conversation::

    printf 'open therapy check in\\nyes\\n4\\n' | python -m devtools.console
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from devtools.conversation import Conversation, Reply
from devtools.envelopes import Device
from devtools.fake_alexa_api import FakeAlexaApi
from devtools.local import DATA_DIR, LOCAL_DIR, LOG_FILE, local_skill, make_skill_importable, send_skill_logs_to
from devtools.nlu import Kind, Resolution, Tier, Understanding, available_locales, understanding

IDENTITIES_FILE = LOCAL_DIR / "identities.json"
DEFAULT_USER = "default"
WIDTH = 100
LABEL = 10
PROMPT = "you> "

COMMANDS = {
    ":help": "show this help",
    ":ssml": "show or hide the raw SSML Alexa would receive (also --ssml)",
    ":new-session": "close the session, as if you walked away",
    ":next-week": "move the clock forward one week (and close the session)",
    ":quit": "leave the console (Ctrl-D works too)",
}
WHAT_YOU_CAN_SAY = Path(__file__).with_name("what_you_can_say.yaml")
"""Every capability with example phrases: the same list README's "What you can say" shows (a test checks)."""


@dataclass(frozen=True)
class Capability:
    what: str
    say: dict[str, str]
    """Example phrase -> the request it becomes ("LaunchRequest" or an intent name)."""


def capabilities(path: Path = WHAT_YOU_CAN_SAY) -> list[Capability]:
    import yaml

    return [Capability(what=str(item["what"]), say=dict(item["say"])) for item in yaml.safe_load(path.read_text())]


# --------------------------------------------------------------------------------------------------------------
# Who is talking, and when


def _stable_id(identities: dict[str, Any], group: str, name: str, prefix: str) -> str:
    known: dict[str, str] = identities.setdefault(group, {})
    if name not in known:
        known[name] = f"{prefix}.LOCAL-{uuid.uuid4()}"
    return known[name]


def device_for(user: str, person: str | None, locale: str, api_endpoint: str, path: Path = IDENTITIES_FILE) -> Device:
    """The same user (and voice profile) gets the same IDs on every run, so the skill remembers them."""
    identities: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    user_id = _stable_id(identities, "users", user, "amzn1.ask.account")
    device_id = _stable_id(identities, "devices", user, "amzn1.ask.device")
    person_id = _stable_id(identities, "people", person, "amzn1.ask.person") if person else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(identities, indent=2) + "\n")
    return Device(user_id=user_id, person_id=person_id, device_id=device_id, locale=locale, api_endpoint=api_endpoint)


def machine_time_zone(localtime: Path = Path("/etc/localtime")) -> str:
    """This machine's IANA time zone name, from the /etc/localtime link; UTC when it cannot be told."""
    try:
        target = str(localtime.resolve())
    except OSError:
        return "UTC"
    found = re.search(r"zoneinfo/(.+)$", target)
    return found.group(1) if found else "UTC"


@dataclass
class Clock:
    """Simulated time: starts at ``start`` and runs at the speed of the real clock, plus whole weeks skipped."""

    start: datetime
    skipped: timedelta = timedelta()
    _began: float = field(default_factory=time.monotonic)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._began) + self.skipped

    def next_week(self) -> None:
        self.skipped += timedelta(weeks=1)


def clock_for(day: date | None) -> Clock:
    if day is None:
        return Clock(datetime.now(UTC))
    return Clock(datetime.combine(day, day_time(12, 0), tzinfo=UTC))


# --------------------------------------------------------------------------------------------------------------
# Showing replies


def _block(label: str, text: str) -> str:
    """A labelled block, wrapped to the console's width; line breaks in the text (cards) are kept."""
    wrapped = [line for paragraph in text.splitlines() for line in textwrap.wrap(paragraph, WIDTH - LABEL - 2)]
    wrapped = wrapped or [""]
    indent = " " * (LABEL + 2)
    lines = [f"  {label:<{LABEL}}{wrapped[0]}", *(indent + line for line in wrapped[1:])]
    return "\n".join(lines)


def describe_request(resolution: Resolution) -> str:
    if not resolution.matched:
        return "  (no match: sent as AMAZON.FallbackIntent)"
    note = " (close match)" if resolution.tier is Tier.FUZZY else ""
    return f"  [{resolution.describe()}]{note}"


PERMISSION_PROMPT = "(Alexa's own question) May Therapy Check-In set reminders for you? Say yes or no."
"""How the console shows Alexa's voice permission question for reminders; the answer goes back as a
Connections.Response."""
CONSENT_PROMPT = (
    "(Alexa's own question) Do you give Therapy Check-In permission to access your email address? "
    "You can say 'I approve' or 'no'."
)
"""How the console shows Alexa's voice-forward consent question for the email address; the answer goes back as a
SessionResumedRequest."""


def asks_permission(reply: Reply) -> bool:
    """The reminders' voice permission request (``Connections.SendRequest`` named ``AskFor``)."""
    return any(
        directive.get("type") == "Connections.SendRequest" and directive.get("name") == "AskFor"
        for directive in reply.directives
    )


def asks_consent(reply: Reply) -> bool:
    """Voice-forward consent: the session is handed to Alexa's consent task (``Connections.StartConnection``)."""
    return any(
        directive.get("type") == "Connections.StartConnection"
        and str(directive.get("uri", "")).startswith("connection://AMAZON.AskForPermissionsConsent/")
        for directive in reply.directives
    )


def _ssml(output: dict[str, Any] | None) -> str:
    return str((output or {}).get("ssml") or "")


def show_reply(reply: Reply, ssml: bool = False) -> str:
    """What Alexa would say, the reprompt, and the card in the Alexa app, labelled; with ``ssml``, also the raw
    markup Alexa would receive for each."""
    lines: list[str] = []
    if reply.speech:
        lines.append(_block("Alexa:", reply.speech))
    if ssml and reply.speech:
        lines.append(_block("SSML:", _ssml(reply.response.get("outputSpeech"))))
    if reply.reprompt:
        lines.append(_block("Reprompt:", reply.reprompt))
    if ssml and reply.reprompt:
        lines.append(_block("SSML:", _ssml((reply.response.get("reprompt") or {}).get("outputSpeech"))))
    card = reply.card
    if card:
        text = card.get("content") or card.get("text") or ""
        lines.append(_block("Card:", f"{card.get('title', '')}: {text}".strip(": ")))
    if asks_permission(reply):
        lines.append(_block("Alexa:", PERMISSION_PROMPT))
    if asks_consent(reply):
        lines.append(_block("Alexa:", CONSENT_PROMPT))
    if not lines:
        lines.append("  (no reply)")
    if reply.ends_session:
        lines.append("  (session ended)")
    return "\n".join(lines)


class Speaker:
    """Speaks replies aloud through espeak-ng, when it is installed."""

    def __init__(self, wanted: bool, out: TextIO) -> None:
        self.program = shutil.which("espeak-ng") if wanted else None
        if wanted and self.program is None:
            print("(--speak: espeak-ng is not installed here, so replies are shown as text only)", file=out)

    def say(self, text: str) -> None:
        if self.program and text:
            subprocess.run(
                [self.program, "-v", "en-us", text],
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=120,
            )


# --------------------------------------------------------------------------------------------------------------
# The conversation loop


@dataclass
class Console:
    conversation: Conversation
    nlu: Understanding
    clock: Clock
    speaker: Speaker
    out: TextIO
    ssml: bool = False
    """Show the raw SSML under each reply (``--ssml``, or ``:ssml`` to toggle)."""

    def say(self, text: str) -> bool:
        """Handle one line; False when the user asked to leave."""
        text = text.strip()
        if not text or text.startswith("#"):
            return True
        if text.startswith(":"):
            return self.command(text.lower())
        resolution = self.nlu.resolve(text)
        conversation = self.conversation
        if conversation.in_session and conversation.history and asks_permission(conversation.history[-1]):
            return self.permission_answer(resolution.intent)
        if conversation.in_session and conversation.history and asks_consent(conversation.history[-1]):
            return self.consent_answer(text, resolution.intent)
        if resolution.kind is Kind.INTENT and not resolution.one_shot and not conversation.in_session:
            self.print(f"  (the skill is closed: say 'open {self.nlu.model.invocation_name}' first)")
            return True
        self.print(describe_request(resolution))
        conversation.now = self.clock.now()
        if resolution.kind is Kind.SESSION_END:
            conversation.end_session()
            self.print("  (session closed)")
            return True
        if resolution.kind is Kind.LAUNCH:
            reply = conversation.launch()
        else:
            if resolution.one_shot:
                conversation.session_id = None  # "Alexa, ask ...": a new session
            reply = conversation.intent(str(resolution.intent), **dict(resolution.slots))
        self.print(show_reply(reply, ssml=self.ssml))
        self.speaker.say(reply.speech)
        return True

    def permission_answer(self, intent: str | None) -> bool:
        """The answer to Alexa's permission question, sent back to the skill as Alexa does."""
        status = {"AMAZON.YesIntent": "ACCEPTED", "AMAZON.NoIntent": "DENIED"}.get(str(intent), "NOT_ANSWERED")
        self.print(f"  [Connections.Response ({status})]")
        self.conversation.now = self.clock.now()
        reply = self.conversation.permission_answer(status)
        self.print(show_reply(reply))
        self.speaker.say(reply.speech)
        return True

    def consent_answer(self, text: str, intent: str | None) -> bool:
        """The answer to Alexa's consent question, sent back to the skill as Alexa does: the session resumed, the
        scope GRANTED ("yes", or Alexa's own "I approve") or DENIED ("no"), or with no result (anything else: not
        answered). Alexa's consent task, not the skill's model, understands "I approve"."""
        approve = re.sub(r"[^a-z ]", "", text.lower()).strip() in ("i approve", "approve")
        status = "GRANTED" if approve else {"AMAZON.YesIntent": "GRANTED", "AMAZON.NoIntent": "DENIED"}.get(str(intent))
        self.print(f"  [SessionResumedRequest ({status or 'no result'})]")
        self.conversation.now = self.clock.now()
        reply = self.conversation.consent_answer(status)
        self.print(show_reply(reply))
        self.speaker.say(reply.speech)
        return True

    def command(self, command: str) -> bool:
        if command in (":quit", ":q", ":exit"):
            return False
        if command == ":help":
            self.print(help_text(self.nlu.model.invocation_name))
        elif command == ":ssml":
            self.ssml = not self.ssml
            self.print(f"  (raw SSML {'shown' if self.ssml else 'hidden'})")
        elif command == ":new-session":
            self.conversation.now = self.clock.now()
            self.conversation.end_session()
            self.print("  (session closed)")
        elif command == ":next-week":
            self.conversation.session_id = None
            self.clock.next_week()
            self.print(f"  (it is now {self.clock.now():%A %d %B %Y, %H:%M} UTC; the session is closed)")
        else:
            self.print(f"  (unknown command {command}: type :help)")
        return True

    def print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def help_text(invocation: str) -> str:
    commands = "\n".join(f"  {name:<14}{what}" for name, what in COMMANDS.items())
    things = "\n".join(
        f"  {capability.what}:\n    " + ", ".join(f'"{phrase}"' for phrase in capability.say)
        for capability in capabilities()
    )
    return (
        f"Type what you would say to Alexa. Start with: open {invocation}\n"
        f"What you can say:\n{things}\nCommands:\n{commands}"
    )


def lines_from(stream: TextIO, out: TextIO, interactive: bool) -> Iterator[str]:
    """Typed lines with a prompt, or a script's lines echoed so the transcript reads like a conversation."""
    if interactive:
        while True:
            try:
                yield input(PROMPT)
            except EOFError:
                print(file=out)
                return
    for line in stream:
        text = line.rstrip("\n")
        if text.strip() and not text.lstrip().startswith("#"):
            print(f"{PROMPT}{text}", file=out, flush=True)
        yield text


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.console",
        description="Talk to Therapy Check-In on this machine, as you would to Alexa.",
    )
    parser.add_argument("--locale", default="en-US", help="the device's locale (default en-US)")
    parser.add_argument(
        "--date", type=date.fromisoformat, help="pretend today is this day (YYYY-MM-DD), e.g. to try next week"
    )
    parser.add_argument("--user", default=DEFAULT_USER, help="talk as another Amazon account (kept across runs)")
    parser.add_argument("--person", help="talk as a recognised voice profile on the account (kept across runs)")
    parser.add_argument(
        "--time-zone",
        default=machine_time_zone(),
        help="the device's time zone, as Alexa's Settings API reports it (default: this machine's)",
    )
    parser.add_argument("--reset", action="store_true", help="delete all local check-ins first, then start fresh")
    parser.add_argument("--speak", action="store_true", help="speak replies through espeak-ng, if installed")
    parser.add_argument("--ssml", action="store_true", help="also show the raw SSML of each reply (:ssml toggles)")
    return parser.parse_args(argv)


def main(
    argv: list[str] | None = None,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    data_dir: Path = DATA_DIR,
) -> int:
    args = parse_args(argv)
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    if args.locale not in available_locales():
        print(f"No interaction model for {args.locale}. Available: {', '.join(available_locales())}", file=out)
        return 2
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_on_signal)
    if args.reset and data_dir.exists():
        shutil.rmtree(data_dir)
        print("(local data deleted)", file=out)
    clock = clock_for(args.date)
    alexa_api = FakeAlexaApi(default_time_zone=args.time_zone).start()
    device = device_for(args.user, args.person, args.locale, alexa_api.url)
    try:
        with local_skill(data_dir) as server, LOG_FILE.open("a", encoding="utf-8") as log:
            handler = _load_handler(log, clock)
            console = Console(
                Conversation(handler=handler, device=device, now=clock.now()),
                understanding(args.locale),
                clock,
                Speaker(args.speak, out),
                out,
                ssml=args.ssml,
            )
            who = args.user + (f", voice profile {args.person}" if args.person else "")
            console.print(
                f"Therapy Check-In, running on this machine ({args.locale}, {clock.now():%A %d %B %Y} UTC, "
                f"time zone {args.time_zone}, user {who}).\n"
                f"DynamoDB: dynalite at {server.endpoint}, data in {_shown(data_dir)}; "
                f"skill logs in {_shown(LOG_FILE)}.\n"
                f"Type what you would say to Alexa, or :help. Start with: open {console.nlu.model.invocation_name}"
            )
            for line in lines_from(stdin, out, interactive=stdin.isatty()):
                if not console.say(line):
                    break
    except KeyboardInterrupt:
        print("\n(stopped)", file=out)
        return 130
    finally:
        alexa_api.stop()
    return 0


def _load_handler(log: TextIO, clock: Clock) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """Import the skill only now, after the environment points it at the local server. The console's clock is the
    skill's server clock too, so the passcode lock keeps the same time as everything else (``--date``,
    ``:next-week``), as it keeps the real time on Lambda."""
    make_skill_importable()
    from therapy_checkin import clock as server_clock
    from therapy_checkin.handler import lambda_handler

    server_clock.server_now = clock.now

    send_skill_logs_to(log)
    handler: Callable[[dict[str, Any], Any], dict[str, Any]] = lambda_handler
    return handler


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    raise SystemExit(main())
