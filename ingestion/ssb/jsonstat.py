"""JSON-stat 2.0 dataset parser: one response in, one long polars frame out.

The format (json-stat.org/format) allows several spellings of the same thing; this module accepts
all of them for the dataset class:
- `value` as an array, or as an object keyed by the flat (row-major) cell index for sparse data;
- `status` as an array, an object keyed like `value`, or one string that applies to every cell;
- `category.index` as an array of codes, an object {code: position}, or absent when a dimension has
  exactly one category (then `category.label` names it);
- any number of dimensions, ordered by `id` with sizes in `size`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

VALUE_COLUMN = "value"
STATUS_COLUMN = "status"


class JsonStatError(ValueError):
    """The document is not a JSON-stat 2.0 dataset this parser can read."""


def label_column(dimension_id: str) -> str:
    return f"{dimension_id}_label"


def parse_jsonstat2(doc: Mapping[str, Any]) -> pl.DataFrame:
    """Parse a JSON-stat 2.0 dataset into long form.

    One row per cell, in the dataset's row-major order. For each dimension (in `id` order) a
    column named after the dimension holds the category code and `<dimension>_label` its label.
    Then `value` (Int64 when every present value is a whole number, else Float64; null when
    missing) and `status` (String, null when the cell has none).
    """
    if not isinstance(doc, Mapping):
        raise JsonStatError("JSON-stat-dokumentet må være et JSON-objekt.")
    doc_class = doc.get("class", "dataset")
    if doc_class != "dataset":
        raise JsonStatError(
            f"Bare JSON-stat-klassen 'dataset' støttes, dokumentet har class={doc_class!r}."
        )
    dimension_ids = _dimension_ids(doc)
    sizes = _sizes(doc, len(dimension_ids))
    dimensions = doc.get("dimension")
    if not isinstance(dimensions, Mapping):
        raise JsonStatError("JSON-stat-dokumentet mangler 'dimension'.")

    reserved = {VALUE_COLUMN, STATUS_COLUMN}
    taken: set[str] = set()
    for dim_id in dimension_ids:
        for name in (dim_id, label_column(dim_id)):
            if name in reserved or name in taken:
                raise JsonStatError(f"Dimensjonen {dim_id!r} gir et kolonnenavn som kolliderer.")
            taken.add(name)

    cell_count = math.prod(sizes)
    flat_index = np.arange(cell_count, dtype=np.int64)
    columns: dict[str, pl.Series] = {}
    for position_in_id, (dim_id, size) in enumerate(zip(dimension_ids, sizes, strict=True)):
        if dim_id not in dimensions:
            raise JsonStatError(f"Dimensjonen {dim_id!r} står i 'id', men mangler i 'dimension'.")
        codes, labels = _categories(dim_id, dimensions[dim_id], size)
        # Row-major: the last dimension varies fastest.
        stride = math.prod(sizes[position_in_id + 1 :])
        positions = (flat_index // stride) % size if cell_count else flat_index
        columns[dim_id] = pl.Series(dim_id, codes, dtype=pl.String).gather(positions)
        columns[label_column(dim_id)] = pl.Series(
            label_column(dim_id), labels, dtype=pl.String
        ).gather(positions)

    columns[VALUE_COLUMN] = _values(doc.get("value"), cell_count)
    columns[STATUS_COLUMN] = _statuses(doc.get("status"), cell_count)
    return pl.DataFrame(list(columns.values()))


def _dimension_ids(doc: Mapping[str, Any]) -> list[str]:
    ids = doc.get("id")
    if not isinstance(ids, Sequence) or isinstance(ids, str):
        raise JsonStatError("JSON-stat-dokumentet mangler listen 'id' over dimensjoner.")
    if not all(isinstance(dim_id, str) for dim_id in ids):
        raise JsonStatError("Alle dimensjons-id-er i 'id' må være tekst.")
    if len(set(ids)) != len(ids):
        raise JsonStatError(f"'id' har samme dimensjon flere ganger: {list(ids)}.")
    return list(ids)


def _sizes(doc: Mapping[str, Any], dimension_count: int) -> list[int]:
    sizes = doc.get("size")
    if not isinstance(sizes, Sequence) or isinstance(sizes, str):
        raise JsonStatError("JSON-stat-dokumentet mangler listen 'size'.")
    if len(sizes) != dimension_count:
        raise JsonStatError(
            f"'size' har {len(sizes)} elementer, men 'id' har {dimension_count} dimensjoner."
        )
    if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in sizes):
        raise JsonStatError(f"'size' må være ikke-negative heltall, fikk {list(sizes)}.")
    return list(sizes)


def _categories(dim_id: str, dimension: Any, size: int) -> tuple[list[str], list[str]]:
    """Category codes in position order, and their labels (the code when a label is absent)."""
    category = dimension.get("category") if isinstance(dimension, Mapping) else None
    if not isinstance(category, Mapping):
        raise JsonStatError(f"Dimensjonen {dim_id!r} mangler 'category'.")
    index = category.get("index")
    labels = category.get("label") or {}
    if not isinstance(labels, Mapping):
        raise JsonStatError(f"Dimensjonen {dim_id!r}: 'category.label' må være et objekt.")

    if index is None:
        # The spec allows omitting the index only for a single category, named by its label.
        if len(labels) != 1:
            raise JsonStatError(
                f"Dimensjonen {dim_id!r} har ingen 'category.index' og {len(labels)} "
                "etiketter; uten indeks må det være nøyaktig én kategori."
            )
        codes = [str(next(iter(labels)))]
    elif isinstance(index, Mapping):
        codes = [""] * len(index)
        for code, position in index.items():
            if not isinstance(position, int) or not 0 <= position < len(index):
                raise JsonStatError(
                    f"Dimensjonen {dim_id!r}: ugyldig posisjon {position!r} for {code!r}."
                )
            if codes[position]:
                raise JsonStatError(
                    f"Dimensjonen {dim_id!r}: posisjon {position} brukes to ganger."
                )
            codes[position] = str(code)
    elif isinstance(index, Sequence) and not isinstance(index, str):
        codes = [str(code) for code in index]
    else:
        raise JsonStatError(f"Dimensjonen {dim_id!r}: 'category.index' har ukjent form.")

    if len(codes) != size:
        raise JsonStatError(
            f"Dimensjonen {dim_id!r} har {len(codes)} kategorier, men 'size' sier {size}."
        )
    if len(set(codes)) != len(codes):
        raise JsonStatError(f"Dimensjonen {dim_id!r} har samme kategorikode flere ganger.")
    return codes, [str(labels.get(code, code)) for code in codes]


def _cells(raw: Any, cell_count: int, what: str) -> list[Any]:
    """Expand an array or a sparse {"flat index": x} object to one entry per cell."""
    if raw is None:
        return [None] * cell_count
    if isinstance(raw, Mapping):
        cells: list[Any] = [None] * cell_count
        for key, item in raw.items():
            try:
                position = int(key)
            except (TypeError, ValueError) as exc:
                raise JsonStatError(
                    f"'{what}' har nøkkelen {key!r}, som ikke er en celleindeks."
                ) from exc
            if not 0 <= position < cell_count:
                raise JsonStatError(
                    f"'{what}' har celleindeks {position}, men datasettet har {cell_count} celler."
                )
            cells[position] = item
        return cells
    if isinstance(raw, Sequence) and not isinstance(raw, str):
        if len(raw) != cell_count:
            raise JsonStatError(
                f"'{what}' har {len(raw)} elementer, men datasettet har {cell_count} celler."
            )
        return list(raw)
    raise JsonStatError(f"'{what}' har ukjent form ({type(raw).__name__}).")


def _values(raw: Any, cell_count: int) -> pl.Series:
    if raw is None:
        raise JsonStatError("JSON-stat-dokumentet mangler 'value'.")
    cells = _cells(raw, cell_count, VALUE_COLUMN)
    numbers = [_number(cell) for cell in cells]
    if all(n is None or (isinstance(n, int)) for n in numbers):
        return pl.Series(VALUE_COLUMN, numbers, dtype=pl.Int64)
    return pl.Series(VALUE_COLUMN, numbers, dtype=pl.Float64)


def _number(cell: Any) -> int | float | None:
    if cell is None or isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        if not -(2**63) <= cell < 2**63:
            # Outside Int64: no count is this large; the document is broken.
            raise JsonStatError(f"'value' har et tall utenfor gyldig område: {cell}.")
        return cell
    if isinstance(cell, float):
        if math.isnan(cell):
            return None
        return int(cell) if cell.is_integer() and abs(cell) < 2**53 else cell
    if isinstance(cell, str):
        # Some producers write numbers as strings, and symbols such as ".." for missing cells.
        try:
            return _number(float(cell.replace(",", ".")))
        except ValueError:
            return None
    raise JsonStatError(f"'value' har en celle av ukjent type: {cell!r}.")


def _statuses(raw: Any, cell_count: int) -> pl.Series:
    if isinstance(raw, str):
        return pl.Series(STATUS_COLUMN, [raw] * cell_count, dtype=pl.String)
    cells = _cells(raw, cell_count, STATUS_COLUMN)
    return pl.Series(STATUS_COLUMN, [None if c is None else str(c) for c in cells], dtype=pl.String)
