"""Knowledge VCFs (ClinVar, population frequencies) made ready for `bcftools annotate`.

Both sides of an allele-exact match must be written the same way: the calls are split and
left-aligned by the pipeline, so the knowledge VCF is too. `prepare` streams the source VCF
(plain or gzipped), renames its contigs to the reference's naming (`17` -> `chr17` or back),
drops records on contigs the reference lacks, checks every REF against the reference (many
mismatches mean another genome build: refused), keeps only the INFO fields the pipeline uses,
and pipes the result through `bcftools norm` (split multi-allelics, left-align) and
`bcftools sort` into a bgzipped, indexed VCF. What was done is returned (and written as JSON):
the source's release date (`##fileDate`), record counts and the contig renaming.
"""

import contextlib
import gzip
import json
import re
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import pysam

from tailorseq.errors import InputError
from tailorseq.reference import read_contigs

CLINVAR_INFO = ("CLNSIG", "CLNREVSTAT", "CLNDN", "CLNSIGCONF", "GENEINFO", "CLNVC")
CLINVAR_HEADER = {
    "CLNVID": "ClinVar variation id (the ClinVar VCF's ID column)",
    "CLNSIG": "ClinVar clinical significance",
    "CLNREVSTAT": "ClinVar review status",
    "CLNDN": "ClinVar preferred disease name",
    "CLNSIGCONF": "ClinVar conflicting significance counts",
    "GENEINFO": "ClinVar gene symbol:gene id",
    "CLNVC": "ClinVar variant type",
}
MAX_MISMATCH_FRACTION = 0.05
_AF_KEY = re.compile(r"^AF(_[A-Za-z0-9]+)*$")


def toggle_chr(name: str) -> str:
    """'chr1' <-> '1', 'chrM' <-> 'MT'."""
    if name.lower().startswith("chr"):
        bare = name[3:]
        return "MT" if bare == "M" else bare
    return "chrM" if name == "MT" else f"chr{name}"


def rename_contig(contig: str, reference: dict[str, int]) -> str | None:
    """The reference's name for a contig (same name, or with/without 'chr'), else None."""
    for candidate in (contig, toggle_chr(contig)):
        if candidate in reference:
            return candidate
    return None


