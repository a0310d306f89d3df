"""GENCODE/Ensembl GFF3 -> csq-ready GFF3, reporting transcripts, and csq on real BRCA1 data."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import DEMO, shared
from tailorseq.errors import InputError
from tailorseq.gff import bare_id, read_choices, read_models, write_choices
from tailorseq.gff_convert import convert

needs_bcftools = pytest.mark.skipif(not shutil.which("bcftools"), reason="needs bcftools")
# Known BRCA1 missense SNPs of HG00096/HG00099 (1000 Genomes phase 3 truth): rsID -> the
# protein change on BRCA1-001 (ENST00000357654, NP_009225.1) as bcftools csq writes it.
# Sources: dbSNP/ClinVar records of rs1799966 (p.Ser1613Gly), rs16942 (p.Lys1183Arg),
# rs16941 (p.Glu1038Gly), rs799917 (p.Pro871Leu).
BRCA1_SNPS = {
    "rs1799966": "1613S>1613G",
    "rs16942": "1183K>1183R",
    "rs16941": "1038E>1038G",
    "rs799917": "871P>871L",
}


def test_bare_ids() -> None:
    assert bare_id("transcript:ENST00000357654") == "ENST00000357654"
    assert bare_id("ENST00000357654.3") == "ENST00000357654"
    assert bare_id("ENSG00000182378.14_PAR_Y") == "ENSG00000182378_PAR_Y"
    assert bare_id("BRCA1-201") == "BRCA1-201"


def gencode(tmp_path: Path, **options) -> tuple[Path, list]:
    data = shared("brca1-1kg")
    out = tmp_path / "genes.gff3"
    choices = convert(data / "gencode_v19.brca1.gff3", out, ["ref_brca1"], **options)
    return out, choices


def test_gencode_is_converted_to_csq_style(tmp_path: Path) -> None:
    out, choices = gencode(tmp_path)
    brca1 = next(c for c in choices if c.gene == "BRCA1")
    assert (brca1.transcript, brca1.reason) == ("ENST00000357654", "appris_principal")
    text = out.read_text()
    assert "ID=gene:ENSG00000012048;Name=BRCA1;biotype=protein_coding" in text
    assert "ID=transcript:ENST00000357654;Parent=gene:ENSG00000012048" in text
    assert "\tUTR\t" not in text and "start_codon" not in text and "gene_type" not in text
    assert re.search(r"\tfive_prime_UTR\t.*Parent=transcript:ENST00000357654", text)
    assert text.count("ID=transcript:") == 2  # BRCA1 and the pseudogene RPL21P4


def test_configured_transcript_and_all_transcripts(tmp_path: Path) -> None:
    out, choices = gencode(tmp_path, transcripts={"BRCA1": "ENST00000471181.2"})
    assert next(c for c in choices if c.gene == "BRCA1").reason == "configured"
    assert "ID=transcript:ENST00000471181;" in out.read_text()
    out, _ = gencode(tmp_path, all_transcripts=True)
    assert out.read_text().count("ID=transcript:") == 32
    with pytest.raises(InputError, match="ENST00000000001 is not in the gene annotation"):
        gencode(tmp_path, transcripts={"BRCA1": "ENST00000000001"})
    with pytest.raises(InputError, match="NOTAGENE"):
        gencode(tmp_path, transcripts={"NOTAGENE": "ENST1"})


def test_contigs_are_renamed_or_refused(tmp_path: Path) -> None:
    if not (DEMO / "genes.gff3").exists():
        pytest.skip("demo not generated")
    gff = tmp_path / "in.gff3"
    gff.write_text((DEMO / "genes.gff3").read_text().replace("BRCA1\ttailorseq", "chrBRCA1\tx"))
    with pytest.raises(InputError, match="no contig matches the reference"):
        convert(gff, tmp_path / "out.gff3", ["chr1", "chr2"])
    plain = tmp_path / "plain.gff3"
    plain.write_text(
        "##gff-version 3\n17\tx\tgene\t1\t100\t.\t+\t.\tID=gene:G1;Name=G;biotype=protein_coding\n"
        "17\tx\tmRNA\t1\t100\t.\t+\t.\tID=transcript:T1;Parent=gene:G1;biotype=protein_coding\n"
        "17\tx\texon\t1\t100\t.\t+\t.\tParent=transcript:T1\n"
        "17\tx\tCDS\t10\t90\t.\t+\t0\tParent=transcript:T1\n"
    )
    choices = convert(plain, tmp_path / "out.gff3", ["chr17"])
    assert choices[0].contig == "chr17" and choices[0].reason == "longest_cds"
    assert (tmp_path / "out.gff3").read_text().splitlines()[1].startswith("chr17\t")


def test_not_a_gff3_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gff3"
    bad.write_text("this is not\ta gff3\n")
    with pytest.raises(InputError, match="not a GFF3 feature line"):
        convert(bad, tmp_path / "out.gff3", ["1"])
    gtf = tmp_path / "genes.gtf"
    gtf.write_text('1\tx\tgene\t1\t10\t.\t+\t.\tgene_id "G1"; gene_name "G";\n')
    with pytest.raises(InputError, match="no transcripts"):
        convert(gtf, tmp_path / "out.gff3", ["1"])


def test_choices_and_models_round_trip(tmp_path: Path) -> None:
    out, choices = gencode(tmp_path)
    write_choices(choices, tmp_path / "canonical.tsv")
    table = read_choices(tmp_path / "canonical.tsv")
    assert table["ENST00000357654"].gene == "BRCA1"
    model = read_models(out, table)["ENST00000357654"]
    coding = sum(end - start + 1 for start, end in model.cds)
    assert coding == 1864 * 3  # 1,863 residues and the stop codon


@needs_bcftools
def test_csq_on_real_1000_genomes_variants(tmp_path: Path) -> None:
    data = shared("brca1-1kg")
    out, _ = gencode(tmp_path, transcripts={"BRCA1": "ENST00000357654"})
    result = subprocess.run(
        ["bcftools", "csq", "--fasta-ref", str(data / "ref.fa"), "--gff-annot", str(out),
         "--local-csq", "--phase", "a", str(data / "truth.1kg_phase3.vcf")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = {}
    for line in result.stdout.splitlines():
        fields = line.split("\t")
        if line.startswith("#") or fields[2] not in BRCA1_SNPS:
            continue
        csq = re.search(r"BCSQ=([^;\t]+)", fields[7]).group(1).split("|")
        assert csq[:3] == ["missense", "BRCA1", "ENST00000357654"]
        found[fields[2]] = csq[5]
    assert found == BRCA1_SNPS
