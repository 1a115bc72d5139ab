"""The audit trail: who changed what, and when, newest first; filter by entity, actor and
day, download as CSV. `?entity=invoice:12` opens it on one entity."""

import streamlit as st

from bob import audit
from ui import common
from ui.audit_history import COLUMNS

LIMIT = 500

st.title("Audit trail")
if not common.has_data():
    common.empty_state(common.NO_DATA)
    st.stop()
top = st.columns([2, 2, 1])
entity = top[0].text_input("Entity", value=st.query_params.get("entity", ""),
                           key="audit_entity", placeholder="invoice:1042, or a bare id: 1042")
actor = top[1].selectbox("Who", common.load(audit.actors), index=None, key="audit_actor",
                         placeholder="Everyone")
since = top[2].date_input("Since", value=None, key="audit_since", format="YYYY-MM-DD",
                          help="Changes stored on or after this day (the machine's clock).")
filters = {"entity": entity.strip() or None, "actor": actor, "since": since}
trail = common.load(audit.audit_trail, **filters, limit=LIMIT)
st.metric("Changes", f"{trail.matching:,}")
if trail.rows.empty:
    common.empty_state("No change matches these filters.")
    st.stop()
st.dataframe(trail.rows[["entity", *COLUMNS]], hide_index=True,
             column_config={"entity": "Entity", **COLUMNS})
st.caption(f"Showing the newest {len(trail.rows):,} of {trail.matching:,}; filter to narrow, "
           "or download them all." if trail.cut else f"{trail.matching:,} changes, newest first.")
db = str(common.db_path())
st.download_button("Download CSV", icon=":material/download:", mime="text/csv",
                   on_click="ignore", file_name="audit.csv",
                   data=lambda: audit.trail_csv(db, **filters))
