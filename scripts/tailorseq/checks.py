"""Check before compute: everything wrong with a run's config, sheets, input files, reference and
tools, found before any job starts and reported together as one numbered list; and whether
the run fits on its disks.

Two side effects, both in cache_dir: FASTQ scans are cached, and reference cache files that no
longer match their recorded checksums are removed so that the run rebuilds them.
"""

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tailorseq import tools
from tailorseq.check_summary import summarize
from tailorseq.config import CONFIG, config_problems, load_config, read_configfile
from tailorseq.diskspace import (
    SPACE_FIX,
    Space,
    cache_need,
    full_disk_message,
    results_need,
    space_per_filesystem,
)
from tailorseq.errors import InputError
from tailorseq.fastq import SAMPLE_RECORDS, FastqError, FastqScan, ScanCache, pair_problem
from tailorseq.files import sha256, unreadable
from tailorseq.germline_cnv_panel import panel_problems
from tailorseq.knowledge_checks import pgx_problems, pgx_release_note, tumour_type_problems
from tailorseq.refcache import reference_dir, reference_sources, verify_cache
from tailorseq.reference import (
    bed_problems,
    build_problems,
    detect_build,
    first_few,
    header_problems,
    is_url,
    load_builds,
    read_alignment_header,
    read_contigs,
    standard_name,
)
from tailorseq.rna.settings import RnaSettings
from tailorseq.samples import SampleSheet, Unit
from tailorseq.scoring.model import model_problems
from tailorseq.sheets import Problems, parse_sheets
from tailorseq.somatic.cnv_reference import reference_problems
from tailorseq.tools import ToolVersion

FastqKey = tuple[str, str, str]  # sample, unit, column (fq1 or fq2)
SCAN_CACHE = "fastq_scans.json"


# ---------------------------------------------------------------- findings


