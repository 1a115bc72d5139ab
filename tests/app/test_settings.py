"""The Settings page: payment terms and sales tax by state, validated and audited as
`python -m bob config` is, the effect said before saving; SMTP shown without its password."""

from bob import audit, config
from tests.app.conftest import AS_OF


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_the_effect_is_said_before_saving(demo_db, app):
    at = app("pages/settings.py")
    assert any("applies to invoices issued from now on" in c.value.lower() for c in at.caption)


def test_saving_payment_terms_is_audited_with_before_and_after(demo_db, app):
    at = app("pages/settings.py")
    at.number_input(key="settings_terms").set_value(45).run()
    button(at, "Save payment terms").click().run()
    assert config.billing_settings(demo_db)["payment_terms_days"] == 45
    trail = audit.audit_trail(demo_db, entity="payment_terms_days").rows
    assert trail.iloc[0]["details"] == "30 -> 45"


def test_a_state_rate_is_saved_as_a_percentage(demo_db, app):
    at = app("pages/settings.py")
    at.selectbox(key="settings_state").set_value("OR").run()
    at.text_input(key="settings_rate").set_value("1.5%").run()
    button(at, "Save the OR rate").click().run()
    assert config.billing_settings(demo_db)["tax_rates"]["OR"] == "0.01500"


def test_a_bad_rate_is_refused_with_the_rule_and_nothing_saved(demo_db, app):
    at = app("pages/settings.py")
    at.text_input(key="settings_rate").set_value("7,25%").run()
    button(at, "Save the AK rate").click().run()
    assert at.error and "AK" not in config.billing_settings(demo_db)["tax_rates"]


def test_smtp_is_shown_without_its_password(demo_db, app, monkeypatch):
    monkeypatch.setenv("BOB_SMTP_HOST", "smtp.vendor.example")
    monkeypatch.setenv("BOB_SMTP_PORT", "587")
    monkeypatch.setenv("BOB_SMTP_USER", "bob@vendor.example")
    monkeypatch.setenv("BOB_SMTP_PASSWORD", "hunter2-secret")
    at = app("pages/settings.py")
    shown = at.success[0].value
    assert "smtp.vendor.example, port 587, security starttls" in shown
    assert "hunter2-secret" not in shown


def test_saving_is_disabled_under_the_lens(demo_db, app):
    at = app("pages/settings.py", as_of=AS_OF.replace(day=30))
    assert button(at, "Save payment terms").disabled
