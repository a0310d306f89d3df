"""Every indel (and multi-base) defining position of PharmCAT's definitions, genotyped from
simulated reads: one synthetic contig carries each position's definition context (random flanks
around the definition's REF, followed by extra copies of the event's sequence so that the event
sits in a repeat and the aligner's spelling differs from the definition's, as for UGT1A1 *28),
reads are simulated for heterozygous and homozygous carriers of each defined ALT allele, aligned
with bwa, force-genotyped, and each position's genotype is asserted."""

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest
from pgx_reads import align, simulate, write_reference

from tailorseq.pgx.definitions import GeneDefinition, load_definitions
from tailorseq.pgx.force_genotype import force_genotype

PHARMCAT = Path("/work/shared/data/pharmcat/definition/alleles")
CONTIG = "synth"
FLANK = 350
DEPTH = 20  # per haplotype
SEED = 11
pytestmark = [
    pytest.mark.skipif(not PHARMCAT.is_dir(), reason=f"PharmCAT definitions absent ({PHARMCAT})"),
    pytest.mark.skipif(
        not all(shutil.which(t) for t in ("bwa", "samtools", "bcftools")),
        reason="needs bwa, samtools and bcftools",
    ),
]


def _multi_base(ref: str, alts: tuple[str, ...]) -> bool:
    return len(ref) > 1 or any(len(a) != 1 for a in alts)


def _event(ref: str, alt: str) -> str:
    """The inserted or deleted sequence of a VCF-style indel ('' for a substitution)."""
    short, long_ = sorted((ref, alt), key=len)
    if len(short) == len(long_) or not long_.startswith(short[:1]):
        return ""
    return (
        long_[len(short) :] if long_.startswith(short) else long_[1 : 1 + len(long_) - len(short)]
    )


@dataclasses.dataclass
class Synthetic:
    """The contig, the definitions moved onto it, and the tested positions' alleles."""

    sequence: str
    definitions: list[GeneDefinition]
    sites: dict[int, tuple[str, tuple[str, ...], str]]  # pos -> (ref, alts, label)


def _synthetic(rng: np.random.Generator) -> Synthetic:
    """One segment per multi-base defining position: random flank, the definition's REF, two
    more copies of its (first) indel's event sequence (a repeat), random flank."""
    definitions = load_definitions(PHARMCAT)
    parts: list[str] = []
    moved: dict[tuple[str, int], int] = {}
    sites = {}
    length = 0
    for definition in definitions.values():
        for v in definition.variants:
            if not _multi_base(v.ref, v.alts) or (v.chromosome, v.position) in moved:
                continue
            flank = "".join(rng.choice(list("ACGT"), FLANK))
            repeat = next((_event(v.ref, a) for a in v.alts if _event(v.ref, a)), "") * 2
            parts += [flank, v.ref + repeat]
            moved[(v.chromosome, v.position)] = length + FLANK + 1
            sites[length + FLANK + 1] = (v.ref, v.alts, f"{definition.gene} {v.label}")
            length += FLANK + len(v.ref) + len(repeat)
    parts.append("".join(rng.choice(list("ACGT"), FLANK)))
    kept = []
    for definition in definitions.values():
        variants = tuple(
            dataclasses.replace(v, chromosome=CONTIG, position=moved[(v.chromosome, v.position)])
            for v in definition.variants
            if (v.chromosome, v.position) in moved
        )
        if variants:
            kept.append(dataclasses.replace(definition, chromosome=CONTIG, variants=variants))
    return Synthetic("".join(parts), kept, sites)


def _haplotype(synthetic: Synthetic, alt_index: int) -> str:
    """The contig with every position's `alt_index`-th ALT (1-based) applied where it has one."""
    sequence = synthetic.sequence
    for pos in sorted(synthetic.sites, reverse=True):
        ref, alts, _ = synthetic.sites[pos]
        if alt_index <= len(alts):
            sequence = sequence[: pos - 1] + alts[alt_index - 1] + sequence[pos - 1 + len(ref) :]
    return sequence


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[Synthetic, Path]:
    out = tmp_path_factory.mktemp("indels")
    data = _synthetic(np.random.default_rng(SEED))
    return data, write_reference(out / "synth.fa", {CONTIG: data.sequence})


def test_repeat_context_makes_the_aligner_spell_ugt1a1_differently(synthetic):
    data, _ = synthetic
    ugt = next(p for p, (_, _, label) in data.sites.items() if "rs3064744" in label)
    # CAT + ATAT: the TA repeat continues past the definition's REF, as in the genome
    assert data.sequence[ugt - 1 : ugt - 1 + 7] == "CATATAT"


@pytest.mark.parametrize("zygosity", ["het", "hom"])
@pytest.mark.parametrize("alt_index", [1, 2, 3])
def test_every_indel_position_is_genotyped_from_reads(synthetic, tmp_path, zygosity, alt_index):
    data, fasta = synthetic
    rng = np.random.default_rng(SEED + alt_index * 2 + (zygosity == "hom"))
    alt = _haplotype(data, alt_index)
    other = alt if zygosity == "hom" else data.sequence
    reads = simulate(alt, rng, "a", DEPTH) + simulate(other, rng, "b", DEPTH)
    bam = align(fasta, reads, tmp_path / "reads")
    calls = force_genotype(bam, fasta, data.definitions, tmp_path / "out.vcf")
    got = {c.site.pos: c for c in calls}
    wrong = []
    for pos, (ref, alts, label) in data.sites.items():
        call = got[pos]
        if alt_index > len(alts):
            expected = "0/0"
        else:
            index = call.site.alts.index(alts[alt_index - 1] + call.site.ref[len(ref) :]) + 1
            expected = f"{index}/{index}" if zygosity == "hom" else f"0/{index}"
        if call.gt != expected or call.ft != "PASS":
            wrong.append(f"{label}: {call.gt} {call.ft} AD={call.ad}, expected {expected}")
    tested = sum(alt_index <= len(alts) for _, alts, _ in data.sites.values())
    print(f"{zygosity} ALT {alt_index}: {tested} positions carry it, {len(data.sites)} genotyped, "
          f"{len(wrong)} wrong")  # fmt: skip
    assert not wrong, wrong
    assert len(data.sites) >= 40
