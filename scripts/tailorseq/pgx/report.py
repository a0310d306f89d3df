"""The standalone command: a VCF in, per-gene calls out as JSON and TSV."""

from __future__ import annotations

import os
from pathlib import Path

from tailorseq import documents
from tailorseq.errors import InputError
from tailorseq.files import write_atomic
from tailorseq.pgx import pypgx_tables
from tailorseq.pgx.cpic import CpicRecommendations, GeneResult
from tailorseq.pgx.definitions import knowledge_version, load_definitions
from tailorseq.pgx.genotypes import PositionCall, SampleGenotypes, read_genotypes
from tailorseq.pgx.lowest_function import is_lowest_function_gene, lowest_function_haplotypes
from tailorseq.pgx.matcher import GeneCall, call_genes
from tailorseq.pgx.outside import SOURCE as OUTSIDE_SOURCE
from tailorseq.pgx.outside import OutsideCall, read_outside_calls
from tailorseq.pgx.phenotype import GenePhenotype, PhenotypeSource, phenotype_source

TSV_COLUMNS = ["gene", "diplotype", "phenotype", "activity_score", "missing_positions", "source"]
#: Genes called elsewhere (copy number, hybrids): PharmCAT takes them as outside calls too.
OUTSIDE_CALL_GENES = frozenset({"CYP2D6"})
#: Genes PharmCAT's definitions lack, taken from pypgx's allele table when it is installed.
PYPGX_ONLY_GENES = ("MT-RNR1",)
MATCHER_SOURCE = "named allele matcher"
SEXES = ("male", "female", "unknown")


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
        "source": MATCHER_SOURCE,
        "called": call.called,
        "phased": call.phased,
        "effectively_phased": call.effectively_phased,
        "mode": call.mode,
        "diplotypes": [
            {"name": d.name, "haplotypes": list(d.haplotypes), "score": d.score}
            for d in call.diplotypes
        ],
        "matched_haplotypes": call.matched_haplotypes,
        **({"haplotype_matches": call.haplotype_matches} if call.haplotype_matches else {}),
        "missing_positions": [
            {
                "chromosome": v.chromosome,
                "position": v.position,
                "rsid": v.rsid,
                "reason": call.missing_reasons.get(v.label, "no genotype in the VCF"),
            }
            for v in call.missing_positions
        ],
        "undocumented_alleles": call.undocumented,
        "warnings": call.warnings,
    }


def _score_text(score: float | None) -> str:
    return "" if score is None else f"{score:g}"


def gene_phenotype(call: GeneCall, source: PhenotypeSource) -> GenePhenotype:
    """The phenotype of a matcher call: from every equally ranked diplotype, or for the
    lowest-function genes (DPYD, RYR1) from their two lowest-function haplotypes (CPIC)."""
    if not is_lowest_function_gene(call.gene) or not call.called:
        return source.gene_phenotype(call.gene, [list(d.haplotypes) for d in call.diplotypes])
    lowest = lowest_function_haplotypes(call, source)
    phenotype = source.gene_phenotype(call.gene, [lowest])
    basis = "diplotype" if call.diplotypes else "unphased haplotype list"
    phenotype.lowest_function = {"haplotypes": lowest, "from": basis}
    return phenotype


def tsv_diplotype(call: GeneCall, phenotype: GenePhenotype | None = None) -> str:
    """The TSV's diplotype: the matcher's diplotypes, or for an unphased lowest-function call
    (a haplotype list, no diplotype) the two lowest-function haplotypes the phenotype uses."""
    if call.diplotypes or not call.haplotype_matches:
        return "; ".join(call.diplotype_names)
    lowest = (phenotype.lowest_function or {}).get("haplotypes") if phenotype else None
    return "/".join(lowest) if lowest else ""


def tsv_row(call: GeneCall, phenotype: GenePhenotype | None = None) -> list[str]:
    missing = ",".join(v.rsid or f"{v.chromosome}:{v.position}" for v in call.missing_positions)
    return [
        call.gene,
        tsv_diplotype(call, phenotype),
        (phenotype.phenotype or "") if phenotype else "",
        _score_text(phenotype.activity_score) if phenotype else "",
        missing,
        MATCHER_SOURCE,
    ]


