"""The somatic model and each filter on constructed pileups; concordance; TMB helpers."""

import math
from pathlib import Path

import pysam
import pytest

from tailorseq import documents
from tailorseq.somatic.biomarkers import document as biomarkers_document
from tailorseq.somatic.caller import call, events_nearby
from tailorseq.somatic.concordance import Concordance, SampleSwap
from tailorseq.somatic.model import (
    FILTERS,
    Evidence,
    Reads,
    Settings,
    assess,
    fisher_phred,
    normal_lod,
    strand_bias,
    tumor_lod,
)
from tailorseq.somatic.records import consequence_of
from tailorseq.somatic.tmb import (
    FDA_STATEMENT,
    TmbSettings,
    cds_intervals,
    is_coding,
    status_of,
    tmb_section,
)
from tailorseq.variants import bcsq_fields

SETTINGS = Settings()


def reads(ref: int, alt: int, quality: float = 30.0, alt_forward: int | None = None) -> Reads:
    """Counts split evenly between strands unless alt_forward is given."""
    forward = alt // 2 if alt_forward is None else alt_forward
    return Reads(ref - ref // 2, ref // 2, forward, alt - forward, quality, quality)


def somatic(**overrides) -> Evidence:
    """A clean somatic SNV: tumour 42 ref + 18 alt, normal 30 ref, good reads."""
    values = {
        "tumor": reads(42, 18),
        "normal": reads(30, 0),
        "alt_mapq": 60.0,
        "alt_end_distance": 20.0,
        "read_position_z": 0.3,
    }
    values.update(overrides)
    return Evidence(**values)


def test_tumor_lod_is_zero_without_alt_reads_and_grows_with_them() -> None:
    assert tumor_lod(reads(60, 0)) == 0.0
    assert tumor_lod(reads(58, 2)) < tumor_lod(reads(55, 5)) < tumor_lod(reads(42, 18))


def test_tumor_lod_matches_the_formula() -> None:
    sample = reads(8, 2, quality=20)
    e = 0.01
    f = 0.2
    expected = 8 * math.log10((1 - f) * (1 - e) + f * e / 3) + 2 * math.log10(
        f * (1 - e) + (1 - f) * e / 3
    )
    expected -= 8 * math.log10(1 - e) + 2 * math.log10(e / 3)
    assert tumor_lod(sample) == pytest.approx(expected)


def test_a_few_alt_reads_of_low_quality_are_not_enough() -> None:
    assert tumor_lod(reads(58, 2, quality=10)) < SETTINGS.min_tumor_lod


def test_normal_lod_positive_for_reference_normal_negative_for_het() -> None:
    assert normal_lod(reads(30, 0)) == pytest.approx(30 * math.log10(2), rel=0.01)
    assert normal_lod(reads(15, 15)) < -10


def test_fisher_phred_of_balanced_and_one_sided_tables() -> None:
    assert fisher_phred(10, 10, 10, 10) == pytest.approx(0.0, abs=1e-6)
    assert fisher_phred(20, 20, 15, 0) > 30
    assert fisher_phred(0, 0, 0, 0) == 0.0


def test_strand_bias_minor_fraction() -> None:
    phred, minor = strand_bias(reads(40, 12, alt_forward=12))
    assert minor == 0.0 and phred > SETTINGS.max_strand_bias_phred


def test_clean_somatic_snv_passes() -> None:
    verdict = assess(somatic(), SETTINGS)
    assert verdict.passed, verdict.filters
    assert verdict.tlod > 20 and verdict.nlod > 5


@pytest.mark.parametrize(
    ("overrides", "events", "expected"),
    [
        ({"tumor": reads(59, 1)}, 0, "LowTumorLOD"),
        ({"normal": reads(15, 15)}, 0, "Germline"),
        ({"normal": reads(40, 3)}, 0, "AltInNormal"),
        ({"tumor": reads(570, 18)}, 0, "LowVAF"),
        ({"normal": reads(5, 0)}, 0, "LowDepth"),
        ({"tumor": reads(42, 18, alt_forward=18)}, 0, "StrandBias"),
        ({"alt_end_distance": 2.0}, 0, "ReadPositionBias"),
        ({"read_position_z": -6.0}, 0, "ReadPositionBias"),
        ({"alt_mapq": 25.0}, 0, "LowMappingQuality"),
        ({}, 2, "ClusteredEvents"),
        ({"in_panel_of_normals": True}, 0, "PanelOfNormals"),
    ],
)
def test_each_filter_names_its_reason(overrides: dict, events: int, expected: str) -> None:
    verdict = assess(somatic(**overrides), SETTINGS, events)
    assert expected in verdict.filters
    assert set(verdict.filters) <= set(FILTERS)


def test_one_alt_read_in_the_normal_is_tolerated() -> None:
    assert assess(somatic(normal=reads(40, 1)), SETTINGS).passed


def test_two_neighbours_are_not_a_cluster_but_three_events_are() -> None:
    assert "ClusteredEvents" not in assess(somatic(), SETTINGS, 1).filters
    assert "ClusteredEvents" in assess(somatic(), SETTINGS, 2).filters


def test_settings_from_config_ignore_other_keys() -> None:
    settings = Settings.from_config({"min_vaf": 0.1, "tmb_high": 10, "panel_of_normals": ""})
    assert settings.min_vaf == 0.1


def test_events_nearby_counts_other_positions_in_window() -> None:
    positions = {"20": [100, 100, 130, 151, 400]}
    assert events_nearby(positions, "20", 100, 50) == 1
    assert events_nearby(positions, "20", 130, 50) == 2
    assert events_nearby(positions, "X", 130, 50) == 0


def test_concordance_same_person_and_swap() -> None:
    same = Concordance()
    for _ in range(30):
        same.add(tumor_ref=30, tumor_alt=12, normal_ref=15, normal_alt=15)
    assert "30 germline sites" in same.check("T1", "N1", 0.8, 20)
    swapped = Concordance()
    for index in range(30):
        swapped.add(40, 12 if index % 2 else 0, 15, 15)
    with pytest.raises(SampleSwap, match="tumour T1 and normal N1"):
        swapped.check("T1", "N1", 0.8, 20)
    few = Concordance()
    few.add(40, 0, 15, 15)
    assert few.check("T1", "N1", 0.8, 20).startswith("not assessed")


def test_concordance_ignores_shallow_and_low_fraction_normal_sites() -> None:
    counts = Concordance()
    counts.add(40, 0, 5, 5)
    counts.add(40, 0, 28, 2)
    counts.add(5, 0, 15, 15)
    assert counts.sites == 0


# ---------------------------------------------------------------- end to end on a small BCF


def write_candidates(path: Path, records: list[tuple], quality: int = 35) -> Path:
    """A two-sample mpileup-like BCF: (pos, ref, alt, tumour (ADF, ADR), normal (ADF, ADR)),
    every base of mean quality `quality`."""
    header = pysam.VariantHeader()
    header.contigs.add("chr1", length=10000)
    for line in (
        '##INFO=<ID=I16,Number=16,Type=Float,Description="x">',
        '##INFO=<ID=RPBZ,Number=1,Type=Float,Description="x">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="x">',
        '##FORMAT=<ID=ADF,Number=R,Type=Integer,Description="x">',
        '##FORMAT=<ID=ADR,Number=R,Type=Integer,Description="x">',
        '##FORMAT=<ID=QS,Number=R,Type=Integer,Description="x">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="x">',
    ):
        header.add_line(line)
    header.add_sample("TUM")
    header.add_sample("NOR")
    with pysam.VariantFile(str(path), "wb", header=header) as out:
        for pos, ref, alt, tumor, normal in records:
            record = out.new_record(contig="chr1", start=pos - 1, alleles=(ref, alt))
            alt_reads = tumor[0][1] + tumor[1][1] + normal[0][1] + normal[1][1]
            i16 = [0.0] * 16
            i16[2], i16[10], i16[14] = alt_reads, 60.0 * alt_reads, 20.0 * alt_reads
            record.info["I16"] = i16
            record.info["RPBZ"] = 0.1
            for name, (forward, reverse) in (("TUM", tumor), ("NOR", normal)):
                ad = (forward[0] + reverse[0], forward[1] + reverse[1])
                sample = record.samples[name]
                sample["AD"], sample["ADF"], sample["ADR"] = ad, forward, reverse
                sample["QS"] = (quality * ad[0], quality * ad[1])
                sample["DP"] = sum(ad)
            out.write(record)
    return path


def test_call_writes_pass_and_filtered_records(tmp_path: Path) -> None:
    germline = [(100 + 150 * i, "A", "G", ((10, 8), (10, 7)), ((8, 7), (8, 7))) for i in range(25)]
    chunk = write_candidates(
        tmp_path / "chunk0.bcf",
        [
            *germline,
            (5000, "C", "T", ((21, 9), (21, 9)), ((15, 0), (15, 0))),
            (5100, "C", "CA", ((21, 6), (21, 6)), ((15, 0), (15, 0))),
            (5300, "G", "T", ((30, 1), (29, 0)), ((15, 0), (15, 0))),
        ],
    )
    pon = tmp_path / "pon.vcf"
    pon.write_text(
        "##fileformat=VCFv4.2\n##contig=<ID=1,length=10000>\n"
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t5100\t.\tC\tCA\t.\t.\t.\n"
    )
    out = tmp_path / "pair.somatic.vcf.gz"
    summary = call([chunk], out, SETTINGS, panel_of_normals=pon, purity=0.6)
    assert summary["records"]["PASS"] == 1
    assert summary["concordance"]["sites"] == 25
    with pysam.VariantFile(str(out)) as handle:
        assert list(handle.header.samples) == ["TUM", "NOR"]
        records = {record.pos: record for record in handle}
    assert list(records[5000].filter) == ["PASS"]
    assert records[5000].samples["TUM"]["AF"][0] == pytest.approx(0.3)
    assert records[5000].samples["NOR"]["AD"] == (30, 0)
    assert list(records[5100].filter) == ["PanelOfNormals"]
    assert "Germline" in records[100].filter and "AltInNormal" in records[100].filter
    assert 5300 not in records  # below the minimum TLOD: not written
    assert (tmp_path / "pair.somatic.vcf.gz.tbi").exists()


def test_call_stops_on_a_sample_swap_naming_both_samples(tmp_path: Path) -> None:
    records = [
        (
            100 + 200 * i,
            "A",
            "G",
            ((20, 0 if i % 2 else 7), (20, 0 if i % 2 else 7)),
            ((8, 7), (8, 7)),
        )
        for i in range(30)
    ]
    chunk = write_candidates(tmp_path / "chunk0.bcf", records)
    with pytest.raises(SampleSwap, match="tumour TUM and normal NOR"):
        call([chunk], tmp_path / "pair.somatic.vcf.gz", SETTINGS)


# ---------------------------------------------------------------- TMB


def test_cds_intervals_are_merged_and_zero_based(tmp_path: Path) -> None:
    gff = tmp_path / "genes.gff3"
    gff.write_text(
        "##gff-version 3\n"
        "g\t.\tCDS\t10\t20\t.\t+\t0\tParent=t1\n"
        "g\t.\tCDS\t15\t30\t.\t+\t0\tParent=t2\n"
        "g\t.\texon\t1\t100\t.\t+\t.\tParent=t1\n"
        "g\t.\tCDS\t50\t59\t.\t+\t0\tParent=t1\n"
    )
    assert cds_intervals(gff) == [("g", 9, 30), ("g", 49, 59)]


def test_coding_consequences() -> None:
    entry = "missense|EGFR|EGFR-201|protein_coding|+|858L>858R|21822T>G"
    assert consequence_of(bcsq_fields(entry)) == (
        "missense",
        "EGFR",
        "858L>858R",
    )
    assert is_coding("missense") and is_coding("splice_region&synonymous")
    assert not is_coding("intron") and not is_coding("5_prime_utr")


MUTATIONS_VCF = (
    "##fileformat=VCFv4.2\n##contig=<ID=g,length=1000>\n"
    '##FILTER=<ID=LowVAF,Description="x">\n'
    '##INFO=<ID=BCSQ,Number=.,Type=String,Description="x">\n'
    '##FORMAT=<ID=AF,Number=A,Type=Float,Description="x">\n'
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="x">\n'
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT\tN\n"
    "g\t10\t.\tC\tT\t.\tPASS\tBCSQ=missense|G|G-201|protein_coding|+|4A>4V|10C>T\tAF:DP\t0.3:40\t0:30\n"
    "g\t20\t.\tC\tT\t.\tPASS\tBCSQ=intron|G|G-201|protein_coding\tAF:DP\t0.3:40\t0:30\n"
    "g\t30\t.\tC\tT\t.\tLowVAF\tBCSQ=missense|G|G-201|protein_coding|+|9A>9V|30C>T\tAF:DP\t0.01:40\t0:30\n"
    "g\t40\t.\tCA\tC\t.\tPASS\tBCSQ=frameshift|G|G-201|protein_coding|+|12K|40CA>C\tAF:DP\t0.3:15\t0:30\n"
    "g\t50\t.\tG\tA\t.\tPASS\tBCSQ=synonymous|G|G-201|protein_coding|+|15L|50G>A\tAF:DP\t0.04:50\t0:30\n"
)


def tmb_inputs(tmp_path: Path, callable_bases: int) -> tuple[Path, Path]:
    """The VCF above (3 PASS coding mutations: depth 40 VAF 0.3, depth 15 VAF 0.3, depth 50 VAF
    0.04) and a callable-bases file."""
    vcf = tmp_path / "somatic.vcf"
    vcf.write_text(MUTATIONS_VCF)
    callable_file = tmp_path / "callable.tsv"
    sizes = f"cds_bases\t{callable_bases + 1000}\ncallable_bases\t{callable_bases}\n"
    callable_file.write_text(sizes)
    return vcf, callable_file


def test_tmb_counts_pass_coding_mutations_over_callable_megabases(tmp_path: Path) -> None:
    vcf, callable_file = tmb_inputs(tmp_path, 1_500_000)
    tmb = tmb_section(vcf, callable_file, TmbSettings(cutoff=2.0))
    assert tmb["status"] == "high" and tmb["assessed"] and tmb["tmb_high"]
    assert tmb["coding_mutations"] == 3 and (tmb["snvs"], tmb["indels"]) == (2, 1)
    assert tmb["mutations_per_mb"] == pytest.approx(3 / 1.5)
    assert tmb["reason"] is None and tmb["callable_coding_bases"] == 1_500_000
    # 1.5 Mb is under twice the 1 Mb minimum: the caveat says the value is uncertain.
    assert "Poisson standard error 1.2 mutations/Mb" in tmb["caveat"]
    assert "less than twice the 1 Mb minimum" in tmb["caveat"]
    assert tmb["fda_statement"] == FDA_STATEMENT and "not an FDA-approved test" in FDA_STATEMENT


def test_tmb_below_the_minimum_territory_is_not_assessed(tmp_path: Path) -> None:
    # The demo's situation: a handful of mutations over a few thousand callable bases.
    vcf, callable_file = tmb_inputs(tmp_path, 4_626)
    tmb = tmb_section(vcf, callable_file, TmbSettings())
    assert tmb["status"] == "not assessed" and not tmb["assessed"] and not tmb["tmb_high"]
    assert tmb["mutations_per_mb"] is None
    assert "only 4,626 callable coding bases, fewer than the 1,000,000 needed" in tmb["reason"]
    assert "moves the rate by 216 mutations/Mb" in tmb["caveat"]
    assert tmb["coding_mutations"] == 3  # the counts stay: what was seen, not a rate


def test_tmb_territory_threshold_is_inclusive_and_configurable() -> None:
    assert status_of(10, 1_000_000, TmbSettings())["status"] == "high"
    assert status_of(9, 1_000_000, TmbSettings())["status"] == "not high"
    assert status_of(10, 999_999, TmbSettings())["status"] == "not assessed"
    small_panel = TmbSettings(min_territory=100_000)
    assert status_of(1, 100_000, small_panel)["status"] == "high"  # 10 per Mb
    assert "twice" not in status_of(40, 4_000_000, TmbSettings())["caveat"]


def test_tmb_floors_leave_low_depth_and_low_vaf_mutations_uncounted(tmp_path: Path) -> None:
    vcf, callable_file = tmb_inputs(tmp_path, 2_000_000)
    tmb = tmb_section(vcf, callable_file, TmbSettings(dp_min=20, af_min=0.05))
    assert tmb["coding_mutations"] == 1 and tmb["mutations_per_mb"] == pytest.approx(0.5)
    reasons = {m["pos"]: m.get("not_counted_because") for m in tmb["mutations"]}
    assert reasons == {10: None, 40: "tumour depth 15 < 20", 50: "allele fraction 0.04 < 0.05"}
    assert tmb["floors"]["min_depth"] == 20 and tmb["floors"]["min_vaf"] == 0.05
    assert "PCGR" in tmb["floors"]["source"]
    assert "tumour depth >= 20 and allele fraction >= 0.05" in tmb["definition"]
    assert "at least 1,000,000 callable coding bases" in tmb["definition"]


def test_tmb_settings_come_from_the_config_schema_defaults() -> None:
    import yaml

    schema = yaml.safe_load(Path("workflow/schemas/config.schema.yaml").read_text())
    somatic = {k: v["default"] for k, v in schema["properties"]["somatic"]["properties"].items()}
    assert TmbSettings.from_config(somatic) == TmbSettings()
    assert somatic["msi_high"] is None  # the method's cut-off


def test_biomarkers_document_is_declared_and_validated(tmp_path: Path) -> None:
    vcf, callable_file = tmb_inputs(tmp_path, 4_626)
    document = biomarkers_document(vcf, callable_file, TmbSettings(), purity=0.6)
    assert document["purity"] == 0.6 and document["tmb"]["status"] == "not assessed"
    assert document["msi"]["status"] == "not assessed" and document["msi"]["reason"]
    without = biomarkers_document(None, None, TmbSettings(), purity=None)
    assert without["tmb"]["status"] == "not assessed" and not without["tmb"]["assessed"]
    assert without["tmb"]["reason"].startswith("no gene annotation (reference.gff3)")
    assert "not an FDA-approved test" in without["tmb"]["fda_statement"]
    broken = document | {"tmb": document["tmb"] | {"status": "TMB-high"}}
    with pytest.raises(ValueError, match="tmb/status"):
        documents.validate("biomarkers", broken, "b.json")
