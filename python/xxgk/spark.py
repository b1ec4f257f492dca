"""The xxgk dataset built by Spark: ``python -m xxgk.spark INPUT OUTPUT``.

Reads every file under INPUT (any Hadoop path: a local folder, ``s3a://…``,
``hdfs://…``) with ``spark.read.format("binaryFile")``, parses them with the
xxgk parser in ``mapInArrow`` (the bytes reach Rust through the Arrow C data
interface), and writes the tables ``xxgk ingest`` writes, as Parquet in the
same Hive layout (``OUTPUT/<table>/region=…/year=…/``; ``OUTPUT/rejects/``
unpartitioned), with the same rows and ``report_id``\\ s.

How one pass over the files gives every table
---------------------------------------------
``mapInArrow`` yields batches of one schema, and a file gives rows in up to six
tables and a ledger row (or one reject). The parsing pass therefore yields a *union*: one wide
schema with a ``table`` tag, the ``region`` and ``year`` partition columns,
and every table's columns side by side (``reports__title``,
``applications__count``, …); a row fills only its own table's columns. The
union is persisted, and each table is then a filter on the tag and a
projection back to its own column names, written with
``partitionBy("region", "year")`` after a ``repartition`` on the same columns
(one file per partition folder, as ``xxgk ingest`` writes). Every file is parsed exactly once (the
``parsed`` counter of the summary says so; Spark would only parse a partition
again if it lost the cached blocks, and parsing is deterministic), and no row
goes back to Python after the parse: the fan-out is plain Spark SQL on the
cached columns, whose all-null stretches compress to nothing. The parsing pass
runs in two tasks per core of the cluster, each of at most ``FILES_PER_TASK``
files (``build(tasks=…)`` to choose), rather than Spark's hundreds of input
splits, which every table's write would scan again.

What differs from ``xxgk ingest``
---------------------------------
* ``supersedes``: ``xxgk ingest`` links a report to the earlier version from
  the same source path; a full build sees each path once, so it is NULL (as
  in a first ``xxgk ingest`` run).
* ``cross_findings`` (the checks across reports) come from the reports' ledger
  rows, which the parsing pass yields beside the tables: they are collected to
  the driver (one small row per report) and checked there by the same code as
  ``xxgk ingest`` (:func:`xxgk.cross_findings`), then written as one file.
* It builds the whole dataset every time (each table folder is overwritten):
  there is no ledger (``_ledger/``), no ``_runs/`` record and no incremental
  update. ``OUTPUT/_SUCCESS`` is written last, as ``xxgk ingest`` does.
* ``run_id`` is ``spark-<application id>``.
* Spark's Parquet writer marks every column optional and does not write the
  ``xxgk.schema_version`` key; the values are the same.
* Spark does not list files or folders whose names start with ``_`` or ``.``;
  ``xxgk ingest`` skips ``.*`` (``walk.skip``) but reads ``_*``.
* Spark's scan does not read empty files; the job finds them in the listing
  (``inputFiles``) and writes their ``empty`` rejects from the driver.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, List, Optional

import pyarrow as pa

import xxgk

#: The union's tag column.
TAG = "table"
#: The ledger rows' tag: the facts the checks across reports compare.
LEDGER = "_ledger"
#: The tables of the parsing pass: the report tables, ``rejects`` and the ledger rows.
UNION_TABLES = xxgk.TABLES + (LEDGER,)
#: The most files one parsing task takes when the job chooses the task count.
FILES_PER_TASK = 500
#: The partition columns.
PARTITION_COLUMNS = ("region", "year")
_SPARK_TYPES = {
    pa.string(): "string",
    pa.int64(): "bigint",
    pa.int32(): "int",
    pa.float64(): "double",
}


def union_column(table: str, column: str) -> str:
    """The name of ``table``'s ``column`` in the union."""
    return f"{table}__{column}"


def union_schema() -> pa.Schema:
    """The schema of the parsing pass: the tag, the partition columns, every table's columns."""
    fields = [pa.field(TAG, pa.string()), pa.field("region", pa.string()), pa.field("year", pa.int32())]
    for table in UNION_TABLES:
        for f in xxgk.schema(table, partition_columns=False):
            fields.append(pa.field(union_column(table, f.name), f.type))
    return pa.schema(fields)


def spark_ddl(schema: pa.Schema) -> str:
    """A pyarrow schema as a Spark DDL string (every column nullable)."""
    return ", ".join(f"`{f.name}` {_SPARK_TYPES[f.type]}" for f in schema)


