"""Benchmark helpers that need Streamlit, kept out of bob/ (which never imports it)."""
