"""The app's shared UI code (not pages): the As-of lens, cached reads, guarded writes, and
the frame every page runs in. Streamlit only; the rules stay in bob/."""
