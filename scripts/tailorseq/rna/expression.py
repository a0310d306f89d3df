"""Gene expression from a salmon quantification (salmon quant's output folder: quant.sf,
lib_format_counts.json, aux_info/meta_info.json).

Transcripts are named in quant.sf as in the transcriptome FASTA, which `gffread -w` writes with
each transcript's GFF3 `ID` verbatim (`transcript:BRCA1-201`, `transcript:ENST00000357654`,
`ENST00000357654.9` for GENCODE: prefix and version kept); each is mapped to its gene's name
through the same GFF3 (tailorseq.gff's genes and transcripts: mRNA, transcript, lnc_RNA... lines
whose Parent is a gene). A gene's TPM and read count are the sums over its transcripts, as
tximport's gene summarisation (Soneson et al., F1000Research 2015;4:1521) and nf-core/rnaseq's
salmon.merged.gene_tpm do. Genes are keyed by name: genes sharing a name are summed together.

expression.tsv, one row per gene with a quantified transcript, sorted by gene:
- `gene`: the gene's name in the GFF3 (`Name`, else `gene_name`, else its id);
- `tpm`: transcripts per million, the sum of its transcripts' salmon TPM;
- `reads`: the sum of its transcripts' salmon NumReads (estimated, fractional; a pair is one);
- `transcripts`: how many of its transcripts salmon quantified.
"""

import json
from pathlib import Path
from typing import Any

import pandas as pd

from tailorseq.errors import InputError
from tailorseq.files import write_atomic
from tailorseq.gff import open_text, read_features, read_genes

COLUMNS = ["gene", "tpm", "reads", "transcripts"]
# salmon's library formats, whose fragment counts lib_format_counts.json gives
FORMATS = ("ISF", "ISR", "IU", "MSF", "MSR", "MU", "OSF", "OSR", "OU", "SF", "SR", "U")


def transcript_genes(gff3: Path) -> dict[str, str]:
    """Each transcript's GFF3 `ID`, verbatim (as gffread names it), -> its gene's name."""
    with open_text(gff3) as handle:
        genes = read_genes(read_features(handle, str(gff3)), str(gff3))
    return {t.feature.attrs["ID"]: gene.name for gene in genes for t in gene.transcripts}


def quant_dir(path: Path) -> Path:
    """salmon quant's output folder, given the folder or its quant.sf."""
    return path if path.is_dir() else path.parent


def read_quant(quant_sf: Path) -> pd.DataFrame:
    """quant.sf's transcripts with their TPM and estimated reads."""
    return pd.read_csv(quant_sf, sep="\t", usecols=["Name", "TPM", "NumReads"], dtype={"Name": str})


def gene_expression(quant: pd.DataFrame, genes: dict[str, str]) -> pd.DataFrame:
    """Gene TPM and reads, summed over each gene's transcripts; an InputError when a quantified
    transcript is not in the gene annotation (the index was built from another one)."""
    unknown = sorted(set(quant["Name"]) - set(genes))
    if unknown:
        raise InputError(
            "quant.sf",
            f"{len(unknown)} transcript(s) are not in the gene annotation, e.g. "
            f"{', '.join(unknown[:3])}",
            "build the salmon index from the transcriptome of the same GFF3 (gffread -w)",
        )
    named = quant.assign(gene=quant["Name"].map(genes))
    table = named.groupby("gene", sort=True).agg(
        tpm=("TPM", "sum"), reads=("NumReads", "sum"), transcripts=("Name", "size")
    )
    return table.reset_index()[COLUMNS]


def write_expression(table: pd.DataFrame, path: Path) -> None:
    """expression.tsv (columns as the module says), TPM to 4 and reads to 3 decimals."""
    rounded = table.round({"tpm": 4, "reads": 3})
    write_atomic(path, rounded.to_csv(sep="\t", index=False, lineterminator="\n"))


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InputError(
            str(path), "is missing", "give salmon quant's whole output folder (salmon >= 1.0)"
        )
    return json.loads(path.read_text())


def salmon_summary(folder: Path) -> dict[str, Any]:
    """What salmon reports of the run: its version, the library type it detected (or was given),
    the share of fragments compatible with it, the fragments of each format seen (a stranded
    format under an unstranded type shows a detection on too few reads), and the fragments
    processed and mapped."""
    library = _read_json(folder / "lib_format_counts.json")
    meta = _read_json(folder / "aux_info" / "meta_info.json")
    return {
        "version": meta["salmon_version"],
        "library_type": library["expected_format"],
        "compatible_fragment_ratio": round(library["compatible_fragment_ratio"], 4),
        "strand_mapping_bias": round(library["strand_mapping_bias"], 4),
        "format_counts": {name: library[name] for name in FORMATS if library.get(name)},
        "reads_processed": meta["num_processed"],
        "reads_mapped": meta["num_mapped"],
        "decoy_reads": meta["num_decoy_fragments"],
        "mapping_rate": round(meta["percent_mapped"], 2),
    }
