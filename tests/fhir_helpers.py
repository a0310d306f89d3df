"""Reading a FHIR export back in tests: its resources by IG profile, their codings and the
component of a LOINC code, and the variants or regions by gene studied."""

LOINC = "http://loinc.org"
PROFILE = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/{}|2.0.0"


def resources(data: dict, profile: str | None = None) -> list[dict]:
    """The bundle's resources, or those claiming the IG profile `profile`."""
    found = [entry["resource"] for entry in data["entry"]]
    if profile is None:
        return found
    return [r for r in found if PROFILE.format(profile) in r.get("meta", {}).get("profile", [])]


def codings(concept: dict) -> set[tuple[str, str]]:
    """A CodeableConcept's (system, code) pairs."""
    return {(c.get("system"), c.get("code")) for c in concept.get("coding", [])}


def component(resource: dict, code: str) -> dict | None:
    """The resource's (first) component with this LOINC code."""
    parts = resource.get("component", [])
    return next((c for c in parts if (LOINC, code) in codings(c["code"])), None)


def by_gene(data: dict, profile: str) -> dict[str, dict]:
    """The profile's resources by their gene studied (those with one)."""
    pairs = ((component(r, "48018-6"), r) for r in resources(data, profile))
    return {gene["valueCodeableConcept"]["text"]: r for gene, r in pairs if gene}


def value_code(resource: dict, code: str) -> str | None:
    """The code of the component's CodeableConcept value (the first coding)."""
    return component(resource, code)["valueCodeableConcept"]["coding"][0]["code"]
