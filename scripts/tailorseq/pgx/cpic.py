"""CPIC recommendations with their classification (Strong / Moderate / Optional ...), from a file
in the format PharmCAT ships as `drugs.json` (CPIC's `recommendation` export): a list of drugs,
each with its guideline (`guidelinename`, `url`, `citations` with PMIDs, `cpicVersion`) and its
`recommendations`, each keyed by `lookupkey` (gene -> lookup value).

A drug is looked up when at least one of its genes has a result. A recommendation fits when
every gene of its `lookupkey` fits the sample's result for that gene:
- phenotype keys (`Poor Metabolizer`, `Indeterminate`) are compared with the phenotype, ignoring
  case;
- activity-score keys are numbers compared as numbers (`1` fits a score of 1.0); `≥3` fits a
  score of 3 or more; `n/a` fits a called gene without a score whose phenotype is Indeterminate;
- allele-status keys (`*57:01 positive` / `*57:01 negative`) look for the allele among the gene's
  haplotypes (`*57:01`, or a longer name of it such as `*57:01:01`);
- `No Result` and `No *15:02 Result` fit a gene the sample has no result for.
Where several keys fit one score (`3`, `≥3` and `≥3.25` for a score of 3.5), only the most
specific counts: an exact key before a threshold, the highest threshold reached before a lower
one. Every population of the drug (`general`, `adults`, `CBZ naive` ...) gets its own best
recommendation(s), each reported with its population. A drug with results but no fitting
recommendation is listed with `recommendation: null` and a note saying so.

CPIC's recommendation records also carry three booleans (`dosinginformation`: the
recommendation changes the dose; `alternatedrugavailable`: it recommends another drug;
`otherprescribingguidance`: other guidance; columns of CPIC's `recommendation` table, served at
https://api.cpicpgx.org/v1/recommendation). They are passed on when the file has them (as
`dosing_information`, `alternate_drug_available`, `other_prescribing_guidance`) and left out
when it does not (PharmCAT's v1.10 copy of drugs.json has none): nothing is read from the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tailorseq.errors import InputError
from tailorseq.files import sha256
from tailorseq.pgx.phenotype import as_number
from tailorseq.pgx.recommendations import Recommendation, same_text

NO_RESULT = re.compile(r"no (?:(?P<allele>\S+) )?result", re.IGNORECASE)
ALLELE_STATUS = re.compile(r"(?P<allele>\S+) (?P<status>positive|negative)", re.IGNORECASE)
AT_LEAST = "≥"
NOT_APPLICABLE = "n/a"
INDETERMINATE = "indeterminate"
EXACT = 2
THRESHOLD = 1
#: CPIC's structured flags of a recommendation -> our field names.
FLAGS = {
    "dosinginformation": "dosing_information",
    "alternatedrugavailable": "alternate_drug_available",
    "otherprescribingguidance": "other_prescribing_guidance",
}
FORMAT_FIX = (
    "give a CPIC recommendation file in the format of PharmCAT's drugs.json (a list of drugs, "
    "each with drugname, genes and recommendations with a lookupkey)"
)


@dataclass(frozen=True)
class GeneResult:
    """What the sample has for one gene, in the terms CPIC's lookup keys use."""

    phenotype: str | None = None
    activity_score: float | None = None
    haplotypes: tuple[str, ...] = ()

    @property
    def has_result(self) -> bool:
        called = self.phenotype is not None or self.activity_score is not None
        return called or bool(self.haplotypes)


def carries(haplotypes: tuple[str, ...], allele: str) -> bool:
    """Whether one of the haplotypes is `allele` (`*57:01`), possibly written with its gene
    (`HLA-B*57:01`) or at a higher resolution (`*57:01:01`)."""
    for haplotype in haplotypes:
        name = haplotype[haplotype.index("*") :] if "*" in haplotype else haplotype
        if name == allele or name.startswith(allele + ":"):
            return True
    return False


def _allele_status_fit(match: re.Match, result: GeneResult) -> bool:
    positive = match["status"].lower() == "positive"
    return bool(result.haplotypes) and carries(result.haplotypes, match["allele"]) == positive


