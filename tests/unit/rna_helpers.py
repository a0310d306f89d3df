"""Shared inputs of the tumour RNA tests: a salmon output folder, an expression table of the
21-gene panel with exact log2 values, RNA alignments written read by read with pysam, and
minimal cnv and actionable documents."""

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pysam

from tailorseq import documents
from tailorseq.rna.settings import RnaSettings
from tailorseq.somatic import cnv_reference

# TPM = 2**k - 1, so that log2(TPM + 1) is exactly k; the reference genes' mean is 8.
REFERENCE_TPM = {"ACTB": 1023, "GAPDH": 511, "RPLP0": 255, "GUSB": 127, "TFRC": 63}
# reference-normalised log2 of each panel gene (by symbol)
PANEL_LOG2 = {
    "GRB7": 2, "ERBB2": 4, "ESR1": 1, "PGR": -1, "BCL2": 0.5, "SCUBE2": -0.5, "BIRC5": 3,
    "MKI67": 2, "MYBL2": 1, "CCNB1": 0.25, "AURKA": -1, "CTSV": 1, "MMP11": 3, "CD68": 2,
    "GSTM1": -2, "BAG1": 1,
}  # fmt: skip
SETTINGS = RnaSettings(
    min_depth=10, min_alt_reads=2, min_mapq=20, min_base_quality=20, pseudocount=1,
    receptor_thresholds={}, profile_calibration_offset=None, profile_reference_cohort=None,
)  # fmt: skip


def panel_tpm(log2: dict[str, float] = PANEL_LOG2) -> dict[str, float]:
    """TPM of the reference and panel genes giving exactly these normalised values."""
    return REFERENCE_TPM | {gene: 2 ** (8 + value) - 1 for gene, value in log2.items()}


def table_of(tpm: dict[str, float]) -> pd.DataFrame:
    """An expression table (tailorseq.rna.expression's columns) of these genes."""
    rows = [{"gene": g, "tpm": t, "reads": t / 10, "transcripts": 1} for g, t in tpm.items()]
    return pd.DataFrame(rows, columns=["gene", "tpm", "reads", "transcripts"])


def write_salmon(folder: Path, tpm: dict[str, float], library_type: str = "ISR") -> Path:
    """A salmon quant folder whose transcripts `transcript:<gene>-201` have these TPMs."""
    (folder / "aux_info").mkdir(parents=True, exist_ok=True)
    lines = ["Name\tLength\tEffectiveLength\tTPM\tNumReads"]
    lines += [
        f"transcript:{gene}-201\t1000\t800\t{value}\t{value / 10}" for gene, value in tpm.items()
    ]
    (folder / "quant.sf").write_text("\n".join(lines) + "\n")
    counts = {"expected_format": library_type, "compatible_fragment_ratio": 0.98,
              "strand_mapping_bias": 0.01, library_type: 1960, "IU": 0, "ISF": 40}  # fmt: skip
    (folder / "lib_format_counts.json").write_text(json.dumps(counts))
    meta = {"salmon_version": "1.10.1", "num_processed": 2000, "num_mapped": 1800,
            "num_decoy_fragments": 40, "percent_mapped": 90.0}  # fmt: skip
    (folder / "aux_info" / "meta_info.json").write_text(json.dumps(meta))
    return folder


def write_gff3(path: Path, genes: list[str], contig: str = "BRCA1") -> Path:
    """A GFF3 with one gene and one mRNA (`transcript:<gene>-201`) per gene, demo style."""
    lines = ["##gff-version 3"]
    for gene in genes:
        lines.append(f"{contig}\tt\tgene\t1\t100\t.\t+\t.\tID=gene:{gene};Name={gene}")
        lines.append(
            f"{contig}\tt\tmRNA\t1\t100\t.\t+\t.\tID=transcript:{gene}-201;Parent=gene:{gene}"
        )
        lines.append(f"{contig}\tt\texon\t1\t100\t.\t+\t.\tParent=transcript:{gene}-201")
    path.write_text("\n".join(lines) + "\n")
    return path


def read(
    name: str, start: int, cigar: str, sequence: str, quality: int = 30, mapq: int = 60,
    flag: int = 0,
) -> dict[str, Any]:  # fmt: skip
    """One aligned read: 0-based start, CIGAR string, bases."""
    return {"name": name, "start": start, "cigar": cigar, "sequence": sequence,
            "quality": quality, "mapq": mapq, "flag": flag}  # fmt: skip


def write_bam(path: Path, contig: str, length: int, reads: list[dict[str, Any]]) -> Path:
    """A sorted, indexed BAM of these reads on one contig."""
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": contig, "LN": length}]}
    unsorted = path.with_suffix(".unsorted.bam")
    with pysam.AlignmentFile(str(unsorted), "wb", header=header) as out:
        for given in reads:
            segment = pysam.AlignedSegment(out.header)
            segment.query_name = given["name"]
            segment.flag = given["flag"]
            segment.reference_id = 0
            segment.reference_start = given["start"]
            segment.mapping_quality = given["mapq"]
            segment.cigarstring = given["cigar"]
            segment.query_sequence = given["sequence"]
            segment.query_qualities = pysam.qualitystring_to_array(
                chr(given["quality"] + 33) * len(given["sequence"])
            )
            out.write(segment)
    pysam.sort("-o", str(path), str(unsorted))
    pysam.index(str(path))
    unsorted.unlink()
    return path


def cnv_document(altered: list[dict[str, Any]], status: str = "assessed") -> dict[str, Any]:
    """A valid cnv document with these altered genes."""
    estimate = {"status": "not estimated", "value": None, "interval": None, "mutations": 0,
                "method": "", "reason": "no SNVs"}  # fmt: skip
    document = {
        "schema": documents.IDS["cnv"], "status": status,
        "reason": "" if status == "assessed" else "the normal's territory is too small",
        "tool": {"name": "CNVkit", "version": "0.9.11"}, "settings": {},
        "reference": cnv_reference.paired(),
        "purity": {"value": 0.6, "source": "samples.tsv", "estimate": estimate, "note": ""},
        "sex": "female", "territory": {"bases": 1000, "contigs": 1}, "altered_genes": altered,
    }  # fmt: skip
    documents.validate("cnv", document, "test cnv")
    return document


def actionable_document(matches: list[dict[str, Any]]) -> dict[str, Any]:
    """A valid actionable document with these variant matches."""
    document = {
        "schema": documents.IDS["actionable"], "tumor": "t", "normal": "n", "tumor_type": "BRCA",
        "build": "demo", "knowledge": {}, "tiers": {}, "matches": matches,
        "unknown_significance": [], "biomarkers": {}, "pass_variants": len(matches),
    }  # fmt: skip
    documents.validate("actionable", document, "test actionable")
    return document


def variant_match(contig: str, pos: int, ref: str, alt: str, tier: str) -> dict[str, Any]:
    """A tier I/II variant match of the actionable document."""
    return {"kind": "variant", "tier": tier, "gene": "BRCA1", "variant": "V1X",
            "protein_change": "1V>1X", "contig": contig, "pos": pos, "ref": ref, "alt": alt,
            "drugs": ["olaparib"], "evidence_level": "A", "indication": "breast",
            "knowledge": "curated"}  # fmt: skip
