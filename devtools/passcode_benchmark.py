"""How long one passcode hash takes here, and what that means on the function's Lambda size.

Lambda gives a function CPU in proportion to its memory: one full vCPU at 1,769 MB. scrypt is single-threaded
and CPU-bound, so on a smaller function the same work takes longer by that proportion. This prints the
measured time on this machine and the estimate for the ``MemorySize`` in ``template.yaml``; a passcode turn
hashes once, and the estimate should stay well under 200 ms.

    .venv/bin/python -m devtools.passcode_benchmark
"""

from __future__ import annotations

import statistics
import time

from devtools.table import load_template
from therapy_checkin.domain.passcode import SCRYPT_N, SCRYPT_P, SCRYPT_R, hash_passcode

FULL_VCPU_MB = 1769
RUNS = 30


def measure(runs: int = RUNS) -> list[float]:
    """Seconds per hash over ``runs`` hashes (after one warm-up)."""
    hash_passcode("4821")
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        hash_passcode("4821")
        timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    memory = int(load_template()["Resources"]["CheckInFunction"]["Properties"]["MemorySize"])
    share = min(1.0, memory / FULL_VCPU_MB)
    timings = measure()
    median, worst = statistics.median(timings), max(timings)
    print(f"scrypt n={SCRYPT_N} r={SCRYPT_R} p={SCRYPT_P}, {len(timings)} runs on this machine:")
    print(f"  median {median * 1000:.1f} ms, slowest {worst * 1000:.1f} ms")
    print(f"  estimate at {memory} MB ({share:.2f} vCPU): median {median / share * 1000:.0f} ms")


if __name__ == "__main__":
    main()
