"""The demo's ClinVar-style VCF: the plan's classified coding variants on demo coordinates.

The significance of each variant is the plan's `clinvar` field; the rest of the record (review
status, variation id, condition, gene id) comes from REVIEW below, each with its source. The
benign and uncertain BRCA1 variants are the demo's own (source: demo), so their records are too.
"""

from pathlib import Path

from tailorseq.demo.plan import Plan
from tailorseq.demo.variants import Variant

# plan variant id -> (variation id, review status, condition, source)
REVIEW = {
    "BRCA1-E23fs": (
        "17662",
        "reviewed_by_expert_panel",
        "Hereditary_breast_ovarian_cancer_syndrome",
        "ClinVar_VCV000017662",  # NM_007294.4:c.68_69del, Pathogenic, expert panel ENIGMA
    ),
    "BRCA1-L200L": (
        "demo-BRCA1-L200L",
        "criteria_provided,_multiple_submitters,_no_conflicts",
        "Hereditary_breast_ovarian_cancer_syndrome",
        "demo",
    ),
    "BRCA1-V250I": (
        "demo-BRCA1-V250I",
        "criteria_provided,_single_submitter",
        "Hereditary_breast_ovarian_cancer_syndrome",
        "demo",
    ),
    # Variation ids and significance as in the issue (ClinVar VCV000000009, VCV000013425); the
    # review status is ClinVar's wording for several concordant submitters with criteria, not
    # re-checked against a ClinVar release offline.
    "HFE-C282Y": (
        "9",
        "criteria_provided,_multiple_submitters,_no_conflicts",
        "Hemochromatosis_type_1",
        "ClinVar_VCV000000009",  # NM_000410.4:c.845G>A p.Cys282Tyr, rs1800562
    ),
    "TTR-V142I": (
        "13425",
        "criteria_provided,_multiple_submitters,_no_conflicts",
        "Amyloidosis,_hereditary_transthyretin-related",
        "ClinVar_VCV000013425",  # NM_000371.4:c.424G>A p.Val142Ile (V122I), rs76992529
    ),
}
# NCBI Gene ids (source: NCBI Gene: BRCA1 672, HFE 3077, TTR 7276)
GENE_IDS = {"BRCA1": "672", "HFE": "3077", "TTR": "7276"}

HEADER = [
    "##fileformat=VCFv4.1",
    "##fileDate=demo",
    "##source=tailorseq demo generator: ClinVar-style records of the planted variants",
    "##reference=demo",
    '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Clinical significance">',
    '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="Review status">',
    '##INFO=<ID=CLNDN,Number=.,Type=String,Description="Preferred disease name">',
    '##INFO=<ID=GENEINFO,Number=1,Type=String,Description="Gene symbol:gene id">',
    '##INFO=<ID=SOURCE,Number=1,Type=String,Description="Where the facts come from">',
]


def clinvar_vcf(plan: Plan, alleles: dict[str, Variant]) -> str:
    """The VCF text (contigs in FASTA order, positions ascending)."""
    order = [contig.name for contig in plan.contigs]
    records = []
    for coding in plan.coding_variants:
        if not coding.clinvar:
            continue
        variation_id, status, condition, source = REVIEW[coding.id]
        variant = alleles[coding.id]
        info = (
            f"CLNSIG={coding.clinvar.replace(' ', '_')};CLNREVSTAT={status};CLNDN={condition};"
            f"GENEINFO={coding.gene}:{GENE_IDS[coding.gene]};SOURCE={source}"
        )
        fields = [variant.contig, str(variant.pos), variation_id, variant.ref, variant.alt]
        records.append(((order.index(variant.contig), variant.pos), [*fields, ".", ".", info]))
    lines = [*HEADER, "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"])]
    lines += ["\t".join(fields) for _, fields in sorted(records)]
    return "\n".join(lines) + "\n"


def write_clinvar(out_dir: Path, plan: Plan, alleles: dict[str, Variant]) -> None:
    """`clinvar.vcf` in the demo folder."""
    (out_dir / "clinvar.vcf").write_text(clinvar_vcf(plan, alleles))
