"""parse_jsonstat2: every form JSON-stat 2.0 allows for a dataset."""

from __future__ import annotations

import copy
import math

import hypothesis.strategies as st
import polars as pl
import pytest
from hypothesis import given, settings

from ingestion.ssb import JsonStatError, parse_jsonstat2


def ssb_like() -> dict:
    """A small response in SSB's shape: Region x ContentsCode x Tid, object indexes."""
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "01222: Befolkning og kvartalsvise endringar",
        "source": "Statistisk sentralbyrå",
        "updated": "2025-05-15T06:00:00Z",
        "note": ["En merknad"],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": ["Region", "ContentsCode", "Tid"],
        "size": [2, 2, 3],
        "dimension": {
            "Region": {
                "label": "region",
                "category": {
                    "index": {"3305": 0, "3310": 1},
                    "label": {"3305": "Ringerike", "3310": "Hole"},
                },
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {"Folketallet1": 0, "Folketallet11": 1},
                    "label": {"Folketallet1": "Ved inngangen", "Folketallet11": "Ved utgangen"},
                    "unit": {
                        "Folketallet1": {"base": "personar", "decimals": 0},
                        "Folketallet11": {"base": "personar", "decimals": 0},
                    },
                },
            },
            "Tid": {
                "label": "kvartal",
                "category": {
                    "index": {"2024K4": 0, "2025K1": 1, "2025K2": 2},
                    "label": {"2024K4": "2024K4", "2025K1": "2025K1", "2025K2": "2025K2"},
                },
            },
        },
        "value": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        "extension": {"px": {"tableid": "01222"}},
    }


def cell(frame: pl.DataFrame, **codes: str) -> dict:
    matches = frame.filter(*[pl.col(dim) == code for dim, code in codes.items()])
    assert matches.height == 1
    return matches.row(0, named=True)


def test_ssb_shaped_response_is_long_with_code_and_label_columns():
    frame = parse_jsonstat2(ssb_like())
    assert frame.columns == [
        "Region",
        "Region_label",
        "ContentsCode",
        "ContentsCode_label",
        "Tid",
        "Tid_label",
        "value",
        "status",
    ]
    assert frame.height == 12
    assert frame.schema["value"] == pl.Int64
    assert frame.schema["status"] == pl.String
    # Row-major: the last dimension varies fastest.
    assert frame.row(0) == (
        "3305", "Ringerike", "Folketallet1", "Ved inngangen", "2024K4", "2024K4", 1, None
    )  # fmt: skip
    assert cell(frame, Region="3310", ContentsCode="Folketallet11", Tid="2025K1")["value"] == 11
    assert cell(frame, Region="3305", ContentsCode="Folketallet11", Tid="2025K2")["value"] == 6


def test_category_index_as_array():
    doc = ssb_like()
    doc["dimension"]["Tid"]["category"]["index"] = ["2024K4", "2025K1", "2025K2"]
    doc["dimension"]["Region"]["category"]["index"] = ["3305", "3310"]
    frame = parse_jsonstat2(doc)
    assert frame.equals(parse_jsonstat2(ssb_like()))


def test_object_index_order_comes_from_positions_not_key_order():
    doc = ssb_like()
    # Key order says 3310 first, but positions put 3305 first (as SSB sometimes does for Kjonn).
    doc["dimension"]["Region"]["category"]["index"] = {"3310": 1, "3305": 0}
    frame = parse_jsonstat2(doc)
    assert frame["Region"].to_list()[:6] == ["3305"] * 6
    assert cell(frame, Region="3310", ContentsCode="Folketallet1", Tid="2024K4")["value"] == 7


def test_sparse_value_object_leaves_missing_cells_null():
    doc = ssb_like()
    doc["value"] = {"0": 100, "11": 1200, "5": 600}
    frame = parse_jsonstat2(doc)
    assert frame.height == 12
    assert frame["value"].null_count() == 9
    assert cell(frame, Region="3305", ContentsCode="Folketallet1", Tid="2024K4")["value"] == 100
    assert cell(frame, Region="3305", ContentsCode="Folketallet11", Tid="2025K2")["value"] == 600
    assert cell(frame, Region="3310", ContentsCode="Folketallet11", Tid="2025K2")["value"] == 1200


def test_null_in_value_array_is_a_missing_value():
    doc = ssb_like()
    doc["value"][4] = None
    frame = parse_jsonstat2(doc)
    assert cell(frame, Region="3305", ContentsCode="Folketallet11", Tid="2025K1")["value"] is None
    assert frame["value"].sum() == sum(range(1, 13)) - 5


def test_status_as_one_string_applies_to_every_cell():
    doc = ssb_like()
    doc["status"] = ":"
    frame = parse_jsonstat2(doc)
    assert frame["status"].to_list() == [":"] * 12


def test_status_as_array():
    doc = ssb_like()
    doc["status"] = [None] * 12
    doc["status"][3] = ".."
    doc["value"][3] = None
    frame = parse_jsonstat2(doc)
    row = cell(frame, Region="3305", ContentsCode="Folketallet11", Tid="2024K4")
    assert (row["value"], row["status"]) == (None, "..")
    assert frame["status"].null_count() == 11


def test_status_as_sparse_object():
    doc = ssb_like()
    doc["status"] = {"2": ".", "10": ":"}
    frame = parse_jsonstat2(doc)
    assert cell(frame, Region="3305", ContentsCode="Folketallet1", Tid="2025K2")["status"] == "."
    assert cell(frame, Region="3310", ContentsCode="Folketallet11", Tid="2025K1")["status"] == ":"
    assert frame["status"].null_count() == 10


