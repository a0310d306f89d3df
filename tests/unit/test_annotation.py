"""Knowledge VCFs: ClinVar and population AF prepared, then annotated allele-exactly."""

import gzip
import random
import shutil
import subprocess
from pathlib import Path

import pysam
import pytest

from tailorseq.annotation import exclude_genes, max_population_af, prepare, rename_contig
from tailorseq.errors import InputError
from tailorseq.findings import Settings, classify
from tailorseq.gene_list import load_gene_list
from tailorseq.germline_calls import read_calls

pytestmark = pytest.mark.skipif(not shutil.which("bcftools"), reason="needs bcftools")
COLUMNS = "INFO/CLNVID,INFO/CLNSIG,INFO/CLNREVSTAT,INFO/CLNDN,INFO/CLNSIGCONF,INFO/GENEINFO"

# Well-known variants with their published ClinVar classifications (facts only). Positions are
# on this test's small reference, not the genome; the REF bases are written into it.
# (contig, pos, ref, alt, variation id, CLNSIG, CLNREVSTAT, gene, what it is)
FACTS = [
    ("17", 1001, "ACT", "A", "17662", "Pathogenic", "reviewed_by_expert_panel", "BRCA1:672",
     "BRCA1 c.68_69del p.Glu23fs (185delAG), Ashkenazi founder"),
    ("17", 2001, "T", "TG", "17677", "Pathogenic", "reviewed_by_expert_panel", "BRCA1:672",
     "BRCA1 c.5266dup p.Gln1756fs (5382insC), founder"),
    ("17", 3001, "T", "C", "55587", "Benign", "reviewed_by_expert_panel", "BRCA1:672",
     "BRCA1 c.3113A>G p.Glu1038Gly (rs16941), common polymorphism"),
    ("13", 1001, "GT", "G", "9322", "Pathogenic", "reviewed_by_expert_panel", "BRCA2:675",
     "BRCA2 c.5946del p.Ser1982fs (6174delT), Ashkenazi founder"),
    ("13", 2001, "T", "C", ".", "Benign", "reviewed_by_expert_panel", "BRCA2:675",
     "BRCA2 c.7397T>C p.Val2466Ala (rs169547), common polymorphism"),
    ("3", 1001, "C", "T", ".", "Pathogenic", "reviewed_by_expert_panel", "MLH1:4292",
     "MLH1 c.350C>T p.Thr117Met (rs63750781), Lynch syndrome"),
    ("3", 2001, "A", "G", ".", "Benign", "reviewed_by_expert_panel", "MLH1:4292",
     "MLH1 c.655A>G p.Ile219Val (rs1799977), common polymorphism"),
]  # fmt: skip


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    """chr17, chr13, chr3 (chr-prefixed, unlike the ClinVar fixture) with the facts' REFs."""
    rng = random.Random(3)
    sequences = {name: [rng.choice("ACGT") for _ in range(4000)] for name in ("17", "13", "3")}
    for contig, pos, ref, *_ in FACTS:
        sequences[contig][pos - 1 : pos - 1 + len(ref)] = list(ref)
        # a base after the allele that differs from an inserted G, so nothing left-shifts
        sequences[contig][pos - 1 + len(ref)] = "A"
    fasta = tmp_path / "ref.fa"
    fasta.write_text("".join(f">chr{n}\n{''.join(s)}\n" for n, s in sequences.items()))
    pysam.faidx(str(fasta))
    return fasta


def clinvar_fixture(path: Path, facts=FACTS, gz: bool = True) -> Path:
    lines = [
        "##fileformat=VCFv4.1",
        "##fileDate=2024-01-07",
        "##source=ClinVar (test fixture)",
        '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="sig">',
        '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="status">',
        '##INFO=<ID=GENEINFO,Number=1,Type=String,Description="gene">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
    ]
    for contig, pos, ref, alt, vid, sig, status, gene, _ in facts:
        info = f"CLNSIG={sig};CLNREVSTAT={status};GENEINFO={gene}"
        lines.append("\t".join([contig, str(pos), vid, ref, alt, ".", ".", info]))
    text = "\n".join(lines) + "\n"
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def sample_vcf(path: Path, records: list[tuple[str, int, str, str, str]]) -> Path:
    lines = [
        "##fileformat=VCFv4.2",
        *(f"##contig=<ID=chr{n},length=4000>" for n in ("17", "13", "3")),
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="depths">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1",
    ]
    for contig, pos, ref, alt, gt in records:
        lines.append(f"{contig}\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\t.\tGT:AD\t{gt}:10,10")
    plain = path.with_suffix("")
    plain.write_text("\n".join(lines) + "\n")
    pysam.tabix_compress(str(plain), str(path), force=True)
    pysam.tabix_index(str(path), preset="vcf", force=True)
    return path


def test_contig_renaming() -> None:
    reference = {"chr17": 1, "MT": 1}
    assert rename_contig("17", reference) == "chr17"
    assert rename_contig("chr17", reference) == "chr17"
    assert rename_contig("chrM", reference) == "MT"
    assert rename_contig("13", reference) is None


