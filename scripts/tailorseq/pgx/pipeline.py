"""How the PGx steps run: force-genotyping every defining position of the panel from the reads
(a VCF out), then calling each gene from that VCF (diplotypes, phenotypes, CPIC
recommendations, per-position depths out as JSON and TSV)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tailorseq import documents
from tailorseq.errors import InputError
from tailorseq.files import write_atomic
from tailorseq.pgx import cyp2d6, pharmcat_files, untyped
from tailorseq.pgx.cpic import CpicRecommendations, GeneResult
from tailorseq.pgx.definitions import knowledge_version
from tailorseq.pgx.examined import examined_positions
from tailorseq.pgx.force_genotype import SiteCall, force_genotype
from tailorseq.pgx.genotypes import PositionCall, SampleGenotypes, read_genotypes
from tailorseq.pgx.lowest_function import is_lowest_function_gene, lowest_function_haplotypes
from tailorseq.pgx.matcher import GeneCall, call_genes
from tailorseq.pgx.outside import SOURCE as OUTSIDE_SOURCE
from tailorseq.pgx.outside import OutsideCall, merge_outside_calls
from tailorseq.pgx.panel import load_panel
from tailorseq.pgx.phasing import is_heterozygous
from tailorseq.pgx.phenotype import GenePhenotype, PhenotypeSource, phenotype_source
from tailorseq.pgx.read_phasing import phase_source

TSV_COLUMNS = ["gene", "diplotype", "phenotype", "activity_score", "missing_positions", "source"]
MATCHER_SOURCE = "named allele matcher"
SEXES = ("male", "female", "unknown")


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


def phase_status(call: GeneCall, positions: list[PositionCall]) -> str:
    """How the gene's heterozygous calls were put on the two strands: `not needed` (fewer than
    two), `phased` (one phase block: read-backed phase, or the input's), `not determined`
    (several blocks: matched unphased across them, as PharmCAT does)."""
    if sum(is_heterozygous(position) for position in positions) < 2:
        return "not needed"
    return "phased" if call.effectively_phased else "not determined"


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
                genotypes.calls[key] = PositionCall(
                    call.variant, (a,), False, call.undocumented, depth=call.depth
                )
            else:
                why = "heteroplasmy" if contig == "M" else "a male's X"
                genotypes.calls[key] = PositionCall(call.variant, None, depth=call.depth)
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
    pharmcat_phenotype: Path | None = None,
    pharmcat_outside_calls: Path | None = None,
    phenotypes: Path | str | None = None,
    outside_calls: Path | str | list | None = None,
    sex: str | None = None,
    recommendations: bool = True,
    extra_definitions: dict | None = None,
    find_combinations: bool = False,
    cpic_file: Path | str | None = None,
    cpic_source: str | None = None,
    downloads: list[dict] | None = None,
    structural: Path | str | None = None,
) -> dict:
    """Call every gene (except outside-call genes unless named), add phenotypes (PharmCAT
    phenotype files from `phenotypes`, else pypgx's tables), outside calls and CPIC
    recommendations, and write the outputs.

    `pharmcat_phenotype`, `pharmcat_outside_calls`: paths of PharmCAT's phenotype JSON and
    outside-call TSV of the result (`write_outputs`). `outside_calls`: one file or a list,
    merged gene by gene (`merge_outside_calls`).

    `find_combinations`: PharmCAT's research mode (`--research combinations`): where no exact
    diplotype fits, combination (`[*6 + *28]`) and partial (`*2 + g.94781859G>A`) alleles.

    `extra_definitions`: more GeneDefinitions by gene (default: MT-RNR1 from pypgx's allele
    table when the definitions lack it and pypgx is installed).

    `cpic_file`: a CPIC recommendation file (PharmCAT's drugs.json format) whose recommendations,
    with their classification, replace pypgx's; `cpic_source`: where it came from (its URL).

    `downloads`: the download records (URL, version, sha256, date) of definitions fetched by
    URL (tailorseq.download), kept in the document's knowledge. `structural`: the CYP2D6
    caller's JSON (tailorseq.pgx.cyp2d6), used unless an outside call names CYP2D6."""
    if sex is not None and sex not in SEXES:
        raise InputError("--sex", f"unknown sex {sex!r}", f"choose among {', '.join(SEXES)}")
    recommender = recommendation_source(cpic_file, cpic_source) if recommendations else None
    panel = load_panel(definitions_dir, build, genes, extra_definitions)
    knowledge = knowledge_version(definitions_dir, panel.definitions)
    definitions = panel.genes
    genotypes = ploidy_adjusted(read_genotypes(vcf, definitions.values(), sample), sex)
    calls = call_genes(definitions, genotypes, top_candidate_only, find_combinations)
    laboratory = merge_outside_calls(outside_calls, genotypes.sample)
    structural_call = cyp2d6.read_call(structural)
    outside = cyp2d6.with_structural_call(laboratory, structural_call)
    source = phenotype_source(phenotypes)
    knowledge["phenotypes"] = source.info
    if downloads:
        knowledge["downloads"] = downloads
    if panel.extra_source:
        knowledge["extra_definitions"] = panel.extra_source
    interpreted = interpret(calls, outside, source, recommender, genes)
    cyp2d6.annotate(interpreted.genes, interpreted.not_assessed, structural_call,
                    cyp2d6.GENE in laboratory)  # fmt: skip
    for gene, entry in interpreted.genes.items():
        if gene in calls and gene not in outside:
            entry["positions"] = examined_positions(definitions[gene], genotypes)
            entry["phase"] = phase_status(calls[gene], genotypes.for_gene(definitions[gene]))
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
            "phase_source": phase_source(vcf),
        },
        "warnings": genotypes.warnings,
    }
    return write_outputs(result, interpreted, recommender, out_json, out_tsv,
                         pharmcat_phenotype=pharmcat_phenotype,
                         pharmcat_outside_calls=pharmcat_outside_calls)  # fmt: skip


@dataclass
class Interpretation:
    """What our interpretation path makes of matcher calls and outside calls: each gene's
    entry of the PGx document, its phenotype (for the TSV), the genes not assessed and the
    CPIC recommendations (None when not asked for)."""

    calls: dict[str, GeneCall]
    outside: dict[str, OutsideCall]
    genes: dict[str, dict]
    phenotypes: dict[str, GenePhenotype]
    not_assessed: list[dict]
    recommendations: list[dict] | None


def interpret(
    calls: dict[str, GeneCall],
    outside: dict[str, OutsideCall],
    source: PhenotypeSource,
    recommender=None,
    genes: list[str] | None = None,
) -> Interpretation:
    """Diplotypes -> phenotypes -> CPIC, for our matcher's calls or PharmCAT's (a .match.json
    read as GeneCalls) alike; an outside call replaces the matcher's call of its gene. With a
    recommender, each gene lists the drugs whose recommendations depend on it (`drugs_of`)."""
    gene_phenotypes = {
        gene: gene_phenotype(call, source) for gene, call in calls.items() if gene not in outside
    }
    outside_phenotypes = {gene: outside_phenotype(c, source) for gene, c in outside.items()}
    genes_json = {
        gene: gene_json(call) | {"phenotype": gene_phenotypes[gene].to_json()}
        for gene, call in calls.items()
        if gene not in outside
    }
    for gene, call in sorted(outside.items()):
        genes_json[gene] = outside_json(call, outside_phenotypes[gene])
    recommendations = None
    if recommender:
        for gene, entry in genes_json.items():
            entry["related_drugs"] = recommender.drugs_of(gene)
        results = gene_results(calls, gene_phenotypes, outside, outside_phenotypes)
        recommendations = [r.to_json() for r in recommend(recommender, results)]
    return Interpretation(
        calls, outside, genes_json, gene_phenotypes | outside_phenotypes,
        untyped.not_assessed({*outside, *calls}, genes, recommender), recommendations,
    )  # fmt: skip


def tsv_lines(interpreted: Interpretation) -> list[str]:
    """The PGx TSV: one row per gene (matcher calls, then outside calls)."""
    calls, outside, phenotypes = interpreted.calls, interpreted.outside, interpreted.phenotypes
    rows = [tsv_row(c, phenotypes.get(g)) for g, c in calls.items() if g not in outside]
    for gene, call in sorted(outside.items()):
        phenotype = phenotypes[gene]
        rows.append([gene, call.diplotype or "", phenotype.phenotype or "",
                     _score_text(phenotype.activity_score), "", OUTSIDE_SOURCE])  # fmt: skip
    return ["\t".join(TSV_COLUMNS)] + ["\t".join(r) for r in rows]


def write_outputs(
    result: dict,
    interpreted: Interpretation,
    recommender,
    out_json: Path | None = None,
    out_tsv: Path | None = None,
    *,
    pharmcat_phenotype: Path | None = None,
    pharmcat_outside_calls: Path | None = None,
) -> dict:
    """The PGx document (`result` with the interpretation), validated and written, its TSV,
    and PharmCAT's phenotype JSON and outside-call TSV of it; returns the document."""
    result |= {"genes": interpreted.genes, "not_assessed": interpreted.not_assessed}
    if recommender:
        result["knowledge"]["recommendations"] = recommender.info
        result["recommendations"] = interpreted.recommendations
    if out_json:
        documents.write("pgx", result, Path(out_json), indent=1)
    if out_tsv:
        write_atomic(Path(out_tsv), "\n".join(tsv_lines(interpreted)) + "\n")
    if pharmcat_phenotype:
        pharmcat_files.write_phenotype_json(result, Path(pharmcat_phenotype))
    if pharmcat_outside_calls:
        pharmcat_files.write_outside_calls(result, Path(pharmcat_outside_calls))
    return result


def haploid_of(reference: Path, sex: str) -> list[tuple[str, int, int]]:
    """The reference's regions called haploid for a sex (chrM; a male's non-PAR X and Y)."""
    from tailorseq.regions import contig_lengths
    from tailorseq.sex import find_sex_contigs, haploid_regions

    return haploid_regions(find_sex_contigs(contig_lengths(f"{reference}.fai")), sex)


def genotype_panel(
    bam: Path,
    reference: Path,
    definitions_dir: Path,
    out: Path,
    *,
    sample: str | None = None,
    build: str | None = None,
    sex: str = "unknown",
    **thresholds: int,
) -> list[SiteCall]:
    """Force-genotype the positions of every gene the call step calls (not the outside-call
    genes; with MT-RNR1 from pypgx's tables on GRCh38/GRCh37 when the definitions lack it),
    `sex` setting chrX/chrY ploidy (chrM is haploid always)."""
    wanted = load_panel(definitions_dir, build).genes.values()
    haploid = haploid_of(reference, sex)
    return force_genotype(bam, reference, wanted, out, sample=sample, haploid=haploid,
                          **thresholds)  # fmt: skip
