"""The patient section: the report's results in plain language, written by tailorseq (no
guideline text is quoted). Every sentence is derived from a field of the clinician sections, so
it says nothing they do not support."""

from __future__ import annotations

from typing import Any

#: Our wording per phenotype; {gene} is filled in. Unknown phenotypes get a neutral sentence.
PHENOTYPE_TEXT = {
    "poor metabolizer": "your body has little or no {gene} activity, so some medicines that"
    " depend on it may not work as expected or may build up in the body",
    "intermediate metabolizer": "your body has less {gene} activity than most people",
    "normal metabolizer": "your {gene} activity is typical",
    "rapid metabolizer": "your body has more {gene} activity than most people, so some"
    " medicines may be cleared faster",
    "ultrarapid metabolizer": "your body has much more {gene} activity than most people, so"
    " some medicines may be cleared much faster",
    "likely poor metabolizer": "your body probably has little or no {gene} activity",
    "likely intermediate metabolizer": "your body probably has less {gene} activity than most"
    " people",
    "poor function": "your {gene} transporter works much less well than usual",
    "decreased function": "your {gene} transporter works less well than usual",
    "possible decreased function": "your {gene} transporter may work less well than usual",
    "normal function": "your {gene} transporter works as usual",
    "increased function": "your {gene} transporter works more than usual",
}


def phenotype_sentence(gene: str, phenotype: str | None) -> str:
    """One plain sentence about a gene's result."""
    if not phenotype:
        return f"We have a {gene} result, but it has no agreed meaning yet."
    text = PHENOTYPE_TEXT.get(phenotype.strip().lower())
    if text is None:
        return f"Your {gene} result is “{phenotype}”. Your doctor can explain what it means."
    return f"{gene}: {text.format(gene=gene)}."


def _join(items: list[str]) -> str:
    items = sorted(set(items))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


#: Our sentence per group of drugs; the group comes from CPIC's classification and change flags
#: only (report/pgx_section.py), never from the recommendation's words.
MEDICINE_TEXT = {
    "strong change": "For these medicines, the prescribing guidelines your doctor uses strongly"
    " recommend a different medicine or dose: {drugs}.",
    "moderate change": "For these medicines, the guidelines recommend, with moderate strength, a"
    " different medicine or dose: {drugs}.",
    "usual": "For these medicines, the usual prescription is recommended: {drugs}.",
    "optional": "For these medicines, the guidelines give optional advice that your doctor may"
    " or may not follow: {drugs}.",
    "not flagged": "For these medicines, the guidelines give firm advice that your doctor will"
    " read; the data we used does not say whether it changes your prescription: {drugs}.",
    "unknown": "For these medicines, the guidelines give advice, but we cannot say how strong"
    " it is; your doctor will read it: {drugs}.",
    "none": "The guidelines make no recommendation based on your genes for: {drugs}.",
}


def medicine_group(drug: dict[str, Any]) -> str | None:
    """The patient-text group of a drug row (None: no recommendation text to speak of)."""
    if not drug["recommendation"]:
        return None
    classification = (drug["classification"] or "").strip().lower()
    if not classification:
        return "unknown"
    if classification in ("strong", "moderate"):
        if drug["act_now"]:
            return f"{classification} change"
        return "not flagged" if drug["change"] == "not flagged" else "usual"
    return classification if classification == "optional" else "none"


def medicine_paragraphs(drugs: list[dict[str, Any]]) -> list[str]:
    """One sentence per group of drugs, in the order of MEDICINE_TEXT."""
    groups: dict[str, list[str]] = {}
    for drug in drugs:
        group = medicine_group(drug)
        if group:
            groups.setdefault(group, []).append(drug["drug"])
    return [
        text.format(drugs=_join(groups[group]))
        for group, text in MEDICINE_TEXT.items()
        if group in groups
    ]


