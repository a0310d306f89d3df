"""The demo plan (`resources/demo_plan.yaml`): loci, gene models, planted variants, patients;
read and checked by `tailorseq.demo.plan_load`."""

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Contig:
    """A demo contig and the GRCh38 window it stands for."""

    name: str
    chrom: str
    start: int
    end: int
    copies: dict[str, int] | None = None  # copies per sex; None: an autosome (2 in both)
    depth: float | None = None  # depth as a multiple of the autosomal depth (chrM)
    # A gene-expression contig (the plan's comments): no background variants or microsatellites,
    # DNA reads from a stream of its own
    expression: bool = False

    @property
    def length(self) -> int:
        """Number of bases."""
        return self.end - self.start + 1

    @property
    def autosomal(self) -> bool:
        """Two copies in both sexes at the autosomal depth."""
        return self.copies is None and self.depth is None

    def ploidy(self, sex: str) -> int:
        """Copies of this contig in a patient of `sex`."""
        return 2 if self.copies is None else self.copies[sex]

    def copy_depth(self, sex: str) -> float:
        """The depth of each copy as a multiple of one autosomal copy's depth."""
        copies = self.ploidy(sex)
        return 1.0 if self.depth is None or copies == 0 else 2 * self.depth / copies

    def to_demo(self, grch38_pos: int) -> int:
        """The demo position of a GRCh38 position inside the window."""
        return grch38_pos - self.start + 1


@dataclass(frozen=True)
class Quiet:
    """A GRCh38 span of a contig without background variants."""

    contig: str
    start: int
    end: int


@dataclass(frozen=True)
class Context:
    """Known GRCh38 sequence forced into a contig from a GRCh38 position (with its source)."""

    contig: str
    grch38: int
    bases: str
    source: str


@dataclass(frozen=True)
class PopulationAf:
    """A gnomAD-style population record of a planted coding variant (INFO AF fields)."""

    variant: str
    af: dict[str, float]
    source: str


@dataclass(frozen=True)
class Gene:
    """A synthetic gene model (see the plan's comments for the fields)."""

    name: str
    strand: str
    codons: int
    exon_cds_ends: tuple[int, ...]
    introns: tuple[int, ...]
    utr5: int
    utr3: int
    anchor_cds: int
    anchor_grch38: int
    forced_cds: dict[int, str]


@dataclass(frozen=True)
class Allele:
    """A GRCh38 VCF allele."""

    chrom: str
    pos: int
    ref: str
    alt: str


@dataclass(frozen=True)
class PgxVariant:
    """A planted pharmacogenomic variant, placed by its GRCh38 position."""

    id: str
    gene: str
    grch38: Allele
    source: str


@dataclass(frozen=True)
class CodingVariant:
    """A planted coding variant, placed by its CDS change in a synthetic gene model."""

    id: str
    gene: str
    cds_pos: int
    cds_ref: str
    cds_alt: str
    hgvsc: str
    hgvsp: str
    csq: str
    consequence: str
    source: str
    clinvar: str = ""
    rsid: str = ""
    grch38: Allele | None = None

    @property
    def label(self) -> str:
        """The PLANTED label of the truth VCFs, e.g. `EGFR:p.Leu858Arg`."""
        return f"{self.gene}:{self.hgvsp}"


@dataclass(frozen=True)
class RnaExpression:
    """The planted expression of a tumour RNA sample (tailorseq.demo.rna): fragments, TPM per
    gene model (`default_tpm` for the genes not listed), and the RNA allele fraction of somatic
    variants whose fraction differs from their DNA VAF."""

    pairs: int
    default_tpm: float
    tpm: dict[str, float]
    vaf: dict[str, float] = field(default_factory=dict)

    def fraction(self, variant_id: str, dna_vaf: float) -> float:
        """The RNA allele fraction of a somatic variant (its DNA VAF unless overridden)."""
        return self.vaf.get(variant_id, dna_vaf)


@dataclass(frozen=True)
class Sample:
    """One sequenced sample of a patient."""

    name: str
    kind: str
    units: tuple[str, ...]
    purity: float | None = None
    rna: RnaExpression | None = None  # a tumor_rna sample's planted expression


