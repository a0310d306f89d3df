from tailorseq.somatic.curated import CURATED_TABLE

# Input functions of somatic actionability (rules in actionability.smk).
# Knowledge: the curated table (resources/actionable_variants.tsv unless configured), OncoTree's
# tree (somatic.oncotree: tumour types) and, when somatic.civic is set, CIViC's evidence TSV; a
# URL is downloaded once into the cache with its date and sha256.
ACTIONABLE_VARIANTS = config["somatic"]["actionable_variants"] or str(CURATED_TABLE)
SOMATIC_KNOWLEDGE = {
    "civic": config["somatic"]["civic"],
    "oncotree": config["somatic"]["oncotree"],
}


def somatic_knowledge_file(name: str) -> list[str]:
    """The knowledge file to read (a path, or the URL's cached copy), as an optional input."""
    source = SOMATIC_KNOWLEDGE[name]
    return [downloaded(source)] if source else []


def somatic_knowledge_record(name: str) -> list[str]:
    """The download record (URL, date, sha256) of a downloaded knowledge file."""
    return download_records(SOMATIC_KNOWLEDGE[name])


def somatic_tumor_type(wildcards) -> str | None:
    """The tumour's tumour type from samples.tsv, when given."""
    return SHEET.samples[SAMPLE[wildcards.pid]].tumor_type
