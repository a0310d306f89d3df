import hashlib
import os
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.settings.types import DeploymentMethod

from tailorseq.alignment import aligner_read_group
from tailorseq.checks import SCAN_CACHE, preflight, report_full_disk
from tailorseq.errors import TailorseqError
from tailorseq.fastq import ScanCache, record_content
from tailorseq.knowledge_checks import json_files
from tailorseq.pseudonym import (
    check_mapping_path,
    lab_secret,
    mapping_rows,
    patient_pseudonym,
    pseudonym,
    pseudonymised_sheet,
    public_names,
    write_mapping,
)
from tailorseq.reference import is_url
from tailorseq.refcache import reference_id
from tailorseq.sheets import SampleSheet, load_sheets

# Results, logs and cache are for the lab's group only.
os.umask(0o027)


def uses_conda() -> bool:
    """True when tools come from the per-step conda envs rather than PATH."""
    settings = workflow.deployment_settings
    return settings is not None and DeploymentMethod.CONDA in settings.deployment_method


if workflow.is_main_process:
    SHEET = preflight(
        config,
        Path.cwd(),
        check_tools=not uses_conda(),
        cores=workflow.resource_settings.cores,
    )
else:
    SHEET = load_sheets(Path(config["samples"]), Path(config["units"]))


onerror:
    report_full_disk([Path.cwd(), Path(config["cache_dir"])])


SECRET = lab_secret()


def outputs_sheet(sheet: SampleSheet) -> SampleSheet:
    """The sheet under the names every output carries: the lab's ids, or with
    privacy.pseudonymise_outputs their pseudonyms. Decided here once, so that no output
    (paths, headers, VCF columns, reports, MultiQC) can name a sample or patient otherwise.
    The submitting process first records the pseudonyms in the lab's owner-only mapping file.
    """
    if not config["privacy"]["pseudonymise_outputs"]:
        return sheet
    if workflow.is_main_process:
        mapping = Path(config["privacy"]["mapping"])
        try:
            check_mapping_path(mapping, Path("results"))
            write_mapping(mapping, mapping_rows(sheet, SECRET))
        except TailorseqError as error:
            raise WorkflowError(str(error)) from None
    return pseudonymised_sheet(sheet, SECRET)


LAB_SHEET = SHEET
SHEET = outputs_sheet(LAB_SHEET)
# lab id -> the name outputs carry, for samples and patients
PUBLIC_NAME = public_names(LAB_SHEET, SHEET)
# Working paths always use the hash of the lab's id, whatever the outputs are named.
PID = {PUBLIC_NAME[name]: pseudonym(name, SECRET) for name in LAB_SHEET.samples}
PATIENT_PSEUDONYM = {
    PUBLIC_NAME[row.patient]: patient_pseudonym(row.patient, SECRET)
    for row in LAB_SHEET.samples.values()
}
config["pgx"]["outside_calls"] = {
    PUBLIC_NAME.get(name, name): path
    for name, path in config["pgx"]["outside_calls"].items()
}
SAMPLE = {pid: name for name, pid in PID.items()}
if len(SAMPLE) != len(PID):
    raise WorkflowError("two samples share a pseudonym: set another TAILORSEQ_SECRET")
UID = {
    name: {f"u{index}": unit for index, unit in enumerate(units, start=1)}
    for name, units in SHEET.units.items()
}


def unit_content(pid: str, uid: str) -> str:
    """A unit's content-identity file (checksums of its files): staging depends on it, so a
    corrected delivery with an old time stamp still reruns what depends on the unit."""
    return f"work/{pid}/input/{pid}.{uid}.content"


# Rewritten only when a unit's content changed (checksums cached with the FASTQ scans).
if workflow.is_main_process:
    record_content(
        ScanCache(Path(config["cache_dir"]) / SCAN_CACHE),
        {
            Path(unit_content(PID[name], uid)): list(row.files.values())
            for name, units in UID.items()
            for uid, row in units.items()
        },
    )


