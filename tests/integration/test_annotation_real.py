"""Annotation on real data: HG00096 and HG00099 (1000 Genomes, BRCA1 region) with the real
GENCODE v19 GFF3 and a ClinVar-format fixture of the region's common benign BRCA1 variants.
The consequences of the called variants are the published protein changes on ENST00000357654
(BRCA1-001, the appris_principal/CCDS transcript, same CDS as NM_007294), and nothing is
reported as a finding: every classified variant is benign."""

import json
import re
from pathlib import Path

import pysam
import pytest

from helpers import run_config, shared, snakemake, write_tsv
from tailorseq.germline_calls import read_calls
from tailorseq.gff import read_choices, read_models

pytestmark = [pytest.mark.integration, pytest.mark.shared]

SAMPLES = ("HG00096", "HG00099")
TRANSCRIPT = "ENST00000357654"
# rsID -> (consequence, csq amino-acid field, HGVS c., HGVS p.) on ENST00000357654: the published
# names of these dbSNP variants (BRCA1 is on the minus strand; the region's VCF shows the
# forward strand: rs16941 is T>C there, c.3113A>G on the transcript).
EXPECTED = {
    "rs1799966": ("missense", "1613S>1613G", "c.4837A>G", "p.Ser1613Gly"),
    "rs1060915": ("synonymous", "1436S", "c.4308T>C", "p.Ser1436="),
    "rs16942": ("missense", "1183K>1183R", "c.3548A>G", "p.Lys1183Arg"),
    "rs16941": ("missense", "1038E>1038G", "c.3113A>G", "p.Glu1038Gly"),
    "rs799917": ("missense", "871P>871L", "c.2612C>T", "p.Pro871Leu"),
    "rs16940": ("synonymous", "771L", "c.2311T>C", "p.Leu771="),
    "rs4986850": ("missense", "693D>693N", "c.2077G>A", "p.Asp693Asn"),
}
# ClinVar facts (classification, review status) of the four common BRCA1 missense
# polymorphisms: ClinVar lists each as Benign, reviewed by the ENIGMA expert panel. Variation
# ids are left out (the VCF's ID column is '.'), the rsID and HGVS name the record instead.
BENIGN = {
    "rs1799966": "BRCA1 c.4837A>G p.Ser1613Gly",
    "rs16942": "BRCA1 c.3548A>G p.Lys1183Arg",
    "rs16941": "BRCA1 c.3113A>G p.Glu1038Gly",
    "rs799917": "BRCA1 c.2612C>T p.Pro871Leu",
}


def truth_sites() -> dict[str, tuple[str, int, str, str]]:
    """rsID -> (contig, pos, ref, alt) of the region's 1000 Genomes VCF (ref.fa coordinates)."""
    with pysam.VariantFile(str(shared("brca1-1kg", "truth.1kg_phase3.vcf"))) as vcf:
        return {r.id: (r.chrom, r.pos, r.ref, r.alts[0]) for r in vcf if r.id in EXPECTED}


