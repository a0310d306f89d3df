"""Helpers for the check-before-compute tests: a small run (sheets, FASTQ, reference) built in
tmp_path by code, to break one thing at a time."""

import gzip
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pysam

from tailorseq.checks import inspect_run

CONTIGS = {"chr1": 1000, "chr2": 500}
SAMPLE_COLUMNS = ["sample", "patient", "kind", "sex", "purity", "tumor_type", "targets"]
UNIT_COLUMNS = ["sample", "unit", "fq1", "fq2", "bam", "adapters"]


def fastq_text(reads: int, prefix: str = "read", mate: int = 1, length: int = 20) -> str:
    """`reads` FASTQ records named <prefix><n>/<mate>."""
    return "".join(
        f"@{prefix}{n}/{mate}\n{'ACGTN'[n % 5] * length}\n+\n{'I' * length}\n" for n in range(reads)
    )


def write_fastq(path: Path, reads: int = 10, *, mate: int = 1, prefix: str = "read") -> Path:
    """A FASTQ file, gzipped when the name ends in .gz."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = fastq_text(reads, prefix, mate).encode()
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def write_fasta(path: Path, contigs: dict[str, int]) -> Path:
    """A FASTA with 60-base lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        for name, length in contigs.items():
            handle.write(f">{name} test contig\n")
            sequence = "ACGT" * (length // 4) + "A" * (length % 4)
            handle.writelines(sequence[i : i + 60] + "\n" for i in range(0, length, 60))
    return path


def write_fai(fasta: Path, contigs: dict[str, int]) -> Path:
    """A .fai claiming these contig lengths (lets tests use real chromosome sizes cheaply)."""
    fai = Path(f"{fasta}.fai")
    fai.write_text("".join(f"{name}\t{length}\t0\t60\t61\n" for name, length in contigs.items()))
    os.utime(fai, (fasta.stat().st_mtime + 1,) * 2)
    return fai


def write_bam(path: Path, contigs: dict[str, int], *, read_group: bool = True) -> Path:
    """An empty BAM (CRAM for .cram) with these @SQ lines and one @RG unless told otherwise."""
    header: dict[str, Any] = {
        "HD": {"VN": "1.6", "SO": "coordinate"},
        "SQ": [{"SN": name, "LN": length} for name, length in contigs.items()],
    }
    if read_group:
        header["RG"] = [{"ID": "rg1", "SM": "sample"}]
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wc" if path.suffix == ".cram" else "wb"
    with pysam.AlignmentFile(str(path), mode, header=header):
        pass
    return path


def write_tsv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    """A TSV with these columns; missing cells are left empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["\t".join(columns)] + ["\t".join(row.get(c, "") for c in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def write_tool(folder: Path, name: str, output: str, *, status: int = 0) -> Path:
    """A fake executable that prints `output` on stderr (shell builtins only: PATH may be bare)."""
    folder.mkdir(parents=True, exist_ok=True)
    tool = folder / name
    lines = "".join(f"echo '{line}' >&2\n" for line in output.splitlines())
    tool.write_text(f"#!/bin/sh\n{lines}exit {status}\n")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    return tool


@dataclass
class Project:
    """A small valid run in `root`: germline g1 (patient p1), tumour t1 and normal n1 (p2)."""

    root: Path
    samples: list[dict[str, str]] = field(default_factory=list)
    units: list[dict[str, str]] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def samples_tsv(self) -> Path:
        return self.root / "config" / "samples.tsv"

    @property
    def units_tsv(self) -> Path:
        return self.root / "config" / "units.tsv"

    def write(self) -> "Project":
        """Write both sheets from `samples` and `units`."""
        write_tsv(self.samples_tsv, SAMPLE_COLUMNS, self.samples)
        write_tsv(self.units_tsv, UNIT_COLUMNS, self.units)
        return self

    def problems(self) -> list[str]:
        """Every problem the checks find (tools not checked), as messages."""
        self.write()
        return [str(p) for p in inspect_run(self.config, self.root, check_tools=False).problems]

    def only_problem(self) -> str:
        """The single problem the checks find."""
        found = self.problems()
        assert len(found) == 1, found
        return found[0]


def make_project(root: Path) -> Project:
    """The valid project: FASTQ pairs (gzip and plain) under data/, a two-contig reference."""
    data = root / "data"
    for name, suffix in (("g1", ".fq.gz"), ("t1", ".fq.gz"), ("n1", ".fq")):
        write_fastq(data / f"{name}_R1{suffix}", 12, mate=1, prefix=name)
        write_fastq(data / f"{name}_R2{suffix}", 12, mate=2, prefix=name)
    write_fasta(root / "ref" / "genome.fa", CONTIGS)
    project = Project(
        root,
        samples=[
            {"sample": "g1", "patient": "p1", "kind": "germline", "sex": "female"},
            {"sample": "t1", "patient": "p2", "kind": "tumor", "purity": "0.6"},
            {"sample": "n1", "patient": "p2", "kind": "normal"},
        ],
        units=[
            {"sample": name, "unit": "lane1", "fq1": f"../data/{name}_R1{suffix}"}
            | {"fq2": f"../data/{name}_R2{suffix}"}
            for name, suffix in (("g1", ".fq.gz"), ("t1", ".fq.gz"), ("n1", ".fq"))
        ],
        config={
            "samples": "config/samples.tsv",
            "units": "config/units.tsv",
            "reference": {"build": "test", "fasta": "ref/genome.fa"},
        },
    )
    return project.write()
