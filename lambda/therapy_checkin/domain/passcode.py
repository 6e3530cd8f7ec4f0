"""The recap passcode: four spoken digits, kept only as a salted, deliberately slow hash.

Four digits are only ten thousand possibilities, so the hash alone could never protect them against someone
holding the table; what protects a passcode is that it is never stored or logged, that the hash costs tens of
milliseconds each (scrypt), and that three wrong tries lock recaps for fifteen minutes. The parameters are
stored with each hash, so they can be raised later without breaking existing passcodes.
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
LOCK_DURATION = timedelta(minutes=15)

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
