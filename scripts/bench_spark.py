#!/usr/bin/env python3
"""The Spark job beside `xxgk ingest` on one corpus, and where the difference goes.

    python3 scripts/bench_spark.py CORPUS [--bin target/release] [--runs 3] [--work DIR]

Needs the release binaries (`make build`) and the release wheel installed (`make wheel`,
then pip install target/wheels/xxgk-*.whl). Measures, each the median of --runs runs:

1. `xxgk ingest --jobs 2` (the release binary), wall and CPU time;
2. `python -m xxgk.spark CORPUS OUT --master local[2]` end to end, as a user runs it;
3. the job's steps, in one local[2] session (each a separate Spark job, so they add up to more
   than the job, which pipelines them):
   - JVM and session start (`SparkSession.builder.getOrCreate()`),
   - listing and reading the files (`binaryFile`, sum of the content lengths),
   - the same plus the Arrow transfer to a Python worker and back (`mapInArrow` of a function
     that only counts: no parsing),
   - the same plus parsing (`mapInArrow` of the job's parse function, rows counted),
   - the whole `build()` (parse, persist, seven Parquet writes);
4. the parser alone in one Python process (`xxgk.parse_many` over the files read into memory):
   the extension's speed without Spark.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(fn, runs):
    """Median wall seconds of `runs` calls of fn (and the last result)."""
    walls, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - start)
    return statistics.median(walls), result


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


work_log = os.devnull


def run_cmd(cmd, runs, before=None):
    walls, cpus = [], []
    for _ in range(runs):
        if before:
            before()
        cpu0 = children_cpu()
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=open(work_log, "a"))
        walls.append(time.perf_counter() - start)
        cpus.append(children_cpu() - cpu0)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("corpus", type=Path)
    args.add_argument("--bin", type=Path, default=Path("target/release"))
    args.add_argument("--runs", type=int, default=3)
    args.add_argument("--work", type=Path, default=None)
    a = args.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="bench-spark-"))
    work.mkdir(parents=True, exist_ok=True)
    global work_log
    work_log = str(work / "commands.log")
    files = sorted(p for p in a.corpus.rglob("*") if p.is_file())
    mb = sum(p.stat().st_size for p in files) / 1e6
    print(f"corpus {a.corpus}: {len(files)} files, {mb:.1f} MB; {a.runs} runs each, median")

    out = work / "ingest"
    wall, cpu = run_cmd(
        [str(a.bin / "xxgk"), "ingest", str(a.corpus), "--out", str(out), "--quiet", "--jobs", "2",
         "--full-refresh"],
        a.runs,
    )
    print(f"xxgk ingest --jobs 2\t{wall:.2f} s wall\t{cpu:.2f} s CPU")

    out = work / "spark-cli"
    wall, cpu = run_cmd(
        [sys.executable, "-m", "xxgk.spark", str(a.corpus), str(out), "--master", "local[2]"],
        a.runs,
        before=lambda: shutil.rmtree(out, ignore_errors=True),
    )
    print(f"python -m xxgk.spark (local[2])\t{wall:.2f} s wall")

    import pyarrow as pa
    import xxgk
    import xxgk.spark as job

    start = time.perf_counter()
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = (
        SparkSession.builder.master("local[2]").appName("bench").config("spark.driver.memory", "2g")
        .config("spark.ui.showConsoleProgress", "false").getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    print(f"step: JVM and session start\t{time.perf_counter() - start:.2f} s")
    corpus = str(a.corpus.resolve())

    def scan():
        return spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(corpus)

    wall, _ = timed(lambda: scan().select(F.sum(F.length("content"))).collect(), a.runs)
    print(f"step: list and read the files (binaryFile)\t{wall:.2f} s")

    def count_only(batches):
        for b in batches:
            yield pa.RecordBatch.from_pydict({"n": [b.num_rows]})

    wall, _ = timed(
        lambda: scan().select("path", "content").mapInArrow(count_only, "n long")
        .select(F.sum("n")).collect(),
        a.runs,
    )
    print(f"step: + Arrow transfer to Python workers (no parsing)\t{wall:.2f} s")

    root = job.input_root(spark, corpus)
    parse = job.parse_partition(root, None, "bench")
    wall, _ = timed(
        lambda: scan().select("path", "content").mapInArrow(parse, job.spark_ddl(job.union_schema()))
        .groupBy("table").count().collect(),
        a.runs,
    )
    print(f"step: + parsing in the workers (union rows counted)\t{wall:.2f} s")

    def build():
        target = work / "spark-build"
        shutil.rmtree(target, ignore_errors=True)
        return job.build(spark, corpus, str(target))

    wall, summary = timed(build, a.runs)
    print(f"step: build() (parse, persist, 7 Parquet writes)\t{wall:.2f} s\t{summary}")
    spark.stop()

    datas = [p.read_bytes() for p in files]
    rel = [p.relative_to(a.corpus).as_posix() for p in files]
    paths, contents = pa.array(rel), pa.array(datas, pa.binary())
    wall, _ = timed(lambda: xxgk.parse_many(paths, contents), a.runs)
    print(f"parser alone: xxgk.parse_many in one Python process (1 core)\t{wall:.2f} s")
    if not a.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
