"""Who may do what, enforced in bob itself: the permission table for every use case, and a
partner that sees nothing of another partner's customers in any public read."""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

import bob
from bob import audit, config, documents, notices, overview, reports, statements, subscriptions
from bob import users as bob_users
from bob.access import ACCOUNT_MANAGER, ADMIN, FINANCE, PARTNER, VIEWER, Principal
from tests.conftest import ACME, ACTIVATED_ON, DECEMBER, GLOBEX, US_PARTNER, change

OTHER_PARTNER, INITECH = "P-SOUTHWIND", "C-INITECH"
JANUARY_20 = date(2027, 1, 20)
NORTHWIND = Principal("ops@northwind.example", PARTNER, US_PARTNER)
SOUTHWIND = Principal("ops@southwind.example", PARTNER, OTHER_PARTNER)
FINANCE_USER = Principal("fin@vendor.example", FINANCE)


def with_two_us_partners(scenario):
    """Northwind's Acme and Southwind's Initech, each activated, billed for December, paid
    in part, and overdue by 20 January (so each has notices in the outbox)."""
    change(scenario.db, bob.import_accounts, {
        "partners": [{"id": OTHER_PARTNER, "name": "Southwind Resellers", "country": "US",
                      "email": "ops@southwind.example"}],
        "customers": [{"id": INITECH, "partner_id": OTHER_PARTNER, "name": "Initech",
                       "state": "NY"}],
        "subscriptions": [{"id": "S-INITECH", "customer_id": INITECH, "product": "Seats",
                           "quantity": 2, "price": "25.00"}]}, today=ACTIVATED_ON)
    for customer in (ACME, INITECH):
        scenario.activate(customer)
    scenario.bill(DECEMBER)
    for customer in (ACME, INITECH):
        scenario.pay("5.00", customer, on=date(2026, 12, 10))
    scenario.dun(JANUARY_20)


@pytest.fixture
def two_partners(prebuilt, db):
    from tests.conftest import with_accounts

    def recipe(scenario):
        with_accounts(scenario)
        with_two_us_partners(scenario)
    recipe.__name__ = "with_two_us_partners"
    return prebuilt(recipe, db)


def _invoice_of(scenario, customer):
    return scenario.invoice_number(customer, DECEMBER)


def _payment_of(scenario, customer):
    return scenario.value("SELECT id FROM payments WHERE customer_id = ?", [customer])


def _email_of(scenario, customer):
    return scenario.value("SELECT min(id) FROM outbox WHERE customer_id = ?", [customer])


def test_the_permission_table_names_every_role_for_every_use_case():
    may = {role: {action for action in bob.access.PERMISSIONS
                  if Principal("x", role, "P" if role == PARTNER else None).may(action)}
           for role in bob.access.ROLES}
    assert may[VIEWER] == set()
    assert may[ACCOUNT_MANAGER] == {"activate", "set-email", "edit-terms"}
    assert may[PARTNER] == {"activate", "set-email"}
    assert may[FINANCE] == may[ACCOUNT_MANAGER] | {
        "bill-run", "pay", "apply", "release", "cancel", "rebill", "dunning", "deliver",
        "settings"}
    assert may[ADMIN] == set(bob.access.PERMISSIONS)


@pytest.mark.parametrize("principal, use_case, args", [
    (Principal("v@vendor.example", VIEWER), bob.set_billing_email, (ACME, "x@acme.example")),
    (Principal("am@vendor.example", ACCOUNT_MANAGER), bob.bill_run, (DECEMBER,)),
    (Principal("am@vendor.example", ACCOUNT_MANAGER), bob.run_dunning, ()),
    (NORTHWIND, bob.cancel, (1,)),
    (NORTHWIND, bob.release_payments, (1,)),
    (NORTHWIND, bob.record_payment, (bob.PaymentRequest(ACME, Decimal(1), "ACH", DECEMBER),)),
    (NORTHWIND, subscriptions.save_terms, ([],)),
    (FINANCE_USER, bob.import_accounts, ({},)),
    (FINANCE_USER, bob_users.add_user, ("new@vendor.example", VIEWER)),
], ids=lambda value: getattr(value, "__name__", None) or getattr(value, "role", None))
def test_a_role_that_may_not_run_a_use_case_is_refused_and_nothing_is_written(
        two_partners, principal, use_case, args):
    before = two_partners.counts()
    with pytest.raises(bob.BobError, match="may not .*; ask an admin"):
        change(two_partners.db, use_case, *args, today=JANUARY_20, actor=principal)
    assert two_partners.counts() == before


