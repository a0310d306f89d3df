"""PharmCAT interoperability: our calls in PharmCAT's own files, and PharmCAT's calls read in.

- `phenotype_document(result)`: a sample's PGx document (tailorseq-pgx) in the shape of PharmCAT
  v3.1's phenotyper output (`<name>.phenotype.json`: `matcherMetadata`, `geneReports` by gene,
  `unannotatedGeneCalls`), the subset of fields declared in
  `resources/pharmcat_phenotype.schema.json` and validated on write. As PharmCAT does, a gene
  the matcher could not call has one `Unknown/Unknown` diplotype with no phenotype (call source
  MATCHER), and a gene with neither data nor an outside call (CYP2D6, HLA-A, HLA-B without one)
  is `Unknown/Unknown` with call source NONE: never a reference default. A gene's `variants`
  are the positions the matcher examined (the document's `positions`, `examined.py`), a missing
  one with no call; its `relatedDrugs` are the recommendation source's drugs of the gene, by
  name, with no id (PharmCAT's are PharmGKB accessions, which our knowledge files lack).
- `outside_call_lines(result)`: the called genes as PharmCAT's outside-call TSV (gene,
  diplotype, phenotype, activity score), so a laboratory can run PharmCAT's reporter on our
  calls (`pharmcat -po <file>`); a gene with several equally ranked diplotypes is written with
  its phenotype alone when they agree on one, else left out with a `#` comment saying why
  (PharmCAT takes one call per gene); uncalled genes are `#` comments.
- `read_match_json(path)`: PharmCAT's NamedAlleleMatcher output (`<name>.match.json`) as our
  matcher's `GeneCall`s, which then take our interpretation path (phenotype, CPIC).

Field meanings follow PharmCAT's GeneReport/Diplotype JSON (read from its example outputs and
source, not copied): `activityScore` and `activityValue` are strings (`"2.0"`), `lookupKey` is
what recommendations are looked up by (the activity score, else the phenotypes; `No Result` for
an unknown diplotype).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from tailorseq import __version__, documents
from tailorseq.errors import InputError
from tailorseq.files import write_atomic
from tailorseq.pgx.matcher import Diplotype, GeneCall

UNKNOWN = "Unknown"
#: Our pgx document's sources -> PharmCAT's callSource.
CALL_SOURCES = {"named allele matcher": "MATCHER", "outside call": "OUTSIDE"}


def call_source(call: dict) -> str:
    """PharmCAT's callSource of a gene: our structural caller's call (CYP2D6 from Aldy) is an
    outside call to PharmCAT, as any caller's outside its matcher."""
    if call.get("structural_call", {}).get("used"):
        return "OUTSIDE"
    return CALL_SOURCES.get(call["source"], "NONE")


OUTSIDE_HEADER = (
    "# PharmCAT outside calls written by tailorseq: gene, diplotype, phenotype, activity score"
)


def _number_text(value: float | None) -> str | None:
    """PharmCAT's spelling of an activity score or value: `2.0`, `1.25`; None stays None."""
    return None if value is None else str(float(value))


def _allele(gene: str, haplotype: dict | None, name: str | None = None) -> dict | None:
    if haplotype is None and name is None:
        return None
    haplotype = haplotype or {"name": name, "function": None, "activity_value": None}
    known = haplotype["name"] != UNKNOWN
    value = haplotype.get("activity_value")
    return {
        "gene": gene,
        "name": haplotype["name"],
        "function": haplotype.get("function"),
        "activityValue": _number_text(value) if value is not None else
        ("n/a" if known and haplotype.get("function") else None),
    }  # fmt: skip


def _diplotype(gene: str, label: str, haplotypes: list, phenotype: dict | None, **extra) -> dict:
    """One PharmCAT Diplotype: its alleles, phenotypes, activity score and lookup key."""
    by_name = {h["name"]: h for h in (phenotype or {}).get("haplotypes", [])}
    alleles = [_allele(gene, by_name.get(n), n) for n in haplotypes]
    score = _number_text((phenotype or {}).get("activity_score"))
    phenotypes = [phenotype["phenotype"]] if phenotype and phenotype.get("phenotype") else []
    unknown = label == f"{UNKNOWN}/{UNKNOWN}"
    return {
        "allele1": alleles[0] if alleles else None,
        "allele2": alleles[1] if len(alleles) > 1 else None,
        "gene": gene,
        "label": label,
        "phenotypes": phenotypes,
        "activityScore": score,
        "lookupKey": ["No Result"] if unknown else ([score] if score else phenotypes),
        "matchScore": extra.get("score") or 0,
        "outsidePhenotype": extra.get("outside_phenotype", False),
        "inferred": False,
        "combination": "[" in label,
    }


def _unknown(gene: str) -> dict:
    return _diplotype(gene, f"{UNKNOWN}/{UNKNOWN}", [UNKNOWN, UNKNOWN], None)


