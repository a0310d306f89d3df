"""The demo's OncoTree subset (`oncotree.tsv`): the demo tumour's branch (lung adenocarcinoma),
a breast branch (the RNA's 21-gene profile is defined for breast cancer: tests give the demo
tumour a breast type) and a haematological branch, rows copied unchanged from OncoTree's tree file
`trees/tsv/oncotree_2026_05_21.txt` (github.com/cBioPortal/oncotree, commit bbb84053), in its
column layout, so the offline demo resolves `tumor_type` exactly as a real OncoTree file does.
"""

from pathlib import Path

HEADER = ("Code", "Color", "Name", "MainType", "UMLS", "NCI", "Tissue", "Parent")
NODES = (
    ("TISSUE", "", "Tissue", "", "C0040300", "C12801", "", ""),
    ("LUNG", "Gainsboro", "Lung", "Lung Cancer", "C0024109", "C12468", "Tissue", "TISSUE"),
    (
        "NSCLC",
        "Gainsboro",
        "Non-Small Cell Lung Cancer",
        "Non-Small Cell Lung Cancer",
        "C0007131",
        "C2926",
        "Lung",
        "LUNG",
    ),
    (
        "LUAD",
        "Gainsboro",
        "Lung Adenocarcinoma",
        "Non-Small Cell Lung Cancer",
        "C0152013",
        "C3512",
        "Lung",
        "NSCLC",
    ),
    ("BREAST", "HotPink", "Breast", "Breast Cancer", "C0006141", "C12971", "Tissue", "TISSUE"),
    (
        "BRCA",
        "HotPink",
        "Invasive Breast Carcinoma",
        "Breast Cancer",
        "C0853879",
        "C9245",
        "Breast",
        "BREAST",
    ),
    (
        "IDC",
        "HotPink",
        "Breast Invasive Ductal Carcinoma",
        "Breast Cancer",
        "C1134719",
        "C4194",
        "Breast",
        "BRCA",
    ),
    (
        "HEMATOPOIETIC",
        "LightSalmon",
        "Hematopoietic",
        "Hematopoietic Origin",
        "",
        "",
        "Tissue",
        "TISSUE",
    ),
    (
        "MYELOID",
        "LightSalmon",
        "Myeloid",
        "Blood Cancer",
        "C0005767",
        "C12434",
        "Hematopoietic",
        "HEMATOPOIETIC",
    ),
)


def write_oncotree(out_dir: Path) -> None:
    """`oncotree.tsv` in the demo folder."""
    lines = ["\t".join(HEADER), *("\t".join(node) for node in NODES)]
    (out_dir / "oncotree.tsv").write_text("\n".join(lines) + "\n")