def test_a_partner_may_not_touch_another_partners_customer_it_reads_as_unknown(two_partners):
    with pytest.raises(bob.BobError, match=f"There is no customer '{INITECH}'"):
        change(two_partners.db, bob.set_billing_email, INITECH, "x@initech.example",
               today=JANUARY_20, actor=NORTHWIND)
    assert two_partners.value("SELECT billing_email FROM activations WHERE customer_id = ?",
                              [INITECH]) == "billing@c-initech.example"


def test_a_partner_changes_its_own_customers_billing_email_and_is_audited(two_partners):
    change(two_partners.db, bob.set_billing_email, ACME, "new@acme.example", today=JANUARY_20,
           actor=NORTHWIND)
    assert two_partners.value("SELECT actor FROM audit_log ORDER BY id DESC LIMIT 1") == (
        NORTHWIND.email)


def test_a_partner_previews_its_customers_first_invoice(two_partners):
    request = bob.ActivationRequest(GLOBEX, date(2027, 2, 1), "ap@globex.example")
    with bob.unit_of_work(two_partners.db, actor=NORTHWIND, today=JANUARY_20,
                          preview=True) as uow:
        assert bob.preview_first_invoice(uow, request)["invoice"]["customer_id"] == GLOBEX


def test_a_name_on_a_store_with_users_is_that_user_with_its_role(two_partners):
    change(two_partners.db, bob_users.add_user, "boss@vendor.example", ADMIN, today=JANUARY_20)
    change(two_partners.db, bob_users.add_user, "ops@northwind.example", PARTNER, US_PARTNER,
           today=JANUARY_20, actor="BOSS@vendor.example")
    with pytest.raises(bob.BobError, match=r"partner P-NORTHWIND\) may not run the bill run"):
        change(two_partners.db, bob.bill_run, DECEMBER, today=JANUARY_20,
               actor="ops@northwind.example")
    with pytest.raises(bob.BobError, match="cron is not a BoB user; ask an admin"):
        change(two_partners.db, bob.run_dunning, today=JANUARY_20, actor="cron")


def test_the_first_user_is_an_admin_and_then_only_an_admin_manages_users(two_partners):
    with pytest.raises(bob.BobError, match="The first user must be an admin"):
        change(two_partners.db, bob_users.add_user, "v@vendor.example", VIEWER, today=JANUARY_20)
    change(two_partners.db, bob_users.add_user, "boss@vendor.example", ADMIN, today=JANUARY_20)
    with pytest.raises(bob.BobError, match="anyone is not a BoB user"):
        change(two_partners.db, bob_users.add_user, "v@vendor.example", VIEWER,
               today=JANUARY_20, actor="anyone")


@pytest.mark.parametrize("role, partner_id, message", [
    (PARTNER, None, "A partner user needs --partner"),
    (FINANCE, US_PARTNER, "Only a partner user belongs to a partner"),
    (PARTNER, "P-NOWHERE", "There is no partner 'P-NOWHERE'"),
    ("owner", None, "The role must be one of"),
])
def test_a_user_needs_a_known_role_and_a_partner_exactly_when_partner(two_partners, role,
                                                                       partner_id, message):
    change(two_partners.db, bob_users.add_user, "boss@vendor.example", ADMIN, today=JANUARY_20)
    with pytest.raises(bob.BobError, match=message):
        change(two_partners.db, bob_users.add_user, "u@vendor.example", role, partner_id,
               today=JANUARY_20, actor="boss@vendor.example")


# --- reads: a partner sees only its own partner's rows, in every public read ----------------