wildcard_constraints:
    pid="s[0-9a-f]{10}",
    uid=r"u\d+",
    chunk=r"\d+",
    callset=r"s[0-9a-f]{10}|joint",
    sample="|".join(SHEET.samples),


# Reference cache: keyed by build and source, reused by every run that names the same fasta.
REF_SOURCE = config["reference"]["fasta"]
REF_IS_URL = is_url(REF_SOURCE)
REF_ID = reference_id(config, Path.cwd())
REF_DIR = f"{config['cache_dir']}/reference/{REF_ID}"
GENOME = f"{REF_DIR}/genome.fa"
ALIGNMENT_EXT = config["alignment"]["format"]
INDEX_EXT = {"bam": "bai", "cram": "crai"}[ALIGNMENT_EXT]


SCATTER_ENV = "TAILORSEQ_SCATTER"


def scatter_count() -> int:
    """Genome chunks for calling: the configured count, else one per core of the run.

    The submitting process decides and hands its count to the run's cluster jobs through the
    environment (the SLURM executor exports it): a job process sees other cores and would
    otherwise build other chunks.
    """
    configured = config["calling"]["scatter"]
    if configured > 0:
        return configured
    if SCATTER_ENV in os.environ:
        return int(os.environ[SCATTER_ENV])
    cores = workflow.global_resources["_cores"].value
    count = max(1, min(cores or 16, 64))
    os.environ[SCATTER_ENV] = str(count)
    return count


CHUNKS = [str(index) for index in range(scatter_count())]


def germline_pids() -> list[str]:
    """Pseudonyms of samples called for germline variants (kind germline or normal)."""
    return [PID[sample.sample] for sample in SHEET.germline_samples()]


def sample_units(wildcards) -> dict:
    """The unit ids (u1, u2, ...) of one sample, keyed by id."""
    return UID[SAMPLE[wildcards.pid]]


def unit(wildcards):
    """The sheet's unit behind a (pid, uid) wildcard pair."""
    return sample_units(wildcards)[wildcards.uid]


def staged_unit_inputs(wildcards) -> dict[str, str]:
    """The user's files for one unit (FASTQ pair or BAM), to be staged under pseudonymous names,
    and the unit's content identity."""
    row = unit(wildcards)
    content = unit_content(wildcards.pid, wildcards.uid)
    if row.is_bam:
        return {"bam": str(row.bam), "content": content}
    return {"fq1": str(row.fq1), "fq2": str(row.fq2), "content": content}


def is_bam_sample(wildcards) -> bool:
    """True when the sample's units are existing alignments (used as they are)."""
    return any(row.is_bam for row in sample_units(wildcards).values())


def unit_alignments(wildcards) -> list[str]:
    """Every unit's coordinate-sorted alignment of a sample, in sheet order."""
    pid = wildcards.pid
    if is_bam_sample(wildcards):
        return [f"work/{pid}/input/{pid}.{uid}.bam" for uid in sample_units(wildcards)]
    aligner = config["aligner"]
    return [
        f"work/{pid}/align/{aligner}/{pid}.{uid}.bam" for uid in sample_units(wildcards)
    ]


def staged_bams(wildcards) -> list[str]:
    """A BAM-input sample's staged unit BAMs (their read groups are kept); none for FASTQ."""
    return unit_alignments(wildcards) if is_bam_sample(wildcards) else []


def read_group(wildcards) -> str:
    """The aligner's read group for a unit: pseudonymous, since it shows on the command line."""
    return aligner_read_group(wildcards.pid, wildcards.uid)


def fastq_unit_names(wildcards) -> dict[str, str]:
    """uid -> the sheet's unit name, for the FASTQ units of a sample."""
    return {
        uid: row.unit for uid, row in sample_units(wildcards).items() if not row.is_bam
    }


def sample_name(wildcards) -> str:
    """The sample's name in outputs (its id, or its pseudonym: outputs_sheet) behind a {pid};
    used only inside local jobs and files."""
    return SAMPLE[wildcards.pid]


