"""The recap passcode: four spoken digits, kept only as a salted, deliberately slow hash.

Four digits are only ten thousand possibilities, so what protects a passcode against guessing by voice is the
lock, not the hash. Each round allows three tries; a full round locks recaps for fifteen minutes, the next full
round for an hour, and every round after that for a day, until the right passcode resets the escalation. Each
try is counted on the table *before* the digits are compared (see ``CheckInStore.reserve_passcode_try``), so
guesses sent at the same moment cannot slip past the count. The lock is judged by the server's clock
(:mod:`therapy_checkin.clock`), never by the time a request claims.

Guesses per day, at most: with the old rule (three tries, then fifteen minutes, forever) 3 x 96 = **288**.
Now 9 on the first day (3 + 3 after fifteen minutes + 3 after an hour) and **3 a day** after that: trying all
ten thousand codes takes about nine years instead of five weeks.

**Why no pepper** (a secret key kept outside the table, mixed into every hash): someone holding a copy of the
table can try all ten thousand codes against one hash offline, and did so here in 419 s on one core of a
shared two-core machine (42 ms a try; about 20 ms a try on an idle core, so minutes, and seconds with more
cores). A pepper would stop that. But the same copy holds every rating beside the hash, in the clear: the
passcode guards recaps from others at a shared speaker, not the table from its readers (that is IAM and KMS).
A pepper would protect only one thing, a passcode also used elsewhere, and it would cost: a secret that
CloudFormation cannot create (SSM SecureString; standard parameters and throughput are free, KMS decrypts
$0.03 per 10,000) or $0.40 a month plus $0.05 per 10,000 calls (Secrets Manager); a second AWS client built
on the first passcode turn of a cold start (60 to 250 ms measured here, before the network call); IAM for
one more resource; a new way for recaps to fail when that service throttles or is down; and a secret that
cannot be rotated without every user setting their passcode again, whose loss voids every passcode. So the
skill asks for four digits not used anywhere else, and PRIVACY.md says why, instead.

The scrypt parameters are stored with each hash, so they can be raised later without breaking existing
passcodes.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

ALGORITHM = "scrypt"
SCRYPT_N = 2**13
SCRYPT_R = 8
SCRYPT_P = 1
"""8 MiB of memory per hash: about 20 ms on one full vCPU, and about 75 ms at the function's 512 MB, which gets
under a third of a vCPU (measure with ``python -m devtools.passcode_benchmark``). Twice this cost would buy
nothing real for four digits: the lock after three wrong tries is what stops guessing."""
SALT_BYTES = 16
DIGEST_BYTES = 32
CODE_LENGTH = 4

MAX_FAILURES = 3
"""Tries in one round; the try that fills a round, if wrong, locks recaps."""
LOCK_DURATIONS = (timedelta(minutes=15), timedelta(hours=1), timedelta(hours=24))
"""How long the first, second, and every later full round in a row locks recaps."""
MAX_GUESSES_PER_DAY = MAX_FAILURES * 3
"""The most tries in any 24 hours: three rounds (the first two locks are shorter than a day together); after
the first day, three a day."""


def lock_duration(rounds_before: int) -> timedelta:
    """The lock that follows a full round, after ``rounds_before`` full rounds in a row."""
    return LOCK_DURATIONS[min(max(rounds_before, 0), len(LOCK_DURATIONS) - 1)]


_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}


def parse_code(heard: str | None) -> str | None:
    """Exactly four digits from what Alexa heard ("4821", "48 21", "four eight two one"), or ``None``."""
    if not heard:
        return None
    tokens = re.split(r"[\s,.\-]+", heard.strip().lower())
    digits = "".join(_DIGIT_WORDS.get(token, token) for token in tokens if token)
    if len(digits) == CODE_LENGTH and digits.isascii() and digits.isdigit():
        return digits
    return None


@dataclass(frozen=True)
class PasscodeHash:
    """A passcode's scrypt hash, with everything needed to check a candidate against it."""

    salt: bytes
    digest: bytes
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P
    algorithm: str = ALGORITHM

    def matches(self, code: str) -> bool:
        """True when ``code`` is the passcode. The comparison takes the same time whatever the digits."""
        if self.algorithm != ALGORITHM:
            return False
        candidate = _scrypt(code, self.salt, self.n, self.r, self.p, len(self.digest))
        return hmac.compare_digest(candidate, self.digest)


def hash_passcode(code: str, salt: bytes | None = None) -> PasscodeHash:
    """Hash a passcode with a fresh random salt (or the given one, to compare two entries)."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    return PasscodeHash(salt=salt, digest=_scrypt(code, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, DIGEST_BYTES))


def _scrypt(code: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(code.encode("ascii"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=64 * 1024 * 1024)