def to_union(table: str, batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """One table's batch (as ``parse_many`` returns it) as rows of the union."""
    n = batch.num_rows
    names = set(batch.schema.names)
    arrays = []
    for f in schema:
        if f.name == TAG:
            arrays.append(pa.array([table] * n, pa.string()))
        elif f.name in PARTITION_COLUMNS:
            # Only the report tables carry the partition columns (the ledger's
            # own `region` and `year` are columns of its rows).
            partitioned = table in xxgk.REPORT_TABLES and f.name in names
            arrays.append(batch.column(f.name) if partitioned else pa.nulls(n, f.type))
        else:
            owner, _, column = f.name.partition("__")
            arrays.append(batch.column(column) if owner == table else pa.nulls(n, f.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def uri_path(uri: str) -> str:
    """The path part of a Hadoop path string (``file:/a/b``, ``file:///a/b``, ``s3a://bucket/a/b`` → ``/a/b``).

    Not ``urllib``: Hadoop prints paths unescaped, and a ``#`` or ``?`` in a
    file name is part of the name.
    """
    match = re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", uri)
    rest = uri[match.end():] if match else uri
    if rest.startswith("//"):
        slash = rest.find("/", 2)
        rest = rest[slash:] if slash >= 0 else "/"
    return rest


def relative_paths(paths: List[str], root: str) -> List[str]:
    """Paths (``binaryFile``'s ``path``) relative to the input root, as ``xxgk ingest`` writes them."""
    prefix = uri_path(root).rstrip("/") + "/"
    relative = []
    for path in paths:
        p = uri_path(path)
        relative.append(p[len(prefix):] if p.startswith(prefix) else p)
    return relative


def parse_partition(
    root: str, config: Optional[str], run_id: str, parsed=None
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The ``mapInArrow`` function: ``binaryFile`` rows (``path``, ``content``) in, union rows out.

    Files ``xxgk ingest`` would skip (``walk.skip``) are dropped; every other
    file becomes a report's rows or a reject. ``parsed``, a Spark accumulator,
    counts the files parsed.
    """

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        parser = xxgk.Parser(config, run_id)
        schema = union_schema()
        for batch in batches:
            paths = relative_paths(batch.column("path").to_pylist(), root)
            keep = pa.array([not parser.is_skipped(p) for p in paths], pa.bool_())
            paths = pa.array(paths, pa.string()).filter(keep)
            contents = batch.column("content").filter(keep)
            if len(paths) == 0:
                continue
            rows = parser.parse_many(paths, contents, ledger=True)
            if parsed is not None:
                parsed.add(len(paths))
            for table in UNION_TABLES:
                if rows[table].num_rows:
                    yield to_union(table, rows[table], schema)

    return run


@dataclass
class Summary:
    """What a run of the job wrote."""

    #: Files parsed (each once: equals ``reports + rejects``).
    parsed: int = 0
    #: Reports written.
    reports: int = 0
    #: Rejects written.
    rejects: int = 0
    #: Rows per table.
    rows: Dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        per_table = ", ".join(f"{t} {n}" for t, n in self.rows.items())
        return (
            f"{self.parsed} files parsed: {self.reports} reports, {self.rejects} rejects; rows: {per_table}"
        )


def input_root(spark, input_path: str) -> str:
    """The qualified folder paths are relative to: INPUT itself, or a file's folder (as ``xxgk ingest``)."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(input_path)
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    qualified = fs.makeQualified(path)
    if fs.getFileStatus(qualified).isDirectory():
        return qualified.toString()
    return qualified.getParent().toString()


def cross_findings(union) -> pa.RecordBatch:
    """The ``cross_findings`` rows of the parsed reports.

    The checks compare reports of one issuer across files and years, so they
    run once over every report's ledger row, collected to the driver (a few
    hundred bytes a report) and checked by :func:`xxgk.cross_findings`, the
    code ``xxgk ingest`` runs after each run. Each path is one input of this
    full build, so the rows' order does not matter.
    """
    from pyspark.sql import functions as F

    schema = xxgk.schema(LEDGER)
    rows = union.where(F.col(TAG) == LEDGER).select(
        *[F.col(union_column(LEDGER, c)).alias(c) for c in schema.names]
    )
    ledger = pa.Table.from_pylist([r.asDict() for r in rows.collect()], schema=schema)
    return xxgk.cross_findings(ledger)


def build(
    spark,
    input_path: str,
    output_path: str,
    *,
    config: Optional[str] = None,
    run_id: Optional[str] = None,
    tasks: Optional[int] = -1,
) -> Summary:
    """Build the dataset at ``output_path`` from every file under ``input_path``.

    ``config`` is the text of an xxgk config file (None: built-in settings).
    ``tasks``: how many tasks parse (the input splits are coalesced into
    them); -1 for two per core of the cluster (``defaultParallelism``) but at
    most :data:`FILES_PER_TASK` files per task, None to keep Spark's split of
    the input. Each table folder under
    ``output_path`` is overwritten.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    run_id = run_id or f"spark-{spark.sparkContext.applicationId}"
    parser = xxgk.Parser(config, run_id)
    root = input_root(spark, input_path)
    parsed = spark.sparkContext.accumulator(0)
    schema = union_schema()
    files = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .load(input_path)
    )
    # Every file listed: Spark's scan leaves out empty files, which are inputs (rejects) too.
    listed = [p for p in relative_paths(files.inputFiles(), root) if not parser.is_skipped(p)]
    if tasks == -1:
        # Two per core, and at most FILES_PER_TASK files each: a task's
        # cached rows stay a bounded block (local mode runs in a 1 GB driver).
        tasks = max(2 * spark.sparkContext.defaultParallelism, -(-len(listed) // FILES_PER_TASK))
    union = files.select("path", "content").mapInArrow(
        parse_partition(root, config, run_id, parsed), spark_ddl(schema)
    )
    if tasks:
        # Spark cuts the listing into splits of ~128 MB counting 4 MB per file
        # (`spark.sql.files.openCostInBytes`): 10,000 reports are ~320 tasks,
        # and every table's write would scan all of them again. A few tasks
        # per core do the same work with a fraction of the scheduling.
        union = union.coalesce(tasks)
    union = union.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        counts = {r[TAG]: r["count"] for r in union.groupBy(TAG).count().collect()}
        seen = union.where(F.col(TAG).isin("reports", "rejects")).select(
            F.coalesce(
                F.col(union_column("reports", "source_path")),
                F.col(union_column("rejects", "source_path")),
            )
        )
        unread = sorted(set(listed) - {r[0] for r in seen.collect()})
        # What Spark did not read is empty: its reject row is the parser's, as for any input.
        empty_rejects = [parser.parse(b"", p)["rejects"] for p in unread]
        out = output_path.rstrip("/")
        for table in xxgk.TABLES:
            columns = [f.name for f in xxgk.schema(table, partition_columns=False)]
            rows = union.where(F.col(TAG) == table).select(
                *[F.col(union_column(table, c)).alias(c) for c in columns], *PARTITION_COLUMNS
            )
            if table == "rejects":
                rows = rows.drop(*PARTITION_COLUMNS)
                if empty_rejects:
                    extra = [tuple(r.values()) for b in empty_rejects for r in b.to_pylist()]
                    rows = rows.unionByName(spark.createDataFrame(extra, rows.schema))
                writer = rows.write
            else:
                # All rows of a partition to one task: one file per folder, as
                # `xxgk ingest` writes (not one per input split and partition).
                rows = rows.repartition(*PARTITION_COLUMNS)
                writer = rows.write.partitionBy(*PARTITION_COLUMNS)
            writer.mode("overwrite").option("compression", "zstd").parquet(f"{out}/{table}")
        found = cross_findings(union)
        counts["cross_findings"] = found.num_rows
        cross = spark.createDataFrame(
            [tuple(r.values()) for r in found.to_pylist()], spark_ddl(found.schema)
        )
        # One file, unpartitioned, as `xxgk ingest` writes it.
        cross.coalesce(1).write.mode("overwrite").option("compression", "zstd").parquet(
            f"{out}/cross_findings"
        )
        _touch(spark, f"{out}/_SUCCESS")
    finally:
        union.unpersist()
    return Summary(
        parsed=parsed.value + len(unread),
        reports=counts.get("reports", 0),
        rejects=counts.get("rejects", 0) + len(unread),
        rows={
            t: counts.get(t, 0) + (len(unread) if t == "rejects" else 0) for t in xxgk.DATASET_TABLES
        },
    )


def _touch(spark, path: str) -> None:
    """Create an empty file at a Hadoop path."""
    jvm = spark.sparkContext._jvm
    p = jvm.org.apache.hadoop.fs.Path(path)
    fs = p.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    fs.create(p, True).close()


def main(argv: Optional[List[str]] = None) -> int:
    """``python -m xxgk.spark INPUT OUTPUT [--config FILE] [--master URL] [--driver-memory 2g]``."""
    args = _arguments().parse_args(argv)
    from pyspark.sql import SparkSession

    config = None
    if args.config:
        with open(args.config, encoding="utf-8") as f:
            config = f.read()
        xxgk.Parser(config)  # a bad config stops here, not in a task
    builder = SparkSession.builder.appName("xxgk")
    if args.master:
        builder = builder.master(args.master)
    if args.driver_memory:
        # Only takes effect when this process starts the JVM (not under spark-submit).
        builder = builder.config("spark.driver.memory", args.driver_memory)
    spark = builder.getOrCreate()
    try:
        summary = build(spark, args.input, args.output, config=config)
    finally:
        spark.stop()
    print(f"xxgk.spark: {summary}", file=sys.stderr)
    return 0


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m xxgk.spark",
        description="Parse every file under INPUT with xxgk in Spark and write the dataset to OUTPUT.",
    )
    parser.add_argument("input", metavar="INPUT", help="a file or folder; any Hadoop path (s3a://…)")
    parser.add_argument("output", metavar="OUTPUT", help="the dataset folder; its tables are overwritten")
    parser.add_argument("--config", help="an xxgk config file (default: the built-in settings)")
    parser.add_argument(
        "--master", help="Spark master when not run by spark-submit (e.g. local[2]; default: Spark's)"
    )
    parser.add_argument(
        "--driver-memory",
        default="2g",
        help="the driver's heap when this command starts Spark (default 2g; local mode runs every "
        "task in the driver, and Spark's 1g runs out on 10,000 reports)",
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
