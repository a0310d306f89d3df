"""Sample and unit sheets: read the TSVs, validate each row against its schema, cross-check rows.

Row numbers are the file's own line numbers (header = line 1), so a message points to the line a
user opens. Nothing here reads the files the sheets name; `tailorseq.checks` does that.
"""

import contextlib
import math
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from tailorseq.config import load_schema, schema_problems, unknown_key
from tailorseq.errors import InputError, TailorseqError
from tailorseq.samples import Sample, SampleSheet, Unit, samples_by_patient


class Problems(TailorseqError):
    """Several input problems, reported together as one numbered list."""

    def __init__(self, problems: list[InputError]) -> None:
        self.problems = problems
        count = f"{len(problems)} problem" + ("s" if len(problems) > 1 else "")
        lines = [f"{count} to fix before the run can start:"]
        lines += [f"  {number}. {problem}" for number, problem in enumerate(problems, 1)]
        super().__init__("\n".join(lines))


# ---------------------------------------------------------------- reading


Rows = list[tuple[int, dict[str, Any]]]


def read_table(path: Path, schema: dict[str, Any], problems: list[InputError]) -> Rows | None:
    """(line number, {column: cell}) of a TSV whose header fits `schema`; empty cells left out.

    Blank lines and lines starting with '#' are skipped. Problems are appended to `problems`;
    a file or header that cannot be used gives None.
    """
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.append(InputError(label, "file does not exist", "create it or correct its path"))
        return None
    except (OSError, UnicodeDecodeError) as error:
        problems.append(InputError(label, f"cannot be read ({error})", "save it as UTF-8 text"))
        return None
    lines = [
        (number, line)
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.startswith("#")
    ]
    if not lines:
        fix = "start it with a header line: " + "<TAB>".join(schema["properties"])
        problems.append(InputError(label, "file is empty", fix))
        return None
    (header_row, header_line), *body = lines
    header = [cell.strip() for cell in header_line.split("\t")]
    header_problems = _header_problems(header, schema)
    problems += [InputError(label, problem, fix, header_row) for problem, fix in header_problems]
    if header_problems:
        return None
    return list(_body_rows(label, header, body, problems))


def _header_problems(header: list[str], schema: dict[str, Any]) -> list[tuple[str, str]]:
    """Duplicate, unknown and missing columns of a sheet's header."""
    allowed = list(schema["properties"])
    found = [
        (f"column '{name}' appears twice", "keep one column of each name")
        for index, name in enumerate(header)
        if name in header[:index]
    ]
    found += [unknown_key("column", [], name, allowed) for name in header if name not in allowed]
    missing = [name for name in schema["required"] if name not in header]
    if missing:
        tabs = " (columns must be separated by tabs)" if any(" " in c for c in header) else ""
        found.append((f"required column(s) missing: {', '.join(missing)}{tabs}", "add them"))
    return found


