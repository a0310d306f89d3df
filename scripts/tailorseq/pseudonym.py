"""Stable pseudonymous ids for samples and patients, so that no id reaches a scheduler or,
with `privacy.pseudonymise_outputs`, any output that leaves the lab."""

import csv
import hashlib
import hmac
import io
import os
import re
import secrets
import stat
from dataclasses import replace
from pathlib import Path

from tailorseq.errors import InputError, TailorseqError
from tailorseq.files import write_atomic
from tailorseq.samples import SampleSheet

SECRET_ENV = "TAILORSEQ_SECRET"
DEFAULT_SECRET_FILE = Path.home() / ".config" / "tailorseq" / "secret"
PATIENT_PREFIX = "patient:"
MAPPING_HEADER = ("pseudonym", "kind", "id")


def lab_secret(path: Path = DEFAULT_SECRET_FILE) -> bytes:
    """The lab's key: $TAILORSEQ_SECRET, else an owner-only file created on first use."""
    from_env = os.environ.get(SECRET_ENV)
    if from_env:
        return from_env.encode()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def pseudonym(sample: str, key: bytes) -> str:
    """A keyed hash of a sample id: 's' and 10 hex digits, the same for the same key."""
    digest = hmac.new(key, sample.encode(), hashlib.sha256).hexdigest()
    return "s" + digest[:10]


def patient_pseudonym(patient: str, key: bytes) -> str:
    """A patient's stable pseudonym: 'p' and 10 hex digits, never equal to a sample's."""
    return "p" + pseudonym(PATIENT_PREFIX + patient, key)[1:]


def pseudonymised_sheet(sheet: SampleSheet, key: bytes) -> SampleSheet:
    """The sheet with every sample and patient id replaced by its pseudonym (order kept)."""
    samples = {
        pseudonym(name, key): replace(
            row, sample=pseudonym(name, key), patient=patient_pseudonym(row.patient, key)
        )
        for name, row in sheet.samples.items()
    }
    units = {
        pseudonym(name, key): [replace(unit, sample=pseudonym(name, key)) for unit in rows]
        for name, rows in sheet.units.items()
    }
    return SampleSheet(samples=samples, units=units)


def public_names(lab: SampleSheet, public: SampleSheet) -> dict[str, str]:
    """Lab id -> the name outputs carry, for every sample and patient of two versions of one
    sheet (the same id when outputs are not pseudonymised)."""
    names = dict(zip(lab.samples, public.samples, strict=True))
    for lab_row, public_row in zip(lab.samples.values(), public.samples.values(), strict=True):
        names[lab_row.patient] = public_row.patient
    return names


def mapping_rows(sheet: SampleSheet, key: bytes) -> list[tuple[str, str, str]]:
    """(pseudonym, kind, id) of every sample and patient of a sheet with the lab's ids."""
    rows = [(pseudonym(name, key), "sample", name) for name in sheet.samples]
    patients = dict.fromkeys(row.patient for row in sheet.samples.values())
    return rows + [(patient_pseudonym(patient, key), "patient", patient) for patient in patients]


def read_mapping(path: Path) -> list[tuple[str, str, str]]:
    """The rows of an existing mapping file; none when it does not exist yet."""
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader, None)
        return [(row[0], row[1], row[2]) for row in reader if row]


def merged_mapping(
    old: list[tuple[str, str, str]], new: list[tuple[str, str, str]], path: Path
) -> list[tuple[str, str, str]]:
    """Old rows, then the new ones not yet there; a pseudonym naming two ids is an error."""
    ids = {row[0]: row for row in old}
    for row in new:
        known = ids.setdefault(row[0], row)
        if known != row:
            raise TailorseqError(
                f"{path}: pseudonym {row[0]} already stands for {known[1]} {known[2]}, not for"
                f" {row[1]} {row[2]}. Fix: keep one mapping file per lab secret (set"
                " privacy.mapping to another path)"
            )
    return list(ids.values())


def write_mapping(path: Path, rows: list[tuple[str, str, str]]) -> None:
    """Merge rows into the mapping file: owner-only (0600), no duplicates, replaced at once."""
    merged = merged_mapping(read_mapping(path), rows, path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = io.StringIO()
    csv.writer(text, delimiter="\t", lineterminator="\n").writerows([MAPPING_HEADER, *merged])
    write_atomic(path, text.getvalue(), mode=0o600)


def check_mapping_path(path: Path, results: Path) -> None:
    """Stop when the mapping file would land in the results, which are meant to leave the lab."""
    resolved, folder = path.resolve(), results.resolve()
    if resolved == folder or folder in resolved.parents:
        raise TailorseqError(
            f"privacy.mapping: {path} is inside {results}/, whose files leave the lab; the"
            " mapping of pseudonyms to ids must stay with the lab. Fix: set privacy.mapping to"
            " a path outside results/ (default .tailorseq/pseudonyms.tsv)"
        )


def replace_ids(text: str, names: dict[str, str]) -> str:
    """`text` with each id of `names` (not part of a longer word or number) replaced by its
    value; longer ids first, so that an id inside another is not matched first."""
    if not names:
        return text
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])")
    return pattern.sub(lambda match: names[match.group(0)], text)


def identify(path: Path, name: str) -> tuple[str, str]:
    """(kind, id) that a pseudonym stands for in the lab's mapping file. The file must be
    owner-only: one that others can read has leaked the mapping, and one they can write may lie.
    """
    if not path.is_file():
        raise InputError(
            str(path), "no such mapping file", "give the run's privacy.mapping (--mapping)"
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise InputError(
            str(path),
            f"is open to others (mode {mode:o}): the mapping of pseudonyms to ids is the lab's",
            f"check who has read it, then `chmod 600 {path}`",
        )
    for row in read_mapping(path):
        if row[0] == name:
            return row[1], row[2]
    raise InputError(
        str(path),
        f"{name} is not a pseudonym of this mapping",
        "check the pseudonym, and that the mapping is that of the run (its lab secret)",
    )
