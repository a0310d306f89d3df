"""The curated table: every row's source and date, its tier, its alleles (demo and GRCh38
against the demo plan), diagnostic and prognostic rows (no drugs, an implication) and the
refusal of malformed tables; the CIViC disease map."""

import re
from datetime import date

import pytest
import yaml
from actionability_helpers import CURATED, ROOT

from tailorseq.somatic.civic import load_disease_map
from tailorseq.somatic.curated import load_curated
from tailorseq.somatic.knowledge import Allele, KnowledgeError
from tailorseq.somatic.tiers import amp_tier

SOURCE = re.compile(
    r"FDA labels? [A-Z]{4,}|NCCN Guidelines|J Clin Oncol \d{4}|Neuro-Oncology \d{4}, 23\(8\)"
)


@pytest.fixture(scope="module")
def entries() -> dict:
    found, _ = load_curated(CURATED)
    return {entry.ids[0]: entry for entry in found}


def test_every_row_names_its_label_or_guideline_and_the_date_it_states(entries) -> None:
    assert len(entries) == 57
    for entry_id, entry in entries.items():
        text = "; ".join(entry.sources)
        assert SOURCE.search(text), entry_id
        parts = [int(p) for p in entry.source_date.split("-")]
        date(parts[0], *[*parts[1:], 1, 1][:2])  # a real (partial) date
        assert entry.source_date in text or str(parts[0]) in text, entry_id
        tier, level = amp_tier(entry.evidence_level, True)
        assert entry.amp_tier == f"{tier}-{level}", entry_id
        assert bool(entry.drugs) != bool(entry.implication), entry_id
        assert entry.indication.codes or entry.indication.classes, entry_id


@pytest.mark.parametrize(
    ("entry_id", "drugs", "date_", "label"),
    [
        (
            "braf-v600e-solid-dabrafenib-trametinib",
            ["dabrafenib + trametinib"],
            "2022-06-22",
            "TAFINLAR",
        ),
        (
            "braf-v600e-crc-encorafenib-cetuximab",
            ["encorafenib + cetuximab"],
            "2020-04-08",
            "BRAFTOVI",
        ),
        (
            "braf-v600k-melanoma-encorafenib-binimetinib",
            ["encorafenib + binimetinib"],
            "2018-06-27",
            "MEKTOVI",
        ),
        ("kras-g12c-crc-adagrasib-cetuximab", ["adagrasib + cetuximab"], "2024-06-21", "KRAZATI"),
        (
            "kras-g12c-crc-sotorasib-panitumumab",
            ["sotorasib + panitumumab"],
            "2025-01-16",
            "LUMAKRAS",
        ),
        ("egfr-t790m-nsclc-osimertinib", ["osimertinib"], "2015-11-13", "TAGRISSO"),
        ("egfr-exon20ins-nsclc-amivantamab", ["amivantamab"], "2021-05-21", "RYBREVANT"),
        ("egfr-l858r-nsclc-erlotinib", ["erlotinib"], "2013-05-14", "TARCEVA"),
        ("kras-ras-crc-anti-egfr-resistance", ["cetuximab", "panitumumab"], "2017", "Sepulveda"),
    ],
)
def test_issue_12_rows(entries, entry_id, drugs, date_, label) -> None:
    entry = entries[entry_id]
    assert entry.drugs == drugs and entry.source_date == date_
    assert label in entry.sources[0] or label in "; ".join(entry.sources)


@pytest.mark.parametrize(
    ("entry_id", "gene", "drug", "date_", "label", "indication"),
    [
        ("ros1-fusion-nsclc-crizotinib", "ROS1", "crizotinib", "2016-03-11", "XALKORI", "NSCLC"),
        ("ros1-fusion-nsclc-entrectinib", "ROS1", "entrectinib", "2019-08-15", "ROZLYTREK",
         "NSCLC"),
        ("ros1-fusion-nsclc-repotrectinib", "ROS1", "repotrectinib", "2023-11-15", "AUGTYRO",
         "NSCLC"),
        ("ret-fusion-nsclc-pralsetinib", "RET", "pralsetinib", "2023-08-09", "GAVRETO", "NSCLC"),
        ("ret-fusion-solid-selpercatinib", "RET", "selpercatinib", "2022-09-21", "RETEVMO",
         "solid"),
        ("ntrk1-fusion-solid-larotrectinib", "NTRK1", "larotrectinib", "2018-11-26", "VITRAKVI",
         "solid"),
        ("ntrk3-fusion-solid-entrectinib", "NTRK3", "entrectinib", "2019-08-15", "ROZLYTREK",
         "solid"),
        ("ntrk2-fusion-solid-repotrectinib", "NTRK2", "repotrectinib", "2024-06-13", "AUGTYRO",
         "solid"),
    ],
)  # fmt: skip
def test_issue_15_fusion_rows(entries, entry_id, gene, drug, date_, label, indication) -> None:
    entry = entries[entry_id]
    assert (entry.rule, entry.gene, entry.drugs, entry.source_date) == (
        "fusion",
        gene,
        [drug],
        date_,
    )
    assert label in "; ".join(entry.sources)
    assert indication in entry.indication.codes | entry.indication.classes