def finish_alignment(wildcards, input, output, threads) -> str:
    """The command that writes a sample's merged alignment and its index.

    FASTQ-derived alignments get duplicates marked; existing BAM units are used as they are.
    Afterwards the index gets the alignment's time stamp: published copies are hard links,
    which share their source's time stamp, and must not look older than the index.
    """
    write = (
        f"--output-fmt {ALIGNMENT_EXT} --reference {input.ref}"
        f" --write-index -@ {threads}"
    )
    target = f"{output.aln}##idx##{output.index}"
    if is_bam_sample(wildcards):
        return (
            f"samtools view {write} -o {target} -"
            f" && echo 'existing alignments: duplicates not re-marked' > {output.metrics}"
        )
    return f"samtools markdup {write} -T {output.aln}.tmp -f {output.metrics} -S - {target}"


def alignment(pid: str) -> str:
    """The pseudonymous path of a sample's final alignment."""
    return f"work/{pid}/{pid}.{ALIGNMENT_EXT}"


def fastq_units() -> list[tuple[str, str]]:
    """(pid, uid) of every FASTQ unit in the run."""
    return [
        (PID[name], uid)
        for name, units in UID.items()
        for uid, row in units.items()
        if not row.is_bam
    ]


def callset_pids(wildcards) -> list[str]:
    """The samples called together in one callset: one sample, or all germline ones."""
    if wildcards.callset == "joint":
        return germline_pids()
    return [wildcards.callset]


def callset_alignments(wildcards) -> list[str]:
    """Alignments (with their indexes) of a callset's samples."""
    return [alignment(pid) for pid in callset_pids(wildcards)]


def germline_vcf(pid: str) -> str:
    """A sample's germline VCF: its own callset, or extracted from the joint callset."""
    if config["calling"]["joint"]:
        return f"work/{pid}/{pid}.from-joint.vcf.gz"
    return f"work/calls/{pid}.vcf.gz"


def germline_vcf_of_pid(wildcards) -> str:
    """Input function: the germline VCF of the {pid} wildcard's sample."""
    return germline_vcf(wildcards.pid)


def joint_column(wildcards) -> int:
    """1-based position of a sample among the joint callset's samples."""
    return germline_pids().index(wildcards.pid) + 1


def multiqc_name_pairs(wildcards) -> list[tuple[str, str]]:
    """(pseudonym, name in outputs) for every sample and unit, for MultiQC's --replace-names."""
    pairs = []
    for name, units in UID.items():
        # MultiQC replaces substrings in order: units (pid.uid) before their sample (pid).
        pairs += [
            (f"{PID[name]}.{uid}", f"{name}.{row.unit}") for uid, row in units.items()
        ]
        pairs.append((PID[name], name))
    return pairs


def targets_bed() -> list[str]:
    """The configured targets BED, as an optional input list."""
    return [config["targets"]] if config["targets"] else []


def staged_sample_file(pid: str, role: str) -> str:
    """A per-sample file of the user's (role targets.bed or outside_calls.tsv) linked under the
    sample's pseudonym by a local rule: a cluster job lists its inputs on its command line.
    """
    return f"work/{pid}/input/{pid}.{role}"


def sample_file_source(wildcards) -> str:
    """The user's file behind a staged per-sample file: the sheet's targets BED of the sample,
    or its PGx outside calls (config pgx.outside_calls)."""
    name = SAMPLE[wildcards.pid]
    if wildcards.role == "targets.bed":
        return str(SHEET.samples[name].targets)
    return config["pgx"]["outside_calls"][name]


def sample_targets(wildcards) -> list[str]:
    """Coverage QC targets of a sample: its own BED from the sheet (staged), else the config's."""
    own = SHEET.samples[SAMPLE[wildcards.pid]].targets
    return [staged_sample_file(wildcards.pid, "targets.bed")] if own else targets_bed()


def targets_option(flag: str):
    """A params function giving `flag BED` when targets are configured, else nothing."""

    def option(wildcards, input) -> str:
        return f"{flag} {input.targets}" if input.targets else ""

    return option


def fastp_adapter_options(wildcards) -> str:
    """The unit's adapter sequence when the sheet gives one, else fastp's paired-end detection."""
    adapters = unit(wildcards).adapters
    if adapters:
        return f"--adapter_sequence {adapters} --adapter_sequence_r2 {adapters}"
    return "--detect_adapter_for_pe"