def ploidy_adjusted(genotypes: SampleGenotypes, sex: str | None) -> SampleGenotypes:
    """chrM calls are haploid; so are a male's chrX calls (G6PD). A homozygous diploid call
    there becomes one allele; a heterozygous one becomes missing, with a warning."""
    for key, call in list(genotypes.calls.items()):
        contig = key[0]
        if call.missing or len(call.alleles) != 2:
            continue
        if contig == "M" or (contig == "X" and sex == "male"):
            a, b = call.alleles
            if a == b:
                genotypes.calls[key] = PositionCall(call.variant, (a,), False, call.undocumented)
            else:
                why = "heteroplasmy" if contig == "M" else "a male's X"
                genotypes.calls[key] = PositionCall(call.variant, None)
                genotypes.warnings.append(
                    f"{call.variant.label}: heterozygous call on {why} (haploid): "
                    "position treated as missing"
                )
    return genotypes


def outside_json(call: OutsideCall, phenotype: GenePhenotype | None) -> dict:
    return {
        "gene": call.gene,
        "source": OUTSIDE_SOURCE,
        "called": bool(call.diplotype or call.phenotype),
        "diplotypes": [{"name": call.diplotype, "haplotypes": call.haplotypes}]
        if call.diplotype
        else [],
        "phenotype": phenotype.to_json() if phenotype else None,
    }


def outside_phenotype(call: OutsideCall, source: PhenotypeSource) -> GenePhenotype:
    """The outside call's own phenotype when given, else the source's for its diplotype."""
    derived = (
        source.gene_phenotype(call.gene, [call.haplotypes])
        if call.diplotype
        else GenePhenotype(call.gene, None, None, [], source.name)
    )
    if call.phenotype:
        derived.phenotype = call.phenotype
        derived.source = OUTSIDE_SOURCE
        derived.note = None
    if call.activity_score is not None:
        derived.activity_score = call.activity_score
    if derived.phenotype is None and call.gene.startswith("HLA-") and call.diplotype:
        derived.note = (
            f"no HLA phenotype table: alleles carried are {', '.join(call.haplotypes)} "
            "(see the guidelines listed under recommendations)"
        )
    return derived


def _pypgx_build(build: str | None, builds: set[str]) -> str | None:
    """pypgx's build name (GRCh38/GRCh37) for the run, None for any other build (the demo)."""
    names = [build] if build else sorted(b for b in builds if b)
    for name in names:
        for candidate in ("GRCh38", "GRCh37"):
            if name.upper().startswith(candidate.upper()):
                return candidate
    return None


def pypgx_extra_definitions(
    definitions: dict, build: str | None, genes: list[str] | None = None
) -> tuple[dict, dict | None]:
    """Definitions of the genes PharmCAT's lack (MT-RNR1) from pypgx's allele table, for a
    GRCh38/GRCh37 run with pypgx installed, and their source; ({}, None) otherwise."""
    builds = {d.genome_build for d in definitions.values()}
    pypgx_build = _pypgx_build(build, builds)
    wanted = [g for g in PYPGX_ONLY_GENES if g not in definitions
              and (not genes or g in {x.upper() for x in genes})]  # fmt: skip
    if not (wanted and pypgx_build and pypgx_tables.pypgx_available()):
        return {}, None
    from tailorseq.pgx.pypgx_definitions import load_pypgx_definitions

    extra = load_pypgx_definitions(wanted, pypgx_build)
    return extra, pypgx_tables.source_info() | {"genes": sorted(extra)}


def recommendation_source(cpic_file: Path | str | None, cpic_source: str | None):
    """The CPIC recommendation file when given (read and checked now, before any compute), else
    pypgx's tables."""
    if cpic_file:
        return CpicRecommendations(cpic_file, cpic_source)
    from tailorseq.pgx.recommendations import RecommendationTables

    return RecommendationTables()


def gene_results(calls, gene_phenotypes, outside, outside_phenotypes) -> dict[str, GeneResult]:
    """Each gene's phenotype, activity score and haplotypes (of its one diplotype, or the
    outside call's) as CPIC lookups use them."""
    results = {}
    for gene, phenotype in gene_phenotypes.items():
        diplotypes = calls[gene].diplotypes
        haplotypes = diplotypes[0].haplotypes if len(diplotypes) == 1 else ()
        results[gene] = GeneResult(phenotype.phenotype, phenotype.activity_score, haplotypes)
    for gene, call in outside.items():
        phenotype = outside_phenotypes[gene]
        results[gene] = GeneResult(
            phenotype.phenotype, phenotype.activity_score, tuple(call.haplotypes)
        )
    return results


def recommend(recommender, results: dict[str, GeneResult]):
    """The recommender's recommendations (pypgx's tables look phenotypes up only)."""
    if isinstance(recommender, CpicRecommendations):
        return recommender.recommend(results)
    return recommender.recommend({gene: r.phenotype for gene, r in results.items()})


