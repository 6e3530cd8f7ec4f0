"""Benchmark: how long the user waits, how much CPU and memory the function needs, what it ships, what it costs.

Run with ``make bench`` (it runs ``make build`` first, so the bundle measured is the one that would deploy). It
starts dynalite (a real DynamoDB-compatible server, over HTTP as in Lambda) and measures on this machine:

- cold first answer: a fresh process from its first line to the answer of a first-visit LaunchRequest (the pause
  before the first word on a cold Lambda, less Lambda's own start-up), beside a baseline from the same run: the
  least a Python skill can do (``benchmarks/minimal_skill.py``: import boto3, create a DynamoDB client, one Query,
  print a response). The two run alternately (minimal, skill, minimal, skill, ...) against the same endpoint, so
  both see the same machine load; medians are compared. Both use compiled bytecode, as the bundle ships it. A
  third run in each round leaves the skill's garbage collector on, to show what switching it off saves;
- import: the handler's import alone (from the same skill processes), beside a bare ``import boto3``; and once
  without bytecode, to show what ``make build``'s compile step saves;
- warm turns: every turn of full check-ins in one process (after one unmeasured check-in), wall time and the
  skill's own CPU time. CPU is ``time.process_time()`` around the handler, less the CPU spent inside the calls
  to other services: the DynamoDB client's (botocore serialising, signing, sending and parsing; measured the
  same way around the client's one entry point, ``_make_api_call``) and Alexa's API client's (a first visit's
  time-zone lookup over HTTP, around ``TimedApiClient.invoke``). What is left is the skill's own work: the ASK
  SDK's request parsing and dispatch, the handlers, session state, response building, logging. dynalite and the
  API stand-in run elsewhere, so their CPU is never counted; the figure with the Alexa API client's CPU left in
  is printed too;
- bundle: the ``make build`` output (dependencies and compiled bytecode), zipped as SAM would, and unpacked,
  and whether it carries a second botocore beside the runtime's;
- memory: the peak resident size of the first-answer process;
- cost and scale: DynamoDB calls per check-in as measured, priced per user per year, and the number of users at
  which each service limit would bite under a stated assumption about the busiest minute.

Numbers from this machine are not Lambda's, but they rank changes reliably and bound what the user feels.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LAMBDA = ROOT / "lambda"
BUNDLE = ROOT / ".aws-sam" / "build" / "CheckInFunction"
MINIMAL_SKILL = Path(__file__).resolve().parent / "minimal_skill.py"
PYCACHE = ROOT / ".local" / "pycache"
SIGNS = 12
TURNS_PER_CHECKIN = SIGNS + 2  # launch, "yes", twelve ratings

# us-east-1 list prices (on-demand DynamoDB per million request units; Lambda arm64 per GB-second and request).
WRITE_UNIT_PRICE = 0.625 / 1_000_000
READ_UNIT_PRICE = 0.125 / 1_000_000
LAMBDA_GB_SECOND_PRICE = 0.0000133334
LAMBDA_REQUEST_PRICE = 0.20 / 1_000_000
MEMORY_GB = 0.5

# Service limits (defaults; most are quotas that can be raised on request, per-partition limits cannot).
LAMBDA_CONCURRENCY = 1_000  # concurrent executions per account and region, shared by all its functions
LAMBDA_REQUESTS_PER_SECOND = 10 * LAMBDA_CONCURRENCY  # invocations per second: 10 x the concurrency quota
PARTITION_WRITE_UNITS = 1_000  # per partition key value (here: one Alexa account), per second
PARTITION_READ_UNITS = 3_000
NEW_ON_DEMAND_TABLE_WRITES = 4_000  # what a new on-demand table serves at once; it doubles the previous peak
NEW_ON_DEMAND_TABLE_READS = 12_000
STRONG_READ_UNITS_PER_QUERY = 1  # one user's profile and weeks are well under 4 KB

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

COLLECTOR_ON = "import gc; gc.disable = lambda: None\n"
"""Prepended to FIRST_ANSWER: the skill's cold start with the garbage collector left on, as Python starts, to
show what switching it off until the first answer (``handler.end_of_cold_start``) saves."""

BARE_BOTO3 = "import time; s=time.perf_counter(); import boto3; print(time.perf_counter()-s)"
HANDLER_IMPORT = "import time; s=time.perf_counter(); import therapy_checkin.handler; print(time.perf_counter()-s)"


def subprocess_environment(alexa_api: str) -> dict[str, str]:
    """This process's environment (the skill's settings already in it), free to write bytecode. Alexa's API is
    the local stand-in, so a first visit asks it for the time zone over HTTP as it would ask Alexa."""
    inherited = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {
        **inherited,
        "PYTHONPATH": f"{LAMBDA}{os.pathsep}{ROOT}",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "ALEXA_API_ENDPOINT": alexa_api,
        "PYTHONPYCACHEPREFIX": str(PYCACHE),
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_python(env: dict[str, str], *arguments: str) -> list[str]:
    out = subprocess.run([sys.executable, *arguments], env=env, capture_output=True, text=True, check=True)
    return out.stdout.split()


@dataclass
class ColdRuns:
    minimal: list[float]
    minimal_rss_kb: list[int]
    skill: list[float]
    skill_import: list[float]
    skill_rss_kb: list[int]
    boto3_import: list[float]
    skill_collector_on: list[float]


def cold_runs(env: dict[str, str], pairs: int) -> ColdRuns:
    """Fresh processes, alternating, so that both sides of each comparison see the same machine load."""
    for script in (["-c", FIRST_ANSWER], [str(MINIMAL_SKILL)]):
        run_python(env, *script)  # writes the bytecode both measured sides then read
    runs = ColdRuns([], [], [], [], [], [], [])
    for _ in range(pairs):
        minimal_seconds, minimal_rss = run_python(env, str(MINIMAL_SKILL))[-2:]
        runs.minimal.append(float(minimal_seconds))
        runs.minimal_rss_kb.append(int(minimal_rss))
        imported, answered, rss = run_python(env, "-c", FIRST_ANSWER)[-3:]
        runs.skill.append(float(answered))
        runs.skill_import.append(float(imported))
        runs.skill_rss_kb.append(int(rss))
        runs.boto3_import.append(float(run_python(env, "-c", BARE_BOTO3)[-1]))
        runs.skill_collector_on.append(float(run_python(env, "-c", COLLECTOR_ON + FIRST_ANSWER)[-2]))
    return runs


def import_without_bytecode(env: dict[str, str], runs: int) -> list[float]:
    """The handler's import when every module is compiled from source, as in a bundle shipped without bytecode."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as empty_cache:
            times.append(float(run_python({**env, "PYTHONPYCACHEPREFIX": empty_cache}, "-c", HANDLER_IMPORT)[-1]))
    return times


