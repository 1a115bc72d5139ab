"""One entity's own audit rows (an invoice's, a payment's, a customer's) in a small expander:
not a page, a block the detail pages add."""

import streamlit as st

from bob import audit
from ui import common

LIMIT = 50
COLUMNS = {"logged_at": st.column_config.DatetimeColumn("When", format="YYYY-MM-DD HH:mm"),
           "actor": "Who", "action": "What", "details": "Details"}


def history(entity: str) -> None:
    trail = common.load(audit.audit_trail, entity=entity, limit=LIMIT)
    with st.expander(f"History ({trail.matching:,})", icon=":material/history:"):
        if trail.rows.empty:
            st.caption(f"No change of {entity} is recorded.")
            return
        st.dataframe(trail.rows[list(COLUMNS)], column_config=COLUMNS, hide_index=True)
        if trail.cut:
            st.caption(f"The newest {len(trail.rows):,} of {trail.matching:,} changes.")
        st.page_link("pages/audit.py", label="Open in the audit trail",
                     icon=":material/manage_search:", query_params={"entity": entity})
