"""axe-core in the browser, offline: the script comes from the pinned PyPI package
``axe-playwright-python`` (its wheel ships ``axe.min.js``, axe-core 4.12.1, MPL-2.0), never from
the network. Its own ``Axe.run`` injects axe into the top document only; Streamlit draws the map
inside an iframe, so :func:`run_axe` injects it into every frame first and runs with
``iframes: true`` (axe's frame messenger then checks each frame and reports nodes inside one
with a two-part target: iframe selector, element selector).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Frame, Page

# WCAG 2.0 and 2.1, levels A and AA: what KWCAG 2.2 (and so Korea's public-sector web) asks.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VERSION_JS = "() => window.axe ? window.axe.version : null"


def inject(page: Page) -> int:
    """Put axe into every frame of the page (once each); returns how many frames have it."""
    n = 0
    for frame in page.frames:
        if frame.is_detached():
            continue
        if not frame.evaluate(VERSION_JS):
            frame.evaluate(AXE_SCRIPT)
        n += 1
    return n


def run_axe(target: Page | Frame, *, iframes: bool = True) -> dict[str, Any]:
    """axe.run over the document of a page (and its frames) or of one frame alone."""
    if isinstance(target, Page):
        inject(target)
    elif not target.evaluate(VERSION_JS):
        target.evaluate(AXE_SCRIPT)
    options = {
        "runOnly": {"type": "tag", "values": TAGS},
        "resultTypes": ["violations"],
        "iframes": iframes,
        "frameWaitTime": 20_000,
    }
    return target.evaluate("opts => axe.run(document, opts)", options)


def violations(results: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(rule id, impact, node count) per violated rule."""
    return [(v["id"], v.get("impact") or "", len(v["nodes"])) for v in results["violations"]]


def framed_nodes(results: dict[str, Any]) -> int:
    """Checked nodes that lie inside an iframe (their target has a frame part): proof axe went in."""
    n = 0
    for kind in ("passes", "violations", "incomplete", "inapplicable"):
        for rule in results.get(kind, []):
            n += sum(1 for node in rule.get("nodes", []) if len(node.get("target", [])) > 1)
    return n


def report(name: str, results: dict[str, Any], out_dir: Path | None = None) -> list[tuple[str, str, int]]:
    """Print one line per violated rule (and each node's target), save the summary, return it."""
    found = violations(results)
    print(f"\naxe {results.get('testEngine', {}).get('version')} · {name}: {len(found)} rule(s) violated")
    for rule, impact, n in found:
        print(f"  {rule} ({impact}): {n} node(s)")
    for v in results["violations"]:
        for node in v["nodes"][:8]:
            print(f"    {v['id']}: {node['target']} {node.get('failureSummary', '')[:200]!r}")
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        slim = [{"id": r, "impact": i, "nodes": n} for r, i, n in found]
        (out_dir / f"{name}.json").write_text(json.dumps(slim, ensure_ascii=False, indent=1), encoding="utf-8")
    return found