@dataclass
class WarmTurns:
    walls: list[float]
    own_cpu: list[float]
    """The skill's own CPU per turn: DynamoDB and Alexa API calls excluded."""
    cpu_with_alexa_api: list[float]
    """The same, with the Alexa API client's CPU left in."""
    calls: Counter[str]


def warm_turns(users: int) -> WarmTurns:
    """Full check-ins in this process: wall time and the skill's own CPU time of every turn, and every DynamoDB
    call they made. The first check-in warms the process (lazy imports, the client) and is not measured."""
    from devtools.conversation import Conversation
    from devtools.envelopes import Device
    from therapy_checkin import alexa_api
    from therapy_checkin.handler import lambda_handler, process_store

    client: Any = process_store.connect()
    turns = WarmTurns([], [], [], Counter())
    storage_cpu, api_cpu = [0.0], [0.0]
    make_api_call, invoke = client._make_api_call, alexa_api.TimedApiClient.invoke

    def counted(operation: str, params: dict[str, Any]) -> Any:
        start = time.process_time()
        try:
            return make_api_call(operation, params)
        finally:
            storage_cpu[0] += time.process_time() - start
            turns.calls[operation] += 1

    def timed_invoke(self: Any, request: Any) -> Any:
        start = time.process_time()
        try:
            return invoke(self, request)
        finally:
            api_cpu[0] += time.process_time() - start

    client._make_api_call = counted
    alexa_api.TimedApiClient.invoke = timed_invoke  # type: ignore[method-assign]
    measuring = False

    def timed(action: Any, *args: Any) -> Any:
        storage_before, api_before = storage_cpu[0], api_cpu[0]
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        reply = action(*args)
        cpu, wall = time.process_time() - cpu_start, time.perf_counter() - wall_start
        if measuring:
            storage, api = storage_cpu[0] - storage_before, api_cpu[0] - api_before
            turns.walls.append(wall)
            turns.own_cpu.append(cpu - storage - api)
            turns.cpu_with_alexa_api.append(cpu - storage)
        return reply

    for user in range(users + 1):
        measuring = user > 0
        if user == 1:
            turns.calls.clear()
        conversation = Conversation(handler=lambda_handler, device=Device(), now=datetime(2026, 11, 23, 12, tzinfo=UTC))
        timed(conversation.launch)
        timed(conversation.intent, "AMAZON.YesIntent")
        for sign in range(SIGNS):
            reply = timed(conversation.rate, str((user + sign) % 5 + 1))
        if not reply.ends_session:
            reply = timed(conversation.intent, "AMAZON.NoIntent")  # no weekly reminder, thanks
        if not reply.ends_session:
            raise RuntimeError("a benchmark check-in did not finish")
    alexa_api.TimedApiClient.invoke = invoke  # type: ignore[method-assign]
    return turns


