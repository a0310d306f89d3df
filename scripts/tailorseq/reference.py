"""Reference checks: contig lengths against the genome build, BAM/CRAM headers and BED files
against the reference.

Functions that can find several problems return (problem, fix) pairs; the caller says where.
"""

import csv
import functools
import gzip
import itertools
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

import pysam

from tailorseq.errors import InputError
from tailorseq.locations import RESOURCES
from tailorseq.regions import contig_lengths

BUILDS_TSV = RESOURCES / "genome_builds.tsv"
STANDARD_CONTIGS = frozenset([*map(str, range(1, 23)), "X", "Y", "MT"])
BLOCK = 4 << 20
SHOWN = 3  # contigs named in one message before "and N more"

Problem = tuple[str, str]
Builds = dict[str, dict[str, frozenset[int]]]


def is_url(location: str) -> bool:
    """True for an http(s), ftp or file URL (checked when downloaded, not before)."""
    return urlparse(location).scheme in ("http", "https", "ftp", "file")


# ---------------------------------------------------------------- contigs of a FASTA


def read_contigs(fasta: Path) -> dict[str, int]:
    """Contig names and lengths: from an up-to-date `.fai`, else from the FASTA (plain or bgzip)."""
    fai = Path(f"{fasta}.fai")
    if fai.is_file() and fai.stat().st_mtime >= fasta.stat().st_mtime:
        try:
            return contig_lengths(fai)
        except (OSError, ValueError, IndexError) as error:
            raise InputError(
                str(fai), f"is not a samtools faidx index ({error})", "delete it; it is rebuilt"
            ) from error
    try:
        contigs = _scan_fasta(fasta)
    except (OSError, EOFError) as error:
        raise InputError(
            str(fasta), f"cannot be read ({error})", "give a plain or bgzipped FASTA"
        ) from error
    if not contigs:
        raise InputError(str(fasta), "is not a FASTA file (no '>' header line)", "give a FASTA")
    return contigs


def _open_fasta(fasta: Path) -> BinaryIO:
    """The FASTA's bytes, decompressed if it is gzip/bgzip."""
    with fasta.open("rb") as handle:
        compressed = handle.read(2) == b"\x1f\x8b"
    return gzip.open(fasta, "rb") if compressed else fasta.open("rb")  # type: ignore[return-value]


def _scan_fasta(fasta: Path) -> dict[str, int]:
    """Name -> length by reading the FASTA in large blocks (no per-line Python work)."""
    lengths: dict[str, int] = {}
    name, header, in_header = None, b"", False
    with _open_fasta(fasta) as handle:
        while block := handle.read(BLOCK):
            position = 0
            while position < len(block):
                if in_header:
                    end = block.find(b"\n", position)
                    header += block[position : end if end >= 0 else len(block)]
                    if end < 0:
                        break
                    name = header.split(maxsplit=1)[0].decode() if header.strip() else ""
                    lengths[name], header, in_header, position = 0, b"", False, end + 1
                    continue
                start = block.find(b">", position)
                stop = start if start >= 0 else len(block)
                if name is not None:
                    bases = block[position:stop]
                    lengths[name] += len(bases) - bases.count(b"\n") - bases.count(b"\r")
                in_header, position = start >= 0, stop + 1
    return lengths


# ---------------------------------------------------------------- genome builds