@dataclass(frozen=True)
class TumourMsi:
    """Microsatellite instability planted in a tumour: the fraction of the demo's
    microsatellites that are unstable, and the fraction of tumour fragments over an unstable
    site that carry its shortened allele."""

    unstable: float
    vaf: float


@dataclass(frozen=True)
class Fusion:
    """A gene fusion of a tumour (tailorseq.demo.fusions): its partners and, for each, the
    GRCh38 position of its base at the junction."""

    five_prime: str
    five_prime_break: int
    three_prime: str
    three_prime_break: int

    @property
    def name(self) -> str:
        """HGNC fusion notation, 5' partner first (Bruford et al., Leukemia 2021;35:3040)."""
        return f"{self.five_prime}::{self.three_prime}"


@dataclass(frozen=True)
class GermlineDeletion:
    """A deletion on one germline haplotype of a patient (every sample of the patient carries
    it): GRCh38 first and last deleted base, inclusive, and the haplotype (0 or 1)."""

    contig: str
    start: int
    end: int
    haplotype: int


@dataclass(frozen=True)
class Patient:
    """A patient: planted alleles and genotypes, and the samples sequenced."""

    id: str
    sex: str
    secondary_findings: bool
    samples: tuple[Sample, ...]
    pgx: dict[str, tuple[str, str]]
    germline: dict[str, str]
    somatic: dict[str, float]
    tumor_type: str = ""
    msi: TumourMsi | None = None
    copy_number: dict[str, int] = field(default_factory=dict)  # tumour cells' copies per contig
    fusions: tuple[Fusion, ...] = ()
    deletions: tuple[GermlineDeletion, ...] = ()

    def tumour_copy_depth(self, contig: Contig, purity: float) -> float:
        """Each copy's depth in the tumour sample relative to the normal's: tumour cells
        carry `copy_number` copies of the contig, normal cells their ploidy."""
        depth = contig.copy_depth(self.sex)
        if contig.name not in self.copy_number:
            return depth
        copies = self.copy_number[contig.name]
        return depth * (purity * copies / contig.ploidy(self.sex) + 1 - purity)


@dataclass(frozen=True)
class Background:
    """Random germline background per patient (rates per kb of eligible sequence)."""

    snv_per_kb: float
    indel_per_kb: float
    carrier_fraction: float
    indel_max_length: int
    min_end_distance: int
    min_spacing: int
    max_homopolymer: int
    exon_margin: int


@dataclass(frozen=True)
class Microsatellites:
    """Perfect tandem repeats forced into the random sequence (see the plan's comments)."""

    count: int
    units: tuple[str, ...]
    bases: tuple[int, int]
    deleted_units: tuple[int, int]
    spacing: int


@dataclass(frozen=True)
class ReadSpec:
    """How reads are simulated."""

    read_length: int
    fragment_mean: float
    fragment_sd: float
    short_fraction: float
    short_min: int
    duplicate_fraction: float
    coverage: dict[str, float]
    adapter_r1: str
    adapter_r2: str
    quality_levels: tuple[int, ...]
    quality_first: tuple[float, ...]
    quality_last: tuple[float, ...]


@dataclass(frozen=True)
class Plan:
    """The whole demo design."""

    gc_content: float
    contigs: tuple[Contig, ...]
    context: tuple[Context, ...]
    quiet: tuple[Quiet, ...]
    genes: tuple[Gene, ...]
    pgx_variants: tuple[PgxVariant, ...]
    coding_variants: tuple[CodingVariant, ...]
    star_alleles: dict[str, dict[str, tuple[str, ...]]]
    pharmcat_names: dict[str, dict[str, str]]
    phenotypes: dict[str, dict[str, str]]
    population: tuple[PopulationAf, ...]
    patients: tuple[Patient, ...]
    background: Background
    microsatellites: Microsatellites
    reads: ReadSpec
    rna_reads: ReadSpec  # `reads` with the plan's `rna_reads` overrides

    @property
    def rearranged_contigs(self) -> set[str]:
        """Contigs some tumour carries at another copy number or in a fusion."""
        return {
            name
            for patient in self.patients
            for name in [*patient.copy_number]
            + [g for f in patient.fusions for g in (f.five_prime, f.three_prime)]
        }

    def contig(self, name: str) -> Contig:
        """The contig called `name`."""
        return next(contig for contig in self.contigs if contig.name == name)

    def coding(self, variant_id: str) -> CodingVariant:
        """The coding variant with this id."""
        return next(variant for variant in self.coding_variants if variant.id == variant_id)

    def allele_label(self, variant_id: str) -> str:
        """`GENE*N` of the star allele a PGx variant belongs to."""
        for gene, alleles in self.star_alleles.items():
            for name, members in alleles.items():
                if variant_id in members:
                    return f"{gene}{name}"
        return variant_id


