# Input functions of the sex stage (rules in sex.smk).
# Sex chromosomes (tailorseq.sex): each sample's sex check, the reads against samples.tsv,
# which must clear before anything of the sample is published; and the ploidy each callset is
# called with (chrM haploid; a male's non-PAR chrX and chrY haploid; no chrY for a female).
# The check is cheap (sampled windows) and runs before calling, so that a sample of unknown
# sex is called with the sex its reads show.

SEX_LIMITS = {
    **config["sex"],
    "min_mapq": config["calling"]["min_mapq"],
    "min_baseq": config["calling"]["min_baseq"],
    "min_qual": config["calling"]["min_qual"]["bcftools"],
    "min_depth": config["calling"]["min_depth"],
}


def sex_cleared_sample(wildcards) -> list[str]:
    """Input function of a {sample}'s publish rules: its sex check must clear first."""
    return [sex_cleared(PID[wildcards.sample])]


def sex_cleared_patient(wildcards) -> list[str]:
    """Input function of a {patient}'s report and somatic publishing: all its samples clear."""
    return [
        sex_cleared(PID[s.sample])
        for s in SHEET.patient_samples(wildcards.patient)
        if s.is_dna
    ]


def sex_cleared_all(wildcards) -> list[str]:
    """Input function of run-wide outputs naming every sample (joint VCF, MultiQC)."""
    return [sex_cleared(PID[s.sample]) for s in SHEET.dna_samples()]


def sheet_sex_of_pid(wildcards) -> str:
    """Params function: the {pid} sample's sex in samples.tsv (unknown when not given)."""
    return SHEET.samples[SAMPLE[wildcards.pid]].sex


def kind_of_pid(wildcards) -> str:
    """Params function: the {pid} sample's kind (germline, normal, tumor)."""
    return SHEET.samples[SAMPLE[wildcards.pid]].kind


def callset_sexes(wildcards) -> list[str]:
    """The sex checks of a callset's samples, in callset order."""
    return [sex_json(pid) for pid in callset_pids(wildcards)]


def callset_names(wildcards) -> list[str]:
    """Params function: the callset's sample names as their alignments' SM carries them."""
    return [SAMPLE[pid] for pid in callset_pids(wildcards)]


def single_sample_no_calls(wildcards) -> str:
    """Params function: a single-sample callset drops records where the sample has no
    genotype (a female's chrY, ploidy 0); a joint one keeps them for the other samples.
    """
    if wildcards.callset == "joint":
        return ""
    return "| bcftools view --exclude 'GT=\"mis\"' --output-type u"