def _score_fit(key: str, score: float | None) -> tuple[int, float] | None:
    """How an activity-score key fits a score: (EXACT, 0) or (THRESHOLD, its value)."""
    if score is None:
        return None
    if key.startswith(AT_LEAST):
        threshold = as_number(key[len(AT_LEAST) :])
        return (THRESHOLD, threshold) if threshold is not None and score >= threshold else None
    return (EXACT, 0.0) if abs(score - float(key)) < 1e-9 else None


def key_fit(key: str, result: GeneResult | None) -> tuple[int, float] | None:
    """How one lookup key fits the sample's result for its gene: a rank (higher = more specific)
    or None when it does not fit."""
    key = key.strip()
    if NO_RESULT.fullmatch(key):
        return (EXACT, 0.0) if result is None or not result.has_result else None
    if result is None or not result.has_result:
        return None
    if status := ALLELE_STATUS.fullmatch(key):
        return (EXACT, 0.0) if _allele_status_fit(status, result) else None
    if key.startswith(AT_LEAST) or as_number(key) is not None:
        return _score_fit(key, result.activity_score)
    if same_text(key, NOT_APPLICABLE):
        indeterminate = result.activity_score is None and same_text(result.phenotype, INDETERMINATE)
        return (EXACT, 0.0) if indeterminate else None
    return (EXACT, 0.0) if same_text(key, result.phenotype) else None


def recommendation_fit(lookup: dict[str, str], results: dict[str, GeneResult]):
    """The fit of a whole recommendation (one rank per gene, by gene name), None when a gene
    does not fit."""
    ranks = []
    for gene in sorted(lookup):
        rank = key_fit(lookup[gene], results.get(gene))
        if rank is None:
            return None
        ranks.append(rank)
    return tuple(ranks)


def best_fitting(recommendations: list[dict], results: dict[str, GeneResult]) -> list[dict]:
    """Of each population, the recommendations that fit most specifically (in file order)."""
    fits = {}
    for index, rec in enumerate(recommendations):
        fit = recommendation_fit(rec["lookupkey"], results)
        if fit is not None:
            fits[index] = (rec.get("population") or "general", fit)
    best: dict[str, tuple] = {}
    for population, fit in fits.values():
        best[population] = max(fit, best.get(population, fit))
    return [recommendations[i] for i, (pop, fit) in fits.items() if fit == best[pop]]


def _fail(path: Path, row: int, problem: str) -> InputError:
    return InputError(str(path), problem, FORMAT_FIX, row=row)


def _check_recommendation(path: Path, row: int, drug: str, number: int, rec) -> None:
    where = f"recommendation {number} of {drug}"
    if not isinstance(rec, dict):
        raise _fail(path, row, f"{where} is not an object")
    lookup = rec.get("lookupkey")
    if not isinstance(lookup, dict) or not lookup:
        raise _fail(path, row, f"{where} has no lookupkey (gene -> phenotype, score or status)")
    if not all(isinstance(v, str) for v in lookup.values()):
        raise _fail(path, row, f"{where}: every lookupkey value must be text, found {lookup}")
    for field in ("drugrecommendation", "classification", "population"):
        if rec.get(field) is not None and not isinstance(rec[field], str):
            raise _fail(path, row, f"{where}: {field} must be text, found {rec[field]!r}")
    for field in FLAGS:
        if rec.get(field) is not None and not isinstance(rec[field], bool):
            raise _fail(path, row, f"{where}: {field} must be true or false, found {rec[field]!r}")


def _check_drug(path: Path, row: int, drug) -> None:
    if not isinstance(drug, dict) or not isinstance(drug.get("drugname"), str):
        raise _fail(path, row, f"drug {row} has no drugname")
    name = drug["drugname"]
    if not isinstance(drug.get("genes", []), list):
        raise _fail(path, row, f"{name}: genes must be a list")
    recommendations = drug.get("recommendations")
    if not isinstance(recommendations, list):
        raise _fail(path, row, f"{name} has no recommendations list")
    for number, rec in enumerate(recommendations, start=1):
        _check_recommendation(path, row, name, number, rec)