def clinvar_fixture(path: Path, sites: dict[str, tuple[str, int, str, str]]) -> Path:
    """A ClinVar-format VCF (NCBI's INFO fields) with the BENIGN facts and their source."""
    lines = [
        "##fileformat=VCFv4.1",
        "##fileDate=2024-05-02",
        "##source=ClinVar-format test fixture: published classifications only",
        '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Clinical significance">',
        '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="Review status">',
        '##INFO=<ID=CLNDN,Number=.,Type=String,Description="Preferred disease name">',
        '##INFO=<ID=GENEINFO,Number=1,Type=String,Description="Gene symbol:gene id">',
        '##INFO=<ID=RS,Number=1,Type=String,Description="dbSNP id">',
        '##INFO=<ID=SOURCE,Number=1,Type=String,Description="Where the facts come from">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO",
    ]
    for rsid, name in BENIGN.items():
        contig, pos, ref, alt = sites[rsid]
        info = (
            "CLNSIG=Benign;CLNREVSTAT=reviewed_by_expert_panel;"
            "CLNDN=Hereditary_breast_ovarian_cancer_syndrome;GENEINFO=BRCA1:672;"
            f"RS={rsid[2:]};SOURCE=ClinVar_{rsid}_{name.replace(' ', '_')}_ENIGMA"
        )
        lines.append("\t".join([contig, str(pos), ".", ref, alt, ".", ".", info]))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def brca1_annotated(tmp_path_factory) -> Path:
    """Both samples (consenting) through the pipeline with GENCODE and the ClinVar fixture."""
    workdir = tmp_path_factory.mktemp("brca1-annotation")
    data = shared("brca1-1kg")
    header = ["sample", "patient", "kind", "sex", "purity", "tumor_type", "secondary_findings"]
    rows = [[name, name, "germline", "", "", "", "yes"] for name in SAMPLES]
    write_tsv(workdir / "samples.tsv", header, rows)
    units = [[n, "lowcov", data / f"{n}_R1.fastq.gz", data / f"{n}_R2.fastq.gz"] for n in SAMPLES]
    write_tsv(workdir / "units.tsv", ["sample", "unit", "fq1", "fq2", "bam", "adapters"], units)
    clinvar = clinvar_fixture(workdir / "clinvar.vcf", truth_sites())
    config = run_config(
        workdir,
        samples=str(workdir / "samples.tsv"),
        units=str(workdir / "units.tsv"),
        reference={
            "build": "GRCh37-BRCA1-region",
            "fasta": str(data / "ref.fa"),
            "gff3": str(data / "gencode_v19.brca1.gff3"),
        },
        annotation={"clinvar": str(clinvar)},
    )
    snakemake(workdir, config)
    return workdir


def annotated_records(workdir: Path, sample: str) -> list[pysam.VariantRecord]:
    path = workdir / "results" / sample / f"{sample}.annotated.vcf.gz"
    assert Path(f"{path}.tbi").exists()
    with pysam.VariantFile(str(path)) as vcf:
        return [record for record in vcf if any(record.samples[0]["GT"] or ())]


def prepared_gene_models(workdir: Path) -> tuple[dict, dict]:
    (table,) = (workdir / "cache" / "annotation").glob("*/genes-*.canonical.tsv")
    choices = read_choices(table)
    gff3 = table.with_name(table.name.replace(".canonical.tsv", ".gff3"))
    return choices, read_models(gff3, choices)


def test_gencode_is_converted_with_brca1_001_as_the_reporting_transcript(
    brca1_annotated: Path,
) -> None:
    choices, models = prepared_gene_models(brca1_annotated)
    brca1 = choices[TRANSCRIPT]
    assert (brca1.gene, brca1.gene_id, brca1.strand) == ("BRCA1", "ENSG00000012048", "-")
    assert brca1.reason == "appris_principal"  # GENCODE v19 predates MANE and Ensembl_canonical
    # 1,863 residues and the stop codon: the GENCODE CDS lines include the stop here.
    assert sum(end - start + 1 for start, end in models[TRANSCRIPT].cds) == 1864 * 3
    (gff3,) = (brca1_annotated / "cache" / "annotation").glob("*/genes-*.gff3")
    text = gff3.read_text()
    assert f"ID=transcript:{TRANSCRIPT};Parent=gene:ENSG00000012048" in text
    assert "gene_type=" not in text and "\tUTR\t" not in text  # csq's style, not GENCODE's


