"""Outside calls: genes called by another tool, e.g. CYP2D6 (copy number, hybrids), HLA-A and
HLA-B.

Four formats, told apart by their content:
- PharmCAT's outside-call TSV, one gene per line: `gene<TAB>diplotype[<TAB>phenotype[<TAB>activity
  score]]`; `#` lines and blank lines are skipped, as is a header line starting with `gene`. The
  diplotype may be empty when a phenotype is given. Several diplotypes of one gene are not
  allowed (PharmCAT refuses them too).
- OptiType's `*_result.tsv` (a header `<TAB>A1<TAB>A2<TAB>B1<TAB>B2<TAB>C1<TAB>C2...`, one row).
- arcasHLA's `*.genotype.json` (`{"A": ["A*01:01:01", "A*02:01:01"], ...}`, one allele when
  homozygous).
- T1K's `*_genotype.tsv` (gene, number of different alleles, then allele, abundance and quality
  twice; an allele whose quality is not above 0 is not confident, as T1K's README says).
Of the HLA typers' genes only HLA-A and HLA-B are read: the genes with CPIC guidelines.

A sample may have several files (a CYP2D6 caller's and an HLA typer's): `merged_outside_calls`
merges them gene by gene and reports a gene called differently in two files (diplotypes
compared as written, haplotype order aside: `*57:01` and `*57:01:01` differ), naming the sample,
both files and the gene. `tailorseq check`, the pipeline's check before compute and `run_pgx`
all use it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tailorseq.errors import InputError

SOURCE = "outside call"


@dataclass(frozen=True)
class OutsideCall:
    gene: str
    diplotype: str | None
    phenotype: str | None = None
    activity_score: float | None = None

    @property
    def haplotypes(self) -> list[str]:
        return self.diplotype.split("/") if self.diplotype else []


HLA_GENES = ("HLA-A", "HLA-B")
OPTITYPE_COLUMNS = ["A1", "A2", "B1", "B2", "C1", "C2"]


def read_outside_calls(path: Path | str) -> dict[str, OutsideCall]:
    """Outside calls by gene, from any of the four formats."""
    path = Path(path)
    text = path.read_text()
    first = next((line for line in text.splitlines() if line.strip()), "")
    fields = first.split("\t")
    if text.lstrip().startswith("{"):
        return read_arcashla(path, text)
    if fields[1:7] == OPTITYPE_COLUMNS:
        return read_optitype(path, text)
    if len(fields) >= 8 and fields[0].startswith("HLA-") and fields[1].isdigit():
        return read_t1k(path, text)
    return read_tsv(path, text)


def hla_call(path: Path, typed: str, alleles: list[str]) -> OutsideCall:
    """An HLA gene's call from a typer's alleles (`A*01:01`, `HLA-A*01:01:01`); one allele is
    homozygous."""
    names = []
    for allele in alleles:
        gene, star, fields = allele.removeprefix("HLA-").partition("*")
        if not star or f"HLA-{gene}" != typed or not fields:
            raise InputError(
                str(path), f"{allele!r} is not an allele of {typed}", "give the typer's own output"
            )
        names.append(f"*{fields}")
    if len(names) == 1:
        names *= 2
    return OutsideCall(gene=typed, diplotype="/".join(names))


def read_optitype(path: Path, text: str) -> dict[str, OutsideCall]:
    """OptiType's result: the first row's two alleles per locus."""
    rows = [line.split("\t") for line in text.splitlines() if line.strip()]
    if len(rows) < 2:
        raise InputError(str(path), "OptiType's result has no typing row", "rerun OptiType")
    row = dict(zip(rows[0], rows[1], strict=False))
    return {
        gene: hla_call(path, gene, [row[f"{gene[-1]}1"], row[f"{gene[-1]}2"]])
        for gene in HLA_GENES
        if row.get(f"{gene[-1]}1")
    }


def read_arcashla(path: Path, text: str) -> dict[str, OutsideCall]:
    """arcasHLA's genotype JSON: locus -> its one or two alleles."""
    try:
        typed = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            str(path), f"not JSON ({error})", "give arcasHLA's genotype.json"
        ) from error
    return {
        gene: hla_call(path, gene, typed[gene[-1]]) for gene in HLA_GENES if typed.get(gene[-1])
    }