def _every_read(scenario, principal):
    """Every public read a screen or a command uses, as `principal` reads it, as text."""
    db, day = scenario.db, JANUARY_20
    acme_invoice, initech_invoice = (_invoice_of(scenario, c) for c in (ACME, INITECH))
    reads = {
        "customers": bob.customers(db, as_of=day, today=day, principal=principal),
        "profile": bob.customer_profile(db, INITECH, as_of=day, today=day, principal=principal),
        "account": overview.account(db, INITECH, as_of=day, today=day, principal=principal),
        "dashboard": overview.dashboard(db, as_of=day, today=day, principal=principal),
        "partners": reports.partners(db, principal=principal),
        "overview partners": overview.partners(db, principal=principal),
        "invoice": bob.invoice_detail(db, initech_invoice, as_of=day, principal=principal),
        "ledger": bob.ledger(db, as_of=day, principal=principal),
        "invoice ledger": reports.invoice_ledger(db, as_of=day, principal=principal),
        "invoice csv": reports.invoice_csv(db, as_of=day, principal=principal),
        "invoice emails": reports.invoice_emails(db, number=initech_invoice, customer_id=INITECH,
                                                 as_of=day, principal=principal),
        "payment": bob.payment_detail(db, _payment_of(scenario, INITECH), day,
                                      principal=principal),
        "payments": reports.payments(db, as_of=day, principal=principal),
        "payment ledger": reports.payment_ledger(db, as_of=day, principal=principal),
        "payments csv": reports.payments_csv(db, as_of=day, principal=principal),
        "whatif report": reports.whatif_report(db, as_of=day, today=day, principal=principal),
        "whatif csv": reports.whatif_csv(db, as_of=day, today=day, principal=principal),
        "whatif": bob.whatif(db, as_of=day, today=day, principal=principal),
        "aging": bob.aging(db, as_of=day, today=day, principal=principal),
        "decisions": bob.decisions(db, as_of=day, principal=principal),
        "timeline": reports.notice_timeline(db, as_of=day, today=day, principal=principal),
        "partner view": reports.partner_view(db, as_of=day, today=day,
                                             partner_id=OTHER_PARTNER, principal=principal),
        "outbox": reports.outbox(db, principal=principal),
        "outbox counts": reports.outbox_counts(db, principal=principal),
        "notices outbox": notices.outbox(db, principal=principal),
        "terms": subscriptions.terms(db, as_of=day, partner_id=OTHER_PARTNER,
                                     principal=principal),
        "audit": audit.audit_trail(db, principal=principal).rows,
        "actors": audit.actors(db, principal=principal),
        "users": bob_users.users(db, principal=principal),
    }
    documents_read = {
        "pdf": lambda: documents.invoice_pdf(db, initech_invoice, as_of=day, principal=principal),
        "statement": lambda: statements.statement_file(db, INITECH, start=DECEMBER, end=day,
                                                       fmt="csv", principal=principal),
        "email": lambda: reports.email_view(db, outbox_id=_email_of(scenario, INITECH),
                                            principal=principal),
    }
    for name, read in documents_read.items():
        try:
            reads[name] = read()
        except bob.BobError as refused:
            reads[name] = f"refused: {refused}"
    return {name: _text(value) for name, value in reads.items()}, acme_invoice


def _text(value) -> str:
    """All of a read's result as text (a DataFrame's every cell, not its abbreviated repr)."""
    if isinstance(value, pd.DataFrame):
        return value.to_csv()
    if isinstance(value, dict):
        return "\n".join(f"{key}: {_text(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return "\n".join(_text(item) for item in value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def test_finance_reads_both_partners(two_partners):
    reads, _ = _every_read(two_partners, FINANCE_USER)
    assert "Initech" in reads["customers"] and "Acme" in reads["customers"]
    assert "Initech" in reads["invoice csv"] and "Initech" in reads["outbox"]
    assert not any(reads[name].startswith("refused") for name in ("pdf", "statement", "email"))


def test_a_partner_reads_nothing_of_another_partners_customers_anywhere(two_partners):
    reads, _ = _every_read(two_partners, NORTHWIND)
    leaks = {name: text for name, text in reads.items()
             if any(word in text for word in ("Initech", INITECH, "Southwind", OTHER_PARTNER,
                                              "billing@c-initech"))
             and not text.startswith("refused: There is no")}
    assert leaks == {}


def test_a_partner_still_reads_its_own_customers(two_partners):
    day = JANUARY_20
    listed = bob.customers(two_partners.db, as_of=day, today=day, principal=NORTHWIND)
    assert set(listed["customer_id"]) == {ACME, GLOBEX}
    assert bob.invoice_detail(two_partners.db, _invoice_of(two_partners, ACME), as_of=day,
                              principal=NORTHWIND) is not None


def test_a_partner_reads_another_partners_invoice_as_not_found(two_partners):
    assert bob.invoice_detail(two_partners.db, _invoice_of(two_partners, INITECH),
                              as_of=JANUARY_20, principal=NORTHWIND) is None
    assert bob.customer_profile(two_partners.db, INITECH, as_of=JANUARY_20, today=JANUARY_20,
                                principal=NORTHWIND) is None


def test_a_partners_totals_are_its_own(two_partners):
    day = JANUARY_20
    mine = reports.invoice_ledger(two_partners.db, as_of=day, principal=NORTHWIND)["total"]
    acme = bob.invoice_detail(two_partners.db, _invoice_of(two_partners, ACME), as_of=day)
    assert mine == acme["invoice"]["total"]


def test_a_partner_asking_for_another_partners_documents_is_told_there_is_none(two_partners):
    reads, _ = _every_read(two_partners, NORTHWIND)
    assert reads["pdf"].startswith("refused: There is no invoice")
    assert reads["statement"] == f"refused: There is no customer '{INITECH}'."
    assert reads["email"].startswith("refused: There is no email")


def test_settings_stay_with_finance(two_partners):
    with pytest.raises(bob.BobError, match="may not change settings"):
        change(two_partners.db, config.configure, payment_terms_days=10, today=JANUARY_20,
               actor=Principal("am@vendor.example", ACCOUNT_MANAGER))
