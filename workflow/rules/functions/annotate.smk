import hashlib

from tailorseq.gene_list import GENE_LIST as BUNDLED_GENE_LIST
from tailorseq.reference import is_url

# Input functions of the annotation stage (rules in annotate.smk): the knowledge (gene models,
# ClinVar, population AF, CPIC recommendations), prepared and cached per reference and source,
# and what each sample's germline calls are annotated with.
ANNOTATION_DIR = f"{config['cache_dir']}/annotation/{REF_ID}"
GENE_LIST = config["findings"]["gene_list"] or str(BUNDLED_GENE_LIST)


def knowledge_given(kind: str) -> str:
    """The configured source (path or URL) of a kind of knowledge; empty when not given."""
    if kind == "gff3":
        return config["reference"]["gff3"]
    if kind == "pgx_recommendations":
        return config["pgx"]["recommendations"]
    return config["annotation"][kind]


def knowledge_id(kind: str, *extra: object) -> str:
    """A short key of a knowledge source (and its preparation options) for cache paths."""
    given = knowledge_given(kind)
    key = given if is_url(given) else str(Path(given).resolve())
    return hashlib.sha1(repr((key, *extra)).encode()).hexdigest()[:8]


def knowledge_source(kind: str) -> str:
    """The knowledge file as given, or its downloaded copy in the cache (download.smk)."""
    return downloaded(knowledge_given(kind))


def prepared_gff3() -> str:
    """The csq-ready GFF3 of the build (reporting transcripts only unless all are asked for)."""
    options = (
        sorted(config["annotation"]["transcripts"].items()),
        config["annotation"]["all_transcripts"],
    )
    return f"{ANNOTATION_DIR}/genes-{knowledge_id('gff3', *options)}.gff3"


def prepared_canonical() -> str:
    """The reporting transcript of each gene in the prepared gene models (prepare_gff3)."""
    return prepared_gff3().replace(".gff3", ".canonical.tsv")


def prepared_knowledge(kind: str, suffix: str = ".vcf.gz") -> str:
    """A prepared (normalised, renamed, indexed) knowledge VCF in the cache."""
    return f"{ANNOTATION_DIR}/{kind}-{knowledge_id(kind)}{suffix}"


def annotation_enabled() -> bool:
    """True when the build has a gene annotation (consequences, then findings)."""
    return bool(config["reference"]["gff3"])


def consents(pid: str) -> bool:
    """True when the sample consented to secondary findings (samples.tsv)."""
    return SHEET.samples[SAMPLE[pid]].secondary_findings


def consent_of_pid(wildcards) -> bool:
    """Params function: the {pid} sample's consent to secondary findings."""
    return consents(wildcards.pid)


def sample_clinvar(wildcards) -> list[str]:
    """The ClinVar VCF annotated onto a sample's calls: without consent, one without the
    gene list's genes, so no secondary finding shows in any of the sample's outputs."""
    if not config["annotation"]["clinvar"]:
        return []
    if consents(wildcards.pid):
        return [prepared_knowledge("clinvar")]
    return [prepared_knowledge("clinvar", ".no-secondary.vcf.gz")]


def sample_population(wildcards) -> list[str]:
    """The prepared population-frequency VCF, when configured."""
    return (
        [prepared_knowledge("population")] if config["annotation"]["population"] else []
    )


def clinvar_summary() -> list[str]:
    """The ClinVar preparation summary (release date, counts), when ClinVar is configured."""
    return (
        [prepared_knowledge("clinvar", ".json")]
        if config["annotation"]["clinvar"]
        else []
    )


def knowledge_steps(wildcards, input, output) -> str:
    """Commands annotating ClinVar, then population AF, onto the calls (indexed temporary
    BCFs, since bcftools annotate reads its target by index); empty when neither is given.
    """
    columns = "INFO/CLNVID,INFO/CLNSIG,INFO/CLNREVSTAT,INFO/CLNDN,INFO/CLNSIGCONF,INFO/GENEINFO"
    steps = [(vcf, columns) for vcf in input.clinvar]
    steps += [(vcf, "INFO/POP_AF") for vcf in input.population]
    commands, source = [], input.vcf
    for number, (vcf, columns) in enumerate(steps, start=1):
        target = f"{output.vcf}.step{number}.bcf"
        commands.append(
            f"bcftools annotate --annotations {vcf} --columns {columns} --output-type b"
            f" --output {target} {source} && bcftools index {target} && "
        )
        source = target
    return "".join(commands)


def csq_input(wildcards, input, output) -> str:
    """The VCF that bcftools csq reads: the calls after the knowledge steps."""
    steps = len(input.clinvar) + len(input.population)
    return f"{output.vcf}.step{steps}.bcf" if steps else input.vcf


def annotation_outputs() -> list[str]:
    """Published annotation and findings of every germline sample."""
    if not annotation_enabled():
        return []
    outputs = []
    for sample in SHEET.germline_samples():
        for suffix in (
            ".annotated.vcf.gz",
            ".annotated.vcf.gz.tbi",
            ".findings.json",
            ".findings.tsv",
            ".findings.review.tsv",
        ):
            outputs.append(published(sample.sample, suffix))
    return outputs
