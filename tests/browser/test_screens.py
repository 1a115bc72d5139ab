"""The app as people see it, in a real browser: figures fit their cards, the columns read
first are on screen, the subscriptions editor refuses a wrong price in plain words, and the
activation wizard keeps what was typed and says up front when it cannot be used.

The grid (glide-data-grid) draws on a canvas; its hidden accessible table lists the columns
it draws, so a header missing there is off-screen (the grid scrolls sideways to reach it).
"""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from bob import overview
from bob.money import format_money
from tests.browser.conftest import DRAFT, DRAFT_SUBS, FOREIGN, FOREIGN_PARTNER, LARGE, LARGE_SUB
from tests.browser.test_main_flows import SLOW, open_page, settle, shot

LARGE_FIGURE = Decimal(100_000_000)
ROW = 35  # px: the grid's header and row height
START_WIDTH = PRICE_WIDTH = 120  # px: the editor's first two columns (pages/subscriptions.py)


@pytest.fixture
def sized_page(browser, app):
    """`sized_page(width, height)`: a page of that viewport on the app."""
    contexts = []

    def make(width: int, height: int) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height},
                                      base_url=app.url, locale="en-US")
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()
    yield make
    for context in contexts:
        context.close()


def open_link(page: Page, path: str, heading: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=SLOW)
    settle(page)


def drawn_headers(grid) -> list[str]:
    """The headers of the columns the grid draws (those on screen), left to right."""
    expect(grid.locator("table[role=grid] thead th").first).to_be_attached(timeout=SLOW)
    return grid.locator("table[role=grid] thead th").all_inner_texts()


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1280, 720)])
def test_money_cards_fit_their_boxes_and_tell_the_exact_figure(sized_page, bob_store,
                                                               screenshots, width, height):
    board = overview.dashboard(bob_store.db, as_of=bob_store.as_of, today=bob_store.as_of)
    assert board.open_receivables >= LARGE_FIGURE
    page = sized_page(width, height)
    open_page(page, "Overview")
    values = page.get_by_test_id("stMetricValue")
    expect(values.first).to_be_visible(timeout=SLOW)
    overflowing = values.evaluate_all("""values => values.filter(value => {
        const text = value.querySelector('[data-testid=stMarkdownContainer]') || value;
        return text.scrollWidth > text.clientWidth || value.scrollWidth > value.clientWidth;
    }).map(value => value.innerText)""")
    assert overflowing == [], f"at {width}x{height} these card values overflow their box"
    shot(page, screenshots, f"10-overview-cards-{width}x{height}")
    card = page.get_by_test_id("stMetric").filter(has_text="Open receivables")
    card.get_by_test_id("stTooltipIcon").hover()
    expect(page.get_by_test_id("stTooltipContent")).to_contain_text(
        format_money(board.open_receivables))


@pytest.mark.parametrize(("title", "tab", "header"), [
    ("Customers", None, "Overdue"), ("Invoices", None, "Days overdue"),
    ("Dunning", "What-if report", "Stage"), ("Notices", None, "Delivery")])
def test_the_columns_read_first_are_on_screen_at_1440_by_900(sized_page, screenshots, title,
                                                             tab, header):
    page = sized_page(1440, 900)
    open_page(page, title)
    if tab:
        page.get_by_role("tab", name=tab).click()
        settle(page)
    grids = page.get_by_test_id("stDataFrame")
    expect(grids.last.locator("table[role=grid]")).to_be_attached(timeout=SLOW)
    grid = grids.last if tab else grids.first  # the what-if's invoices are its last table
    drawn = drawn_headers(grid)
    shot(page, screenshots, f"11-columns-{title.lower()}")
    assert header in drawn, f"{title}: {header!r} is off-screen; on screen: {drawn}"
    assert drawn[-1] != header or grid.locator("table[role=grid]").get_attribute(
        "aria-colcount") == str(len(drawn)), f"{title}: {header!r} is cut off at the edge"


def type_price(page: Page, text: str) -> None:
    """Type `text` into the first row's price, the editor's second column."""
    box = page.get_by_test_id("stDataFrame").first.bounding_box()
    page.mouse.dblclick(box["x"] + START_WIDTH + PRICE_WIDTH / 2, box["y"] + ROW * 1.5)
    cell = page.locator("#portal textarea")  # the grid's cell editor, opened on top of it
    cell.fill(text)
    cell.press("Enter")
    settle(page)


def test_the_subscriptions_editor_refuses_a_wrong_price_and_names_what_it_saved(
        sized_page, screenshots):
    page = sized_page(1440, 900)
    open_link(page, f"/subscriptions?customer={LARGE['id']}", "Subscriptions")
    grid = page.get_by_test_id("stDataFrame").first
    assert drawn_headers(grid)[:2] == ["Start date ✎", "Price ✎"]
    save = page.get_by_role("button", name="Save")
    for typed, words in (("-5", "cannot be negative"), ("1.999", "whole cents")):
        type_price(page, typed)
        expect(page.get_by_test_id("stAlertContentError")).to_contain_text(words)
        expect(save).to_be_disabled()
    shot(page, screenshots, "12-subscriptions-refused")
    type_price(page, "44000")
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    expect(save).to_have_count(1)  # the refused run's button has gone
    expect(save).to_be_enabled()
    save.click()
    expect(page.get_by_text(f"Saved the new price of {LARGE_SUB['id']} ($44,000.00).")
           ).to_be_visible(timeout=SLOW)


def test_the_wizard_keeps_a_price_typed_for_the_second_subscription(sized_page, screenshots):
    page = sized_page(1440, 900)
    open_link(page, f"/customers?customer={DRAFT['id']}", DRAFT["name"])
    page.get_by_role("button", name="Billing on Behalf Activation").click()
    email = page.get_by_label("Billing email")
    email.fill("ap@kestrel.example")
    email.press("Enter")
    settle(page)
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_text("Step 2 of 4")).to_be_visible(timeout=SLOW)
    for sub in DRAFT_SUBS:
        page.get_by_label("Subscriptions to change").click()
        page.get_by_role("option", name=f"{sub['product']} × 1 ({sub['id']})").click()
        page.keyboard.press("Escape")
        settle(page)
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_text("1 of 2")).to_be_visible(timeout=SLOW)
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_text("2 of 2")).to_be_visible(timeout=SLOW)
    price = page.get_by_role("textbox", name="Price (USD per unit and month)")
    price.fill("1.999")
    price.press("Enter")
    settle(page)
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("whole cents")
    price.fill("7.25")
    price.press("Enter")
    settle(page)
    page.get_by_role("button", name="Back", exact=True).click()
    expect(page.get_by_text("1 of 2")).to_be_visible(timeout=SLOW)
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_text("2 of 2")).to_be_visible(timeout=SLOW)
    expect(page.get_by_role("textbox", name="Price (USD per unit and month)")).to_have_value("7.25")
    shot(page, screenshots, "13-wizard-draft-kept")


def test_a_partner_abroad_is_named_up_front_with_no_activation_offered(sized_page):
    page = sized_page(1440, 900)
    open_link(page, f"/customers?customer={FOREIGN['id']}", FOREIGN["name"])
    expect(page.get_by_text(f"available for US partners only; {FOREIGN_PARTNER['name']} is "
                            f"in {FOREIGN_PARTNER['country']}")).to_be_visible()
    expect(page.get_by_role("button", name="Billing on Behalf Activation")).to_have_count(0)