def published_source(path_of, suffix: str = ""):
    """An input function from a published {sample} path to its pseudonymous source."""

    def source(wildcards) -> str:
        return path_of(PID[wildcards.sample]) + suffix

    return source


def published(sample: str, suffix: str) -> str:
    """The human-readable output path of a sample's product."""
    return f"results/{sample}/{sample}{suffix}"


def final_outputs() -> list[str]:
    """Everything a default run produces."""
    outputs = ["results/run/multiqc.html"]
    for name in SHEET.samples:
        outputs.append(published(name, f".{ALIGNMENT_EXT}"))
        outputs.append(published(name, f".{ALIGNMENT_EXT}.{INDEX_EXT}"))
    for sample in SHEET.germline_samples():
        outputs.append(published(sample.sample, ".vcf.gz"))
        outputs.append(published(sample.sample, ".vcf.gz.tbi"))
    if config["calling"]["joint"]:
        outputs += [
            "results/run/germline.joint.vcf.gz",
            "results/run/germline.joint.vcf.gz.tbi",
        ]
    outputs += annotation_outputs()
    outputs += pgx_outputs()
    return outputs


def reference_source() -> str:
    """The reference FASTA as given, or its downloaded copy in the cache."""
    return f"{REF_DIR}/source.fa.download" if REF_IS_URL else REF_SOURCE


def chunk_bed(wildcards) -> str:
    """The BED of one scatter chunk."""
    return f"work/scatter/{REF_ID}/{len(CHUNKS)}/chunk{wildcards.chunk}.bed"


def callset_indexes(wildcards) -> list[str]:
    """Index files of a callset's alignments."""
    return [f"{path}.{INDEX_EXT}" for path in callset_alignments(wildcards)]


def callset_chunks(wildcards) -> list[str]:
    """A callset's per-chunk calls, in chunk (and so reference) order."""
    return [
        f"work/calls/{wildcards.callset}/{config['caller']}/chunk{chunk}.bcf"
        for chunk in CHUNKS
    ]


def multiqc_inputs(wildcards) -> list[str]:
    """Every QC file of the run that MultiQC reads."""
    files = [f"work/{pid}/qc/{pid}.{uid}.fastp.json" for pid, uid in fastq_units()]
    for name in SHEET.samples:
        pid = PID[name]
        files += [
            f"work/{pid}/qc/{pid}.stats.txt",
            f"work/{pid}/qc/{pid}.flagstat.txt",
            f"work/{pid}/qc/{pid}.mosdepth.summary.txt",
            f"work/{pid}/qc/{pid}.mosdepth.global.dist.txt",
        ]
    files += [f"work/{pid}/qc/{pid}.bcftools_stats.txt" for pid in germline_pids()]
    return files


# ---------------------------------------------------------------- annotation and findings
# Prepared knowledge (gene models, ClinVar, population AF) is cached per reference and source.
ANNOTATION_DIR = f"{config['cache_dir']}/annotation/{REF_ID}"
GENE_LIST = config["findings"]["gene_list"] or str(
    Path(workflow.basedir).parent / "resources" / "acmg_sf_genes.tsv"
)
KNOWLEDGE_SUFFIX = {
    "gff3": ".gff3",
    "clinvar": ".vcf",
    "population": ".vcf",
    "pgx_recommendations": ".json",
}


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
    """The knowledge file as given, or its downloaded copy in the cache."""
    given = knowledge_given(kind)
    if is_url(given):
        return f"{ANNOTATION_DIR}/download/{kind}-{knowledge_id(kind)}{KNOWLEDGE_SUFFIX[kind]}"
    return given


def knowledge_urls() -> dict[str, str]:
    """Downloaded knowledge file -> its URL."""
    return {
        knowledge_source(kind): knowledge_given(kind)
        for kind in KNOWLEDGE_SUFFIX
        if is_url(knowledge_given(kind))
    }


