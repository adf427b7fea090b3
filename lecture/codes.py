"""Room codes, presenter keys and voter tokens: made here, and checked here before use.

A room code is said aloud and typed on a phone: 6 characters from an alphabet with no
look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G), read without case, spaces or dashes:
"k7m-3px" is K7M3PX. 22 characters, 22^6 = 113 million codes.

A presenter key is 128 random bits (22 URL-safe characters). Only the presenter's session
and link hold it; a room keeps its SHA-256, and compares in constant time.

A voter token names one student's answers (one per question): issued by the room when a
session joins, 96 random bits.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
CODE_LENGTH = 6
_CODE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
_KEY = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16)
_VOTER = re.compile(r"[A-Za-z0-9_-]{16}")  # secrets.token_urlsafe(12)
_SEPARATORS = str.maketrans("", "", " -_.\t")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def parse_code(text: object) -> str | None:
    """A room code as typed ("k7m 3px", "K7M-3PX") -> "K7M3PX"; None if it cannot be one."""
    if not isinstance(text, str) or len(text) > 3 * CODE_LENGTH:
        return None
    code = text.translate(_SEPARATORS).upper()
    return code if _CODE.fullmatch(code) else None


def new_key() -> str:
    return secrets.token_urlsafe(16)


def parse_key(text: object) -> str | None:
    return text if isinstance(text, str) and _KEY.fullmatch(text) else None


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(key: object, digest: str) -> bool:
    """Does `key` (anything a request sent) open the room whose key has this digest?"""
    ok = parse_key(key)
    return ok is not None and hmac.compare_digest(key_digest(ok), digest)


def new_voter() -> str:
    return secrets.token_urlsafe(12)


def parse_voter(text: object) -> str | None:
    return text if isinstance(text, str) and _VOTER.fullmatch(text) else None
