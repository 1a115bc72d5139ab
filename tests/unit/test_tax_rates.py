"""Tax rates are typed as CA=0.0725 or CA=7.25%, read by the amounts' parser, for US states."""

from decimal import Decimal

import pytest

from bob.config import parse_tax_rate
from bob.errors import BobError


@pytest.mark.parametrize("text, rate", [
    ("CA=0.0725", ("CA", Decimal("0.0725"))), ("CA=7.25%", ("CA", Decimal("0.0725"))),
    ("dc=6%", ("DC", Decimal("0.06"))), ("TX = 6.25 %", ("TX", Decimal("0.0625"))),
])
def test_a_rate_is_a_fraction_or_a_percentage(text, rate):
    assert parse_tax_rate(text) == rate


@pytest.mark.parametrize("text, words", [
    ("CA=7,25%", "use a point for decimals: 7.25"),
    ("CA=1e5", "must be a number"), ("CA=NaN", "must be a number"), ("CA=", "must be a number"),
    ("CA=-0", "zero has no sign"),
    ("CA=0.123456", "more than 5 decimals"), ("CA=7.2512%", "more than 3 decimals"),
    ("CA=100%", "between 0 and 100%"), ("CA=-1%", "between 0 and 100%"),
    ("ZZ=5%", "US state code"), ("BE=5%", "US state code"), ("CA", "must look like CA=0.0725"),
])
def test_a_wrong_rate_is_refused_in_plain_words(text, words):
    with pytest.raises(BobError, match=words):
        parse_tax_rate(text)
