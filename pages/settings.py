"""Settings: payment terms and sales tax by state (bob.config.configure, validated and audited
as `python -m bob config` is), and whether email goes out over SMTP (never the password)."""

from decimal import Decimal

import streamlit as st

from bob import access, config, reports
from bob.errors import BobError
from bob.notices import SmtpConfig
from bob.places import US_STATES
from ui import common, frame

frame.require()

TERMS, STATE, RATE, FLASH = "settings_terms", "settings_state", "settings_rate", "settings_flash"


def save(**change) -> None:
    result = common.write(config.configure, **change)
    if result:
        st.session_state[FLASH] = "Saved. " + config.EFFECT
        st.rerun()


def payment_terms(current: dict) -> None:
    st.subheader("Payment terms")
    days = st.number_input("Days from the invoice date to its due date", min_value=0,
                           max_value=365, step=1, value=current["payment_terms_days"],
                           key=TERMS)
    st.caption(f"Now {current['payment_terms_days']} days. {config.EFFECT}")
    if st.button("Save payment terms", icon=":material/save:",
                 disabled=common.blocked(access.SETTINGS) or days == current["payment_terms_days"],
                 help=common.blocked_reason(access.SETTINGS)):
        save(payment_terms_days=int(days))


def sales_tax(current: dict) -> None:
    st.subheader("Sales tax by state")
    rates = current["tax_rates"]
    st.dataframe([{"State": state, "Rate": reports.percent(Decimal(rate))}
                  for state, rate in rates.items()], hide_index=True)
    st.caption("A state not listed is taxed at 0%.")
    left, right = st.columns(2)
    state = left.selectbox("State", sorted(US_STATES), key=STATE)
    was = rates.get(state)
    rate = right.text_input("New rate", key=RATE, placeholder="e.g. 7.25%",
                            help="A percentage (7.25%) or a fraction (0.0725).")
    st.caption(f"{state} is now taxed at {reports.percent(Decimal(was)) if was else '0%'}. "
               f"{config.EFFECT}")
    if st.button(f"Save the {state} rate", icon=":material/save:",
                 disabled=common.blocked(access.SETTINGS) or not rate.strip(),
                 help=common.blocked_reason(access.SETTINGS)):
        save(tax_rates=[f"{state}={rate.strip()}"])


def smtp() -> None:
    st.subheader("Email delivery")
    try:
        smtp_config = SmtpConfig.from_env()
    except BobError as error:
        st.error(f"SMTP is misconfigured: {error}", icon=":material/error:")
        return
    if smtp_config is None:
        st.info("SMTP is not configured: emails wait in the outbox. Set BOB_SMTP_HOST (and "
                "port, security, user, password, from) or an [smtp] table in "
                ".streamlit/secrets.toml.", icon=":material/mail:")
        return
    st.success(f"SMTP is configured: {smtp_config.host}, port {smtp_config.port}, "
               f"security {smtp_config.security}, sent from {smtp_config.sender}"
               + (f", signed in as {smtp_config.user}." if smtp_config.user else "."),
               icon=":material/mail:")


st.title("Settings")
message = st.session_state.pop(FLASH, None)
if message:
    st.success(message, icon=":material/check_circle:")
current = common.load(config.billing_settings)
payment_terms(current)
sales_tax(current)
smtp()
st.caption("Every change of a setting is in the Audit trail (action `config`), with the "
           "value before and after.")
