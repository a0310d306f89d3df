"""Knowledge sources end to end on the demo: a population-frequency VCF keeps a common benign
variant out of the findings while a ClinVar-pathogenic one stays reported, common or rare
(frequency filtering applies only to variants that are not ClinVar P/LP). ClinVar and the gene
models given by URL, with their release date: tests/integration/test_downloads.py."""

import json
from pathlib import Path

import pysam
import pytest

from helpers import demo_run, demo_sheets, snakemake

pytestmark = pytest.mark.integration

# exon copy number compares a sample with the run's others: off (these tests are about the
# knowledge files)
NO_CNV = {"enabled": False}
SAMPLES = ["demo1", "demo2"]
TARGETS = (
    "results/demo1/demo1.findings.json",
    "results/demo1/demo1.annotated.vcf.gz",
    "results/demo2/demo2.findings.json",
)
FRAMESHIFT = ("BRCA1", 24027, "ACT", "A")  # demo1's planted BRCA1 c.68_69del (ClinVar 17662)


def run(workdir: Path, demo_results: Path, **annotation: str) -> Path:
    """The demo's config with these `annotation` settings, demo1 and demo2 only, as the
    session run's alignments (BAM units, used as they are: the point is the knowledge)."""
    bams = {sample: demo_results / f"results/{sample}/{sample}.bam" for sample in SAMPLES}
    sheets = demo_sheets(workdir, SAMPLES, bams)
    config = demo_run(workdir, **sheets, annotation=annotation, germline_cnv=NO_CNV)
    snakemake(workdir, config, *TARGETS)
    return workdir


def findings(workdir: Path, sample: str) -> dict:
    return json.loads((workdir / "results" / sample / f"{sample}.findings.json").read_text())


def annotated(workdir: Path, sample: str, pos: int) -> pysam.VariantRecord:
    path = workdir / "results" / sample / f"{sample}.annotated.vcf.gz"
    with pysam.VariantFile(str(path)) as vcf:
        (record,) = [r for r in vcf.fetch("BRCA1", pos - 1, pos) if r.pos == pos]
        return record


def population_vcf(path: Path, records: list[tuple[str, int, str, str, str]]) -> Path:
    """A gnomAD-style sites VCF (AF and AF_<population> INFO fields)."""
    lines = [
        "##fileformat=VCFv4.2",
        "##source=gnomAD-style test fixture",
        '##INFO=<ID=AF,Number=A,Type=Float,Description="Alternate allele frequency">',
        '##INFO=<ID=AF_afr,Number=A,Type=Float,Description="AF, African/African American">',
        '##INFO=<ID=AF_nfe,Number=A,Type=Float,Description="AF, non-Finnish European">',
        '##INFO=<ID=AC,Number=A,Type=Integer,Description="Alternate allele count">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
    ]
    lines += ["\t".join([c, str(p), ".", r, a, ".", "PASS", info]) for c, p, r, a, info in records]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_common_pathogenic_variant_stays_a_finding_and_a_common_benign_one_is_excluded(
    demo_results: Path, tmp_path: Path
) -> None:
    # AF 0.004 overall, 0.05 in one population: the highest counts, above the 0.01 default.
    vcf = population_vcf(
        tmp_path / "gnomad.vcf",
        [
            (*FRAMESHIFT, "AC=40;AF=0.004;AF_afr=0.05;AF_nfe=0.001"),
            ("BRCA1", 19997, "C", "T", "AF=0.3;AF_afr=0.25;AF_nfe=0.31"),  # the benign one
            ("BRCA1", 24027, "ACT", "ACTCT", "AF=0.2"),  # another allele: must not match
        ],
    )
    run(tmp_path, demo_results, population=str(vcf))
    document = findings(tmp_path, "demo1")
    assert document["assessed"] is True and document["settings"]["max_population_af"] == 0.01
    # ClinVar P (expert panel) is not subject to the frequency filter; the benign one is.
    # (HFE C282Y and TTR V142I, absent from this population file, are findings too.)
    found = [(f["gene"], f["pos"]) for f in document["findings"]]
    assert found == [("BRCA1", 24027), ("HFE", 4913), ("TTR", 4655)]
    finding = document["findings"][0]
    assert finding["population_af"] == pytest.approx(0.05)
    assert "population allele frequency 0.05 (above 0.01) does not exclude it" in finding["note"]
    assert document["counts"]["excluded_common"] == 1  # the benign synonymous variant
    record = annotated(tmp_path, "demo1", 24027)
    assert record.info["POP_AF"] == pytest.approx((0.05,))
    assert record.info["CLNSIG"] == ("Pathogenic",)
    assert annotated(tmp_path, "demo1", 19997).info["POP_AF"] == pytest.approx((0.31,))
    assert "POP_AF" not in annotated(tmp_path, "demo1", 19849).info  # absent from the VCF
    tsv = (tmp_path / "results" / "demo1" / "demo1.findings.tsv").read_text()
    (row,) = [line.split("\t") for line in tsv.splitlines() if line.startswith("finding\tBRCA1\t")]
    assert "c.68_69del" in row
    (summary,) = (tmp_path / "cache" / "annotation").glob("*/population-*.json")
    summary = json.loads(summary.read_text())
    assert summary["source"] == str(vcf) and (summary["records"], summary["kept"]) == (3, 3)


def test_a_rare_variant_stays_a_finding_with_its_population_af(
    demo_results: Path, tmp_path: Path
) -> None:
    vcf = population_vcf(
        tmp_path / "gnomad.vcf", [(*FRAMESHIFT, "AC=3;AF=0.0001;AF_afr=0.0002;AF_nfe=0.00005")]
    )
    run(tmp_path, demo_results, population=str(vcf))
    document = findings(tmp_path, "demo1")
    found = [(f["gene"], f["pos"]) for f in document["findings"]]
    assert found == [("BRCA1", 24027), ("HFE", 4913), ("TTR", 4655)]
    finding = document["findings"][0]
    assert finding["population_af"] == pytest.approx(0.0002)
    assert finding["consequence"]["hgvsp"] == "p.Glu23ValfsTer17"
    assert "excluded_common" not in document["counts"]
    assert annotated(tmp_path, "demo1", 24027).info["POP_AF"] == pytest.approx((0.0002,))
    tsv = (tmp_path / "results" / "demo1" / "demo1.findings.tsv").read_text()
    (row,) = [line.split("\t") for line in tsv.splitlines() if line.startswith("finding\tBRCA1\t")]
    header = tsv.splitlines()[1].split("\t")
    assert float(row[header.index("population_af")]) == pytest.approx(0.0002)
    # Without consent, nothing is assessed whatever the frequencies say.
    assert findings(tmp_path, "demo2")["findings"] == []
