# Every working path of the run (work/...) and every published one (results/...), named once and
# used by rules and input functions alike. Working paths carry pseudonyms only ({pid}: the hash
# of the lab's sample id, common.smk); a pattern's arguments may be wildcards ("{pid}").
# Functions read the run's constants (REF_ID, CHUNKS: functions/ref.smk) when called.

ALIGNMENT_EXT = config["alignment"]["format"]
INDEX_EXT = {"bam": "bai", "cram": "crai"}[ALIGNMENT_EXT]


# ---------------------------------------------------------------- per unit
def staged_fastq(pid: str, uid: str, read: int) -> str:
    """A FASTQ unit's read file (1 or 2) linked under the sample's pseudonym."""
    return f"work/{pid}/input/{pid}.{uid}_R{read}.fastq.gz"


def staged_bam(pid: str, uid: str) -> str:
    """A BAM unit linked under the sample's pseudonym."""
    return f"work/{pid}/input/{pid}.{uid}.bam"


def staged_sample_file(pid: str, role: str) -> str:
    """A per-sample file of the user's (role targets.bed or outside_calls.<n>.tsv) linked
    under the sample's pseudonym by a local rule: a cluster job lists its inputs on its
    command line."""
    return f"work/{pid}/input/{pid}.{role}"


def unit_alignment(pid: str, uid: str, aligner: str) -> str:
    """A FASTQ unit's coordinate-sorted alignment by one aligner (bwa, minimap2)."""
    return f"work/{pid}/align/{aligner}/{pid}.{uid}.bam"


# ---------------------------------------------------------------- per sample
def qc_file(pid: str, name: str = "") -> str:
    """A sample's QC file (`name` e.g. stats.txt, u1.fastp.json); without a name, the prefix
    that mosdepth appends its suffixes to."""
    prefix = f"work/{pid}/qc/{pid}"
    return f"{prefix}.{name}" if name else prefix


def header_sam(pid: str) -> str:
    """The header of a sample's merged alignment (its name in outputs, the units' read groups)."""
    return f"work/{pid}/{pid}.header.sam"


def alignment(pid: str) -> str:
    """The pseudonymous path of a sample's final alignment."""
    return f"work/{pid}/{pid}.{ALIGNMENT_EXT}"


def alignment_index(pid: str) -> str:
    """The index of a sample's final alignment."""
    return f"{alignment(pid)}.{INDEX_EXT}"


def sex_json(pid: str) -> str:
    """A sample's sex check: evidence, inferred and sheet sex, verdict, calling sex."""
    return f"work/{pid}/{pid}.sex.json"


def sex_cleared(pid: str) -> str:
    """Exists once a sample's sex check has not contradicted the sheet."""
    return f"work/{pid}/{pid}.sex.ok"


def joint_extract_vcf(pid: str) -> str:
    """A sample's germline calls extracted from the joint callset."""
    return f"work/{pid}/{pid}.from-joint.vcf.gz"


def germline_vcf(pid: str) -> str:
    """A sample's germline VCF: its own callset, or extracted from the joint callset."""
    if config["calling"]["joint"]:
        return joint_extract_vcf(pid)
    return callset_vcf(pid)


def annotated_vcf(pid: str) -> str:
    """A sample's germline calls with consequences, ClinVar and population AF."""
    return f"work/{pid}/{pid}.annotated.vcf.gz"


def findings_file(pid: str) -> str:
    """A sample's findings under its pseudonym, without the .json/.tsv suffix."""
    return f"work/{pid}/{pid}.findings"


def findings_phased_vcf(pid: str) -> str:
    """A sample's germline calls in the gene list's recessive genes, phased from its reads."""
    return f"work/{pid}/{pid}.findings.phased.vcf.gz"


def gene_coverage_prefix(pid: str) -> str:
    """mosdepth's output prefix of a sample's coverage over the genes' CDS (reads of mapping
    quality >= calling.min_mapq: what the caller sees), read by the report and findings.
    """
    return qc_file(pid, "genes")


