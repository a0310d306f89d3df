"""Checking the matcher against PharmCAT's own material (`../shared/data/pharmcat`): the 45 cases
taken from its Java tests, its named test VCFs, and its example VCF with its own report. Used by
`tests/conformance/test_pharmcat.py`, `tests/unit/test_pgx_dpyd.py`,
`tests/unit/test_pgx_combinations.py` and `bench/pgx_pharmcat.py`; nothing here is copied from
PharmCAT, everything is read from the folder at run time."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from tailorseq.pgx.definitions import GeneDefinition, load_gene
from tailorseq.pgx.genotypes import read_genotypes
from tailorseq.pgx.matcher import call_gene


def diplotype_key(name: str) -> frozenset | tuple:
    """Order-insensitive diplotype: `*1/*2` == `*2/*1`."""
    parts = name.split("/")
    return tuple(sorted(parts))


def diplotype_set(names) -> set:
    return {diplotype_key(n) for n in names}


def case_flags(case: dict) -> tuple[bool, bool]:
    """(find_combinations, top_candidate_only) from the boolean arguments PharmCAT's test helper
    got: its overloads take (top), (combinations, top), (top, showUnmatched, withExemptions) and
    (combinations, top, showUnmatched, withExemptions); no arguments means top = false."""
    flags = [f == "true" for f in case.get("matcher_flags") or []]
    if len(flags) in (2, 4):
        return flags[0], flags[1]
    if len(flags) in (1, 3):
        return False, flags[0]
    return False, False


def _gene_rows(positions_vcf: Path, gene: str) -> tuple[list[str], list[list[str]]]:
    header: list[str] = []
    rows: list[list[str]] = []
    for line in positions_vcf.read_text().splitlines():
        if line.startswith("#"):
            header.append(line)
            continue
        fields = line.split("\t")
        info = dict(
            item.split("=", 1) if "=" in item else (item, "") for item in fields[7].split(";")
        )
        if gene in info.get("PX", "").split(","):
            rows.append(fields)
    return header, rows


def case_vcf_text(case: dict, positions_vcf: Path, definition: GeneDefinition) -> str:
    """A case's VCF, as PharmCAT's test builder makes it: every position of the gene reference,
    the case's variations set (alleles in the definitions' spelling), `missing` as `./.`."""
    header, rows = _gene_rows(positions_vcf, case["gene"])
    phased = bool(case.get("phased"))
    by_rsid = {v.rsid: v for v in definition.variants if v.rsid}
    variations: dict[str, tuple[str, str]] = {}
    for entry in case.get("variations") or []:
        rsid, *alleles = entry[1:]
        alleles = [a for a in alleles if a not in ("true", "false")]
        variations[rsid] = (alleles[0], alleles[1])
    missing = {m[1] for m in case.get("missing") or []}
    sep = "|" if phased else "/"
    lines = list(header)
    for fields in rows:
        fields = list(fields)
        rsid = fields[2]
        known = [fields[3], *[a for a in fields[4].split(",") if a != "."]]
        if rsid in missing:
            gt = "./."
        elif rsid in variations:
            variant = by_rsid[rsid]
            indexes = []
            for allele in variations[rsid]:
                allele = variant.to_vcf_allele(allele)
                if allele not in known:
                    known.append(allele)
                indexes.append(str(known.index(allele)))
            gt = sep.join(indexes)
        else:
            gt = sep.join("00")
        fields[4] = ",".join(known[1:]) or "."
        fields[8] = "GT"
        fields[9] = gt
        lines.append("\t".join(fields[:10]))
    return "\n".join(lines) + "\n"


@dataclass
class Outcome:
    """One comparison with PharmCAT."""

    source: str
    id: str
    expected: list[str]
    got: list[str]
    agreed: bool
    note: str = ""


def run_case(
    case: dict, definitions: dict[str, GeneDefinition], pharmcat: Path, workdir: Path
) -> Outcome:
    """Run one matcher case (a built VCF, or the case's own test VCF) and compare."""
    definition = definitions[case["gene"]]
    # a case with variations was built by PharmCAT's TestVcfBuilder (some of those tests then go
    # on to read a resource VCF too: the expectation extracted belongs to the built one)
    if case.get("vcf") and not case.get("variations"):
        vcf = pharmcat / "test-vcfs" / case["vcf"]
    else:
        vcf = workdir / (re.sub(r"[^A-Za-z0-9_.-]", "_", case["test"]) + ".vcf")
        vcf.write_text(case_vcf_text(case, pharmcat / "pharmcat_positions.vcf", definition))
    combinations, top = case_flags(case)
    genotypes = read_genotypes(vcf, [definition])
    call = call_gene(definition, genotypes, top_candidate_only=top, find_combinations=combinations)
    got = call.diplotype_names
    agreed = diplotype_set(got) == diplotype_set(case["expected_diplotypes"])
    return Outcome("matcher_cases", case["test"], case["expected_diplotypes"], got, agreed)


def load_cases(pharmcat: Path) -> list[dict]:
    return json.loads((pharmcat / "matcher_cases.json").read_text())


_STAR = r"([0-9]+[A-Za-z]?)"
_PATTERNS = (
    re.compile(rf"^s{_STAR}s{_STAR}$"),
    re.compile(rf"^[A-Za-z0-9]+_s{_STAR}_s{_STAR}_t\d+$"),
)


def decode_test_vcf(gene: GeneDefinition, stem: str) -> list[str] | None:
    """The diplotype a test VCF's name encodes (`s1s17` -> `*1/*17`, IFNL3 `rs12979860CT`,
    VKORC1 `-1639G-1639A`), or None when the name encodes something else (extra variants,
    missing positions, old allele names not in the definitions)."""
    names = {a.name.upper(): a.name for a in gene.named_alleles}
    reference = gene.reference_allele.name
    others = [a.name for a in gene.named_alleles if not a.reference]
    if gene.gene in ("IFNL3", "VKORC1") and len(others) == 1:
        if gene.gene == "IFNL3":
            m = re.fullmatch(r"rs12979860([CT])([CT])", stem)
            ref_base = "C"
        else:
            m = re.fullmatch(r"-1639([GA])-1639([GA])", stem)
            ref_base = "G"
        if not m:
            return None
        return ["/".join(reference if b == ref_base else others[0] for b in m.groups())]
    for pattern in _PATTERNS:
        m = pattern.fullmatch(stem)
        if m:
            alleles = [names.get(f"*{part}".upper()) for part in m.groups()]
            if all(alleles):
                return ["/".join(alleles)]
            return None
    return None


def run_test_vcfs(definitions: dict[str, GeneDefinition], pharmcat: Path) -> list[Outcome]:
    """Every decodable `test-vcfs/<gene>/*.vcf`: the named diplotype must be among the diplotypes
    consistent with the file (an unphased file can fit several, and PharmCAT's score then prefers
    the one with the reference allele, e.g. TPMT `s3bs3c` -> `*1/*3A` first); the note says
    whether it is also the top-ranked one."""
    outcomes = []
    for folder in sorted(p for p in (pharmcat / "test-vcfs").iterdir() if p.is_dir()):
        gene = next((g for g in definitions if g.upper() == folder.name.upper()), None)
        if gene is None:
            continue
        for vcf in sorted(folder.glob("*.vcf")):
            expected = decode_test_vcf(definitions[gene], vcf.stem)
            if expected is None:
                continue
            genotypes = read_genotypes(vcf, [definitions[gene]])
            call = call_gene(definitions[gene], genotypes, top_candidate_only=False)
            got = call.diplotype_names
            agreed = diplotype_set(expected) <= diplotype_set(got)
            top = [d.name for d in call.diplotypes if d.score == call.diplotypes[0].score]
            note = (
                "top-ranked"
                if diplotype_set(expected) <= diplotype_set(top)
                else (f"consistent, PharmCAT's scoring ranks {'; '.join(top)} first")
            )
            outcomes.append(
                Outcome("test-vcfs", f"{folder.name}/{vcf.name}", expected, got, agreed, note)
            )
    return outcomes


def read_report_tsv(path: Path) -> dict[str, dict[str, str]]:
    """PharmCAT's report TSV (a version line, then a header) by gene."""
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Gene\t"))
    header = lines[start].split("\t")
    rows = {}
    for line in lines[start + 1 :]:
        if line.strip():
            fields = line.split("\t")
            rows[fields[0]] = dict(zip(header, fields, strict=False))
    return rows


def run_example(definitions: dict[str, GeneDefinition], pharmcat: Path) -> list[Outcome]:
    """The example VCF against PharmCAT's report, gene by gene (outside calls excluded)."""
    report = read_report_tsv(pharmcat / "examples" / "pharmcat.example.report.tsv")
    genotypes = read_genotypes(pharmcat / "examples" / "pharmcat.example.vcf", definitions.values())
    outcomes = []
    for gene, row in sorted(report.items()):
        if gene not in definitions or row.get("Outside Call", "no") != "no":
            continue
        call = call_gene(definitions[gene], genotypes, top_candidate_only=True)
        expected = [d.strip() for d in row["Source Diplotype"].split(";") if d.strip()]
        got = call.diplotype_names
        agreed = diplotype_set(expected) == diplotype_set(got)
        score_note = ""
        if call.diplotypes and row.get("Match Score", "").isdigit():
            ours, theirs = call.diplotypes[0].score, int(row["Match Score"])
            agreed = agreed and ours == theirs
            score_note = f"score {ours} vs PharmCAT {theirs}"
        outcomes.append(Outcome("example", gene, expected, got, agreed, score_note))
    return outcomes


#: PharmCAT's research-mode (findCombinations) tests on its own VCFs: test VCF -> (definition file
#: in test-vcfs/, or None for the gene's released definition; the diplotypes its
#: NamedAlleleMatcherTest asserts). Expectations transcribed from PharmCAT's test assertions.
COMBINATION_FILES = {
    "NamedAlleleMatcher-combinationBaseline.vcf": (
        "NamedAlleleMatcher-combination.json", ["*1/*1"]),
    "NamedAlleleMatcher-combinationPhased.vcf": (
        "NamedAlleleMatcher-combination.json", ["*1/[*6 + *27 + *28 + *80]"]),
    "NamedAlleleMatcher-combinationUnphased.vcf": ("NamedAlleleMatcher-combination.json", [
        "*1/[*6 + *27 + *28 + *80]", "*6/[*27 + *28 + *80]", "*27/[*6 + *28 + *80]",
        "*28/[*6 + *27 + *80]", "*80/[*6 + *27 + *28]", "[*6 + *27]/[*28 + *80]",
        "[*6 + *28]/[*27 + *80]", "[*6 + *80]/[*27 + *28]"]),
    "NamedAlleleMatcher-partialWithCombination.vcf": ("NamedAlleleMatcher-combination.json", [
        "*1/[*6 + *28 + g.233760973C>T]", "g.233760973C>T/[*6 + *28]",
        "*6/[*28 + g.233760973C>T]", "*28/[*6 + g.233760973C>T]"]),
    "NamedAlleleMatcher-partial.vcf": (
        "NamedAlleleMatcher-combination.json", ["*6/[*6 + g.233760973C>T]"]),
    "NamedAlleleMatcher-combinationLongestScore.vcf": (
        "NamedAlleleMatcher-cyp2b6.json", ["*13/[*6 + *14]"]),
    "NamedAlleleMatcher-partialReferenceUnphased.vcf": (
        "NamedAlleleMatcher-cyp2b6.json", ["*1/[*9 + g.41012316T>G]", "*9/g.41012316T>G"]),
    "NamedAlleleMatcher-partialReferencePhased.vcf": (
        "NamedAlleleMatcher-cyp2b6.json", ["*9/[g.41006968T>A + g.41012316T>G]"]),
    "NamedAlleleMatcher-partialReferenceDouble.vcf": (
        "NamedAlleleMatcher-cyp2b6.json", ["g.41006968T>A/g.41006968T>A"]),
    # same genotypes as PharmCAT's testPartial2Phased (built there with TestVcfBuilder)
    "NamedAlleleMatcher-partial2Unphased.vcf": (None, ["*2/[*17 + g.94781859G>A]"]),
}  # fmt: skip

#: PharmCAT's research-mode tests that build their VCF (TestVcfBuilder on the released
#: definitions), in matcher_cases.json's format; alleles are strand 1, strand 2.
COMBINATION_CASES = [
    {"test": "NamedAlleleMatcherTest.testCombinationHomozygous", "gene": "CYP2B6",
     "variations": [["CYP2B6", "rs8192709", "T", "T"], ["CYP2B6", "rs3211371", "T", "T"]],
     "expected_diplotypes": ["[*2 + *5]/[*2 + *5]"]},
    {"test": "NamedAlleleMatcherTest.testPartial2Phased", "gene": "CYP2C19", "phased": True,
     "variations": [["CYP2C19", "rs12248560", "T", "C"], ["CYP2C19", "rs12769205", "A", "G"],
                    ["CYP2C19", "rs4244285", "A", "A"], ["CYP2C19", "rs3758581", "G", "G"]],
     "expected_diplotypes": ["*2/[*17 + g.94781859G>A]"]},
    {"test": "NamedAlleleMatcherTest.testCombo3", "gene": "CYP2B6", "phased": True,
     "variations": [["CYP2B6", "rs34883432", "A", "T"], ["CYP2B6", "rs8192709", "C", "T"],
                    ["CYP2B6", "rs35773040", "A", "G"], ["CYP2B6", "rs3745274", "T", "G"]],
     "expected_diplotypes": ["*10/[*9 + *14]"]},
    {"test": "NamedAlleleMatcherTest.testCombinationWithShellPhased", "gene": "CYP2B6",
     "phased": True,
     "variations": [["CYP2B6", "rs35773040", "G", "A"], ["CYP2B6", "rs3745274", "T", "T"],
                    ["CYP2B6", "rs2279343", "G", "G"], ["CYP2B6", "rs12721655", "G", "A"]],
     "expected_diplotypes": ["*13/[*6 + *14]"]},
    {"test": "NamedAlleleMatcherTest.testCombinationWithShellMissing", "gene": "CYP2B6",
     "variations": [["CYP2B6", "rs35773040", "G", "A"], ["CYP2B6", "rs3745274", "T", "T"],
                    ["CYP2B6", "rs2279343", "G", "G"]],
     "missing": [["CYP2B6", "rs12721655"]],
     "expected_diplotypes": ["*6/[*6 + *14]", "*6/[*13 + *14]", "*13/[*6 + *14]",
                             "*13/[*13 + *14]"]},
    {"test": "NamedAlleleMatcherTest.testPartialUnphasedWithSingleHapMatch", "gene": "CYP2B6",
     "variations": [["CYP2B6", "rs33973337", "A", "T"], ["CYP2B6", "rs45482602", "C", "T"]],
     "expected_diplotypes": ["*1/[g.40991381A>T + g.41009350C>T]",
                             "g.40991381A>T/g.41009350C>T"]},
]  # fmt: skip
for _case in COMBINATION_CASES:
    _case["matcher_flags"] = ["true", "true"]  # findCombinations, topCandidateOnly


def run_combination_files(
    definitions: dict[str, GeneDefinition], pharmcat: Path, find_combinations: bool = True
) -> list[Outcome]:
    """PharmCAT's research-mode test VCFs against the diplotypes its tests assert."""
    outcomes = []
    folder = pharmcat / "test-vcfs"
    for name, (definition_file, expected) in COMBINATION_FILES.items():
        if not (folder / name).exists():
            continue
        if definition_file:
            definition = load_gene(folder / definition_file)
        else:
            genotypes = read_genotypes(folder / name, definitions.values())
            gene = next(
                g for g, d in definitions.items()
                if any((v.position in {k[1] for k in genotypes.calls}) for v in d.variants)
            )  # fmt: skip
            definition = definitions[gene]
        genotypes = read_genotypes(folder / name, [definition])
        call = call_gene(definition, genotypes, find_combinations=find_combinations)
        got = call.diplotype_names
        agreed = diplotype_set(got) == diplotype_set(expected)
        outcomes.append(Outcome("combination-vcfs", name, expected, got, agreed, call.mode))
    return outcomes


def run_combination_cases(
    definitions: dict[str, GeneDefinition],
    pharmcat: Path,
    workdir: Path,
    find_combinations: bool = True,
) -> list[Outcome]:
    """PharmCAT's research-mode built-VCF tests (`COMBINATION_CASES`)."""
    outcomes = []
    for case in COMBINATION_CASES:
        flags = ["true" if find_combinations else "false", "true"]
        outcome = run_case(case | {"matcher_flags": flags}, definitions, pharmcat, workdir)
        outcome.source = "combination-cases"
        outcomes.append(outcome)
    return outcomes


#: PharmCAT's DPYD tests of the lowest-function path (NamedAlleleMatcherTest.testDpyd*, on its
#: test definition `test-vcfs/NamedAlleleMatcher-dpyd.json`; PipelineTest.hapB3AndIntronic* and
#: the unknown-allele test, on the released definitions), in matcher_cases.json's format plus
#: `definition` (a file in test-vcfs/, or None), the haplotype list PharmCAT asserts for unphased
#: input (`expected_haplotypes`) and, where the test asserts it, the two haplotypes the
#: recommendation is looked up with (`expected_lowest`). Transcribed from PharmCAT's assertions.
DPYD_TEST_DEF = "NamedAlleleMatcher-dpyd.json"
DPYD_CASES = [
    {"test": "NamedAlleleMatcherTest.testDpydEffectivelyPhased", "definition": DPYD_TEST_DEF,
     "variations": [["DPYD", "rs80081766", "C", "T"]],
     "expected_diplotypes": ["Reference/c.62G>A"]},
    {"test": "NamedAlleleMatcherTest.testDpydEffectivelyPhased2", "definition": DPYD_TEST_DEF,
     "variations": [["DPYD", "rs61622928", "T", "T"], ["DPYD", "rs1801159", "C", "C"],
                    ["DPYD", "rs1801265", "A", "G"]],
     "expected_diplotypes": [
         "[c.1218G>A + c.1627A>G (*5)]/[c.85T>C (*9A) + c.1218G>A + c.1627A>G (*5)]"]},
    {"test": "NamedAlleleMatcherTest.testDpydPhased", "definition": DPYD_TEST_DEF, "phased": True,
     "variations": [["DPYD", "rs80081766", "C", "T"], ["DPYD", "rs114096998", "G", "T"]],
     "expected_diplotypes": ["Reference/[c.62G>A + c.3067C>A]"]},
    {"test": "NamedAlleleMatcherTest.testDpydUnPhased", "definition": DPYD_TEST_DEF,
     "variations": [["DPYD", "rs80081766", "C", "T"], ["DPYD", "rs114096998", "G", "T"]],
     "expected_diplotypes": [], "expected_haplotypes": ["c.62G>A", "c.3067C>A"]},
    {"test": "NamedAlleleMatcherTest.testDpydPhasedDouble", "definition": DPYD_TEST_DEF,
     "phased": True,
     "variations": [["DPYD", "rs75017182", "G", "C"], ["DPYD", "rs56038477", "C", "T"],
                    ["DPYD", "rs80081766", "T", "T"], ["DPYD", "rs114096998", "T", "T"]],
     "expected_diplotypes": ["[c.62G>A + c.3067C>A]/"
                             "[c.62G>A + c.1129-5923C>G, c.1236G>A (HapB3) + c.3067C>A]"]},
    {"test": "NamedAlleleMatcherTest.testDpydHomozygous", "definition": DPYD_TEST_DEF,
     "phased": True,
     "variations": [["DPYD", "rs80081766", "T", "T"], ["DPYD", "rs114096998", "T", "T"]],
     "expected_diplotypes": ["[c.62G>A + c.3067C>A]/[c.62G>A + c.3067C>A]"]},
    {"test": "NamedAlleleMatcherTest.testDpydEffectivelyPhasedCombination",
     "definition": DPYD_TEST_DEF,
     "variations": [["DPYD", "rs1801159", "C", "C"], ["DPYD", "rs1801265", "A", "G"]],
     "missing": [["DPYD", r] for r in str.split(
         "rs148799944 rs140114515 rs1801268 rs72547601 rs72547602 rs141044036 rs147545709 "
         "rs55674432 rs146529561 rs137999090 rs138545885 rs55971861 rs72549303 rs147601618 "
         "rs145773863 rs138616379 rs148994843 rs138391898 rs111858276 rs72549304 rs142512579 "
         "rs764666241 rs140602333 rs78060119 rs143154602 rs72549306 rs145112791 rs150437414 "
         "rs1801266 rs72549307 rs72549308 rs139834141 rs141462178 rs150385342 rs72549309 "
         "rs80081766 rs150036960")],
     "expected_diplotypes": ["c.1627A>G (*5)/[c.85T>C (*9A) + c.1627A>G (*5)]"]},
    {"test": "NamedAlleleMatcherTest.testDpydUnphasedHomozygousNoFunction",
     "definition": DPYD_TEST_DEF,
     "variations": [["DPYD", "rs72547601", "C", "C"], ["DPYD", "rs67376798", "A", "T"],
                    ["DPYD", "rs60139309", "T", "C"]],
     "expected_diplotypes": [],
     "expected_haplotypes": ["c.2582A>G", "c.2846A>T", "c.2933A>G", "c.2933A>G"]},
    {"test": "PipelineTest.hapB3AndIntronicA", "definition": None, "phased": True,
     "variations": [["DPYD", "rs56038477", "T", "C"], ["DPYD", "rs75017182", "C", "C"],
                    ["DPYD", "rs3918290", "T", "C"]],
     "expected_diplotypes": [
         "c.1129-5923C>G/[c.1129-5923C>G, c.1236G>A (HapB3) + c.1905+1G>A (*2A)]"],
     "expected_lowest": ["c.1905+1G>A (*2A)", "c.1129-5923C>G"]},
    {"test": "PipelineTest.hapB3AndIntronicB", "definition": None, "phased": True,
     "variations": [["DPYD", "rs56038477", "C", "T"], ["DPYD", "rs75017182", "C", "C"],
                    ["DPYD", "rs3918290", "C", "T"]],
     "expected_diplotypes": [
         "c.1129-5923C>G/[c.1129-5923C>G, c.1236G>A (HapB3) + c.1905+1G>A (*2A)]"],
     "expected_lowest": ["c.1905+1G>A (*2A)", "c.1129-5923C>G"]},
    {"test": "PipelineTest.hapB3AndIntronicD", "definition": None, "phased": True,
     "variations": [["DPYD", "rs56038477", "T", "C"], ["DPYD", "rs75017182", "C", "C"]],
     "expected_diplotypes": ["c.1129-5923C>G/c.1129-5923C>G, c.1236G>A (HapB3)"],
     "expected_lowest": ["c.1129-5923C>G, c.1236G>A (HapB3)", "c.1129-5923C>G"]},
    # PipelineTest's DPYD test with an allele the definitions lack (rs114096998 G>A): DPYD reads
    # undocumented alleles as reference
    {"test": "PipelineTest.dpyd unknown allele rs114096998 A", "definition": None, "phased": True,
     "variations": [["DPYD", "rs114096998", "G", "A"]],
     "expected_diplotypes": ["Reference/Reference"]},
]  # fmt: skip
for _case in DPYD_CASES:
    _case["gene"] = "DPYD"


def _multiset(names) -> list[str]:
    return sorted(names)


def run_dpyd_cases(
    definitions: dict[str, GeneDefinition], pharmcat: Path, workdir: Path, source=None
) -> list[Outcome]:
    """PharmCAT's DPYD lowest-function tests (`DPYD_CASES`); `source` (a PhenotypeSource) checks
    the lowest-function haplotypes where the test asserts them."""
    from tailorseq.pgx.lowest_function import lowest_function_haplotypes

    outcomes = []
    for case in DPYD_CASES:
        definition = (
            load_gene(pharmcat / "test-vcfs" / case["definition"])
            if case["definition"]
            else definitions["DPYD"]
        )
        vcf = workdir / (re.sub(r"[^A-Za-z0-9_.-]", "_", case["test"]) + ".vcf")
        vcf.write_text(case_vcf_text(case, pharmcat / "pharmcat_positions.vcf", definition))
        call = call_gene(definition, read_genotypes(vcf, [definition]))
        expected = list(case["expected_diplotypes"])
        got = call.diplotype_names
        agreed = diplotype_set(got) == diplotype_set(expected)
        if "expected_haplotypes" in case:
            expected = [*expected, ", ".join(case["expected_haplotypes"])]
            got = [*got, ", ".join(call.haplotype_matches)]
            agreed = agreed and _multiset(call.haplotype_matches) == _multiset(
                case["expected_haplotypes"]
            )
        note = call.mode
        if source is not None and "expected_lowest" in case:
            lowest = lowest_function_haplotypes(call, source)
            agreed = agreed and _multiset(lowest) == _multiset(case["expected_lowest"])
            note += f"; lowest-function {lowest} vs PharmCAT {case['expected_lowest']}"
        outcomes.append(Outcome("dpyd-cases", case["test"], expected, got, agreed, note))
    return outcomes


#: hapb3.tsv (PharmCAT's PipelineTest.hapB3 table, in test-vcfs/DPYD/): its columns, by rsID, and
#: the allele the test writes for the "non-PGx" column (one the definitions do not know).
HAPB3_COLUMNS = ("rs56038477", "rs75017182", "rs72549310", "rs67376798", "rs1801265",
                 "rs186169810", "rs115232898")  # fmt: skip
HAPB3_NON_PGX = {"rs186169810": "G"}
HAPB3_WARNINGS = {
    "pcat-dpyd-hapB3-intronic-mismatch-exonic": "intronic-mismatch",
    "pcat-dpyd-hapB3-exonic-only": "exonic-only",
}


def _hapb3_names(text: str) -> list[str]:
    """A hapb3.tsv cell as PharmCAT's test parses it (comma-separated; `ref`, `HapB3Intron`,
    `HapB3` abbreviations; `a+b` is `a + b`); `X (homozygous)` in a list counts twice."""
    from tailorseq.pgx.lowest_function import HAPB3, HAPB3_INTRONIC

    result = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        part = re.sub(r"(\S)\+(\S)", r"\1 + \2", part)
        part = re.sub(r"\bref\b", "Reference", part)
        part = (
            part.replace("HapB3Intron", "\0").replace("HapB3", HAPB3).replace("\0", HAPB3_INTRONIC)
        )
        if part.endswith(" (homozygous)"):
            result.extend([part.removesuffix(" (homozygous)")] * 2)
        else:
            result.append(part)
    return result


def hapb3_vcf_text(row: list[str], positions_vcf: Path, phased: bool) -> str:
    """One hapb3.tsv row as a VCF of every DPYD position (reference where the row says nothing)."""
    header, rows = _gene_rows(positions_vcf, "DPYD")
    given = dict(zip(HAPB3_COLUMNS, row[:7], strict=True))
    sep = "|" if phased else "/"
    lines = list(header)
    for fields in rows:
        fields = list(fields[:10])
        alts = [a for a in fields[4].split(",") if a != "."]
        value = given.get(fields[2], "0/0").strip()
        if value == "missing":
            gt = "./."
        else:
            calls = re.split(r"[/|]", value)
            if fields[2] in HAPB3_NON_PGX and "1" in calls:
                alts.append(HAPB3_NON_PGX[fields[2]])
                calls = [str(len(alts)) if c == "1" else c for c in calls]
            gt = sep.join(calls)
        fields[4] = ",".join(alts) or "."
        fields[8], fields[9] = "GT", gt
        lines.append("\t".join(fields))
    return "\n".join(lines) + "\n"


def run_hapb3_table(
    definitions: dict[str, GeneDefinition], pharmcat: Path, workdir: Path, source=None
) -> list[Outcome]:
    """Every row of PharmCAT's hapb3.tsv, phased and unphased, as its PipelineTest.hapB3 reads
    it: the calls (diplotypes, or the haplotype list when unphased and the table gives one), the
    HapB3 warning, and (with a phenotype `source`) the two haplotypes the recommendation is looked
    up with."""
    from tailorseq.pgx.lowest_function import (
        WARN_EXONIC_ONLY,
        WARN_INTRONIC_MISMATCH,
        lowest_function_haplotypes,
    )

    ours_warning = {WARN_INTRONIC_MISMATCH: "intronic-mismatch", WARN_EXONIC_ONLY: "exonic-only"}
    table = pharmcat / "test-vcfs" / "DPYD" / "hapb3.tsv"
    definition = definitions["DPYD"]
    outcomes = []
    for number, line in enumerate(table.read_text().splitlines(), start=1):
        if number <= 3 or not line.strip():
            continue
        data = line.split("\t") + [""] * 16
        for phased in (True, False):
            vcf = workdir / f"hapb3_{number:03d}_{'phased' if phased else 'unphased'}.vcf"
            vcf.write_text(hapb3_vcf_text(data, pharmcat / "pharmcat_positions.vcf", phased))
            call = call_gene(definition, read_genotypes(vcf, [definition]))
            expected = _hapb3_names(data[7])
            if not phased and data[9].strip():
                expected = _hapb3_names(data[9])
            if phased:
                lowest_text = data[8] or data[7]
            else:
                lowest_text = data[10] or data[8] or (data[7] if not data[9].strip() else data[9])
            lowest_expected = _hapb3_names(lowest_text)
            if len(lowest_expected) == 1:
                lowest_expected = lowest_expected[0].split("/")
            if any("/" in e for e in expected):
                got = call.diplotype_names
                agreed = diplotype_set(got) == diplotype_set(expected)
            else:
                got = list(call.haplotype_matches)
                agreed = not call.diplotypes and _multiset(got) == _multiset(expected)
            warning = HAPB3_WARNINGS.get(data[12 if phased else 13].strip())
            got_warnings = {ours_warning[w] for w in call.warnings if w in ours_warning}
            agreed = agreed and got_warnings == ({warning} if warning else set())
            note = f"warning {sorted(got_warnings)} vs PharmCAT {warning}"
            if source is not None:
                lowest = lowest_function_haplotypes(call, source)
                agreed = agreed and _multiset(lowest) == _multiset(lowest_expected)
                note += f"; lowest-function {lowest} vs PharmCAT {lowest_expected}"
            row_id = f"row_{number:03d} {'phased' if phased else 'unphased'}"
            outcomes.append(Outcome("hapb3-table", row_id, expected, got, agreed, note))
    return outcomes


#: test-vcfs/DPYD/*.vcf: what their names encode (`c1156het`: c.1156G>T heterozygous; two
#: variants: both heterozygous, unphased), with the result PharmCAT's lowest-function path gives
#: such genotypes: one heterozygous variant is effectively phased (a diplotype), two are not
#: (a haplotype list, no diplotype). Decoded by us from the names and the genotypes in the files,
#: not transcribed from a PharmCAT assertion.
DPYD_TEST_VCFS = {
    "novariant.vcf": (["Reference/Reference"], []),
    "c1156het.vcf": (["Reference/c.1156G>T (*12)"], []),
    "c2846het.vcf": (["Reference/c.2846A>T"], []),
    "c1679c1156.vcf": ([], ["c.1156G>T (*12)", "c.1679T>G (*13)"]),
    "c557c703.vcf": ([], ["c.557A>G", "c.703C>T (*8)"]),
    "c1129-5923c2846.vcf": ([], ["c.2846A>T", "c.1129-5923C>G"]),
    "s1s2b.vcf": ([], ["c.1627A>G (*5)", "c.1905+1G>A (*2A)"]),
}


def run_dpyd_test_vcfs(definitions: dict[str, GeneDefinition], pharmcat: Path) -> list[Outcome]:
    """test-vcfs/DPYD/*.vcf against `DPYD_TEST_VCFS`."""
    outcomes = []
    definition = definitions["DPYD"]
    for name, (diplotypes, haplotypes) in DPYD_TEST_VCFS.items():
        vcf = pharmcat / "test-vcfs" / "DPYD" / name
        if not vcf.exists():
            continue
        call = call_gene(definition, read_genotypes(vcf, [definition]))
        agreed = diplotype_set(call.diplotype_names) == diplotype_set(diplotypes) and _multiset(
            call.haplotype_matches
        ) == _multiset(haplotypes)
        expected = diplotypes or [", ".join(haplotypes)]
        got = call.diplotype_names or [", ".join(call.haplotype_matches)]
        outcomes.append(Outcome("dpyd-test-vcfs", f"DPYD/{name}", expected, got, agreed, call.mode))
    return outcomes
