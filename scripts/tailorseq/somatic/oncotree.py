"""Tumour types on OncoTree (the cancer type ontology of MSK, https://oncotree.mskcc.org; Kundra
R et al., JCO Clin Cancer Inform 2021;5:221-230): codes, names, parents, main types, tissues.

Files read (configured as `somatic.oncotree`, a path or a URL downloaded once into the cache):
- the tree TSV OncoTree publishes per version (github.com/cBioPortal/oncotree, trees/tsv/
  oncotree_<version>.txt; columns Code, Color, Name, MainType, UMLS, NCI, Tissue, Parent);
- the web API's JSON, flat (`/api/tumorTypes?version=...`: objects with code, name, mainType,
  tissue, parent) or nested (`/api/tumorTypes/tree`: code -> node with `children`).

A tumour type is given as an OncoTree code ('LUAD') or name ('lung adenocarcinoma'), case
ignored. Haematological tumours are those of OncoTree's tissues Myeloid and Lymphoid (versions
up to 2025) or Hematopoietic (later versions, where Myeloid and Lymphoid are its nodes); every
other tumour is solid. An indication names codes (each covering its descendants), the classes
'solid' or 'any', and excluded codes.
"""

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

from tailorseq.somatic.knowledge import Indication, KnowledgeError, read_table, split_list

HAEMATOLOGICAL_TISSUES = {"myeloid", "lymphoid", "hematopoietic"}
CLASSES = {"solid", "any"}


@dataclass(frozen=True)
class TumourType:
    """One OncoTree node."""

    code: str
    name: str
    main_type: str
    tissue: str
    parent: str

    @property
    def haematological(self) -> bool:
        return self.tissue.lower() in HAEMATOLOGICAL_TISSUES


class OncoTree:
    """OncoTree's nodes by code, with lookup by code or name and ancestry."""

    def __init__(self, nodes: list[TumourType], source: Path | None = None) -> None:
        self.nodes = {node.code: node for node in nodes}
        self.names = {node.name.lower(): node for node in nodes}
        self.source = source

    def find(self, given: str) -> TumourType | None:
        """The node whose code or name is `given` (case ignored), or None."""
        text = " ".join(given.split())
        return self.nodes.get(text.upper()) or self.names.get(text.lower())

    def suggestions(self, given: str) -> list[str]:
        """Up to three 'Name (CODE)' close to `given`, for a did-you-mean."""
        text = given.strip().lower()
        names = difflib.get_close_matches(text, list(self.names), n=3, cutoff=0.6)
        codes = difflib.get_close_matches(text.upper(), list(self.nodes), n=1, cutoff=0.75)
        found = [self.names[name] for name in names] + [self.nodes[code] for code in codes]
        return list(dict.fromkeys(f"{node.name} ({node.code})" for node in found))

    def resolve(self, given: str, where: str) -> TumourType:
        """The node named by `given`; a KnowledgeError with a did-you-mean when there is none."""
        node = self.find(given)
        if node is None:
            problem, fix = unknown_tumour_type(self, given)
            raise KnowledgeError(f"{where}: {problem}. Fix: {fix}")
        return node

    def lineage(self, code: str) -> list[str]:
        """`code` and its ancestors, nearest first."""
        found: list[str] = []
        while code in self.nodes and code not in found:
            found.append(code)
            code = self.nodes[code].parent
        return found

    def unknown_codes(self, codes: set[str]) -> list[str]:
        """The codes not in this tree (an indication naming them never matches through them)."""
        return sorted(code for code in codes if code not in self.nodes)


def unknown_tumour_type(tree: OncoTree, given: str) -> tuple[str, str]:
    """(problem, fix) of a tumour type OncoTree does not know, with the closest names."""
    near = tree.suggestions(given)
    hint = f"; did you mean {' or '.join(near)}" if near else ""
    problem = (
        f"tumor_type {given!r} is neither an OncoTree code nor an OncoTree name "
        f"(OncoTree file {tree.source}){hint}"
    )
    fix = (
        "write the tumour type as an OncoTree code (e.g. LUAD) or name (e.g. Lung "
        "Adenocarcinoma), see https://oncotree.mskcc.org"
    )
    return problem, fix


def applies(indication: Indication, tumour: TumourType | None, tree: OncoTree) -> bool:
    """True when the patient's tumour falls under the indication (never without a tumour)."""
    if tumour is None:
        return False
    lineage = set(tree.lineage(tumour.code))
    if lineage & indication.excluded:
        return False
    if "any" in indication.classes:
        return True
    if "solid" in indication.classes and not tumour.haematological:
        return True
    return bool(lineage & indication.codes)


def parse_indication(label: str, codes: str, excluded: str = "") -> Indication:
    """An indication from ';'-separated OncoTree codes or classes and excluded codes."""
    named = {item if item.lower() not in CLASSES else item.lower() for item in split_list(codes)}
    return Indication(
        label=label,
        codes=frozenset(code.upper() for code in named - CLASSES),
        classes=frozenset(named & CLASSES),
        excluded=frozenset(code.upper() for code in split_list(excluded)),
    )


def _from_tsv(path: Path) -> list[TumourType]:
    header, rows, _ = read_table(path)
    if not {"Code", "Name", "Tissue", "Parent"} <= set(header):
        raise KnowledgeError(
            f"{path}: not an OncoTree tree file (needs the columns Code, Name, MainType, Tissue, "
            "Parent). Fix: give somatic.oncotree OncoTree's trees/tsv/oncotree_<version>.txt or "
            "the JSON of https://oncotree.mskcc.org/api/tumorTypes?version=<version>"
        )
    return [
        TumourType(
            row["Code"].strip(),
            row["Name"].strip(),
            (row.get("MainType") or "").strip(),
            (row["Tissue"] or "").strip(),
            (row["Parent"] or "").strip(),
        )
        for row in rows
        if (row.get("Code") or "").strip()
    ]


def _from_json(document: object) -> list[TumourType]:
    """Nodes of the API's flat list or nested tree."""
    items = list(document.values()) if isinstance(document, dict) else list(document)
    nodes = []
    while items:
        item = items.pop()
        main = item.get("mainType") or ""
        main = main.get("name", "") if isinstance(main, dict) else main
        node = TumourType(
            item["code"], item["name"], main, item.get("tissue") or "", item.get("parent") or ""
        )
        nodes.append(node)
        items.extend((item.get("children") or {}).values())
    return nodes


def load_oncotree(path: Path) -> OncoTree:
    """OncoTree from its tree TSV or the API's JSON."""
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith(("[", "{")):
        try:
            nodes = _from_json(json.loads(text))
        except (ValueError, KeyError, AttributeError, TypeError) as error:
            raise KnowledgeError(
                f"{path}: not OncoTree's tumorTypes JSON ({error}). Fix: give somatic.oncotree "
                "the JSON of https://oncotree.mskcc.org/api/tumorTypes?version=<version>"
            ) from error
    else:
        nodes = _from_tsv(path)
    if not nodes:
        raise KnowledgeError(f"{path}: no OncoTree node. Fix: give a complete OncoTree file")
    return OncoTree(nodes, path)