def pgx_vcf(pid: str) -> str:
    """A sample's force-genotyped PGx positions."""
    return f"work/{pid}/pgx/{pid}.pgx.vcf.gz"


def pgx_phased_vcf(pid: str) -> str:
    """A sample's PGx positions with read-backed phase (WhatsHap)."""
    return f"work/{pid}/pgx/{pid}.pgx.phased.vcf.gz"


def pgx_cyp2d6_json(pid: str) -> str:
    """A sample's CYP2D6 structural call (Aldy), or why there is none."""
    return f"work/{pid}/pgx/{pid}.cyp2d6.json"


def pgx_file(pid: str) -> str:
    """A sample's PGx calls under its pseudonym, without the .json/.tsv suffix."""
    return f"work/{pid}/{pid}.pgx"


# ---------------------------------------------------------------- per callset
def scatter_bed(chunk: str) -> str:
    """The BED of one scatter chunk of the reference (keyed by reference and chunk count)."""
    return f"work/scatter/{REF_ID}/{len(CHUNKS)}/chunk{chunk}.bed"


def chunk_calls(callset: str, caller: str, chunk: str) -> str:
    """A callset's calls over one scatter chunk by one caller (bcftools, freebayes)."""
    return f"work/calls/{callset}/{caller}/chunk{chunk}.bcf"


def raw_callset_vcf(callset: str) -> str:
    """A callset's gathered and normalised calls before the germline filter."""
    return f"work/calls/{callset}.raw.vcf.gz"


def callset_vcf(callset: str) -> str:
    """A callset's gathered, normalised and filtered calls (a pseudonym, or joint)."""
    return f"work/calls/{callset}.vcf.gz"


def callset_ploidy(kind: str) -> str:
    """A callset's ploidy file (`ploidy`), bcftools samples file (`samples`) or freebayes
    copy-number map (`cnv`)."""
    return f"work/calls/{{callset}}/ploidy.{kind}.txt"


# ---------------------------------------------------------------- per tumour/normal pair
# A pair's working files live under its tumour's pseudonym.
def somatic_chunk(pid: str, chunk: str) -> str:
    """A pair's somatic candidates over one scatter chunk."""
    return f"work/{pid}/somatic/chunk{chunk}.bcf"


def somatic_chunk_sites(pid: str, chunk: str) -> str:
    """The positions of one chunk where the full mpileup of a pair's candidates runs."""
    return f"work/{pid}/somatic/chunk{chunk}.sites.tsv.gz"


def somatic_vcf(pid: str) -> str:
    """A pair's somatic VCF under its tumour's pseudonym."""
    return f"work/{pid}/{pid}.somatic.vcf.gz"


def somatic_summary(pid: str) -> str:
    """The somatic model's summary of a pair (counts, filters, settings)."""
    return f"work/{pid}/somatic/{pid}.somatic.json"


def somatic_annotated_vcf(pid: str) -> str:
    """A pair's somatic VCF with consequences (bcftools csq)."""
    return f"work/{pid}/{pid}.somatic.annotated.vcf.gz"


def somatic_callable_tsv(pid: str) -> str:
    """A pair's coding bases, and those callable in both samples (TMB's denominator)."""
    return f"work/{pid}/somatic/{pid}.callable.tsv"


def somatic_msi(pid: str) -> str:
    """A pair's MSI score JSON (merged into its biomarkers JSON)."""
    return f"work/{pid}/somatic/{pid}.msi.json"


def somatic_msi_sites(pid: str) -> str:
    """The microsatellite sites a pair's MSI score was read from."""
    return f"work/{pid}/somatic/{pid}.msi.sites.tsv"


def somatic_biomarkers(pid: str) -> str:
    """A pair's biomarkers (TMB) JSON under its tumour's pseudonym."""
    return f"work/{pid}/{pid}.biomarkers.json"


