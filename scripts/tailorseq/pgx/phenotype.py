"""Diplotype -> haplotype function, activity score and phenotype, from knowledge read at run time.

Two sources, same interface (`PhenotypeSource.gene_phenotype`):
- `pypgx_source()`: pypgx's allele-table (function, activity value), gene-table (whether the
  gene's phenotype comes from an activity score), diplotype-table (diplotype -> phenotype) and
  equation-table (activity score -> phenotype, used when a diplotype is not listed);
- `pharmcat_source(folder)`: PharmCAT-format phenotype files (`<GENE>.json`: `namedAlleles` with
  function and activity values, `diplotypes` with phenotype and activity score).

Rules: a diplotype's activity score is the sum of its haplotypes' activity values when the gene
uses one (a `xN` copy-number suffix multiplies); when the matcher returns several equally
ranked diplotypes each gets its phenotype, and the gene's phenotype is theirs when they agree,
else `Indeterminate` (with the reason). Haploid calls (a male's G6PD, MT-RNR1) have one allele.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from tailorseq.errors import InputError
from tailorseq.pgx import pypgx_tables

INDETERMINATE = "Indeterminate"
_COPIES = re.compile(r"^(?P<name>.+?)\s*[xX×](?P<n>\d+|N)$")


@dataclass
class GeneKnowledge:
    """What one source knows about a gene's alleles and diplotypes."""

    gene: str
    functions: dict[str, str | None] = field(default_factory=dict)
    activity: dict[str, float | None] = field(default_factory=dict)
    diplotypes: dict[tuple[str, ...], str] = field(default_factory=dict)
    uses_activity: bool = False
    equations: list[tuple[str, str]] = field(default_factory=list)  # (phenotype, equation)
    haploid_partner: str | None = None  # pypgx writes a male's G6PD as `<allele>/MALE`


@dataclass
class HaplotypeInfo:
    name: str
    function: str | None
    activity_value: float | None


@dataclass
class DiplotypePhenotype:
    """Phenotype of one diplotype."""

    diplotype: str
    haplotypes: list[HaplotypeInfo]
    activity_score: float | None
    phenotype: str | None
    note: str | None = None

    def to_json(self) -> dict:
        return {
            "diplotype": self.diplotype,
            "haplotypes": [h.__dict__ for h in self.haplotypes],
            "activity_score": self.activity_score,
            "phenotype": self.phenotype,
            **({"note": self.note} if self.note else {}),
        }


@dataclass
class GenePhenotype:
    """Phenotype of a gene over all its equally ranked diplotypes."""

    gene: str
    phenotype: str | None
    activity_score: float | None
    diplotypes: list[DiplotypePhenotype]
    source: str
    note: str | None = None
    #: lowest-function genes (DPYD, RYR1): the haplotypes the phenotype was looked up with
    lowest_function: dict | None = None

    def to_json(self) -> dict:
        return {
            "phenotype": self.phenotype,
            "activity_score": self.activity_score,
            "source": self.source,
            "diplotypes": [d.to_json() for d in self.diplotypes],
            **({"note": self.note} if self.note else {}),
            **({"lowest_function": self.lowest_function} if self.lowest_function else {}),
        }


def as_number(value) -> float | None:
    """`value` as a number (activity scores, lookup keys); None when it is not one."""
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _equation_matches(equation: str, score: float) -> bool:
    """pypgx's equations: `a <= score < b`, `a == score`, `a <= score` (only these forms)."""
    terms = re.split(r"\s*(<=|<|==)\s*", equation.strip())
    values = [score if t == "score" else float(t) for t in terms[::2]]
    ops = terms[1::2]
    compare = {"<=": lambda a, b: a <= b, "<": lambda a, b: a < b, "==": lambda a, b: a == b}
    return all(compare[op](values[i], values[i + 1]) for i, op in enumerate(ops))


def _pypgx_alias(name: str) -> str:
    """PharmCAT's single-position allele names -> pypgx's (`rs9923231 reference (C)` ->
    `Reference`, `rs2231142 variant (T)` -> `rs2231142`)."""
    match = re.fullmatch(r"(rs\d+) (reference|variant) \(.*\)", name)
    if match:
        return "Reference" if match.group(2) == "reference" else match.group(1)
    return name


