"""Simulated CYP2D6 patients for the CYP2D6 caller's tests: haplotypes of the GRCh38 CYP2D6
locus with planted star alleles, their reads aligned with bwa mem to the locus and shifted to
chr22's coordinates, so that the BAM looks like a GRCh38 WGS BAM over the locus.

Sequence: the only CYP2D6 sequence available offline here is Aldy's gene database
(`aldy/resources/genes/cyp2d6.yml`: NG_008376.4, 11,312 bp, minus strand of GRCh38
chr22:42,124,499-42,135,811, and its allele definitions, PharmVar 6.2.14). Everything else of the
locus (CYP2D7, the CYP2D8 region Aldy's profile normalises depth with) is random sequence placed
at its GRCh38 coordinates: the test sees copy number from depth and alleles from SNVs, not the
CYP2D6/CYP2D7 homology of a real genome.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pysam
import yaml
from pgx_reads import bwa_bam, simulate_pairs, write_reference

CHR22_LENGTH = 50_818_468  # GRCh38 chr22 (Aldy tells the build from it)
LOCUS_START = 42_116_000  # 0-based start of the simulated piece of chr22
LOCUS_END = 42_158_000
# The CYP2D6 copy a deletion removes and a duplication repeats (0-based, GRCh38): from Aldy's
# `rep` region end of CYP2D6 to the start of CYP2D7's `rep` region.
GENE_START, GENE_END = 42_124_498, 42_135_280


def aldy_gene_file() -> Path:
    """Aldy's CYP2D6 database file, found beside the `aldy` command's interpreter."""
    script = shutil.which("aldy")
    if script is None:
        raise FileNotFoundError("aldy is not on PATH")
    python = Path(script).read_text().splitlines()[0].removeprefix("#!").strip()
    folder = subprocess.run(
        [python, "-c", "import aldy, os; print(os.path.dirname(aldy.__file__))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    return Path(folder) / "resources" / "genes" / "cyp2d6.yml"


class Locus:
    """The locus as plus-strand sequence of [LOCUS_START, LOCUS_END) and Aldy's alleles."""

    def __init__(self, gene_file: Path, seed: int = 7):
        data = yaml.safe_load(gene_file.read_text())
        self.alleles = data["alleles"]
        self.version = data["version"]
        seq = data["reference"]["seq"].replace("\n", "")
        _, start, end, strand, cigar = data["reference"]["mappings"]["hg38"]
        assert (strand, cigar, end - start) == ("-", f"M{len(seq)}", len(seq))
        self.gene_start = start - 1  # 0-based genomic start of NG_008376.4
        self.gene_length = len(seq)
        rng = np.random.default_rng(seed)
        bases = list("".join(rng.choice(list("ACGT"), LOCUS_END - LOCUS_START)))
        offset = self.gene_start - LOCUS_START
        bases[offset : offset + len(seq)] = _reverse_complement(seq)
        self.reference = "".join(bases)

    def genomic(self, position: int) -> int:
        """0-based offset in the locus of NG_008376.4's 1-based `position`."""
        return self.gene_start + self.gene_length - position - LOCUS_START

    def star(self, name: str) -> str:
        """The locus carrying Aldy's definition of `name` (e.g. `*4.001`) on CYP2D6."""
        bases = list(self.reference)
        for position, change, *_ in self.alleles[f"CYP2D6{name}"]["mutations"]:
            ref, _, alt = change.partition(">")
            for i, (old, new) in enumerate(zip(ref, alt, strict=True)):
                at = self.genomic(position + i)
                assert bases[at] == _reverse_complement(old), (name, position)
                bases[at] = _reverse_complement(new)
        return "".join(bases)

    def deleted(self) -> str:
        """The locus without its CYP2D6 copy (*5)."""
        a, b = GENE_START - LOCUS_START, GENE_END - LOCUS_START
        return self.reference[:a] + self.reference[b:]

    def duplicated(self, haplotype: str) -> str:
        """`haplotype` (a locus) with its CYP2D6 copy in tandem twice (xN with N=2)."""
        a, b = GENE_START - LOCUS_START, GENE_END - LOCUS_START
        return haplotype[:b] + haplotype[a:b] + haplotype[b:]


