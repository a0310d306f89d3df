"""The demo's patient reports in a real browser (Debian's `chromium`, headless): they load with
no console message and no network request of the page's own, the screenshot is not blank, and
the print-to-PDF has every section, each starting on its own page. Skips when chromium (or
poppler's pdftotext/pdfinfo) is absent: CI installs `chromium poppler-utils`."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]
#: Hosts of the browser's own background services (updates, time, accounts), not the page's.
BROWSER_HOSTS = re.compile(
    r"^https?://([a-z0-9-]+\.)*(google\.com|googleapis\.com|gvt1\.com"
    r"|gstatic\.com|googleusercontent\.com)/"
)
SECTIONS = [
    "1. Summary",
    "2. Sample quality",
    "3. Pharmacogenomics",
    "4. Hereditary findings",
    "5. Tumour",
    "6. Methods",
    "7. Limitations and provenance",
    "8. Sign-off",
    "9. Your results in plain language",
]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    if CHROMIUM is None:
        pytest.skip(
            "chromium is not installed: apt-get install -y --no-install-recommends chromium"
        )
    profile = tmp_path / f"profile{len(list(tmp_path.glob('profile*')))}"
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def page_of(workdir: Path, patient: str) -> Path:
    return workdir / "results" / patient / f"{patient}.report.html"


def load(tmp_path: Path, page: Path) -> tuple[str, list[str], list[str]]:
    """Chromium's DOM of `page`, the console messages it logged and the requests it made
    (besides local files and the browser's own hosts)."""
    netlog = tmp_path / "net.json"
    result = chromium(
        tmp_path,
        "--enable-logging=stderr",
        "--v=1",
        f"--log-net-log={netlog}",
        "--dump-dom",
        page.as_uri(),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    urls = set(re.findall(r'"url":"([^"]+)"', netlog.read_text()))
    requests = [
        u for u in urls if not u.startswith(("file:", "data:")) and not BROWSER_HOSTS.match(u)
    ]
    return result.stdout, console, requests


@pytest.mark.parametrize("patient", ["patient1", "patient2", "patient3"])
def test_loads_without_console_messages_or_requests(
    demo_results: Path, tmp_path: Path, patient: str
) -> None:
    dom, console, requests = load(tmp_path, page_of(demo_results, patient))
    assert "Summary" in dom and "Sample quality" in dom
    assert console == []
    assert requests == []


def test_detector_sees_console_errors_and_requests(tmp_path: Path) -> None:
    """The checks above would catch a page that logs or fetches."""
    bad = tmp_path / "bad.html"
    bad.write_text('<script>console.error("boom")</script><img src="http://example.invalid/x">')
    _, console, requests = load(tmp_path, bad)
    assert any("boom" in line for line in console)
    assert "http://example.invalid/x" in requests


def test_screenshot_is_not_blank(demo_results: Path, tmp_path: Path) -> None:
    image = pytest.importorskip("PIL.Image")
    stat = pytest.importorskip("PIL.ImageStat")
    png = tmp_path / "shot.png"
    chromium(
        tmp_path,
        "--window-size=1200,1600",
        f"--screenshot={png}",
        page_of(demo_results, "patient1").as_uri(),
    )
    with image.open(png) as shot:
        grey = shot.convert("L")
        assert grey.size == (1200, 1600)
        assert stat.Stat(grey).stddev[0] > 10  # text, tables and charts, not one colour
        assert len(grey.getcolors(256) or []) > 16


@pytest.mark.parametrize("patient", ["patient2", "patient3"])
def test_print_to_pdf_has_every_section_on_its_own_page(
    demo_results: Path, tmp_path: Path, patient: str
) -> None:
    if not (shutil.which("pdftotext") and shutil.which("pdfinfo")):
        pytest.skip("poppler-utils (pdftotext, pdfinfo) is not installed")
    pdf = tmp_path / "report.pdf"
    chromium(
        tmp_path,
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page_of(demo_results, patient).as_uri(),
    )
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert pages >= len(SECTIONS)
    first_page = {}
    for number in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-layout", pdf, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for section in SECTIONS:
            if section in text:
                first_page.setdefault(section, number)
    assert list(first_page) == SECTIONS  # all of them, in order
    starts = [first_page[s] for s in SECTIONS[1:]]
    assert starts == sorted(set(starts))  # every section after the first starts a new page