def run_pgx(
    vcf: Path,
    definitions_dir: Path,
    out_json: Path | None = None,
    out_tsv: Path | None = None,
    sample: str | None = None,
    genes: list[str] | None = None,
    build: str | None = None,
    top_candidate_only: bool = True,
    *,
    phenotypes: Path | str | None = None,
    outside_calls: Path | str | None = None,
    sex: str | None = None,
    recommendations: bool = True,
    extra_definitions: dict | None = None,
    find_combinations: bool = False,
    cpic_file: Path | str | None = None,
    cpic_source: str | None = None,
) -> dict:
    """Call every gene (except outside-call genes unless named), add phenotypes (PharmCAT
    phenotype files from `phenotypes`, else pypgx's tables), outside calls and CPIC
    recommendations, and write the outputs.

    `find_combinations`: PharmCAT's research mode (`--research combinations`): where no exact
    diplotype fits, combination (`[*6 + *28]`) and partial (`*2 + g.94781859G>A`) alleles.

    `extra_definitions`: more GeneDefinitions by gene (default: MT-RNR1 from pypgx's allele
    table when the definitions lack it and pypgx is installed).

    `cpic_file`: a CPIC recommendation file (PharmCAT's drugs.json format) whose recommendations,
    with their classification, replace pypgx's; `cpic_source`: where it came from (its URL)."""
    if sex is not None and sex not in SEXES:
        raise InputError("--sex", f"unknown sex {sex!r}", f"choose among {', '.join(SEXES)}")
    recommender = recommendation_source(cpic_file, cpic_source) if recommendations else None
    definitions = load_definitions(definitions_dir, genes)
    if not genes:
        definitions = {g: d for g, d in definitions.items() if g not in OUTSIDE_CALL_GENES}
    builds = {d.genome_build for d in definitions.values()}
    if build and not all(b.upper().startswith(build.upper()) for b in builds if b):
        raise InputError(
            str(definitions_dir),
            f"the definitions are for {', '.join(sorted(builds))}, not {build}",
            "give definitions of the VCF's build",
        )
    extra_source = None
    if extra_definitions is None:
        extra_definitions, extra_source = pypgx_extra_definitions(definitions, build, genes)
    knowledge = knowledge_version(definitions_dir, definitions)
    definitions = {**definitions, **extra_definitions}
    genotypes = ploidy_adjusted(read_genotypes(vcf, definitions.values(), sample), sex)
    calls = call_genes(definitions, genotypes, top_candidate_only, find_combinations)
    outside = read_outside_calls(outside_calls) if outside_calls else {}
    source = phenotype_source(phenotypes)
    gene_phenotypes = {
        gene: gene_phenotype(call, source) for gene, call in calls.items() if gene not in outside
    }
    outside_phenotypes = {gene: outside_phenotype(c, source) for gene, c in outside.items()}
    knowledge["phenotypes"] = source.info
    if extra_source:
        knowledge["extra_definitions"] = extra_source
    genes_json = {}
    for gene, call in calls.items():
        if gene in outside:
            continue
        genes_json[gene] = gene_json(call) | {"phenotype": gene_phenotypes[gene].to_json()}
    for gene, call in sorted(outside.items()):
        genes_json[gene] = outside_json(call, outside_phenotypes[gene])
    result = {
        "sample": genotypes.sample,
        "vcf": str(vcf),
        "build": build,
        "sex": sex,
        "knowledge": knowledge,
        "matcher": {
            "semantics": "PharmCAT NamedAlleleMatcher, exact named alleles; DPYD/RYR1 by "
            "PharmCAT's lowest-function path (HapB3 apart)"
            + (", then combinations and partials (research mode)" if find_combinations else ""),
            "top_candidate_only": top_candidate_only,
            "find_combinations": find_combinations,
            "assume_reference": True,
        },
        "warnings": genotypes.warnings,
        "genes": genes_json,
    }
    if recommender:
        results = gene_results(calls, gene_phenotypes, outside, outside_phenotypes)
        knowledge["recommendations"] = recommender.info
        result["recommendations"] = [r.to_json() for r in recommend(recommender, results)]
    if out_json:
        documents.write("pgx", result, Path(out_json), indent=1)
    if out_tsv:
        rows = [tsv_row(c, gene_phenotypes.get(g)) for g, c in calls.items() if g not in outside]
        for gene, call in sorted(outside.items()):
            phenotype = outside_phenotypes[gene]
            rows.append([gene, call.diplotype or "", phenotype.phenotype or "",
                         _score_text(phenotype.activity_score), "", OUTSIDE_SOURCE])  # fmt: skip
        lines = ["\t".join(TSV_COLUMNS)] + ["\t".join(r) for r in rows]
        write_atomic(Path(out_tsv), "\n".join(lines) + "\n")
    return result
