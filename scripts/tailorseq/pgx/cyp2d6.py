"""CYP2D6 from the reads with Aldy (PyPI/bioconda `aldy`, Numanagić et al., Nat Commun 2018;
Hari et al., Genome Biol 2023), turned into an outside call of the PGx step.

Aldy reads the CYP2D6/CYP2D7 locus of a GRCh37 or GRCh38 BAM, normalises its depth by a
copy-number-neutral region of the same locus (its `illumina` WGS profile: CYP2D8, GRCh38
chr22:42,151,472-42,152,258) and solves copy number, fusions (*13 and the like) and star alleles
(with xN duplications, *5 deletion, *36 and tandems such as *36+*10) together. Its result (every
equally good solution, the copy number, Aldy's version and database) is kept as the gene's
structural call; one solution becomes PharmCAT's outside-call line, whose diplotype the PGx step
turns into activity score, phenotype and CPIC recommendations like any other outside call.

Where Aldy does not run, the reason is recorded and the PGx step lists CYP2D6 as not assessed
with it: the build is neither GRCh38 nor GRCh37, the reference has no chr22 of that build (the
demo's synthetic genome, a single-chromosome reference), a targeted run (Aldy's WGS profile does
not fit a capture), too few reads in the neutral region, or several solutions with different
diplotypes. A laboratory's own CYP2D6 outside call is used instead of ours, and ours is kept
beside it (`structural_call`)."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pysam

from tailorseq.files import write_atomic
from tailorseq.pgx.outside import OutsideCall
from tailorseq.tools import TOOLS, reported_version, run_logged

GENE = "CYP2D6"
CALLER = "aldy"
PROFILE = "illumina"
# Aldy's name of each build, chr22's length in it (Aldy tells the build from chr22's length),
# and the CN-neutral region of its `illumina` profile (Aldy 4.8.3, profiles/illumina.yml).
# Aldy's CPIC functions (its gene database's `cpic` table: CPIC/DPWG 2020 score thresholds) as
# CPIC names the phenotypes.
ALDY_PHENOTYPES = {
    "poor": "Poor Metabolizer",
    "intermediate": "Intermediate Metabolizer",
    "normal": "Normal Metabolizer",
    "ultrarapid": "Ultrarapid Metabolizer",
}
BUILDS = {
    "GRCh38": ("hg38", 50_818_468, (42_151_472, 42_152_258)),
    "GRCh37": ("hg19", 51_304_566, (42_547_463, 42_548_249)),
}


@dataclass
class StructuralCall:
    """The caller's result for one sample: `called` with a diplotype (or, when Aldy's optimal
    solutions differ in diplotype but agree on the activity score, with that score and its
    phenotype and `reason` saying so), or the reason it was not called; every solution, and
    the copy number of CYP2D6 when the solutions agree on it."""

    called: bool
    reason: str | None = None
    diplotype: str | None = None
    phenotype: str | None = None
    activity_score: float | None = None
    copy_number: int | None = None
    solutions: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    neutral_depth: float | None = None
    caller: str = CALLER
    version: str | None = None
    profile: str = PROFILE

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def chr22(contigs: dict[str, int]) -> str | None:
    """The reference's name of chromosome 22 (`chr22` or `22`), if it has one."""
    return next((name for name in ("chr22", "22") if name in contigs), None)


def not_callable_reason(build: str, contigs: dict[str, int], targets: bool) -> str | None:
    """Why Aldy cannot call this run's CYP2D6 (None: it can): the build, chr22, a capture."""
    if build not in BUILDS:
        return f"Aldy calls CYP2D6 on GRCh38 and GRCh37 only, not on build {build!r}"
    name = chr22(contigs)
    length = BUILDS[build][1]
    if name is None or contigs[name] != length:
        return (f"the reference has no {build} chromosome 22 ({length:,} bp), so no CYP2D6/"
                "CYP2D7/CYP2D8 locus")  # fmt: skip
    if targets:
        return ("a targeted run: Aldy's whole-genome profile does not fit a capture (a profile "
                "of the capture, made with `aldy profile` on the lab's reference samples, is "
                "needed)")  # fmt: skip
    return None


