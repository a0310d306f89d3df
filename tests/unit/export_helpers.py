"""A hand-made report document for the export tests: the parts of resources/report.schema.json the
exports read (header, pharmacogenomics, hereditary, tumour, methods), with a heterozygous and a
homozygous hereditary finding, a somatic mutation with HGVS names, a called and an uncalled PGx
gene, a gene not assessed, TMB not assessed and MSI-high. Sample names and the pseudonym are
distinct from the identifier so that a test can see that they do not leak."""

from __future__ import annotations

import copy
from typing import Any

IDENTIFIER = "PT-0042"
PSEUDONYM = "p0123456789"
NORMAL, TUMOUR = "PT42-normal-blood", "PT42-tumour-biopsy"
PRIVATE = (PSEUDONYM, NORMAL, TUMOUR)


def finding(gene: str, zygosity: str, variant: tuple[str, int, str, str], **fields: Any) -> dict:
    """A hereditary finding as the report lists it (tailorseq.report.hereditary)."""
    contig, pos, ref, alt = variant
    return {
        "gene": gene,
        "variant": f"{contig}:{pos} {ref}>{alt}",
        "contig": contig,
        "pos": pos,
        "ref": ref,
        "alt": alt,
        "hgvsc": None,
        "hgvsp": None,
        "transcript": f"{gene}-201",
        "consequence": "missense",
        "zygosity": zygosity,
        "depth": 40,
        "allele_fraction": 0.5 if zygosity == "het" else 1.0,
        "significance": "Pathogenic",
        "review_stars": 2,
        "clinvar_id": "1",
        "condition": None,
        "inheritance": "AD",
        "note": None,
        "phase": None,
    } | fields


BRCA1 = finding(
    "BRCA1",
    "het",
    ("chr17", 43124027, "ACT", "A"),
    hgvsc="c.68_69del",
    hgvsp="p.Glu23ValfsTer17",
    consequence="frameshift",
    allele_fraction=0.48,
    review_stars=3,
    clinvar_id="17662",
    condition="Hereditary breast and ovarian cancer",
)
HFE = finding(
    "HFE",
    "hom",
    ("chr6", 26092913, "G", "A"),
    hgvsc="c.845G>A",
    hgvsp="p.Cys282Tyr",
    significance="Pathogenic/Likely pathogenic",
    clinvar_id="9",
    condition="HFE hemochromatosis",
    inheritance="AR",
)


def pgx_gene(gene: str, diplotype: str | None, phenotype: str | None, **fields: Any) -> dict:
    """A PGx gene as the report lists it (tailorseq.report.pgx_section)."""
    return {
        "gene": gene,
        "called": diplotype is not None,
        "diplotype": diplotype,
        "phenotype": phenotype,
        "activity_score": None,
        "source": "named allele matcher",
        "missing_positions": [],
        "warnings": [],
        "not_called_reason": None,
        "phase": "not needed",
    } | fields


EGFR = {
    "gene": "EGFR",
    "contig": "chr7",
    "pos": 55191822,
    "ref": "T",
    "alt": "G",
    "type": "snv",
    "consequence": "missense",
    "protein_change": "858L>858R",
    "vaf": 0.31,
    "expected_vaf": 0.3,
    "vaf_reading": "consistent with a clonal heterozygous change",
    "transcript": "EGFR-201",
    "hgvsc": "c.2573T>G",
    "hgvsp": "p.Leu858Arg",
    "hgvsp_short": "p.L858R",
}
TMB_NOT_ASSESSED = {
    "status": "not assessed",
    "reason": "only 40,064 callable coding bases, fewer than the 1,000,000 needed",
    "assessed": False,
    "tmb_high": False,
    "mutations_per_mb": None,
    "definition": "PASS coding SNVs and indels per megabase of callable coding sequence",
    "caveat": None,
    "fda_statement": "not an FDA-approved test",
}
MSI_HIGH = {
    "status": "MSI-high",
    "reason": None,
    "assessed": True,
    "msi_high": True,
    "score": 35.14,
    "sites_used": 74,
    "cutoff": 3.5,
    "cutoff_source": "Niu B et al. Bioinformatics 2014;30(7):1015-1016",
    "method_name": "MSIsensor paired chi-square",
    "purity_note": None,
}

