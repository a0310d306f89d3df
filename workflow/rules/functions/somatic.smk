# Input functions of the somatic stage of each tumour/normal pair (rules in somatic.smk). A
# pair's working files live under its tumour's pseudonym (paths.smk).
from collections import Counter

from snakemake.exceptions import WorkflowError
from tailorseq.locations import ROOT
from tailorseq.somatic.candidate_sites import site_thresholds
from tailorseq.somatic.caller import MAX_DEPTH as SOMATIC_MAX_DEPTH
from tailorseq.somatic.caller import candidate_filter
from tailorseq.somatic.model import Settings as SomaticSettings

SOMATIC_NORMAL = {
    PID[tumor.sample]: PID[normal.sample]
    for tumor, normal in SHEET.tumor_normal_pairs()
}


def somatic_name(tumor) -> str:
    """The published name of a pair's products: the patient, or the tumour when the patient
    has several tumours."""
    tumours = Counter(t.patient for t, _ in SHEET.tumor_normal_pairs())
    return tumor.patient if tumours[tumor.patient] == 1 else tumor.sample


# (patient, name) of every pair's published products -> the tumour's pseudonym.
SOMATIC_PUBLISHED = {
    (tumor.patient, somatic_name(tumor)): PID[tumor.sample]
    for tumor, _ in SHEET.tumor_normal_pairs()
}


def somatic_normal(pid: str) -> str:
    """The pseudonym of the matched normal of the tumour `pid`."""
    if pid not in SOMATIC_NORMAL:
        raise WorkflowError(f"{pid} is not a tumour with a matched normal")
    return SOMATIC_NORMAL[pid]


# The somatic model's settings, read once from the config.
SOMATIC_SETTINGS = SomaticSettings.from_config(config["somatic"])

# The candidates' first pass (the installed package's copy, as ref.smk's RECORD_CHECKSUMS, so that
# the params do not change between runs) and its thresholds for the configured model.
SOMATIC_SITES = ROOT / "scripts" / "somatic_sites.sh"
SOMATIC_SITE_THRESHOLDS = site_thresholds(SOMATIC_SETTINGS)


def somatic_candidate_filter() -> str:
    """The bcftools expression keeping the candidates the somatic model can use."""
    return candidate_filter(SOMATIC_SETTINGS)


def somatic_pair_alignments(wildcards) -> list[str]:
    """The tumour's alignment, then its normal's (mpileup sample order: tumour, normal)."""
    return [alignment(wildcards.pid), alignment(somatic_normal(wildcards.pid))]


def somatic_pair_indexes(wildcards) -> list[str]:
    """Index files of a pair's alignments."""
    return [f"{path}.{INDEX_EXT}" for path in somatic_pair_alignments(wildcards)]


def somatic_chunks(wildcards) -> list[str]:
    """A pair's per-chunk candidates, in chunk (and so reference) order."""
    return [somatic_chunk(wildcards.pid, chunk) for chunk in CHUNKS]


def panel_of_normals() -> list[str]:
    """The configured panel-of-normals VCF, as an optional input list."""
    given = config["somatic"]["panel_of_normals"]
    return [given] if given else []


def somatic_purity(wildcards) -> float | None:
    """The tumour's purity from samples.tsv, when given."""
    return SHEET.samples[SAMPLE[wildcards.pid]].purity


def coding_bed() -> str:
    """The merged coding sequence (CDS) of the prepared gene models, as BED."""
    return prepared_gff3().replace(".gff3", ".cds.bed")


def somatic_published_source(path_of, suffix: str = ""):
    """An input function from a published (patient, name) path to its pseudonymous source."""

    def source(wildcards) -> str:
        return path_of(SOMATIC_PUBLISHED[(wildcards.patient, wildcards.name)]) + suffix

    return source


def somatic_patterns() -> dict[str, str]:
    """Wildcard constraints of the published somatic paths (the sheet's patients and names)."""
    pairs = SOMATIC_PUBLISHED or {("-", "-"): ""}
    return {
        "patient": "|".join(sorted({patient for patient, _ in pairs})),
        "name": "|".join(sorted({name for _, name in pairs})),
    }


