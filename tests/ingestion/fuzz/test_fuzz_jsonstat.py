"""The JSON-stat 2.0 parser on any JSON: a long frame or JsonStatError, never anything else."""

from __future__ import annotations

import json
import math

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from ingestion.ssb import JsonStatError, parse_jsonstat2
from tests.ingestion.fuzz.fuzzkit import fuzz_settings, tried

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
)
ANY_JSON = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=6), children, max_size=5)
    ),
    max_leaves=25,
)


def _parse(doc) -> str:
    try:
        frame = parse_jsonstat2(doc)
    except JsonStatError as exc:
        assert str(exc).strip()
        return "error"
    assert isinstance(frame, pl.DataFrame)
    assert frame.columns[-2:] == ["value", "status"]
    return "loaded"


@fuzz_settings(300)
@given(doc=ANY_JSON)
def test_any_json_gives_a_frame_or_json_stat_error(doc):
    tried(_parse(doc))


@st.composite
def near_valid_datasets(draw) -> dict:
    """Well-formed datasets (1-3 dimensions, every spelling the format allows), then one part
    replaced by arbitrary JSON, so the fuzzer reaches deep into the parser."""
    ids = draw(
        st.lists(
            st.sampled_from(["Region", "Kjonn", "Alder", "Tid"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    sizes = [draw(st.integers(0, 3)) for _ in ids]
    dimension = {}
    for dim_id, size in zip(ids, sizes, strict=True):
        codes = [f"{dim_id[0]}{i}" for i in range(size)]
        spelling = draw(st.sampled_from(["array", "object", "none"])) if size == 1 else "array"
        category: dict = {"label": {c: f"{dim_id} {c}" for c in codes}}
        if spelling == "array":
            category["index"] = codes
        elif spelling == "object":
            category["index"] = {c: i for i, c in enumerate(codes)}
        dimension[dim_id] = {"label": dim_id, "category": category}
    cells = math.prod(sizes)
    number = st.one_of(
        st.integers(-(2**70), 2**70), st.floats(), st.none(), st.sampled_from(["..", "1,5", "7"])
    )
    values = draw(st.lists(number, min_size=cells, max_size=cells))
    doc = {"version": "2.0", "class": "dataset", "id": ids, "size": sizes, "dimension": dimension}
    doc["value"] = values if draw(st.booleans()) else {str(i): v for i, v in enumerate(values)}
    doc["status"] = draw(st.one_of(st.none(), st.just("."), st.just({"0": "b"})))
    path = draw(
        st.sampled_from(["", "id", "size", "value", "status", "dimension", "category", "index"])
    )
    junk = draw(ANY_JSON)
    if path in ("id", "size", "value", "status", "dimension"):
        doc[path] = junk
    elif path in ("category", "index"):
        target = dimension[ids[0]]
        if path == "category":
            target["category"] = junk
        else:
            target["category"]["index"] = junk
    # Round-trip through JSON text, as a response from the API arrives.
    return json.loads(json.dumps(doc))


@fuzz_settings(300)
@given(doc=near_valid_datasets())
def test_near_valid_datasets_give_a_frame_or_json_stat_error(doc):
    outcome = _parse(doc)
    if outcome == "loaded":
        assert parse_jsonstat2(doc).height == math.prod(doc["size"])
    tried(outcome)


def test_value_outside_int64_is_a_json_stat_error():
    """Found by the fuzzer: 2**63 escaped as a polars TypeError before the fix in _number."""
    doc = {
        "class": "dataset",
        "id": ["Region"],
        "size": [1],
        "dimension": {"Region": {"category": {"index": ["R0"]}}},
        "value": {"0": 2**63},
    }
    try:
        parse_jsonstat2(doc)
    except JsonStatError as exc:
        message = str(exc)
    tried("error")
    assert message == f"'value' har et tall utenfor gyldig område: {2**63}."
