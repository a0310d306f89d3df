"""Shared inputs of the actionability tests: a somatic VCF writer with csq consequences, a
biomarkers document, and CIViC rows with CIViC's real column names."""

from pathlib import Path

from tailorseq import documents
from tailorseq.somatic.actionability import KnowledgeFiles, actionability
from tailorseq.somatic.biomarkers import msi_not_scored
from tailorseq.somatic.civic import CIVIC_COLUMNS
from tailorseq.somatic.tmb import TmbSettings, without_annotation

ROOT = Path(__file__).resolve().parents[2]
CURATED = ROOT / "resources" / "actionable_variants.tsv"
ONCOTREE = ROOT / "tests" / "fixtures" / "oncotree" / "oncotree_subset.tsv"
FILES = KnowledgeFiles(CURATED, ONCOTREE)

VCF_HEADER = """##fileformat=VCFv4.2
##FILTER=<ID=PASS,Description="All filters passed">
##FILTER=<ID=LowVAF,Description="low VAF">
##contig=<ID=EGFR,length=30000>
##contig=<ID=KRAS,length=30000>
##contig=<ID=BRCA1,length=30000>
##contig=<ID=BRAF,length=30000>
##contig=<ID=NRAS,length=30000>
##contig=<ID=chr7,length=159345973>
##INFO=<ID=BCSQ,Number=.,Type=String,Description="csq">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="VAF">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\ttumor\tnormal
"""


def record(contig: str, pos: int, ref: str, alt: str, bcsq: str, vaf: float, filt="PASS") -> str:
    info = f"BCSQ={bcsq}" if bcsq else "."
    return f"{contig}\t{pos}\t.\t{ref}\t{alt}\t60\t{filt}\t{info}\tAF\t{vaf}\t0\n"


def csq(consequence: str, gene: str, change: str) -> str:
    return f"{consequence}|{gene}|{gene}-201|protein_coding|+|{change}|1A>C"


DEMO_RECORDS = [
    record("EGFR", 21822, "T", "G", csq("missense", "EGFR", "858L>858R"), 0.3),
    record("KRAS", 20351, "C", "A", csq("missense", "KRAS", "12G>12C"), 0.2),
    record("EGFR", 16908, "C", "T", csq("missense", "EGFR", "420A>420V"), 0.3),
    record("BRCA1", 17898, "C", "T", csq("missense", "BRCA1", "300R>300H"), 0.3),
    record("BRCA1", 17000, "C", "T", csq("missense", "BRCA1", "100R>100H"), 0.02, "LowVAF"),
]


def write_vcf(path: Path, records: list[str]) -> Path:
    path.write_text(VCF_HEADER + "".join(records))
    return path


def _tmb(tmb_high: bool, tmb: dict | None) -> dict:
    """A valid `tmb` part: the fields given, the status from the older flags when not given,
    and the rest as the biomarkers step writes them."""
    part = tmb or {"assessed": True, "tmb_high": tmb_high, "mutations_per_mb": 12.5, "cutoff": 10}
    status = part.get("status") or (
        ("high" if part.get("tmb_high") else "not high") if part.get("assessed") else "not assessed"
    )
    assessed = status != "not assessed"
    filled = without_annotation(TmbSettings()) | {
        "status": status,
        "assessed": assessed,
        "tmb_high": status == "high",
        "reason": None if assessed else "not assessed in this test",
    }
    if assessed:
        filled |= {"coding_mutations": 13, "callable_coding_bases": 1_000_000}
    return filled | part


def _msi(msi: dict | None) -> dict:
    """A valid `msi` part, as _tmb."""
    part = msi or {}
    status = part.get("status") or (
        ("MSI-high" if part.get("msi_high") else "MSS") if part.get("assessed") else "not assessed"
    )
    filled = msi_not_scored() | {"status": status, "assessed": status != "not assessed"}
    if status != "not assessed":
        filled |= {
            "msi_high": status == "MSI-high",
            "reason": None,
            "score": 0.0,
            "sites_used": 100,
            "cutoff": 20,
            "cutoff_source": "test",
            "method_name": "test",
            "purity_note": "test",
        }
    return filled | part


def write_biomarkers(
    path: Path, tmb_high: bool = True, msi: dict | None = None, tmb: dict | None = None
) -> Path:
    """A biomarkers document: TMB assessed (high by default), MSI as given or not assessed."""
    document = {
        "tumor": "t1",
        "normal": "n1",
        "purity": None,
        "tmb": _tmb(tmb_high, tmb),
        "msi": _msi(msi),
    }
    documents.write("biomarkers", document, path)
    return path


