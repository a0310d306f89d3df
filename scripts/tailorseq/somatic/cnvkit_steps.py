"""CNVkit's commands run in this process, and the steps a pair's copy number
(scripts/somatic_cnv.py) and a pooled reference of normals (`tailorseq cnv-reference`) share:
a normal's covered territory, bins sized by depth over it, coverage over the bins and the
reference. Needs CNVkit's cnvlib (the `copy-number` extra).
"""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path
from typing import Any

from cnvlib import commands as cnvkit_commands

from tailorseq import documents
from tailorseq.files import sha256
from tailorseq.regions import Region, read_bed, subtract, write_bed
from tailorseq.somatic import cnv_reference
from tailorseq.somatic import copy_number as cnv
from tailorseq.tools import find_tool
from tailorseq.tools import run_logged as run

CNVKIT = "cnvkit.py"


def cnvkit(*args: str | Path) -> None:
    """A `cnvkit.py` command run in this process the way cnvkit.py runs it (its argument parser,
    then the command), so that CNVkit's libraries load once instead of once per step (seconds
    each); the command line and CNVkit's messages go to stderr (the rule's log)."""
    command = [str(arg) for arg in args]
    print("+", CNVKIT, " ".join(command), file=sys.stderr, flush=True)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    parsed = cnvkit_commands.parse_args(command)
    with contextlib.redirect_stdout(sys.stderr):  # autobin prints its bin sizes
        parsed.func(parsed)


def covered(
    bam: Path, access: list[Region], prefix: Path, settings: cnv.CnvSettings, min_mapq: int,
    threads: int,
) -> list[Region]:  # fmt: skip
    """The accessible sequence `bam` covers at the territory depth (mosdepth)."""
    env = {"MOSDEPTH_Q0": "low", "MOSDEPTH_Q1": "covered"}
    run("mosdepth", "--no-per-base", "--fast-mode", "--threads", str(threads), "--mapq",
        str(min_mapq), "--quantize", f"0:{settings.territory_min_depth}:", prefix, bam,
        env=env)  # fmt: skip
    quantized = prefix.with_name(prefix.name + ".quantized.bed.gz")
    return cnv.territory(quantized, access, settings.territory_max_gap)


def autobin(bams: list[Path], territory: list[Region], work: Path, bp_per_bin: int) -> Path:
    """Bins over the territory sized by the depth there (CNVkit autobin, which takes the
    median-sized of several BAMs, as `batch --normal` does); the bins' BED."""
    write_bed(territory, work / "territory.bed")
    cnvkit("autobin", *bams, "-m", "wgs", "-g", work / "territory.bed",
           "--bp-per-bin", str(bp_per_bin), "--target-output-bed", work / "bins.bed",
           "--antitarget-output-bed", work / "none.bed")  # fmt: skip
    return work / "bins.bed"


def coverage(bam: Path, bed: Path, out: Path, threads: int) -> Path:
    """CNVkit's read depth of `bam` over the BED's bins."""
    cnvkit("coverage", bam, bed, "-p", str(threads), "-o", out)
    return out


def no_antitargets(bam: Path, work: Path, name: str, threads: int) -> Path:
    """The empty antitarget coverage CNVkit's reference and fix expect (WGS mode has none)."""
    (work / "empty.bed").write_text("")
    return coverage(bam, work / "empty.bed", work / f"{name}.antitargetcoverage.cnn", threads)


def build_reference(
    normals: list[Path], fasta: Path, access: Path, out: Path, settings: cnv.CnvSettings,
    min_mapq: int, threads: int, work: Path,
) -> dict[str, Any]:  # fmt: skip
    """A CNVkit reference pooled from `normals` into `out`: bins over the sequence every normal
    covers, sized by depth as for a pair, each normal's coverage, then `cnvkit reference` (GC
    and repeat-masking from `fasta`; each normal's sex inferred by CNVkit). The record written
    beside it (normals, bins, the reference's sha256) is returned."""
    allowed = read_bed(access)
    territory = allowed
    for index, bam in enumerate(normals):
        held = covered(bam, allowed, work / f"normal{index}", settings, min_mapq, threads)
        territory = subtract(territory, subtract(territory, held))
    bed = autobin(normals, territory, work, settings.bp_per_bin)
    profiles = []
    for index, bam in enumerate(normals):
        profiles.append(coverage(bam, bed, work / f"normal{index}.targetcoverage.cnn", threads))
        profiles.append(no_antitargets(bam, work, f"normal{index}", threads))
    cnvkit("reference", *profiles, "--fasta", fasta, "-o", out)
    record = {
        "tool": {"name": "CNVkit", "version": find_tool(CNVKIT).version},
        "normals": [str(bam) for bam in normals],
        "fasta": str(fasta),
        "territory_bases": sum(region.length for region in territory),
        "bins": len(cnv_reference.bins(out)),
        "settings": vars(settings),
        "sha256": sha256(out),
    }
    return documents.write(cnv_reference.KIND, record, cnv_reference.record_path(out))
