"""PharmCAT-format allele definitions (`<GENE>_translation.json`, `exemptions.json`), read at run
time from a configured folder into typed, immutable records.

Format (PharmCAT definition formatVersion 2): `variants` lists the defining positions (VCF-style
`ref`/`alts`, padded for indels exactly as PharmCAT's positions VCF writes them, plus the CPIC
spelling in `cpicAlleles` and `cpicToVcfAlleleMap`); each of `namedAlleles` has one `alleles` cell
per variant: a VCF-style allele, an IUPAC ambiguity code (SNVs only), or null for "not part of
this definition". Exactly one named allele is `reference`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from tailorseq.errors import InputError

#: IUPAC nucleotide codes -> the bases they stand for.
IUPAC: dict[str, frozenset[str]] = {
    "A": frozenset("A"),
    "C": frozenset("C"),
    "G": frozenset("G"),
    "T": frozenset("T"),
    "R": frozenset("AG"),
    "Y": frozenset("CT"),
    "S": frozenset("GC"),
    "W": frozenset("AT"),
    "K": frozenset("GT"),
    "M": frozenset("AC"),
    "B": frozenset("CGT"),
    "D": frozenset("AGT"),
    "H": frozenset("ACT"),
    "V": frozenset("ACG"),
    "N": frozenset("ACGT"),
}


def is_wobble(allele: str | None) -> bool:
    """True for a one-letter IUPAC ambiguity code (R, Y, ...), not for A/C/G/T."""
    return allele is not None and len(allele) == 1 and allele in IUPAC and len(IUPAC[allele]) > 1


def allele_matches(defined: str | None, observed: str | None) -> bool:
    """Whether an observed allele satisfies a definition cell: null matches anything, an IUPAC
    code matches any of its bases, anything else must be equal."""
    if defined is None:
        return True
    if observed is None:
        return False
    if defined == observed:
        return True
    return is_wobble(defined) and observed in IUPAC[defined]


def name_key(name: str) -> tuple:
    """Natural order of allele names (`*2` < `*10`)."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name)
    )


@dataclass(frozen=True)
class Variant:
    """One defining position."""

    chromosome: str
    position: int
    rsid: str | None
    ref: str
    alts: tuple[str, ...]
    cpic_to_vcf: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def label(self) -> str:
        """`chr:pos` plus the rsID when there is one."""
        return f"{self.chromosome}:{self.position}" + (f" ({self.rsid})" if self.rsid else "")

    def to_vcf_allele(self, allele: str) -> str:
        """An allele as the definition's VCF spelling (accepts the CPIC spelling too)."""
        if allele == self.ref or allele in self.alts:
            return allele
        return self.cpic_to_vcf.get(allele, allele)


@dataclass(frozen=True)
class NamedAllele:
    """A named allele: one cell per gene variant (None = not defined by this allele)."""

    name: str
    id: str
    alleles: tuple[str | None, ...]
    reference: bool

    @property
    def score(self) -> int:
        """PharmCAT's score: the number of defined (non-null) positions."""
        return sum(a is not None for a in self.alleles)


@dataclass(frozen=True)
class Exemption:
    """Per-gene exceptions of PharmCAT's `exemptions.json` that change calling."""

    ignored_alleles: frozenset[str] = frozenset()
    ignored_positions: frozenset[int] = frozenset()
    required_positions: frozenset[int] = frozenset()
    unphased_priorities: tuple[tuple[frozenset[str], str], ...] = ()


@dataclass(frozen=True)
class GeneDefinition:
    """All named alleles of one gene over its defining positions."""

    gene: str
    chromosome: str
    genome_build: str
    version: str
    source: str
    variants: tuple[Variant, ...]
    named_alleles: tuple[NamedAllele, ...]
    exemption: Exemption = Exemption()

    @property
    def reference_allele(self) -> NamedAllele:
        """The named allele flagged `reference` (the first one when a file has none flagged)."""
        for allele in self.named_alleles:
            if allele.reference:
                return allele
        return self.named_alleles[0]


