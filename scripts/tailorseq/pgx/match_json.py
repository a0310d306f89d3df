"""PharmCAT's calls through our interpretation: `tailorseq pgx --match-json S.match.json` reads
the diplotypes PharmCAT's named allele matcher wrote and takes them, with any outside calls,
through the same `interpret()` as our own matcher's calls (phenotype -> CPIC), writing the same
outputs (our PGx JSON and TSV, PharmCAT's phenotype JSON and outside-call TSV)."""

from __future__ import annotations

from pathlib import Path

from tailorseq.pgx.outside import merge_outside_calls
from tailorseq.pgx.pharmcat_files import read_match_json
from tailorseq.pgx.phenotype import phenotype_source
from tailorseq.pgx.pipeline import interpret, recommendation_source, write_outputs


def run_match_json(
    match_json: Path,
    out_json: Path | None = None,
    out_tsv: Path | None = None,
    *,
    genes: list[str] | None = None,
    phenotypes: Path | str | None = None,
    outside_calls: Path | str | list | None = None,
    recommendations: bool = True,
    cpic_file: Path | str | None = None,
    cpic_source: str | None = None,
    **pharmcat_outputs: Path | None,
) -> dict:
    """Interpret PharmCAT's match JSON (the `genes` named, else all) and write the outputs."""
    recommender = recommendation_source(cpic_file, cpic_source) if recommendations else None
    metadata, calls = read_match_json(match_json)
    if genes:
        wanted = {gene.upper() for gene in genes}
        calls = {gene: call for gene, call in calls.items() if gene in wanted}
    sample = metadata.get("sampleId") or Path(match_json).name.split(".")[0]
    outside = merge_outside_calls(outside_calls, sample)
    source = phenotype_source(phenotypes)
    build = metadata.get("genomeBuild")
    result = {
        "sample": sample,
        "vcf": str(metadata.get("inputFilename") or match_json),
        "build": build,
        "sex": None,
        "knowledge": {
            "definitions": f"PharmCAT's named allele matcher ({Path(match_json).name})",
            "definition_versions": metadata["versions"],
            "genome_builds": [build] if build else [],
            "phenotypes": source.info,
        },
        "matcher": {
            "semantics": "PharmCAT's NamedAlleleMatcher "
            f"{metadata.get('namedAlleleMatcherVersion', '')}, read from its match JSON".strip(),
            "match_json": str(match_json),
            "top_candidate_only": bool(metadata.get("topCandidatesOnly", True)),
            "find_combinations": bool(metadata.get("findCombinations", False)),
        },
        "warnings": [],
    }
    interpreted = interpret(calls, outside, source, recommender, genes)
    return write_outputs(result, interpreted, recommender, out_json, out_tsv, **pharmcat_outputs)