def neutral_depth(bam: Path, build: str, contigs: dict[str, int]) -> float:
    """Mean read depth over the profile's CN-neutral region (CYP2D8)."""
    start, end = BUILDS[build][2]
    with pysam.AlignmentFile(str(bam)) as reads:
        counts = reads.count_coverage(chr22(contigs), start - 1, end, quality_threshold=0)
    return sum(sum(base) for base in counts) / (end - start + 1)


def parse_aldy(path: Path) -> list[dict[str, Any]]:
    """Aldy's optimal solutions from its `.aldy` table: each one's major diplotype (`*1/*2x2`),
    minor alleles, number of CYP2D6 copies (gene copies, fusions included) and the note of its
    `#Solution` line (Aldy's database version and its own CPIC function and score)."""
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    header = next(line for line in lines if line.startswith("#Sample"))
    notes = [line.partition(";")[2].strip() for line in lines if line.startswith("#Solution")]
    rows = csv.DictReader([header.lstrip("#"), *(x for x in lines if not x.startswith("#"))],
                          delimiter="\t")  # fmt: skip
    solutions: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["Gene"] != GENE:
            continue
        solution = solutions.setdefault(
            row["SolutionID"],
            {"diplotype": row["Major"], "minor": row["Minor"].split(";"), "copies": set()},
        )
        solution["copies"].add(row["Copy"])
    return [
        {"diplotype": cpic_spelling(s["diplotype"]), "aldy_diplotype": s["diplotype"],
         "minor": s["minor"], "copy_number": len(s["copies"]), "aldy_note": note,
         **aldy_activity(note)}
        for s, note in zip(solutions.values(), notes, strict=True)
    ]  # fmt: skip


def cpic_spelling(diplotype: str) -> str:
    """Aldy's diplotype as CPIC and PharmCAT write it: a tandem of one allele is a copy
    number (`*1/*2+*2` -> `*1/*2x2`); a tandem of different alleles stays (`*36+*10`)."""
    haplotypes = []
    for haplotype in diplotype.split("/"):
        parts = haplotype.split("+")
        same = len(parts) > 1 and len(set(parts)) == 1
        haplotypes.append(f"{parts[0]}x{len(parts)}" if same else haplotype)
    return "/".join(haplotypes)


def unnamed_parts(diplotype: str) -> list[str]:
    """The parts of Aldy's diplotype that are not star alleles: variants it added to an allele
    (`*10/*10+42126627.A>C+rs1135837`)."""
    return [part for haplotype in diplotype.split("/") for part in haplotype.split("+")
            if not part.startswith("*")]  # fmt: skip


def aldy_activity(note: str) -> dict[str, Any]:
    """Aldy's CPIC function and activity score of a solution, from its `#Solution` note
    (`gene=...; cpic=ultrarapid; cpic_score=3.0`); None where it gives none."""
    fields = dict(part.strip().partition("=")[::2] for part in note.split(";") if "=" in part)
    score = fields.get("cpic_score")
    return {"cpic_function": fields.get("cpic"), "cpic_score": float(score) if score else None}


def warnings_of(log: Path) -> list[str]:
    """Aldy's warnings from its log (e.g. several optimal solutions, novel mutations)."""
    return [line.strip() for line in log.read_text().splitlines() if "WARN" in line.upper()]


def decide(solutions: list[dict[str, Any]]) -> StructuralCall:
    """One call from Aldy's optimal solutions: none when a solution has variants outside
    Aldy's alleles (their function is unknown); their diplotype when they agree; when they
    differ (short reads do not phase across the copies: *1/*2x2 and *2+*39/*34 carry the same
    variants), Aldy's activity score and phenotype when all give the same, else no call. No
    solution is picked over another."""
    if not solutions:
        return StructuralCall(False, "Aldy found no solution", solutions=solutions)
    novel = sorted({part for s in solutions for part in unnamed_parts(s["diplotype"])})
    if novel:
        return StructuralCall(False, "Aldy's solution carries variants that no allele of its "
                              f"database explains ({', '.join(novel)}): function unknown",
                              solutions=solutions)  # fmt: skip
    diplotypes = sorted({s["diplotype"] for s in solutions})
    copies = {s["copy_number"] for s in solutions}
    copy_number = copies.pop() if len(copies) == 1 else None
    if len(diplotypes) == 1:
        return StructuralCall(True, diplotype=diplotypes[0], copy_number=copy_number,
                              solutions=solutions)  # fmt: skip
    activities = {(s["cpic_function"], s["cpic_score"]) for s in solutions}
    (function, score), *others = activities
    alternatives = f"Aldy's optimal solutions differ: {', '.join(diplotypes)}"
    if others or function not in ALDY_PHENOTYPES or score is None:
        return StructuralCall(False, f"{alternatives}, and so do their activities",
                              solutions=solutions)  # fmt: skip
    return StructuralCall(
        True, f"{alternatives}; all have activity score {score:g} (Aldy's CPIC table)",
        phenotype=ALDY_PHENOTYPES[function], activity_score=score, copy_number=copy_number,
        solutions=solutions,
    )  # fmt: skip


