"""Tools on PATH: versions parsed from each tool's own output, minimums enforced."""

from pathlib import Path

import pytest
from preflight_helpers import write_tool

from tailorseq.errors import InputError
from tailorseq.tools import (
    TOOLS,
    check_tools,
    find_tool,
    is_older,
    load_versions,
    required_tools,
    save_versions,
    version_tuple,
)


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder that is the whole PATH."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


@pytest.mark.parametrize(
    ("version", "parts"),
    [("0.7.17-r1188", (0, 7, 17)), ("2.24-r1122", (2, 24)), ("1.16.1", (1, 16, 1)), ("x", ())],
)
def test_version_tuple(version: str, parts: tuple[int, ...]) -> None:
    assert version_tuple(version) == parts


def test_is_older() -> None:
    assert is_older("1.10", "1.16") and is_older("0.7.15-r1140", "0.7.17")
    assert not is_older("1.16", "1.16.0") and not is_older("2.24-r1122", "2.24")
    assert not is_older("1.20", "1.16")


@pytest.mark.parametrize(
    ("name", "output", "version"),
    [
        (
            "bwa",
            "\nProgram: bwa (alignment via Burrows-Wheeler transformation)\nVersion: 0.7.17-r1188",
            "0.7.17-r1188",
        ),
        ("freebayes", "version:  v1.3.6", "1.3.6"),
        ("minimap2", "2.24-r1122", "2.24-r1122"),
        ("samtools", "samtools 1.16.1\nUsing htslib 1.16", "1.16.1"),
        ("bgzip", "bgzip (htslib) 1.16", "1.16"),
        ("mosdepth", "mosdepth 0.3.3", "0.3.3"),
    ],
)
def test_versions_are_parsed(bin_dir: Path, name: str, output: str, version: str) -> None:
    write_tool(bin_dir, name, output, status=1 if name == "bwa" else 0)  # bwa exits 1 on usage
    found = find_tool(name)
    assert (found.version, found.path) == (version, str(bin_dir / name))


def test_missing_tool(bin_dir: Path) -> None:
    with pytest.raises(InputError) as raised:
        find_tool("bwa")
    assert str(raised.value) == (
        "PATH: tool 'bwa' was not found. "
        "Fix: apt-get install bwa on Debian/Ubuntu, or run with --sdm conda"
    )


def test_too_old_tool(bin_dir: Path) -> None:
    tool = write_tool(bin_dir, "samtools", "samtools 1.10\nUsing htslib 1.10")
    with pytest.raises(InputError) as raised:
        find_tool("samtools")
    assert str(raised.value) == (
        f"{tool}: samtools 1.10 is older than the minimum 1.16. "
        "Fix: install a newer one: apt-get install samtools on Debian/Ubuntu, "
        "or run with --sdm conda"
    )


def test_tool_without_version(bin_dir: Path) -> None:
    write_tool(bin_dir, "fastp", "usage: something else")
    with pytest.raises(InputError, match="could not read the version of 'fastp'"):
        find_tool("fastp")


def test_first_tool_on_path_wins(bin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = write_tool(bin_dir / "old", "mosdepth", "mosdepth 0.2.9")
    write_tool(bin_dir / "new", "mosdepth", "mosdepth 0.3.8")
    monkeypatch.setenv("PATH", f"{old.parent}:{bin_dir / 'new'}")
    found, problems = check_tools(["mosdepth"])
    assert found == [] and "mosdepth 0.2.9 is older than the minimum 0.3.3" in str(problems[0])


def test_versions_are_kept_and_a_reinstalled_tool_is_asked_again(
    bin_dir: Path, tmp_path: Path
) -> None:
    write_tool(bin_dir, "mosdepth", "mosdepth 0.3.8")
    cache = tmp_path / "cache" / "tool_versions.json"
    known = load_versions(cache)
    assert known == {} and find_tool("mosdepth", known).version == "0.3.8"
    save_versions(cache, known)
    assert load_versions(cache) == known and oct(cache.stat().st_mode)[-3:] == "640"
    # a reinstalled tool is a new file (here also of another size): asked again, an old one refused
    (bin_dir / "mosdepth").unlink()
    write_tool(bin_dir, "mosdepth", "mosdepth 0.2.10")
    found, problems = check_tools(["mosdepth"], load_versions(cache))
    assert found == [] and "mosdepth 0.2.10 is older than the minimum 0.3.3" in str(problems[0])


def test_a_cached_version_answers_without_running_the_tool(bin_dir: Path, tmp_path: Path) -> None:
    write_tool(bin_dir, "mosdepth", "mosdepth 0.3.8")
    known: dict[str, dict] = {}
    find_tool("mosdepth", known)
    (entry,) = known.values()
    entry["version"] = "0.3.7"  # what the cache says is what the check reports
    assert find_tool("mosdepth", known).version == "0.3.7"
    entry["probe"] = ["--other"]  # asked another way: read again
    assert find_tool("mosdepth", known).version == "0.3.8"
    assert load_versions(tmp_path / "missing.json") == {}
    (tmp_path / "bad.json").write_text("[1, 2")
    assert load_versions(tmp_path / "bad.json") == {}


def test_required_tools_follow_the_config() -> None:
    assert required_tools({"aligner": "bwa", "caller": "bcftools"}) == [
        "bwa",
        "samtools",
        "bcftools",
        "tabix",
        "bgzip",
        "fastp",
        "mosdepth",
    ]
    needed = required_tools({"aligner": "minimap2", "caller": "freebayes"})
    assert needed[0] == "minimap2" and needed[-1] == "freebayes" and "bwa" not in needed
    assert set(needed) <= set(TOOLS)


def test_whatshap_is_required_only_where_pgx_or_the_findings_phase_from_reads() -> None:
    base = {"aligner": "bwa", "caller": "bcftools"}
    phasing = {"definitions": "defs", "phase_from_reads": True}
    assert "whatshap" in required_tools(base | {"pgx": phasing})
    assert "whatshap" not in required_tools(base | {"pgx": phasing | {"phase_from_reads": False}})
    assert "whatshap" not in required_tools(base | {"pgx": phasing | {"definitions": ""}})
    release = {"pgx": phasing | {"definitions": "pharmcat:v3.1.1-2-g5431bf11"}}
    assert "whatshap" in required_tools(base | release | {"reference": {"build": "GRCh38"}})
    assert "whatshap" not in required_tools(base | release | {"reference": {"build": "GRCh37"}})
    # findings (a gene annotation): the recessive genes' calls are phased (findings_phase)
    findings = {"reference": {"build": "GRCh37", "gff3": "genes.gff3"}}
    assert required_tools(base | findings).count("whatshap") == 1
    assert required_tools(base | findings | {"pgx": phasing}).count("whatshap") == 1


def test_a_tools_output_and_messages_land_in_the_rules_log(tmp_path) -> None:
    """Both streams of the tool, and its command line, go to the log `stderr_to` opens."""
    from tailorseq.files import stderr_to
    from tailorseq.tools import run_logged

    log = tmp_path / "rule.log"
    with stderr_to(str(log)):
        run_logged("sh", "-c", "echo out-$X; echo err-$X >&2", env={"X": "1"})
    assert log.read_text().splitlines() == [
        "+ sh -c echo out-$X; echo err-$X >&2",
        "out-1",
        "err-1",
    ]
