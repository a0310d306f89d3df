"""Hereditary findings from germline exon-level copy number (tailorseq.germline_cnv).

A deletion is a finding, listed as needing orthogonal confirmation (MLPA or a microarray, as
laboratories confirm read-depth calls), when all of these hold (each has its unit test):
- the gene is listed (ACMG SF or a lab panel), reportable for all P/LP variants (no
  restriction to one variant; "truncating" restrictions admit it), and loss of function is its
  disease mechanism (`lof_mechanism` of the gene list);
- its copies fit the inheritance: AD and XL any loss; AR only no copy left;
- it meets PVS1 by the ClinGen SVI decision tree for the deletion of one or more exons (Abou
  Tayoun AN et al., Recommendations for interpreting the loss of function PVS1 ACMG/AMP
  variant criterion, Hum Mutat 2018;39(11):1517-1524): the deleted coding bases are not a
  multiple of three (the reading frame is disrupted), and neither the last nor the penultimate
  exon is deleted, nor the exon with the start codon (so nonsense-mediated decay is predicted
  and the tree's initiation-codon branch does not apply).
PVS1 is very strong evidence, not a classification: the other ACMG/AMP criteria are not
assessed here, so the laboratory classifies the confirmed deletion. Duplications, in-frame
deletions and the other branches are not reported (they stay in the sample's germline.cnv.json).
"""

from __future__ import annotations

from typing import Any

from tailorseq.gene_list import GeneEntry, GeneList

PVS1_SOURCE = (
    "PVS1 by the ClinGen SVI decision tree for exon deletions (Abou Tayoun et al., Hum Mutat"
    " 2018;39:1517-1524): reading frame disrupted, nonsense-mediated decay predicted"
)
CONFIRM = "needs orthogonal confirmation (MLPA or microarray) before clinical use"
NOT_MEASURED = "germline copy number was not measured (germline_cnv.enabled, reference.gff3)"


def _gene_qualifies(entry: GeneEntry) -> bool:
    return entry.lof_mechanism and entry.restriction.strip() in ("", "truncating")


def _copies_fit(entry: GeneEntry, event: dict[str, Any]) -> bool:
    return event["copy_number"] == 0 if entry.inheritance == "AR" else True


def meets_pvs1(event: dict[str, Any]) -> bool:
    """The deletion disrupts the reading frame and nonsense-mediated decay is predicted."""
    exons, count = event["exons"], event["exon_count"]
    return (
        event["call"] == "deletion"
        and event["coding_bases"] is not None
        and event["coding_bases"] % 3 != 0
        and bool(exons)
        and max(exons) < count - 1
        and not event["start_codon"]
    )


def exon_label(exons: list[int]) -> str:
    """'exon 2', 'exons 3-5'."""
    if len(exons) == 1:
        return f"exon {exons[0]}"
    return f"exons {min(exons)}-{max(exons)}"


def _finding(event: dict[str, Any], entry: GeneEntry) -> dict[str, Any]:
    zygosity = "homozygous" if event["copy_number"] == 0 else "heterozygous"
    if event["ploidy"] == 1:
        zygosity = "hemizygous"
    return {
        "gene": entry.gene,
        "zygosity": zygosity,
        "description": f"{zygosity} deletion of {exon_label(event['exons'])} of"
        f" {event['transcript']} ({event['copy_number']} of {event['ploidy']} copies;"
        f" {event['coding_bases']} coding bases, a frameshift)",
        "contig": event["contig"],
        "start": event["start"],
        "end": event["end"],
        "copy_number": event["copy_number"],
        "ploidy": event["ploidy"],
        "exons": event["exons"],
        "transcript": event["transcript"],
        "log2": event["log2"],
        "min_abs_z": event["min_abs_z"],
        "evidence": PVS1_SOURCE,
        "note": CONFIRM,
        "condition": entry.condition,
        "inheritance": entry.inheritance,
    }


def copy_number_findings(cnv: dict[str, Any] | None, genes: GeneList) -> dict[str, Any]:
    """The findings document's copy-number part: status, listed genes examined, findings."""
    if cnv is None:
        return {"status": "not assessed", "reason": NOT_MEASURED, "genes_assessed": [],
                "findings": []}  # fmt: skip
    if cnv["status"] != "assessed":
        return {"status": "not assessed", "reason": cnv["reason"], "genes_assessed": [],
                "findings": []}  # fmt: skip
    findings = []
    for event in cnv["events"]:
        entry = genes.genes.get(event["gene"])
        if entry and _gene_qualifies(entry) and _copies_fit(entry, event) and meets_pvs1(event):
            findings.append(_finding(event, entry))
    listed = [gene for gene in genes.genes if gene in set(cnv["genes_assessed"])]
    return {
        "status": "assessed",
        "reason": None,
        "reference_samples": cnv["reference_samples"],
        "reference_kind": cnv["reference"]["kind"],
        "genes_assessed": listed,
        "findings": findings,
    }


def tsv_row(item: dict[str, Any]) -> list[Any]:
    """A copy-number finding as a findings.tsv row (tailorseq.findings.TSV_COLUMNS): the
    symbolic allele <DEL> at the first deleted coding base, the exons in hgvsc's place."""
    return [
        "needs_confirmation", item["gene"], item["inheritance"], item["zygosity"], "",
        item["contig"],
        item["start"] + 1, "", "<DEL>", item["transcript"] or "", exon_label(item["exons"]), "",
        "exon_loss_variant", "", "PVS1 (exon deletion)", "", "", "", "", "", item["condition"],
        f"{item['note']}; copy number {item['copy_number']} of {item['ploidy']}",
    ]  # fmt: skip
