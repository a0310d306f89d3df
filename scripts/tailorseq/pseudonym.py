"""Stable pseudonymous ids for samples, so that no sample name reaches a scheduler."""

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_ENV = "TAILORSEQ_SECRET"
DEFAULT_SECRET_FILE = Path.home() / ".config" / "tailorseq" / "secret"


def lab_secret(path: Path = DEFAULT_SECRET_FILE) -> bytes:
    """The lab's key: $TAILORSEQ_SECRET, else an owner-only file created on first use."""
    from_env = os.environ.get(SECRET_ENV)
    if from_env:
        return from_env.encode()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def pseudonym(sample: str, key: bytes) -> str:
    """A keyed hash of a sample id: 's' and 10 hex digits, the same for the same key."""
    digest = hmac.new(key, sample.encode(), hashlib.sha256).hexdigest()
    return "s" + digest[:10]
