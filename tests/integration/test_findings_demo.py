"""Annotation and hereditary findings on the demo: demo1's BRCA1 frameshift is reported, its
benign and VUS BRCA1 variants are not, BRCA1 is the one listed gene assessed (the demo's
annotation has no other listed gene), and demo2 (no consent) has no finding in any output."""

import json
from pathlib import Path

import pysam
import pytest

from tailorseq.gene_list import load_gene_list

pytestmark = pytest.mark.integration
GENES = load_gene_list()


def findings(results: Path, sample: str) -> dict:
    return json.loads((results / "results" / sample / f"{sample}.findings.json").read_text())


def annotated(results: Path, sample: str) -> dict[int, pysam.VariantRecord]:
    path = results / "results" / sample / f"{sample}.annotated.vcf.gz"
    assert Path(f"{path}.tbi").exists()
    with pysam.VariantFile(str(path)) as vcf:
        return {record.pos: record for record in vcf if record.chrom == "BRCA1"}


def test_demo1_has_the_brca1_frameshift_finding(demo_results: Path) -> None:
    document = findings(demo_results, "demo1")
    assert document["assessed"] is True and document["gene_list"]["name"] == "ACMG SF v3.2"
    assert document["clinvar"]["file_date"] == "demo"
    # BRCA1's founder frameshift; HFE C282Y homozygous (the ACMG SF restriction) and TTR
    # V142I heterozygous, both ClinVar pathogenic although common (POP_AF 0.06 and 0.0173)
    found = {f["gene"]: f for f in document["findings"]}
    assert sorted(found) == ["BRCA1", "HFE", "TTR"]
    finding = found["BRCA1"]
    assert finding["pos"] == 24027
    assert finding["consequence"]["hgvsc"] == "c.68_69del"
    assert finding["consequence"]["hgvsp"] == "p.Glu23ValfsTer17"
    assert finding["clinvar"]["variation_id"] == "17662" and finding["clinvar"]["stars"] == 3
    assert finding["zygosity"] == "het" and 0.2 < finding["allele_fraction"] < 0.8
    hfe, ttr = found["HFE"], found["TTR"]
    assert (hfe["consequence"]["hgvsp"], hfe["zygosity"]) == ("p.Cys282Tyr", "hom")
    assert (ttr["consequence"]["hgvsp"], ttr["zygosity"]) == ("p.Val142Ile", "het")
    assert hfe["population_af"] > 0.01 and ttr["population_af"] > 0.01
    assert document["needs_confirmation"] == [] and "for_review" not in document
    review = (demo_results / "results" / "demo1" / "demo1.findings.review.tsv").read_text()
    assert review.startswith("# for lab review only") and review.count("\n") == 2
    # What was examined: the listed genes of the demo's annotation, at ~40x, each with >= 95%
    # of its CDS at >= 20x and MAPQ >= 20; the other 78 are named as not assessed.
    assert document["callable"] == {"min_depth": 20, "min_fraction": 0.95, "min_mapq": 20}
    listed = document["genes_assessed"] + document["genes_not_assessed"]
    assert sorted(g["gene"] for g in listed) == sorted(GENES.genes)
    assessed = {g["gene"]: g for g in document["genes_assessed"]}
    assert sorted(assessed) == ["BRCA1", "HFE", "TTR"]
    assert all(g["fraction_callable"] >= 0.95 for g in assessed.values())
    assert assessed["BRCA1"]["cds_bases"] == 1353  # BRCA1-201, 5 CDS parts
    others = {g["reason"] for g in document["genes_not_assessed"]}
    assert others == {"no coding sequence in the gene annotation of this reference"}
    records = annotated(demo_results, "demo1")
    assert records[19997].info["CLNSIG"] == ("Benign",)  # annotated, not reported
    assert records[19849].info["CLNSIG"] == ("Uncertain_significance",)
    assert records[19849].info["BCSQ"][0].startswith("missense|BRCA1|BRCA1-201")
    tsv = (demo_results / "results" / "demo1" / "demo1.findings.tsv").read_text()
    assert tsv.count("\nfinding\t") == 3 and "c.68_69del" in tsv
    # phase matters for no demo finding (BRCA1 and TTR dominant, HFE homozygous): null; the
    # recessive genes' calls were phased from the reads for each consenting sample all the same
    assert [f["phase"] for f in document["findings"]] == [None, None, None]
    logs = sorted((demo_results / "logs" / "findings_phase").glob("*.log"))
    assessed = [
        path
        for path in (demo_results / "results").glob("*/*.findings.json")
        if json.loads(path.read_text())["assessed"]
    ]
    assert len(logs) == len(assessed) >= 2  # every consenting sample's findings, none other
    for log in logs:
        assert "heterozygous call(s) phased from the reads" in log.read_text()


def test_demo2_without_consent_has_no_finding_anywhere(demo_results: Path) -> None:
    document = findings(demo_results, "demo2")
    assert document["assessed"] is False and "no consent" in document["status"]
    assert document["findings"] == [] and document["genes_assessed"] == []
    assert {g["reason"] for g in document["genes_not_assessed"]} == {document["status"]}
    records = annotated(demo_results, "demo2")
    assert 24027 in records  # the variant is called ...
    assert not any("CLNSIG" in r.info for r in records.values())  # ... but never classified
    folder = demo_results / "results" / "demo2"
    for name in ("demo2.findings.tsv", "demo2.findings.review.tsv"):
        tsv = (folder / name).read_text()
        assert "BRCA1" not in tsv and "Pathogenic" not in tsv


def test_demo3_hfe_c282y_heterozygous_is_not_a_finding(demo_results: Path) -> None:
    # ACMG SF v3.2 lists HFE for p.Cys282Tyr homozygotes only (Miller et al. 2023)
    document = findings(demo_results, "demo3-normal")
    assert document["assessed"] is True
    assert "HFE" not in {f["gene"] for f in document["findings"] + document["needs_confirmation"]}
    vcf = demo_results / "results" / "demo3-normal" / "demo3-normal.annotated.vcf.gz"
    with pysam.VariantFile(str(vcf)) as handle:
        (hfe,) = [r for r in handle if r.chrom == "HFE" and "CLNSIG" in r.info]
    assert hfe.info["CLNSIG"] == ("Pathogenic",)
    assert sorted(hfe.samples[0]["GT"]) == [0, 1]  # called, pathogenic, heterozygous
