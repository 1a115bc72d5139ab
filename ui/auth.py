"""Who is signed in: the principal every read and change of this rerun runs as.

With an `[auth]` section in .streamlit/secrets.toml, people sign in with st.login (OpenID
Connect) and their email's role in the store (bob.users) decides the pages and the actions;
an email BoB does not know sees only that it has no access. Without it the app runs in demo
mode: the sidebar says so and offers "View as" (a role, or any partner), and a store marked
production refuses to run at all.
"""

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from bob import access, overview, users
from bob.access import ACCOUNT_MANAGER, ADMIN, FINANCE, PARTNER, VIEWER, Principal

PRINCIPAL = "principal"
VIEW_AS = "view_as"
DEMO_ROLES = {"Finance": FINANCE, "Account manager": ACCOUNT_MANAGER, "Viewer": VIEWER,
              "Admin": ADMIN}
# a partner's screens (the seed's portal, and its own emails); other roles have every page
PARTNER_PAGES = ("customers", "invoices", "payments", "dunning", "notices")  # url paths


def signs_in() -> bool:
    """Whether .streamlit/secrets.toml configures sign-in (an [auth] section)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


def principal() -> Principal | None:
    """Who this rerun runs as (app.py settles it first): None before sign-in or without
    access."""
    return st.session_state.get(PRINCIPAL)


def settle(db) -> Principal | None:
    """Sign in, or read the demo's "View as"; None when the page must show only `gate`'s
    screen (sign in, no access, or a production store in demo mode)."""
    found = _signed_in(db) if signs_in() else _demo_principal(db)
    st.session_state[PRINCIPAL] = found
    return found


def _signed_in(db) -> Principal | None:
    if not st.user.is_logged_in:
        return None
    return users.principal_of(db, str(st.user.email)) if db.exists() else None


def _demo_principal(db) -> Principal | None:
    if db.exists() and users.is_production(db):
        return None
    choice = st.session_state.get(VIEW_AS) or next(iter(DEMO_ROLES))
    if choice in DEMO_ROLES:
        return Principal(f"demo ({choice.lower()})", DEMO_ROLES[choice])
    return Principal(f"demo (partner {choice})", PARTNER, choice)


def gate(db) -> None:
    """The whole page when there is no principal: why, and the way on."""
    st.title("BoB — Billing on Behalf")
    if not signs_in():
        st.error("This store is marked production, so the app does not run in demo mode: "
                 "configure sign-in (an [auth] section in .streamlit/secrets.toml).",
                 icon=":material/lock:")
    elif not st.user.is_logged_in:
        st.info("Sign in to use BoB.", icon=":material/login:")
        st.button("Sign in", on_click=st.login, type="primary", icon=":material/login:")
    else:
        st.error("You have no access to BoB; ask an admin.", icon=":material/block:")
        st.caption(f"Signed in as {st.user.email}")
        st.button("Sign out", on_click=st.logout, icon=":material/logout:")


def pages_for(who: Principal, pages: list) -> list:
    """The pages `who` may open: a partner's own screens, everyone else every page."""
    if who.role != PARTNER:
        return pages
    return [page for page in pages if page.url_path in PARTNER_PAGES]


def sidebar(db) -> None:
    """Who is signed in, and the way out; in demo mode, say so and offer "View as"."""
    who = principal()
    with st.sidebar:
        if signs_in():
            st.caption(f"Signed in as {who.label}")
            st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign_out")
            return
        st.warning("Demo mode: nobody signs in.", icon=":material/theater_comedy:")
        partners = overview.partners(db)["partner_id"].tolist() if db.exists() else []
        st.selectbox("View as", [*DEMO_ROLES, *partners], key=VIEW_AS,
                     format_func=lambda choice: choice if choice in DEMO_ROLES
                     else f"Partner {choice}",
                     help="Demo mode shows what each role sees; with sign-in configured, "
                          "people see what their own role allows.")


def may(action: str) -> bool:
    who = principal()
    return who is not None and who.may(action)


def refusal(action: str) -> str | None:
    """Why the signed-in person may not do `action` (None when they may)."""
    if may(action):
        return None
    return f"Your role may not {access.PERMISSIONS[action][1]}."
