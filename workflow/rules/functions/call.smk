from tailorseq.scoring import model as score_model
from tailorseq.scoring.features import BCFTOOLS_ANNOTATIONS

# Input functions of germline calling (rules in call.smk), scattered over the reference's
# chunks (functions/ref.smk), and of its filter (the variant score, tailorseq.scoring).

SCORE_MODEL = Path(config["calling"]["score_model"] or score_model.BUNDLED)


def bcftools_candidate_setting(
    key: str, with_score: float, bcftools_own: float
) -> float:
    """A bcftools setting that decides the candidates (calling.<key>): as configured, else the
    score's (the candidates its model was trained on) or, with the QUAL fallback, bcftools'
    own."""
    if config["calling"][key] is not None:
        return config["calling"][key]
    return with_score if config["calling"]["filter"] == "score" else bcftools_own


def bcftools_prior() -> float:
    """bcftools call --prior."""
    return bcftools_candidate_setting(
        "bcftools_prior",
        score_model.CANDIDATE_PRIOR,
        score_model.BCFTOOLS_DEFAULT_PRIOR,
    )


def bcftools_min_gapped_reads() -> int:
    """bcftools mpileup --min-ireads."""
    return bcftools_candidate_setting(
        "bcftools_min_gapped_reads",
        score_model.CANDIDATE_MIN_GAPPED_READS,
        score_model.BCFTOOLS_DEFAULT_MIN_GAPPED_READS,
    )


def score_model_files(wildcards) -> list[str]:
    """The variant-score model's files when the germline filter is the score."""
    if config["calling"]["filter"] != "score":
        return []
    return [
        str(path) for path in score_model.model_files(SCORE_MODEL, config["caller"])
    ]


def callset_pids(wildcards) -> list[str]:
    """The samples called together in one callset: one sample, or all germline ones."""
    if wildcards.callset == "joint":
        return germline_pids()
    return [wildcards.callset]


def callset_alignments(wildcards) -> list[str]:
    """Alignments (with their indexes) of a callset's samples."""
    return [alignment(pid) for pid in callset_pids(wildcards)]


def callset_indexes(wildcards) -> list[str]:
    """Index files of a callset's alignments."""
    return [f"{path}.{INDEX_EXT}" for path in callset_alignments(wildcards)]


def chunk_bed(wildcards) -> str:
    """The BED of one scatter chunk."""
    return scatter_bed(wildcards.chunk)


def callset_chunks(wildcards) -> list[str]:
    """A callset's per-chunk calls, in chunk (and so reference) order."""
    return [chunk_calls(wildcards.callset, config["caller"], chunk) for chunk in CHUNKS]


def germline_vcf_of_pid(wildcards) -> str:
    """Input function: the germline VCF of the {pid} wildcard's sample."""
    return germline_vcf(wildcards.pid)


def germline_index_of_pid(wildcards) -> str:
    """Input function: the index of the {pid} sample's germline VCF."""
    return f"{germline_vcf(wildcards.pid)}.tbi"
