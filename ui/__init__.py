"""Streamlit helpers shared by the entry file and the pages: language, filters, charts, banners."""
