"""Hereditary (secondary) findings from an annotated germline VCF.

What is a finding (each rule has its unit test):
- the sample consented (`secondary_findings: yes`); otherwise nothing is assessed or written;
- the variant lies in a listed gene (ACMG SF, `resources/acmg_sf_genes.tsv`, or a lab panel)
  and fits the gene's restriction (e.g. TTN: truncating only; HFE: p.Cys282Tyr only);
- ClinVar classifies it Pathogenic, Likely pathogenic or Pathogenic/Likely pathogenic with at
  least `min_review_stars` review stars; conflicting, uncertain, benign or low-penetrance
  classifications are never findings;
- the population allele frequency (POP_AF) does not exclude it: frequency filtering applies
  only to variants that are NOT ClinVar P/LP with the required stars, as CPSR does (its
  ACMG BA1/BS1 frequency criteria classify non-ClinVar variants only; CPSR documentation,
  "Variant classification", sigven/cpsr) and as ClinGen's BA1 exception list shows is needed
  (Ghosh R et al., Updated recommendation for the benign stand-alone ACMG/AMP criterion, Hum
  Mutat 2018;39(11):1525-1530: pathogenic variants above 5% in a population). So HFE
  p.Cys282Tyr (~6% in Europeans) and TTR p.Val142Ile (~3.5% in people of African ancestry)
  are findings; a common variant without such a classification is excluded;
- its zygosity fits the gene's inheritance: AD and XL any carrier; AR homozygous, or two or
  more P/LP heterozygous variants in the gene that are not known to be in cis: their phase from
  the reads (`tailorseq.findings_phase`, WhatsHap) makes them a compound heterozygote (in
  trans) or a carrier (in cis: not a finding, kept for lab review); when the reads do not
  connect them the note says "possible compound heterozygote" with the reason; every such
  call carries its `phase` (status and basis), other calls `phase` null;
- the call passed the germline filter (FILTER PASS); a P/LP call that did not (LowScore, or
  LowDepth/LowQual with the fallback filter) is listed as "needs confirmation" (orthogonal
  test), never dropped silently.

For review (lab only, a separate file, never in the clinician's report): loss-of-function
variants (frameshift, stop gained, splice donor/acceptor, start lost) in genes where loss of
function is the known mechanism, absent from ClinVar or there without review stars, rare and
PASS; in AR genes only with a second hit.

Which listed genes were assessed at all (callable coverage) is `tailorseq.gene_assessment`.
"""

import csv
import io
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tailorseq import documents
from tailorseq.files import write_atomic
from tailorseq.findings_cnv import copy_number_findings, tsv_row
from tailorseq.findings_phase import ReadPhase, pair_phase, phase_note
from tailorseq.gene_assessment import Callable, assess_genes
from tailorseq.gene_list import GeneEntry, GeneList
from tailorseq.germline_calls import Call

NO_CONSENT = (
    "not assessed: the sample has no consent to secondary findings "
    "(samples.tsv secondary_findings = no)"
)


# ---------------------------------------------------------------- classification


@dataclass(frozen=True)
class Settings:
    """Classification thresholds (config `findings`)."""

    min_review_stars: int = 1
    max_population_af: float = 0.01


@dataclass
class Result:
    """Findings, P/LP calls that need confirmation, and (lab-only) review items of a sample."""

    findings: list[dict] = field(default_factory=list)
    needs_confirmation: list[dict] = field(default_factory=list)
    for_review: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(
        self,
        calls: list[Call],
        entry: GeneEntry,
        note: str,
        settings: Settings,
        phase: dict[str, str] | None = None,
    ) -> None:
        """Report calls that together make one finding: confirmed only if all passed the
        caller's filters, else all need confirmation."""
        failed = sorted({c.filter for c in calls if c.filter != "PASS"})
        if failed:
            note = f"needs confirmation (FILTER {', '.join(failed)}); {note}".rstrip("; ")
            self.needs_confirmation += [_evidence(c, entry, note, settings, phase) for c in calls]
        else:
            self.findings += [_evidence(c, entry, note, settings, phase) for c in calls]


def _fits_restriction(call: Call, entry: GeneEntry) -> bool:
    restriction = entry.restriction.strip()
    if not restriction:
        return True
    consequence = call.consequence
    if restriction == "truncating":
        return consequence is not None and consequence.is_lof
    if restriction.startswith("protein:"):
        return consequence is not None and consequence.amino_acids == restriction[8:]
    return False


def _is_plp(call: Call, settings: Settings) -> bool:
    """ClinVar P/LP with at least the required review stars."""
    return (
        call.clinvar is not None
        and call.clinvar.kind == "plp"
        and call.clinvar.stars >= settings.min_review_stars
    )


def _is_common(call: Call, settings: Settings) -> bool:
    return call.pop_af is not None and call.pop_af > settings.max_population_af


