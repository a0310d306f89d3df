"""Rule adapter: a sample's sex from its reads, compared with the sheet (tailorseq.sex).

Under Snakemake reads `snakemake.input.aln` (indexed), `.ref`, `.targets` (optional BED),
`snakemake.params` (sheet_sex, kind, limits: config `sex` with the calling thresholds) and
writes `snakemake.output.json`; the verdict is recorded, not acted on (the gate does that).
"""

import sys
from pathlib import Path

from tailorseq import documents
from tailorseq.files import stderr_to
from tailorseq.regions import contig_lengths
from tailorseq.sex import SexThresholds, find_sex_contigs, sex_record
from tailorseq.sex_reads import measure


def check(aln: Path, ref: Path, targets: Path | None, sheet_sex: str, kind: str, limits: dict):
    """The sex-check record of one sample."""
    contigs = find_sex_contigs(contig_lengths(f"{ref}.fai"))
    evidence = measure(aln, ref, contigs, limits, targets)
    fields = SexThresholds.__dataclass_fields__
    thresholds = SexThresholds(**{k: v for k, v in limits.items() if k in fields})
    return sex_record(sheet_sex, kind, evidence, contigs, thresholds)


if __name__ == "__main__":
    rule = snakemake  # noqa: F821
    with stderr_to(rule.log[0]):
        targets = list(rule.input.targets)
        record = check(
            Path(rule.input.aln),
            Path(rule.input.ref),
            Path(targets[0]) if targets else None,
            rule.params.sheet_sex,
            rule.params.kind,
            dict(rule.params.limits),
        )
        documents.write("sex", record, Path(rule.output.json))
        print(f"{record['verdict']}: {record['message']} ({record['reason']})", file=sys.stderr)