class PhenotypeSource:
    """Phenotype knowledge for many genes, with where it came from."""

    def __init__(self, name: str, info: dict, genes: dict[str, GeneKnowledge], alias=None):
        self.name = name
        self.info = info
        self.genes = genes
        self._alias = alias or (lambda n: n)

    def knows(self, gene: str) -> bool:
        return gene in self.genes

    def haplotype(self, gene: str, name: str) -> HaplotypeInfo:
        knowledge = self.genes.get(gene) or GeneKnowledge(gene)
        copies = 1
        match = _COPIES.match(name)
        base = name
        if match and match.group("n") != "N":
            base, copies = match.group("name"), int(match.group("n"))
        key = self._alias(base)
        value = knowledge.activity.get(key)
        return HaplotypeInfo(
            name=name,
            function=knowledge.functions.get(key),
            activity_value=None if value is None else value * copies,
        )

    def diplotype_phenotype(self, gene: str, haplotypes: list[str]) -> DiplotypePhenotype:
        knowledge = self.genes.get(gene)
        label = "/".join(haplotypes)
        infos = [self.haplotype(gene, h) for h in haplotypes]
        if knowledge is None:
            return DiplotypePhenotype(label, infos, None, None, f"{self.name} has no {gene}")
        score = None
        if knowledge.uses_activity and infos and all(i.activity_value is not None for i in infos):
            score = sum(i.activity_value for i in infos)
        keys = [tuple(sorted(self._alias(h) for h in haplotypes))]
        if len(haplotypes) == 1:
            partner = knowledge.haploid_partner or haplotypes[0]
            keys.append(tuple(sorted((self._alias(haplotypes[0]), self._alias(partner)))))
        phenotype = next((knowledge.diplotypes[k] for k in keys if k in knowledge.diplotypes), None)
        note = None
        if phenotype is None and score is not None:
            phenotype = next(
                (p for p, eq in knowledge.equations if _equation_matches(eq, score)), None
            )
        if phenotype is None:
            note = f"diplotype {label} is not in {self.name}'s {gene} table"
        return DiplotypePhenotype(label, infos, score, phenotype, note)

    def gene_phenotype(self, gene: str, diplotypes: list[list[str]]) -> GenePhenotype:
        """Phenotype of a gene from its equally ranked diplotypes (haplotype name lists)."""
        each = [self.diplotype_phenotype(gene, d) for d in diplotypes]
        if not each:
            return GenePhenotype(gene, None, None, [], self.name, "no diplotype call")
        phenotypes = {d.phenotype for d in each}
        scores = {d.activity_score for d in each}
        note = None
        if len(phenotypes) == 1:
            phenotype = each[0].phenotype
        else:
            phenotype = INDETERMINATE
            note = "equally ranked diplotypes have different phenotypes: " + "; ".join(
                f"{d.diplotype}: {d.phenotype or 'unknown'}" for d in each
            )
        if phenotype is None:
            note = each[0].note
        score = scores.pop() if len(scores) == 1 else None
        return GenePhenotype(gene, phenotype, score, each, self.name, note)


def pypgx_source() -> PhenotypeSource:
    """Phenotype knowledge from the installed pypgx's tables."""
    genes: dict[str, GeneKnowledge] = {}

    def gene(name: str) -> GeneKnowledge:
        return genes.setdefault(name, GeneKnowledge(name))

    for row in pypgx_tables.table("gene-table"):
        gene(row["Gene"]).uses_activity = row["PhenotypeMethod"] == "Score"
    for row in pypgx_tables.table("allele-table"):
        knowledge = gene(row["Gene"])
        knowledge.functions[row["StarAllele"]] = row["Function"]
        knowledge.activity[row["StarAllele"]] = as_number(row["ActivityScore"])
        if row["StarAllele"] == "MALE":
            knowledge.haploid_partner = "MALE"
    for row in pypgx_tables.table("diplotype-table"):
        key = tuple(sorted(row["Diplotype"].split("/")))
        gene(row["Gene"]).diplotypes[key] = row["Phenotype"]
    for row in pypgx_tables.table("equation-table"):
        gene(row["Gene"]).equations.append((row["Phenotype"], row["Equation"]))
    return PhenotypeSource("pypgx", pypgx_tables.source_info(), genes, _pypgx_alias)


def pharmcat_source(folder: Path | str) -> PhenotypeSource:
    """Phenotype knowledge from PharmCAT-format phenotype files (`<GENE>.json`)."""
    folder = Path(folder)
    files = sorted(folder.glob("*.json"))
    if not files:
        raise InputError(
            str(folder),
            "no PharmCAT phenotype files (<GENE>.json) here",
            "give the folder holding them (e.g. pharmcat/phenotype)",
        )
    genes: dict[str, GeneKnowledge] = {}
    versions = set()
    for path in files:
        try:
            raw = json.loads(path.read_text())
            knowledge = GeneKnowledge(raw["gene"])
            knowledge.uses_activity = bool(raw.get("activityValues"))
            for allele in raw.get("namedAlleles") or []:
                knowledge.functions[allele["name"]] = allele.get("functionValue")
                knowledge.activity[allele["name"]] = as_number(allele.get("activityValue"))
            for entry in raw.get("diplotypes") or []:
                key = tuple(
                    sorted(n for n, count in entry["diplotypekey"].items() for _ in range(count))
                )
                knowledge.diplotypes[key] = entry.get("phenotype") or entry.get("generesult")
            versions.add(str(raw.get("version") or ""))
        except (KeyError, TypeError, json.JSONDecodeError) as error:
            raise InputError(str(path), f"not a PharmCAT phenotype file ({error!r})", "") from error
        genes[knowledge.gene] = knowledge
    info: dict = {"name": "pharmcat-phenotypes", "folder": str(folder.resolve())}
    info["versions"] = sorted(v for v in versions if v)
    for candidate in (folder.resolve(), *list(folder.resolve().parents)[:2]):
        if (candidate / "SOURCE").is_file():
            info["source"] = (candidate / "SOURCE").read_text().strip()
            break
    return PhenotypeSource("pharmcat", info, genes)


def phenotype_source(phenotypes: Path | str | None = None) -> PhenotypeSource:
    """PharmCAT phenotype files when a folder is given, else pypgx's tables."""
    return pharmcat_source(phenotypes) if phenotypes else pypgx_source()
