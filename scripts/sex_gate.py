"""Rule adapter: stop a sample whose reads contradict the sheet's sex (a likely swap), before
anything of it is published; otherwise mark it as cleared. Reads `snakemake.input.json` and
`snakemake.params.sample` (its name in outputs), writes `snakemake.output.ok`."""

from pathlib import Path

from tailorseq import documents
from tailorseq.errors import TailorseqError
from tailorseq.files import stderr_to, write_atomic
from tailorseq.sex import mismatch_message


def gate(record: dict, sample: str) -> str:
    """The cleared verdict; a mismatch raises with the message naming sample, sexes, evidence."""
    if record["verdict"] == "mismatch":
        raise TailorseqError(mismatch_message(sample, record))
    return f"{record['verdict']}: {record['message']}\n"


if __name__ == "__main__":
    rule = snakemake  # noqa: F821
    with stderr_to(rule.log[0]):
        text = gate(documents.load("sex", rule.input.json), rule.params.sample)
        write_atomic(Path(rule.output.ok), text)
