"""DNA helpers shared by the demo generator: base tables, reverse complement, seeded streams."""

import hashlib

import numpy as np

BASES = np.frombuffer(b"ACGT", dtype=np.uint8)
_COMPLEMENT = bytes.maketrans(b"ACGTN", b"TGCAN")
COMPLEMENT_TABLE = np.frombuffer(_COMPLEMENT, dtype=np.uint8)
BASE_INDEX = np.zeros(256, dtype=np.uint8)
BASE_INDEX[BASES] = np.arange(4, dtype=np.uint8)


def revcomp(sequence: str) -> str:
    """The reverse complement of an upper-case DNA string."""
    return sequence.translate(_COMPLEMENT)[::-1]


def complement(sequence: str) -> str:
    """The complement (not reversed) of an upper-case DNA string."""
    return sequence.translate(_COMPLEMENT)


def stream(seed: int, *names: str) -> np.random.Generator:
    """An independent random stream for one purpose, named so that streams never share draws.

    Adding or removing a stream, or drawing more from one, leaves every other stream unchanged.
    """
    keys = [int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") for name in names]
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=keys))


def longest_run(sequence: str) -> int:
    """The length of the longest homopolymer run in `sequence` (0 for an empty string)."""
    longest = run = 0
    previous = ""
    for base in sequence:
        run = run + 1 if base == previous else 1
        previous = base
        longest = max(longest, run)
    return longest
