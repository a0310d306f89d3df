"""A tumour/normal pair's somatic structural variants (tailorseq.somatic.structural): DELLY
calls both BAMs together, `delly filter -f somatic` keeps what the normal lacks, and each record
gets the genes at its breakpoints (INFO/GENES_A, GENES_B) and the fusions it makes
(INFO/FUSION); written as a bgzipped, indexed VCF and the pair's sv.json."""

import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pysam

from tailorseq import documents
from tailorseq.files import stderr_to
from tailorseq.gff import gene_spans
from tailorseq.somatic import structural as sv
from tailorseq.tools import find_tool
from tailorseq.tools import run_logged as run

INFO_LINES = (
    '##INFO=<ID=GENES_A,Number=.,Type=String,Description="Genes at the first breakpoint">',
    '##INFO=<ID=GENES_B,Number=.,Type=String,Description="Genes at the second breakpoint">',
    '##INFO=<ID=FUSION,Number=.,Type=String,Description="Gene fusions the junction makes,'
    ' HGNC notation 5prime::3prime (tailorseq.somatic.structural)">',
)


def sample_name(bam: str) -> str:
    """The SM of a BAM's read group (DELLY names its VCF columns so)."""
    with pysam.AlignmentFile(bam) as handle:
        return handle.header.to_dict()["RG"][0]["SM"]


def junction(record: pysam.VariantRecord) -> sv.Junction:
    """A DELLY record as a junction (intrachromosomal: the second side at END)."""
    info = record.info
    contig_b = info.get("CHR2", record.contig)
    pos_b = info.get("POS2", info.get("END", record.pos))
    return sv.Junction(record.id, info["SVTYPE"], record.contig, record.pos, contig_b, pos_b,
                       info.get("CT", "NtoN"))  # fmt: skip


def annotate(raw: Path, out: Path, genes: list) -> tuple[list[dict[str, Any]], Counter]:
    """Genes and fusions into each record; the PASS records' fusions and counts by type."""
    found, counts = [], Counter()
    with pysam.VariantFile(str(raw)) as calls:
        for line in INFO_LINES:
            calls.header.add_line(line)
        with pysam.VariantFile(str(out), "wz", header=calls.header) as written:
            for record in calls:
                joined = junction(record)
                genes_a, genes_b = sv.breakpoint_genes(joined, genes)
                made = sv.fusions(joined, genes)
                record.info.update({k: v for k, v in (("GENES_A", genes_a), ("GENES_B", genes_b),
                                    ("FUSION", [f["name"] for f in made])) if v})  # fmt: skip
                written.write(record)
                if "PASS" in record.filter:
                    counts[joined.svtype] += 1
                    found += made
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return found, counts


def somatic_sv(inputs: dict[str, str], outputs: dict[str, str], settings: dict,
               threads: int) -> dict[str, Any]:  # fmt: skip
    """Call, filter, annotate; write the VCF and the document."""
    tumor, normal = sample_name(inputs["tumor"]), sample_name(inputs["normal"])
    genes = gene_spans(Path(inputs["gff3"])) if inputs.get("gff3") else []
    with tempfile.TemporaryDirectory(dir=Path(outputs["vcf"]).parent) as scratch:
        work = Path(scratch)
        calls = work / "calls.bcf"
        run("delly", "call", "-g", inputs["ref"], "-q", str(settings["min_mapq"]), "-o", calls,
            inputs["tumor"], inputs["normal"], env={"OMP_NUM_THREADS": str(threads)})  # fmt: skip
        (work / "samples.tsv").write_text(f"{tumor}\ttumor\n{normal}\tcontrol\n")
        run("delly", "filter", "-f", "somatic", "-s", work / "samples.tsv",
            "-a", str(settings["min_vaf"]), "-y", str(settings["min_quality"]),
            "-o", work / "somatic.bcf", calls, env={"OMP_NUM_THREADS": "1"})  # fmt: skip
        fused, counts = annotate(work / "somatic.bcf", Path(outputs["vcf"]), genes)
    document = {
        "schema": documents.IDS[sv.KIND],
        "tool": {"name": "DELLY", "version": find_tool("delly").version},
        "settings": settings,
        "tumor": tumor,
        "normal": normal,
        "pass_by_type": {kind: counts.get(kind, 0) for kind in sv.SVTYPES},
        "genes_annotated": bool(genes),
        "fusions": fused,
    }
    documents.write(sv.KIND, document, Path(outputs["json"]))
    return document


if __name__ == "__main__":
    rule = snakemake  # noqa: F821
    with stderr_to(rule.log[0]):
        somatic_sv(dict(rule.input.items()), dict(rule.output.items()), dict(rule.params.settings),
                   rule.threads)  # fmt: skip