def pgx_paragraphs(pgx: dict[str, Any]) -> list[str]:
    if not pgx["assessed"]:
        return ["We did not test how your genes affect medicines in this analysis."]
    paragraphs = []
    called = [g for g in pgx["genes"] if g["called"]]
    if called:
        paragraphs.append(
            "Some genes help your body handle medicines. We looked at "
            f"{len(pgx['genes'])} of them. "
            + " ".join(phenotype_sentence(g["gene"], g["phenotype"]) for g in called)
        )
    paragraphs += medicine_paragraphs(pgx["drugs"])
    for gene in pgx["not_called"]:
        paragraphs.append(
            f"We could not work out your {gene['gene']} result. This does not mean it is"
            " normal; your doctor may order another test if it matters for your treatment."
        )
    for gene in pgx["not_assessed"]:
        drugs = gene["drugs"]
        more = f" and {len(drugs) - 5} others" if len(drugs) > 5 else ""
        paragraphs.append(
            f"We did not test {gene['gene']}. It matters for medicines such as"
            f" {', '.join(drugs[:5]) + more or 'some medicines'}: before you take one of them,"
            " ask your doctor whether a separate test is needed."
        )
    paragraphs.append(
        "Please do not stop or change any medicine on your own: talk to your doctor or"
        " pharmacist first, and show them this report when you get a new prescription."
    )
    return paragraphs


#: Which of the gene's copies a deletion finding takes (tailorseq.findings_cnv zygosity).
COPIES = {"heterozygous": "one copy", "homozygous": "both copies", "hemizygous": "the only copy"}


def phase_paragraphs(findings: list[dict[str, Any]]) -> list[str]:
    """For a recessive gene with two changes: whether the reads showed them on different copies
    of the gene (report `phase`, tailorseq.findings_phase), or could not tell."""
    genes: dict[str, str] = {}
    for finding in findings:
        if finding["phase"] is not None:
            genes.setdefault(finding["gene"], finding["phase"]["status"])
    paragraphs = []
    for gene, status in sorted(genes.items()):
        if status == "trans":
            paragraphs.append(
                f"Your {gene} gene has two changes, one on each of your two copies of the gene:"
                " we could see this directly in the sequencing data. For this condition, both"
                " copies need a change for it to matter."
            )
        else:
            paragraphs.append(
                f"Your {gene} gene has two changes. The sequencing data could not show whether"
                " they are on the same copy of the gene or one on each copy, and for this"
                " condition that makes the difference. Your doctor can arrange a test (for"
                " example of your parents) to find out."
            )
    return paragraphs


def hereditary_paragraphs(hereditary: dict[str, Any]) -> list[str]:
    if not hereditary["assessed"]:
        if not hereditary["consent"]:
            return [
                "You chose not to receive results about inherited disease risk, so we did"
                " not look for them. You can talk to your doctor if you change your mind."
            ]
        return ["Inherited disease risk was not assessed in this analysis."]
    paragraphs = []
    for finding in hereditary["findings"]:
        condition = finding.get("condition") or "a hereditary condition"
        paragraphs.append(
            f"We found a change in your {finding['gene']} gene that is known to cause disease."
            f" It is linked to: {condition.replace('_', ' ').lower()}. This does not mean you"
            " have or will get this condition, but it matters for your health care and may"
            " matter for your blood relatives."
        )
    paragraphs += phase_paragraphs(hereditary["findings"])
    deletions = (hereditary["copy_number"] or {}).get("findings", [])
    for finding in deletions:
        paragraphs.append(
            f"We may have found a missing piece (a deleted part) of {COPIES[finding['zygosity']]}"
            f" of your {finding['gene']} gene, a kind of change known to cause disease. It must"
            " be confirmed by another test before it means anything; your doctor will arrange it."
        )
    assessed, missing = hereditary["genes_assessed"], hereditary["genes_not_assessed"]
    total = len(assessed) + len(missing)
    if not assessed:
        paragraphs.append(
            f"We could not read any of the {total} genes linked to serious inherited conditions"
            " well enough to say whether they carry another change known to cause disease."
        )
    elif not hereditary["findings"] and not deletions:
        paragraphs.append(
            f"We could check {len(assessed)} of {total} genes linked to serious inherited"
            " conditions that can be prevented or treated, and found no change known to cause"
            " disease in them. This lowers, but does not rule out, an inherited risk: tell"
            " your doctor about your family history."
        )
    if missing and assessed:
        paragraphs.append(
            f"{len(missing)} of the {total} genes could not be checked well enough"
            f" ({', '.join(g['gene'] for g in missing)}), so we cannot say anything about them."
        )
    elif missing:
        paragraphs.append(f"These genes were: {', '.join(g['gene'] for g in missing)}.")
    if hereditary["needs_confirmation"]:
        paragraphs.append(
            "We may have seen a change known to cause disease, but the data were not clear"
            " enough: it needs a confirmation test before it means anything. Your doctor will"
            " tell you about it."
        )
    if hereditary["findings"] or hereditary["needs_confirmation"] or deletions:
        paragraphs.append(
            "Please ask your doctor about genetic counselling to discuss what this"
            " means for you and your family."
        )
    return paragraphs


