"""HGVS names (tailorseq.variants): the 3' rule on each strand, dup, del, ins, delins,
intronic and UTR positions, three- and one-letter p. names; checked on synthetic models and on
the real BRCA1 (GENCODE v19 BRCA1-001, minus strand) against ClinVar's names."""

import random
import shutil
import subprocess
from pathlib import Path

import pysam
import pytest

from helpers import demo_dir, shared
from tailorseq.gff import Model, read_models
from tailorseq.gff_convert import convert
from tailorseq.variants import (
    Names,
    coding_change,
    name,
    name_vcf,
    one_letter,
    protein_change,
)

needs_bcftools = pytest.mark.skipif(not shutil.which("bcftools"), reason="needs bcftools")

# Both models: 5' UTR, CDS exon, intron 61-80, CDS exon, 3' UTR (genomic 11-140).
EXONS, CDS = ((11, 60), (81, 140)), ((21, 60), (81, 120))
PLUS, MINUS = Model("P", "+", EXONS, CDS), Model("M", "-", EXONS, CDS)
# Repeats planted at 1-based positions, each with flanks that end the repeat.
MOTIFS = {
    24: "GAAAAC",  # 25-28: AAAA = plus c.5-8
    30: "GCACACAG",  # 31-36: CACACA = plus c.11-16
    45: "GT",  # plus c.25-26
    50: "CG",  # plus c.30-31
    94: "CTTTTG",  # 95-98: TTTT = minus c.26-23
    100: "CGAGAGAC",  # 101-106: GAGAGA = minus c.20-15
}


def genome() -> str:
    rng = random.Random(11)
    bases = [rng.choice("ACGT") for _ in range(160)]
    for start, motif in MOTIFS.items():
        bases[start - 1 : start - 1 + len(motif)] = motif
    return "".join(bases)


SEQ = genome()


def fetch(contig: str, start: int, end: int) -> str:
    assert contig == "chrT"
    return SEQ[max(start, 0) : end]


def c(model: Model, pos: int, ref: str, alt: str) -> str:
    assert SEQ[pos - 1 : pos - 1 + len(ref)] == ref, (pos, ref)
    return coding_change(model, "chrT", pos, ref, alt, fetch)


def test_positions_in_utrs_and_introns() -> None:
    assert [PLUS.c_position(p) for p in (11, 20, 21, 60, 61, 70, 71, 80, 81, 120, 121, 140)] == [
        "-10", "-1", "1", "40", "40+1", "40+10", "41-10", "41-1", "41", "80", "*1", "*20",
    ]  # fmt: skip
    assert [MINUS.c_position(p) for p in (140, 121, 120, 81, 80, 61, 60, 21, 20, 11)] == [
        "-20", "-1", "1", "40", "40+1", "41-1", "41", "80", "*1", "*10",
    ]  # fmt: skip
    assert PLUS.c_position(5) is None and MINUS.c_position(150) is None


def test_substitutions_on_both_strands() -> None:
    assert c(PLUS, 21, SEQ[20], "T" if SEQ[20] != "T" else "A").startswith("c.1")
    base = SEQ[119]
    other = "A" if base != "A" else "C"
    comp = str.maketrans("ACGT", "TGCA")
    assert c(MINUS, 120, base, other) == f"c.1{base.translate(comp)}>{other.translate(comp)}"
    assert c(PLUS, 61, SEQ[60], other if SEQ[60] != other else "G").startswith("c.40+1")
    assert c(PLUS, 20, SEQ[19], "N").startswith("c.-1")
    assert c(MINUS, 20, SEQ[19], "N").startswith("c.*1")


def test_homopolymer_deletion_is_named_at_the_3_prime_copy_of_each_strand() -> None:
    # plus: a left-aligned VCF deletion of one A in AAAA (c.5-8) is c.8del
    assert c(PLUS, 24, "GA", "G") == "c.8del"
    assert c(PLUS, 27, "AA", "A") == "c.8del"
    # minus: TTTT at 95-98 is AAAA at c.23-26; the 3'-most copy is genomic 95 = c.26
    assert c(MINUS, 94, "CT", "C") == "c.26del"
    assert c(MINUS, 97, "TT", "T") == "c.26del"  # not left-aligned: shifted left
    assert c(MINUS, 94, "CTT", "C") == "c.25_26del"


def test_insertion_repeating_the_preceding_bases_is_a_dup_at_the_3_prime_copy() -> None:
    assert c(PLUS, 24, "G", "GA") == "c.8dup"
    assert c(PLUS, 28, "A", "AA") == "c.8dup"
    assert c(PLUS, 24, "G", "GAA") == "c.7_8dup"
    assert c(PLUS, 30, "G", "GCA") == "c.15_16dup"  # CA repeat c.11-16
    assert c(PLUS, 30, "GCA", "G") == "c.15_16del"
    assert c(MINUS, 94, "C", "CT") == "c.26dup"
    assert c(MINUS, 98, "T", "TT") == "c.26dup"
    assert c(MINUS, 100, "C", "CGA") == "c.19_20dup"  # GAGAGA at 101-106 = c.20-15
    assert c(MINUS, 104, "AGA", "A") == "c.19_20del"


