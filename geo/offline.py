"""Leaflet and Leaflet.markercluster from PyPI packages, and the map's own code and style from
geo/web/ (shapes.js, kdim.js, place.js, kdim.css, with the R-tree of the label placement, rbush
4.0.1 vendored as rbush.js), so the map never calls a CDN. A page gets them as two bundles,
``kdim-<hash>/map.js`` and ``map.css`` (:data:`ASSETS`), plus the images Leaflet's style names.

The files come from ``xstatic-leaflet`` (Leaflet 1.9.3, the version folium 0.20 uses) and
``xstatic-leaflet-markercluster``. Two ways to deliver them:

- *served*: :func:`ensure_static_assets` copies them into the app's ``static/vendor/``
  folder (gitignored, so it is rebuilt at app start and in tests); Streamlit's static
  serving answers them at ``/app/static/vendor/...``. :data:`JS_LINKS` / :data:`CSS_LINKS`
  are the ``(name, url)`` pairs for folium's ``default_js`` / ``default_css``.
- *inline*: :func:`inline_assets` swaps those ``<script src>`` / ``<link href>`` tags in a
  rendered page for the file contents (CSS images as ``data:`` URIs), for a standalone
  HTML file that works from disk with no network.
- *linked*: :func:`write_assets` writes the same tree into any folder and :func:`link_assets`
  points those tags at it by a relative prefix (``../static/``), for a static site of many
  pages that share one copy (``python -m geo export-site``) and work from ``file://`` or under
  any sub-path of a web server.

One deliberate change to the vendored code: Leaflet's default attribution prefix is a
link to leafletjs.com (plus an inline flag). On an offline network that link goes
nowhere, and it would be the only ``https://`` reference in an exported file, so both
copies carry the plain text ``Leaflet`` instead (:data:`ATTRIBUTION_PREFIX`).
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

import xstatic.pkg.leaflet as _xs_leaflet
import xstatic.pkg.leaflet_markercluster as _xs_cluster

REPO = Path(__file__).resolve().parent.parent
STATIC_DIR = REPO / "static"
"""Streamlit serves ``<app dir>/static/<path>`` at ``/app/static/<path>``."""
URL_PREFIX = "/app/static/vendor"
ATTRIBUTION_PREFIX = "Leaflet"

LEAFLET_VERSION = _xs_leaflet.VERSION
CLUSTER_VERSION = _xs_cluster.VERSION


@dataclass(frozen=True)
class Asset:
    """One vendored file, or a bundle of several: where it comes from and where the app serves it."""

    name: str  # folium link name; equal names de-duplicate in a page header
    kind: str  # "js" | "css" | "img"
    src: Path | None  # None for a bundle: its bytes are its parts' (asset_bytes)
    rel: str  # path under static/vendor/ (and under URL_PREFIX); a source's name in its bundle's comment
    parts: tuple[str, ...] = ()  # a bundle's source assets, in order

    @property
    def url(self) -> str:
        return f"{URL_PREFIX}/{self.rel}"


_L = Path(_xs_leaflet.BASE_DIR)
_C = Path(_xs_cluster.BASE_DIR)
_LDIR = f"leaflet-{LEAFLET_VERSION}"
_CDIR = f"leaflet.markercluster-{CLUSTER_VERSION}"
WEB_DIR = Path(__file__).resolve().parent / "web"
"""The app's and the map's own browser code and styles, checked by ``node --check`` in CI."""


def _own(name: str, file: str) -> Asset:
    kind = "css" if file.endswith(".css") else "js"
    return Asset(name, kind, WEB_DIR / file, f"kdim/{file}")


SOURCES: tuple[Asset, ...] = (  # in the order a page loads them: each script needs those before it
    Asset("leaflet", "js", _L / "leaflet.js", f"{_LDIR}/leaflet.js"),
    Asset("markerclusterjs", "js", _C / "leaflet.markercluster.js", f"{_CDIR}/leaflet.markercluster.js"),
    _own("rbushjs", "rbush.js"),  # vendored rbush: place.js places labels with it
    _own("shapesjs", "shapes.js"),  # the decoder and the shapes
    _own("kdimjs", "kdim.js"),
    _own("placejs", "place.js"),  # its placement pass
    Asset("leaflet_css", "css", _L / "leaflet.css", f"{_LDIR}/leaflet.css"),
    Asset("markerclustercss", "css", _C / "MarkerCluster.css", f"{_CDIR}/MarkerCluster.css"),
    Asset("markerclusterdefaultcss", "css", _C / "MarkerCluster.Default.css", f"{_CDIR}/MarkerCluster.Default.css"),
    _own("kdimcss", "kdim.css"),
)
"""Every script and style sheet the map needs. A page gets them as two bundles (:data:`ASSETS`),
not ten files: each request costs a page its wait before the map's script may run (14-25 ms of
the draw in headless Chromium from disk, more behind a proxy); the parts keep their names in a
comment."""


def _bundle_dir() -> str:
    """``kdim-<hash of every part>``: a new version gets a new URL, so no browser runs a stale copy."""
    h = hashlib.sha256()
    for a in SOURCES:
        h.update(a.rel.encode())
        h.update(a.src.read_bytes())  # type: ignore[union-attr]  # sources all have one
    return f"kdim-{h.hexdigest()[:10]}"


_KDIR = _bundle_dir()

ASSETS: tuple[Asset, ...] = (
    Asset("mapjs", "js", None, f"{_KDIR}/map.js", tuple(a.name for a in SOURCES if a.kind == "js")),
    Asset("mapcss", "css", None, f"{_KDIR}/map.css", tuple(a.name for a in SOURCES if a.kind == "css")),
    *(
        Asset(f"leaflet_img_{p.stem}", "img", p, f"{_LDIR}/images/{p.name}")
        for p in sorted((_L / "images").glob("*.png"))
    ),
)
"""What the app serves and a static site holds: the two bundles and the images Leaflet's style names."""
_BY_NAME = {a.name: a for a in (*SOURCES, *ASSETS)}