@dataclass
class Findings:
    """What the checks found: the problems, and the facts the summary reports."""

    config: dict[str, Any]
    sheet: SampleSheet
    samples_label: str
    units_label: str
    problems: list[InputError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    contigs: dict[str, int] | None = None
    scans: dict[FastqKey, FastqScan] = field(default_factory=dict)
    scan_seconds: float = 0.0
    scans_reused: int = 0
    tools: list[ToolVersion] = field(default_factory=list)
    space: list[Space] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    def unit_problem(self, unit: Unit, problem: str, fix: str) -> None:
        """Record a problem found in one of a unit's files, at its units.tsv row."""
        self.problems.append(InputError(self.units_label, problem, fix, unit.row))


def inspect_run(
    config: dict[str, Any], workdir: Path, *, check_tools: bool = True, cores: int | None = None
) -> Findings:
    """Run every check; a config that breaks its schema stops here, anything else is collected.

    `cores` (of the run) tells how many units may be aligned at once, for the space estimate.
    """
    problems = config_problems(config)
    if problems:
        raise Problems(problems)
    config = load_config(config)
    samples_tsv, units_tsv = workdir / config["samples"], workdir / config["units"]
    sheet, sheet_problems = parse_sheets(samples_tsv, units_tsv)
    findings = Findings(config, sheet, str(samples_tsv), str(units_tsv), sheet_problems)
    cache, sources = reference_dir(config, workdir), reference_sources(config, workdir)
    findings.repaired = verify_cache(cache, sources)
    readable_units = _check_unit_files(findings)
    _check_copies(findings, readable_units)
    findings.contigs = _check_reference(findings, workdir)
    _check_targets(findings, workdir)
    if config["cnv"]["enabled"] and config["cnv"]["reference"]:
        pooled = workdir / config["cnv"]["reference"]
        findings.problems += reference_problems(pooled, findings.contigs)
    if config["germline_cnv"]["enabled"] and config["germline_cnv"]["panel"]:
        panel = workdir / config["germline_cnv"]["panel"]
        findings.problems += panel_problems(panel, config["reference"]["build"])
    findings.problems += _rna_problems(findings)
    findings.problems += tumour_type_problems(
        sheet, config["somatic"]["oncotree"], workdir, findings.samples_label
    )
    findings.problems += pgx_problems(
        config["pgx"], sheet, workdir, check_tools=check_tools, build=config["reference"]["build"]
    )
    note = pgx_release_note(config["pgx"]["definitions"], config["reference"]["build"])
    if note:
        findings.notes.append(note)
    findings.problems += model_problems(config["calling"], config["caller"], workdir)
    scans = _scan_fastqs(findings, [u for u in readable_units if not u.is_bam], workdir)
    _check_bam_headers(findings, [u for u in readable_units if u.is_bam])
    versions = workdir / config["cache_dir"] / tools.VERSION_CACHE
    known = tools.load_versions(versions)
    cached = dict(known)  # check_tools adds the versions it reads to `known`
    if check_tools:
        with_rna = bool(findings.sheet.rna_samples())
        needed = tools.required_tools(config, with_rna)
        findings.tools, tool_problems = tools.check_tools(needed, known)
        findings.problems += tool_problems
    _check_space(findings, workdir, readable_units, cores)
    if not findings.problems:  # a refused run writes nothing
        _save_scans(findings, scans)
        if known != cached:
            _save_versions(findings, versions, known)
    return findings


def preflight(
    config: dict[str, Any], workdir: Path, *, check_tools: bool = True, cores: int | None = None
) -> SampleSheet:
    """Check everything before compute; the sample sheet, or `Problems` listing all problems.

    Repairs of the reference cache are announced on stderr.
    """
    findings = inspect_run(config, workdir, check_tools=check_tools, cores=cores)
    for message in findings.repaired:
        print(f"tailorseq: {message}", file=sys.stderr)
    if findings.problems:
        raise Problems(findings.problems)
    return findings.sheet


def _check_unit_files(findings: Findings) -> list[Unit]:
    """The units whose files all exist and are readable; the others reported."""
    fix = f"correct the path (relative to the folder of {findings.units_label}) or add the file"
    readable = []
    for unit in (unit for units in findings.sheet.units.values() for unit in units):
        bad = {column: why for column, path in unit.files.items() if (why := unreadable(path, fix))}
        for column, (problem, fix_it) in bad.items():
            findings.unit_problem(unit, f"{column} file {unit.files[column]} {problem}", fix_it)
        if not bad:
            readable.append(unit)
    return readable


def _check_copies(findings: Findings, units: list[Unit]) -> None:
    """Files of two units with the same bytes (same size, then same SHA-256) under different
    names: the same reads given twice, e.g. a sample swap. Only equal sizes are hashed."""
    by_size: dict[int, list[tuple[Unit, str, Path]]] = {}
    for unit in units:
        for column, path in unit.files.items():
            by_size.setdefault(path.stat().st_size, []).append((unit, column, path))
    for group in (group for group in by_size.values() if len(group) > 1):
        first: dict[str, tuple[Unit, str, Path]] = {}
        for unit, column, path in group:
            other, other_column, other_path = first.setdefault(sha256(path), (unit, column, path))
            if other_path != path and os.path.realpath(other_path) != os.path.realpath(path):
                problem = (
                    f"{column} {path} has the same reads (same size and SHA-256) as "
                    f"{other_column} {other_path} of row {other.row} (sample {other.sample})"
                )
                fix = "give each unit its own reads (a copied file may be a sample swap)"
                findings.unit_problem(unit, problem, fix)


def _check_reference(findings: Findings, workdir: Path) -> dict[str, int] | None:
    """The reference's contigs (None when not checkable now); build mismatches reported."""
    reference = findings.config["reference"]
    location, build = reference["fasta"], reference["build"]
    if is_url(location):
        findings.notes.append(f"reference {location} is a URL: checked after download")
        return None
    fasta = workdir / location
    demo_fix = "generate the demo: python -m tailorseq demo (make demo does it)"
    missing_fix = demo_fix if build == "demo" else "correct reference.fasta"
    bad = unreadable(fasta, missing_fix)
    if bad:
        findings.problems.append(InputError(CONFIG, f"reference.fasta {fasta} {bad[0]}", bad[1]))
        return None
    try:
        contigs = read_contigs(fasta)
    except InputError as error:
        findings.problems.append(error)
        return None
    builds = load_builds()
    found = build_problems(contigs, build, builds)
    findings.problems += [InputError(str(fasta), problem, fix) for problem, fix in found]
    if build in builds and not any(standard_name(name) for name in contigs):
        findings.notes.append(
            f"reference.build is '{build}' but none of the contigs of {fasta} "
            f"({first_few(list(contigs))}) has a standard name (1-22, X, Y, MT, with or without "
            f"chr): their lengths were not checked against {build}"
        )
    guess = detect_build(contigs, builds) if build not in builds else None
    if guess:
        findings.notes.append(
            f"reference contigs have {guess}'s lengths but reference.build is '{build}': "
            f"set it to {guess} to check against that build"
        )
    return contigs


def _check_targets(findings: Findings, workdir: Path) -> None:
    """The config's and each sample's target BED: readable, and on the reference's contigs."""
    beds: list[tuple[Path, str, int | None]] = []
    if findings.config["targets"]:
        beds.append((workdir / findings.config["targets"], CONFIG, None))
    beds += [
        (sample.targets, findings.samples_label, sample.row)
        for sample in findings.sheet.samples.values()
        if sample.targets
    ]
    for bed, label, row in beds:
        bad = unreadable(bed, "correct the path or add the BED file")
        if bad:
            findings.problems.append(InputError(label, f"targets {bed} {bad[0]}", bad[1], row))
        else:
            findings.problems += bed_problems(bed, findings.contigs)


def _rna_problems(findings: Findings) -> list[InputError]:
    """tumor_rna samples need the build's gene models (salmon's transcripts come from them)
    and receptor cut-offs whose equivocal band lies below the high one."""
    if not findings.config["rna"]["enabled"] or not findings.sheet.rna_samples():
        return []
    try:
        RnaSettings.from_config(findings.config["rna"])
    except InputError as error:
        return [error]
    if findings.config["reference"]["gff3"]:
        return []
    return [
        InputError(
            findings.samples_label,
            f"tumor_rna sample '{sample.sample}' needs gene models, but reference.gff3 is empty",
            "set reference.gff3 (the build's GFF3), or set rna.enabled: false to skip the RNA",
            sample.row,
        )
        for sample in findings.sheet.rna_samples()
    ]


# ---------------------------------------------------------------- FASTQ


def _scan_fastqs(findings: Findings, units: list[Unit], workdir: Path) -> ScanCache:
    """Scan every FASTQ in parallel (or reuse earlier scans); report broken files and pairs
    that do not agree. Returns the scans, to be saved for the next run."""
    limit = findings.config["checks"]["full_fastq_scan_max_mb"]
    cache = ScanCache(workdir / findings.config["cache_dir"] / SCAN_CACHE)
    jobs = {
        (unit.sample, unit.unit, column): path
        for unit in units
        for column, path in unit.files.items()
    }
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, min(len(jobs), os.cpu_count() or 1))) as pool:
        futures = {key: pool.submit(cache.scan, path, limit) for key, path in jobs.items()}
    findings.scan_seconds = time.perf_counter() - start
    findings.scans_reused = cache.reused
    for unit in units:
        for column in ("fq1", "fq2"):
            try:
                scan = futures[(unit.sample, unit.unit, column)].result()
            except FastqError as error:
                path = unit.files[column]
                findings.unit_problem(unit, f"{column} {path} {error.problem}", error.fix)
                continue
            except OSError as error:
                problem = f"{column} {unit.files[column]} cannot be read ({error.strerror})"
                findings.unit_problem(unit, problem, "copy the file again")
                continue
            findings.scans[(unit.sample, unit.unit, column)] = scan
            if not scan.complete:
                findings.notes.append(_sampled_note(unit, column, scan, limit))
        _check_pair(findings, unit)
    return cache