def test_population_af_is_the_maximum() -> None:
    info = {"AF": "0.01,0.2", "AF_afr": "0.3,0.1", "AF_nfe": "0.05,.", "AC": "7,9"}
    assert max_population_af(info, 2) == ["0.3", "0.2"]
    assert max_population_af({"AC": "3"}, 1) == ["."]


def test_clinvar_prepared_and_annotated_allele_exactly(reference: Path, tmp_path: Path) -> None:
    prepared = tmp_path / "clinvar.vcf.gz"
    counts = prepare(
        clinvar_fixture(tmp_path / "clinvar.vcf.gz.in"), reference, prepared, "clinvar"
    )
    assert counts["file_date"] == "2024-01-07"
    assert counts["kept"] == len(FACTS) and counts["contigs"]["17"] == "chr17"
    calls = sample_vcf(
        tmp_path / "calls.vcf.gz",
        [
            ("chr17", 1001, "ACT", "A", "0/1"),  # BRCA1 185delAG: a finding
            ("chr17", 3001, "T", "C", "1/1"),  # benign
            ("chr17", 3501, "A", "G", "0/1"),  # not in ClinVar
            ("chr13", 1001, "GT", "G", "0/1"),  # BRCA2 6174delT: a finding
            ("chr3", 1001, "C", "A", "0/1"),  # same position as MLH1 T117M, other allele
            ("chr3", 2001, "A", "G", "0/1"),  # benign
        ],
    )
    annotated = tmp_path / "annotated.vcf.gz"
    subprocess.run(
        ["bcftools", "annotate", "--annotations", str(prepared), "--columns", COLUMNS,
         "--output-type", "z", "--output", str(annotated), str(calls)],
        check=True, capture_output=True,
    )  # fmt: skip
    by_pos = {(c.contig, c.pos): c for c in read_calls(annotated)}
    assert sum(c.clinvar is not None for c in by_pos.values()) == 4
    assert by_pos["chr17", 1001].clinvar.variation_id == "17662"
    assert by_pos["chr17", 1001].clinvar.stars == 3
    assert by_pos["chr3", 1001].clinvar is None  # allele-exact: C>A is not C>T
    assert by_pos["chr17", 3001].clinvar.significance == "Benign"
    result = classify(list(by_pos.values()), load_gene_list(), Settings())
    assert sorted(f["gene"] for f in result.findings) == ["BRCA1", "BRCA2"]
    assert result.counts["clinvar_matches"] == 4
    without = tmp_path / "clinvar.no-secondary.vcf.gz"
    assert exclude_genes(prepared, without, load_gene_list().genes) == 0


def test_clinvar_of_another_naming_is_refused(reference: Path, tmp_path: Path) -> None:
    facts = [("NC_000017.11", *fact[1:]) for fact in FACTS]
    source = clinvar_fixture(tmp_path / "clinvar.vcf", facts, gz=False)
    with pytest.raises(InputError, match="none of its contigs"):
        prepare(source, reference, tmp_path / "out.vcf.gz", "clinvar")


def test_clinvar_of_another_build_is_refused(reference: Path, tmp_path: Path) -> None:
    facts = [(fact[0], fact[1] + 7, *fact[2:]) for fact in FACTS]  # REFs no longer fit
    source = clinvar_fixture(tmp_path / "clinvar.vcf", facts, gz=False)
    with pytest.raises(InputError, match="another genome build"):
        prepare(source, reference, tmp_path / "out.vcf.gz", "clinvar")


def test_corrupt_clinvar_is_refused(reference: Path, tmp_path: Path) -> None:
    good = clinvar_fixture(tmp_path / "clinvar.vcf.gz").read_bytes()
    truncated = tmp_path / "truncated.vcf.gz"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(InputError, match=r"cannot be read|not a VCF|not a text VCF"):
        prepare(truncated, reference, tmp_path / "out.vcf.gz", "clinvar")
    binary = tmp_path / "binary.vcf"
    binary.write_bytes(bytes(range(256)))
    with pytest.raises(InputError, match="not a VCF"):
        prepare(binary, reference, tmp_path / "out.vcf.gz", "clinvar")
    assert not (tmp_path / "out.vcf.gz").exists()


def test_population_frequencies_are_added(reference: Path, tmp_path: Path) -> None:
    source = tmp_path / "gnomad.vcf"
    source.write_text(
        "##fileformat=VCFv4.2\n"
        '##INFO=<ID=AF,Number=A,Type=Float,Description="af">\n'
        '##INFO=<ID=AF_afr,Number=A,Type=Float,Description="af">\n'
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        "17\t3001\t.\tT\tC\t.\tPASS\tAF=0.3;AF_afr=0.45\n"
    )
    prepared = tmp_path / "population.vcf.gz"
    assert prepare(source, reference, prepared, "population")["kept"] == 1
    with pysam.VariantFile(str(prepared)) as vcf:
        record = next(iter(vcf))
        assert record.chrom == "chr17"
        assert record.info["POP_AF"] == pytest.approx((0.45,))
