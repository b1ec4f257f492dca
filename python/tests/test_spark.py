"""The Spark job writes the rows `xxgk ingest` writes, table by table, row for row.

Each corpus goes through `xxgk ingest` (the binary under test) and through
`xxgk.spark.build` on a local[2] session; both datasets are read back with
pyarrow (Hive partitioning) and compared ignoring run ids and file names.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import xxgk
import xxgk.spark
from conftest import REPO
from dataset import differences, read_rows

#: The generator's layouts but `word_pdf` (LibreOffice prints, tested by `make test`).
SYNTH_LAYOUTS = "tab_cells,pipe_cells,pdf_tabs,pdf_layout,html,markdown,crawled,docx"


def ingest(xxgk_bin: Path, corpus: Path, out: Path) -> None:
    subprocess.run(
        [str(xxgk_bin), "ingest", str(corpus), "--out", str(out), "--quiet", "--jobs", "2"],
        check=True,
        cwd=REPO,
    )


def inputs(corpus: Path) -> list:
    """The files `xxgk ingest` reads under `corpus` (walk.skip applied)."""
    return sorted(
        p.relative_to(corpus).as_posix()
        for p in corpus.rglob("*")
        if p.is_file() and not xxgk.is_skipped(p.relative_to(corpus).as_posix())
    )


def assert_same_dataset(ingested: Path, sparked: Path, corpus: Path) -> None:
    files = inputs(corpus)
    for table in xxgk.DATASET_TABLES:
        a, b = read_rows(ingested, table), read_rows(sparked, table)
        assert a == b, f"{table}: {differences(a, b)}"
    # Every input once: as a report or as a reject.
    reports = {r[1] for r in read_rows(sparked, "reports")}
    rejects = {r[0] for r in read_rows(sparked, "rejects")}
    assert sorted(reports | rejects) == files
    assert not reports & rejects
    assert len(read_rows(sparked, "reports")) + len(read_rows(sparked, "rejects")) == len(files)


@pytest.fixture(scope="session")
def synth_corpus(synth_bin, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    subprocess.run(
        [str(synth_bin), "generate", "--count", "2000", "--seed", "7", "--out", str(out),
         "--layouts", SYNTH_LAYOUTS],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out / "reports"


@pytest.fixture(scope="session")
def broken_corpus(tmp_path_factory) -> Path:
    """Samples beside what is no report: garbage, a cut DOCX, an empty file, files the
    walk skips, a nested folder with a CJK name, and a copy of a report with a note appended
    under another path (the same cells: a `same_report_other_file` finding, no `supersedes`)."""
    root = tmp_path_factory.mktemp("broken")
    samples = REPO / "data" / "samples"
    shutil.copytree(samples, root / "甘肃" / "samples")
    # Truncated PDFs are checked on their own (test_truncated_pdfs_are_rejects_in_spark).
    (root / "garbage.bin").write_bytes(bytes(range(256)) * 8)
    (root / "empty.txt").write_bytes(b"")
    (root / "cut.docx").write_bytes(b"PK\x03\x04" + os.urandom(300))
    (root / "notes.md").write_text("skipped by walk.skip")
    (root / ".hidden.txt").write_text("skipped too")
    first = sorted(samples.glob("0*.txt"))[0]
    text = first.read_bytes()
    # After the original by path ("samples" < "更正"): the copy, the original is the report.
    (root / "甘肃" / "更正").mkdir()
    (root / "甘肃" / "更正" / first.name).write_bytes(text + "\n（更正）\n".encode())
    return root


@pytest.mark.parametrize(
    "name", ["samples", "realworld", "broken", "synth2000"]
)
def test_spark_job_writes_the_rows_ingest_writes(
    name, spark, xxgk_bin, tmp_path, synth_corpus, broken_corpus
):
    corpus = {
        "samples": REPO / "data" / "samples",
        "realworld": REPO / "tests" / "fixtures" / "realworld",
        "broken": broken_corpus,
        "synth2000": synth_corpus,
    }[name]
    ingest(xxgk_bin, corpus, tmp_path / "ingest")
    summary = xxgk.spark.build(spark, str(corpus), str(tmp_path / "spark"))
    # Each file parsed exactly once, and each became a report or a reject.
    assert summary.parsed == len(inputs(corpus)) == summary.reports + summary.rejects
    assert (tmp_path / "spark" / "_SUCCESS").exists()
    assert_same_dataset(tmp_path / "ingest", tmp_path / "spark", corpus)
    if name == "broken":
        reasons = {r[0]: r[1] for r in read_rows(tmp_path / "spark", "rejects")}
        assert reasons["garbage.bin"] == "binary"
        assert reasons["empty.txt"] == "empty"
        assert reasons["cut.docx"] == "corrupt"
        names = [n for n in xxgk.schema("reports").names if n != "run_id"]  # as read_rows
        supersedes = names.index("supersedes")
        assert all(r[supersedes] is None for r in read_rows(tmp_path / "spark", "reports"))
        first = sorted(p.name for p in (REPO / "data" / "samples").glob("0*.txt"))[0]
        copy = xxgk.content_id((broken_corpus / "甘肃" / "更正" / first).read_bytes())
        cross = read_rows(tmp_path / "spark", "cross_findings")
        assert [(r[0], r[2]) for r in cross] == [(copy, "same_report_other_file")]


def test_the_command_line_job_on_the_samples(xxgk_bin, tmp_path):
    """The README's command: `python -m xxgk.spark data/samples OUT`, in its own JVM."""
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "xxgk.spark", "data/samples", str(out), "--master", "local[2]"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "5 files parsed: 5 reports, 0 rejects" in run.stderr
    ingest(xxgk_bin, REPO / "data" / "samples", tmp_path / "ingest")
    assert_same_dataset(tmp_path / "ingest", out, REPO / "data" / "samples")


def test_truncated_pdfs_are_rejects_in_spark(spark, xxgk_bin, tmp_path):
    """A PDF cut anywhere is a reject row written by the job, never a failed task,
    with the reason `xxgk ingest` gives.

    PySpark's worker resets SIGCHLD for each task; the PDF decoder's wait for
    pdftotext once relied on a SIGCHLD handler and then ran into the time limit
    (`extractor_failed`) inside Spark where `xxgk ingest` said `corrupt`. The
    workers are reused, so the second round of the same files runs in workers
    that have parsed PDFs before.
    """
    corpus = tmp_path / "pdfs"
    corpus.mkdir()
    pdf = (REPO / "tests/fixtures/realworld/pdf/hongze_district_2023.pdf").read_bytes()
    for i, cut in enumerate([100, 1000, len(pdf) // 3, len(pdf) // 2, len(pdf) - 10]):
        (corpus / f"cut{i}.pdf").write_bytes(pdf[:cut])
    ingest(xxgk_bin, corpus, tmp_path / "ingest")
    for round in ("first", "second"):
        summary = xxgk.spark.build(spark, str(corpus), str(tmp_path / round), tasks=2)
        assert summary.parsed == 5 == summary.reports + summary.rejects
        rejects = read_rows(tmp_path / round, "rejects")
        assert len(rejects) == summary.rejects >= 4
        assert {r[1] for r in rejects} <= {"corrupt", "not_a_report", "no_text_layer"}
        assert_same_dataset(tmp_path / "ingest", tmp_path / round, corpus)