def test_agnostic_and_colorectal_indications(entries) -> None:
    agnostic = entries["braf-v600e-solid-dabrafenib-trametinib"].indication
    assert agnostic.classes == {"solid"} and agnostic.excluded == {"COADREAD", "CMC"}
    assert entries["msi-high-pembrolizumab"].indication.classes == {"solid"}
    ras = entries["nras-ras-crc-anti-egfr-resistance"]
    assert ras.rule == "codon" and ras.protein == {"G12", "G13", "A59", "Q61", "K117", "A146"}
    assert ras.significance == "resistance" and ras.indication.codes == {"COADREAD", "CMC"}
    assert entries["egfr-exon19del-nsclc-osimertinib"].region == (729, 761)
    assert entries["braf-v600e-nsclc-dabrafenib-trametinib"].alleles["GRCh38"] == Allele(
        "7", 140753336, "A", "T"
    )


def test_curated_demo_alleles_are_the_demo_plans_grch38_positions_shifted(entries) -> None:
    plan = yaml.safe_load((ROOT / "resources" / "demo_plan.yaml").read_text())
    starts = {contig["name"]: contig["start"] for contig in plan["contigs"]}
    planted = {v["id"]: v for v in plan["variants"]["coding"]}
    for entry_id, variant_id in (
        ("egfr-l858r-nsclc-osimertinib", "EGFR-L858R"),
        ("kras-g12c-nsclc-sotorasib", "KRAS-G12C"),
    ):
        grch38 = planted[variant_id]["grch38"]
        gene = planted[variant_id]["gene"]
        demo = Allele(gene, grch38["pos"] - starts[gene] + 1, grch38["ref"], grch38["alt"])
        assert entries[entry_id].alleles["demo"] == demo
        assert entries[entry_id].alleles["GRCh38"].pos == grch38["pos"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("\tamp_tier", "", "missing column"),
        ("GRCh38:chr7:55191822:T:G", "chr7-55191822", "build:contig:pos:ref:alt"),
        ("\t2018-04-18\t\n", "\t\t\n", "source_date"),
        ("\tdiagnostic\t", "\tsensitivity\t", "significance 'sensitivity' with drugs ''"),
        ("\t\tprognostic\t", "\tpalbociclib\tprognostic\t", "leaves drugs empty"),
        ("\tG12;G13;A59;Q61;K117;A146\t", "\t12;13\t", "list of codons"),
    ],
)
def test_a_malformed_curated_table_is_refused(tmp_path, old, new, message) -> None:
    text = CURATED.read_text()
    assert old in text
    (tmp_path / "bad.tsv").write_text(text.replace(old, new, 1))
    with pytest.raises(KnowledgeError, match=message):
        load_curated(tmp_path / "bad.tsv")


@pytest.mark.parametrize(
    ("entry_id", "gene", "variant", "significance", "level", "codes", "excluded", "implication"),
    [
        ("met-amp-nsclc-crizotinib", "MET", "amplification", "sensitivity", "C", {"NSCLC"},
         set(), ""),
        ("egfr-amp-adult-diffuse-glioma-who-glioblastoma", "EGFR", "amplification", "diagnostic",
         "A", {"ADIFG"}, {"ASTR", "ODG"}, "glioblastoma, IDH-wildtype, CNS WHO grade 4"),
        ("cdkn2a-deletion-astrocytoma-idh-mutant-who-grade4", "CDKN2A", "deep_deletion",
         "prognostic", "A", {"ASTR"}, set(), "CNS WHO grade 4"),
    ],
)  # fmt: skip
def test_issue_15_copy_number_rows(
    entries, entry_id, gene, variant, significance, level, codes, excluded, implication
) -> None:
    """MET amplification: a trial's inclusion criterion (level C, crizotinib, no FDA
    indication); EGFR amplification and CDKN2A/B homozygous deletion: WHO CNS5 diagnosis and
    grade, no drugs."""
    entry = entries[entry_id]
    assert (entry.rule, entry.gene, entry.variant, entry.significance, entry.evidence_level) == (
        "copy_number", gene, variant, significance, level
    )  # fmt: skip
    assert (entry.indication.codes, entry.indication.excluded) == (codes, excluded)
    if implication:
        assert entry.implication.startswith(implication) and entry.drugs == []
    else:
        assert entry.drugs == ["crizotinib"] and entry.implication == ""
    sources = "; ".join(entry.sources)
    assert ("Camidge DR" in sources) if gene == "MET" else ("Louis DN" in sources)


def test_a_table_without_the_implication_column_holds_predictive_rows(tmp_path) -> None:
    lines = CURATED.read_text().splitlines()
    kept = [line.rsplit("\t", 1)[0] for line in lines if not line.startswith("#")]
    kept = [line for line in kept if not line.split("\t")[0].endswith(("who-glioblastoma",
                                                                      "who-grade4"))]  # fmt: skip
    (tmp_path / "old.tsv").write_text("\n".join(kept) + "\n")
    found, _ = load_curated(tmp_path / "old.tsv")
    assert len(found) == 55 and not any(entry.implication for entry in found)


def test_civic_diseases_map_by_doid_and_name() -> None:
    diseases = load_disease_map()
    assert diseases["DOID:1612"].codes == {"BREAST"} == diseases["breast cancer"].codes
    assert diseases["DOID:3908"].codes == {"NSCLC"}
    assert diseases["solid tumor"].classes == {"solid"}
    assert diseases["DOID:162"].classes == {"any"}