def _evidence(
    call: Call,
    entry: GeneEntry,
    note: str = "",
    settings: Settings | None = None,
    phase: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything a reviewer needs about one reported variant."""
    if settings is not None and _is_common(call, settings):
        common = (
            f"population allele frequency {call.pop_af:g} (above {settings.max_population_af:g})"
            " does not exclude it: ClinVar classifies it P/LP"
        )
        note = f"{note}; {common}" if note else common
    return {
        "gene": entry.gene,
        "contig": call.contig,
        "pos": call.pos,
        "ref": call.ref,
        "alt": call.alt,
        "genotype": call.genotype,
        "zygosity": call.zygosity,
        "depth": call.depth,
        "allele_fraction": call.allele_fraction,
        "filter": call.filter,
        "population_af": call.pop_af,
        "consequence": asdict(call.consequence) if call.consequence else None,
        "clinvar": {**asdict(call.clinvar), "kind": call.clinvar.kind} if call.clinvar else None,
        "gene_list_entry": asdict(entry),
        "note": note,
        "phase": dict(phase) if phase is not None else None,
    }


def classify(
    calls: list[Call], genes: GeneList, settings: Settings, phase: ReadPhase | None = None
) -> Result:
    """Split a consenting sample's calls into findings, calls that need confirmation and
    review items (module docstring); `phase` is the read-backed phase of the calls in the AR
    genes (None: not run)."""
    result = Result()
    counts: dict[str, int] = defaultdict(int)
    plp: dict[str, list[Call]] = defaultdict(list)
    lof: dict[str, list[Call]] = defaultdict(list)
    for call in calls:
        counts["variants"] += 1
        if call.clinvar is not None:
            counts["clinvar_matches"] += 1
        entry = genes.genes.get(call.gene or "")
        if entry is None:
            continue
        counts["in_listed_genes"] += 1
        if not _fits_restriction(call, entry):
            counts["excluded_restriction"] += 1
            continue
        if _is_plp(call, settings):
            plp[entry.gene].append(call)
            continue
        if _is_common(call, settings):
            counts["excluded_common"] += 1
            continue
        if call.filter != "PASS":
            counts["excluded_filter"] += 1
            continue
        kind = call.clinvar.kind if call.clinvar else None
        if (
            entry.lof_mechanism
            and call.consequence is not None
            and call.consequence.is_lof
            and (call.clinvar is None or (kind in ("plp", "other") and call.clinvar.stars == 0))
        ):
            lof[entry.gene].append(call)
        elif kind is not None:
            counts[f"not_reported_{kind}"] += 1
    result.counts = counts
    for gene in sorted(set(plp) | set(lof)):
        _by_inheritance(genes.genes[gene], plp[gene], lof[gene], result, settings, phase)
    counts["findings"] = len(result.findings)
    counts["needs_confirmation"] = len(result.needs_confirmation)
    counts["for_review"] = len(result.for_review)
    result.counts = dict(counts)
    return result


def _by_inheritance(
    entry: GeneEntry,
    plp: list[Call],
    lof: list[Call],
    result: Result,
    settings: Settings,
    phase: ReadPhase | None = None,
) -> None:
    """Report a gene's candidates whose zygosity fits its inheritance."""
    if entry.inheritance != "AR":
        for call in plp:
            result.add([call], entry, "", settings)
        result.for_review += [
            _evidence(c, entry, "loss of function, not classified in ClinVar") for c in lof
        ]
        return
    for call in plp:
        if call.zygosity == "hom":
            result.add([call], entry, "homozygous", settings)
    result.for_review += [
        _evidence(c, entry, "loss of function, homozygous, not classified in ClinVar")
        for c in lof
        if c.zygosity == "hom"
    ]
    het_plp = [c for c in plp if c.zygosity != "hom"]
    het_lof = [c for c in lof if c.zygosity != "hom"]
    if len(het_plp) >= 2:
        status = pair_phase(het_plp, phase)
        note = phase_note(status, len(het_plp))
        if status["status"] == "cis":  # one affected copy: a carrier, for lab review only
            result.for_review += [_evidence(c, entry, note, settings, status) for c in het_plp]
            result.counts["carrier_in_cis"] = result.counts.get("carrier_in_cis", 0) + len(het_plp)
        else:
            result.add(het_plp, entry, note, settings, status)
        het_plp = []
    if het_lof and len(het_plp) + len(het_lof) >= 2:
        note = "possible compound heterozygote with an unclassified loss-of-function variant"
        result.for_review += [_evidence(c, entry, note) for c in het_plp + het_lof]


# ---------------------------------------------------------------- outputs


DEFAULT_CALLABLE = Callable()
TSV_COLUMNS = (
    "list", "gene", "inheritance", "zygosity", "genotype", "contig", "pos", "ref", "alt",
    "transcript", "hgvsc", "hgvsp", "consequence", "clinvar_id", "significance",
    "review_status", "stars", "population_af", "depth", "allele_fraction", "condition", "note",
)  # fmt: skip


def report(
    pid: str,
    consent: bool,
    calls: list[Call] | None,
    genes: GeneList,
    settings: Settings,
    clinvar_release: dict[str, Any] | None,
    coverage: dict[str, dict[str, Any]] | None,
    rule: Callable = DEFAULT_CALLABLE,
    copy_number: dict[str, Any] | None = None,
    phase: ReadPhase | None = None,
) -> dict[str, Any]:
    """The findings document of one sample (nothing assessed without consent); `coverage` is
    the sample's coverage per gene (`read_gene_coverage` at `rule.min_depth`); `copy_number`
    its germline.cnv.json (tailorseq.findings_cnv), None when not measured; `phase` the
    read-backed phase of the calls in the AR genes (tailorseq.findings_phase), None when not
    run. Its `for_review` items are written to the lab-only file only (`write_outputs`)."""
    document: dict[str, Any] = {
        "schema": documents.IDS["findings"],
        "sample": pid,
        "consent": consent,
        "assessed": consent,
        "gene_list": {"name": genes.name, "source": genes.source, "genes": len(genes.genes)},
        "clinvar": clinvar_release,
        "settings": asdict(settings),
        "callable": asdict(rule),
    }
    if not consent:
        document["status"] = NO_CONSENT
        document["genes_assessed"] = []
        document["genes_not_assessed"] = [{"gene": g, "reason": NO_CONSENT} for g in genes.genes]
        document["findings"], document["needs_confirmation"], document["for_review"] = [], [], []
        document["copy_number"] = {"status": "not assessed", "reason": NO_CONSENT,
                                   "genes_assessed": [], "findings": []}  # fmt: skip
        return document
    result = classify(calls or [], genes, settings, phase)
    document["status"] = "assessed"
    if clinvar_release is None:
        document["status"] += " without ClinVar (annotation.clinvar not configured)"
    document["genes_assessed"], document["genes_not_assessed"] = assess_genes(
        genes.genes, coverage, rule
    )
    document["findings"] = result.findings
    document["needs_confirmation"] = result.needs_confirmation
    document["for_review"] = result.for_review
    document["counts"] = result.counts
    document["copy_number"] = copy_number_findings(copy_number, genes)
    return document


def _row(kind: str, item: dict[str, Any]) -> list[Any]:
    csq = item["consequence"] or {}
    clinvar = item["clinvar"] or {}
    entry = item["gene_list_entry"]
    return [
        kind, item["gene"], entry["inheritance"], item["zygosity"], item["genotype"],
        item["contig"], item["pos"], item["ref"], item["alt"], csq.get("transcript", ""),
        csq.get("hgvsc", ""), csq.get("hgvsp", ""), csq.get("consequence", ""),
        clinvar.get("variation_id", ""), clinvar.get("significance", ""),
        clinvar.get("review_status", ""), clinvar.get("stars", ""),
        "" if item["population_af"] is None else item["population_af"],
        "" if item["depth"] is None else item["depth"],
        "" if item["allele_fraction"] is None else item["allele_fraction"],
        entry["condition"], item["note"],
    ]  # fmt: skip


REVIEW_STATUS = (
    "for lab review only, not reported: loss-of-function variants absent from ClinVar or"
    " there without review stars, in genes where loss of function is the disease mechanism;"
    " P/LP variants of a recessive gene found in cis from the reads (a carrier)"
)


def _write_tsv(path: Path, status: str, rows: list[list[Any]]) -> None:
    text = io.StringIO()
    text.write(f"# {status}\n")
    writer = csv.writer(text, delimiter="\t", lineterminator="\n")
    writer.writerow(TSV_COLUMNS)
    writer.writerows(rows)
    write_atomic(path, text.getvalue())


def write_outputs(
    document: dict[str, Any], json_path: Path, tsv_path: Path, review_path: Path
) -> None:
    """findings.json and findings.tsv (findings and calls that need confirmation), and the
    lab-only review TSV with the document's `for_review` items, which the JSON leaves out."""
    reported = {key: value for key, value in document.items() if key != "for_review"}
    documents.write("findings", reported, json_path)
    rows = [_row("finding", item) for item in document["findings"]]
    rows += [_row("needs_confirmation", item) for item in document["needs_confirmation"]]
    rows += [tsv_row(item) for item in document["copy_number"]["findings"]]
    _write_tsv(tsv_path, document["status"], rows)
    review = [_row("for_review", item) for item in document["for_review"]]
    status = REVIEW_STATUS if document["assessed"] else document["status"]
    _write_tsv(review_path, status, review)