def _reverse_complement(seq: str) -> str:
    return seq.translate(str.maketrans("ACGTacgt", "TGCAtgca"))[::-1]


def patient_bam(locus: Locus, haplotypes: list[str], folder: Path, depth: int = 30,
                seed: int = 1) -> Path:  # fmt: skip
    """Read pairs of the two haplotypes aligned with bwa mem to the locus, then moved to
    GRCh38 chr22 (header: chr22 of its full length; positions + LOCUS_START): `folder`/p.bam."""
    folder.mkdir(parents=True, exist_ok=True)
    fasta = folder / "locus.fa"
    if not fasta.exists():
        write_reference(fasta, {"chr22": locus.reference})
    rng = np.random.default_rng(seed)
    first, second = [], []
    for index, haplotype in enumerate(haplotypes):
        one, two = simulate_pairs(haplotype, rng, f"h{index}.", depth // 2)
        first += one
        second += two
    fastqs = [folder / "r1.fq", folder / "r2.fq"]
    for path, records in zip(fastqs, (first, second), strict=True):
        path.write_text("".join(records))
    local = bwa_bam(fasta, fastqs, folder / "locus.bam", "p")
    return shifted(local, folder / "p.bam")


def shifted(bam: Path, out: Path) -> Path:
    """`bam` (aligned to the locus) with chr22's full length and genomic positions."""
    with pysam.AlignmentFile(str(bam)) as source:
        header = source.header.to_dict()
        header["SQ"] = [{"SN": "chr22", "LN": CHR22_LENGTH}]
        with pysam.AlignmentFile(str(out), "wb", header=header) as sink:
            for read in source:
                if read.reference_id >= 0:
                    read.reference_start += LOCUS_START
                if read.next_reference_id >= 0:
                    read.next_reference_start += LOCUS_START
                sink.write(read)
    pysam.index(str(out))
    return out


@dataclass(frozen=True)
class Patient:
    """A planted CYP2D6 diplotype and what a correct call gives: the diplotype (None where
    short reads leave several equally good ones, the planted one among them), the number of
    CYP2D6 copies, and CPIC's activity score and phenotype; or no call (`called` false)."""

    name: str
    haplotypes: Callable[[Locus], list[str]]
    diplotype: str | None
    copies: int
    activity_score: float | None
    phenotype: str | None
    called: bool = True


PATIENTS = [
    Patient("*1/*1", lambda lo: [lo.reference, lo.reference], "*1/*1", 2, 2.0,
            "Normal Metabolizer"),
    Patient("*1/*5", lambda lo: [lo.reference, lo.deleted()], "*1/*5", 1, 1.0,
            "Intermediate Metabolizer"),
    # *1/*2x2 and *2+*39/*34 carry the same variants: Aldy gives both, with activity 3.
    Patient("*1/*2x2", lambda lo: [lo.reference, lo.duplicated(lo.star("*2.001"))], None,
            3, 3.0, "Ultrarapid Metabolizer"),
    Patient("*1/*4", lambda lo: [lo.reference, lo.star("*4.001")], "*1/*4", 2, 1.0,
            "Intermediate Metabolizer"),
    Patient("*4/*5", lambda lo: [lo.star("*4.001"), lo.deleted()], "*4/*5", 1, 0.0,
            "Poor Metabolizer"),
    # *36 planted by its exon 9 variants in CYP2D6 (a real *36's exon 9 comes from CYP2D7, whose
    # sequence is not here): Aldy answers *10/*10 plus those variants, which is not called.
    Patient("*10/*36", lambda lo: [lo.star("*10.001"), lo.star("*36.001")], None, 2, None, None,
            called=False),
]  # fmt: skip