def test_called_variants_have_the_published_protein_changes(brca1_annotated: Path) -> None:
    sites = {site: rsid for rsid, site in truth_sites().items()}
    choices, models = prepared_gene_models(brca1_annotated)
    seen: dict[str, set[str]] = {}
    for sample in SAMPLES:
        records = annotated_records(brca1_annotated, sample)
        assert len(records) > 80
        for record in records:
            transcripts = {item.split("|")[2] for item in record.info.get("BCSQ", ())}
            assert transcripts <= {TRANSCRIPT, ""}, (record.pos, transcripts)
        calls = {(c.contig, c.pos, c.ref, c.alt): c for c in read_calls(
            brca1_annotated / "results" / sample / f"{sample}.annotated.vcf.gz", choices, models
        )}  # fmt: skip
        by_site = {(r.chrom, r.pos, r.ref, r.alts[0]): r for r in records}
        for site, rsid in sites.items():
            if site not in by_site:
                continue
            consequence, amino_acids, hgvsc, hgvsp = EXPECTED[rsid]
            fields = by_site[site].info["BCSQ"][0].split("|")
            assert fields[:6] == [
                consequence, "BRCA1", TRANSCRIPT, "protein_coding", "-", amino_acids
            ], (sample, rsid)  # fmt: skip
            call = calls[site].consequence
            assert (call.hgvsc, call.hgvsp) == (hgvsc, hgvsp), (sample, rsid)
            if calls[site].filter == "PASS":
                seen.setdefault(sample, set()).add(rsid)
    # ~4.5x per sample: most, not all, of each sample's coding variants pass the filters.
    for sample in SAMPLES:
        assert {"rs1799966", "rs16942", "rs799917", "rs1060915"} <= seen[sample], sample
    assert "rs4986850" in seen["HG00099"] and "rs16940" in seen["HG00099"]


def test_benign_clinvar_matches_are_annotated_and_never_reported(brca1_annotated: Path) -> None:
    benign = {truth_sites()[rsid] for rsid in BENIGN}
    for sample in SAMPLES:
        records = annotated_records(brca1_annotated, sample)
        classified = {(r.chrom, r.pos, r.ref, r.alts[0]): r for r in records if "CLNSIG" in r.info}
        assert set(classified) <= benign and len(classified) >= 3, sample
        for record in classified.values():
            assert record.info["CLNSIG"] == ("Benign",)
            assert record.info["CLNREVSTAT"] == ("reviewed_by_expert_panel",)
            assert record.info["GENEINFO"] == "BRCA1:672"
        document = json.loads(
            (brca1_annotated / "results" / sample / f"{sample}.findings.json").read_text()
        )
        assert document["assessed"] is True and document["consent"] is True
        assert document["findings"] == [] and document["needs_confirmation"] == []
        assert "for_review" not in document  # lab-only: findings.review.tsv
        counts = document["counts"]
        assert counts["clinvar_matches"] == len(classified)
        passing = sum(r.filter.keys() == ["PASS"] for r in classified.values())
        assert counts["not_reported_benign"] == passing and counts["findings"] == 0
        assert document["clinvar"]["file_date"] == "2024-05-02"
        assert document["clinvar"]["kept"] == document["clinvar"]["records"] == 4
        tsv = (brca1_annotated / "results" / sample / f"{sample}.findings.tsv").read_text()
        assert tsv.splitlines()[0] == "# assessed" and len(tsv.splitlines()) == 2


def test_brca1_at_low_coverage_is_not_assessed_and_no_negative_is_stated(
    brca1_annotated: Path,
) -> None:
    """1000 Genomes low coverage (~7x): BRCA1's coding bases are far from 20x, so BRCA1 is
    "not assessed" with its coverage, and neither report claims a negative."""
    for sample in SAMPLES:
        document = json.loads(
            (brca1_annotated / "results" / sample / f"{sample}.findings.json").read_text()
        )
        assert document["genes_assessed"] == []
        reasons = {g["gene"]: g for g in document["genes_not_assessed"]}
        assert len(reasons) == 81
        brca1 = reasons["BRCA1"]
        assert brca1["cds_bases"] >= 5589  # BRCA1-001's 1,863 codons and the stop
        assert 3 < brca1["mean_depth"] < 15 and brca1["fraction_callable"] < 0.2
        assert re.fullmatch(
            r"\d+% of coding bases at >= 20x \(mapping quality >= 20\); needs >= 95%",
            brca1["reason"],
        )
        assert brca1["reason"].startswith(f"{brca1['fraction_callable']:.0%}")
        others = {g["reason"] for name, g in reasons.items() if name != "BRCA1"}
        assert others == {"no coding sequence in the gene annotation of this reference"}
        report = json.loads(
            (brca1_annotated / "results" / sample / f"{sample}.report.json").read_text()
        )
        statement = report["hereditary"]["statement"]
        assert "No gene of the 81 genes (ACMG SF v3.2) could be assessed:" in statement
        assert "No pathogenic" not in statement