@functools.cache
def load_builds(path: Path = BUILDS_TSV) -> Builds:
    """build -> standard contig -> accepted lengths, from `resources/genome_builds.tsv`."""
    builds: defaultdict[str, defaultdict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    with path.open() as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            builds[row["build"]][row["contig"]].add(int(row["length"]))
    return {
        build: {c: frozenset(n) for c, n in contigs.items()} for build, contigs in builds.items()
    }


def standard_name(contig: str) -> str | None:
    """'chr20' and '20' -> '20', 'chrM'/'M'/'MT' -> 'MT'; None for non-standard contigs."""
    name = contig[3:] if contig.lower().startswith("chr") else contig
    name = "MT" if name.upper() in ("M", "MT") else name
    return name if name in STANDARD_CONTIGS else None


def builds_with_length(contig: str, length: int, builds: Builds) -> list[str]:
    """The builds in which a standard contig has this length."""
    name = standard_name(contig)
    return [build for build, lengths in builds.items() if length in lengths.get(name or "", ())]


def build_problems(contigs: dict[str, int], build: str, builds: Builds) -> list[Problem]:
    """A problem when standard contigs do not have `build`'s lengths (unknown builds: none)."""
    if build not in builds:
        return []
    wrong = [
        (name, length)
        for name, length in contigs.items()
        if (standard := standard_name(name)) and length not in builds[build].get(standard, ())
    ]
    if not wrong:
        return []
    others = {b for name, length in wrong for b in builds_with_length(name, length, builds)}
    facts = [_length_fact(name, length, build, builds) for name, length in wrong]
    more = f"; and {len(facts) - SHOWN} more contigs" if len(facts) > SHOWN else ""
    problem = "; ".join(facts[:SHOWN]) + more + f"; config says {build}"
    if len(others) == 1 and all(builds_with_length(n, x, builds) for n, x in wrong):
        fix = f"set reference.build: {others.pop()}, or use a {build} FASTA"
    else:
        fix = f"use a {build} FASTA, or give reference.build a custom name (no build checks)"
    return [(problem, fix)]


def _length_fact(name: str, length: int, build: str, builds: Builds) -> str:
    """'contig 20 has length 63025520, which is GRCh37's' or '..., not GRCh38's 64444167'."""
    others = builds_with_length(name, length, builds)
    if others:
        return f"contig {name} has length {length}, which is {' and '.join(others)}'s"
    expected = " or ".join(map(str, sorted(builds[build][standard_name(name) or ""])))
    return f"contig {name} has length {length}, not {build}'s {expected}"


def detect_build(contigs: dict[str, int], builds: Builds) -> str | None:
    """The one known build whose lengths all standard contigs have, if they tell builds apart."""
    standard = [(name, length) for name, length in contigs.items() if standard_name(name)]
    fitting = [
        build
        for build in builds
        if standard and all(build in builds_with_length(n, x, builds) for n, x in standard)
    ]
    return fitting[0] if len(fitting) == 1 else None


# ---------------------------------------------------------------- BAM/CRAM headers


@dataclass(frozen=True)
class AlignmentHeader:
    """What the checks need from a BAM/CRAM header, and whether its first records are aligned.

    `unaligned_records` is the number of first records read when none of them is mapped: 0 when
    one is, when there are none, and for a CRAM (whose records need the reference to be read).
    """

    contigs: dict[str, int]
    read_groups: list[str]
    unaligned_records: int = 0


def read_alignment_header(path: Path) -> AlignmentHeader:
    """The @SQ and @RG lines of a BAM or CRAM; InputError if it is neither."""
    verbosity = pysam.set_verbosity(0)  # htslib would complain about a CRAM without index
    try:
        with pysam.AlignmentFile(str(path), "r", check_sq=False) as alignments:
            if not (alignments.is_bam or alignments.is_cram):
                raise InputError(str(path), "is SAM text", "convert it: samtools view -b -o x.bam")
            header = alignments.header.to_dict()
            unaligned = _unaligned_records(alignments) if alignments.is_bam else 0
    except (OSError, ValueError) as error:
        raise InputError(
            str(path), f"is not a readable BAM/CRAM ({error})", "give a BAM or CRAM"
        ) from error
    finally:
        pysam.set_verbosity(verbosity)
    return AlignmentHeader(
        contigs={sq["SN"]: int(sq["LN"]) for sq in header.get("SQ", [])},
        read_groups=[rg["ID"] for rg in header.get("RG", [])],
        unaligned_records=unaligned,
    )


def _unaligned_records(alignments: pysam.AlignmentFile, limit: int = 1000) -> int:
    """How many of the first `limit` records were read if none is mapped; 0 once one is.

    Coordinate-sorted files keep unmapped reads at the end, so an unmapped first record there
    means that no read is aligned; an unsorted file whose first thousand reads are all unmapped
    is an unaligned one (or not worth calling from) too.
    """
    read = 0
    for record in itertools.islice(alignments.fetch(until_eof=True), limit):
        if not record.is_unmapped:
            return 0
        read += 1
    return read


def header_problems(header: AlignmentHeader, reference: dict[str, int] | None) -> list[Problem]:
    """Read groups present; contigs named and sized as in the reference (when it is known)."""
    problems = []
    if not header.contigs or header.unaligned_records:
        problems.append(_unaligned(header))
    if not header.read_groups:
        fix = "add one with samtools addreplacerg -r 'ID:<unit>\\tSM:<sample>' -o out.bam in.bam"
        problems.append(("has no @RG read-group line", fix))
    if reference is None:
        return problems
    resized = [
        f"{name} is {length} bp here{_known_as(name, length)}, {reference[name]} in the reference"
        for name, length in header.contigs.items()
        if name in reference and reference[name] != length
    ]
    if resized:
        fix = "use the reference the reads were aligned to, or realign from FASTQ"
        problems.append(("contig lengths differ: " + first_few(resized), fix))
    absent = [name for name in header.contigs if name not in reference]
    if absent:
        problems.append(_absent_contigs(absent, reference))
    return problems


def _unaligned(header: AlignmentHeader) -> Problem:
    """The problem of an alignment file whose reads are not aligned (an unaligned BAM)."""
    if header.contigs:
        why = f"its first {header.unaligned_records:,} records are all unmapped"
    else:
        why = "its header has no @SQ lines"
    problem = f"has no aligned reads ({why}): it is an unaligned BAM, which would call no variants"
    fix = (
        "give its reads as FASTQ in columns fq1 and fq2 instead, so that the pipeline aligns them "
        "(samtools fastq -1 R1.fastq.gz -2 R2.fastq.gz in.bam), or give the aligned BAM/CRAM"
    )
    return problem, fix


def _known_as(contig: str, length: int) -> str:
    """' (GRCh37's length)' when a known build has this contig length, else ''."""
    builds = builds_with_length(contig, length, load_builds())
    return f" ({' and '.join(builds)}'s length)" if builds else ""


def _absent_contigs(absent: list[str], reference: dict[str, int]) -> Problem:
    """The problem of header contigs the reference lacks, spotting a chr-prefix mismatch."""
    problem = f"has contigs the reference lacks: {first_few(absent)}"
    renamed = [name for name in absent if toggle_chr(name) in reference]
    if renamed:
        example = f"{renamed[0]} is {toggle_chr(renamed[0])} in the reference"
        problem += f" (a chr-prefix mismatch: {example})"
        return problem, "use a reference with the same naming, or rename with samtools reheader"
    return problem, "use the reference the reads were aligned to (with all of its contigs)"


def toggle_chr(name: str) -> str:
    """'chr1' <-> '1', 'chrM' <-> 'MT'."""
    if name.lower().startswith("chr"):
        bare = name[3:]
        return "MT" if bare == "M" else bare
    return "chrM" if name == "MT" else f"chr{name}"


def first_few(items: list[str]) -> str:
    """The first few items, then how many more."""
    more = f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
    return ", ".join(items[:SHOWN]) + more


# ---------------------------------------------------------------- BED files


def bed_problems(bed: Path, contigs: dict[str, int] | None, limit: int = 5) -> list[InputError]:
    """The first `limit` bad lines of a BED: malformed, or off the reference's contigs."""
    problems = []
    try:
        with bed.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.startswith(("#", "track", "browser")) or not line.strip():
                    continue
                found = _bed_line_problem(line.rstrip("\r\n").split("\t"), contigs)
                if found:
                    problems.append(InputError(str(bed), *found, number))
                    if len(problems) == limit:
                        break
    except UnicodeDecodeError:
        problem = "is not a text BED file (gzip-compressed?)"
        return [InputError(str(bed), problem, "give an uncompressed BED (gunzip it)")]
    except OSError as error:
        return [InputError(str(bed), f"cannot be read ({error.strerror})", "copy the file again")]
    return problems


def _bed_line_problem(fields: list[str], contigs: dict[str, int] | None) -> Problem | None:
    """What is wrong with one BED line, if anything."""
    bed_fix = "give tab-separated contig, start, end (0-based, end after start)"
    if len(fields) < 3 or not (fields[1].isdigit() and fields[2].isdigit()):
        return "not a BED line (contig<TAB>start<TAB>end)", bed_fix
    contig, start, end = fields[0], int(fields[1]), int(fields[2])
    if start >= end:
        return f"start {start} is not before end {end}", bed_fix
    if contigs is None:
        return None
    if contig not in contigs:
        hint = " (chr-prefix mismatch)" if toggle_chr(contig) in contigs else ""
        return f"contig {contig} is not in the reference{hint}", "use the reference's contig names"
    if end > contigs[contig]:
        return f"end {end} is past the end of {contig} ({contigs[contig]} bp)", bed_fix
    return None
