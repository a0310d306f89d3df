"""A configured panel of normals for germline exon copy number (config `germline_cnv.panel`):
each normal's relative depth per copy over every coding part of the genes (the same numbers
tailorseq.germline_cnv computes for the run's own samples), so that a run with too few germline
samples of its own is compared with the lab's normals instead.

Built by `tailorseq germline-cnv-panel` from normal BAMs over the gene CDS BED of a run with the
same annotation (mosdepth `--by` with the gene_coverage rule's options, reads of MAPQ >=
calling.min_mapq). Only parts off the sex chromosomes are kept: a normal's copies of chrX
depend on its sex, which the builder is not given, so exon copy number of X- and Y-linked
genes stays "not assessed" against a panel.
A panel whose parts are not exactly the run's (another annotation or gene list) or whose build
is another is refused with the reason.
"""

from __future__ import annotations

import gzip
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tailorseq.errors import InputError
from tailorseq.files import sha256
from tailorseq.germline_cnv import Part, read_part_depths, relative_depths
from tailorseq.reference import read_contigs
from tailorseq.sex import find_sex_contigs

FORMAT = "tailorseq-germline-cnv-panel/1"
CONFIG = "config germline_cnv.panel"
FIX = (
    "build one with `tailorseq germline-cnv-panel --parts <the run's gene CDS BED> --fasta "
    "<the run's reference> --build <reference.build> NORMAL.bam ...`"
)
COLUMNS = ["contig", "start", "end", "name"]


@dataclass(frozen=True)
class Panel:
    """A panel's build, its parts (the BED's name `GENE|n` in `name`) and its normals'
    relative depths (normals x parts)."""

    build: str
    parts: list[tuple[str, int, int, str]]
    relative: np.ndarray


def write_panel(
    path: Path, build: str, parts: list[Part], names: list[str], relative: np.ndarray
) -> None:
    """The panel TSV: a format line, the build, then one row per part with each normal's
    relative depth (columns normal1.. : the normals are counted, not named)."""
    header = COLUMNS + [f"normal{index + 1}" for index in range(relative.shape[0])]
    lines = [f"# {FORMAT}\n", f"# build\t{build}\n", "\t".join(header) + "\n"]
    for column, (part, name) in enumerate(zip(parts, names, strict=True)):
        values = "\t".join(f"{value:.5f}" for value in relative[:, column])
        lines.append(f"{part.contig}\t{part.start}\t{part.end}\t{name}\t{values}\n")
    path.write_text("".join(lines))


def read_panel(path: Path) -> Panel:
    """The panel; InputError naming the file when it is not one."""
    lines = path.read_text().splitlines() if path.is_file() else []
    if len(lines) < 3 or lines[0] != f"# {FORMAT}" or not lines[1].startswith("# build\t"):
        what = "does not exist" if not path.is_file() else f"is not a {FORMAT} file"
        raise InputError(CONFIG, f"{path} {what}", FIX)
    rows = [line.split("\t") for line in lines[3:]]
    parts = [(r[0], int(r[1]), int(r[2]), r[3]) for r in rows]
    relative = np.array([[float(v) for v in r[4:]] for r in rows], dtype=float).T
    return Panel(lines[1].split("\t")[1], parts, relative.reshape(-1, len(parts)))


def panel_problems(path: Path, build: str) -> list[InputError]:
    """Why the panel cannot serve a run of `build`, before compute (its parts are checked
    against the run's when the gene BED exists, in `aligned`)."""
    try:
        panel = read_panel(path)
    except InputError as error:
        return [error]
    if panel.build != build:
        problem = f"{path} was built on {panel.build}, the run's reference.build is {build}"
        return [InputError(CONFIG, problem, FIX)]
    return []


def aligned(
    panel: Panel, parts: list[Part], names: list[str], sex_chromosomes: set[str], path: Path
) -> np.ndarray:
    """The panel's relative depths in the run's part order (normals x run parts; NaN for the
    run's sex-chromosome parts, which no panel holds); InputError when the panel's parts are
    not exactly the run's other parts (another annotation or gene list)."""
    index = {key: column for column, key in enumerate(panel.parts)}
    keys = [(p.contig, p.start, p.end, name) for p, name in zip(parts, names, strict=True)]
    wanted = {key for key in keys if key[0] not in sex_chromosomes}
    if set(index) != wanted:
        extra, lacking = sorted(set(index) - wanted), sorted(wanted - set(index))
        example = f"{extra[0][3]} is not the run's" if extra else f"{lacking[0][3]} is missing"
        problem = (
            f"{path} has other coding parts than the run's gene annotation ({example}; "
            f"{len(extra)} extra, {len(lacking)} missing): it was built with another "
            "annotation or gene list"
        )
        raise InputError(CONFIG, problem, FIX)
    nan = np.full(panel.relative.shape[0], np.nan)
    return np.array([panel.relative[:, index[k]] if k in index else nan for k in keys]).T


def part_names(regions: Path) -> list[str]:
    """The BED names (`GENE|n`) of mosdepth's `.regions.bed.gz`, in its order."""
    with gzip.open(regions, "rt") as handle:
        return [line.split("\t")[3] for line in handle]


def build_panel(
    bams: list[Path], parts_bed: Path, fasta: Path, build: str, out: Path, min_mapq: int,
    threads: int,
) -> dict[str, Any]:  # fmt: skip
    """Each normal's depth over the parts (mosdepth), per copy over its median, off the sex
    chromosomes; written to `out`. What was built, for the command's message."""
    sex_contigs = find_sex_contigs(read_contigs(fasta))
    with tempfile.TemporaryDirectory() as work:
        depth_rows = []
        for number, bam in enumerate(bams):
            prefix = Path(work) / f"normal{number}"
            # the gene_coverage rule's options (workflow/rules/report.smk), so that the
            # normals' depths are counted as the run's samples' are (no --fast-mode: mates'
            # overlaps counted once, deletions not counted as covered)
            subprocess.run(
                ["mosdepth", "--no-per-base", "--fasta", str(fasta), "--threads", str(threads),
                 "--mapq", str(min_mapq), "--by", str(parts_bed), str(prefix), str(bam)],
                check=True, capture_output=True,
            )  # fmt: skip
            parts, depths = read_part_depths(Path(f"{prefix}.regions.bed.gz"))
            depth_rows.append(depths)
        names = part_names(Path(work) / "normal0.regions.bed.gz")
    keep = [i for i, p in enumerate(parts) if p.contig not in (sex_contigs.x, sex_contigs.y)]
    depths = np.vstack(depth_rows)[:, keep]
    relative, _ = relative_depths(depths, np.full(depths.shape, 2.0))
    write_panel(out, build, [parts[i] for i in keep], [names[i] for i in keep], relative)
    return {"normals": len(bams), "parts": len(keep), "sha256": sha256(out)}
