"""xxgk.parse: the dataset's schema, the dataset's ids, rejects instead of exceptions."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pyarrow as pa
import pytest

import xxgk
from conftest import REPO

SAMPLES = sorted((REPO / "data" / "samples").glob("0*.txt"))
PDF = REPO / "tests" / "fixtures" / "realworld" / "pdf" / "hongze_district_2023.pdf"


def test_a_report_has_a_batch_per_table_with_the_dataset_schema():
    data = SAMPLES[0].read_bytes()
    batches = xxgk.parse(data, SAMPLES[0].name)
    assert list(batches) == list(xxgk.REPORT_TABLES)
    for table, batch in batches.items():
        assert batch.schema == xxgk.schema(table), table
        assert batch.schema.names[-2:] == ["region", "year"]
    report = batches["reports"].to_pylist()
    assert len(report) == 1
    assert report[0]["report_id"] == xxgk.content_id(data)
    assert report[0]["source_path"] == SAMPLES[0].name
    assert report[0]["run_id"] == xxgk.DEFAULT_RUN_ID
    assert report[0]["supersedes"] is None
    assert batches["applications"].num_rows > 0
    bare = xxgk.parse(data, SAMPLES[0].name, partition_columns=False)
    for table, batch in bare.items():
        assert batch.schema == xxgk.schema(table, partition_columns=False)
        assert "region" not in batch.schema.names


def test_the_file_schema_is_the_parquet_one():
    reports = xxgk.schema("reports", partition_columns=False)
    assert reports.field("report_id").nullable is False
    assert reports.field("bytes").type == pa.int64()
    assert xxgk.schema("rejects") == xxgk.schema("rejects", partition_columns=False)
    assert xxgk.schema("_ledger").field("cells_digest").type == pa.string()
    assert xxgk.schema("cross_findings") == xxgk.schema("cross_findings", partition_columns=False)
    with pytest.raises(KeyError):
        xxgk.schema("ledger")


def test_parse_many_is_the_concatenation_of_parse():
    datas = [p.read_bytes() for p in SAMPLES] + [b"\x00garbage"]
    paths = [p.name for p in SAMPLES] + ["junk.bin"]
    many = xxgk.parse_many(pa.array(paths), pa.array(datas, pa.binary()))
    assert list(many) == list(xxgk.TABLES)
    for table in xxgk.TABLES:
        one_by_one = [xxgk.parse(d, p).get(table) for d, p in zip(datas, paths)]
        expected = [r for b in one_by_one if b is not None for r in b.to_pylist()]
        assert many[table].to_pylist() == expected, table
    # Large binary (what some Arrow producers hand over) reads the same.
    large = xxgk.parse_many(pa.array(paths, pa.large_string()), pa.array(datas, pa.large_binary()))
    assert large["reports"].to_pylist() == many["reports"].to_pylist()
    with pytest.raises(ValueError):
        xxgk.parse_many(pa.array(["a"]), pa.array([b"a", b"b"]))
    with pytest.raises(TypeError):
        xxgk.parse_many(pa.array([1]), pa.array([b"a"]))


def test_ledger_rows_give_the_findings_across_reports():
    """The ledger rows of a report and of its copy elsewhere: one `same_report_other_file`."""
    data = (REPO / "data" / "samples" / "003_45d03742e780f514.txt").read_bytes()
    garbage = bytes(range(256))
    many = xxgk.parse_many(
        pa.array(["b/003.txt", "a/003.txt", "junk.bin"]),
        pa.array([data, data, garbage], pa.binary()),
        ledger=True,
    )
    ledger = many["_ledger"]
    assert ledger.schema == xxgk.schema("_ledger")
    assert ledger.column("source_path").to_pylist() == ["b/003.txt", "a/003.txt"]
    assert set(ledger.column("outcome").to_pylist()) == {"report"}
    found = xxgk.cross_findings(ledger)
    assert found.schema == xxgk.schema("cross_findings")
    assert found.column("rule").to_pylist() == ["same_report_other_file"]
    assert found.column("report_id").to_pylist() == [xxgk.content_id(data)]
    # A pyarrow Table and a list of batches are taken too; rows of another table are refused.
    assert xxgk.cross_findings(pa.Table.from_batches([ledger])).num_rows == 1
    assert xxgk.cross_findings([ledger.slice(0, 1)]).num_rows == 0
    with pytest.raises(ValueError):
        xxgk.cross_findings(many["reports"])


@pytest.mark.parametrize(
    "data,path,reason",
    [
        (b"", "empty.txt", "empty"),
        (b"\x00\x01\x02\x03binary", "x.bin", "binary"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog", "cut.pdf", "corrupt"),
        (b"PK\x03\x04\x14\x00\x00\x00garbage", "cut.docx", "corrupt"),
        ("一份普通的通知，不是年度报告。".encode(), "note.txt", "not_a_report"),
    ],
)
def test_what_is_no_report_is_a_reject_row(data, path, reason):
    batches = xxgk.parse(data, path)
    assert list(batches) == ["rejects"]
    row = batches["rejects"].to_pylist()
    assert len(row) == 1
    assert row[0]["source_path"] == path
    assert row[0]["reason"] == reason, row[0]["message"]
    assert batches["rejects"].schema == xxgk.schema("rejects")


def test_no_bytes_raise():
    """Cut real files anywhere, and random bytes: always rows, never an exception."""
    rng = random.Random(16)
    pdf = PDF.read_bytes()
    text = SAMPLES[3].read_bytes()
    cases = [(pdf[: rng.randrange(len(pdf))], "cut.pdf") for _ in range(8)]
    cases += [(text[: rng.randrange(len(text))], "cut.txt") for _ in range(20)]
    cases += [(bytes(rng.randrange(256) for _ in range(rng.randrange(2000))), "r.bin") for _ in range(50)]
    for data, path in cases:
        batches = xxgk.parse(data, path)
        assert "rejects" in batches or "reports" in batches


def test_a_parser_takes_a_config_and_a_run_id():
    parser = xxgk.Parser("[walk]\nmax_file_bytes = 10\n", run_id="run-x")
    assert parser.run_id == "run-x"
    row = parser.parse(b"0123456789AB", "a.txt")["rejects"].to_pylist()[0]
    assert (row["reason"], row["bytes"], row["content_id"], row["run_id"]) == ("too_large", 12, None, "run-x")
    with pytest.raises(ValueError):
        xxgk.Parser("[walk]\nnot_a_setting = 1\n")


def test_skips_follow_walk_skip():
    assert xxgk.is_skipped("README.md")
    assert xxgk.is_skipped("a/.git/config")
    assert xxgk.is_skipped("truth.json")
    assert not xxgk.is_skipped("a/b/report.txt")


def test_the_gil_is_released_while_parsing():
    """A Python thread keeps running while another is inside a long parse_many call."""
    import time

    datas = [p.read_bytes() for p in SAMPLES] * 100
    paths = pa.array([f"{i}.txt" for i in range(len(datas))])
    contents = pa.array(datas, pa.binary())
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    time.sleep(0.05)
    started = time.perf_counter()
    xxgk.parse_many(paths, contents)
    ended = time.perf_counter()
    stop.set()
    ticker.join()
    during = [t for t in ticks if started <= t <= ended]
    assert ended - started > 0.1, "the parse was too quick to tell"
    # With the GIL held, the ticker would stand still for the whole call.
    assert len(during) > 10, (ended - started, len(during))


def test_threads_parse_at_once_with_the_gil_released():
    """Four threads on the samples give the single-thread rows (the GIL is released while parsing)."""
    datas = [(p.read_bytes(), p.name) for p in SAMPLES]
    expected = [xxgk.parse(d, p)["applications"].to_pylist() for d, p in datas]
    results = {}

    def work(i):
        results[i] = [xxgk.parse(d, p)["applications"].to_pylist() for d, p in datas]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[i] == expected for i in range(4))