def _body_rows(
    label: str, header: list[str], body: list[tuple[int, str]], problems: list[InputError]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as {column: cell}; missing trailing cells are empty, rows with extra cells reported."""
    for number, line in body:
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) > len(header):
            problem = f"row has {len(cells)} cells, the header has {len(header)} columns"
            fix = "separate cells by exactly one tab, and name every column in the header"
            problems.append(InputError(label, problem, fix, number))
            continue
        yield number, {column: cell for column, cell in zip(header, cells, strict=False) if cell}


def _coerce_numbers(record: dict[str, Any], schema: dict[str, Any]) -> None:
    """Turn cells of number columns into finite floats where they parse (the schema reports the
    rest)."""
    for column, subschema in schema["properties"].items():
        if subschema.get("type") == "number" and column in record:
            with contextlib.suppress(ValueError):
                number = float(record[column])
                record[column] = number if math.isfinite(number) else record[column]


def _valid_records(
    label: str, rows: Rows, schema: dict[str, Any], problems: list[InputError]
) -> Rows:
    """The rows that fit the row schema, with defaults filled (in the validating pass: a
    second pass was a third of checking a 1,000-sample sheet); the others reported."""
    valid = []
    for number, record in rows:
        _coerce_numbers(record, schema)
        found = schema_problems(record, schema, "column", fill=True)
        problems += [InputError(label, problem, fix, number) for problem, fix in found]
        if not found:
            valid.append((number, record))
    return valid


def _path(folder: Path, cell: str | None) -> Path | None:
    """An absolute, normalised path for a cell; relative cells start at `folder`."""
    return Path(os.path.abspath(folder / Path(cell).expanduser())) if cell else None


def _sample(number: int, record: dict[str, Any], folder: Path) -> Sample:
    """A Sample from a validated samples.tsv record."""
    return Sample(
        sample=record["sample"],
        patient=record["patient"],
        kind=record["kind"],
        sex=record["sex"],
        purity=record.get("purity"),
        tumor_type=record.get("tumor_type"),
        targets=_path(folder, record.get("targets")),
        secondary_findings=record["secondary_findings"] == "yes",
        row=number,
    )


def _unit(number: int, record: dict[str, Any], folder: Path) -> Unit:
    """A Unit from a validated units.tsv record."""
    return Unit(
        sample=record["sample"],
        unit=record["unit"],
        fq1=_path(folder, record.get("fq1")),
        fq2=_path(folder, record.get("fq2")),
        bam=_path(folder, record.get("bam")),
        adapters=record.get("adapters"),
        row=number,
    )


# ---------------------------------------------------------------- cross-row checks

_ONE_ROW = "give each sample one row and a unique id (lanes and runs go to units.tsv)"
_OWN_UNIT_ID = "give each unit of a sample its own id"


def _duplicates(
    label: str, rows: Rows, columns: tuple[str, ...], what: str, fix: str
) -> list[InputError]:
    """Rows repeating an earlier row's `columns` (valid rows or not); `what` formats the key."""
    first_rows: dict[tuple, int] = {}
    problems = []
    for number, record in rows:
        key = tuple(record.get(column) for column in columns)
        if None in key:
            continue
        first = first_rows.setdefault(key, number)
        if first != number:
            problem = f"{what.format(*key)} is already defined in row {first}"
            problems.append(InputError(label, problem, fix, number))
    return problems


def _case_collisions(label: str, rows: Rows) -> list[InputError]:
    """Sample or patient ids that differ only by case: their folders would be one folder on a
    case-insensitive file system (macOS, Windows shares)."""
    problems = []
    for column in ("sample", "patient"):
        first: dict[str, tuple[str, int]] = {}
        for number, record in rows:
            name = record.get(column)
            if name is None:
                continue
            other, other_row = first.setdefault(name.casefold(), (name, number))
            if other != name:
                problem = (
                    f"{column} '{name}' and {column} '{other}' (row {other_row}) differ only by "
                    "case: on a case-insensitive file system their folders are one"
                )
                fix = "give them ids that differ by more than case, or write them the same way"
                problems.append(InputError(label, problem, fix, number))
    return problems


def _units_by_sample(
    label: str, units: list[Unit], samples: dict[str, Sample], named: list[str], samples_label: str
) -> tuple[dict[str, list[Unit]], list[InputError]]:
    """Units grouped by sample (sheet order, first of repeated ids); unknown samples reported.

    `named` are the ids of every samples.tsv row: a unit of a rejected row is not reported again.
    """
    grouped: dict[str, list[Unit]] = {name: [] for name in samples}
    problems = []
    for unit in units:
        if unit.sample in samples:
            if all(other.unit != unit.unit for other in grouped[unit.sample]):
                grouped[unit.sample].append(unit)
        elif unit.sample not in named:
            problem = (
                f"sample '{unit.sample}' is not in {samples_label} (samples: {', '.join(named)})"
            )
            fix = f"add it to {Path(samples_label).name} or correct the name"
            problems.append(InputError(label, problem, fix, unit.row))
    return grouped, problems


def _samples_without_units(
    label: str, samples: dict[str, Sample], named: set[str], units_label: str
) -> list[InputError]:
    """Samples that no row of units.tsv names (not even a row with other problems)."""
    return [
        InputError(
            label,
            f"sample '{name}' has no unit in {units_label}",
            f"add its FASTQ pair or BAM to {units_label}, or remove the sample",
            sample.row,
        )
        for name, sample in samples.items()
        if name not in named
    ]


def _pairing_problems(label: str, samples: dict[str, Sample], unsure: set[str]) -> list[InputError]:
    """Every tumour needs exactly one normal of the same patient (patients in `unsure` have
    rejected rows, so they are not judged)."""
    normals = samples_by_patient(samples.values(), "normal")
    problems = []
    for tumor in (s for s in samples.values() if s.kind == "tumor" and s.patient not in unsure):
        found = normals[tumor.patient]
        which = f"tumour sample '{tumor.sample}' has"
        if not found:
            problem = f"{which} no normal sample of patient '{tumor.patient}'"
            fix = f"add the matched normal (kind normal, patient {tumor.patient})"
        elif len(found) > 1:
            rows = ", ".join(f"'{n.sample}' (row {n.row})" for n in found)
            problem = f"{which} {len(found)} normals of patient '{tumor.patient}': {rows}"
            fix = "keep one normal per patient; more runs of one normal are units of one sample"
        else:
            continue
        problems.append(InputError(label, problem, fix, tumor.row))
    return problems


def _rna_tumour_problems(
    label: str, samples: dict[str, Sample], unsure: set[str]
) -> list[InputError]:
    """A tumor_rna sample belongs to exactly one tumour of its patient (patients in `unsure`
    have rejected rows, so they are not judged)."""
    tumours = samples_by_patient(samples.values(), "tumor")
    problems = []
    for rna in samples.values():
        if rna.kind != "tumor_rna" or rna.patient in unsure:
            continue
        found = tumours[rna.patient]
        which = f"tumor_rna sample '{rna.sample}' has"
        if not found:
            problem = f"{which} no tumour sample of patient '{rna.patient}'"
            fix = f"add the tumour's DNA (kind tumor, patient {rna.patient}) or correct the patient"
        elif len(found) > 1:
            names = ", ".join(f"'{t.sample}'" for t in found)
            problem = f"{which} {len(found)} tumours of patient '{rna.patient}' ({names})"
            fix = "give each tumour its own patient id, so that the RNA belongs to one tumour"
        else:
            continue
        problems.append(InputError(label, problem, fix, rna.row))
    return problems


def _rna_as_bam(
    label: str, samples: dict[str, Sample], units: dict[str, list[Unit]]
) -> list[InputError]:
    """tumor_rna units given as BAM/CRAM: salmon quantifies reads, so RNA comes as FASTQ."""
    problems = []
    for name, group in units.items():
        bams = [unit for unit in group if unit.is_bam]
        if bams and samples[name].kind == "tumor_rna":
            problem = f"tumor_rna sample '{name}' is given as BAM/CRAM ({_rows(bams)})"
            fix = "give RNA units as FASTQ pairs (samtools fastq converts a BAM)"
            problems.append(InputError(label, problem, fix, bams[0].row))
    return problems


def _reused_files(label: str, units: Iterable[Unit]) -> list[InputError]:
    """Files named twice (in two units, or as fq1 and fq2), compared by their real paths."""
    seen: dict[str, tuple[Unit, str]] = {}
    problems = []
    for unit in units:
        for column, path in unit.files.items():
            first = seen.setdefault(os.path.realpath(path), (unit, column))
            if first == (unit, column):
                continue
            other, other_column = first
            where = "" if other is unit else f" of row {other.row}"
            problem = f"{column} {path} is the same file as {other_column}{where}"
            fix = "give each unit its own files (fq2 is the read-2 file of the pair)"
            problems.append(InputError(label, problem, fix, unit.row))
    return problems


def _mixed_units(label: str, units: dict[str, list[Unit]]) -> list[InputError]:
    """Samples given partly as FASTQ and partly as BAM/CRAM."""
    problems = []
    for sample, group in units.items():
        bams = [unit for unit in group if unit.is_bam]
        fastqs = [unit for unit in group if not unit.is_bam]
        if bams and fastqs:
            problem = (
                f"sample '{sample}' mixes FASTQ units ({_rows(fastqs)}) "
                f"and BAM/CRAM units ({_rows(bams)})"
            )
            fix = "give all units of a sample as FASTQ or all as BAM (samtools fastq converts)"
            problems.append(InputError(label, problem, fix, group[0].row))
    return problems


def _rows(units: list[Unit]) -> str:
    """'row 3' or 'rows 3, 5'."""
    numbers = ", ".join(str(unit.row) for unit in units)
    return f"row {numbers}" if len(units) == 1 else f"rows {numbers}"


# ---------------------------------------------------------------- entry points


def parse_sheets(samples_tsv: Path, units_tsv: Path) -> tuple[SampleSheet, list[InputError]]:
    """The sheet built from every usable row, and every problem found on the way.

    Paths in units.tsv start at its folder, `targets` in samples.tsv at that file's folder.
    """
    problems: list[InputError] = []
    samples_label, units_label = str(samples_tsv), str(units_tsv)
    samples_schema, units_schema = load_schema("samples"), load_schema("units")
    sample_table = read_table(samples_tsv, samples_schema, problems)
    unit_table = read_table(units_tsv, units_schema, problems)
    sample_rows, unit_rows = sample_table or [], unit_table or []
    if sample_table == []:
        fix = "add one row per sample below the header"
        problems.append(InputError(samples_label, "has a header but no sample rows", fix))
    problems += _duplicates(samples_label, sample_rows, ("sample",), "sample '{}'", _ONE_ROW)
    problems += _case_collisions(samples_label, sample_rows)
    problems += _duplicates(
        units_label, unit_rows, ("sample", "unit"), "unit '{1}' of sample '{0}'", _OWN_UNIT_ID
    )
    valid_rows = _valid_records(samples_label, sample_rows, samples_schema, problems)
    samples: dict[str, Sample] = {}
    for number, record in valid_rows:
        samples.setdefault(record["sample"], _sample(number, record, _folder(samples_tsv)))
    units = [
        _unit(number, record, _folder(units_tsv))
        for number, record in _valid_records(units_label, unit_rows, units_schema, problems)
    ]
    named = list(dict.fromkeys(r["sample"] for _, r in sample_rows if "sample" in r))
    grouped, unknown = _units_by_sample(units_label, units, samples, named, samples_label)
    if sample_table is not None:  # a sheet that could not be read names no sample
        problems += unknown
    if unit_table is not None:
        in_units = {record.get("sample") for _, record in unit_rows}
        problems += _samples_without_units(samples_label, samples, in_units, units_label)
    valid_numbers = {number for number, _ in valid_rows}
    unsure = {r.get("patient", "") for number, r in sample_rows if number not in valid_numbers}
    problems += _pairing_problems(samples_label, samples, unsure)
    problems += _rna_tumour_problems(samples_label, samples, unsure)
    problems += _reused_files(units_label, units)
    problems += _mixed_units(units_label, grouped)
    problems += _rna_as_bam(units_label, samples, grouped)
    problems.sort(key=lambda p: (p.file != samples_label, p.row or 0))
    return SampleSheet(samples=samples, units=grouped), problems


def _folder(sheet: Path) -> Path:
    """The absolute folder of a sheet, where its relative paths start."""
    return Path(os.path.abspath(sheet.parent))


def load_sheets(samples_tsv: Path, units_tsv: Path) -> SampleSheet:
    """The validated sample sheet; raises `Problems` listing everything wrong with the sheets."""
    sheet, problems = parse_sheets(samples_tsv, units_tsv)
    if problems:
        raise Problems(problems)
    return sheet
