"""Benchmark: how long the user waits, how much memory the function needs, and what a check-in costs.

Run with ``make bench``. It starts dynalite (a real DynamoDB-compatible server, over HTTP as in Lambda) and
measures on this machine:

- import: a fresh interpreter importing the handler, with and without compiled bytecode (Lambda's code folder is
  read-only, so bytecode only helps when the bundle ships it);
- first answer: a fresh process, from start to the answer of a LaunchRequest (the pause before the first word on
  a cold Lambda, less Lambda's own start-up);
- warm turns: every turn of full check-ins, per-turn latency;
- memory: the peak resident size of the first-answer process;
- cost: DynamoDB calls per check-in, and on-demand request units and Lambda time priced per user per year.

Numbers from this machine are not Lambda's, but they rank changes reliably and bound what the user feels.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LAMBDA = ROOT / "lambda"
SIGNS = 12

# us-east-1 list prices (on-demand DynamoDB per million request units; Lambda arm64 per GB-second and request).
WRITE_UNIT_PRICE = 0.625 / 1_000_000
READ_UNIT_PRICE = 0.125 / 1_000_000
LAMBDA_GB_SECOND_PRICE = 0.0000133334
LAMBDA_REQUEST_PRICE = 0.20 / 1_000_000
MEMORY_GB = 0.5

FIRST_ANSWER = """
import time
start = time.perf_counter()
from therapy_checkin.handler import lambda_handler
imported = time.perf_counter()
from devtools.envelopes import Device, FakeLambdaContext, envelope, launch_request
event = envelope(Device(), launch_request(), "amzn1.echo-api.session.bench", {}, True)
reply = lambda_handler(event, FakeLambdaContext())
answered = time.perf_counter()
import resource
assert "Welcome" in reply["response"]["outputSpeech"]["ssml"]
print(imported - start, answered - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def subprocess_environment() -> dict[str, str]:
    """This process's environment (the skill's settings already in it), free to write bytecode."""
    inherited = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**inherited, "PYTHONPATH": f"{LAMBDA}{os.pathsep}{ROOT}", "POWERTOOLS_LOG_LEVEL": "WARNING"}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def import_times(env: dict[str, str], runs: int, bytecode: bool) -> list[float]:
    code = "import time; s=time.perf_counter(); import therapy_checkin.handler; print(time.perf_counter()-s)"
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as cache:
            run_env = (
                {**env, "PYTHONPYCACHEPREFIX": str(ROOT / ".local" / "pycache")}
                if bytecode
                else {**env, "PYTHONPYCACHEPREFIX": cache}
            )
            out = subprocess.run([sys.executable, "-c", code], env=run_env, capture_output=True, text=True, check=True)
            times.append(float(out.stdout.split()[-1]))
    return times


def first_answers(env: dict[str, str], runs: int) -> list[tuple[float, float, int]]:
    env = {**env, "PYTHONPYCACHEPREFIX": str(ROOT / ".local" / "pycache")}
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", FIRST_ANSWER], env=env, capture_output=True, text=True, check=True)
        imported, answered, rss = out.stdout.split()[-3:]
        results.append((float(imported), float(answered), int(rss)))
    return results


def warm_turns(users: int) -> tuple[list[float], Counter[str]]:
    """Full check-ins in this process: latency of every turn, and every DynamoDB call they made."""
    from devtools.conversation import Conversation
    from devtools.envelopes import Device
    from therapy_checkin.handler import lambda_handler
    from therapy_checkin.turn import default_store

    calls: Counter[str] = Counter()
    default_store()._client.meta.events.register("before-call.dynamodb", lambda model, **_: calls.update([model.name]))
    latencies: list[float] = []

    def timed(action: Any, *args: Any) -> Any:
        start = time.perf_counter()
        reply = action(*args)
        latencies.append(time.perf_counter() - start)
        return reply

    for user in range(users):
        conversation = Conversation(handler=lambda_handler, device=Device(), now=datetime(2026, 11, 23, 12, tzinfo=UTC))
        timed(conversation.launch)
        timed(conversation.intent, "AMAZON.YesIntent")
        for sign in range(SIGNS):
            reply = timed(conversation.rate, str((user + sign) % 5 + 1))
        if not reply.ends_session:
            raise RuntimeError("a benchmark check-in did not finish")
    return latencies, calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=8, help="fresh processes per cold measurement")
    parser.add_argument("--users", type=int, default=20, help="full check-ins for the warm measurement")
    args = parser.parse_args()

    sys.path[:0] = [str(LAMBDA), str(ROOT)]
    from devtools.local import local_skill

    with local_skill(data_dir=None, table_name="therapy-checkin-bench"):
        env = subprocess_environment()
        cold_plain = import_times(env, args.runs, bytecode=False)
        import_times(env, 1, bytecode=True)
        cold_compiled = import_times(env, args.runs, bytecode=True)
        first = first_answers(env, args.runs)
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            latencies, calls = warm_turns(args.users)

    per_checkin = {name: count / args.users for name, count in calls.items()}
    turns_per_checkin = SIGNS + 2
    writes, reads = per_checkin.get("UpdateItem", 0), per_checkin.get("Query", 0)
    mean_turn = statistics.mean(latencies)
    dynamo_year = 52 * (writes * WRITE_UNIT_PRICE + reads * READ_UNIT_PRICE)
    lambda_year = 52 * turns_per_checkin * (mean_turn * MEMORY_GB * LAMBDA_GB_SECOND_PRICE + LAMBDA_REQUEST_PRICE)

    def ms(value: float) -> str:
        return f"{value * 1000:.0f} ms"

    rows = [
        ("import, no bytecode (median)", ms(statistics.median(cold_plain))),
        ("import, with bytecode (median)", ms(statistics.median(cold_compiled))),
        ("first answer from a fresh process, with bytecode (median)", ms(statistics.median(a for _, a, _ in first))),
        ("peak memory of that process", f"{max(r for _, _, r in first) / 1024:.0f} MB"),
        ("warm turn p50", ms(percentile(latencies, 0.5))),
        ("warm turn p95", ms(percentile(latencies, 0.95))),
        ("warm turn max", ms(max(latencies))),
        ("DynamoDB calls per check-in (first week)", ", ".join(f"{n} {v:g}" for n, v in sorted(per_checkin.items()))),
        ("cost per user per year: DynamoDB on-demand", f"${dynamo_year:.6f}"),
        ("cost per user per year: Lambda (512 MB arm64, warm turns)", f"${lambda_year:.6f}"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure':<{width}} | value |\n|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")


if __name__ == "__main__":
    main()
