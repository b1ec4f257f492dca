"""Shared fixtures: the repository, the xxgk binaries, a local[2] Spark session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def binary(name: str) -> Path:
    """A binary of the workspace: $XXGK_BIN_DIR/<name>, else target/debug (CARGO_TARGET_DIR honoured)."""
    if os.environ.get("XXGK_BIN_DIR"):
        path = Path(os.environ["XXGK_BIN_DIR"]) / name
    else:
        target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
        path = target / "debug" / name
    if not path.exists():
        pytest.fail(f"{path} not built: run `cargo build` first (or set XXGK_BIN_DIR)")
    return path


@pytest.fixture(scope="session")
def xxgk_bin() -> Path:
    return binary("xxgk")


@pytest.fixture(scope="session")
def synth_bin() -> Path:
    return binary("xxgk-synth")


@pytest.fixture(scope="session")
def spark():
    """One local[2] session for every test (a JVM start costs seconds)."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("Java is needed for the Spark tests")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("xxgk-tests")
        .config("spark.driver.memory", "2g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
