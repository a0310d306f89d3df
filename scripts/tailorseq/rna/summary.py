"""A tumour RNA sample's results: the gene expression table (expression.tsv) and the declared
`rna` document (rna.json, resources/rna.schema.json) with salmon's run summary, the panel genes'
expression, receptor status, the 21-gene expression profile and the RNA support of the pair's
somatic mutations, all research use."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tailorseq import documents
from tailorseq.rna.expression import (
    gene_expression,
    quant_dir,
    read_quant,
    salmon_summary,
    transcript_genes,
    write_expression,
)
from tailorseq.rna.mutations import expressed_mutations
from tailorseq.rna.normalise import Reference, reference_level
from tailorseq.rna.profile import (
    Definition,
    expression_profile,
    gene_symbols,
    load_definition,
    place_tumour,
)
from tailorseq.rna.receptors import receptor_status
from tailorseq.rna.settings import RESEARCH_USE, RnaSettings
from tailorseq.somatic.actionability import tumour_section
from tailorseq.somatic.records import read_somatic

KIND = "rna"


@dataclass(frozen=True)
class RnaInputs:
    """The files of one tumour RNA sample; the pair's documents and OncoTree when there are."""

    quant: Path  # salmon quant's output folder, or its quant.sf
    gff3: Path  # the GFF3 the transcriptome was written from (gffread -w)
    bam: Path  # the RNA alignment (indexed)
    reference: Path  # the genome FASTA (to read CRAM)
    somatic: Path | None = None  # the pair's annotated somatic VCF
    actionable: Path | None = None  # the pair's actionable.json
    cnv: Path | None = None  # the pair's cnv.json
    oncotree: Path | None = None  # OncoTree tree file (somatic.oncotree)


def panel_expression(
    table: pd.DataFrame, reference: Reference, definition: Definition
) -> list[dict[str, Any]]:
    """The profile's and the reference genes' TPM, reads and reference-normalised log2."""
    rows = table.set_index("gene")
    symbols = gene_symbols(definition, set(rows.index))
    genes = [(name, symbols[name], definition.genes[name][0]) for name in definition.genes]
    genes += [
        (gene, gene if gene in rows.index else None, gene) for gene in definition.reference_genes
    ]
    panel = []
    for name, symbol, official in genes:
        entry = {"gene": symbol or official, "published_name": name, "quantified": bool(symbol),
                 "tpm": None, "reads": None, "log2_normalised": None}  # fmt: skip
        if symbol:
            tpm = float(rows.at[symbol, "tpm"])
            entry |= {"tpm": round(tpm, 4), "reads": round(float(rows.at[symbol, "reads"]), 3)}
            if reference.mean_log2 is not None:
                entry["log2_normalised"] = round(reference.normalised(tpm), 4)
        panel.append(entry)
    return panel


def summarise(
    inputs: RnaInputs,
    sample: str,
    patient: str,
    tumour_type: str | None,
    settings: RnaSettings,
    definition: Definition | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The sample's gene expression table and its rna document (not yet written)."""
    definition = definition or load_definition()
    folder = quant_dir(inputs.quant)
    table = gene_expression(read_quant(folder / "quant.sf"), transcript_genes(inputs.gff3))
    reference = reference_level(table, definition.reference_genes, settings.pseudocount)
    tumour = place_tumour(tumour_type, inputs.oncotree)
    cnv = documents.load_optional("cnv", inputs.cnv)
    actionable = documents.load_optional("actionable", inputs.actionable)
    variants = read_somatic(inputs.somatic) if inputs.somatic else None
    offset, cohort = settings.profile_calibration_offset, settings.profile_reference_cohort
    document = {
        "sample": sample,
        "patient": patient,
        "research_use": RESEARCH_USE,
        "tumor_type": tumour_type,
        "tumor_type_oncotree": tumour_section(tumour),
        "salmon": salmon_summary(folder),
        "settings": settings.as_dict(),
        "expression": {
            "genes": len(table),
            "transcripts": int(table["transcripts"].sum()),
            "reference": reference.as_dict(),
            "panel": panel_expression(table, reference, definition),
        },
        "receptors": receptor_status(table, reference, settings.receptor_thresholds, cnv),
        "profile": expression_profile(table, reference, tumour, offset, cohort, definition),
        "expressed_mutations": expressed_mutations(
            inputs.bam, inputs.reference, variants, actionable, settings
        ),
    }
    return table, document


def write_outputs(
    table: pd.DataFrame, document: dict[str, Any], tsv: Path, json_path: Path
) -> dict[str, Any]:
    """expression.tsv and the validated rna.json; returns the document as written."""
    write_expression(table, tsv)
    return documents.write(KIND, document, json_path)
