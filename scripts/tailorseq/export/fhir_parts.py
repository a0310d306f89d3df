"""Small builders of FHIR R4 JSON parts (codings, components, Observations) and the collection
they are gathered in, so that the export modules state only what goes where."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from tailorseq.export import codes

Json = dict[str, Any]


def concept(code: tuple[str | None, ...] | None = None, text: str | None = None) -> Json:
    """A CodeableConcept from a (system, code[, display]) coding and/or a text."""
    result: Json = {}
    if code is not None:
        coding = dict(zip(("system", "code", "display"), code, strict=False))
        result["coding"] = [{key: value for key, value in coding.items() if value}]
    if text:
        result["text"] = text
    return result


def loinc_answer(answer: tuple[str, str], text: str | None = None) -> Json:
    """A CodeableConcept of a LOINC answer (code, display)."""
    return concept((codes.LOINC, *answer), text)


def component(slice_name: str, **value: Any) -> Json:
    """An Observation component of one of the IG's slices with its value (`valueString=...`)."""
    return {"code": concept(codes.COMPONENTS[slice_name]), **value}


def text_component(slice_name: str, text: str) -> Json:
    """A component whose CodeableConcept value is text only (no code system applies)."""
    return component(slice_name, valueCodeableConcept=concept(text=text))


def absent(reason: str) -> Json:
    """dataAbsentReason `not-performed` (FHIR R4 data-absent-reason) with the reason in words."""
    return concept((codes.DATA_ABSENT, "not-performed", "Not Performed"), reason)


def notes(*texts: str | None) -> list[Json]:
    """Observation notes (Annotation) of the texts given."""
    return [{"text": text} for text in texts if text]


def profile(name: str) -> Json:
    """meta with the IG profile's versioned canonical URL."""
    return {"profile": [f"{codes.PROFILE_BASE}{name}|{codes.IG_VERSION}"]}


@dataclass
class Collection:
    """The resources of one bundle: each with a stable `urn:uuid` (a name-based UUID of the
    report identifier and the resource's key) by which the others refer to it."""

    identifier: str
    entries: list[Json] = field(default_factory=list)

    def url(self, key: str) -> str:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'tailorseq:{self.identifier}:{key}')}"

    def add(self, key: str, resource: Json) -> str:
        """Add a resource; returns the reference to it."""
        url = self.url(key)
        self.entries.append({"fullUrl": url, "resource": {"id": url.rsplit(":", 1)[1]} | resource})
        return url

    @property
    def patient(self) -> Json:
        return {"reference": self.url("patient")}

    def observation(self, key: str, name: str, code: tuple[str, str, str], **fields: Any) -> Json:
        """Add a final laboratory Observation of the IG profile `name`; returns a reference."""
        resource = {
            "resourceType": "Observation",
            "meta": profile(name),
            "status": "final",
            "category": [concept((codes.OBSERVATION_CATEGORY, "laboratory", "Laboratory"))],
            "code": concept(code),
            "subject": self.patient,
            **{k: v for k, v in fields.items() if v not in (None, [], {})},
        }
        return {"reference": self.add(key, resource)}


def region_studied(
    collection: Collection, key: str, description: str, gene: str | None, not_done: str | None
) -> Json:
    """A `region-studied` Observation: a gene (or a whole area) and what was examined in it; one
    not examined carries dataAbsentReason `not-performed` with the reason."""
    parts = [text_component("gene-studied", gene)] if gene else []
    parts.append(component("region-description", valueString=description))
    return collection.observation(
        key,
        "region-studied",
        codes.REGION_STUDIED_CODE,
        dataAbsentReason=absent(not_done) if not_done else None,
        component=parts,
    )