RNA_SENTENCE = (
    "The tumour's RNA (which genes are switched on, and how strongly) was also measured. These"
    " are research measurements: they are not tests to base treatment on, and your doctor will"
    " not use them to decide your treatment."
)


def tumour_paragraphs(tumour: dict[str, Any]) -> list[str]:
    if not tumour["present"]:
        return ["No tumour sample was tested."]
    paragraphs = []
    for pair in tumour["pairs"]:
        if not pair["assessed"]:
            paragraphs.append("A tumour sample was tested, but its results are not ready.")
            continue
        genes = sorted({m["gene"] for m in pair["mutations"] if m.get("gene")})
        text = (
            f"We compared your tumour with your normal tissue and found {len(pair['mutations'])}"
            " change(s) in the tumour's genes" + (f" ({_join(genes)})" if genes else "") + "."
        )
        text += tmb_sentence(pair.get("tmb") or {}) + msi_sentence(pair.get("msi") or {})
        paragraphs.append(text)
        if pair["actionable"]["assessed"] and pair["actionable"]["variants"]:
            paragraphs.append("Some of these changes are linked to specific cancer medicines.")
        if pair.get("rna", {}).get("assessed"):
            paragraphs.append(RNA_SENTENCE)
    paragraphs.append(
        "Your cancer doctor will explain whether these results change your treatment options."
    )
    return paragraphs


def tmb_sentence(tmb: dict[str, Any]) -> str:
    """The tumour mutational burden in plain words, or why it was not measured."""
    burden = " The number of changes per part of the genome (the tumour mutational burden)"
    if tmb.get("status") in ("high", "not high"):
        return burden + f" is {tmb['status']}."
    if tmb.get("status") != "not assessed":
        return ""
    bases, needed = tmb.get("callable_coding_bases"), tmb.get("min_territory")
    if bases is not None and needed is not None and bases < needed:
        return (
            burden + " could not be measured reliably: the test read too little of your genes"
            f" ({bases:,} letters of DNA where at least {needed:,} are needed) to count it."
        )
    return burden + f" could not be measured: {tmb.get('reason') or 'not reported'}."


def msi_sentence(msi: dict[str, Any]) -> str:
    """Microsatellite instability in plain words, or why it was not measured."""
    repeats = " Short repeated stretches of DNA (microsatellite instability, MSI)"
    if msi.get("status") == "MSI-high":
        return repeats + " have changed length in the tumour: it is MSI-high."
    if msi.get("status") == "MSS":
        return repeats + " are stable in the tumour."
    if msi.get("status") == "not assessed":
        return repeats + f" could not be measured: {msi.get('reason') or 'not reported'}."
    return ""


def qc_paragraph(qc: dict[str, Any]) -> str:
    return {
        "pass": "The quality checks of your samples passed.",
        "warn": "Some quality checks of your samples were borderline; your doctor has the"
        " details and will judge whether the results are reliable enough.",
        "fail": "Some quality checks of your samples failed; the results may be incomplete and"
        " your doctor may ask for a new sample.",
    }.get(qc["status"], "The quality of your samples could not be checked.")


def patient_summary(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The patient section: topics with a heading and paragraphs."""
    return [
        {
            "topic": "quality",
            "heading": "Is the test reliable?",
            "paragraphs": [qc_paragraph(report["qc"])],
        },
        {
            "topic": "medicines",
            "heading": "Your genes and your medicines",
            "paragraphs": pgx_paragraphs(report["pharmacogenomics"]),
        },
        {
            "topic": "hereditary",
            "heading": "Inherited disease risk",
            "paragraphs": hereditary_paragraphs(report["hereditary"]),
        },
        {
            "topic": "tumour",
            "heading": "Your tumour",
            "paragraphs": tumour_paragraphs(report["tumour"]),
        },
        {
            "topic": "limits",
            "heading": "What this test cannot tell you",
            "paragraphs": [
                "No test finds everything. Some parts of your genes were not read well"
                " enough, and some kinds of changes are not looked for. The section for"
                " your doctor lists them."
            ],
        },
    ]