def aldy_version(aldy: str = "aldy") -> str | None:
    """Aldy's version, read as the preflight check reads it (tailorseq.tools.TOOLS)."""
    spec = TOOLS["aldy"]
    return reported_version([aldy, *spec.args], spec.pattern)


def run_aldy(bam: Path, build: str, out: Path, log: Path, aldy: str = "aldy") -> None:
    """Aldy's genotype command on CYP2D6 with the WGS profile (its debug log to `log`, what it
    prints to the rule's log)."""
    run_logged(aldy, "genotype", "--profile", PROFILE, "--gene", GENE, "--genome",
               BUILDS[build][0], "--output", out, "--log", log, bam)  # fmt: skip


def call_cyp2d6(bam: Path, build: str, contigs: dict[str, int], targets: bool, min_depth: int,
                work: Path, aldy: str = "aldy") -> StructuralCall:  # fmt: skip
    """The sample's structural call, or why there is none."""
    reason = not_callable_reason(build, contigs, targets)
    if reason:
        return StructuralCall(False, reason)
    depth = neutral_depth(bam, build, contigs)
    if depth < min_depth:
        reason = f"mean depth {depth:.1f} in Aldy's CN-neutral region (CYP2D8) is below {min_depth}"
        return StructuralCall(False, reason, neutral_depth=depth)
    result = work / "aldy.tsv"
    run_aldy(bam, build, result, work / "aldy.log", aldy)
    call = decide(parse_aldy(result))
    call.neutral_depth = depth
    call.warnings = warnings_of(work / "aldy.log")
    call.version = aldy_version(aldy)
    return call


def write_call(call: StructuralCall, out_json: Path) -> None:
    """The call as JSON (the PGx step's input)."""
    write_atomic(out_json, json.dumps(call.to_json(), indent=2) + "\n")


def read_call(path: Path | str | None) -> StructuralCall | None:
    """A call written by `write_call` (None without a file)."""
    return StructuralCall(**json.loads(Path(path).read_text())) if path else None


def with_structural_call(
    outside: dict[str, OutsideCall], call: StructuralCall | None
) -> dict[str, OutsideCall]:
    """The outside calls with ours of CYP2D6 added, unless the laboratory gave one (theirs is
    used: it may rest on an assay that sees what short reads cannot)."""
    if call is None or not call.called or GENE in outside:
        return outside
    return {**outside, GENE: OutsideCall(GENE, call.diplotype, call.phenotype,
                                         call.activity_score)}  # fmt: skip


def annotate(genes: dict[str, dict], not_assessed: list[dict], call: StructuralCall | None,
             laboratory: bool) -> None:  # fmt: skip
    """Our structural call beside the gene's entry (`used`: false when the laboratory's call
    was used), or, when not called and no one else called CYP2D6, as the reason it is not
    assessed."""
    if call is None:
        return
    kept = call.to_json() | {"used": call.called and not laboratory}
    if GENE in genes:
        genes[GENE]["structural_call"] = kept
        if kept["used"]:
            genes[GENE]["source"] = f"{CALLER} {call.version} (from the reads)"
    for entry in not_assessed:
        if entry["gene"] == GENE:
            entry["reason"] = f"not called from the reads by {CALLER}: {call.reason}"
            entry["structural_call"] = kept