def _save_scans(findings: Findings, cache: ScanCache) -> None:
    """Keep the FASTQ scans for the next run; a cache that cannot be written is only a note."""
    try:
        cache.save()
    except OSError as error:
        findings.notes.append(f"FASTQ scans not cached in {cache.path}: {error.strerror}")


def _save_versions(findings: Findings, path: Path, known: dict[str, dict]) -> None:
    """Keep the tools' versions for the next run; a cache that cannot be written is a note."""
    try:
        tools.save_versions(path, known)
    except OSError as error:
        findings.notes.append(f"tool versions not cached in {path}: {error.strerror}")


def _sampled_note(unit: Unit, column: str, scan: FastqScan, limit: float) -> str:
    """The note for a file too large for a full scan."""
    return (
        f"{unit.sample}/{unit.unit} {column} ({scan.size_mb:,.0f} MB) is larger than "
        f"checks.full_fastq_scan_max_mb ({limit:g}): only its first {SAMPLE_RECORDS:,} records "
        "were checked, not its read count or its end (raise the limit to read it all)"
    )


def _check_pair(findings: Findings, unit: Unit) -> None:
    """R1 and R2 of a unit must be mates: same read names in the same order, same number of
    reads. Each problem names both files."""
    pair = [findings.scans.get((unit.sample, unit.unit, column)) for column in ("fq1", "fq2")]
    if pair[0] is None or pair[1] is None:
        return
    problem = pair_problem(pair[0], pair[1])
    if problem:
        findings.unit_problem(unit, *problem)


