"""The two flows users depend on, in a real browser against the real app and store:

1. an account manager finds a US partner's customer and activates Billing on Behalf through
   the wizard (start date, billing email, one subscription's start date and price, review,
   Confirm), then sees BoB Information; the store holds exactly that activation;
2. finance opens the what-if overdue report for a day 40 days ahead and sees the overdue
   invoices and the amount at risk the report API computes;
and the As-of lens around them: viewing another day says so, disables the writes, and "Back to
today" returns.

Streamlit reruns the script after each interaction, so every step waits for the content the
step should produce (auto-waiting locators) and for the "Running..." icon to go away.
Screenshots of each step land in tests/browser/screenshots/ (git-ignored).
"""

import re
from datetime import date, timedelta
from decimal import Decimal

from playwright.sync_api import Page, expect

import bob
from bob import reports
from bob.money import format_compact, format_money
from bob.months import first_of_next_month, long_date
from tests.conftest import preview

EMAIL = "ap@juniper-browser.example"
FAX_PRICE = "7.50"
WHATIF_DAYS = 40
SLOW = 30_000  # ms: a rerun that reads the store can take a few seconds on a busy machine


def settle(page: Page) -> None:
    """Wait for the current rerun to finish (the status widget's running icon is gone)."""
    page.wait_for_timeout(150)
    expect(page.get_by_test_id("stStatusWidgetRunningIcon")).to_have_count(0, timeout=SLOW)


def shot(page: Page, screenshots, name: str) -> None:
    """A full-page screenshot. Streamlit scrolls inside its main container, not the page, so
    the viewport grows to that container's height for the picture, then shrinks back."""
    settle(page)
    viewport = page.viewport_size
    height = page.get_by_test_id("stMain").evaluate("main => main.scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": max(height, viewport["height"])})
    try:
        page.screenshot(path=screenshots / f"{name}.png", full_page=True)
    finally:
        page.set_viewport_size(viewport)


def set_date(page: Page, label: str, day: date) -> None:
    """Type a date into a Streamlit date input (segments year-month-day, format YYYY-MM-DD).

    The widget sends its value when focus leaves it: the first Tab closes the calendar
    popover that opened on click, the second moves focus out of the field.
    """
    page.get_by_role("spinbutton", name=f"year, {label}").click()
    page.keyboard.type(day.strftime("%Y%m%d"))
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.evaluate("document.activeElement?.blur()")  # no tooltip on whatever got the focus
    settle(page)


def metric(page: Page, label: str):
    """The value of the st.metric labelled `label`."""
    box = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
    return box.get_by_test_id("stMetricValue")


def fact(page: Page, label: str, value: str):
    """A label shown with its value: an st.metric, or a markdown "label / **value**" pair."""
    return page.locator("[data-testid=stMetric], [data-testid=stMarkdownContainer]").filter(
        has=page.get_by_text(label, exact=True)).filter(has=page.get_by_text(value, exact=True))


def open_page(page: Page, title: str) -> None:
    """Open the app at its root (the entry file's navigation), then a page from the sidebar."""
    page.goto("/")
    expect(page.get_by_role("group", name="As of")).to_be_visible(timeout=SLOW)
    settle(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=SLOW)
    settle(page)