DOCUMENT: dict[str, Any] = {
    "header": {
        "identifier": IDENTIFIER,
        "patient": IDENTIFIER,
        "patient_pseudonym": PSEUDONYM,
        "pseudonymised": False,
        "samples": [
            {
                "sample": NORMAL,
                "kind": "normal",
                "sex": "female",
                "sex_check": None,
                "secondary_findings_consent": True,
            },
            {
                "sample": TUMOUR,
                "kind": "tumor",
                "sex": "female",
                "sex_check": None,
                "secondary_findings_consent": True,
            },
        ],
        "generated": "2026-12-06T04:15:26+00:00",
        "pipeline": "0.1.0",
        "reference_build": "GRCh38",
        "use_statement": "Research use only.",
    },
    "pharmacogenomics": {
        "assessed": True,
        "sample": NORMAL,
        "statement": f"2 of 3 genes called from {NORMAL}.",
        "genes": [
            pgx_gene("CYP2C19", "*2/*17", "Intermediate Metabolizer"),
            pgx_gene(
                "DPYD",
                None,
                None,
                not_called_reason="2 defining position(s) without a usable genotype",
            ),
            pgx_gene("SLCO1B1", "*1/*1", "Normal Function"),
        ],
        "not_assessed": [
            {
                "gene": "CYP2D6",
                "reason": "structural alleles are not called from short reads",
                "drugs": ["codeine"],
                "drugs_source": "CPIC",
            },
        ],
        "knowledge": {"definitions": None, "phenotypes": "pypgx 0.27.0", "recommendations": None},
    },
    "hereditary": {
        "assessed": True,
        "consent": True,
        "statement": "2 pathogenic or likely pathogenic variant(s) found in the listed genes.",
        "gene_list": {"name": "ACMG SF v3.2", "source": "Miller et al. 2023", "genes": 81},
        "clinvar": {"source": "clinvar.vcf.gz", "file_date": "20260101", "sha256": "0" * 64},
        "findings": [BRCA1, HFE],
        "needs_confirmation": [],
        "genes_assessed": ["BRCA1", "HFE"],
        "genes_not_assessed": [{"gene": "PMS2", "reason": "fewer than 95% of coding bases at 20x"}],
    },
    "tumour": {
        "present": True,
        "statement": "1 tumour/normal pair(s).",
        "pairs": [
            {
                "tumor": TUMOUR,
                "normal": NORMAL,
                "assessed": True,
                "mutations": [EGFR],
                "tmb": TMB_NOT_ASSESSED,
                "msi": MSI_HIGH,
                "statement": f"1 somatic coding mutation(s) in {TUMOUR} (against {NORMAL}).",
            },
        ],
    },
    "methods": {"targets_statement": "No capture targets: the whole reference was analysed."},
}


def document(**sections: Any) -> dict[str, Any]:
    """A copy of the hand-made document with some top-level sections replaced."""
    return copy.deepcopy(DOCUMENT) | copy.deepcopy(sections)


def no_consent() -> dict[str, Any]:
    """The document of a patient who did not consent to secondary findings."""
    statement = (
        "Hereditary findings were not assessed: the patient did not consent to secondary"
        " findings. Nothing was looked at in the secondary-findings genes."
    )
    hereditary = DOCUMENT["hereditary"] | {
        "assessed": False,
        "consent": False,
        "statement": statement,
        "findings": [],
        "genes_assessed": [],
        "genes_not_assessed": [],
    }
    return document(hereditary=hereditary)
