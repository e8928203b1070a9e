"""The page's Streamlit parts that app.py composes: the view held in widgets and the URL
(:mod:`ui.state`), the sidebar with its filters and upload (:mod:`ui.sidebar`), the downloads
(:mod:`ui.exports`). Everything they compute lives in geo/, which has no Streamlit.
"""