@dataclass
class Bundle:
    zipped: int
    unpacked: int
    botocore_copies: int
    bytecode_files: int


def measure_bundle(folder: Path) -> Bundle | None:
    """The built function folder, zipped in memory the way ``sam deploy`` uploads it (deflate)."""
    if not folder.is_dir():
        return None
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.relative_to(folder))
    return Bundle(
        zipped=buffer.tell(),
        unpacked=sum(path.stat().st_size for path in files),
        botocore_copies=sum(1 for found in folder.glob("botocore/__init__.py")),
        bytecode_files=sum(1 for path in files if path.suffix == ".pyc"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=15, help="alternating cold runs of the minimal skill and ours")
    parser.add_argument("--runs", type=int, default=4, help="fresh processes importing without bytecode")
    parser.add_argument("--users", type=int, default=40, help="full check-ins for the warm measurement")
    parser.add_argument(
        "--peak-share", type=float, default=0.005, help="share of all users whose check-in falls in the busiest minute"
    )
    args = parser.parse_args()

    sys.path[:0] = [str(LAMBDA), str(ROOT)]
    # With metrics switched off locally, Powertools warns after every request that it has nothing to publish.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    from devtools.fake_alexa_api import FakeAlexaApi
    from devtools.local import local_skill

    with local_skill(data_dir=None, table_name="therapy-checkin-bench"), FakeAlexaApi() as alexa_api:
        env = subprocess_environment(alexa_api.url)
        cold = cold_runs(env, args.pairs)
        no_bytecode = import_without_bytecode(env, args.runs)
        os.environ["ALEXA_API_ENDPOINT"] = alexa_api.url
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            warm = warm_turns(args.users)
    bundle = measure_bundle(BUNDLE)

    walls, cpus = warm.walls, warm.own_cpu
    per_checkin = {name: count / args.users for name, count in warm.calls.items()}
    writes, reads = per_checkin.get("UpdateItem", 0), per_checkin.get("Query", 0)
    mean_turn = statistics.mean(walls)
    dynamo_year = 52 * (writes * WRITE_UNIT_PRICE + reads * READ_UNIT_PRICE * STRONG_READ_UNITS_PER_QUERY)
    lambda_year = 52 * TURNS_PER_CHECKIN * (mean_turn * MEMORY_GB * LAMBDA_GB_SECOND_PRICE + LAMBDA_REQUEST_PRICE)

    # The busiest minute: peak_share of all users check in, each check-in's turns and calls within that minute.
    checkins_per_second_per_user = args.peak_share / 60
    invocations = checkins_per_second_per_user * TURNS_PER_CHECKIN
    concurrency = invocations * mean_turn
    table_writes = checkins_per_second_per_user * writes
    table_reads = checkins_per_second_per_user * reads * STRONG_READ_UNITS_PER_QUERY

    def ms(value: float) -> str:
        return f"{value * 1000:.0f} ms"

    def ms1(value: float) -> str:
        return f"{value * 1000:.2f} ms"

    def users(limit: float, per_user: float) -> str:
        return f"{limit / per_user:,.0f} users" if per_user else "never"

    minimal, skill = statistics.median(cold.minimal), statistics.median(cold.skill)
    skill_import, boto3_import = statistics.median(cold.skill_import), statistics.median(cold.boto3_import)
    memory = f"{max(cold.skill_rss_kb) / 1024:.0f} MB / {max(cold.minimal_rss_kb) / 1024:.0f} MB"
    cpu = f"{ms1(percentile(cpus, 0.5))} / {ms1(percentile(cpus, 0.99))}"
    with_api = warm.cpu_with_alexa_api
    cpu_with_api = f"{ms1(percentile(with_api, 0.5))} / {ms1(percentile(with_api, 0.99))}"
    wall = " / ".join(ms1(percentile(walls, share)) for share in (0.5, 0.95, 0.99))
    rows = [
        (f"first answer, fresh process, median of {args.pairs} (skill)", ms(skill)),
        (f"minimal skill, same runs alternating, median of {args.pairs}", ms(minimal)),
        ("first answer / minimal skill", f"{skill / minimal:.2f}x"),
        ("first answer with the garbage collector left on (median)", ms(statistics.median(cold.skill_collector_on))),
        ("import of the handler, with bytecode (median)", ms(skill_import)),
        ("bare `import boto3` (median)", ms(boto3_import)),
        ("import of the handler / bare import boto3", f"{skill_import / boto3_import:.2f}x"),
        (f"import of the handler, no bytecode (median of {args.runs})", ms(statistics.median(no_bytecode))),
        ("peak memory: first-answer process / minimal skill (max)", memory),
        (f"warm turn CPU, the skill's own, p50 / p99 ({len(cpus)} turns)", cpu),
        ("warm turn CPU, with the Alexa API client's, p50 / p99", cpu_with_api),
        ("warm turn wall time, p50 / p95 / p99", wall),
    ]
    if bundle is None:
        rows.append(("bundle", f"not built ({BUNDLE.relative_to(ROOT)} missing: run make build)"))
    else:
        sizes = f"{bundle.zipped / 1e6:.1f} MB / {bundle.unpacked / 1e6:.1f} MB"
        rows += [
            ("bundle zipped / unpacked, with bytecode (sum of file sizes)", sizes),
            ("botocore copies in the bundle (the runtime has its own)", str(bundle.botocore_copies)),
        ]
    partition = f"{PARTITION_WRITE_UNITS / (writes / 60):,.0f} check-ins in one minute on one account"
    rows += [
        ("DynamoDB calls per check-in (first week)", ", ".join(f"{n} {v:g}" for n, v in sorted(per_checkin.items()))),
        ("cost per user per year: DynamoDB on-demand", f"${dynamo_year:.6f}"),
        ("cost per user per year: Lambda (512 MB arm64, warm turns)", f"${lambda_year:.6f}"),
        (f"busiest minute: {args.peak_share:.1%} of users check in", f"{TURNS_PER_CHECKIN} turns each"),
        (f"bites at: Lambda concurrency {LAMBDA_CONCURRENCY:,}", users(LAMBDA_CONCURRENCY, concurrency)),
        (f"bites at: {LAMBDA_REQUESTS_PER_SECOND:,} invocations/s", users(LAMBDA_REQUESTS_PER_SECOND, invocations)),
        (f"bites at: {NEW_ON_DEMAND_TABLE_WRITES:,} writes/s", users(NEW_ON_DEMAND_TABLE_WRITES, table_writes)),
        (f"bites at: {NEW_ON_DEMAND_TABLE_READS:,} reads/s", users(NEW_ON_DEMAND_TABLE_READS, table_reads)),
        (f"one account's partition key: {PARTITION_WRITE_UNITS:,} WCU/s", partition),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure':<{width}} | value |\n|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name:<{width}} | {value} |")


if __name__ == "__main__":
    main()
