"""Measure a sample's sex evidence from its alignment (tailorseq.sex judges it).

Cheap by design, since calling waits for it when the sheet gives no sex: windows of
`WINDOW` bases spread evenly over the autosomes, non-PAR chrX and male-specific chrY (at most
`sample_mb` Mb of each, within the capture targets when there are some), then
- depth: `samtools bedcov -Q MAPQ -j` summed per group over its non-N bases (reads that map
  equally well to X and Y, MAPQ 0, are left out, so a female's chrY stays near 0);
- chrX heterozygosity: `bcftools mpileup | bcftools call -mv` on the chrX windows, always
  diploid (the calling ploidy would hide a female's heterozygous sites), counting the
  heterozygous share of sites with QUAL and depth at the calling thresholds.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pysam

from tailorseq.errors import InputError
from tailorseq.sex import SexContigs, SexEvidence, autosomes, spread_windows

WINDOW = 100_000
Window = tuple[str, int, int]  # contig, first, last (1-based, inclusive)


def read_bed(path: Path | None) -> dict[str, list[tuple[int, int]]]:
    """A BED's intervals per contig, 1-based inclusive; empty without a BED."""
    intervals: dict[str, list[tuple[int, int]]] = {}
    if path is None:
        return intervals
    for line in Path(path).read_text().splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith(("#", "track", "browser")):
            intervals.setdefault(fields[0], []).append((int(fields[1]) + 1, int(fields[2])))
    return intervals


def within(windows: list[Window], targets: dict[str, list[tuple[int, int]]]) -> list[Window]:
    """The parts of `windows` inside the targets."""
    parts = []
    for contig, first, last in windows:
        for start, end in targets.get(contig, []):
            if start <= last and end >= first:
                parts.append((contig, max(first, start), min(last, end)))
    return parts


def sampled_windows(contigs: SexContigs, sample_mb: float, targets: Path | None) -> dict:
    """Windows per group (autosomes, x, y); a group is empty when its contig is absent."""
    budget = int(sample_mb * 1_000_000)
    groups = {
        "autosomes": [(n, 1, contigs.lengths[n]) for n in autosomes(contigs)],
        "x": [(contigs.x, a, b) for a, b in contigs.non_par(contigs.x)],
        "y": [(contigs.y, a, b) for a, b in contigs.non_par(contigs.y)],
    }
    picked = {group: spread_windows(spans, budget, WINDOW) for group, spans in groups.items()}
    if targets is not None:
        bed = read_bed(targets)
        picked = {group: within(windows, bed) for group, windows in picked.items()}
    return picked


def _run(command: list[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise InputError(command[-1], result.stderr.strip()[-2000:], "check the alignment")
    return result.stdout


def _write_bed(path: Path, windows: list[Window]) -> Path:
    path.write_text("".join(f"{c}\t{a - 1}\t{b}\n" for c, a, b in windows))
    return path


def group_depths(bam: Path, fasta: Path, windows: dict, min_mapq: int, work: Path) -> dict:
    """Mean depth per group over its windows' non-N bases (None without such bases)."""
    rows = [(group, w) for group, spans in windows.items() for w in spans]
    if not rows:
        return {group: None for group in windows}
    bed = _write_bed(work / "depth.bed", [w for _, w in rows])
    output = _run(["samtools", "bedcov", "-Q", str(min_mapq), "-j", "--reference",
                   str(fasta), str(bed), str(bam)])  # fmt: skip
    sums = [int(line.split("\t")[-1]) for line in output.splitlines() if line]
    depth = dict.fromkeys(windows, 0)
    bases = dict.fromkeys(windows, 0)
    with pysam.FastaFile(str(fasta)) as reference:
        for (group, (contig, first, last)), total in zip(rows, sums, strict=True):
            sequence = reference.fetch(contig, first - 1, last).upper()
            bases[group] += len(sequence) - sequence.count("N")
            depth[group] += total
    return {group: depth[group] / bases[group] if bases[group] else None for group in windows}


def x_heterozygosity(
    bam: Path, fasta: Path, windows: list[Window], limits: dict, work: Path
) -> tuple[float | None, int]:
    """(heterozygous share, confident variant sites) of diploid calls on the chrX windows."""
    if not windows:
        return None, 0
    bed = _write_bed(work / "x.bed", windows)
    calls = work / "x.vcf"
    pileup = subprocess.Popen(
        ["bcftools", "mpileup", "--no-version", "-f", str(fasta), "-R", str(bed),
         "-q", str(limits["min_mapq"]), "-Q", str(limits["min_baseq"]), "-Ou", str(bam)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    call = subprocess.run(
        ["bcftools", "call", "--no-version", "-mv", "-Ov", "-o", str(calls)],
        stdin=pileup.stdout, capture_output=True, text=True,
    )  # fmt: skip
    pileup.stdout.close()
    error = pileup.stderr.read().decode()
    if pileup.wait() != 0 or call.returncode != 0:
        raise InputError(str(bam), (error + call.stderr).strip()[-2000:], "check the alignment")
    het = sites = 0
    with pysam.VariantFile(str(calls)) as handle:
        for record in handle:
            if (record.qual or 0) < limits["min_qual"] or record.info.get("DP", 0) < limits[
                "min_depth"
            ]:
                continue
            gt = record.samples[0]["GT"]
            if None in gt:
                continue
            sites += 1
            het += len(set(gt)) > 1
    return (het / sites if sites else None), sites


def measure(
    bam: Path, fasta: Path, contigs: SexContigs, limits: dict, targets: Path | None = None
) -> SexEvidence:
    """The sample's sex evidence; `limits` holds min_mapq, min_baseq, min_qual, min_depth and
    sample_mb."""
    windows = sampled_windows(contigs, limits["sample_mb"], targets)
    with tempfile.TemporaryDirectory(prefix="sex-") as tmp:
        depths = group_depths(bam, fasta, windows, limits["min_mapq"], Path(tmp))
        het, sites = x_heterozygosity(bam, fasta, windows["x"], limits, Path(tmp))
    autosomal = depths["autosomes"]

    def ratio(group: str) -> float | None:
        value = depths[group]
        return None if value is None or not autosomal else round(value / autosomal, 4)

    return SexEvidence(
        x_het_share=None if het is None else round(het, 4),
        x_sites=sites,
        x_depth_ratio=ratio("x"),
        y_depth_ratio=ratio("y"),
    )