def _gene_diplotypes(gene: str, call: dict) -> tuple[list[dict], list[dict]]:
    """(sourceDiplotypes, recommendationDiplotypes) of a gene of our document: one diplotype
    carries the gene's phenotype (an outside call's own when it gave one); several carry each
    their own; a lowest-function gene's recommendation diplotype is its two lowest-function
    haplotypes, and unphased its source is the list of haplotypes, as PharmCAT reports them."""
    if not call["called"]:
        return [_unknown(gene)], [_unknown(gene)]
    phenotype = call.get("phenotype") or {}
    per = phenotype.get("diplotypes") or []
    gene_level = phenotype | {"haplotypes": per[0]["haplotypes"] if per else []}
    lowest = (phenotype.get("lowest_function") or {}).get("haplotypes")
    outside = phenotype.get("source") == "outside call"
    diplotypes = call["diplotypes"]
    if call.get("haplotype_matches"):
        source = [_diplotype(gene, h, [h], None) for h in call["haplotype_matches"]]
    elif not diplotypes:  # an outside call of a phenotype alone
        label = phenotype.get("phenotype") or ""
        source = [_diplotype(gene, label, [], gene_level, outside_phenotype=outside)]
    else:
        source = []
        for index, diplotype in enumerate(diplotypes):
            own = per[index] if index < len(per) and not lowest else None
            source.append(_diplotype(
                gene, diplotype["name"], diplotype["haplotypes"],
                gene_level if len(diplotypes) == 1 else own,
                score=diplotype.get("score"), outside_phenotype=outside,
            ))  # fmt: skip
    if lowest:
        return source, [_diplotype(gene, "/".join(lowest), lowest, gene_level)]
    return source, source


def _variant_report(gene: str, position: dict) -> dict:
    """One examined position as PharmCAT's VariantReport; a missing one has no call."""
    reason = position.get("filter")
    return {
        "gene": gene,
        "chromosome": position["chromosome"],
        "position": position["position"],
        "dbSnpId": position["rsid"],
        "call": position["call"],
        "alleles": position["alleles"],
        "phased": position["phased"],
        "phaseSet": position["phase_set"],
        "referenceAllele": position["reference"],
        "hasUndocumentedVariations": position["undocumented"],
        "warnings": [reason] if reason else [],
    }


def variant_reports(gene: str, call: dict) -> list[dict]:
    """The positions the matcher examined (the document's `positions`), in PharmCAT's order:
    called before missing, then by chromosome and position; empty for a gene the document has
    no examined positions for (an outside call, PharmCAT's own match JSON)."""
    reports = [_variant_report(gene, p) for p in call.get("positions") or []]
    return sorted(reports, key=lambda v: (v["call"] is None, v["chromosome"], v["position"]))


def related_drugs(names: list[str]) -> list[dict]:
    """PharmCAT's DrugLinks: name, and id null: PharmCAT's ids are PharmGKB accessions, which
    no knowledge file we read carries (CPIC's drugs.json has RxNorm ids)."""
    return [{"name": name, "id": None} for name in sorted(names)]


def _gene_report(gene: str, call: dict | None, drugs: list[str] | None = None) -> dict:
    """One gene's PharmCAT GeneReport (the declared subset)."""
    if call is None:
        return {
            "geneSymbol": gene, "chr": None, "callSource": "NONE", "phased": False,
            "effectivelyPhased": False, "alleleDefinitionSource": "UNKNOWN",
            "uncalledHaplotypes": [], "messages": [], "variants": [],
            "relatedDrugs": related_drugs(drugs or []),
            "sourceDiplotypes": [_unknown(gene)], "recommendationDiplotypes": [_unknown(gene)],
        }  # fmt: skip
    source, recommendation = _gene_diplotypes(gene, call)
    positions = call.get("positions") or call.get("missing_positions") or []
    messages = [{"exception_type": "warning", "message": w} for w in call.get("warnings", [])]
    phenotype = call.get("phenotype") or {}
    if phenotype.get("note"):
        messages.append({"exception_type": "note", "message": phenotype["note"]})
    return {
        "geneSymbol": gene,
        "chr": positions[0]["chromosome"] if positions else None,
        "callSource": call_source(call),
        "phased": bool(call.get("phased")),
        "effectivelyPhased": bool(call.get("effectively_phased")),
        "alleleDefinitionSource": "UNKNOWN" if call_source(call) == "OUTSIDE" else "CLINPGX",
        "uncalledHaplotypes": [],
        "messages": messages,
        "variants": variant_reports(gene, call),
        "relatedDrugs": related_drugs(call.get("related_drugs") or []),
        "sourceDiplotypes": source,
        "recommendationDiplotypes": recommendation,
    }


