"""The standalone command: a VCF in, per-gene calls out as JSON and TSV."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tailorseq.errors import InputError
from tailorseq.pgx.definitions import knowledge_version, load_definitions
from tailorseq.pgx.genotypes import read_genotypes
from tailorseq.pgx.matcher import GeneCall, call_genes

TSV_COLUMNS = ["gene", "diplotype", "phenotype", "activity_score", "missing_positions"]
#: Genes called elsewhere (copy number, hybrids): PharmCAT takes them as outside calls too.
OUTSIDE_CALL_GENES = frozenset({"CYP2D6"})


def definitions_folder(definitions: str | None, build: str | None) -> Path:
    """`--definitions` when given, else `$TAILORSEQ_PGX_DEFINITIONS_<BUILD>` (e.g. `_GRCH38`),
    else `$TAILORSEQ_PGX_DEFINITIONS`."""
    if definitions:
        return Path(definitions)
    names = []
    if build:
        names.append(f"TAILORSEQ_PGX_DEFINITIONS_{build.upper()}")
    names.append("TAILORSEQ_PGX_DEFINITIONS")
    for name in names:
        if os.environ.get(name):
            return Path(os.environ[name])
    raise InputError(
        "--definitions",
        f"no allele definitions given for build {build or '(unspecified)'}",
        f"pass --definitions DIR or set {' or '.join(names)} to a PharmCAT definitions folder",
    )


def gene_json(call: GeneCall) -> dict:
    return {
        "gene": call.gene,
        "called": call.called,
        "phased": call.phased,
        "diplotypes": [
            {"name": d.name, "haplotypes": list(d.haplotypes), "score": d.score}
            for d in call.diplotypes
        ],
        "matched_haplotypes": call.matched_haplotypes,
        "missing_positions": [
            {"chromosome": v.chromosome, "position": v.position, "rsid": v.rsid}
            for v in call.missing_positions
        ],
        "undocumented_alleles": call.undocumented,
        "warnings": call.warnings,
    }


def tsv_row(call: GeneCall) -> list[str]:
    missing = ",".join(v.rsid or f"{v.chromosome}:{v.position}" for v in call.missing_positions)
    return [call.gene, "; ".join(call.diplotype_names), "", "", missing]


def run_pgx(
    vcf: Path,
    definitions_dir: Path,
    out_json: Path | None = None,
    out_tsv: Path | None = None,
    sample: str | None = None,
    genes: list[str] | None = None,
    build: str | None = None,
    top_candidate_only: bool = True,
) -> dict:
    """Call every gene (except outside-call genes unless named) and write the outputs."""
    definitions = load_definitions(definitions_dir, genes)
    if not genes:
        definitions = {g: d for g, d in definitions.items() if g not in OUTSIDE_CALL_GENES}
    if build:
        builds = {d.genome_build for d in definitions.values()}
        if not all(b.upper().startswith(build.upper()) for b in builds if b):
            raise InputError(
                str(definitions_dir),
                f"the definitions are for {', '.join(sorted(builds))}, not {build}",
                "give definitions of the VCF's build",
            )
    genotypes = read_genotypes(vcf, definitions.values(), sample)
    calls = call_genes(definitions, genotypes, top_candidate_only)
    result = {
        "sample": genotypes.sample,
        "vcf": str(vcf),
        "build": build,
        "knowledge": knowledge_version(definitions_dir, definitions),
        "matcher": {
            "semantics": "PharmCAT NamedAlleleMatcher, exact named alleles",
            "top_candidate_only": top_candidate_only,
            "assume_reference": True,
        },
        "warnings": genotypes.warnings,
        "genes": {gene: gene_json(call) for gene, call in calls.items()},
    }
    if out_json:
        _atomic_write(Path(out_json), json.dumps(result, indent=1) + "\n")
    if out_tsv:
        lines = ["\t".join(TSV_COLUMNS)] + ["\t".join(tsv_row(c)) for c in calls.values()]
        _atomic_write(Path(out_tsv), "\n".join(lines) + "\n")
    return result


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.replace(path)