def test_insertion_delins_and_what_cannot_be_named() -> None:
    assert c(PLUS, 50, "C", "CT") == "c.30_31insT"
    assert c(MINUS, 50, "C", "CT") == "c.50_51insA"  # genomic 51/50 = minus c.50/c.51
    assert c(PLUS, 45, "GT", "A") == "c.25_26delinsA"
    assert c(MINUS, 45, "GT", "A") == "c.55_56delinsT"
    assert coding_change(PLUS, "chrT", 24, "GA", "G", None) == ""  # indel without reference
    assert coding_change(None, "chrT", 24, "G", "A", fetch) == ""
    assert c(PLUS, 3, SEQ[2:4], SEQ[2]) == ""  # outside the transcript


@pytest.mark.parametrize(
    ("consequence", "amino_acids", "expected"),
    [
        ("missense", "858L>858R", "p.Leu858Arg"),
        ("missense", "12G>12C", "p.Gly12Cys"),
        ("synonymous", "200L", "p.Leu200="),
        ("stop_gained", "300R>300*", "p.Arg300Ter"),
        ("frameshift", "23ELIKEPVSTKCD>23VSHLSGVDQGTCLHKV*", "p.Glu23ValfsTer17"),
        ("frameshift", "23EL>23E*", "p.Leu24Ter"),  # an immediate stop is nonsense
        ("start_lost", "1M>1I", "p.Met1?"),
        ("start_lost", "", "p.Met1?"),
        ("stop_lost", "901*>901Q", "p.Ter901GlnextTer?"),
        ("inframe_altering", "5KL>5N", "p.Lys5_Leu6delinsAsn"),
        ("inframe_deletion", "10SQ>10S", ""),  # the 3' rule needs the protein
        ("splice_donor", "", ""),
    ],
)
def test_protein_names(consequence: str, amino_acids: str, expected: str) -> None:
    assert protein_change(consequence, amino_acids) == expected


def test_in_frame_names_follow_the_3_prime_rule_on_the_protein() -> None:
    protein = "MTKSQQISAW*"  # residues 1-10 then the stop
    assert protein_change("inframe_deletion", "4SQ>4S", protein) == "p.Gln6del"
    assert protein_change("inframe_deletion", "3KSQ>3Q", protein) == "p.Lys3_Ser4del"
    assert protein_change("inframe_insertion", "4SQ>4SQQ", protein) == "p.Gln6dup"
    assert protein_change("inframe_insertion", "4S>4SKS", protein) == "p.Lys3_Ser4dup"
    assert protein_change("inframe_insertion", "7I>7IRR", protein) == "p.Ile7_Ser8insArgArg"


def test_one_letter_form() -> None:
    assert one_letter("p.Leu858Arg") == "p.L858R"
    assert one_letter("p.Glu23ValfsTer17") == "p.E23Vfs*17"
    assert one_letter("p.Arg300Ter") == "p.R300*"
    assert one_letter("p.Gln6dup") == "p.Q6dup"
    assert one_letter("") == ""
    assert Names("T", "c.2573T>G", "p.Leu858Arg").hgvsp_short == "p.L858R"


# ---------------------------------------------------------------- the real BRCA1 (minus strand)

TRANSCRIPT = "ENST00000357654"  # BRCA1-001: the CDS of NM_007294.4
OFFSET = 41196312  # ref.fa position = GRCh37 17:position - OFFSET (rs12516: 41196408 is 96)


@pytest.fixture(scope="module")
def brca1(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Model]:
    data = shared("brca1-1kg")
    gff3 = tmp_path_factory.mktemp("brca1") / "genes.gff3"
    convert(data / "gencode_v19.brca1.gff3", gff3, ["ref_brca1"], {"BRCA1": TRANSCRIPT})
    return data / "ref.fa", gff3, read_models(gff3, [TRANSCRIPT])[TRANSCRIPT]


