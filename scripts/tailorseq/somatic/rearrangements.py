"""Planted copy-number and structural events of a simulated tumour (tailorseq.somatic.simulate):
a window segment held by each tumour haplotype 0, 1 or n times (deletions, amplifications as
tandem copies) or inverted, so that the reads show both the depth and the breakpoints.

A haplotype is built piece by piece between event boundaries: small variants inside a piece are
applied first, then the piece is dropped, repeated or reverse-complemented. Small variants that
straddle a boundary are left out of the truth and of the haplotypes (`away_from_events`)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Protocol, TypeVar

KINDS = ("amplification", "deletion", "inversion")
COMPLEMENT = str.maketrans("ACGTN", "TGCAN")


@dataclass(frozen=True)
class Event:
    """A segment [start, end) of the window (0-based) and what each tumour haplotype holds:
    `copies` (haplotype 0, haplotype 1); an inversion keeps one copy of each and reverses the
    segment on the haplotypes in `inverted`."""

    kind: str
    start: int
    end: int
    copies: tuple[int, int] = (1, 1)
    inverted: tuple[int, ...] = ()

    @property
    def total(self) -> int:
        """Copies of the segment in a tumour cell."""
        return sum(self.copies)

    def transform(self, piece: str, which: int) -> str:
        """The piece as haplotype `which` holds it."""
        if which in self.inverted:
            return piece.translate(COMPLEMENT)[::-1]
        return piece * self.copies[which]


class Placed(Protocol):
    position: int


V = TypeVar("V", bound=Placed)


def check_events(events: tuple[Event, ...], length: int, spacing: int) -> None:
    """Events inside the window, `spacing` apart, of a known kind."""
    ordered = sorted(events, key=lambda e: e.start)
    for event in ordered:
        if event.kind not in KINDS or not 0 < event.start < event.end < length:
            raise ValueError(f"event {event} must be one of {KINDS} inside the window")
    for one, other in itertools.pairwise(ordered):
        if other.start < one.end + spacing:
            raise ValueError(f"events {one} and {other} overlap")


def away_from_events(variants: list[V], events: tuple[Event, ...], margin: int) -> list[V]:
    """The variants more than `margin` bases from every event boundary."""
    bounds = [b for e in events for b in (e.start, e.end)]
    return [v for v in variants if all(abs(v.position - b) > margin for b in bounds)]


def inside_events(variants: list[V], events: tuple[Event, ...]) -> list[V]:
    """The variants within an event's segment (their allele fraction is not purity/2)."""
    return [v for v in variants if any(e.start <= v.position < e.end for e in events)]
