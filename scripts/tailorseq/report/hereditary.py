"""The report's hereditary-findings section, from the sample's findings document: findings,
calls that need confirmation, and a negative only over the genes that were assessed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tailorseq import documents

if TYPE_CHECKING:
    from tailorseq.report.assemble import SampleFiles


def hereditary_section(sample: SampleFiles | None) -> dict[str, Any]:
    """Findings and P/LP calls that need confirmation; a negative is stated only for the
    genes assessed (callable coverage, tailorseq.gene_assessment) and the others are named.
    Variants for lab review (findings.review.tsv) are never part of the report."""
    base = {
        "findings": [],
        "needs_confirmation": [],
        "genes_assessed": [],
        "genes_not_assessed": [],
        "gene_list": None,
        "clinvar": None,
        "copy_number": None,
    }
    if sample is None or sample.findings is None:
        return base | {
            "assessed": False,
            "consent": bool(sample and sample.consent),
            "statement": "Hereditary findings were not assessed: no gene annotation"
            " is configured for this reference (reference.gff3).",
        }
    document = documents.load("findings", sample.findings)
    common = base | {
        "gene_list": document["gene_list"],
        "clinvar": document["clinvar"],
        "consent": document["consent"],
    }
    if not document["assessed"]:
        return common | {
            "assessed": False,
            "statement": "Hereditary findings were not assessed: the patient did not"
            " consent to secondary findings. Nothing was looked at in"
            " the secondary-findings genes.",
        }
    section = common | {
        "assessed": True,
        "findings": [_finding(item) for item in document["findings"]],
        "needs_confirmation": [_finding(item) for item in document["needs_confirmation"]],
        "genes_assessed": [g["gene"] for g in document["genes_assessed"]],
        "genes_not_assessed": [
            {"gene": g["gene"], "reason": g["reason"]} for g in document["genes_not_assessed"]
        ],
        "copy_number": _copy_number(document["copy_number"]),
    }
    return section | {"statement": hereditary_statement(section, document["callable"])}


def _copy_number(part: dict[str, Any]) -> dict[str, Any]:
    """The findings document's copy-number part as the report shows it."""
    keys = ("gene", "zygosity", "description", "evidence", "note", "condition", "inheritance")
    return {
        "status": part["status"],
        "reason": part["reason"],
        "reference_samples": part.get("reference_samples"),
        "reference_kind": part.get("reference_kind", "run samples"),
        "genes_assessed": part["genes_assessed"],
        "findings": [{key: f[key] for key in keys} for f in part["findings"]],
    }


def copy_number_statement(part: dict[str, Any]) -> str:
    """What exon-level copy number found, and over which listed genes."""
    if part["status"] != "assessed":
        return f"Exon deletions and duplications were not assessed: {part['reason']}."
    assessed = part["genes_assessed"]
    against = {"run samples": "other sample(s) of the run",
               "panel of normals": "normal(s) of the configured panel"}  # fmt: skip
    method = (
        f"read depth of each coding exon against {part['reference_samples']}"
        f" {against[part['reference_kind']]}"
    )
    if part["findings"]:
        return (
            f"{len(part['findings'])} exon deletion(s) meeting PVS1 ({method}) need orthogonal"
            " confirmation (MLPA or microarray) before clinical use."
        )
    if not assessed:
        return f"Exon deletions: no listed gene could be assessed ({method})."
    return (
        f"No reportable exon deletion in the {len(assessed)} listed gene(s) assessed for copy"
        f" number ({method}); duplications and in-frame deletions are not reported."
    )


def hereditary_statement(section: dict[str, Any], rule: dict[str, Any]) -> str:
    """What was found, and a negative only over the genes assessed."""
    name = section["gene_list"]["name"]
    assessed, missing = section["genes_assessed"], section["genes_not_assessed"]
    total = len(assessed) + len(missing)
    found = len(section["findings"])
    parts = [
        f"{found} pathogenic or likely pathogenic variant(s) found in the {name} genes."
        if found
        else None
    ]
    if assessed:
        examined = (
            f"{len(assessed)} of {total} genes ({name}) were assessed (>= "
            f"{rule['min_fraction']:.0%} of coding bases at >= {rule['min_depth']}x, mapping"
            f" quality >= {rule['min_mapq']})"
        )
        parts.append(
            f"{examined}; no other pathogenic or likely pathogenic variant was found in them."
            if found
            else f"No pathogenic or likely pathogenic variant found in the {len(assessed)}"
            f" assessed gene(s): {', '.join(assessed)} ({examined})."
        )
    else:
        parts.append(
            f"No gene of the {total} genes ({name}) could be assessed: no negative result is given."
        )
    if missing:
        parts.append(
            f"{len(missing)} gene(s) were not assessed (listed with reasons): a variant there"
            " may have been missed."
        )
    if section["needs_confirmation"]:
        parts.append(
            f"{len(section['needs_confirmation'])} pathogenic or likely pathogenic call(s)"
            " did not pass the caller's quality filters and need confirmation."
        )
    parts.append(phase_statement(section["findings"] + section["needs_confirmation"]))
    if not section["clinvar"]:
        parts.append("ClinVar was not configured: no variant could be classified.")
    parts.append(copy_number_statement(section["copy_number"]))
    return " ".join(part for part in parts if part)


def phase_statement(items: list[dict[str, Any]]) -> str | None:
    """For genes with two or more heterozygous P/LP variants of a recessive condition: whether
    their phase (same or different copies of the gene) was determined from the reads."""
    genes: dict[str, dict[str, str]] = {}
    for item in items:
        if item["phase"] is not None:
            genes.setdefault(item["gene"], item["phase"])
    if not genes:
        return None
    parts = []
    for gene, phase in sorted(genes.items()):
        if phase["status"] == "trans":
            parts.append(
                f"{gene}: the variants are on different copies of the gene (in trans, a"
                f" compound heterozygote), determined from the {phase['basis']}"
            )
        else:
            why = phase["basis"].removeprefix("not determined: ")
            parts.append(
                f"{gene}: whether the variants are on different copies of the gene (a compound"
                f" heterozygote) or on the same copy was not determined from the reads ({why});"
                " parental testing or long reads can tell"
            )
    return "Phase of two variants in a recessive gene: " + "; ".join(parts) + "."


def _part(item: dict[str, Any], part: str, key: str) -> Any:
    """`item[part][key]`, None when the part is null (no consequence, no ClinVar record)."""
    return item[part][key] if item[part] is not None else None


def _finding(item: dict[str, Any]) -> dict[str, Any]:
    """A findings document's call (resources/findings.schema.json) as the report lists it."""
    entry = item["gene_list_entry"]
    return {
        "gene": item["gene"],
        "variant": f"{item['contig']}:{item['pos']} {item['ref']}>{item['alt']}",
        **{key: item[key] for key in ("contig", "pos", "ref", "alt")},
        "hgvsc": _part(item, "consequence", "hgvsc"),
        "hgvsp": _part(item, "consequence", "hgvsp"),
        "transcript": _part(item, "consequence", "transcript"),
        "consequence": _part(item, "consequence", "consequence"),
        "zygosity": item["zygosity"],
        "depth": item["depth"],
        "allele_fraction": item["allele_fraction"],
        "significance": _part(item, "clinvar", "significance"),
        "review_stars": _part(item, "clinvar", "stars"),
        "clinvar_id": _part(item, "clinvar", "variation_id"),
        "condition": entry["condition"] or _part(item, "clinvar", "condition"),
        "inheritance": entry["inheritance"],
        "note": item["note"] or None,
        "phase": item["phase"],
    }
