# Input functions of the findings stage and of germline copy number (rules in findings.smk,
# cnv.smk).


def germline_cnv_enabled() -> bool:
    """Germline copy number reads the gene coverage, so it needs the gene annotation."""
    return config["germline_cnv"]["enabled"] and gene_coverage_enabled()


def germline_cnv_panel() -> dict[str, str]:
    """The configured panel of normals of germline copy number, as a named input (or none)."""
    panel = config["germline_cnv"]["panel"]
    return {"panel": panel} if panel else {}


def germline_cnv_outputs() -> list[str]:
    """Published exon-level copy number of every germline sample."""
    if not germline_cnv_enabled():
        return []
    return [
        published(sample.sample, f".germline.cnv.{ext}")
        for sample in SHEET.germline_samples()
        for ext in ("tsv", "json")
    ]


def findings_coverage(wildcards) -> dict[str, str]:
    """Input function: the {pid} sample's coverage over the genes' CDS (report.smk's
    gene_coverage rule, at MAPQ >= calling.min_mapq), which decides the genes assessed; with
    consent, its calls in the recessive genes phased from the reads (findings_phase).
    """
    prefix = gene_coverage_prefix(wildcards.pid)
    inputs = {
        "coverage_regions": f"{prefix}.regions.bed.gz",
        "coverage_thresholds": f"{prefix}.thresholds.bed.gz",
    }
    if germline_cnv_enabled():
        inputs["copy_number"] = germline_cnv(wildcards.pid, "json")
    if consents(wildcards.pid):
        inputs["phase"] = findings_phased_vcf(wildcards.pid)
    return inputs