def test_single_category_dimension_without_index():
    doc = ssb_like()
    doc["id"] = ["Region", "ContentsCode", "Tid"]
    doc["size"] = [2, 1, 3]
    doc["dimension"]["ContentsCode"]["category"] = {"label": {"Folketallet11": "Ved utgangen"}}
    doc["value"] = [10, 20, 30, 40, 50, 60]
    frame = parse_jsonstat2(doc)
    assert frame["ContentsCode"].unique().to_list() == ["Folketallet11"]
    assert frame["ContentsCode_label"].unique().to_list() == ["Ved utgangen"]
    assert cell(frame, Region="3310", Tid="2025K1")["value"] == 50


def test_five_dimensions_are_row_major():
    sizes = {"Region": 2, "Kjonn": 2, "Alder": 3, "ContentsCode": 1, "Tid": 2}
    codes = {
        "Region": ["3305", "3310"],
        "Kjonn": ["1", "2"],
        "Alder": ["000", "001", "002"],
        "ContentsCode": ["Personer1"],
        "Tid": ["2025", "2026"],
    }
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": list(sizes),
        "size": list(sizes.values()),
        "dimension": {
            dim: {"category": {"index": codes[dim], "label": {c: f"{dim}:{c}" for c in codes[dim]}}}
            for dim in sizes
        },
        "value": list(range(24)),
    }
    frame = parse_jsonstat2(doc)
    assert frame.height == 24
    # Flat index of (3310, 2, 001, Personer1, 2026) = (((1*2+1)*3+1)*1+0)*2+1 = 21.
    row = cell(frame, Region="3310", Kjonn="2", Alder="001", Tid="2026")
    assert row["value"] == 21
    assert row["Alder_label"] == "Alder:001"
    assert frame.group_by("Kjonn").agg(pl.col("value").sum()).sort("Kjonn")["value"].to_list() == [
        sum([0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17]),
        sum([6, 7, 8, 9, 10, 11, 18, 19, 20, 21, 22, 23]),
    ]


def test_decimal_values_give_a_float_column_and_missing_label_falls_back_to_code():
    doc = ssb_like()
    doc["value"] = [v + 0.5 for v in range(12)]
    del doc["dimension"]["Tid"]["category"]["label"]
    frame = parse_jsonstat2(doc)
    assert frame.schema["value"] == pl.Float64
    assert frame["value"].sum() == pytest.approx(sum(range(12)) + 6.0)
    assert frame["Tid_label"].to_list()[:3] == ["2024K4", "2025K1", "2025K2"]


def test_empty_dimension_gives_an_empty_frame_with_all_columns():
    doc = ssb_like()
    doc["size"] = [2, 2, 0]
    doc["dimension"]["Tid"]["category"] = {"index": [], "label": {}}
    doc["value"] = []
    frame = parse_jsonstat2(doc)
    assert frame.height == 0
    assert "Tid_label" in frame.columns and "status" in frame.columns


@pytest.mark.parametrize(
    ("change", "message_part"),
    [
        (lambda d: d.update(value=[1, 2, 3]), "3 elementer"),
        (lambda d: d.update(value={"12": 5}), "celleindeks 12"),
        (lambda d: d.update({"class": "collection"}), "collection"),
        (lambda d: d["size"].append(1), "'size' har 4"),
        (lambda d: d["dimension"]["Tid"]["category"].pop("index"), "nøyaktig én kategori"),
        (lambda d: d["dimension"].pop("Tid"), "'Tid'"),
    ],
)
def test_malformed_documents_are_refused_with_a_reason(change, message_part):
    doc = ssb_like()
    change(doc)
    with pytest.raises(JsonStatError, match=message_part):
        parse_jsonstat2(doc)


@st.composite
def datasets(draw):
    dimension_count = draw(st.integers(min_value=1, max_value=5))
    sizes = [draw(st.integers(min_value=1, max_value=4)) for _ in range(dimension_count)]
    cells = math.prod(sizes)
    values = draw(
        st.lists(st.none() | st.integers(-(10**6), 10**6), min_size=cells, max_size=cells)
    )
    statuses = draw(
        st.lists(st.sampled_from([None, ".", "..", ":"]), min_size=cells, max_size=cells)
    )
    dimensions = {
        f"D{i}": {
            "category": {
                "index": {f"c{i}_{k}": k for k in range(size)},
                "label": {f"c{i}_{k}": f"label {i}/{k}" for k in range(size)},
            }
        }
        for i, size in enumerate(sizes)
    }
    doc = {"version": "2.0", "class": "dataset", "id": list(dimensions), "size": sizes}
    return {**doc, "dimension": dimensions, "value": values, "status": statuses}


@settings(max_examples=60, deadline=None)
@given(datasets())
def test_dense_and_sparse_spellings_parse_to_the_same_frame(doc):
    sparse = copy.deepcopy(doc)
    sparse["value"] = {str(i): v for i, v in enumerate(doc["value"]) if v is not None}
    sparse["status"] = {str(i): s for i, s in enumerate(doc["status"]) if s is not None}
    for dim in sparse["dimension"].values():
        index = dim["category"]["index"]
        dim["category"]["index"] = sorted(index, key=index.get)
    dense_frame = parse_jsonstat2(doc)
    assert dense_frame.equals(parse_jsonstat2(sparse))
    assert dense_frame["value"].to_list() == doc["value"]
    assert dense_frame["status"].to_list() == doc["status"]
    # Each row's codes give back its row number in row-major order.
    for row_number in (0, dense_frame.height - 1, dense_frame.height // 2):
        row = dense_frame.row(row_number, named=True)
        flat = 0
        for i, size in enumerate(doc["size"]):
            flat = flat * size + int(row[f"D{i}"].split("_")[1])
        assert flat == row_number