def open_text(path: Path) -> TextIO:
    """A plain or gzip/bgzip text file, refusing other binary files with a clear message."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt")
    if magic and magic[:1] != b"#":
        raise InputError(str(path), "is not a VCF (no '##' header line)", "give a VCF file")
    return path.open()


def parse_info(text: str) -> dict[str, str]:
    """A VCF INFO column as key -> value ('' for flags)."""
    if text in (".", ""):
        return {}
    items = (item.split("=", 1) for item in text.split(";"))
    return {item[0]: (item[1] if len(item) > 1 else "") for item in items}


def max_population_af(info: dict[str, str], alts: int) -> list[str]:
    """Per ALT allele, the highest of AF and every AF_<population> value ('.' when none)."""
    best: list[float | None] = [None] * alts
    for key, value in info.items():
        if not _AF_KEY.match(key):
            continue
        for index, item in enumerate(value.split(",")[:alts]):
            try:
                number = float(item)
            except ValueError:
                continue
            best[index] = number if best[index] is None else max(best[index], number)
    return ["." if value is None else f"{value:.6g}" for value in best]


def transformed_lines(
    source: Path, fasta: Path, kind: str, counts: dict[str, Any]
) -> Iterator[str]:
    """The source VCF rewritten for `bcftools norm`: header, renamed contigs, kept INFO fields."""
    reference = read_contigs(fasta)
    header_written = False
    renamed: dict[str, str | None] = {}
    with open_text(source) as handle, pysam.FastaFile(str(fasta)) as genome:
        for number, line in enumerate(handle, start=1):
            if line.startswith("##"):
                if line.startswith("##fileDate="):
                    counts["file_date"] = line.split("=", 1)[1].strip()
                elif line.startswith("##reference="):
                    counts["source_reference"] = line.split("=", 1)[1].strip()
                continue
            if line.startswith("#CHROM"):
                yield from _header(reference, kind)
                header_written = True
                continue
            if not header_written:
                raise InputError(str(source), "has no #CHROM header line", "give a VCF file")
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 8 or not fields[1].isdigit():
                raise InputError(
                    str(source), f"line {number} is not a VCF record", "give an intact VCF"
                )
            counts["records"] += 1
            contig = fields[0]
            if contig not in renamed:
                renamed[contig] = rename_contig(contig, reference)
            target = renamed[contig]
            if target is None or fields[4] in (".", "*"):
                continue
            pos, ref = int(fields[1]), fields[3].upper()
            if genome.fetch(target, pos - 1, pos - 1 + len(ref)).upper() != ref:
                counts["ref_mismatch"] += 1
                continue
            counts["kept"] += 1
            info = parse_info(fields[7])
            fields[0], fields[7] = target, _info(kind, fields, info)
            fields[2] = fields[2] if kind == "clinvar" else "."
            yield "\t".join([*fields[:5], ".", ".", fields[7]]) + "\n"
    if not header_written:
        raise InputError(str(source), "is empty or not a VCF", "give a VCF file")
    counts["contigs"] = {name: target for name, target in renamed.items() if target}
    counts["contigs_absent_from_reference"] = sorted(n for n, t in renamed.items() if not t)


def _info(kind: str, fields: list[str], info: dict[str, str]) -> str:
    if kind == "clinvar":
        kept = [f"CLNVID={fields[2]}"] if fields[2] not in (".", "") else []
        kept += [f"{key}={info[key]}" for key in CLINVAR_INFO if info.get(key)]
        return ";".join(kept) or "."
    values = max_population_af(info, len(fields[4].split(",")))
    return "." if all(v == "." for v in values) else f"POP_AF={','.join(values)}"


def _header(reference: dict[str, int], kind: str) -> Iterable[str]:
    yield "##fileformat=VCFv4.2\n"
    for name, length in reference.items():
        yield f"##contig=<ID={name},length={length}>\n"
    if kind == "clinvar":
        for key, text in CLINVAR_HEADER.items():
            number = "1" if key in ("CLNVID", "GENEINFO") else "."
            yield f'##INFO=<ID={key},Number={number},Type=String,Description="{text}">\n'
    else:
        yield (
            '##INFO=<ID=POP_AF,Number=A,Type=Float,Description="Highest allele frequency '
            "over the population VCF's AF and AF_<population> fields\">\n"
        )
    yield "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"


def prepare(source: Path, fasta: Path, out: Path, kind: str, log: TextIO | None = None) -> dict:
    """Write `out` (bgzipped VCF + .tbi) from `source`; return what was done."""
    if kind not in ("clinvar", "population"):
        raise ValueError(kind)
    counts: dict[str, Any] = {"records": 0, "kept": 0, "ref_mismatch": 0}
    partial = out.with_name(f".{out.name}.partial.vcf.gz")
    norm = subprocess.Popen(
        ["bcftools", "norm", "--fasta-ref", str(fasta), "--multiallelics", "-any",
         "--check-ref", "x", "--output-type", "u"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
    )  # fmt: skip
    sort = subprocess.Popen(
        ["bcftools", "sort", "--temp-dir", str(out.parent / f".{out.name}.sort"),
         "--output-type", "z", "--output", str(partial)],
        stdin=norm.stdout, stderr=log,
    )  # fmt: skip
    assert norm.stdin is not None and norm.stdout is not None
    norm.stdout.close()
    try:
        for line in transformed_lines(source, fasta, kind, counts):
            norm.stdin.write(line)
    except UnicodeDecodeError as error:
        raise InputError(str(source), f"is not a text VCF ({error})", "give a VCF") from error
    except (OSError, EOFError) as error:
        raise InputError(str(source), f"cannot be read ({error})", "give an intact file") from error
    finally:
        with contextlib.suppress(BrokenPipeError):
            norm.stdin.close()
        norm.wait()
        sort.wait()
    if norm.returncode or sort.returncode:
        raise InputError(str(source), "bcftools norm/sort failed (see the log)", "check the file")
    _check_counts(source, kind, counts)
    pysam.tabix_index(str(partial), preset="vcf", force=True)
    Path(f"{partial}.tbi").replace(f"{out}.tbi")
    partial.replace(out)
    Path(f"{out}.tbi").touch()
    return counts


def _check_counts(source: Path, kind: str, counts: dict[str, Any]) -> None:
    """Refuse a knowledge VCF that does not fit the reference (naming or build)."""
    name = "ClinVar" if kind == "clinvar" else "population"
    if counts["records"] and not counts["contigs"]:
        absent = ", ".join(counts["contigs_absent_from_reference"][:3])
        raise InputError(
            str(source),
            f"none of its contigs ({absent}...) is in the reference, even with 'chr' added or "
            "removed",
            f"give the {name} VCF of the reference's genome build",
        )
    checked = counts["kept"] + counts["ref_mismatch"]
    if checked and counts["ref_mismatch"] > MAX_MISMATCH_FRACTION * checked:
        raise InputError(
            str(source),
            f"{counts['ref_mismatch']} of {checked} records have a REF allele that differs from "
            "the reference: another genome build",
            f"give the {name} VCF of the reference's genome build",
        )
    if counts["records"] == 0:
        raise InputError(str(source), "has no records", f"give a complete {name} VCF")


def write_summary(counts: dict[str, Any], source: str, path: Path) -> None:
    """The preparation's summary as JSON (release date, counts, renaming)."""
    path.write_text(json.dumps({"source": source, **counts}, indent=2, sort_keys=True) + "\n")


def exclude_genes(source: Path, out: Path, genes: Iterable[str]) -> int:
    """Copy a prepared ClinVar VCF without the records of the given genes (GENEINFO).

    Used for samples without consent to secondary findings: their annotated VCF then carries
    no ClinVar classification in a secondary-findings gene. Returns the records kept.
    """
    genes = set(genes)
    kept = 0
    partial = out.with_name(f".{out.name}.partial.vcf.gz")
    with (
        pysam.VariantFile(str(source)) as vcf_in,
        pysam.VariantFile(str(partial), "wz", header=vcf_in.header) as vcf_out,
    ):
        for record in vcf_in:
            info = record.info.get("GENEINFO")
            symbols = {item.split(":")[0] for item in (info or "").split("|") if item}
            if symbols & genes:
                continue
            vcf_out.write(record)
            kept += 1
    pysam.tabix_index(str(partial), preset="vcf", force=True)
    Path(f"{partial}.tbi").replace(f"{out}.tbi")
    partial.replace(out)
    Path(f"{out}.tbi").touch()
    return kept
