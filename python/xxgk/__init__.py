"""Parse 政府信息公开工作年度报告 (government information-disclosure annual reports).

The parser of the ``xxgk`` command line, in-process: an input's bytes in, the
rows it contributes to the xxgk dataset out, as ``pyarrow.RecordBatch``es with
the dataset's schema (handed over through the Arrow C data interface, parsed
with the GIL released).

>>> import xxgk
>>> batches = xxgk.parse(open("data/samples/000_1f3be3be81006fc6.txt", "rb").read(),
...                      "000_1f3be3be81006fc6.txt")
>>> sorted(batches)
['active_disclosure', 'applications', 'findings', 'narrative_figures', 'reports', 'review_litigation']
>>> batches["reports"].num_rows
1

A report gives one batch per report table (``REPORT_TABLES``; empty where it
has no rows); an input that is not a report gives ``{"rejects": batch}`` with
its one ``rejects`` row. Nothing about the input's content raises.

``python -m xxgk.spark INPUT OUTPUT`` runs the same parser as a PySpark job and
writes the whole dataset (see :mod:`xxgk.spark`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Iterable, Union

from . import _native
from ._native import DEFAULT_RUN_ID, SCHEMA_VERSION, TABLES, Parser, __version__

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow

__all__ = [
    "DEFAULT_RUN_ID",
    "REPORT_TABLES",
    "SCHEMA_VERSION",
    "TABLES",
    "Parser",
    "__version__",
    "DATASET_TABLES",
    "content_id",
    "cross_findings",
    "is_skipped",
    "parse",
    "parse_many",
    "schema",
]

#: The tables a report has rows in, in the order ``xxgk ingest`` writes them.
REPORT_TABLES = tuple(t for t in TABLES if t != "rejects")
#: The tables of a dataset (what ``xxgk ingest`` and the Spark job write, but
#: ``_ledger``): :data:`TABLES`, then ``cross_findings`` (see :func:`cross_findings`).
DATASET_TABLES = TABLES + ("cross_findings",)


def parse(data: bytes, path: str, *, partition_columns: bool = True) -> Dict[str, "pyarrow.RecordBatch"]:
    """Parse one input the way ``xxgk ingest`` parses each file it reads.

    Args:
        data: the input's bytes (text, HTML, DOCX or PDF; PDFs need poppler's
            ``pdftotext`` on the ``PATH``).
        path: the input's path relative to the input root: written to
            ``source_path``, and its extension helps tell the format when the
            leading bytes do not.
        partition_columns: append ``region`` (string) and ``year`` (int32) to
            the report tables' batches, as a Hive-partitioned reader (Spark,
            DuckDB) shows the dataset; False gives exactly the columns the
            Parquet files store.

    Returns:
        For a report, one batch per table of :data:`REPORT_TABLES` (empty where
        the report has no rows); for an input that is not a report (empty,
        binary, corrupt, not a report, over ``walk.max_file_bytes``, …)
        ``{"rejects": batch}`` with its one row. ``report_id`` is the content
        hash, as in the dataset; ``supersedes`` is always null (only a run over
        many inputs knows it) and ``run_id`` is :data:`DEFAULT_RUN_ID`.

    Uses the built-in settings; :class:`Parser` takes a config and a run id.
    """
    return _native.parse(data, path, partition_columns=partition_columns)


def parse_many(
    paths: "pyarrow.Array",
    contents: "pyarrow.Array",
    *,
    partition_columns: bool = True,
    ledger: bool = False,
) -> Dict[str, "pyarrow.RecordBatch"]:
    """Parse many inputs in one call, given as two Arrow arrays of equal length.

    Args:
        paths: a string array of the inputs' relative paths.
        contents: a binary array of their bytes (read through the Arrow C data
            interface: no copy through Python objects).
        partition_columns: as for :func:`parse`.
        ledger: also return ``"_ledger"``: each report's ledger row (the facts
            :func:`cross_findings` compares), as ``xxgk ingest`` writes it.

    Returns:
        One batch per table of :data:`TABLES` (report tables and ``rejects``)
        holding every input's rows in input order: the concatenation of what
        :func:`parse` returns for each (and ``"_ledger"`` if asked).
    """
    return _native.parse_many(paths, contents, partition_columns=partition_columns, ledger=ledger)


def cross_findings(
    ledger: Union["pyarrow.Table", "pyarrow.RecordBatch", Iterable["pyarrow.RecordBatch"]],
) -> "pyarrow.RecordBatch":
    """The findings across reports of a set of reports, from their ledger rows.

    Args:
        ledger: ``_ledger`` rows (from :func:`parse_many` with ``ledger=True``,
            or a dataset's ``_ledger/`` files) with the ``_ledger`` schema, in
            the order the reports were ingested: a later row of the same
            ``source_path`` replaces an earlier one; rows of rejects are passed over.

    Returns:
        The ``cross_findings`` rows ``xxgk ingest`` writes after a run over the
        same inputs: copies of one report in other files, conflicting reports
        of one issuer and year, carry-overs that do not continue, jumps in
        applications. Raises ``ValueError`` for rows of another schema.
    """
    import pyarrow as pa

    if isinstance(ledger, pa.Table):
        batches = ledger.to_batches()
    elif isinstance(ledger, pa.RecordBatch):
        batches = [ledger]
    else:
        batches = list(ledger)
    return _native.cross_findings(batches)


def is_skipped(path: str) -> bool:
    """Whether ``xxgk ingest``, walking a directory, leaves out the file at ``path``.

    ``path`` is relative to the directory walked (``/``-separated); a file is
    left out when its name or a folder's on the way matches ``walk.skip``
    (``README*``, ``*.md``, ``*.json``, hidden files, …). Such a file is no
    input at all: neither a report nor a reject.
    """
    return _native.is_skipped(path)


def content_id(data: bytes) -> str:
    """The content id of ``data``: the ``report_id`` of a report, the ``content_id`` of a reject.

    Hex of the first 16 bytes of the BLAKE3 hash of the bytes.
    """
    return _native.content_id(data)


def schema(table: str, *, partition_columns: bool = True) -> "pyarrow.Schema":
    """The schema of ``table``'s batches as :func:`parse` returns them.

    With ``partition_columns`` (the default), the report tables end in
    ``region`` and ``year``; ``rejects``, ``cross_findings`` and ``_ledger``
    are not partitioned. Raises ``KeyError`` for a name that is none of the
    dataset's tables (:data:`DATASET_TABLES` and ``_ledger``).
    """
    return _native.schema(table, partition_columns=partition_columns)