def test_account_manager_activates_billing_on_behalf(page: Page, bob_store, screenshots):
    as_of = bob_store.as_of
    start = first_of_next_month(as_of)
    fax_start = start + timedelta(days=15)
    name = bob_store.target_name

    # Customers: search, then select the one row to open the account profile.
    open_page(page, "Customers")
    search = page.get_by_role("textbox", name="Search")
    search.fill("Juniper Browser")
    search.press("Enter")
    settle(page)
    grid = page.get_by_test_id("stDataFrame").first
    table = grid.locator("table[role=grid]")  # glide's hidden accessible table
    expect(table).to_have_attribute("aria-rowcount", "2", timeout=SLOW)  # header + one row
    expect(table).to_contain_text(name)
    expect(table).to_contain_text("Not activated")
    shot(page, screenshots, "01-customers-search")
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # the first row's selection checkbox
    expect(page).to_have_url(re.compile(rf"customer={bob_store.target_id}"), timeout=SLOW)
    expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("Billing on Behalf is not active for this customer.")).to_be_visible()
    settle(page)

    # Step 1: start date and billing email.
    page.get_by_role("button", name="Billing on Behalf Activation").click()
    expect(page.get_by_text("Step 1 of 4")).to_be_visible(timeout=SLOW)
    settle(page)
    expect(page.get_by_text(f"{long_date(start)} at the earliest")).to_be_visible()
    set_date(page, "Start date", start)
    email = page.get_by_label("Billing email")
    email.fill(EMAIL)
    email.press("Enter")
    settle(page)
    shot(page, screenshots, "02-wizard-start-and-email")
    page.get_by_role("button", name="Next", exact=True).click()

    # Step 2: select the subscription whose terms change.
    expect(page.get_by_text("Step 2 of 4")).to_be_visible(timeout=SLOW)
    settle(page)
    page.get_by_label("Subscriptions to change").click()
    fax = bob_store.fax
    fax_label = f"{fax['product']} × {fax['quantity']} ({fax['id']})"
    page.get_by_role("option", name=fax_label).click()
    page.keyboard.press("Escape")
    settle(page)
    shot(page, screenshots, "03-wizard-select-subscription")
    page.get_by_role("button", name="Next", exact=True).click()

    # Step 3: that subscription's start date and price.
    expect(page.get_by_text("Step 3 of 4")).to_be_visible(timeout=SLOW)
    expect(page.get_by_text(f"({bob_store.fax['id']}), list price")).to_be_visible()
    settle(page)
    set_date(page, "Start date", fax_start)
    price = page.get_by_role("textbox", name="Price (USD per unit and month)")
    price.fill(FAX_PRICE)
    price.press("Enter")
    settle(page)
    shot(page, screenshots, "04-wizard-subscription-terms")
    page.get_by_role("button", name="Next", exact=True).click()

    # Step 4: review, with the first invoice as the bill run will issue it, and Confirm.
    expect(page.get_by_text("Step 4 of 4")).to_be_visible(timeout=SLOW)
    confirm = page.get_by_role("button", name="Confirm")
    expect(confirm).to_be_visible(timeout=SLOW)
    review = page.get_by_text(f"Start date {long_date(start)} · billing email {EMAIL}")
    expect(review).to_be_visible()
    expect(page.get_by_text(f"First invoice for {start:%B %Y}")).to_be_visible()
    request = bob.ActivationRequest(bob_store.target_id, start, EMAIL, (
        bob.SubscriptionChange(fax["id"], fax_start, Decimal(FAX_PRICE)),))
    first = preview(bob_store.db, bob.preview_first_invoice, request, today=as_of)["invoice"]
    expect(metric(page, "Total")).to_have_text(format_money(first["total"]))
    shot(page, screenshots, "05-wizard-review")
    confirm.click()

    # Success, and BoB Information shows what was stored.
    success = page.get_by_text(
        f"Billing on Behalf is active for {name} from {long_date(start)}.")
    expect(success).to_be_visible(timeout=SLOW)
    settle(page)
    expect(page.get_by_role("heading", name="Billing on Behalf Information")).to_be_visible()
    expect(fact(page, "Status", "Scheduled")).to_be_visible()
    expect(fact(page, "Start date", long_date(start))).to_be_visible()
    expect(fact(page, "Billing email", EMAIL)).to_be_visible()
    expect(page.get_by_role("button", name="Billing on Behalf Activation")).to_have_count(0)
    shot(page, screenshots, "06-activated")

    profile = bob.customer_profile(bob_store.db, bob_store.target_id, as_of=as_of, today=as_of)
    assert profile["bob_status"] == "Scheduled"
    assert profile["bob_start"] == start
    assert profile["billing_email"] == EMAIL
    terms = profile["subscriptions"].set_index("subscription_id")
    assert terms.loc[bob_store.fax["id"], "bob_start_date"] == fax_start
    assert terms.loc[bob_store.fax["id"], "bob_price"] == Decimal(FAX_PRICE)
    assert terms.loc[bob_store.seats["id"], "bob_start_date"] == start
    assert terms.loc[bob_store.seats["id"], "bob_price"] == Decimal(bob_store.seats["price"])


