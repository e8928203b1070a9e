"""folium elements for an offline page: Leaflet from the app's static folder, our scripts and styles.

- :class:`OfflineMap` / :class:`OfflineMarkerCluster` override ``default_js``/``default_css`` as
  class attributes of subclasses (never folium's own lists), so no CDN is named.
- :class:`Script` and :class:`PageStyle` render straight into the figure (branca would compile
  every rendered script, geometry included, as a Jinja template).
- :func:`freeze_ids` replaces folium's random ids, so equal inputs give equal bytes and
  streamlit-folium's component key stays put.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, ClassVar

import folium
import folium.plugins
from branca.element import Element, MacroElement
from folium.template import Template

from geo import offline

# --------------------------------------------------------------------------- determinism


def freeze_ids(root: Element, scope: str) -> None:
    """Replace folium's random element ids with ids derived from scope and tree position.

    Ids stay 32 hex characters like folium's, so streamlit-folium's variable renaming
    (which matches ``_[a-z0-9]+``) treats them exactly as it treats folium's own.
    """
    n = 0

    def walk(el: Element) -> None:
        nonlocal n
        el._id = hashlib.md5(f"{scope}/{n}".encode()).hexdigest()
        n += 1
        for child in list(el._children.values()):
            walk(child)

    walk(root)


class OfflineMap(folium.Map):
    """folium.Map whose Leaflet comes from the app's static folder (or is inlined on export).

    Markercluster is loaded with the base map too: streamlit-folium loads scripts only when the
    component mounts, and a clustered layer may arrive later with a filter change.
    """

    default_js: ClassVar[list[tuple[str, str]]] = list(offline.JS_LINKS)
    default_css: ClassVar[list[tuple[str, str]]] = list(offline.CSS_LINKS)

    def __init__(self, *, tiles: str | None = None, attr: str | None = None, **kwargs: Any):
        super().__init__(tiles=tiles, attr=attr, **kwargs)

    def render(self, **kwargs: Any) -> None:
        """folium's render, with a viewport that lets people zoom the page (see :func:`zoomable`)."""
        super().render(**kwargs)
        header = self.get_root().header
        name = self.get_name()
        if name in header._children:
            header.add_child(_Raw(zoomable(header._children[name].render())), name=name)


_VIEWPORT_RE = re.compile(r"<meta\s+name=[\"']viewport[\"'][^>]*>", re.IGNORECASE)
VIEWPORT_META = '<meta name="viewport" content="width=device-width, initial-scale=1.0" />'


def zoomable(header_html: str) -> str:
    """folium's map header says ``maximum-scale=1.0, user-scalable=no``: nobody could pinch-zoom
    the map page or the export (WCAG 1.4.4 resize text; axe ``meta-viewport``). Keep the width."""
    return _VIEWPORT_RE.sub(VIEWPORT_META, header_html)


class OfflineMarkerCluster(folium.plugins.MarkerCluster):
    """MarkerCluster with the vendored markercluster files instead of the CDN copies folium names."""

    default_js: ClassVar[list[tuple[str, str]]] = list(offline.CLUSTER_JS_LINKS)
    default_css: ClassVar[list[tuple[str, str]]] = list(offline.CLUSTER_CSS_LINKS)


class _Raw(Element):
    """Already-rendered text. branca wraps each rendered macro in a new Element whose template
    is that text, i.e. it compiles every script (with its geometry) as Jinja; this does not."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _FastMacro(MacroElement):
    """MacroElement rendering its header/script macros straight into the figure (no recompiling)."""

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        module = self._template.module
        for part in ("header", "html", "script"):
            macro = getattr(module, part, None)
            if macro is not None:
                getattr(figure, part).add_child(_Raw(str(macro(self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class PageStyle(_FastMacro):
    """All CSS of the map, in the page header (streamlit-folium injects the header once)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        {% endmacro %}
        """
    )

    def __init__(self, css: str):
        super().__init__()
        self._name = "PageStyle"
        self.css = css


class Script(_FastMacro):
    """A script block referring to its parent as ``PARENT`` (and the map as ``MAP``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (PARENT) {
        {{ this.code }}
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, code: str, name: str = "KdimScript"):
        super().__init__()
        self._name = name
        self.code = code
