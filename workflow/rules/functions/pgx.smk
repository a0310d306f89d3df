from tailorseq.knowledge_checks import json_files
from tailorseq.reference import is_url

# Input functions of the pharmacogenomics stage (rules in pgx.smk).


def pgx_enabled() -> bool:
    """True when the build has PGx allele definitions (config pgx.definitions): a folder, or a
    PharmCAT release on GRCh38 (PharmCAT publishes GRCh38 definitions only)."""
    definitions = config["pgx"]["definitions"]
    return bool(pgx_release_files()) if is_release(definitions) else bool(definitions)


def pgx_unavailable() -> str:
    """Why PGx does not run on this build when pgx.definitions names a PharmCAT release
    (PharmCAT publishes GRCh38 definitions only); empty otherwise."""
    definitions = config["pgx"]["definitions"]
    if is_release(definitions) and not pgx_release_files():
        return f"{GRCH37_STATEMENT} ({config['reference']['build']}; pgx.definitions {definitions})"
    return ""


def pgx_matched_vcf(pid: str) -> str:
    """The PGx VCF the matcher reads: phased from the reads unless pgx.phase_from_reads is off."""
    return pgx_phased_vcf(pid) if config["pgx"]["phase_from_reads"] else pgx_vcf(pid)


def pgx_definition_files() -> list[str]:
    """The allele definition files (a release's: their cache copies): inputs, so that changed
    definitions redo the PGx steps."""
    if pgx_release_files():
        return [downloaded(file.url) for file in pgx_release_files()]
    return json_files(config["pgx"]["definitions"], "alleles")


def pgx_definition_records() -> list[str]:
    """The download records of a release's definition files (none for a folder)."""
    return download_records(*(file.url for file in pgx_release_files()))


def pgx_phenotype_files() -> list[str]:
    """The configured PharmCAT phenotype files; none when pypgx's tables are used."""
    phenotypes = config["pgx"]["phenotypes"]
    return json_files(phenotypes) if phenotypes else []


def pgx_recommendations() -> list[str]:
    """The configured CPIC recommendation file (its cached download for a URL); none when
    pypgx's tables are used."""
    given = config["pgx"]["recommendations"]
    return [knowledge_source("pgx_recommendations")] if given else []


def pgx_recommendations_url() -> str:
    """The URL the CPIC recommendation file was downloaded from (recorded in the PGx
    document's knowledge); empty for a local file, whose path the document records."""
    given = config["pgx"]["recommendations"]
    return given if is_url(given) else ""


def pgx_structural_calls(wildcards) -> list[str]:
    """The sample's CYP2D6 structural call when a caller is configured (pgx.cyp2d6_caller)."""
    caller = config["pgx"]["cyp2d6_caller"]
    return [] if caller == "none" else [pgx_cyp2d6_json(wildcards.pid)]


def is_targeted(wildcards) -> bool:
    """True when the sample's reads come from a capture (its own targets, or the config's)."""
    return bool(sample_targets(wildcards))


def outside_call_paths(name: str) -> list[str]:
    """The sample's outside-call files as config gives them (one path or a list); none when
    it names none."""
    given = config["pgx"]["outside_calls"].get(name)
    return [] if not given else [given] if isinstance(given, str) else list(given)


def outside_call_source(name: str, number: int) -> str:
    """The user's n-th (from 1) outside-call file of a sample, staged as outside_calls.<n>.tsv."""
    return outside_call_paths(name)[number - 1]


def pgx_outside_calls(wildcards) -> list[str]:
    """The {pid} sample's outside-call files (CYP2D6, HLA; staged as outside_calls.<n>.tsv),
    merged gene by gene by the call step; none when config names none."""
    paths = outside_call_paths(SAMPLE[wildcards.pid])
    return [
        staged_sample_file(wildcards.pid, f"outside_calls.{n}.tsv")
        for n in range(1, len(paths) + 1)
    ]


#: PharmCAT's files of a sample's calls: phenotyper JSON, outside-call TSV (for its reporter).
PHARMCAT_SUFFIXES = (".pgx.phenotype.json", ".pgx.outside_calls.tsv")


def pgx_outputs() -> list[str]:
    """Published PGx calls of every germline and normal sample."""
    if not pgx_enabled():
        return []
    return [
        published(sample.sample, suffix)
        for sample in SHEET.germline_samples()
        for suffix in (".pgx.json", ".pgx.tsv") + PHARMCAT_SUFFIXES
    ]


def pgx_definitions_folder(wildcards, input) -> str:
    """Params function: the folder of the rule's allele definition files."""
    return str(Path(input.definitions[0]).parent)


def pgx_phenotypes_folder(wildcards, input) -> str:
    """Params function: the folder of the configured phenotype files; empty for pypgx's."""
    return str(Path(input.phenotypes[0]).parent) if input.phenotypes else ""