def phenotype_document(result: dict) -> dict:
    """A sample's PGx document (tailorseq-pgx) as PharmCAT v3.1's phenotyper output."""
    matcher = result.get("matcher") or {}
    reports = {gene: _gene_report(gene, call) for gene, call in result["genes"].items()}
    for untyped in result.get("not_assessed", []):
        reports.setdefault(untyped["gene"], _gene_report(untyped["gene"], None, untyped["drugs"]))
    return {
        "matcherMetadata": {
            "namedAlleleMatcherVersion": f"tailorseq {__version__}",
            "genomeBuild": result.get("build"),
            "inputFilename": Path(result["vcf"]).name,
            "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
            "topCandidatesOnly": bool(matcher.get("top_candidate_only", True)),
            "findCombinations": bool(matcher.get("find_combinations", False)),
            "callCyp2d": False,
            "sampleId": result["sample"],
        },
        "geneReports": dict(sorted(reports.items())),
        "unannotatedGeneCalls": [],
    }


def report_summary(report: dict) -> tuple:
    """What a PharmCAT gene report says, for comparing two (ours, PharmCAT's): call source,
    diplotype labels, their phenotypes and activity scores."""
    diplotypes = report["sourceDiplotypes"]
    return (
        report["callSource"],
        [d["label"] for d in diplotypes],
        [d["phenotypes"] for d in diplotypes],
        [d["activityScore"] for d in diplotypes],
    )


def write_phenotype_json(result: dict, path: Path) -> dict:
    """Validate (resources/pharmcat_phenotype.schema.json) and write the phenotype JSON."""
    document = phenotype_document(result)
    documents.validate_external("pharmcat_phenotype", document, str(path))
    write_atomic(Path(path), json.dumps(document, indent=1) + "\n")
    return document


def outside_call_lines(result: dict) -> list[str]:
    """The called genes as PharmCAT outside-call lines (see the module's notes)."""
    lines = [OUTSIDE_HEADER, f"# sample {result['sample']}"]
    for gene, call in sorted(result["genes"].items()):
        phenotype = call.get("phenotype") or {}
        names = [d["name"] for d in call["diplotypes"]]
        lowest = (phenotype.get("lowest_function") or {}).get("haplotypes")
        if not call["called"]:
            lines.append(f"# {gene}: not called")
            continue
        if call.get("haplotype_matches") and lowest:
            names = ["/".join(lowest)]
        if len(names) > 1:
            if not phenotype.get("phenotype") or phenotype["phenotype"] == "Indeterminate":
                lines.append(f"# {gene}: not written, {len(names)} diplotypes: {'; '.join(names)}")
                continue
            names = [""]
        score = _number_text(phenotype.get("activity_score")) or ""
        fields = [gene, names[0] if names else "", phenotype.get("phenotype") or "", score]
        lines.append("\t".join(fields).rstrip("\t"))
    for untyped in result.get("not_assessed", []):
        lines.append(f"# {untyped['gene']}: not assessed ({untyped['reason']})")
    return lines


def write_outside_calls(result: dict, path: Path) -> None:
    write_atomic(Path(path), "\n".join(outside_call_lines(result)) + "\n")


def _warning_text(warning) -> str:
    return str(warning.get("message", warning)) if isinstance(warning, dict) else str(warning)


def _gene_call(entry: dict) -> GeneCall:
    """One gene of PharmCAT's match JSON as our matcher's GeneCall."""
    diplotypes = [
        Diplotype(
            tuple(h["name"] for h in (d.get("haplotype1"), d.get("haplotype2")) if h),
            int(d.get("score") or 0),
        )
        for d in entry.get("diplotypes") or []
    ]
    match_data = entry.get("matchData") or {}
    phased = bool(entry.get("phased"))
    effectively = match_data.get("effectivelyPhased")
    return GeneCall(
        gene=entry["gene"],
        diplotypes=diplotypes,
        matched_haplotypes=[h["name"] for h in entry.get("haplotypes") or []],
        phased=phased,
        effectively_phased=phased if effectively is None else bool(effectively),
        warnings=[_warning_text(w) for w in entry.get("warnings") or []],
        haplotype_matches=[h["name"] for h in entry.get("haplotypeMatches") or []],
    )


def read_match_json(path: Path | str) -> tuple[dict, dict[str, GeneCall]]:
    """PharmCAT's match JSON: its metadata and a GeneCall per gene."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
        results = data["results"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise InputError(
            str(path), f"not PharmCAT's match JSON ({error})",
            "give the .match.json that PharmCAT's named allele matcher wrote",
        ) from error  # fmt: skip
    calls = {entry["gene"]: _gene_call(entry) for entry in results}
    metadata = data.get("metadata") or {}
    metadata["versions"] = sorted({str(e.get("version")) for e in results if e.get("version")})
    return metadata, calls
