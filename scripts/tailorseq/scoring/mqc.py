"""MultiQC custom content: the distribution of the variant score (FORMAT/TQ) per sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pysam

from tailorseq.scoring.model import MAX_PHRED

BIN = 5  # phred units per histogram bin
HEADER = """# id: 'tailorseq_scores'
# section_name: 'Germline variant score'
# description: 'Per germline sample: calls by their variant score (FORMAT/TQ, the phred-scaled
#     probability that the call is real; 20 = 99%, 30 = 99.9%). FILTER LowScore below the
#     model''s threshold ({threshold}). A sample whose curve sits low has many doubtful calls:
#     low depth, poor reads, or data unlike the simulated reads the model was trained on.'
# plot_type: 'linegraph'
# pconfig:
#     id: 'tailorseq_scores_plot'
#     title: 'tailorseq: germline variant score'
#     xlab: 'variant score (TQ, phred)'
#     ylab: 'calls'
"""


def score_histogram(vcf: Path) -> list[int]:
    """Calls per TQ bin (0-4, 5-9, ..., MAX_PHRED) of the VCF's first sample."""
    counts = np.zeros(MAX_PHRED // BIN + 1, dtype=int)
    with pysam.VariantFile(str(vcf)) as variants:
        sample = next(iter(variants.header.samples))
        for record in variants:
            score = record.samples[sample].get("TQ")
            if score is not None:
                counts[min(score, MAX_PHRED) // BIN] += 1
    return counts.tolist()


def write_scores(vcfs: list[Path], out: Path, names: dict[str, str], threshold: float) -> None:
    """One line per sample (named by `names`, pseudonym -> the lab's name) over the bins."""
    lines = [HEADER.format(threshold=f"{threshold:g}").rstrip("\n")]
    # An unnamed first row gives MultiQC's line graph its x values (the bins' lower bounds).
    lines.append("\t".join(["", *(str(b * BIN) for b in range(MAX_PHRED // BIN + 1))]))
    for vcf in vcfs:
        pid = vcf.name.split(".")[0]
        lines.append("\t".join([names.get(pid, pid), *map(str, score_histogram(vcf))]))
    out.write_text("\n".join(lines) + "\n")
