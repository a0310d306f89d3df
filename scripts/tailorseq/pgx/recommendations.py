"""Per gene phenotype -> CPIC drug recommendations, from pypgx's tables read at run time.

- recommendation-table: (drug, gene1, phenotype1[, gene2, phenotype2]) -> recommendation text;
- cpic-table: (gene, drug) -> guideline URL, CPIC level and status, PharmGKB level, FDA label,
  PMIDs.

A drug is reported for a gene when the gene has a phenotype and the recommendation table has a
row for it; a two-gene row needs both phenotypes (when the other gene has none it is listed
under `needs`, not guessed). Genes with CPIC guidelines whose recommendation texts are not in
pypgx's table (e.g. TPMT, G6PD, MT-RNR1, HLA-A, HLA-B in 0.27.0) get their CPIC level A/B drugs
with the guideline and `recommendation: null`. pypgx carries no per-recommendation
classification (CPIC's strong/moderate/optional; checked for 0.27.0: the recommendation table has
only Drug/Gene/Phenotype/Recommendation columns, the cpic table only gene-drug levels), and the
PharmCAT folder we read holds definitions and phenotype files only (no guideline annotations):
`classification` is null and the CPIC level of the gene-drug pair is given instead. A CPIC
recommendation file (`cpic.py`, `--recommendations`, config `pgx.recommendations`) gives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tailorseq.pgx import pypgx_tables

NO_CLASSIFICATION = (
    "pypgx's tables carry no CPIC classification (strong/moderate/optional) per recommendation: "
    "give a CPIC recommendation file (--recommendations, config pgx.recommendations) for it"
)
#: CPIC levels for which drugs without a recommendation text are still listed.
LISTED_LEVELS = frozenset({"A", "B"})
#: CPIC levels of a gene-drug pair whose prescribing depends on the gene (A, B and the
#: provisional A/B: CPIC's levels, https://cpicpgx.org/prioritization/).
AFFECTED_LEVELS = frozenset({"A", "A/B", "B"})


@dataclass
class Recommendation:
    drug: str
    genes: dict[str, str | None]
    recommendation: str | None
    guideline: str | None = None
    cpic_level: str | None = None
    cpic_level_status: str | None = None
    pharmgkb_level: str | None = None
    fda_label: str | None = None
    pmids: list[str] = field(default_factory=list)
    classification: str | None = None
    needs: list[str] = field(default_factory=list)
    note: str | None = None
    # from a CPIC recommendation file (`cpic.py`):
    guideline_name: str | None = None
    implications: dict[str, str] = field(default_factory=dict)
    population: str | None = None
    lookup_key: dict[str, str] = field(default_factory=dict)
    comments: str | None = None
    cpic_version: str | None = None
    # CPIC's structured flags of a recommendation (None: not in the file used), see `cpic.py`:
    dosing_information: bool | None = None
    alternate_drug_available: bool | None = None
    other_prescribing_guidance: bool | None = None

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [], {})} | {
            "recommendation": self.recommendation,
            "classification": self.classification,
        }


def same_text(a: str | None, b: str | None) -> bool:
    """Both given and equal, ignoring case and surrounding spaces (phenotype names)."""
    return a is not None and b is not None and a.strip().lower() == b.strip().lower()


class RecommendationTables:
    """pypgx's cpic-table and recommendation-table, indexed."""

    def __init__(self) -> None:
        self.rows = pypgx_tables.table("recommendation-table")
        self.cpic: dict[tuple[str, str], dict] = {}
        for row in pypgx_tables.table("cpic-table"):
            self.cpic.setdefault((row["Gene"], row["Drug"]), row)
        self.genes_with_text = {r["Gene1"] for r in self.rows} | {
            r["Gene2"] for r in self.rows if r["Gene2"]
        }
        self.info = pypgx_tables.source_info() | {
            "tables": ["cpic-table", "recommendation-table"],
            "note": NO_CLASSIFICATION,
        }
        self.drug_source = (
            f"pypgx {pypgx_tables.version()} cpic-table: drugs at CPIC level A, A/B or B"
        )

    def drugs_of(self, gene: str) -> list[str]:
        """Drugs whose CPIC level for `gene` is A, A/B or B."""
        return sorted(
            drug for (g, drug), row in self.cpic.items()
            if g == gene and row["CPICLevel"] in AFFECTED_LEVELS
        )  # fmt: skip

    def _guideline(self, rec: Recommendation, genes: list[str]) -> Recommendation:
        for gene in genes:
            row = self.cpic.get((gene, rec.drug))
            if row:
                rec.guideline = row["Guideline"]
                rec.cpic_level = row["CPICLevel"]
                rec.cpic_level_status = row["CPICLevelStatus"]
                rec.pharmgkb_level = row["PharmGKBLevel"]
                rec.fda_label = row["FDALabel"]
                rec.pmids = (row["PMID"] or "").split(";") if row["PMID"] else []
                break
        return rec

    def recommend(self, phenotypes: dict[str, str | None]) -> list[Recommendation]:
        """Recommendations for genes with a phenotype (gene -> phenotype or None)."""
        result: list[Recommendation] = []
        for row in self.rows:
            gene1, gene2 = row["Gene1"], row["Gene2"]
            if not same_text(phenotypes.get(gene1), row["Phenotype1"]):
                continue
            if gene2 is None:
                rec = Recommendation(row["Drug"], {gene1: phenotypes[gene1]}, row["Recommendation"])
            elif phenotypes.get(gene2) is None:
                rec = Recommendation(
                    row["Drug"],
                    {gene1: phenotypes[gene1]},
                    None,
                    needs=[gene2],
                    note=f"the recommendation also depends on the {gene2} phenotype, not called",
                )
                if any(r.drug == rec.drug and r.needs == [gene2] for r in result):
                    continue
            elif same_text(phenotypes[gene2], row["Phenotype2"]):
                rec = Recommendation(
                    row["Drug"],
                    {gene1: phenotypes[gene1], gene2: phenotypes[gene2]},
                    row["Recommendation"],
                )
            else:
                continue
            if rec.recommendation is None and not rec.needs:
                rec.note = "the table has no recommendation for this phenotype"
            result.append(self._guideline(rec, [gene1, gene2] if gene2 else [gene1]))
        for (gene, drug), row in sorted(self.cpic.items()):
            if (
                gene in phenotypes
                and gene not in self.genes_with_text
                and row["CPICLevel"] in LISTED_LEVELS
            ):
                rec = Recommendation(
                    drug,
                    {gene: phenotypes[gene]},
                    None,
                    note=f"pypgx {pypgx_tables.version()} has no recommendation text for {gene}: "
                    "see the guideline",
                )
                result.append(self._guideline(rec, [gene]))
        return result
