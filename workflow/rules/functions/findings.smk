# Input functions of the findings stage (rules in findings.smk).


def findings_coverage(wildcards) -> dict[str, str]:
    """Input function: the {pid} sample's coverage over the genes' CDS (report.smk's
    gene_coverage rule, at MAPQ >= calling.min_mapq), which decides the genes assessed.
    """
    prefix = gene_coverage_prefix(wildcards.pid)
    return {
        "coverage_regions": f"{prefix}.regions.bed.gz",
        "coverage_thresholds": f"{prefix}.thresholds.bed.gz",
    }
