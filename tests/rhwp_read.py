"""Read a HWPX file back with rhwp-python, as a reader would, and print what it found as JSON.

Run in a subprocess with Debian's FreeType preloaded (``LD_PRELOAD``): rhwp-python 0.8.1's
wheel bundles a FreeType without ``FT_Palette_Data_Get`` and fails to import otherwise, so it is
never imported in the pytest process or the app (tests/test_report.py :func:`read_back`).

    python tests/rhwp_read.py FILE.hwpx PAGE1.png

prints {"pages", "text", "tables": [html], "pictures": [{"bytes", "sha256"}]} and writes page 1
rendered (``render_png``, scale 1) to PAGE1.png.
"""

from __future__ import annotations

import hashlib
import json
import sys


def main(path: str, png_out: str) -> None:
    import rhwp  # only here: see the module docstring

    doc = rhwp.parse(path)
    ir = doc.to_ir()
    tables = [t["html"] for t in _tables(json.loads(doc.to_ir_json()), [])]
    pictures = []
    for block in _iter_blocks(ir):
        if type(block).__name__ == "PictureBlock":
            raw = doc.bytes_for_image(block)
            pictures.append({"bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()})
    with open(png_out, "wb") as fh:
        fh.write(doc.render_png(0, scale=1.0))
    print(json.dumps({"pages": doc.page_count, "text": doc.extract_text(), "tables": tables, "pictures": pictures}))


def _tables(node: object, out: list) -> list:
    if isinstance(node, dict):
        if node.get("kind") == "table":
            out.append(node)
        for v in node.values():
            _tables(v, out)
    elif isinstance(node, list):
        for v in node:
            _tables(v, out)
    return out


def _iter_blocks(node: object):
    """Every pydantic node of the IR tree (pictures are PictureBlock nodes)."""
    yield node
    fields = getattr(type(node), "model_fields", None)
    if fields is None:
        return
    for name in fields:
        value = getattr(node, name, None)
        for child in value if isinstance(value, list | tuple) else [value]:
            if hasattr(type(child), "model_fields"):
                yield from _iter_blocks(child)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