def _build(cls: type, data: dict[str, Any], **overrides: Any) -> Any:
    """A dataclass from a mapping whose keys must be exactly the dataclass's fields."""
    names = {field.name for field in fields(cls)}
    unknown = set(data) - names
    if unknown:
        raise TypeError(f"unknown keys {sorted(unknown)} for {cls.__name__}")
    values = {
        key: tuple(value) if isinstance(value, list) else value for key, value in data.items()
    }
    return cls(**{**values, **overrides})


def _gene(data: dict[str, Any]) -> Gene:
    anchor = data.pop("anchor")
    forced = {int(codon): str(bases) for codon, bases in data.pop("forced_cds", {}).items()}
    return _build(
        Gene, data, anchor_cds=anchor["cds"], anchor_grch38=anchor["grch38"], forced_cds=forced
    )


def _coding(data: dict[str, Any]) -> CodingVariant:
    cds = data.pop("cds")
    grch38 = data.pop("grch38", None)
    return _build(
        CodingVariant,
        data,
        cds_pos=cds["pos"],
        cds_ref=cds["ref"],
        cds_alt=cds["alt"],
        grch38=Allele(**grch38) if grch38 else None,
    )


def _sample(data: dict[str, Any]) -> Sample:
    rna = data.get("rna")
    return _build(Sample, data, rna=_build(RnaExpression, rna) if rna else None)


def _patient(data: dict[str, Any]) -> Patient:
    samples = tuple(_sample(sample) for sample in data.pop("samples"))
    pgx = {gene: tuple(pair) for gene, pair in data.pop("pgx", {}).items()}
    msi = data.pop("msi", None)
    return _build(
        Patient,
        data,
        samples=samples,
        pgx=pgx,
        germline=data.pop("germline", {}),
        somatic=data.pop("somatic", {}),
        msi=_build(TumourMsi, msi) if msi else None,
        copy_number=data.pop("copy_number", {}),
        fusions=tuple(_build(Fusion, fusion) for fusion in data.pop("fusions", [])),
        deletions=tuple(_build(GermlineDeletion, d) for d in data.pop("deletions", [])),
    )


def parse_plan(data: dict[str, Any]) -> Plan:
    """A Plan from the parsed YAML (raises KeyError/TypeError on a malformed plan)."""
    variants = data["variants"]
    return Plan(
        gc_content=data["gc_content"],
        contigs=tuple(Contig(**contig) for contig in data["contigs"]),
        context=tuple(Context(**item) for item in data.get("context", [])),
        quiet=tuple(Quiet(**span) for span in data["quiet"]),
        genes=tuple(_gene(dict(gene)) for gene in data["genes"]),
        pgx_variants=tuple(
            _build(PgxVariant, dict(variant), grch38=Allele(**variant["grch38"]))
            for variant in variants["pgx"]
        ),
        coding_variants=tuple(_coding(dict(variant)) for variant in variants["coding"]),
        star_alleles={
            gene: {name: tuple(ids) for name, ids in alleles.items()}
            for gene, alleles in data["star_alleles"].items()
        },
        pharmcat_names=data.get("pharmcat_names", {}),
        phenotypes=data.get("phenotypes", {}),
        population=tuple(PopulationAf(**item) for item in data.get("population", [])),
        patients=tuple(_patient(dict(patient)) for patient in data["patients"]),
        background=_build(Background, data["background"]),
        microsatellites=_build(Microsatellites, data["microsatellites"]),
        reads=_build(ReadSpec, data["reads"]),
        rna_reads=_build(ReadSpec, {**data["reads"], **data["rna_reads"]}),
    )
