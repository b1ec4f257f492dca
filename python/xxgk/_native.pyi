"""Type hints of the extension module (python/src/lib.rs). Use the ``xxgk`` package."""

from typing import Dict, List, Optional, Tuple

import pyarrow

#: Every table ``parse`` / ``parse_many`` return, by name: the report tables, then ``rejects``.
TABLES: Tuple[str, ...]
#: The dataset layout version (the ``xxgk.schema_version`` of ``xxgk ingest``'s files).
SCHEMA_VERSION: int
#: The ``run_id`` of rows parsed without one given.
DEFAULT_RUN_ID: str
__version__: str

class Parser:
    """A parser with one configuration and one ``run_id``.

    ``config`` is the text of an xxgk config file (TOML, like ``config/xxgk.toml``);
    None takes the built-in settings. Raises ``ValueError`` for an invalid config.
    """

    def __init__(self, config: Optional[str] = None, run_id: Optional[str] = None) -> None: ...
    @property
    def run_id(self) -> str:
        """The ``run_id`` written into every row."""
    def parse(
        self, data: bytes, path: str, *, partition_columns: bool = True
    ) -> Dict[str, pyarrow.RecordBatch]:
        """Parse one input; see ``xxgk.parse``."""
    def parse_many(
        self,
        paths: pyarrow.Array,
        contents: pyarrow.Array,
        *,
        partition_columns: bool = True,
        ledger: bool = False,
    ) -> Dict[str, pyarrow.RecordBatch]:
        """Parse many inputs; see ``xxgk.parse_many``."""
    def is_skipped(self, path: str) -> bool:
        """Whether ``xxgk ingest`` leaves the file at ``path`` out; see ``xxgk.is_skipped``."""

def parse(data: bytes, path: str, *, partition_columns: bool = True) -> Dict[str, pyarrow.RecordBatch]:
    """Parse one input with the built-in settings; see ``xxgk.parse``."""

def parse_many(
    paths: pyarrow.Array,
    contents: pyarrow.Array,
    *,
    partition_columns: bool = True,
    ledger: bool = False,
) -> Dict[str, pyarrow.RecordBatch]:
    """Parse many inputs with the built-in settings; see ``xxgk.parse_many``."""

def is_skipped(path: str) -> bool:
    """Whether ``xxgk ingest`` leaves the file at ``path`` out (built-in settings)."""

def content_id(data: bytes) -> str:
    """The content id of ``data`` (a report's ``report_id``)."""

def schema(table: str, *, partition_columns: bool = True) -> pyarrow.Schema:
    """The schema of ``table``'s batches."""

def cross_findings(ledger: List[pyarrow.RecordBatch]) -> pyarrow.RecordBatch:
    """The ``cross_findings`` rows of reports with these ``_ledger`` rows; see ``xxgk.cross_findings``."""
