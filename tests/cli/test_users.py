"""Users on the command line: the first admin, then only an admin manages users; `--actor`
is who acts, audited, with that user's role applied (a refusal: one line, exit 2)."""

import csv
import io

from tests.cli.test_cli import assert_refused, bob

BOSS, PARTNER_USER = "boss@vendor.example", "ops@acme-telecom.example"


def with_users(db):
    assert bob(db, "--actor", "anyone", "users", "add", BOSS, "--role", "admin").returncode == 0
    added = bob(db, "--actor", BOSS, "users", "add", PARTNER_USER, "--role", "partner",
                "--partner", "P1")
    assert added.returncode == 0, added.stderr


def test_users_list_shows_each_role_and_partner(db):
    with_users(db)
    listed = list(csv.DictReader(io.StringIO(bob(db, "--actor", BOSS, "users", "list").stdout)))
    assert [(u["email"], u["role"], u["partner_id"]) for u in listed] == [
        (BOSS, "admin", ""), (PARTNER_USER, "partner", "P1")]


def test_after_the_first_user_only_an_admin_adds_users(db):
    with_users(db)
    assert_refused(bob(db, "--actor", PARTNER_USER, "users", "add", "x@vendor.example",
                       "--role", "viewer"), "may not manage users")


def test_an_unknown_actor_on_a_store_with_users_is_refused_in_one_line(billed):
    with_users(billed)
    assert_refused(bob(billed, "--actor", "cron", "dunning", "--as-of", "2026-11-25"),
                   "cron is not a BoB user")


def test_a_partner_user_may_not_bill_and_the_refusal_is_one_line(billed):
    with_users(billed)
    assert_refused(bob(billed, "--actor", PARTNER_USER, "bill-run", "--month", "2026-12"),
                   "may not run the bill run")


def test_a_partner_users_report_holds_only_its_customers(billed):
    with_users(billed)
    rows = list(csv.DictReader(io.StringIO(bob(
        billed, "--actor", PARTNER_USER, "report", "invoices", "--as-of", "2026-12-01").stdout)))
    assert rows and {row["customer_id"] for row in rows} == {"C1"}


def test_every_change_names_its_actor_in_the_audit_log(billed):
    with_users(billed)
    assert bob(billed, "--actor", BOSS, "set-email", "--customer", "C1", "--email",
               "new@bolt.example").returncode == 0
    trail = list(csv.DictReader(io.StringIO(bob(billed, "--actor", BOSS, "audit").stdout)))
    assert trail[0]["actor"] == BOSS and trail[0]["action"] == "set-email"


def test_removing_a_user_takes_their_access_away(db):
    with_users(db)
    assert bob(db, "--actor", BOSS, "users", "remove", PARTNER_USER).returncode == 0
    assert_refused(bob(db, "--actor", PARTNER_USER, "report", "aging"), "is not a BoB user")


def test_config_production_marks_the_store(db):
    with_users(db)
    assert bob(db, "--actor", BOSS, "config", "--production").returncode == 0
    assert_refused(bob(db, "--actor", PARTNER_USER, "config", "--production"),
                   "may not manage users")
