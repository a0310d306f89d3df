"""Tumour RNA (tailorseq.rna): gene expression from salmon, the reference level, receptor status
and the 21-gene expression profile on hand-computed numbers."""

import shutil
import subprocess
from pathlib import Path

import pytest
from rna_helpers import PANEL_LOG2, cnv_document, panel_tpm, table_of, write_salmon

from tailorseq.config import config_problems, load_config, read_configfile
from tailorseq.defaults import config_defaults
from tailorseq.errors import InputError
from tailorseq.rna.expression import (
    gene_expression,
    read_quant,
    salmon_summary,
    transcript_genes,
    write_expression,
)
from tailorseq.rna.normalise import reference_level
from tailorseq.rna.receptors import NO_THRESHOLD, dna_copy_number, receptor_status
from tailorseq.rna.settings import RnaSettings, Threshold

ROOT = Path(__file__).resolve().parents[2]
GFF3 = """##gff-version 3
X\tt\tgene\t1\t300\t.\t+\t.\tID=gene:ENSG1;Name=ALPHA;biotype=protein_coding
X\tt\tmRNA\t1\t300\t.\t+\t.\tID=transcript:ENST1;Parent=gene:ENSG1;version=3
X\tt\texon\t1\t300\t.\t+\t.\tParent=transcript:ENST1
X\tt\tlnc_RNA\t1\t200\t.\t+\t.\tID=transcript:ENST2;Parent=gene:ENSG1
X\tt\texon\t1\t200\t.\t+\t.\tParent=transcript:ENST2
X\tt\tgene\t101\t400\t.\t-\t.\tID=ENSG3.4;gene_id=ENSG3.4;gene_name=BETA
X\tt\ttranscript\t101\t400\t.\t-\t.\tID=ENST3.2;Parent=ENSG3.4;gene_id=ENSG3.4
X\tt\texon\t101\t400\t.\t-\t.\tParent=ENST3.2
"""
QUANT = """Name\tLength\tEffectiveLength\tTPM\tNumReads
transcript:ENST1\t300\t150\t600.5\t30.25
transcript:ENST2\t200\t60\t150.25\t4.5
ENST3.2\t300\t150\t249.25\t12
"""
REFERENCE_GENES = ("ACTB", "GAPDH", "RPLP0", "GUSB", "TFRC")
THRESHOLDS = {
    "ESR1": Threshold(high_at=0.5, source="test"),
    "ERBB2": Threshold(high_at=5, source="test", equivocal_at=3),
}


def test_transcripts_map_to_genes_by_their_gff3_id_verbatim(tmp_path: Path) -> None:
    (tmp_path / "genes.gff3").write_text(GFF3)
    assert transcript_genes(tmp_path / "genes.gff3") == {
        "transcript:ENST1": "ALPHA",
        "transcript:ENST2": "ALPHA",
        "ENST3.2": "BETA",
    }


@pytest.mark.skipif(shutil.which("gffread") is None, reason="gffread not installed")
def test_the_map_names_transcripts_as_gffread_writes_them(tmp_path: Path) -> None:
    (tmp_path / "genes.gff3").write_text(GFF3)
    (tmp_path / "genome.fa").write_text(">X\n" + "ACGT" * 100 + "\n")
    subprocess.run(
        [
            "gffread",
            "-w",
            tmp_path / "tx.fa",
            "-g",
            tmp_path / "genome.fa",
            tmp_path / "genes.gff3",
        ],
        check=True,
        capture_output=True,
    )
    headers = {
        line[1:].split()[0]
        for line in (tmp_path / "tx.fa").read_text().splitlines()
        if line[:1] == ">"
    }
    assert headers == set(transcript_genes(tmp_path / "genes.gff3"))


def test_gene_tpm_and_reads_are_sums_over_transcripts(tmp_path: Path) -> None:
    (tmp_path / "genes.gff3").write_text(GFF3)
    (tmp_path / "quant.sf").write_text(QUANT)
    table = gene_expression(
        read_quant(tmp_path / "quant.sf"), transcript_genes(tmp_path / "genes.gff3")
    )
    assert table.to_dict("records") == [
        {"gene": "ALPHA", "tpm": 750.75, "reads": 34.75, "transcripts": 2},
        {"gene": "BETA", "tpm": 249.25, "reads": 12.0, "transcripts": 1},
    ]
    write_expression(table, tmp_path / "expression.tsv")
    assert (tmp_path / "expression.tsv").read_text().splitlines() == [
        "gene\ttpm\treads\ttranscripts",
        "ALPHA\t750.75\t34.75\t2",
        "BETA\t249.25\t12.0\t1",
    ]


def test_a_transcript_missing_from_the_annotation_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "genes.gff3").write_text(GFF3)
    (tmp_path / "quant.sf").write_text(QUANT + "transcript:ENST9\t100\t50\t1\t1\n")
    with pytest.raises(InputError, match=r"1 transcript.*ENST9.*same GFF3"):
        gene_expression(
            read_quant(tmp_path / "quant.sf"), transcript_genes(tmp_path / "genes.gff3")
        )


def test_salmon_summary_reports_the_detected_library_and_mapping(tmp_path: Path) -> None:
    summary = salmon_summary(write_salmon(tmp_path, {"A": 1}, library_type="ISR"))
    assert summary == {
        "version": "1.10.1", "library_type": "ISR", "compatible_fragment_ratio": 0.98,
        "strand_mapping_bias": 0.01, "format_counts": {"ISF": 40, "ISR": 1960},
        "reads_processed": 2000, "reads_mapped": 1800, "decoy_reads": 40, "mapping_rate": 90.0,
    }  # fmt: skip


