"""Korea Regional Digital Innovation Map: everything but the Streamlit page.

Modules own one capability each (see ../shared/design.md): regions (names, codes),
boundaries (layers), programs (records), join (aggregates, reconciliation),
maps (folium), export (HTML/PNG/PDF/CSV).
"""
