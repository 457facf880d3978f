"""Hypothesis strategies for TOML text: any value a TOML file can hold, written as TOML source.

The parsers under test see ``tomllib``'s output, so the interesting inputs are
well-formed TOML whose values are of the wrong type, size or depth: huge
integers, nan and inf, dates, nested arrays and inline tables.
"""

from __future__ import annotations

import json
import math

from hypothesis import strategies as st

_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)


def _float(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(x)


def toml_strings() -> st.SearchStrategy[str]:
    """A TOML basic string holding any text (control characters escaped)."""
    return _TEXT.map(lambda s: json.dumps(s, ensure_ascii=False).replace("\x7f", "\\u007f"))


def toml_keys() -> st.SearchStrategy[str]:
    return st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True) | toml_strings()


_SCALARS = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.integers(-(10**400), 10**400).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(_float),
    st.booleans().map(lambda b: "true" if b else "false"),
    toml_strings(),
    st.sampled_from(["1979-05-27T07:32:00Z", "1979-05-27", "07:32:00", "1979-05-27T00:32:00.999999-07:00"]),
    st.integers(1, 5000).map(lambda n: "[" * n + "]" * n),            # nesting deeper than any parser expects
    st.integers(1, 5000).map(lambda n: "{a = " * n + "1" + " }" * n),
)


def toml_values() -> st.SearchStrategy[str]:
    """A TOML value: scalars, arrays and inline tables, nested a few levels."""
    return st.recursive(
        _SCALARS,
        lambda inner: st.one_of(
            st.tuples(inner, inner).map(lambda xs: f"[{xs[0]}, {xs[1]}]"),   # the shape of a range
            st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
            st.dictionaries(toml_keys(), inner, max_size=3).map(
                lambda d: "{" + ", ".join(f"{k} = {v}" for k, v in d.items()) + "}"),
        ),
        max_leaves=8,
    )
