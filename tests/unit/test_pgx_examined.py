"""The positions the matcher examined, as the PGx document records them and as PharmCAT's
phenotype JSON writes them (`variants`): the genotype seen, phase, and missing never reference."""

from test_pgx import write_definitions, write_vcf
from test_pgx_phasing import add_phase_sets

from tailorseq.pgx import load_definitions, read_genotypes
from tailorseq.pgx.examined import examined_positions
from tailorseq.pgx.pharmcat_files import variant_reports


def genex_positions(tmp_path) -> list[dict]:
    """GENEX with rs100 phased heterozygous (PS 7), rs200 `./.`, rs300 absent from the VCF."""
    gene = load_definitions(write_definitions(tmp_path / "defs"))["GENEX"]
    vcf = add_phase_sets(write_vcf(tmp_path / "in.vcf", {100: "0|1", 200: "./."}), {"rs100": "7"})
    return examined_positions(gene, read_genotypes(vcf, [gene]))


def test_each_position_has_the_genotype_the_matcher_saw(tmp_path) -> None:
    rs100, rs200, rs300 = genex_positions(tmp_path)
    assert (rs100["rsid"], rs100["call"], rs100["phased"], rs100["phase_set"]) == (
        "rs100", "A|G", True, 7)  # fmt: skip
    assert rs100["reference"] == "A" and rs100["alleles"] == ["*2", "*4", "*6"]
    for missing, alleles in ((rs200, ["*3", "*4"]), (rs300, ["*5", "*6"])):
        assert (missing["call"], missing["phased"], missing["phase_set"]) == (None, False, None)
        assert missing["alleles"] == alleles


def test_variant_reports_mark_missing_positions_and_put_them_last(tmp_path) -> None:
    positions = genex_positions(tmp_path)
    positions[1]["filter"] = "LowDepth"
    reports = variant_reports("GENEX", {"positions": positions[::-1]})
    assert [(v["dbSnpId"], v["call"]) for v in reports] == [
        ("rs100", "A|G"), ("rs200", None), ("rs300", None)]  # fmt: skip
    assert reports[0] == {
        "gene": "GENEX", "chromosome": "chr1", "position": 100, "dbSnpId": "rs100",
        "call": "A|G", "alleles": ["*2", "*4", "*6"], "phased": True, "phaseSet": 7,
        "referenceAllele": "A", "hasUndocumentedVariations": False, "warnings": [],
    }  # fmt: skip
    assert reports[1]["warnings"] == ["LowDepth"] and reports[2]["warnings"] == []


def test_an_outside_call_has_no_variants() -> None:
    assert variant_reports("HLA-B", {"source": "outside call", "diplotypes": []}) == []
