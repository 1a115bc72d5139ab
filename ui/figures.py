"""Figures on cards: an amount in compact form where a card is narrow, exact in its tooltip."""

from decimal import Decimal

from bob.money import format_compact, format_money


def money(card, label: str, amount: Decimal, *, help: str | None = None, **kwargs) -> None:
    """st.metric of `amount` on `card` (a column or container): $121.5M, the exact
    $121,483,215.37 in the tooltip, before the card's own help."""
    exact = format_money(amount)
    card.metric(label, format_compact(amount), help=exact if help is None else f"{exact}. {help}",
                **kwargs)