JS_LINKS: list[tuple[str, str]] = [(a.name, a.url) for a in ASSETS if a.kind == "js"]
CSS_LINKS: list[tuple[str, str]] = [(a.name, a.url) for a in ASSETS if a.kind == "css"]
CLUSTER_JS_LINKS: list[tuple[str, str]] = JS_LINKS  # markercluster is in the bundle: the same link
CLUSTER_CSS_LINKS: list[tuple[str, str]] = CSS_LINKS

_PREFIX_RE = re.compile(r"""prefix:'<a href="https://leafletjs\.com".*?"Leaflet</a>\"""")
_SOURCEMAP_RE = re.compile(r"\n?//# sourceMappingURL=\S+\s*$")


def asset(name: str) -> Asset:
    return _BY_NAME[name]


@cache
def asset_bytes(name: str) -> bytes:
    """The file as the app serves it (Leaflet's attribution link made plain text)."""
    a = _BY_NAME[name]
    if a.parts:
        return _bundle_text(a).encode("utf-8")
    data = a.src.read_bytes()  # type: ignore[union-attr]  # all but a bundle have one
    if a.name == "leaflet":
        text, n = _PREFIX_RE.subn(f"prefix:{ATTRIBUTION_PREFIX!r}", data.decode("utf-8"))
        if n != 1:  # a different Leaflet build: fail loudly rather than ship the link
            raise RuntimeError("Leaflet attribution prefix not found; check geo/offline.py")
        data = text.encode("utf-8")
    return data


def _bundle_text(bundle: Asset) -> str:
    """A bundle's parts in order, each after a comment naming it, with no source-map comment and
    (style sheets) their ``url()``s made relative to the bundle's folder instead of the part's."""
    out = []
    for name in bundle.parts:
        part = _BY_NAME[name]
        text = _SOURCEMAP_RE.sub("", asset_bytes(name).decode("utf-8").replace("\r\n", "\n"))
        if part.kind == "css":
            text = _rebase_urls(text, posixpath.dirname(part.rel), posixpath.dirname(bundle.rel))
        out.append(f"/* {part.rel} */\n{text}\n")
    return (";\n" if bundle.kind == "js" else "").join(out)  # a part's last statement ends before the next


