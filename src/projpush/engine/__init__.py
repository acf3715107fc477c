"""The table engine: the ledger as Arrow tables, and the rules computed column-wise.

A province's ledger is a table, not a file of Python objects. This package
holds the ledger as Arrow tables (:class:`LedgerTables`, documented in
``docs/tables.md``), reads and writes it as a folder of Parquet files, and
computes the rules over whole columns with polars, with no Python object per
project, issue or row: lights (:mod:`projpush.engine.lights`), escalation
(:mod:`projpush.engine.escalation`), figures (:mod:`projpush.engine.metrics`),
integrity findings (:mod:`projpush.engine.integrity`) and working days
(:mod:`projpush.engine.schedule`); :func:`synthetic_tables` makes benchmark
ledgers directly as tables. The object rules stay the reference:
every engine result is pinned to them by differential property tests, and
:func:`explain` returns the object :class:`~projpush.lights.Verdict` of one
project, with its reasons, for drill-down.

It needs the optional extra ``projpush[engine]`` (polars and pyarrow);
``import projpush`` never imports it, and without the extra the
``ImportError`` names it.
"""

from __future__ import annotations

from projpush.engine.escalation import (
    accountability_table,
    advance_tables,
    history,
    open_table,
    overdue_table,
    status_table,
    unit_stats_table,
)
from projpush.engine.integrity import integrity_findings, integrity_table
from projpush.engine.lights import (
    LightFrames,
    explain,
    judge_tables,
    light_map_table,
    verdicts_of,
)
from projpush.engine.metrics import (
    group_table,
    investment_table,
    issue_figures_table,
    monthly_summary_tables,
)
from projpush.engine.report import build_report_tables
from projpush.engine.schedule import calendar_from_table, calendar_table
from projpush.engine.synth import synthetic_tables
from projpush.engine.tables import (
    TABLES,
    LedgerTables,
    from_issues,
    from_portfolio,
    is_parquet_ledger,
    read_parquet,
    schema,
    to_portfolio,
    write_parquet,
)

__all__ = [
    "TABLES",
    "LedgerTables",
    "LightFrames",
    "accountability_table",
    "advance_tables",
    "build_report_tables",
    "calendar_from_table",
    "calendar_table",
    "explain",
    "from_issues",
    "from_portfolio",
    "group_table",
    "history",
    "integrity_findings",
    "integrity_table",
    "investment_table",
    "is_parquet_ledger",
    "issue_figures_table",
    "judge_tables",
    "light_map_table",
    "monthly_summary_tables",
    "open_table",
    "overdue_table",
    "read_parquet",
    "schema",
    "status_table",
    "synthetic_tables",
    "to_portfolio",
    "unit_stats_table",
    "verdicts_of",
    "write_parquet",
]
