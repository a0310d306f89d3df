"""Provenance of a prepared knowledge VCF: the source as configured (a URL when downloaded),
the downloaded file, its sha256 and ClinVar's release date, carried into findings.json."""

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import pysam
import pytest

from findings import find
from prepare_knowledge import prepare_knowledge
from tailorseq.findings import Settings
from tailorseq.gene_assessment import Callable

pytestmark = pytest.mark.skipif(not shutil.which("bcftools"), reason="needs bcftools")


@pytest.fixture
def knowledge(tmp_path: Path) -> tuple[Path, Path]:
    """A one-contig reference and a gzipped ClinVar-format VCF of one record on it."""
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">chr17\n" + "ACGT" * 50 + "\n")
    pysam.faidx(str(fasta))
    text = "\n".join([
        "##fileformat=VCFv4.1",
        "##fileDate=20240507",
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
        "17\t5\t12345\tA\tG\t.\t.\tCLNSIG=Benign;CLNREVSTAT=reviewed_by_expert_panel",
    ]) + "\n"  # fmt: skip
    clinvar = tmp_path / "download" / "clinvar-0a1b2c3d.vcf"  # gzipped, as NCBI ships it
    clinvar.parent.mkdir()
    clinvar.write_bytes(gzip.compress(text.encode()))
    return fasta, clinvar


def test_the_summary_names_the_url_the_file_its_checksum_and_release(knowledge, tmp_path):
    fasta, clinvar = knowledge
    url = "https://ftp.ncbi.nlm.nih.gov/pub/clinvar/vcf_GRCh38/clinvar.vcf.gz"
    summary = tmp_path / "clinvar.json"
    prepare_knowledge("clinvar", clinvar, fasta, tmp_path / "clinvar.vcf.gz", summary, given=url)
    written = json.loads(summary.read_text())
    assert written["source"] == url and written["file"] == str(clinvar)
    assert written["sha256"] == hashlib.sha256(clinvar.read_bytes()).hexdigest()
    assert written["file_date"] == "20240507"
    assert (written["records"], written["kept"], written["contigs"]) == (1, 1, {"17": "chr17"})
    with pysam.VariantFile(str(tmp_path / "clinvar.vcf.gz")) as vcf:
        (record,) = vcf
        assert (record.chrom, record.pos, record.info["CLNVID"]) == ("chr17", 5, "12345")


def test_a_local_source_is_named_by_its_path_without_a_file_entry(knowledge, tmp_path):
    fasta, clinvar = knowledge
    summary = tmp_path / "clinvar.json"
    prepare_knowledge("clinvar", clinvar, fasta, tmp_path / "clinvar.vcf.gz", summary)
    written = json.loads(summary.read_text())
    assert written["source"] == str(clinvar) and "file" not in written


def test_findings_json_carries_the_release(knowledge, tmp_path):
    """Without consent nothing is assessed, but the document still names the ClinVar used."""
    fasta, clinvar = knowledge
    summary = tmp_path / "clinvar.json"
    prepare_knowledge(
        "clinvar", clinvar, fasta, tmp_path / "clinvar.vcf.gz", summary, given="file:///c.vcf"
    )
    document = find(
        tmp_path / "s0123456789.annotated.vcf.gz",  # not read without consent
        tmp_path / "genes.gff3",
        tmp_path / "genes.canonical.tsv",
        fasta,
        Path(__file__).resolve().parents[2] / "resources" / "acmg_sf_genes.tsv",
        summary,
        (tmp_path / "genes.regions.bed.gz", tmp_path / "genes.thresholds.bed.gz"),  # not read
        False,
        Settings(),
        Callable(),
        (tmp_path / "out.json", tmp_path / "out.tsv", tmp_path / "out.review.tsv"),
    )
    assert document["clinvar"] == {
        "source": "file:///c.vcf",
        "file_date": "20240507",
        "sha256": hashlib.sha256(clinvar.read_bytes()).hexdigest(),
        "kept": 1,
        "records": 1,
    }
    assert json.loads((tmp_path / "out.json").read_text())["clinvar"]["file_date"] == "20240507"