def somatic_outputs() -> list[str]:
    """Everything the somatic stage publishes for every tumour/normal pair."""
    suffixes = [".somatic.vcf.gz", ".somatic.vcf.gz.tbi", ".biomarkers.json"]
    if config["cnv"]["enabled"]:
        suffixes += [f".cnv.{ext}" for ext in CNV_EXTS]
    if config["sv"]["enabled"]:
        suffixes += [f".sv.{ext}" for ext in SV_EXTS]
    if annotation_enabled():
        suffixes += [
            ".somatic.annotated.vcf.gz",
            ".somatic.annotated.vcf.gz.tbi",
            ".actionable.json",
            ".actionable.tsv",
        ]
    return [
        somatic_published(patient, name, suffix)
        for patient, name in SOMATIC_PUBLISHED
        for suffix in suffixes
    ]


def somatic_tmb_inputs(wildcards) -> dict[str, str]:
    """The annotated VCF and callable coding bases TMB needs; none without gene annotation."""
    if not annotation_enabled():
        return {}
    return {
        "vcf": somatic_annotated_vcf(wildcards.pid),
        "callable": somatic_callable_tsv(wildcards.pid),
    }


CNV_EXTS = ("tsv", "json", "png")


def cnvkit_access() -> str:
    """The reference's accessible sequence (CNVkit access: no N runs), per reference."""
    return f"{GENOME}.cnvkit-access.bed"


SV_EXTS = ("vcf.gz", "vcf.gz.tbi", "json")


def somatic_pair_inputs(wildcards) -> dict[str, str]:
    """A pair's alignments and their indexes, the reference and, with an annotation, the gene
    models."""
    normal = somatic_normal(wildcards.pid)
    inputs = {
        "tumor": alignment(wildcards.pid),
        "normal": alignment(normal),
        "tumor_index": f"{alignment(wildcards.pid)}.{INDEX_EXT}",
        "normal_index": f"{alignment(normal)}.{INDEX_EXT}",
        "ref": GENOME,
        "fai": f"{GENOME}.fai",
    }
    if annotation_enabled():
        inputs["gff3"] = prepared_gff3()
    return inputs


def cnv_centromeres() -> str | None:
    """The centromere BED of the scar counts' arms: the config's, else the one shipped for the
    build (GRCh37, GRCh38), else none (the counts are then not assessed)."""
    shipped = shipped_centromeres(config["reference"]["build"])
    return config["cnv"]["centromeres"] or (str(shipped) if shipped else None)


def somatic_cnv_inputs(wildcards) -> dict[str, str]:
    """The pair's inputs, the normal's sex record, the reference's accessible sequence, the
    somatic calls (their allele fractions estimate the purity), the normal's germline calls
    (its SNPs give allele-specific copy number), the centromeres (cnv_centromeres) and the
    pooled reference of normals when given."""
    normal = somatic_normal(wildcards.pid)
    inputs = {
        **somatic_pair_inputs(wildcards),
        "sex": sex_json(normal),
        "somatic": somatic_vcf(wildcards.pid),
        "germline": germline_vcf(normal),
    }
    if centromeres := cnv_centromeres():
        inputs["centromeres"] = centromeres
    if config["cnv"]["reference"]:
        inputs["reference"] = config["cnv"]["reference"]
    else:  # the bins follow the normal's covered accessible sequence
        inputs["access"] = cnvkit_access()
    return inputs


def somatic_cnv_source(wildcards) -> str:
    """The pseudonymous copy-number file a published .cnv.<ext> comes from."""
    pid = SOMATIC_PUBLISHED[(wildcards.patient, wildcards.name)]
    return somatic_cnv(pid, wildcards.ext)


def somatic_cnv_document(wildcards) -> list[str]:
    """A pair's copy-number document when copy number is called, as an optional input."""
    return [somatic_cnv(wildcards.pid, "json")] if config["cnv"]["enabled"] else []


def somatic_sv_source(wildcards) -> str:
    """The pseudonymous structural-variant file a published .sv.<ext> comes from."""
    pid = SOMATIC_PUBLISHED[(wildcards.patient, wildcards.name)]
    return somatic_sv(pid, wildcards.ext)


def somatic_sv_document(wildcards) -> list[str]:
    """A pair's structural-variant document when SVs are called, as an optional input."""
    return [somatic_sv(wildcards.pid, "json")] if config["sv"]["enabled"] else []
