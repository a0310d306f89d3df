"""Disk space a run needs, estimated from its inputs before compute, against what is free.

The factors are bytes written per byte of input (gzipped FASTQ or BAM), measured on the demo and
on chr20-sim-dev (2x150, bwa + bcftools):

- kept: the duplicate-marked BAM (published as a hard link, so counted once) is 0.74x the
  FASTQ on the demo and 0.92x on chr20-sim-dev; VCFs add 0.01x (a 30x WGS VCF is ~0.3% of its
  FASTQ); QC, reports and logs 2 MB per sample and 6 MB per run (demo: 13.8 MB for 4 samples,
  MultiQC 7.5 MB of it; chr20-sim-dev: 5.4 MB).
- transient, beyond what is kept: the unit's sorted BAM, which lives until duplicate marking
  has written the sample's BAM, about as large as that BAM (0.92x counted; fastp streams into
  the aligner, so no trimmed FASTQ is written); units too large for `samtools sort` in memory
  (-m 768M x 8 threads hold roughly 1 GB of gzipped FASTQ) add its level-1 compressed spill
  files, ~1.2x. As many units are aligned at once as `cores // 8` allows.
- reference cache (when not built yet), per base of the genome: the plain FASTA 1.02, the bwa
  index 1.75 (.bwt 1.0, .sa 0.5, .pac 0.25; chr20: 110 MB for 63 Mb), minimap2's 2.91
  (chr20: 184 MB).

Space already used by the run's own folders (results/, work/, logs/) counts as free: a rerun
replaces or reuses it.
"""

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

KEPT = 1.01
TRANSIENT = 0.92
SORT_SPILL = 1.2
SORTED_IN_MEMORY = 1_000_000_000
PER_SAMPLE = 2_000_000
PER_RUN = 6_000_000
ALIGN_THREADS = 8
GENOME_FASTA = 1.02
INDEX_PER_BASE = {"bwa": 1.75, "minimap2": 2.91}
INDEX_FILES = {
    "bwa": [".amb", ".ann", ".bwt", ".pac", ".sa"],
    "minimap2": [".sr.mmi"],
}
RUN_FOLDERS = ("results", "work", "logs")
GB = 1e9


def human(size: float) -> str:
    """'1.2 GB', '350 MB': sizes in decimal units, as `df -H` prints them."""
    for unit, scale in (("TB", 1e12), ("GB", GB), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:,.1f} {unit}"
    return f"{size:,.0f} bytes"


def transient(unit_size: int) -> float:
    """Bytes that exist only while a unit of this input size is aligned."""
    return (TRANSIENT + SORT_SPILL * (unit_size > SORTED_IN_MEMORY)) * unit_size


def results_need(unit_sizes: list[list[int]], cores: int | None) -> int:
    """Bytes the run's folder needs: `unit_sizes` holds each sample's input bytes per unit."""
    units = sorted((size for sample in unit_sizes for size in sample), reverse=True)
    parallel = max(1, (cores or 1) // ALIGN_THREADS)
    kept = KEPT * sum(units) + PER_SAMPLE * len(unit_sizes) + PER_RUN
    return round(kept + sum(map(transient, units[:parallel])))


def cache_need(genome_bases: int, aligner: str, reference_dir: Path) -> int:
    """Bytes the reference cache still needs: the prepared FASTA and the aligner's index."""
    genome = reference_dir / "genome.fa"
    need = 0.0 if genome.exists() else GENOME_FASTA * genome_bases
    index = [Path(f"{genome}{suffix}") for suffix in INDEX_FILES[aligner]]
    if not all(path.exists() for path in index):
        need += INDEX_PER_BASE[aligner] * genome_bases
    return round(need)


def existing_ancestor(path: Path) -> Path:
    """`path`, or its nearest parent that exists (a folder the run will create)."""
    path = path.absolute()
    while not path.exists():
        path = path.parent
    return path


def bytes_under(folders: Iterable[Path]) -> int:
    """The total size of the regular files under these folders (missing folders count 0)."""
    total = 0
    for folder in folders:
        for root, _, files in os.walk(folder):
            for name in files:
                path = Path(root, name)
                if not path.is_symlink():
                    total += path.stat().st_size
    return total


@dataclass(frozen=True)
class Space:
    """One filesystem's need and free space."""

    where: Path
    need: int
    free: int

    @property
    def enough(self) -> bool:
        return self.need <= self.free

    def describe(self) -> str:
        """'the run needs about 1.2 GB, 50 GB free in /data/run'."""
        return f"the run needs about {human(self.need)}, {human(self.free)} free in {self.where}"


def space_per_filesystem(workdir: Path, results: int, cache: Path, cached: int) -> list[Space]:
    """The run folder's need and free space, and the cache's (joined when on one filesystem).

    Free space in the run folder includes what the run's own folders already use.
    """
    run_root, cache_root = existing_ancestor(workdir), existing_ancestor(cache)
    reusable = bytes_under(workdir / folder for folder in RUN_FOLDERS)
    run = Space(workdir, results, shutil.disk_usage(run_root).free + reusable)
    if run_root.stat().st_dev == cache_root.stat().st_dev:
        return [Space(workdir, results + cached, run.free)]
    return [run, Space(cache, cached, shutil.disk_usage(cache_root).free)]


SPACE_FIX = (
    "free space there, or point the run elsewhere (run snakemake with --directory on a larger "
    "filesystem; cache_dir in the config for the reference cache)"
)


NEARLY_FULL = 100_000_000


def full_disk_message(folders: Iterable[Path]) -> str | None:
    """After a failed run: which of its folders' filesystems is (nearly) full, and what to do."""
    full = {
        folder: free
        for folder in folders
        if (free := shutil.disk_usage(existing_ancestor(folder)).free) < NEARLY_FULL
    }
    if not full:
        return None
    where = "; ".join(f"{folder} has {human(free)} free" for folder, free in full.items())
    return (
        f"the run's disk is full: {where}. Jobs that failed for lack of space left no finished "
        f"output. Fix: {SPACE_FIX}; then rerun the same command with --rerun-incomplete"
    )
