"""GX Data Docs that work offline.

GX 1.x's page templates (render/view/templates: page.j2, index_page.j2, js_script_imports.j2,
top_navbar.j2) load jQuery, Bootstrap, bootstrap-table, Font Awesome, Vega and the GX logo from
CDNs. Without a network the index page's lists stay empty (bootstrap-table draws them) and the
status icons are missing. GX has no setting for this: its custom views directory is searched
after its own templates, so it can add templates but not replace these, and GX declined to ship
the files (great_expectations#994). So once GX has written a site, `make_offline` copies pinned
copies of the same files (data_docs_assets/, see its README) into the site and points every page
at them. A test fails if a GX upgrade brings a URL this table lacks.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ASSETS_DIR = Path(__file__).parent / "data_docs_assets"
_VENDOR_DIR = "static/vendor"

# URL in GX 1.24's templates -> its copy under data_docs_assets/ (same version and file, except
# where noted).
CDN_COPIES: dict[str, str] = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "popper.js-1.12.9/popper.min.js"
    ),
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        "bootstrap-4.3.1/css/bootstrap.min.css"
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "bootstrap-4.3.1/js/bootstrap.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        "bootstrap-table-1.19.1/bootstrap-table.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        "bootstrap-table-1.19.1/bootstrap-table.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": (
        "bootstrap-table-1.19.1/extensions/filter-control/bootstrap-table-filter-control.min.js"
    ),
    # GX asks for the 1.19.0 stylesheets; 1.19.1's differ only in the version comment.
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": (
        "bootstrap-table-1.19.1/extensions/filter-control/bootstrap-table-filter-control.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": (
        "bootstrap-table-1.19.1/extensions/filter-control/bootstrap-table-filter-control.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": "bootstrap-datepicker-1.9.0/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "bootstrap-datepicker-1.9.0/js/bootstrap-datepicker.min.js",
    # The minified build of the same stylesheet (150 kB instead of 860 kB).
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": "bootstrap-dark-1.1.0/bootstrap-prefers-dark.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "fontawesome-free-6.6.0/css/all.min.css"
    ),
    # GX asks for the latest major; these are the versions the CDN served when copied.
    "https://cdn.jsdelivr.net/npm/vega@5": "vega-5.33.1/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite-5.23.0/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed-6.29.0/vega-embed.min.js",
}

# GX's logos on S3 -> images GX copies into every site. GX ships no dark logo: dark mode shows
# the light one.
_GX_IMAGES = {"logo-long.png": "logo-long.png", "full_logo_dark.png": "logo-long.png"}
_GX_WEB_ASSET = re.compile(
    r"https://great-expectations-web-assets\.s3\.us-east-2\.amazonaws\.com/([\w.-]+)(\?[^\"')\s]*)?"
)
# A reference to the site's static/ folder, from an attribute or a CSS url(), with GX's leading
# ../ dropped: GX counts them per page type and is one short for the favicon of validation pages.
_STATIC_REF = re.compile(
    r"""(?P<lead>(?:\b(?:src|href)=|url\()\s*["']?)(?:\.{1,2}/)*(?P<path>static/[^"')\s?#]+)"""
)
_TAG = re.compile(r"<(?:script|link)\b[^>]*>")
# Subresource integrity makes the browser fetch in CORS mode, which it refuses for a file:// page.
_CORS_ATTRIBUTE = re.compile(r"""\s+(?:integrity|crossorigin)=("[^"]*"|'[^']*')""")
_REMOTE = re.compile(r"""\b(?:src|href)=["']?(?:https?:)?//""")


def make_offline(site: Path) -> None:
    """Copy the pinned assets into `site` and point its HTML pages and GX stylesheets at them."""
    site = Path(site)
    shutil.copytree(
        ASSETS_DIR,
        site / _VENDOR_DIR,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("README.md"),
    )
    for page in [*site.rglob("*.html"), *(site / "static" / "styles").glob("*.css")]:
        text = page.read_text(encoding="utf-8")
        offline = _localise(text, page.parent, site)
        if offline != text:
            page.write_text(offline, encoding="utf-8")


def _localise(text: str, here: Path, site: Path) -> str:
    for url, copy in CDN_COPIES.items():
        text = text.replace(url, f"{_VENDOR_DIR}/{copy}")
    text = _GX_WEB_ASSET.sub(
        lambda m: f"static/images/{_GX_IMAGES[m[1]]}" if m[1] in _GX_IMAGES else m[0], text
    )
    text = _STATIC_REF.sub(
        lambda m: m["lead"] + Path(os.path.relpath(site / m["path"], here)).as_posix(), text
    )
    return _TAG.sub(lambda m: m[0] if _REMOTE.search(m[0]) else _CORS_ATTRIBUTE.sub("", m[0]), text)
