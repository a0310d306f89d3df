"""Indel genotyping by read haplotype (tailorseq.pgx.haplotypes through force_genotype): the
UGT1A1 promoter TA repeat (rs3064744; *28 = TA8 against this contig's TA7 reference, as
PharmCAT's `CAT` -> `CATAT`) in a random context, reads simulated and aligned with bwa."""

import shutil
from pathlib import Path

import numpy as np
import pysam
import pytest
from pgx_reads import align, simulate, write_reference

from tailorseq.pgx.definitions import GeneDefinition, NamedAllele, Variant
from tailorseq.pgx.force_genotype import force_genotype
from tailorseq.pgx.genotypes import read_genotypes
from tailorseq.pgx.haplotypes import apply, difference_span
from tailorseq.pgx.matcher import call_genes
from tailorseq.pgx.pipeline import gene_json

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("bwa", "samtools", "bcftools")),
    reason="needs bwa, samtools and bcftools",
)
RNG = np.random.default_rng(28)
LEFT = "".join(RNG.choice(list("ACGT"), 400))
RIGHT = "".join(RNG.choice(list("ACGT"), 400))
TA7 = "GC" + "AT" * 7 + "AAGTAGGAG"  # the C before the repeat is the definition's anchor
POS = len(LEFT) + 2  # 1-based position of that C
SNV = POS + 60  # a single-base defining position on the same contig
CONTIG = LEFT + TA7 + RIGHT
DEFINED = ("C", "CATAT", "CATATAT")  # TA6, TA8 (*28), TA9; TA5 is not defined


def _contig(tas: int, snv: str | None = None) -> str:
    """The contig with `tas` TA units (and the SNV position's base replaced by `snv`)."""
    sequence = LEFT + "GC" + "AT" * tas + "AAGTAGGAG" + RIGHT
    if snv:
        at = SNV - 1 + 2 * (tas - 7)
        sequence = sequence[:at] + snv + sequence[at + 1 :]
    return sequence


def _definition(chromosome: str) -> GeneDefinition:
    snv_ref = CONTIG[SNV - 1]
    snv_alt = "A" if snv_ref != "A" else "G"
    variants = (
        Variant(chromosome, POS, "rs3064744", "CAT", DEFINED),
        Variant(chromosome, SNV, "rs0000001", snv_ref, (snv_alt,)),
    )
    alleles = (
        NamedAllele("*1", "ref", ("CAT", snv_ref), True),
        NamedAllele("*36", "a36", ("C", None), False),
        NamedAllele("*28", "a28", ("CATAT", None), False),
        NamedAllele("*37", "a37", ("CATATAT", None), False),
        NamedAllele("*6", "a6", (None, snv_alt), False),
    )
    return GeneDefinition("UGT1A1", chromosome, "test", "1", "test", variants, alleles)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    return write_reference(tmp_path_factory.mktemp("ugt") / "ref.fa", {"chr2": CONTIG})


@pytest.fixture(scope="module")
def reference_x(tmp_path_factory) -> Path:
    return write_reference(tmp_path_factory.mktemp("ugtx") / "ref.fa", {"chrX": CONTIG})


def _genotype(reference, tmp_path, contig, haplotypes, **kwargs):
    rng = np.random.default_rng(len(haplotypes) + sum(map(len, haplotypes)))
    depth = 30 // len(haplotypes)
    reads = [r for i, h in enumerate(haplotypes) for r in simulate(h, rng, f"h{i}_", depth)]
    bam = align(reference, reads, tmp_path / "reads")
    vcf = tmp_path / "out.vcf"
    calls = force_genotype(bam, reference, [_definition(contig)], vcf, **kwargs)
    return {c.site.pos: c for c in calls if c.site.contig == contig}, vcf


def test_every_spelling_of_one_event_is_one_haplotype():
    start = POS - 10
    window = CONTIG[start : POS + 30]
    pharmcat = apply(window, start, POS - 1, "CAT", "CATAT")
    repeat = "C" + "AT" * 7 + "A"
    bcftools = apply(window, start, POS - 1, repeat, "C" + "AT" * 8 + "A")
    right_aligned = apply(window, start, POS - 1 + 14, "T", "TAT")
    assert pharmcat == bcftools == right_aligned
    # the event's span is the whole repeat, wherever it is spelled
    assert difference_span(window, pharmcat) == (10, 10 + 15)


def test_different_repeat_lengths_are_different_haplotypes():
    start = POS - 10
    window = CONTIG[start : POS + 30]
    spelled = {
        "TA5": apply(window, start, POS - 1, "CATAT", "C"),
        "TA6": apply(window, start, POS - 1, "CAT", "C"),
        "TA7": window,
        "TA8": apply(window, start, POS - 1, "CAT", "CATAT"),
        "TA9": apply(window, start, POS - 1, "CAT", "CATATAT"),
    }
    assert len(set(spelled.values())) == 5