def confident_quality(text: str) -> bool:
    """T1K's allele quality above 0 (a missing one is not)."""
    try:
        return float(text) > 0
    except ValueError:
        return False


def read_t1k(path: Path, text: str) -> dict[str, OutsideCall]:
    """T1K's genotype TSV: the confident alleles (quality above 0) of HLA-A and HLA-B; a gene
    with two different alleles of which one is not confident is left out (not called)."""
    result = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if fields[0] not in HLA_GENES:
            continue
        pairs = [(fields[2], fields[4]), (fields[5], fields[7])]
        confident = [
            allele for allele, quality in pairs if allele != "." and confident_quality(quality)
        ]
        if len(confident) == int(fields[1]) and confident:
            result[fields[0]] = hla_call(path, fields[0], confident)
    return result


def read_tsv(path: Path, text: str) -> dict[str, OutsideCall]:
    """PharmCAT's outside-call TSV."""
    result: dict[str, OutsideCall] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if number == 1 and fields[0].lower() == "gene":
            continue
        if len(fields) < 2 or not fields[0] or not (fields[1] or (len(fields) > 2 and fields[2])):
            raise InputError(
                f"{path}:{number}",
                "an outside call needs a gene and a diplotype (or a phenotype)",
                "write gene<TAB>diplotype[<TAB>phenotype[<TAB>activity score]]",
            )
        gene = fields[0].upper()
        if gene in result:
            raise InputError(f"{path}:{number}", f"{gene} is called twice", "keep one call")
        score = None
        if len(fields) > 3 and fields[3]:
            try:
                score = float(fields[3])
            except ValueError as error:
                raise InputError(
                    f"{path}:{number}", f"activity score {fields[3]!r} is not a number", ""
                ) from error
        result[gene] = OutsideCall(
            gene=gene,
            diplotype=fields[1] or None,
            phenotype=(fields[2] or None) if len(fields) > 2 else None,
            activity_score=score,
        )
    return result


def outside_call_files(given: str | Path | list | None) -> list[Path]:
    """A sample's outside-call files as config or a caller gives them: one path, or a list (a
    CYP2D6 caller's file and an HLA typer's file)."""
    if not given:
        return []
    return [Path(p) for p in given] if isinstance(given, list | tuple) else [Path(given)]


def _same_call(a: OutsideCall, b: OutsideCall) -> bool:
    """Two files' calls of a gene agree (the diplotype's order of haplotypes aside)."""
    return (sorted(a.haplotypes), a.phenotype, a.activity_score) == (
        sorted(b.haplotypes), b.phenotype, b.activity_score)  # fmt: skip


def _describe(call: OutsideCall) -> str:
    return " ".join(str(part) for part in (call.diplotype, call.phenotype, call.activity_score)
                    if part is not None)  # fmt: skip


def merged_outside_calls(
    paths: list[Path], sample: str | None = None
) -> tuple[dict[str, OutsideCall], list[InputError]]:
    """The calls of several files merged gene by gene, and every problem: a file that cannot
    be read, or the same gene called differently in two files (named with the sample, both
    files and the gene). A gene called identically twice is kept once."""
    merged: dict[str, OutsideCall] = {}
    origin: dict[str, Path] = {}
    problems = []
    who = f"pgx.outside_calls of {sample}" if sample else "outside calls"
    for path in paths:
        try:
            calls = read_outside_calls(path)
        except InputError as error:
            problem = f"{who}: {error.problem}" if sample else error.problem
            problems.append(InputError(error.file, problem, error.fix, error.row))
            continue
        for gene, call in calls.items():
            if gene in merged and not _same_call(merged[gene], call):
                problems.append(InputError(
                    str(path),
                    f"{who}: {gene} is called {_describe(merged[gene])!r} in {origin[gene]} "
                    f"and {_describe(call)!r} in {path}",
                    f"keep one call of {gene}: remove it from one of the two files",
                ))  # fmt: skip
            merged.setdefault(gene, call)
            origin.setdefault(gene, path)
    return merged, problems


def merge_outside_calls(
    given: str | Path | list | None, sample: str | None = None
) -> dict[str, OutsideCall]:
    """A sample's outside calls from one file or several, merged gene by gene; the first
    problem (unreadable file, conflicting calls of a gene) is raised."""
    merged, problems = merged_outside_calls(outside_call_files(given), sample)
    if problems:
        raise problems[0]
    return merged