def test_reference_level_is_the_mean_log2_of_the_reference_genes() -> None:
    reference = reference_level(table_of(panel_tpm()), REFERENCE_GENES, 1)
    assert reference.mean_log2 == 8 and reference.reason == ""
    assert reference.normalised(2047) == 3  # log2(2048) - 8
    assert reference.as_dict()["status"] == "assessed"


def test_reference_level_not_assessed_names_missing_or_silent_genes() -> None:
    tpm = panel_tpm()
    missing = reference_level(
        table_of({g: t for g, t in tpm.items() if g != "GUSB"}), REFERENCE_GENES, 1
    )
    assert missing.mean_log2 is None
    assert missing.reason == "reference gene(s) not in the quantification: GUSB"
    silent = reference_level(table_of(tpm | {"TFRC": 0}), REFERENCE_GENES, 1)
    assert silent.reason == "reference gene(s) not expressed (TPM 0): TFRC"
    assert silent.as_dict()["status"] == "not assessed"
    with pytest.raises(ValueError, match="not assessed"):
        silent.normalised(10)


def receptors(log2: dict[str, float], cnv: dict | None = None) -> dict[str, dict]:
    table = table_of(panel_tpm(PANEL_LOG2 | log2))
    reference = reference_level(table, REFERENCE_GENES, 1)
    status = receptor_status(table, reference, THRESHOLDS, cnv)
    assert (
        status["basis"] == "RNA-based, research use" and "immunohistochemistry" in status["caveat"]
    )
    return {entry["gene"]: entry for entry in status["receptors"]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, "high"), (6, "high"), (3, "equivocal"), (4.5, "equivocal"), (2.9, "low")],
)
def test_receptor_high_equivocal_and_low_around_the_configured_cutoffs(
    value: float, expected: str
) -> None:
    erbb2 = receptors({"ERBB2": value})["ERBB2"]
    assert erbb2["status"] == expected and erbb2["log2_normalised"] == value
    assert erbb2["threshold"] == {"high_at": 5, "equivocal_at": 3, "source": "test"}
    assert erbb2["basis"] == "RNA-based, research use"


def test_a_receptor_without_a_threshold_is_not_assessed_never_called() -> None:
    found = receptors({"PGR": 7})
    assert found["PGR"]["status"] == "not assessed" and found["PGR"]["reason"] == NO_THRESHOLD
    assert found["PGR"]["log2_normalised"] == 7 and found["PGR"]["threshold"] is None
    assert found["ESR1"]["status"] == "high"  # 1 >= 0.5


def test_receptors_not_assessed_without_a_reference_level_or_the_gene() -> None:
    tpm = {g: t for g, t in panel_tpm().items() if g not in ("ACTB", "ESR1")}
    table = table_of(tpm)
    found = receptor_status(table, reference_level(table, REFERENCE_GENES, 1), THRESHOLDS, None)
    by_gene = {entry["gene"]: entry for entry in found["receptors"]}
    assert by_gene["ESR1"]["reason"] == "ESR1 is not in the quantification"
    assert by_gene["ERBB2"]["status"] == "not assessed"
    assert by_gene["ERBB2"]["reason"] == (
        "reference level not assessed: reference gene(s) not in the quantification: ACTB"
    )


def test_her2_shows_the_dna_copy_number_call_beside_it() -> None:
    assert receptors({})["ERBB2"]["dna_copy_number"]["text"] == "DNA copy number not available"
    assert "dna_copy_number" not in receptors({})["ESR1"]
    amplified = cnv_document(
        [{"gene": "ERBB2", "call": "amplification", "copy_number": 9, "contig": "ERBB2",
          "start": 0, "end": 20000, "probes": 40}]
    )  # fmt: skip
    call = receptors({}, amplified)["ERBB2"]["dna_copy_number"]
    assert (call["status"], call["copy_number"]) == ("amplification", 9)
    assert call["text"] == "DNA: ERBB2 amplification, 9 copies" and "ISH" in call["caveat"]
    assert dna_copy_number(cnv_document([]))["status"] == "not altered"
    unassessed = dna_copy_number(cnv_document([], status="not assessed"))
    assert unassessed["text"] == "DNA copy number not assessed: the normal's territory is too small"


def test_settings_refuse_an_equivocal_band_not_below_the_cutoff() -> None:
    section = config_defaults("rna")
    section["receptor_thresholds"] = {"PGR": {"high_at": 1, "equivocal_at": 1, "source": "s"}}
    with pytest.raises(InputError, match="PGR: equivocal_at 1 is not below high_at 1"):
        RnaSettings.from_config(section)


def test_a_threshold_needs_its_source_and_a_known_gene() -> None:
    base = {"samples": "s.tsv", "units": "u.tsv", "reference": {"build": "demo", "fasta": "g.fa"}}
    unsourced = base | {"rna": {"receptor_thresholds": {"ESR1": {"high_at": 0}}}}
    assert any("source" in str(problem) for problem in config_problems(unsourced))
    typo = base | {"rna": {"receptor_thresholds": {"ESR": {"high_at": 0, "source": "s"}}}}
    assert any("ESR" in str(problem) for problem in config_problems(typo))


def test_the_demo_config_sets_demo_thresholds_for_all_three_receptors() -> None:
    config = load_config(read_configfile(ROOT / "config" / "config.yaml"))
    thresholds = RnaSettings.from_config(config["rna"]).receptor_thresholds
    assert set(thresholds) == {"ESR1", "PGR", "ERBB2"}
    assert all(t.source.startswith("demo: ") for t in thresholds.values())