@pytest.mark.parametrize(
    ("tas", "expected"),
    [((7, 8), "0/2"), ((8, 8), "2/2"), ((6, 7), "0/1"), ((6, 9), "1/3"), ((7, 7), "0/0")],
)
def test_repeat_genotypes_from_reads(reference, tmp_path, tas, expected):
    calls, _ = _genotype(reference, tmp_path, "chr2", [_contig(t) for t in tas])
    call = calls[POS]
    assert (call.gt, call.ft) == (expected, "PASS"), call
    assert call.gq >= 20 and call.dp >= 20
    alleles = [int(a) for a in expected.split("/")]
    assert sum(call.ad[a] for a in set(alleles)) >= 0.9 * call.dp


@pytest.mark.parametrize("tas", [(5, 5), (7, 5)])
def test_an_allele_no_definition_has_is_an_undefined_allele_no_call(reference, tmp_path, tas):
    calls, _ = _genotype(reference, tmp_path, "chr2", [_contig(t) for t in tas])
    call = calls[POS]
    assert (call.gt, call.ft) == ("./.", "UndefinedAllele"), call
    assert calls[SNV].gt == "0/0"  # the rest of the gene is still genotyped


def test_haploid_contig_gets_haploid_genotypes(reference_x, tmp_path):
    hemizygous = [_contig(8, snv=_definition("chrX").variants[1].alts[0])]
    calls, vcf = _genotype(reference_x, tmp_path, "chrX", hemizygous, haploid=[("chrX", 1, 10**7)])
    assert (calls[POS].gt, calls[POS].ft) == ("2", "PASS")
    assert (calls[SNV].gt, calls[SNV].ft) == ("1", "PASS")
    with pysam.VariantFile(str(vcf)) as handle:
        assert {r.pos: r.samples[0]["GT"] for r in handle if r.chrom == "chrX"} == {
            POS: (2,),
            SNV: (1,),
        }
    diploid, _ = _genotype(reference_x, tmp_path, "chrX", hemizygous)
    assert (diploid[POS].gt, diploid[SNV].gt) == ("2/2", "1/1")


def test_a_repeat_longer_than_the_reads_is_an_ambiguous_locus(tmp_path):
    long_repeat = LEFT + "GC" + "AT" * 100 + "AAGTAGGAG" + RIGHT
    reference = write_reference(tmp_path / "long.fa", {"chr2": long_repeat})
    rng = np.random.default_rng(5)
    bam = align(reference, simulate(long_repeat, rng, "r", 30), tmp_path / "reads")
    (call, *_) = force_genotype(bam, reference, [_definition("chr2")], tmp_path / "o.vcf")
    assert (call.site.pos, call.gt, call.ft) == (POS, "./.", "AmbiguousLocus")


def test_a_no_call_reason_reaches_the_genes_json(reference, tmp_path):
    _, vcf = _genotype(reference, tmp_path, "chr2", [_contig(5), _contig(5)])
    definition = _definition("chr2")
    genotypes = read_genotypes(vcf, [definition])
    result = gene_json(call_genes({"UGT1A1": definition}, genotypes)["UGT1A1"])
    assert result["missing_positions"] == [
        {"chromosome": "chr2", "position": POS, "rsid": "rs3064744", "reason": "UndefinedAllele"}
    ]
    assert any("rs3064744" in w and "UndefinedAllele" in w for w in result["warnings"])


@pytest.mark.parametrize("same_strand", [True, False])
def test_a_substitution_inside_the_repeat_window_is_genotyped_with_it(tmp_path, same_strand):
    """A single-base defining position 2 bases past the repeat joins the repeat's locus: both
    positions come back right whether the two alleles are on one haplotype or on two."""
    snv = POS + 1 + 14 + 2  # the G of AAG after the repeat
    assert CONTIG[snv - 1] == "G"
    definition = _definition("chr2")
    moved = Variant("chr2", snv, "rs0000002", "G", ("T",))
    definition = GeneDefinition(
        "UGT1A1", "chr2", "test", "1", "test", (definition.variants[0], moved),
        tuple(NamedAllele(a.name, a.id, (a.alleles[0], None), a.reference)
              for a in definition.named_alleles),
    )  # fmt: skip
    reference = write_reference(tmp_path / "ref.fa", {"chr2": CONTIG})

    def with_snv(sequence: str, tas: int) -> str:
        at = snv - 1 + 2 * (tas - 7)
        assert sequence[at] == "G"
        return sequence[:at] + "T" + sequence[at + 1 :]

    haplotypes = (
        [with_snv(_contig(8), 8), _contig(7)]
        if same_strand
        else [_contig(8), with_snv(_contig(7), 7)]
    )
    rng = np.random.default_rng(3)
    reads = [r for i, h in enumerate(haplotypes) for r in simulate(h, rng, f"h{i}_", 15)]
    bam = align(reference, reads, tmp_path / "reads")
    calls = force_genotype(bam, reference, [definition], tmp_path / "o.vcf")
    assert [(c.site.pos, c.gt, c.ft) for c in calls] == [(POS, "0/2", "PASS"), (snv, "0/1", "PASS")]
