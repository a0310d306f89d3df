# The reference cache and its scatter chunks (rules in ref.smk).
import os

from tailorseq.refcache import reference_id, reference_sources

# Reference cache: keyed by build and source, reused by every run that names the same fasta.
REF_SOURCE = config["reference"]["fasta"]
REF_ID = reference_id(config, Path.cwd())
REF_DIR = f"{config['cache_dir']}/reference/{REF_ID}"
GENOME = f"{REF_DIR}/genome.fa"
# A local FASTA is identified by its content (tailorseq.refcache checks it before the run), not
# its time, so that a copy re-synced with new times does not rebuild the cache and realign
# everything; a URL's download by its time (the download rule rewrites it only when it changed).
REF_BY_CONTENT = bool(reference_sources(config, Path.cwd()))


def reference_source():
    """The reference FASTA as given (ancient: see REF_BY_CONTENT), or its downloaded copy in
    the cache."""
    return ancient(REF_SOURCE) if REF_BY_CONTENT else downloaded(REF_SOURCE)


def targets_bed() -> list[str]:
    """The configured targets BED, as an optional input list."""
    return [config["targets"]] if config["targets"] else []


# Scatter: the reference split into chunks called in parallel.
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
