"""Gene fusions from DELLY junctions (tailorseq.somatic.structural): which side is the 5'
partner by the connection type and the genes' strands, as in EML4::ALK (a chr2 inversion)."""

import pytest

from tailorseq.gff import GeneSpan
from tailorseq.somatic.structural import Junction, breakpoint_genes, fusions, role

# GRCh38 spans (NCBI Gene 27436, 238): EML4 on +, ALK on -, ALK upstream of EML4 on chr2.
EML4 = GeneSpan("chr2", 42_169_349, 42_332_548, "EML4", "+")
ALK = GeneSpan("chr2", 29_192_773, 29_921_586, "ALK", "-")
BCR = GeneSpan("chr22", 23_180_364, 23_318_037, "BCR", "+")
ABL1 = GeneSpan("chr9", 130_713_880, 130_887_675, "ABL1", "+")
GENES = [EML4, ALK, BCR, ABL1]


@pytest.mark.parametrize(
    ("gene", "piece", "expected"),
    [(EML4, "left", "5prime"), (EML4, "right", "3prime"), (ALK, "right", "5prime"),
     (ALK, "left", "3prime"), (GeneSpan("c", 0, 10, "X", "."), "left", None)],
)  # fmt: skip
def test_a_piece_keeps_a_genes_start_or_its_end_by_strand(gene, piece, expected) -> None:
    assert role(gene, piece) == expected


def test_the_eml4_alk_inversion_and_its_reciprocal_are_named_5prime_first() -> None:
    # DELLY reports the inversion's two junctions as INV with CT 3to3 and 5to5.
    fusion = Junction("INV1", "INV", "chr2", 29_223_000, "chr2", 42_295_000, "3to3")
    reciprocal = Junction("INV2", "INV", "chr2", 29_223_002, "chr2", 42_295_001, "5to5")
    (named,) = fusions(fusion, GENES)
    assert (named["name"], named["five_prime"], named["three_prime"]) == (
        "EML4::ALK",
        "EML4",
        "ALK",
    )
    assert named["five_prime_breakpoint"] == "chr2:42295000"
    assert named["three_prime_breakpoint"] == "chr2:29223000"
    assert named["frame"] == "not assessed"
    assert [f["name"] for f in fusions(reciprocal, GENES)] == ["ALK::EML4"]


def test_a_translocation_joining_bcr_to_abl1_is_bcr_abl1() -> None:
    # t(9;22): BCR's left piece (its start, + strand) joined to ABL1's right piece (its end).
    junction = Junction("BND1", "BND", "chr22", 23_290_000, "chr9", 130_800_000, "3to5")
    assert [f["name"] for f in fusions(junction, GENES)] == ["BCR::ABL1"]
    assert breakpoint_genes(junction, GENES) == (["BCR"], ["ABL1"])


def test_no_fusion_without_a_gene_on_both_sides_or_with_both_pointing_the_same_way() -> None:
    intergenic = Junction("DEL1", "DEL", "chr2", 42_200_000, "chr2", 50_000_000, "3to5")
    assert fusions(intergenic, GENES) == []
    assert breakpoint_genes(intergenic, GENES) == (["EML4"], [])
    # both pieces keep their gene's start: two 5' ends meet, no fusion transcript
    head_to_head = Junction("BND2", "BND", "chr22", 23_290_000, "chr9", 130_800_000, "3to3")
    assert fusions(head_to_head, GENES) == []
    # a deletion inside one gene is not a fusion of the gene with itself
    inside = Junction("DEL2", "DEL", "chr2", 42_200_000, "chr2", 42_250_000, "3to5")
    assert fusions(inside, GENES) == []
