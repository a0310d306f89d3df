# Input functions of the somatic stage (rules in somatic.smk). A pair's working files live under
# its tumour's pseudonym: work/{pid}/{pid}.somatic.vcf.gz with {pid} the tumour's.
from collections import Counter

from snakemake.exceptions import WorkflowError

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


def somatic_pair_alignments(wildcards) -> list[str]:
    """The tumour's alignment, then its normal's (mpileup sample order: tumour, normal)."""
    return [alignment(wildcards.pid), alignment(somatic_normal(wildcards.pid))]


def somatic_pair_indexes(wildcards) -> list[str]:
    """Index files of a pair's alignments."""
    return [f"{path}.{INDEX_EXT}" for path in somatic_pair_alignments(wildcards)]


def somatic_chunks(wildcards) -> list[str]:
    """A pair's per-chunk candidates, in chunk (and so reference) order."""
    return [f"work/{wildcards.pid}/somatic/chunk{chunk}.bcf" for chunk in CHUNKS]


def panel_of_normals() -> list[str]:
    """The configured panel-of-normals VCF, as an optional input list."""
    given = config["somatic"]["panel_of_normals"]
    return [given] if given else []


def somatic_purity(wildcards) -> float | None:
    """The tumour's purity from samples.tsv, when given."""
    return SHEET.samples[SAMPLE[wildcards.pid]].purity


def somatic_vcf(pid: str) -> str:
    """A pair's somatic VCF under its tumour's pseudonym."""
    return f"work/{pid}/{pid}.somatic.vcf.gz"


def somatic_annotated_vcf(pid: str) -> str:
    """A pair's somatic VCF with consequences (bcftools csq)."""
    return f"work/{pid}/{pid}.somatic.annotated.vcf.gz"


def somatic_biomarkers(pid: str) -> str:
    """A pair's biomarkers (TMB) JSON under its tumour's pseudonym."""
    return f"work/{pid}/{pid}.biomarkers.json"


def coding_bed() -> str:
    """The merged coding sequence (CDS) of the prepared gene models, as BED."""
    return prepared_gff3().replace(".gff3", ".cds.bed")


def somatic_published_source(path_of, suffix: str = ""):
    """An input function from a published (patient, name) path to its pseudonymous source."""

    def source(wildcards) -> str:
        return path_of(SOMATIC_PUBLISHED[(wildcards.patient, wildcards.name)]) + suffix

    return source


def somatic_published(patient: str, name: str, suffix: str) -> str:
    """The human-readable output path of a pair's product."""
    return f"results/{patient}/{name}{suffix}"


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


# ---------------------------------------------------------------- actionability
# Knowledge: the curated table (resources/actionable_variants.tsv unless configured), OncoTree's
# tree (somatic.oncotree: tumour types) and, when somatic.civic is set, CIViC's evidence TSV; a
# URL is downloaded once into the cache with its date and sha256.
ACTIONABLE_VARIANTS = config["somatic"]["actionable_variants"] or str(
    Path(workflow.basedir).parent / "resources" / "actionable_variants.tsv"
)
SOMATIC_KNOWLEDGE = {
    "civic": config["somatic"]["civic"],
    "oncotree": config["somatic"]["oncotree"],
}
SOMATIC_KNOWLEDGE_SUFFIX = {"civic": "tsv", "oncotree": "txt"}


def somatic_knowledge_download(name: str) -> str:
    """The cached copy of a configured knowledge URL (its record: the same path + .json)."""
    key = hashlib.sha1(SOMATIC_KNOWLEDGE[name].encode()).hexdigest()[:8]
    return f"{config['cache_dir']}/knowledge/{name}/{name}-{key}.{SOMATIC_KNOWLEDGE_SUFFIX[name]}"


def somatic_knowledge_file(name: str) -> list[str]:
    """The knowledge file to read (a path, or the URL's cached copy), as an optional input."""
    source = SOMATIC_KNOWLEDGE[name]
    if not source:
        return []
    return [somatic_knowledge_download(name)] if is_url(source) else [source]


def somatic_knowledge_record(name: str) -> list[str]:
    """The download record (URL, date, sha256) of a downloaded knowledge file."""
    return (
        [f"{somatic_knowledge_download(name)}.json"]
        if is_url(SOMATIC_KNOWLEDGE[name])
        else []
    )


def somatic_actionable(pid: str) -> str:
    """A pair's actionability under its tumour's pseudonym, without the .json/.tsv suffix."""
    return f"work/{pid}/{pid}.actionable"


def somatic_tumor_type(wildcards) -> str | None:
    """The tumour's tumour type from samples.tsv, when given."""
    return SHEET.samples[SAMPLE[wildcards.pid]].tumor_type


# ---------------------------------------------------------------- MSI
def somatic_tmb_inputs(wildcards) -> dict[str, str]:
    """The annotated VCF and callable coding bases TMB needs; none without gene annotation."""
    if not annotation_enabled():
        return {}
    return {
        "vcf": somatic_annotated_vcf(wildcards.pid),
        "callable": f"work/{wildcards.pid}/somatic/{wildcards.pid}.callable.tsv",
    }


def somatic_msi(pid: str) -> str:
    """A pair's MSI score JSON (merged into its biomarkers JSON)."""
    return f"work/{pid}/somatic/{pid}.msi.json"
