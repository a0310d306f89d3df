"""A small sex-chromosome run for the tests: a reference with an autosome, chrX, chrY and chrM,
and samples simulated with the demo's read simulator at the copy numbers of their sex
(female: two X, no Y; male: one X, one Y; everyone: one chrM), each with known variants."""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tailorseq.demo.plan import ReadSpec
from tailorseq.demo.reads import ReadPairs, simulate_pairs, write_units
from tailorseq.demo.sequence import BASE_INDEX, BASES, stream
from tailorseq.demo.variants import Haplotype

SEED = 20261204
LENGTHS = {"chr7": 40_000, "chrX": 30_000, "chrY": 12_000, "chrM": 6_000}
AUTOSOMAL_COVERAGE = 30.0
MITO_COVERAGE = 120.0
SPEC = ReadSpec(
    read_length=100, fragment_mean=300, fragment_sd=30, short_fraction=0.0, short_min=50,
    duplicate_fraction=0.0, coverage={}, adapter_r1="AGATCGGAAGAGCACACGTCTGAACTCCAGTCA",
    adapter_r2="AGATCGGAAGAGCGTCGTGTAGGGAAAGAGTGT", quality_levels=(25, 37),
    quality_first=(0.05, 0.95), quality_last=(0.2, 0.8),
)  # fmt: skip


@dataclass
class SimSample:
    """A simulated sample: its sex in the reads and the alt alleles per contig and copy."""

    name: str
    sex: str
    # contig -> 1-based positions carrying the alt on copy 1 only / on every copy
    het: dict[str, list[int]] = field(default_factory=dict)
    hom: dict[str, list[int]] = field(default_factory=dict)


def reference(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random sequence per contig (40 % GC), unique enough for unambiguous mapping."""
    weights = [0.3, 0.2, 0.2, 0.3]
    return {name: rng.choice(BASES, size=length, p=weights) for name, length in LENGTHS.items()}


def alt_base(base: int) -> int:
    """A fixed other base (transition-free rotation) for a reference base."""
    return int(BASES[(BASE_INDEX[base] + 1) % 4])


def positions(rng: np.random.Generator, length: int, count: int) -> list[int]:
    """`count` variant positions at least 400 bp apart and away from the contig ends."""
    chosen = np.sort(rng.choice(np.arange(1, (length - 1000) // 400), size=count, replace=False))
    return [int(500 + 400 * c) for c in chosen]


def with_alts(sequence: np.ndarray, where: list[int]) -> np.ndarray:
    """A copy of `sequence` carrying the alt base at each 1-based position."""
    copy = sequence.copy()
    for pos in where:
        copy[pos - 1] = alt_base(sequence[pos - 1])
    return copy


def plan_sample(name: str, sex: str, seed: int) -> SimSample:
    """Variants of one sample: het and hom on chr7, on chrX het only in a female, hom on
    chrY (males) and chrM."""
    rng = stream(seed, "sexsim", name)
    sample = SimSample(name, sex)
    chr7 = positions(rng, LENGTHS["chr7"], 30)
    sample.het["chr7"], sample.hom["chr7"] = chr7[:20], chr7[20:]
    chrx = positions(rng, LENGTHS["chrX"], 40)
    if sex == "female":
        sample.het["chrX"], sample.hom["chrX"] = chrx[:30], chrx[30:]
    else:
        sample.hom["chrX"] = chrx
        sample.hom["chrY"] = positions(rng, LENGTHS["chrY"], 8)
    sample.hom["chrM"] = positions(rng, LENGTHS["chrM"], 4)
    return sample


def simulate(sample: SimSample, genome: dict[str, np.ndarray], seed: int) -> ReadPairs:
    """Read pairs at the copy numbers of the sample's sex."""
    rng = stream(seed, "sexsim-reads", sample.name)
    copies = {"chr7": 2, "chrX": 2 if sample.sex == "female" else 1, "chrM": 1}
    if sample.sex == "male":
        copies["chrY"] = 1
    parts = []
    for contig, count in copies.items():
        hom = sample.hom.get(contig, [])
        first = with_alts(genome[contig], hom + sample.het.get(contig, []))
        second = with_alts(genome[contig], hom) if count == 2 else first
        depth = MITO_COVERAGE if contig == "chrM" else AUTOSOMAL_COVERAGE * count / 2
        pair = (Haplotype(first), Haplotype(second))
        parts.append(simulate_pairs({contig: pair}, [], depth, SPEC, rng, {contig: 1.0}))
    columns = ("r1", "q1", "r2", "q2")
    return ReadPairs(*(np.concatenate([getattr(p, k) for p in parts]) for k in columns))


def write_run(out: Path, samples: list[tuple[SimSample, str]], seed: int = SEED) -> dict:
    """Reference FASTA, reads and sheets for (sample, sex in the sheet) pairs; each sample its
    own patient. Returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "reads").mkdir(exist_ok=True)
    genome = reference(stream(seed, "sexsim-genome"))
    fasta = out / "genome.fa"
    fasta.write_text("".join(f">{n}\n{seq.tobytes().decode()}\n" for n, seq in genome.items()))
    sample_rows = ["sample\tpatient\tkind\tsex\tpurity\ttumor_type\tsecondary_findings"]
    unit_rows = ["sample\tunit\tfq1\tfq2\tbam\tadapters"]
    for run, (sample, sheet_sex) in enumerate(samples, start=1):
        pairs = simulate(sample, genome, seed)
        for unit, fq1, fq2 in write_units(out, sample.name, run, ("L001",), pairs):
            unit_rows.append(f"{sample.name}\t{unit}\t{fq1}\t{fq2}\t\t")
        sex = "" if sheet_sex == "unknown" else sheet_sex
        sample_rows.append(f"{sample.name}\tP-{sample.name}\tgermline\t{sex}\t\t\tno")
    (out / "samples.tsv").write_text("\n".join(sample_rows) + "\n")
    (out / "units.tsv").write_text("\n".join(unit_rows) + "\n")
    return {"fasta": fasta, "samples": out / "samples.tsv", "units": out / "units.tsv"}
