"""The copy-number commands of `tailorseq`: a pooled CNVkit reference of normals for
`cnv.reference` and a panel of normals for `germline_cnv.panel` (tailorseq.cli adds them)."""

import argparse
import importlib.util
from pathlib import Path

from tailorseq.errors import InputError, TailorseqError


def _readable(command: str, paths: list[str]) -> None:
    """InputError naming the first given file that cannot be read."""
    from tailorseq.files import unreadable

    for given in paths:
        bad = unreadable(Path(given), "correct the path")
        if bad:
            raise InputError(command, f"{given} {bad[0]}", bad[1])


def _cnv_reference(args: argparse.Namespace) -> None:
    """`tailorseq cnv-reference`: a pooled CNVkit reference of normals for `cnv.reference`."""
    if importlib.util.find_spec("cnvlib") is None:
        raise TailorseqError(
            "tailorseq cnv-reference needs CNVkit where tailorseq is installed. Fix: pip install "
            "'tailorseq[copy-number]'"
        )
    _readable("cnv-reference", [args.fasta, *args.normals, *([args.access] if args.access else [])])
    import tempfile

    from tailorseq.defaults import config_defaults
    from tailorseq.somatic.cnvkit_steps import build_reference, cnvkit
    from tailorseq.somatic.copy_number import CnvSettings

    settings = CnvSettings.from_config(config_defaults("cnv"))
    out = Path(args.output)
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        access = Path(args.access) if args.access else Path(scratch) / "access.bed"
        if not args.access:
            cnvkit("access", args.fasta, "-o", access)
        record = build_reference(
            [Path(bam) for bam in args.normals], Path(args.fasta), access, out, settings,
            config_defaults("somatic")["min_mapq"], args.threads, Path(scratch),
        )  # fmt: skip
    print(f"{out}: {record['bins']} bins over {record['territory_bases']:,} bases from "
          f"{len(record['normals'])} normals (record: {out}.json)")  # fmt: skip


def _germline_cnv_panel(args: argparse.Namespace) -> None:
    """`tailorseq germline-cnv-panel`: normals' exon depths for `germline_cnv.panel`."""
    from tailorseq.defaults import config_defaults
    from tailorseq.germline_cnv_panel import build_panel

    _readable("germline-cnv-panel", [args.parts, args.fasta, *args.normals])
    built = build_panel(
        [Path(bam) for bam in args.normals], Path(args.parts), Path(args.fasta), args.build,
        Path(args.output), config_defaults("calling")["min_mapq"], args.threads,
    )  # fmt: skip
    print(f"{args.output}: {built['parts']} coding parts from {built['normals']} normals")


def add_copy_number_commands(commands: argparse._SubParsersAction) -> None:
    """`cnv-reference` and `germline-cnv-panel`."""
    pooled = commands.add_parser(
        "cnv-reference",
        help="a pooled CNVkit reference of normals for cnv.reference (as cnvkit.py batch "
        "--normal ... --output-reference): bins over the sequence every normal covers, sized by "
        "depth with the cnv section's defaults",
    )
    pooled.add_argument("normals", nargs="+", help="the normals' BAM/CRAM files (indexed)")
    pooled.add_argument("--fasta", required=True, help="the run's reference FASTA (indexed)")
    pooled.add_argument("--output", required=True, help="the reference .cnn (record: .cnn.json)")
    pooled.add_argument(
        "--access", help="accessible sequence BED (default: cnvkit.py access of the FASTA)"
    )
    pooled.add_argument("--threads", type=int, default=1)
    pooled.set_defaults(func=_cnv_reference)

    panel = commands.add_parser(
        "germline-cnv-panel",
        help="a panel of normals for germline exon copy number (germline_cnv.panel): each "
        "normal's relative depth over the coding parts of a run's gene CDS BED",
    )
    panel.add_argument("normals", nargs="+", help="the normals' BAM/CRAM files (indexed)")
    panel.add_argument(
        "--parts",
        required=True,
        help="the gene CDS BED of a run with the same annotation "
        "(cache_dir/annotation/<build>/genes-*.report-genes.bed)",
    )
    panel.add_argument("--fasta", required=True, help="the run's reference FASTA")
    panel.add_argument("--build", required=True, help="the run's reference.build")
    panel.add_argument("--output", required=True, help="the panel TSV")
    panel.add_argument("--threads", type=int, default=1)
    panel.set_defaults(func=_germline_cnv_panel)
