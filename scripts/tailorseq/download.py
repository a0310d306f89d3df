"""Downloads into the cache: streamed, checksummed, and renamed into place only when whole."""

import hashlib
import os
import urllib.request
from pathlib import Path

from tailorseq.errors import TailorseqError

BLOCK = 1 << 20


def fetch(url: str, destination: Path, sha256: str = "") -> str:
    """Download `url` to `destination`, verify `sha256` when given, return the digest."""
    partial = destination.with_name(destination.name + ".partial")
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(partial, "wb") as out:
            while block := response.read(BLOCK):
                digest.update(block)
                out.write(block)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise TailorseqError(
            f"downloading {url} failed: {error}. Fix: check the URL and the network, "
            "or download the file yourself and give its path in the config"
        ) from error
    found = digest.hexdigest()
    if sha256 and found != sha256.lower():
        partial.unlink()
        raise TailorseqError(
            f"{url}: sha256 is {found}, the config expects {sha256}. Fix: correct "
            "reference.sha256 in the config, or the URL if it points at the wrong file"
        )
    os.replace(partial, destination)
    return found