def test_finance_opens_the_whatif_overdue_report(page: Page, bob_store, screenshots):
    day = bob_store.as_of + timedelta(days=WHATIF_DAYS)
    expected = reports.whatif_report(bob_store.db, as_of=day, today=bob_store.as_of)
    totals = expected["totals"]
    assert totals["overdue_invoices"] > 0 and totals["amount_at_risk"] > 0

    open_page(page, "Dunning")
    page.get_by_role("tab", name="What-if report").click()
    expect(page.get_by_role("group", name="What-if date")).to_be_visible(timeout=SLOW)
    settle(page)
    set_date(page, "What-if date", day)
    expect(page.get_by_text(f"Notices on {long_date(day)}")).to_be_visible(timeout=SLOW)
    settle(page)

    expect(metric(page, "Overdue invoices")).to_have_text(f"{totals['overdue_invoices']:,}")
    expect(metric(page, "Customers overdue")).to_have_text(f"{totals['overdue_customers']:,}")
    # Money cards are compact ($140.4M), the exact figure in their tooltip.
    expect(metric(page, "Amount overdue")).to_have_text(format_compact(totals["overdue_amount"]))
    expect(metric(page, "Amount at risk")).to_have_text(format_compact(totals["amount_at_risk"]))

    heading = page.get_by_text("Overdue invoices, furthest along first")
    expect(heading).to_be_visible()
    rows = page.get_by_test_id("stDataFrame").last.locator("table[role=grid]")
    shown = min(totals["overdue_invoices"], len(expected["rows"]))
    expect(rows).to_have_attribute("aria-rowcount", str(shown + 1))  # header + rows
    expect(rows).to_contain_text(expected["rows"]["customer_name"].iloc[0])
    expect(page.get_by_role("button", name="Download the what-if report (CSV)")).to_be_visible()
    shot(page, screenshots, "07-dunning-whatif")


# Each page of the navigation, in order, and the path of its own link.
NAVIGATION = {"Overview": "overview", "Customers": "customers",
              "Subscriptions": "subscriptions", "Invoices": "invoices", "Bill run": "bill_run",
              "Settings": "settings", "Payments": "payments", "Dunning": "dunning",
              "Notices": "notices", "Audit trail": "audit"}


def test_a_deep_link_on_a_fresh_server_gets_the_app_frame(browser, fresh_app_url, bob_store):
    """No session of this server has opened /: each page, opened by its own link, still
    gets app.py's frame (its navigation, the As-of date, the wide layout), and the shared UI
    code is not a page. Without the frame, no session would ever run app.py here."""
    context = browser.new_context(viewport={"width": 1440, "height": 900},
                                  base_url=fresh_app_url)
    try:
        page = context.new_page()
        for title, path in NAVIGATION.items():
            page.goto(f"/{path}")
            expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(
                timeout=SLOW)
            settle(page)
            links = page.get_by_test_id("stSidebarNav").get_by_role("link").all_inner_texts()
            # Each link reads "<icon name> <title>".
            assert [text.split(maxsplit=1)[-1] for text in links] == list(NAVIGATION), title
            expect(page.get_by_role("group", name="As of")).to_be_visible(timeout=1_000)
            width = page.get_by_test_id("stMainBlockContainer").bounding_box()["width"]
            assert width > 900, f"{title} is laid out narrow ({width:.0f} px)"
        page.goto(f"/customers?customer={bob_store.target_id}")
        expect(page.get_by_role("heading", name=bob_store.target_name)).to_be_visible(
            timeout=SLOW)
        page.goto("/common")
        expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible(
            timeout=SLOW)
    finally:
        context.close()


def test_viewing_another_day_disables_writes_until_back_to_today(page: Page, bob_store):
    today, later = bob_store.as_of, bob_store.as_of + timedelta(days=WHATIF_DAYS)
    open_page(page, "Dunning")
    run = page.get_by_role("button", name="Run today's dunning")
    expect(run).to_be_enabled()
    set_date(page, "As of", later)
    expect(page.get_by_text(f"Viewing {long_date(later)}. Changes happen today, "
                            f"{long_date(today)}.")).to_be_visible(timeout=SLOW)
    expect(run).to_be_disabled()
    page.get_by_role("button", name="Back to today").click()
    settle(page)
    expect(page.get_by_role("button", name="Back to today")).to_have_count(0, timeout=SLOW)
    expect(run).to_be_enabled()
    expect(page.get_by_text(f"Overdue notices as of {long_date(today)}")).to_be_visible()