def civic_row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(CIVIC_COLUMNS, "")
    row.update(
        evidence_type="Predictive",
        evidence_direction="Supports",
        evidence_status="accepted",
        variant_origin="Somatic",
        is_flagged="false",
        source_type="PubMed",
        therapy_interaction_type="",
    )
    row.update(values)
    return row


def write_civic(path: Path, rows: list[dict[str, str]]) -> Path:
    lines = ["\t".join(CIVIC_COLUMNS)]
    lines += ["\t".join(row[c] for c in CIVIC_COLUMNS) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


CIVIC_ROWS = [
    civic_row(
        molecular_profile="EGFR L858R",
        disease="Lung Non-small Cell Carcinoma",
        therapies="Osimertinib",
        evidence_level="A",
        significance="Sensitivity/Response",
        evidence_id="1001",
        citation_id="29151359",
        citation="Soria et al., 2018",
    ),
    civic_row(
        molecular_profile="EGFR L858R",
        disease="Glioblastoma",
        therapies="Erlotinib",
        evidence_level="B",
        significance="Sensitivity/Response",
        evidence_id="1002",
    ),
    civic_row(
        molecular_profile="KRAS G12C",
        disease="Colorectal Cancer",
        therapies="Sotorasib,Panitumumab",
        therapy_interaction_type="Combination",
        evidence_level="B",
        significance="Sensitivity/Response",
        evidence_id="1003",
    ),
    civic_row(
        molecular_profile="KRAS G12",
        disease="Lung Adenocarcinoma",
        therapies="Cetuximab",
        evidence_level="C",
        significance="Resistance",
        evidence_id="1004",
    ),
    civic_row(
        molecular_profile="EGFR Exon 19 Deletion",
        disease="Lung Non-small Cell Carcinoma",
        therapies="Gefitinib",
        evidence_level="A",
        significance="Sensitivity/Response",
        evidence_id="1005",
    ),
    # Not matched: compound and gene-level profiles.
    civic_row(
        molecular_profile="EGFR L858R AND EGFR T790M",
        disease="Lung Non-small Cell Carcinoma",
        therapies="Osimertinib",
        evidence_level="B",
        significance="Sensitivity/Response",
        evidence_id="1006",
    ),
    civic_row(
        molecular_profile="KRAS Mutation",
        disease="Colorectal Cancer",
        therapies="Cetuximab",
        evidence_level="A",
        significance="Resistance",
        evidence_id="1007",
    ),
    # Not used: inferential, diagnostic, not supporting, flagged, submitted, germline.
    civic_row(
        molecular_profile="EGFR L858R",
        disease="Breast Cancer",
        therapies="Afatinib",
        evidence_level="E",
        significance="Sensitivity/Response",
        evidence_id="1008",
    ),
    civic_row(
        molecular_profile="EGFR L858R",
        disease="Lung Adenocarcinoma",
        therapies="",
        evidence_type="Diagnostic",
        evidence_level="B",
        significance="Positive",
        evidence_id="1009",
    ),
    civic_row(
        molecular_profile="EGFR L858R",
        disease="Lung Adenocarcinoma",
        therapies="Gefitinib",
        evidence_direction="Does Not Support",
        evidence_level="B",
        significance="Sensitivity/Response",
        evidence_id="1010",
    ),
    civic_row(
        molecular_profile="EGFR L858R",
        disease="Lung Adenocarcinoma",
        therapies="Erlotinib",
        is_flagged="true",
        evidence_level="B",
        significance="Sensitivity/Response",
        evidence_id="1011",
    ),
    civic_row(
        molecular_profile="EGFR L858R",
        disease="Lung Adenocarcinoma",
        therapies="Erlotinib",
        evidence_status="submitted",
        evidence_level="B",
        significance="Sensitivity/Response",
        evidence_id="1012",
    ),
]


def run(tmp_path: Path, records=None, tumour="lung adenocarcinoma", build="demo", **kw) -> dict:
    """The actionability document of `records` (default: the demo tumour's) in `tumour`."""
    vcf = write_vcf(tmp_path / "somatic.vcf", DEMO_RECORDS if records is None else records)
    biomarkers = write_biomarkers(tmp_path / "biomarkers.json", **kw)
    return actionability(vcf, biomarkers, build, tumour, FILES)


def by_variant(document: dict) -> dict[str, list[dict]]:
    """Matches by variant name."""
    found: dict[str, list[dict]] = {}
    for match in document["matches"]:
        found.setdefault(match["variant"], []).append(match)
    return found


def by_drug(matches: list[dict]) -> dict[str, dict]:
    """Matches by their drugs, joined with '; '."""
    return {"; ".join(m["drugs"]): m for m in matches}