def _rebase_urls(css: str, part_dir: str, bundle_dir: str) -> str:
    """A style sheet's relative ``url()``s, as seen from bundle_dir instead of part_dir."""

    def repl(m: re.Match[str]) -> str:
        target = m.group(1).strip("'\"")
        if target.startswith(("#", "data:", "/")) or "://" in target:
            return m.group(0)
        return f"url({posixpath.relpath(posixpath.join(part_dir, target), bundle_dir)})"

    return re.sub(r"url\(([^)]*)\)", repl, css)


def write_assets(dest: Path | str) -> Path:
    """Write every vendored file at ``dest/<rel>`` if missing or different; returns ``dest``.

    Idempotent and cheap (compares bytes). Each file is written to a temporary name and
    renamed, so a concurrent reader never sees half a file.
    """
    dest = Path(dest)
    for a in ASSETS:
        path = dest / a.rel
        data = asset_bytes(a.name)
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return dest


def ensure_static_assets(static_dir: Path | str = STATIC_DIR) -> Path:
    """Copy the vendored files under ``static_dir/vendor`` (the app calls it at every start).

    Returns the vendor folder.
    """
    return write_assets(Path(static_dir) / "vendor")


def _data_uri(name: str) -> str:
    return "data:image/png;base64," + base64.b64encode(asset_bytes(name)).decode("ascii")


@cache
def inline_text(name: str) -> str:
    """File contents ready to sit inside a ``<script>`` or ``<style>`` element."""
    a = _BY_NAME[name]
    text = asset_bytes(name).decode("utf-8")
    text = _SOURCEMAP_RE.sub("", text.replace("\r\n", "\n"))  # and no .map request from devtools
    if a.kind == "css":
        by_rel = {b.rel.rsplit("/", 1)[-1]: b.name for b in ASSETS if b.kind == "img"}

        def repl(m: re.Match[str]) -> str:
            target = m.group(1).strip("'\"")
            img = by_rel.get(target.rsplit("/", 1)[-1])
            return f"url({_data_uri(img)})" if img and not target.startswith("#") else m.group(0)

        text = re.sub(r"url\(([^)]*)\)", repl, text)
    # A literal "</script" or "</style" would end the element early.
    return text.replace("</script", "<\\/script").replace("</style", "<\\/style")


def _tag(a: Asset) -> re.Pattern[str]:
    """The ``<script src>`` or ``<link href>`` folium writes for a served asset."""
    if a.kind == "js":
        return re.compile(rf'<script\s+src="{re.escape(a.url)}"\s*>\s*</script>')
    return re.compile(rf'<link\s+rel="stylesheet"\s+href="{re.escape(a.url)}"\s*/?>')


def inline_assets(html: str) -> str:
    """Replace links to the vendored files in a rendered page with their contents."""
    for a in ASSETS:
        if a.kind == "js":
            html = _tag(a).sub(lambda _m, a=a: f"<script>/* {a.rel} */\n{inline_text(a.name)}\n</script>", html)
        elif a.kind == "css":
            html = _tag(a).sub(lambda _m, a=a: f"<style>/* {a.rel} */\n{inline_text(a.name)}\n</style>", html)
    return html


def link_assets(html: str, prefix: str) -> str:
    """Point the links to the vendored files at ``prefix + rel`` (a folder :func:`write_assets` filled).

    ``prefix`` must be relative (e.g. ``../static/``): an absolute path would break the page
    from ``file://`` and under a server's sub-path such as ``/briefing/``.
    """
    if prefix.startswith(("/", "\\")) or "://" in prefix or not prefix.endswith("/"):
        raise ValueError(f"asset prefix must be a relative folder ending in '/', not {prefix!r}")
    for a in ASSETS:
        url = escape(prefix + a.rel, quote=True)
        if a.kind == "js":
            html = _tag(a).sub(lambda _m, url=url: f'<script src="{url}"></script>', html)
        elif a.kind == "css":
            html = _tag(a).sub(lambda _m, url=url: f'<link rel="stylesheet" href="{url}"/>', html)
    return html


def assets_digest() -> str:
    """Short hash of everything served, e.g. to key a cache on the asset set."""
    h = hashlib.sha256()
    for a in ASSETS:
        h.update(a.rel.encode())
        h.update(asset_bytes(a.name))
    return h.hexdigest()[:12]
