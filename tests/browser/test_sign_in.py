"""Sign-in through a real OpenID Connect provider on loopback (oidc-provider-mock): a
partner user sees only its own customers and cannot bill or cancel, a finance user sees
everything, and an email BoB does not know sees only that it has no access."""

import shutil
import socket

import pytest

import bob
from bob import users
from bob.access import ADMIN, FINANCE, PARTNER
from tests.browser.conftest import PARTNER as HARBORVIEW
from tests.browser.conftest import TARGET, streamlit_server
from tests.conftest import change

FINANCE_EMAIL, PARTNER_EMAIL = "fin@vendor.example", "ops@harborview.example"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def provider():
    oidc = pytest.importorskip("oidc_provider_mock")
    with oidc.run_server_in_thread(port=_free_port()) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def signed_in_app(app, provider, tmp_path_factory):
    """A second server on a copy of the store with users, its secrets.toml holding [auth]."""
    workdir = tmp_path_factory.mktemp("sign-in")
    db = workdir / "bob.duckdb"
    shutil.copyfile(app.store.db, db)
    today = app.store.as_of
    change(db, users.add_user, "admin@vendor.example", ADMIN, today=today)
    for email, role, partner in ((FINANCE_EMAIL, FINANCE, None),
                                 (PARTNER_EMAIL, PARTNER, HARBORVIEW["id"])):
        change(db, users.add_user, email, role, partner, today=today,
               actor="admin@vendor.example")
    secrets = workdir / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-that-is-long-enough-0123456789"\n'
        'client_id = "bob-test"\n'
        'client_secret = "bob-test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n')
    with streamlit_server(db, workdir / "streamlit.log", today,
                          options=("--secrets.files", str(secrets))) as url:
        yield url, db


@pytest.fixture
def sign_in(browser, signed_in_app):
    contexts = []

    def as_user(email: str):
        url, _ = signed_in_app
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, base_url=url)
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        page.get_by_role("button", name="Sign in").click()
        page.locator("input[name=sub][type=text]").fill(email)
        page.get_by_role("button", name="Authorize").click()
        page.wait_for_url(f"{url}/**")
        page.get_by_text("Signed in as").wait_for()
        return page
    yield as_user
    for context in contexts:
        context.close()


def _another_partners_customer(db, today) -> str:
    listed = bob.customers(db, as_of=today, today=today)
    return listed[listed["partner_id"] != HARBORVIEW["id"]]["customer_name"].iloc[0]


def test_a_partner_sees_only_its_own_customers(sign_in, signed_in_app, app):
    page = sign_in(PARTNER_EMAIL)
    page.get_by_role("link", name="Customers").click()
    page.get_by_text(TARGET["name"]).first.wait_for(state="attached")
    other = _another_partners_customer(signed_in_app[1], app.store.as_of)
    assert page.get_by_text(other).count() == 0
    assert page.get_by_role("link", name="Overview").count() == 0


def test_a_partner_cannot_run_the_dunning_job(sign_in):
    page = sign_in(PARTNER_EMAIL)
    page.get_by_role("link", name="Dunning").click()
    assert page.get_by_role("button", name="Run today's dunning").is_disabled()


def test_finance_sees_every_page_and_may_run_the_dunning_job(sign_in, signed_in_app, app):
    page = sign_in(FINANCE_EMAIL)
    assert page.get_by_role("link", name="Overview").count() == 1
    page.get_by_role("link", name="Dunning").click()
    assert page.get_by_role("button", name="Run today's dunning").is_enabled()
    page.get_by_role("link", name="Customers").click()
    page.get_by_text(_another_partners_customer(signed_in_app[1], app.store.as_of)).first \
        .wait_for(state="attached")


def test_an_unknown_email_has_no_access(sign_in_unknown):
    page = sign_in_unknown
    assert page.get_by_text("You have no access to BoB; ask an admin").count() == 1
    page.get_by_role("button", name="Sign out").wait_for()
    assert page.get_by_role("link", name="Customers").count() == 0


@pytest.fixture
def sign_in_unknown(browser, signed_in_app):
    url, _ = signed_in_app
    context = browser.new_context(base_url=url)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name=sub][type=text]").fill("stranger@elsewhere.example")
    page.get_by_role("button", name="Authorize").click()
    page.get_by_text("You have no access to BoB").wait_for()
    yield page
    context.close()
