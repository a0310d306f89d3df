"""Copy-number and fusion knowledge matched to a pair's cnv.json (tailorseq.somatic.copy_number)
and sv.json (tailorseq.somatic.structural): which entries of the curated table a tumour's
amplified or deleted genes and gene fusions meet (tiering is actionability's)."""

from collections.abc import Iterator

from tailorseq.somatic.knowledge import Entry

RULES = ("copy_number", "fusion")
# A sequencing copy number or DNA junction is not the test a label names.
CNV_CAVEAT = (
    "copy number from sequencing (CNVkit, purity-adjusted), not the test the indication names"
    " (for HER2: an FDA-approved IHC or ISH assay): confirm with that test before treatment"
)
FUSION_CAVEAT = (
    "a DNA junction from sequencing (DELLY), not the test the indication names (for ALK: an"
    " FDA-approved IHC, FISH or NGS assay); whether the fusion keeps the reading frame was not"
    " assessed: confirm before treatment"
)


def copy_number_status(cnv: dict | None) -> dict:
    """Whether copy number was assessed (and why not), and the genes it found altered."""
    if cnv is None:
        return {"assessed": False, "reason": "copy number was not called (cnv.enabled: false)",
                "altered_genes": []}  # fmt: skip
    return {
        "assessed": cnv["status"] == "assessed",
        "reason": cnv["reason"],
        "altered_genes": cnv["altered_genes"],
    }


def fusion_status(sv: dict | None) -> dict:
    """Whether fusions were looked for (and why not), and those found."""
    if sv is None:
        return {"assessed": False, "reason": "structural variants were not called (sv.enabled:"
                " false)", "found": []}  # fmt: skip
    if not sv["genes_annotated"]:
        return {"assessed": False, "reason": "no gene annotation (reference.gff3) to name"
                " breakpoint genes", "found": []}  # fmt: skip
    return {"assessed": True, "reason": "", "found": sv["fusions"]}


def hits(entries: list[Entry], copy_number: dict, fusions: dict) -> Iterator[tuple[Entry, dict]]:
    """Each (entry, match fields) of a copy-number or fusion entry the tumour meets."""
    for entry in entries:
        if entry.rule == "copy_number":
            for altered in copy_number["altered_genes"]:
                if (altered["gene"], altered["call"]) == (entry.gene, entry.variant):
                    yield entry, {
                        "kind": "copy_number", "gene": entry.gene, "variant": entry.variant,
                        "contig": altered["contig"], "pos": altered["start"] + 1,
                        "value": altered["copy_number"], "unit": "copies",
                        "caveat": CNV_CAVEAT, "matched_by": ["gene copy number"],
                    }  # fmt: skip
        elif entry.rule == "fusion":
            for fusion in fusions["found"]:
                if fusion["three_prime"] == entry.gene:
                    contig, pos = fusion["three_prime_breakpoint"].rsplit(":", 1)
                    yield entry, {
                        "kind": "fusion", "gene": entry.gene, "variant": fusion["name"],
                        "contig": contig, "pos": int(pos), "caveat": FUSION_CAVEAT,
                        "matched_by": ["gene fusion (3' partner)"],
                    }  # fmt: skip
