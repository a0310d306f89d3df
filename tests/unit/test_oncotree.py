"""OncoTree: the tree file (TSV and the API's JSON), code/name lookup, ancestry, solid vs
haematological, and indications naming codes, classes and exclusions."""

import json

import pytest
from actionability_helpers import ONCOTREE

from tailorseq.demo.oncotree import write_oncotree
from tailorseq.somatic.knowledge import KnowledgeError
from tailorseq.somatic.oncotree import applies, load_oncotree, parse_indication


@pytest.fixture(scope="module")
def tree():
    return load_oncotree(ONCOTREE)


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("LUAD", "LUAD"),
        ("luad", "LUAD"),
        ("lung adenocarcinoma", "LUAD"),
        ("Lung  Adenocarcinoma", "LUAD"),
        ("COADREAD", "COADREAD"),
        ("Acute Myeloid Leukemia", "AML"),
    ],
)
def test_a_tumour_type_is_an_oncotree_code_or_name(tree, given, code) -> None:
    assert tree.find(given).code == code


def test_lineage_and_tissue_class(tree) -> None:
    assert tree.lineage("LUAD") == ["LUAD", "NSCLC", "LUNG", "TISSUE"]
    assert tree.lineage("AML") == ["AML", "MNM", "MYELOID", "HEMATOPOIETIC", "TISSUE"]
    assert tree.find("AML").haematological and not tree.find("LUAD").haematological


def test_unknown_names_get_close_suggestions(tree) -> None:
    assert tree.find("breast carcinoma") is None
    assert "Invasive Breast Carcinoma (BRCA)" in tree.suggestions("breast carcinoma")
    with pytest.raises(KnowledgeError, match="Lung Adenocarcinoma \\(LUAD\\)"):
        tree.resolve("lung adenocarcinom", "samples.tsv row 4")


@pytest.mark.parametrize(
    ("codes", "excluded", "tumour", "applies_to"),
    [
        ("NSCLC", "", "LUAD", True),
        ("NSCLC", "", "SCLC", False),
        ("LUAD", "", "NSCLC", False),
        ("solid", "", "IDC", True),
        ("solid", "", "AML", False),
        ("solid", "COADREAD;CMC", "COAD", False),
        ("solid", "COADREAD;CMC", "SKCM", True),
        ("any", "", "AML", True),
        ("BREAST", "", "IDC", True),
    ],
)
def test_indications_cover_codes_descendants_and_classes(tree, codes, excluded, tumour, applies_to):
    indication = parse_indication("label", codes, excluded)
    assert applies(indication, tree.find(tumour), tree) is applies_to
    assert applies(indication, None, tree) is False


def test_older_tissue_names_are_haematological(tmp_path) -> None:
    rows = [
        "Code\tName\tMainType\tTissue\tParent",
        "TISSUE\tTissue\t\t\t",
        "MYELOID\tMyeloid\tBlood Cancer\tMyeloid\tTISSUE",
        "AML\tAcute Myeloid Leukemia\tLeukemia\tMyeloid\tMYELOID",
    ]
    (tmp_path / "old.tsv").write_text("\n".join(rows) + "\n")
    assert load_oncotree(tmp_path / "old.tsv").find("AML").haematological


def test_the_api_json_flat_and_nested_reads_like_the_tsv(tmp_path, tree) -> None:
    nodes = [
        {
            "code": n.code,
            "name": n.name,
            "mainType": n.main_type,
            "tissue": n.tissue,
            "parent": n.parent,
        }
        for n in tree.nodes.values()
    ]
    (tmp_path / "flat.json").write_text(json.dumps(nodes))
    assert load_oncotree(tmp_path / "flat.json").nodes == tree.nodes
    luad = {
        "code": "LUAD",
        "name": "Lung Adenocarcinoma",
        "mainType": {"name": "NSCLC"},
        "tissue": "Lung",
        "parent": "NSCLC",
        "children": {},
    }
    nested = {
        "TISSUE": {
            "code": "TISSUE",
            "name": "Tissue",
            "tissue": None,
            "parent": None,
            "children": {"LUAD": luad},
        }
    }
    (tmp_path / "tree.json").write_text(json.dumps(nested))
    assert load_oncotree(tmp_path / "tree.json").lineage("LUAD") == ["LUAD"]  # NSCLC absent


def test_a_file_that_is_not_oncotree_is_refused(tmp_path) -> None:
    (tmp_path / "other.tsv").write_text("gene\tdrug\nEGFR\tosimertinib\n")
    with pytest.raises(KnowledgeError, match="not an OncoTree tree file"):
        load_oncotree(tmp_path / "other.tsv")


def test_the_demo_subset_is_real_oncotree_rows_and_resolves_the_demo_tumour(tmp_path, tree):
    write_oncotree(tmp_path)
    demo = load_oncotree(tmp_path / "oncotree.tsv")
    assert demo.find("lung adenocarcinoma").code == "LUAD"
    assert demo.lineage("LUAD") == ["LUAD", "NSCLC", "LUNG", "TISSUE"]
    assert all(node == tree.nodes[code] for code, node in demo.nodes.items())
