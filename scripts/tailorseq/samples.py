"""The run's samples and their units as typed records (built from the sheets by
`tailorseq.sheets`)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


@dataclass(frozen=True)
class Unit:
    """One lane or run of a sample: a FASTQ pair or an aligned BAM/CRAM."""

    sample: str
    unit: str
    fq1: Path | None
    fq2: Path | None
    bam: Path | None
    adapters: str | None
    row: int

    @property
    def is_bam(self) -> bool:
        """True when the unit is given as aligned reads (BAM/CRAM) instead of FASTQ."""
        return self.bam is not None

    @property
    def files(self) -> dict[str, Path]:
        """The unit's input files by column name (fq1, fq2 or bam)."""
        given = {"fq1": self.fq1, "fq2": self.fq2, "bam": self.bam}
        return {column: path for column, path in given.items() if path is not None}


@dataclass(frozen=True)
class Sample:
    """One row of samples.tsv, typed; `sex` is 'unknown' when not given."""

    sample: str
    patient: str
    kind: str
    sex: str
    purity: float | None
    tumor_type: str | None
    targets: Path | None
    secondary_findings: bool
    row: int

    @property
    def is_dna(self) -> bool:
        """True for DNA (every kind but tumor_rna): aligned to the genome, QC'd, sex-checked."""
        return self.kind != "tumor_rna"


@dataclass(frozen=True)
class SampleSheet:
    """The run's samples and their units, both in sheet order."""

    samples: dict[str, Sample]
    units: dict[str, list[Unit]]

    def dna_samples(self) -> list[Sample]:
        """Samples of DNA (Sample.is_dna)."""
        return [s for s in self.samples.values() if s.is_dna]

    def rna_samples(self) -> list[Sample]:
        """Samples of tumour RNA (kind tumor_rna)."""
        return [s for s in self.samples.values() if s.kind == "tumor_rna"]

    def germline_samples(self) -> list[Sample]:
        """Samples of constitutional DNA: kind germline or normal."""
        return [s for s in self.samples.values() if s.kind in ("germline", "normal")]

    def tumor_normal_pairs(self) -> list[tuple[Sample, Sample]]:
        """(tumour, its patient's normal) for every tumour that has exactly one normal."""
        return list(self._pairs)

    def patient_samples(self, patient: str) -> list[Sample]:
        """The samples of one patient, in sheet order (none for an unknown patient)."""
        return list(self._by_patient.get(patient, ()))

    # Computed once per sheet (the sheet is frozen): input functions ask for them per job.
    @cached_property
    def _pairs(self) -> tuple[tuple[Sample, Sample], ...]:
        normals = samples_by_patient(self.samples.values(), "normal")
        return tuple(
            (tumor, normals[tumor.patient][0])
            for tumor in self.samples.values()
            if tumor.kind == "tumor" and len(normals[tumor.patient]) == 1
        )

    @cached_property
    def _by_patient(self) -> dict[str, tuple[Sample, ...]]:
        grouped: defaultdict[str, list[Sample]] = defaultdict(list)
        for sample in self.samples.values():
            grouped[sample.patient].append(sample)
        return {patient: tuple(samples) for patient, samples in grouped.items()}

    def rna_tumour(self, rna: Sample) -> Sample:
        """The tumour (DNA) sample of a tumor_rna sample's patient (the sheet has exactly one)."""
        return samples_by_patient(self.samples.values(), "tumor")[rna.patient][0]


def samples_by_patient(samples: Iterable[Sample], kind: str) -> defaultdict[str, list[Sample]]:
    """Samples of one kind grouped by patient."""
    grouped: defaultdict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        if sample.kind == kind:
            grouped[sample.patient].append(sample)
    return grouped