def knowledge_url(wildcards) -> str:
    """The URL behind a download path."""
    return knowledge_urls()[f"{ANNOTATION_DIR}/download/{wildcards.file}"]


def prepared_gff3() -> str:
    """The csq-ready GFF3 of the build (reporting transcripts only unless all are asked for)."""
    options = (
        sorted(config["annotation"]["transcripts"].items()),
        config["annotation"]["all_transcripts"],
    )
    return f"{ANNOTATION_DIR}/genes-{knowledge_id('gff3', *options)}.gff3"


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


def annotated_vcf(pid: str) -> str:
    """A sample's germline calls with consequences, ClinVar and population AF."""
    return f"work/{pid}/{pid}.annotated.vcf.gz"


def findings_file(pid: str) -> str:
    """A sample's findings under its pseudonym, without the .json/.tsv suffix."""
    return f"work/{pid}/{pid}.findings"


def findings_coverage(wildcards) -> dict[str, str]:
    """Input function: the {pid} sample's coverage over the genes' CDS (report.smk's
    gene_coverage rule, at MAPQ >= calling.min_mapq), which decides the genes assessed.
    """
    prefix = gene_coverage_prefix(wildcards.pid)
    return {
        "coverage_regions": f"{prefix}.regions.bed.gz",
        "coverage_thresholds": f"{prefix}.thresholds.bed.gz",
    }


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


def germline_index_of_pid(wildcards) -> str:
    """Input function: the index of the {pid} sample's germline VCF."""
    return f"{germline_vcf(wildcards.pid)}.tbi"


# ---------------------------------------------------------------- pharmacogenomics
def pgx_enabled() -> bool:
    """True when the build has PGx allele definitions (config pgx.definitions)."""
    return bool(config["pgx"]["definitions"])


def pgx_definition_files() -> list[str]:
    """The allele definition files: inputs, so that changed definitions redo the PGx steps."""
    return json_files(config["pgx"]["definitions"], "alleles")


def pgx_phenotype_files() -> list[str]:
    """The configured PharmCAT phenotype files; none when pypgx's tables are used."""
    phenotypes = config["pgx"]["phenotypes"]
    return json_files(phenotypes) if phenotypes else []


def pgx_recommendations() -> list[str]:
    """The configured CPIC recommendation file (its cached download for a URL); none when
    pypgx's tables are used."""
    given = config["pgx"]["recommendations"]
    return [knowledge_source("pgx_recommendations")] if given else []


def pgx_recommendations_url() -> str:
    """The URL the CPIC recommendation file was downloaded from (recorded in the PGx
    document's knowledge); empty for a local file, whose path the document records."""
    given = config["pgx"]["recommendations"]
    return given if is_url(given) else ""


def pgx_outside_calls(wildcards) -> list[str]:
    """The {pid} sample's outside-call TSV (CYP2D6, HLA, staged), when config names one."""
    if SAMPLE[wildcards.pid] not in config["pgx"]["outside_calls"]:
        return []
    return [staged_sample_file(wildcards.pid, "outside_calls.tsv")]


def pgx_vcf(pid: str) -> str:
    """A sample's force-genotyped PGx positions."""
    return f"work/{pid}/pgx/{pid}.pgx.vcf.gz"


def pgx_file(pid: str) -> str:
    """A sample's PGx calls under its pseudonym, without the .json/.tsv suffix."""
    return f"work/{pid}/{pid}.pgx"


def pgx_outputs() -> list[str]:
    """Published PGx calls of every germline and normal sample."""
    if not pgx_enabled():
        return []
    return [
        published(sample.sample, suffix)
        for sample in SHEET.germline_samples()
        for suffix in (".pgx.json", ".pgx.tsv")
    ]


def pgx_definitions_folder(wildcards, input) -> str:
    """Params function: the folder of the rule's allele definition files."""
    return str(Path(input.definitions[0]).parent)


def pgx_phenotypes_folder(wildcards, input) -> str:
    """Params function: the folder of the configured phenotype files; empty for pypgx's."""
    return str(Path(input.phenotypes[0]).parent) if input.phenotypes else ""