# ---------------------------------------------------------------- BAM/CRAM


def _check_bam_headers(findings: Findings, units: list[Unit]) -> None:
    """Each BAM/CRAM header: readable, with read groups, on the reference's contigs."""
    for unit in units:
        bam = unit.files["bam"]
        try:
            header = read_alignment_header(bam)
        except InputError as error:
            findings.unit_problem(unit, f"bam {bam} {error.problem}", error.fix)
            continue
        for problem, fix in header_problems(header, findings.contigs):
            findings.unit_problem(unit, f"bam {bam} {problem}", fix)


# ---------------------------------------------------------------- disk space


def _check_space(findings: Findings, workdir: Path, units: list[Unit], cores: int | None) -> None:
    """Estimate the run's disk space from its inputs; too little free space is a problem."""
    config = findings.config
    if not config["checks"]["disk_space"]:
        findings.notes.append("disk space not checked (checks.disk_space: false)")
        return
    per_sample: dict[str, list[int]] = {}
    for unit in units:
        size = sum(path.stat().st_size for path in unit.files.values())
        per_sample.setdefault(unit.sample, []).append(size)
    results = results_need(list(per_sample.values()), cores)
    cache = reference_dir(config, workdir)
    bases = sum(findings.contigs.values()) if findings.contigs else 0
    if not findings.contigs:
        findings.notes.append("the reference cache's size is not in the disk space estimate")
    cached = cache_need(bases, config["aligner"], cache)
    findings.space = space_per_filesystem(workdir, results, cache, cached)
    findings.problems += [
        InputError(str(space.where), f"not enough disk space: {space.describe()}", SPACE_FIX)
        for space in findings.space
        if not space.enough
    ]


# ---------------------------------------------------------------- summary


def check_configfile(configfile: Path, workdir: Path, cores: int | None = None) -> str:
    """Run every check for a config file; a printable summary, or `Problems` with all problems."""
    findings = inspect_run(read_configfile(configfile), workdir, cores=cores)
    if findings.problems:
        raise Problems(findings.problems)
    return summarize(findings, configfile)


def report_full_disk(folders: list[Path]) -> None:
    """After a failed run, say on stderr when its disk is full (Snakemake's `onerror`)."""
    message = full_disk_message(folders)
    if message:
        print(f"tailorseq: {message}", file=sys.stderr)
