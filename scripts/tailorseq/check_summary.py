"""The printable summary of a run that passed every check (`tailorseq check`)."""

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tailorseq.samples import Unit
from tailorseq.tools import ToolVersion

if TYPE_CHECKING:
    from tailorseq.checks import Findings


def summarize(findings: "Findings", configfile: Path) -> str:
    """A human summary of a run that passed every check."""
    config, sheet = findings.config, findings.sheet
    kinds = _count(sample.kind for sample in sheet.samples.values())
    units = [unit for group in sheet.units.values() for unit in group]
    pairs = ", ".join(f"{t.sample}/{n.sample}" for t, n in sheet.tumor_normal_pairs()) or "none"
    lines = [
        f"tailorseq check: all checks passed for {configfile}",
        f"samples: {len(sheet.samples)} ({kinds}) from {findings.samples_label}",
        f"units: {len(units)} ({_count('BAM' if u.is_bam else 'FASTQ' for u in units)})"
        f" from {findings.units_label}",
        f"tumour/normal pairs: {pairs}",
        _reference_line(findings),
        f"aligner: {config['aligner']}, caller: {config['caller']}, "
        f"alignment: {config['alignment']['format']}",
        *_tool_lines(findings.tools),
        *_fastq_lines(findings, units),
        *(f"disk space: {space.describe()}" for space in findings.space),
    ]
    lines += [f"repaired: {message}" for message in findings.repaired]
    lines += [f"note: {note}" for note in findings.notes]
    return "\n".join(lines)


def _count(values: Any) -> str:
    """'germline 2, tumor 1' from an iterable of labels, in first-seen order."""
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return ", ".join(f"{name} {number}" for name, number in counts.items())


def _reference_line(findings: "Findings") -> str:
    """The reference: build, contigs and total length."""
    reference = findings.config["reference"]
    if findings.contigs is None:
        return f"reference: {reference['fasta']} (build {reference['build']}, not checked yet)"
    names = list(findings.contigs)
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    total = sum(findings.contigs.values())
    return (
        f"reference: {reference['fasta']} (build {reference['build']}): "
        f"{len(names)} contig{'s' if len(names) > 1 else ''}, {total:,} bp ({shown})"
    )


def _tool_lines(tools: list[ToolVersion]) -> list[str]:
    """One line listing every tool with its version and path."""
    if not tools:
        return ["tools: not checked"]
    return ["tools: " + ", ".join(f"{t.name} {t.version} ({t.path})" for t in tools)]


def _fastq_lines(findings: "Findings", units: list[Unit]) -> list[str]:
    """Read counts per FASTQ unit and the scan speed."""
    lines = []
    for unit in units:
        scan = findings.scans.get((unit.sample, unit.unit, "fq1"))
        if scan:
            count = f"{scan.reads:,} read pairs" if scan.complete else "not counted (too large)"
            lines.append(f"  {unit.sample}/{unit.unit}: {count}")
    if not lines:
        return []
    scanned = [scan for scan in findings.scans.values() if scan.complete]
    megabytes = sum(scan.size_mb for scan in scanned)
    reused = f", {findings.scans_reused} unchanged since an earlier scan" * bool(
        findings.scans_reused
    )
    return [
        "FASTQ:",
        *lines,
        f"FASTQ scan: {len(scanned)} files, {megabytes:,.1f} MB read completely{reused}, in "
        f"{findings.scan_seconds:.2f} s",
    ]