def _exemptions(path: Path) -> dict[str, Exemption]:
    if not path.exists():
        return {}
    raw = json.loads(path.read_text())
    result: dict[str, Exemption] = {}
    for gene, entry in raw.items():
        priorities = tuple(
            (frozenset(p["list"]), p["pick"])
            for p in entry.get("unphasedDiplotypePriorities") or []
        )
        result[gene] = Exemption(
            ignored_alleles=frozenset(entry.get("ignoredAlleles") or []),
            ignored_positions=frozenset(p["position"] for p in entry.get("ignoredPositions") or []),
            required_positions=frozenset(entry.get("requiredPositions") or []),
            unphased_priorities=priorities,
        )
    return result


def load_gene(path: Path, exemption: Exemption | None = None) -> GeneDefinition:
    """Read one `<GENE>_translation.json`; alleles the exemption ignores are left out."""
    try:
        raw = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise InputError(
            str(path),
            f"not a PharmCAT allele definition ({error!r})",
            "point at a definitions folder",
        ) from error
    return parse_gene(raw, exemption, str(path))


def parse_gene(raw: dict, exemption: Exemption | None = None, where: str = "") -> GeneDefinition:
    """One gene's definition from its parsed PharmCAT-format JSON."""
    try:
        exemption = exemption or Exemption()
        # PharmCAT keeps "ignored" positions in matching (its match scores count them)
        keep = list(range(len(raw["variants"])))
        variants = tuple(
            Variant(
                chromosome=v["chromosome"],
                position=int(v["position"]),
                rsid=v.get("rsid"),
                ref=v["ref"],
                alts=tuple(v.get("alts") or ()),
                cpic_to_vcf=dict(v.get("cpicToVcfAlleleMap") or {}),
            )
            for v in (raw["variants"][i] for i in keep)
        )
        alleles = tuple(
            NamedAllele(
                name=a["name"],
                id=a.get("id") or a["name"],
                alleles=tuple(a["alleles"][i] for i in keep),
                reference=bool(a.get("reference")),
            )
            for a in raw["namedAlleles"]
            if a["name"] not in exemption.ignored_alleles
        )
        return GeneDefinition(
            gene=raw["gene"],
            chromosome=raw["chromosome"],
            genome_build=raw.get("genomeBuild") or "",
            version=str(raw.get("version") or ""),
            source=str(raw.get("source") or ""),
            variants=variants,
            named_alleles=alleles,
            exemption=exemption,
        )
    except (KeyError, IndexError, TypeError) as error:
        raise InputError(
            where,
            f"not a PharmCAT allele definition ({error!r})",
            "point at a definitions folder",
        ) from error


def load_definitions(
    folder: Path | str, genes: list[str] | None = None
) -> dict[str, GeneDefinition]:
    """Every `*_translation.json` of a folder (or its `alleles/` subfolder), by gene name."""
    folder = Path(folder)
    if (folder / "alleles").is_dir():
        folder = folder / "alleles"
    files = sorted(folder.glob("*_translation.json"))
    if not files:
        raise InputError(
            str(folder),
            "no PharmCAT allele definitions (*_translation.json) here",
            "give the folder holding the definition JSON files (e.g. pharmcat/definition/alleles)",
        )
    exemptions = _exemptions(folder / "exemptions.json")
    wanted = {g.upper() for g in genes} if genes else None
    result: dict[str, GeneDefinition] = {}
    for path in files:
        gene = path.name.removesuffix("_translation.json")
        if wanted is not None and gene.upper() not in wanted:
            continue
        result[gene] = load_gene(path, exemptions.get(gene))
    if wanted is not None:
        unknown = sorted(wanted - {g.upper() for g in result})
        if unknown:
            raise InputError(
                str(folder),
                f"no definitions for {', '.join(unknown)}",
                f"choose among {', '.join(sorted(p.name.split('_')[0] for p in files))}",
            )
    return result


def knowledge_version(folder: Path | str, definitions: dict[str, GeneDefinition]) -> dict:
    """Where the definitions come from: a PharmCAT `SOURCE` file found in the folder or up to two
    levels above it, else the definitions' own source/version fields."""
    folder = Path(folder).resolve()
    result: dict = {"definitions": str(folder)}
    for candidate in (folder, *list(folder.parents)[:3]):
        source = candidate / "SOURCE"
        if source.is_file():
            result["source_file"] = str(source)
            result["source"] = source.read_text().strip()
            break
    versions = sorted({f"{d.source} {d.version}".strip() for d in definitions.values()})
    builds = sorted({d.genome_build for d in definitions.values() if d.genome_build})
    result["definition_versions"] = versions
    result["genome_builds"] = builds
    return result
