"""GX Data Docs work offline (issue 23, point 8): every script, stylesheet, image and font a page
loads is a file in the site itself, and the Dagster check links to the index page.

GX's templates load jQuery, Bootstrap, bootstrap-table, Font Awesome and Vega from CDNs; offline
the index page's lists stayed empty and the status icons were missing.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dagster as dg
import pytest

from expectations import run_suite
from expectations.runner import build_deferred_docs
from orchestration.defs.common.resources import WarehouseResource
from orchestration.defs.quality.checks import build_gx_check
from tests.expectations.warehouse import YEAR, good_raw_tables, write_warehouse

SUITE = "raw_operators__clients"
# url(...) in CSS, quoted or not.
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


class _PageResources(HTMLParser):
    """What a page loads by itself: scripts, stylesheets, icons, images and CSS url()s in
    <style> blocks. Plain <a> links are not loads."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[tuple[str, dict[str, str | None]]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("script", "img") and attributes.get("src"):
            self.loads.append((attributes["src"], attributes))
        elif tag == "link" and attributes.get("href"):
            self.loads.append((attributes["href"], attributes))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.loads.extend((url, {}) for url in _css_urls(data))


def _css_urls(css: str) -> list[str]:
    return [m.group(2) for m in _CSS_URL.finditer(css) if not m.group(2).startswith("data:")]


def _loads(page: Path) -> list[tuple[str, dict[str, str | None]]]:
    parser = _PageResources()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.loads


def _is_remote(url: str) -> bool:
    return url.startswith("//") or urlsplit(url).scheme in ("http", "https")


def _local_file(base: Path, url: str) -> Path:
    return (base.parent / unquote(urlsplit(url).path)).resolve()


def _head(file: Path) -> str:
    """The licence header, which names the library and its version."""
    return file.read_text(encoding="utf-8", errors="replace")[:400] if file.is_file() else ""


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("offline_docs")
    db = write_warehouse(root / "etablerer.duckdb", good_raw_tables())
    result = run_suite(SUITE, db, year=YEAR, docs_dir=root / "gx_docs" / "run-1")
    assert result.docs_path == root / "gx_docs" / "run-1" / SUITE / "index.html"
    return result.docs_path.parent.resolve()


def test_no_page_loads_anything_from_the_internet(docs_site):
    pages = _pages(docs_site)
    # index, two expectation suites (partitions, sample), their two validation results
    assert len(pages) == 5
    remote = sorted(
        {
            f"{page.relative_to(docs_site)}: {url}"
            for page in pages
            for url, _ in _loads(page)
            if _is_remote(url)
        }
    )
    assert remote == []


def test_every_local_script_style_and_font_is_in_the_site_and_not_empty(docs_site):
    missing: list[str] = []
    stylesheets: set[Path] = set()
    for page in _pages(docs_site):
        for url, attributes in _loads(page):
            if _is_remote(url) or url.startswith("#"):
                continue
            target = _local_file(page, url)
            if not target.is_relative_to(docs_site) or not target.is_file():
                missing.append(f"{page.relative_to(docs_site)}: {url}")
            elif target.stat().st_size == 0:
                missing.append(f"{page.relative_to(docs_site)}: {url} (empty)")
            elif target.suffix == ".css":
                stylesheets.add(target)
            # file:// pages are an opaque origin: a CORS-mode load (crossorigin, integrity)
            # of a file beside them is refused, so the copies must not carry those attributes.
            assert "crossorigin" not in attributes and "integrity" not in attributes, url
    for stylesheet in sorted(stylesheets):  # fonts and images the stylesheets pull in
        for url in _css_urls(stylesheet.read_text(encoding="utf-8")):
            target = _local_file(stylesheet, url)
            if _is_remote(url) or not target.is_file() or target.stat().st_size == 0:
                missing.append(f"{stylesheet.relative_to(docs_site)}: {url}")
    assert missing == []


def test_the_index_page_runs_its_lists_on_local_copies_of_the_libraries(docs_site):
    """The lists are drawn by bootstrap-table on jQuery, the status icons are Font Awesome:
    each must come from a file in the site, at the version GX asks for."""
    index = docs_site / "index.html"
    local = [_local_file(index, url) for url, _ in _loads(index) if not _is_remote(url)]
    scripts = [_head(file) for file in local if file.suffix == ".js"]
    styles = [_head(file) for file in local if file.suffix == ".css"]
    libraries = {
        "jQuery 3.7.1": any("jQuery v3.7.1" in head for head in scripts),
        "Bootstrap 4.3.1": any("Bootstrap v4.3.1" in head for head in scripts),
        "bootstrap-table 1.19.1": any(
            "bootstrap-table - " in head and "v1.19.1" in head for head in scripts
        ),
        "bootstrap-datepicker 1.9.0": any(
            "Datepicker for Bootstrap v1.9.0" in head for head in scripts
        ),
        "Font Awesome 6.6.0": any("Font Awesome Free 6.6.0" in head for head in styles),
    }
    assert [name for name, loaded in libraries.items() if not loaded] == []
    # The table script comes after the jQuery it extends.
    names = [file.name for file in local]
    assert names.index("jquery.min.js") < names.index("bootstrap-table.min.js")


def test_deferred_data_docs_are_offline_too(tmp_path):
    """The warm worker writes Data Docs later (build_deferred_docs); those pages too."""
    db = write_warehouse(tmp_path / "etablerer.duckdb", good_raw_tables())
    result = run_suite(
        "raw_ssb__population", db, docs_dir=tmp_path / "gx_docs" / "run-2", defer_docs=True
    )
    assert not result.docs_path.exists()
    assert build_deferred_docs() == 1
    site = result.docs_path.parent
    remote = [
        f"{page.relative_to(site)}: {url}"
        for page in _pages(site)
        for url, _ in _loads(page)
        if _is_remote(url)
    ]
    assert remote == []
    jquery = [url for url, _ in _loads(result.docs_path) if "jquery" in url]
    assert len(jquery) == 1 and _local_file(result.docs_path, jquery[0]).stat().st_size > 0


def test_the_check_links_its_data_docs_as_a_file_url(tmp_path):
    """Dagster shows a url as a link and a path only as text to copy."""
    db = write_warehouse(tmp_path / "etablerer.duckdb", good_raw_tables())
    check = build_gx_check("raw_ssb__population")

    # The checked asset is not run here: the check reads the warehouse written above.
    @dg.asset(name="raw_ssb__population")
    def raw_ssb__population() -> None:
        return None

    run = dg.materialize(
        [raw_ssb__population, check],
        selection=dg.AssetSelection.checks(check),
        resources={"warehouse": WarehouseResource(duckdb_path=str(db))},
    )
    [evaluation] = run.get_asset_check_evaluations()
    index = tmp_path / "gx_docs" / run.run_id / "raw_ssb__population" / "index.html"
    link = evaluation.metadata["data_docs"]
    assert isinstance(link, dg.UrlMetadataValue)
    assert link.url == index.as_uri()
    assert urlsplit(link.url).scheme == "file" and Path(unquote(urlsplit(link.url).path)).is_file()
    assert evaluation.metadata["data_docs_path"] == dg.MetadataValue.path(str(index))