def csq_fields(tmp_path: Path, fasta: Path, gff3: Path, pos: int, ref: str, alt: str) -> list:
    vcf = tmp_path / "one.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=ref_brca1>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n"
        f"ref_brca1\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\t.\tGT\t0/1\n"
    )
    out = subprocess.run(
        ["bcftools", "csq", "-f", str(fasta), "-g", str(gff3), "-p", "a", str(vcf)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    (line,) = [row for row in out.splitlines() if not row.startswith("#")]
    bcsq = next(f for f in line.split("\t")[7].split(";") if f.startswith("BCSQ="))
    return bcsq[5:].split(",")[0].split("|")


@needs_bcftools
@pytest.mark.parametrize(
    ("grch37", "ref", "alt", "hgvsc", "hgvsp"),
    [
        # ClinVar VCV000017662: NM_007294.4:c.68_69del (p.Glu23ValfsTer17), 185delAG
        (41276044, "ACT", "A", "c.68_69del", "p.Glu23ValfsTer17"),
        # ClinVar's name of the 5382insC founder allele: NM_007294.4:c.5266dup
        # (p.Gln1756ProfsTer74), GRCh37 17:41209079 T>TG
        (41209079, "T", "TG", "c.5266dup", "p.Gln1756ProfsTer74"),
        # ClinVar: NM_007294.4:c.181T>G (p.Cys61Gly), GRCh37 17:41258504 A>C
        (41258504, "A", "C", "c.181T>G", "p.Cys61Gly"),
    ],
)
def test_real_brca1_variants_have_clinvar_names(
    brca1, tmp_path: Path, grch37: int, ref: str, alt: str, hgvsc: str, hgvsp: str
) -> None:
    fasta, gff3, model = brca1
    pos = grch37 - OFFSET
    with pysam.FastaFile(str(fasta)) as genome_file:
        assert genome_file.fetch("ref_brca1", pos - 1, pos - 1 + len(ref)) == ref
        fields = csq_fields(tmp_path, fasta, gff3, pos, ref, alt)
        names = name("ref_brca1", pos, ref, alt, fields, model, genome_file.fetch)
    assert (names.transcript, names.hgvsc, names.hgvsp) == (TRANSCRIPT, hgvsc, hgvsp)


def test_real_brca1_insertion_anywhere_in_its_repeat_is_the_same_dup(brca1) -> None:
    fasta, _, model = brca1
    pos = 41209079 - OFFSET
    with pysam.FastaFile(str(fasta)) as genome_file:
        run = genome_file.fetch("ref_brca1", pos, pos + 10)
        copies = len(run) - len(run.lstrip("G"))  # the G run right of the anchor T
        assert copies >= 1
        last = pos + copies  # the run's rightmost G: a right-aligned VCF record of the same
        for where, ref_base in ((pos, "T"), (last, "G")):
            alt = ref_base + "G"
            assert coding_change(model, "ref_brca1", where, ref_base, alt, genome_file.fetch) == (
                "c.5266dup"
            )


# ---------------------------------------------------------------- the demo (generated)


def test_demo_brca1_and_egfr_names() -> None:
    demo = demo_dir()
    models = read_models(demo / "genes.gff3", ["BRCA1-201", "EGFR-201"])
    brca1, egfr = models["BRCA1-201"], models["EGFR-201"]
    assert brca1.strand == "-" and egfr.strand == "+"
    with pysam.FastaFile(str(demo / "genome.fa")) as genome_file:
        get = genome_file.fetch
        # c.66-69 AGAG is genomic 24028-24031 CTCT: both records are c.68_69del
        assert get("BRCA1", 24026, 24031) == "ACTCT"
        assert coding_change(brca1, "BRCA1", 24027, "ACT", "A", get) == "c.68_69del"
        assert coding_change(brca1, "BRCA1", 24029, "TCT", "T", get) == "c.68_69del"
        assert get("BRCA1", 24093, 24096) == "CAT"  # the ATG, on the minus strand
        assert coding_change(brca1, "BRCA1", 24096, "T", "C", get) == "c.1A>G"
        # bcftools csq's fields for EGFR c.2573T>G on the demo genome
        fields = ["missense", "EGFR", "EGFR-201", "protein_coding", "+", "858L>858R", "21822T>G"]
        names = name("EGFR", 21822, "T", "G", fields, egfr, get)
    assert (names.transcript, names.hgvsc, names.hgvsp, names.hgvsp_short) == (
        "EGFR-201", "c.2573T>G", "p.Leu858Arg", "p.L858R",
    )  # fmt: skip


@needs_bcftools
def test_somatic_alleles_of_an_annotated_vcf_are_named(tmp_path: Path) -> None:
    """EGFR L858R as bcftools csq annotates it on the demo genome."""
    demo = demo_dir()
    vcf = tmp_path / "somatic.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=EGFR>\n##contig=<ID=KRAS>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT\n"
        "EGFR\t21822\t.\tT\tG\t.\tPASS\t.\tGT\t0/1\n"
    )
    annotated = tmp_path / "somatic.csq.vcf"
    subprocess.run(
        ["bcftools", "csq", "-f", str(demo / "genome.fa"), "-g", str(demo / "genes.gff3"),
         "-p", "a", "-o", str(annotated), str(vcf)],
        check=True, capture_output=True,
    )  # fmt: skip
    models = read_models(demo / "genes.gff3", ["EGFR-201"])
    with pysam.FastaFile(str(demo / "genome.fa")) as genome_file:
        names = name_vcf(annotated, models, ["EGFR-201"], genome_file.fetch)
    found = names[("EGFR", 21822, "T", "G")]
    assert (found.transcript, found.hgvsc, found.hgvsp, found.hgvsp_short) == (
        "EGFR-201", "c.2573T>G", "p.Leu858Arg", "p.L858R",
    )  # fmt: skip