def germline_cnv(pid: str, ext: str) -> str:
    """A germline sample's exon-level copy number: ext tsv (segments) or json (document)."""
    return f"work/{pid}/cnv/{pid}.germline.cnv.{ext}"


def somatic_cnv(pid: str, ext: str) -> str:
    """A pair's somatic copy number: ext tsv (segments), json (document) or png (plot)."""
    return f"work/{pid}/cnv/{pid}.cnv.{ext}"


def somatic_sv(pid: str, suffix: str) -> str:
    """A pair's somatic structural variants: suffix vcf.gz (+ .tbi) or json."""
    return f"work/{pid}/sv/{pid}.sv.{suffix}"


def somatic_actionable(pid: str) -> str:
    """A pair's actionability under its tumour's pseudonym, without the .json/.tsv suffix."""
    return f"work/{pid}/{pid}.actionable"


# ---------------------------------------------------------------- tumour RNA (per RNA sample)
def rna_trimmed(pid: str, uid: str, read: int) -> str:
    """An RNA unit's trimmed read file (1 or 2), read by salmon and the spliced aligner."""
    return f"work/{pid}/rna/{pid}.{uid}.trimmed_R{read}.fastq.gz"


def salmon_quant(pid: str) -> str:
    """An RNA sample's salmon output folder (quant.sf, lib_format_counts.json, aux_info/);
    named after the sample's pseudonym so that MultiQC names it."""
    return f"work/{pid}/rna/{pid}"


def rna_alignment(pid: str) -> str:
    """An RNA sample's spliced alignment to the genome (RNA support of somatic mutations)."""
    return f"work/{pid}/rna/{pid}.rna.bam"


def rna_summary(pid: str, ext: str) -> str:
    """An RNA sample's results: ext expression.tsv (genes) or rna.json (document)."""
    return f"work/{pid}/{pid}.{ext}"


# ---------------------------------------------------------------- per run
MULTIQC_NAMES = "work/run/multiqc_names.tsv"
MULTIQC_COUNTS = "work/run/tailorseq_counts_mqc.tsv"
MULTIQC_SCORES = "work/run/tailorseq_scores_mqc.tsv"
MULTIQC_VERSIONS = "work/run/tailorseq_mqc_versions.yml"


def versions_record(env: str) -> str:
    """An env's tool versions as they ran, probed from inside it (rule tool_versions)."""
    return f"results/run/versions/{env}.json"


# ---------------------------------------------------------------- published (results/)
def published(sample: str, suffix: str) -> str:
    """The human-readable output path of a sample's product."""
    return f"results/{sample}/{sample}{suffix}"


def published_source(path_of, suffix: str = ""):
    """An input function from a published {sample} path to its pseudonymous source."""

    def source(wildcards) -> str:
        return path_of(PID[wildcards.sample]) + suffix

    return source


def somatic_published(patient: str, name: str, suffix: str) -> str:
    """The human-readable output path of a pair's product."""
    return f"results/{patient}/{name}{suffix}"


def patient_report_file(patient: str, ext: str) -> str:
    """A patient's report (ext json or html)."""
    return f"results/{patient}/{patient}.report.{ext}"


def patient_export_file(patient: str, kind: str) -> str:
    """A patient's export of the report (kind fhir or phenopacket), JSON."""
    return f"results/{patient}/{patient}.{kind}.json"


def patient_report_files(patient: str) -> list[str]:
    """Everything the report step writes for a patient: the report and its exports."""
    return [patient_report_file(patient, ext) for ext in ("json", "html")] + [
        patient_export_file(patient, kind) for kind in ("fhir", "phenopacket")
    ]


def unit_content(pid: str, uid: str) -> str:
    """A unit's content-identity file (checksums of its files): staging depends on it, so a
    corrected delivery with an old time stamp still reruns what depends on the unit."""
    return f"work/{pid}/input/{pid}.{uid}.content"
