"""Reading an xxgk dataset back (either writer's) and comparing two, table by table."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import List, Tuple

import pyarrow.dataset as ds

import xxgk

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
#: Columns that name the run, not the data.
IGNORED = {"run_id"}


def read_rows(root: Path, table: str) -> List[Tuple]:
    """Every row of ``table`` (partition columns included, run ids left out), sorted."""
    path = root / table
    names = [n for n in xxgk.schema(table).names if n not in IGNORED]
    if not path.exists():
        return []
    partitioning = None
    if table in xxgk.REPORT_TABLES:
        partitioning = ds.HivePartitioning.discover(null_fallback=NULL_PARTITION)
    data = ds.dataset(path, format="parquet", partitioning=partitioning).to_table()
    if data.num_rows == 0:
        return []
    assert data.schema.names == xxgk.schema(table).names, f"{root}/{table}: {data.schema.names}"
    rows = data.select(names).to_pylist()
    return sorted((tuple(r[n] for n in names) for r in rows), key=_sort_key)


def _sort_key(row: Tuple):
    return tuple((v is not None, v if v is not None else 0) for v in row)


def differences(a: List[Tuple], b: List[Tuple], limit: int = 5) -> str:
    """What is in one list of rows and not the other, for an assertion message."""
    ca, cb = Counter(a), Counter(b)
    only_a = list((ca - cb).elements())[:limit]
    only_b = list((cb - ca).elements())[:limit]
    return f"{len(a)} vs {len(b)} rows; only in the first: {only_a}; only in the second: {only_b}"