def load_cpic_file(path: Path | str) -> list[dict]:
    """The drugs of a CPIC recommendation file, checked (row = the drug's number in the list)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(str(path), f"cannot read it ({error.strerror})", FORMAT_FIX) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"not JSON ({error})", FORMAT_FIX) from None
    if not isinstance(data, list):
        raise InputError(str(path), "the file is not a list of drugs", FORMAT_FIX)
    for row, drug in enumerate(data, start=1):
        _check_drug(path, row, drug)
    return data


def _pmids(drug: dict) -> list[str]:
    return [str(c["pmid"]) for c in drug.get("citations") or [] if c.get("pmid")]


def _text(value: str | None) -> str | None:
    """CPIC's `n/a` placeholders as None."""
    return None if value is None or same_text(value, NOT_APPLICABLE) else value


def drug_genes(drug: dict) -> set[str]:
    """The genes a CPIC drug entry names: its guideline's and its recommendations' lookup keys."""
    return set(drug.get("genes") or []).union(*(r["lookupkey"] for r in drug["recommendations"]))


def _sample_genes(genes, results: dict[str, GeneResult]) -> dict[str, str | None]:
    return {gene: (results.get(gene) or GeneResult()).phenotype for gene in genes}


class CpicRecommendations:
    """A CPIC recommendation file, indexed by drug, with where it came from."""

    def __init__(self, path: Path | str, given: str | None = None) -> None:
        path = Path(path)
        self.drugs = load_cpic_file(path)
        versions = sorted({d["cpicVersion"] for d in self.drugs if d.get("cpicVersion")})
        modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        self.info = {
            "name": "CPIC",
            "format": "CPIC recommendation export (PharmCAT's drugs.json)",
            "file": str(path),
            **({"source": given} if given and given != str(path) else {}),
            "sha256": sha256(path),
            "file_date": modified.date().isoformat(),
            "version": ", ".join(versions) or None,
            "drugs": len(self.drugs),
        }
        self.drug_source = f"CPIC recommendation file ({self.info['version'] or 'unversioned'})"

    def drugs_of(self, gene: str) -> list[str]:
        """Drugs whose CPIC guideline or recommendations name `gene`."""
        return sorted(drug["drugname"] for drug in self.drugs if gene in drug_genes(drug))

    @staticmethod
    def _guideline(drug: dict, genes, results) -> Recommendation:
        """A drug's entry before any recommendation: its guideline and the sample's genes."""
        return Recommendation(
            drug=drug["drugname"],
            genes=_sample_genes(genes, results),
            recommendation=None,
            guideline=drug.get("url"),
            guideline_name=drug.get("guidelinename"),
            pmids=_pmids(drug),
            cpic_version=drug.get("cpicVersion"),
        )

    def _fitting(self, drug: dict, rec: dict, results) -> Recommendation:
        entry = self._guideline(drug, sorted(rec["lookupkey"]), results)
        entry.recommendation = rec.get("drugrecommendation")
        entry.classification = rec.get("classification")
        entry.implications = {g: t for g, t in (rec.get("implications") or {}).items() if _text(t)}
        entry.population = (rec.get("population") or "").strip() or None
        entry.lookup_key = rec["lookupkey"]
        entry.comments = _text(rec.get("comments"))
        for field, name in FLAGS.items():
            setattr(entry, name, rec.get(field))
        return entry

    def _no_fit(self, drug: dict, results) -> Recommendation:
        entry = self._guideline(drug, drug.get("genes") or [], results)
        entry.note = "no recommendation of the CPIC file fits these results"
        return entry

    def recommend(self, results: dict[str, GeneResult]) -> list[Recommendation]:
        """Every drug with a gene that has a result: its best fitting recommendation(s)."""
        found = []
        for drug in self.drugs:
            recs = drug["recommendations"]
            if not any((results.get(g) or GeneResult()).has_result for g in drug_genes(drug)):
                continue
            best = best_fitting(recs, results)
            found.extend(self._fitting(drug, rec, results) for rec in best)
            if not best:
                found.append(self._no_fit(drug, results))
        return found
