//! Tests of the quality report: the aggregation on hand-made rows (exact
//! numbers), the reader on small datasets written by the real writer
//! (committed files only, superseded versions, refusals, corrupt files), the
//! SVG helpers, and the page (escaping, determinism, self-containment).

use super::aggregate::{self, CoverageCell, Ranked, RegionLabel, Tally};
use super::html::{self, Page, WorstEntry, FIGURE_IDS};
use super::read::{
    self, AppCell, BRow, CrossRow, Dataset, FindingDetail, FindingRow, Outcome, Partition,
    RejectRow, ReportRow, RunInfo, Severity,
};
use super::svg;
use super::ReportError;
use std::path::Path;

// ---------------------------------------------------------------------------
// A hand-made dataset for the aggregation.

fn report(
    id: &str,
    region: Option<&str>,
    year: Option<i32>,
    status: &str,
    province: Option<&str>,
) -> ReportRow {
    ReportRow {
        report_id: id.into(),
        source_path: format!("{id}.txt"),
        title: Some(format!("{id} title")),
        agency: None,
        province: province.map(str::to_string),
        partition: Partition {
            region: region.map(str::to_string),
            year,
        },
        status: status.into(),
        run_id: "run-00001".into(),
    }
}

fn cell(report: usize, code: &str, count: Option<i64>) -> AppCell {
    AppCell {
        report,
        row: BRow::from_code(code).expect(code),
        count,
    }
}

fn finding(report: usize, rule: &str, severity: Severity, subject: &str) -> FindingRow {
    FindingRow {
        report,
        rule: rule.into(),
        severity,
        subject: subject.into(),
    }
}

fn cross(report_id: &str, rule: &str, severity: Severity) -> CrossRow {
    CrossRow {
        report_id: report_id.into(),
        rule: rule.into(),
        severity,
    }
}

/// Six reports: gansu 2019 ×2 (ok, partial), gansu 2020, anhui 2020, anhui 2019
/// without a province name, and one of unknown region and year.
fn fixture() -> Dataset {
    use Severity::*;
    Dataset {
        runs: vec![RunInfo {
            run_id: "run-00001".into(),
            inputs: vec![],
        }],
        reports: vec![
            report("r0", Some("gansu"), Some(2019), "ok", Some("甘肃省")),
            report("r1", Some("gansu"), Some(2019), "partial", Some("甘肃省")),
            report("r2", Some("gansu"), Some(2020), "ok", Some("甘肃省")),
            report("r3", Some("anhui"), Some(2020), "ok", Some("安徽省")),
            report("r4", None, None, "no_tables", None),
            report("r5", Some("anhui"), Some(2019), "ok", None),
        ],
        superseded: 2,
        applications: vec![
            cell(0, "new", Some(10)),
            cell(0, "granted", Some(4)),
            cell(0, "partial", Some(2)),
            cell(0, "denied.state_secret", Some(1)),
            cell(0, "denied.third_party", Some(1)),
            cell(0, "unavailable.not_held", Some(1)),
            cell(0, "not_processed.petition", Some(0)),
            cell(0, "other", Some(1)),
            cell(1, "new", Some(5)),
            cell(1, "granted", None), // blank: no share for r1
            cell(1, "partial", Some(3)),
            cell(2, "new", Some(20)),
            cell(2, "granted", Some(15)),
            cell(2, "other.unpaid_fee", Some(5)),
            cell(3, "new", None), // missing: r3 adds nothing received
            cell(3, "granted", Some(2)),
            cell(4, "new", Some(7)), // unknown year: left out
        ],
        findings: vec![
            finding(0, "B.row_total", Error, "applications:new"),
            finding(0, "B.row_total", Error, "applications:granted"),
            finding(
                0,
                "narrative_disagrees",
                Warning,
                "narrative:applications_received",
            ),
            finding(0, "cells_segmented", Info, "applications:new"),
            finding(1, "B.column_balance", Error, "applications:total"),
            finding(1, "table_truncated", Warning, "review_litigation"),
            finding(2, "C.total", Error, "review_litigation:review"),
            finding(
                3,
                "narrative_disagrees",
                Warning,
                "narrative:applications_received",
            ),
            finding(
                3,
                "narrative_disagrees",
                Warning,
                "narrative:administrative_review",
            ),
            finding(4, "B.row_total", Error, "applications:total"),
        ],
        copies: 1,
        cross: vec![
            cross("r3", "carryover_mismatch", Warning),
            cross("r3", "applications_jump", Warning),
            cross("r2", "carryover_mismatch", Warning),
            cross("copy-of-r0", "same_report_other_file", Info),
            cross("r2", "a_future_rule", Info),
        ],
        rejects: ["binary", "not_a_report", "binary"]
            .iter()
            .map(|reason| RejectRow {
                source_path: format!("{reason}.bin"),
                reason: reason.to_string(),
            })
            .collect(),
        ..Dataset::default()
    }
}

#[test]
fn totals_count_statuses_severities_and_rejects() {
    let t = aggregate::totals(&fixture());
    assert_eq!(
        t,
        aggregate::Totals {
            reports: 6,
            complete: 4,
            partial: 1,
            no_tables: 1,
            superseded: 2,
            copies: 1,
            rejects: 3,
            errors: 5,
            warnings: 4,
            runs: 1,
            last_run: "run-00001".into(),
        }
    );
}

#[test]
fn coverage_counts_reports_and_complete_per_region_and_year() {
    let c = aggregate::coverage(&fixture());
    assert_eq!(
        c.regions,
        vec![
            RegionLabel {
                slug: Some("anhui".into()),
                name: Some("安徽省".into())
            },
            RegionLabel {
                slug: Some("gansu".into()),
                name: Some("甘肃省".into())
            },
            RegionLabel {
                slug: None,
                name: None
            },
        ]
    );
    assert_eq!(c.years, vec![Some(2019), Some(2020), None]);
    let cell = |reports, complete| CoverageCell { reports, complete };
    assert_eq!(
        c.cells,
        vec![
            vec![cell(1, 1), cell(1, 1), cell(0, 0)],
            vec![cell(2, 1), cell(1, 1), cell(0, 0)],
            vec![cell(0, 0), cell(0, 0), cell(1, 0)],
        ]
    );
    assert_eq!(c.cells[1][0].share(), 0.5);
    assert_eq!(c.regions[2].text(), "unresolved");
    assert_eq!(c.regions[1].text(), "甘肃省 gansu");
}

#[test]
fn identity_breaks_by_rule_and_region() {
    let b = aggregate::identity_breaks(&fixture());
    let tally = |label: &str, count, reports, of| Tally {
        label: label.into(),
        count,
        reports,
        of,
    };
    assert_eq!(
        b.by_rule,
        vec![
            tally("B.column_balance", 1, 1, 0),
            tally("B.row_total", 3, 2, 0),
            tally("B.outcome_total", 0, 0, 0),
            tally("C.total", 1, 1, 0),
        ]
    );
    assert_eq!(
        b.by_region,
        vec![
            tally("安徽省 anhui", 0, 0, 2),
            tally("甘肃省 gansu", 4, 3, 3),
            tally("unresolved", 1, 1, 1),
        ]
    );
    assert_eq!((b.findings, b.reports), (5, 4));
}

#[test]
fn applications_received_granted_share_and_outcomes_per_year() {
    let years = aggregate::applications_by_year(&fixture());
    assert_eq!(years.len(), 2, "the report of unknown year is left out");
    let (y19, y20) = (&years[0], &years[1]);
    assert_eq!((y19.year, y19.received, y19.reporting), (2019, 15, 2));
    // Only r0 prints both new and granted: 4 of 10.
    assert_eq!((y19.granted, y19.received_of_granted), (4, 10));
    assert_eq!(y19.granted_share(), Some(0.4));
    assert_eq!(y19.outcomes, [4, 5, 2, 1, 0, 1]);
    assert_eq!(y19.outcomes_total(), 13);
    // r3's new is missing: its granted 2 counts in the outcomes, not in the share.
    assert_eq!((y20.year, y20.received, y20.reporting), (2020, 20, 1));
    assert_eq!((y20.granted, y20.received_of_granted), (15, 20));
    assert_eq!(y20.granted_share(), Some(0.75));
    assert_eq!(y20.outcomes, [17, 0, 0, 0, 0, 5]);
}

#[test]
fn a_year_without_applications_has_no_share() {
    let mut d = fixture();
    d.applications.retain(|c| c.row != BRow::New);
    let years = aggregate::applications_by_year(&d);
    assert!(years
        .iter()
        .all(|y| y.granted_share().is_none() && y.received == 0));
}

#[test]
fn rejects_by_reason_most_first() {
    let r = aggregate::rejects_by_reason(&fixture());
    let labels: Vec<(&str, u64)> = r.iter().map(|t| (t.label.as_str(), t.count)).collect();
    assert_eq!(labels, vec![("binary", 2), ("not_a_report", 1)]);
}

#[test]
fn narrative_disagreements_per_measure() {
    let n = aggregate::narrative_disagreements(&fixture());
    assert_eq!((n.findings, n.reports), (3, 2));
    let by: Vec<(&str, u64, u64)> = n
        .by_measure
        .iter()
        .map(|t| (t.label.as_str(), t.count, t.reports))
        .collect();
    assert_eq!(
        by,
        vec![
            ("applications_received", 2, 2),
            ("administrative_review", 1, 1)
        ]
    );
}

#[test]
fn checks_across_reports_per_rule() {
    let c = aggregate::cross_checks(&fixture());
    let got: Vec<(&str, u64, u64, u64)> = c
        .iter()
        .map(|t| (t.rule.as_str(), t.warnings, t.infos, t.reports))
        .collect();
    assert_eq!(
        got,
        vec![
            ("carryover_mismatch", 2, 0, 2),
            ("applications_jump", 1, 0, 1),
            ("conflicting_reports", 0, 0, 0),
            ("same_report_other_file", 0, 1, 1),
            ("a_future_rule", 0, 1, 1),
        ]
    );
}

#[test]
fn worst_reports_by_errors_then_warnings_then_id() {
    let d = fixture();
    let ranked = aggregate::worst_reports(&d, 10);
    let order: Vec<(usize, u64, u64)> = ranked
        .iter()
        .map(|r| (r.report, r.errors, r.warnings))
        .collect();
    // r2 and r4 tie (1, 0): report id decides.
    assert_eq!(
        order,
        vec![(0, 2, 1), (1, 1, 1), (2, 1, 0), (4, 1, 0), (3, 0, 2)]
    );
    assert_eq!(aggregate::worst_reports(&d, 2).len(), 2);
    assert!(aggregate::worst_reports(&Dataset::default(), 5).is_empty());
}

#[test]
fn table_b_codes_map_to_outcome_groups() {
    assert_eq!(BRow::from_code("new"), Some(BRow::New));
    assert_eq!(
        BRow::from_code("not_processed.mass_repeated"),
        Some(BRow::Outcome(Outcome::NotProcessed))
    );
    assert_eq!(
        BRow::from_code("other.no_correction"),
        Some(BRow::Outcome(Outcome::Other))
    );
    assert_eq!(
        BRow::from_code("other"),
        Some(BRow::Outcome(Outcome::Other))
    );
    for skipped in ["carried_over", "total", "carried_forward", "bogus"] {
        assert_eq!(BRow::from_code(skipped), None, "{skipped}");
    }
}

// ---------------------------------------------------------------------------
// Reader helpers.

#[test]
fn part_files_name_their_run() {
    assert_eq!(
        read::part_run("part-run-00001-00000.parquet"),
        Some("run-00001")
    );
    assert_eq!(
        read::part_run("part-run-00012-00003.parquet"),
        Some("run-00012")
    );
    assert_eq!(read::part_run("part-run-00001-x.parquet"), None);
    assert_eq!(read::part_run("000001.parquet"), None);
    assert_eq!(read::part_run("part-run-00001-00000.parquet.tmp"), None);
}

#[test]
fn partitions_come_from_the_path() {
    let p = read::partition_of(Path::new(
        "region=gansu/year=2019/part-run-00001-00000.parquet",
    ));
    assert_eq!(
        p,
        Partition {
            region: Some("gansu".into()),
            year: Some(2019)
        }
    );
    let p = read::partition_of(Path::new(
        "region=__HIVE_DEFAULT_PARTITION__/year=__HIVE_DEFAULT_PARTITION__/x.parquet",
    ));
    assert_eq!(p, Partition::default());
}

#[test]
fn only_current_rejects_count() {
    let reject = |path: &str| RejectRow {
        source_path: path.into(),
        reason: "binary".into(),
    };
    let rows = vec![
        (reject("a"), Some("c1".to_string()), "run-00001".to_string()),
        (reject("b"), Some("c1".to_string()), "run-00002".to_string()),
        (reject("c"), Some("c2".to_string()), "run-00001".to_string()),
        (reject("d"), None, "run-00001".to_string()),
        (reject("e"), None, "run-00002".to_string()),
    ];
    let is_report = [("c1".to_string(), false), ("c2".to_string(), true)]
        .into_iter()
        .collect();
    let runs: Vec<RunInfo> = ["run-00001", "run-00002"]
        .iter()
        .map(|r| RunInfo {
            run_id: r.to_string(),
            inputs: vec![],
        })
        .collect();
    let kept: Vec<String> = read::current_rejects(rows, &is_report, &runs)
        .into_iter()
        .map(|r| r.source_path)
        .collect();
    // c1 twice: the latest; c2 later read as a report: gone; unreadable: last run's only.
    assert_eq!(kept, vec!["b", "e"]);
}

// ---------------------------------------------------------------------------
// The reader on datasets written by the real writer.

mod written {
    use super::*;
    use crate::model::{
        ApplicationCell, CellState, Finding, ParsedReport, Region, Report, ReportStatus,
        Severity as ModelSeverity, SourceFormat, Template,
    };
    use crate::sink::{DatasetWriter, LocalStore, WriterOptions};
    use std::sync::Arc;

    fn model_report(id: &str, path: &str, year: i32, new: i64, supersedes: Option<&str>) -> Report {
        let applications = ["new", "granted"]
            .iter()
            .flat_map(|row| {
                crate::parse::labels::APPLICANTS
                    .iter()
                    .map(move |applicant| ApplicationCell {
                        row,
                        row_label: Some(Arc::from(*row)),
                        applicant,
                        count: Some(if *row == "new" { new } else { 1 }),
                        state: CellState::Value,
                        raw: Some(new.to_string()),
                    })
            })
            .collect();
        Report {
            report_id: id.into(),
            source_path: path.into(),
            source_format: SourceFormat::Text,
            encoding: "UTF-8".into(),
            bytes: 10,
            parsed: ParsedReport {
                title: Some(format!("<b>{id}</b> 2019年报告")),
                agency: Some("临泽县".into()),
                year: Some(year),
                published: None,
                template: Template::V2019,
                table_templates: [None, None, None],
                active: Vec::new(),
                applications,
                review: Vec::new(),
                narrative: Vec::new(),
                findings: vec![Finding {
                    rule: "B.row_total".into(),
                    severity: ModelSeverity::Error,
                    subject: "applications:new".into(),
                    expected: Some("1".into()),
                    actual: Some("2".into()),
                    message: format!("break in {id}"),
                }],
                status: ReportStatus::Ok,
            },
            region: Region {
                slug: Some("gansu".into()),
                province: Some("甘肃省".into()),
                ..Region::default()
            },
            supersedes: supersedes.map(str::to_string),
        }
    }

    fn run(root: &Path, run_id: &str, inputs: &Path, reports: &[Report]) {
        let store = LocalStore::open(root).unwrap();
        let mut writer = DatasetWriter::new(&store, run_id, WriterOptions::default()).unwrap();
        for r in reports {
            writer.add_report(r).unwrap();
        }
        writer.finish().unwrap();
        let record =
            serde_json::json!({"run_id": run_id, "inputs_args": [inputs.display().to_string()]});
        writer.commit(record, &|_| {}).unwrap();
    }

    const A: &str = "0000000000000000000000000000000a";
    const B: &str = "0000000000000000000000000000000b";
    const C: &str = "0000000000000000000000000000000c";

    /// Run 1: A and B (2019); run 2: C, a correction of A. Sources in `inputs`.
    fn dataset() -> (tempfile::TempDir, tempfile::TempDir) {
        let (dir, inputs) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        std::fs::write(inputs.path().join("a.txt"), "a").unwrap();
        run(
            dir.path(),
            "run-00001",
            inputs.path(),
            &[
                model_report(A, "a.txt", 2019, 10, None),
                model_report(B, "b.txt", 2019, 5, None),
            ],
        );
        run(
            dir.path(),
            "run-00002",
            inputs.path(),
            &[model_report(C, "a.txt", 2019, 12, Some(A))],
        );
        (dir, inputs)
    }

    fn part(root: &Path, table: &str, run: &str) -> std::path::PathBuf {
        root.join(table)
            .join("region=gansu/year=2019")
            .join(format!("part-{run}-00000.parquet"))
    }

    #[test]
    fn superseded_versions_and_their_rows_are_left_out() {
        let (dir, inputs) = dataset();
        let d = read::read_dataset(dir.path()).unwrap();
        let ids: Vec<&str> = d.reports.iter().map(|r| r.report_id.as_str()).collect();
        assert_eq!(ids, vec![B, C]);
        assert_eq!(d.superseded, 1);
        assert_eq!(d.runs.len(), 2);
        let years = aggregate::applications_by_year(&d);
        assert_eq!(years[0].received, 5 + 12, "A's 10 left out");
        assert_eq!(d.findings.len(), 2);
        // The worst reports' findings, from their partitions.
        let details = read::finding_details(&d, &[1]).unwrap();
        assert_eq!(details[&1].len(), 1);
        assert_eq!(details[&1][0].message, format!("break in {C}"));
        // C's source is found below the run's input; B's is not there.
        let found = read::source_location(&d, &d.reports[1]).unwrap();
        assert_eq!(
            found,
            std::path::absolute(inputs.path().join("a.txt")).unwrap()
        );
        assert_eq!(read::source_location(&d, &d.reports[0]), None);
    }

    #[test]
    fn copies_count_once_and_only_the_newest_cross_findings_are_read() {
        use crate::model::CrossFinding;
        let (dir, inputs) = dataset();
        let copy = |report: &str, other: &str| CrossFinding {
            report_id: report.into(),
            other_report_id: other.into(),
            rule: read::COPY_RULE,
            severity: ModelSeverity::Info,
            issuer: "620723/临泽县".into(),
            agency: "临泽县".into(),
            region: Some("gansu".into()),
            year: 2019,
            expected: None,
            actual: None,
            message: "copy".into(),
        };
        // Run 3 says B is a copy of C; a stale part under run 2's name, with
        // the same rows, is left beside it (as a killed cleanup could).
        let store = LocalStore::open(dir.path()).unwrap();
        let mut writer = DatasetWriter::new(&store, "run-00003", WriterOptions::default()).unwrap();
        writer.replace_cross_findings(&[copy(B, C)]).unwrap();
        writer.finish().unwrap();
        let record = serde_json::json!({"run_id": "run-00003", "inputs_args": [inputs.path().display().to_string()]});
        writer.commit(record, &|_| {}).unwrap();
        let stale = dir
            .path()
            .join("cross_findings/part-run-00002-00000.parquet");
        std::fs::copy(
            dir.path()
                .join("cross_findings/part-run-00003-00000.parquet"),
            &stale,
        )
        .unwrap();
        let d = read::read_dataset(dir.path()).unwrap();
        let ids: Vec<&str> = d.reports.iter().map(|r| r.report_id.as_str()).collect();
        assert_eq!(ids, vec![C], "B is a copy: counted once, as C");
        assert_eq!((d.copies, d.superseded), (1, 1));
        assert_eq!(d.cross.len(), 1, "the stale part is not read twice");
        assert_eq!(aggregate::applications_by_year(&d)[0].received, 12);
        assert!(d
            .findings
            .iter()
            .all(|f| d.reports[f.report].report_id == C));
    }

    #[test]
    fn parts_of_runs_never_committed_are_ignored() {
        let (dir, _inputs) = dataset();
        let root = dir.path();
        std::fs::copy(
            part(root, "reports", "run-00001"),
            part(root, "reports", "run-00003"),
        )
        .unwrap();
        std::fs::create_dir_all(root.join("_staging/run-00003")).unwrap();
        std::fs::copy(
            part(root, "reports", "run-00001"),
            root.join("_staging/run-00003/000000.parquet"),
        )
        .unwrap();
        let d = read::read_dataset(root).unwrap();
        assert_eq!(d.reports.len(), 2, "no row read twice");
        assert_eq!(d.ignored_files, 1);
    }

    #[test]
    fn refuses_datasets_without_a_committed_state() {
        let missing = read::read_dataset(Path::new("/nonexistent/xxgk-dataset")).unwrap_err();
        assert!(matches!(missing, ReportError::NotFound { .. }), "{missing}");
        let empty = tempfile::tempdir().unwrap();
        let e = read::read_dataset(empty.path()).unwrap_err();
        assert!(matches!(e, ReportError::NotADataset { .. }), "{e}");

        let (dir, _inputs) = dataset();
        std::fs::write(dir.path().join("_SWAP.json"), "{}").unwrap();
        let e = read::read_dataset(dir.path()).unwrap_err();
        assert!(matches!(e, ReportError::MidSwap { .. }), "{e}");
        assert!(e.to_string().contains("full-refresh swap"), "{e}");
        std::fs::remove_file(dir.path().join("_SWAP.json")).unwrap();

        std::fs::remove_file(dir.path().join("_SUCCESS")).unwrap();
        let e = read::read_dataset(dir.path()).unwrap_err();
        assert!(matches!(e, ReportError::Uncommitted { .. }), "{e}");
        assert!(e.to_string().contains("_SUCCESS is missing"), "{e}");
    }

    #[test]
    fn refuses_another_schema_version() {
        use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
        use parquet::arrow::ArrowWriter;
        use parquet::file::metadata::KeyValue;
        use parquet::file::properties::WriterProperties;
        let (dir, _inputs) = dataset();
        let path = part(dir.path(), "findings", "run-00002");
        let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&path).unwrap())
            .unwrap()
            .build()
            .unwrap();
        let batches: Vec<_> = reader.map(Result::unwrap).collect();
        let props = WriterProperties::builder()
            .set_key_value_metadata(Some(vec![KeyValue::new(
                xxgk_schema::SCHEMA_VERSION_KEY.into(),
                "1".to_string(),
            )]))
            .build();
        let mut out = Vec::new();
        let mut writer = ArrowWriter::try_new(&mut out, batches[0].schema(), Some(props)).unwrap();
        for b in &batches {
            writer.write(b).unwrap();
        }
        writer.close().unwrap();
        std::fs::write(&path, out).unwrap();
        let e = read::read_dataset(dir.path()).unwrap_err();
        match &e {
            ReportError::SchemaVersion { path: p, found } => {
                assert_eq!((p, found.as_str()), (&path, "1"));
            }
            other => panic!("{other}"),
        }
        let message = e.to_string();
        assert!(
            message.contains("schema version 1") && message.contains("--full-refresh"),
            "{message}"
        );
    }

    #[test]
    fn a_corrupt_part_file_is_an_error_not_a_panic() {
        let (dir, _inputs) = dataset();
        let path = part(dir.path(), "applications", "run-00001");
        let bytes = std::fs::read(&path).unwrap();
        for broken in [
            b"not parquet at all".to_vec(),
            bytes[..bytes.len() / 2].to_vec(),
            // Valid footer, garbage pages.
            [
                vec![0u8; bytes.len() - 200],
                bytes[bytes.len() - 200..].to_vec(),
            ]
            .concat(),
        ] {
            std::fs::write(&path, &broken).unwrap();
            let e = read::read_dataset(dir.path()).unwrap_err();
            assert!(matches!(e, ReportError::Parquet { .. }), "{e}");
            assert!(e.to_string().contains("applications"), "{e}");
        }
    }

    #[test]
    fn a_part_file_without_the_columns_read_is_an_error_not_a_panic() {
        use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
        use parquet::arrow::ArrowWriter;
        use parquet::file::metadata::KeyValue;
        use parquet::file::properties::WriterProperties;
        let (dir, _inputs) = dataset();
        let path = part(dir.path(), "applications", "run-00001");
        // Another table's file in its place.
        std::fs::copy(part(dir.path(), "reports", "run-00001"), &path).unwrap();
        let e = read::read_dataset(dir.path()).unwrap_err();
        assert!(e.to_string().contains("no column row"), "{e}");
        // Table B's columns but the one the row filter reads (`applicant`).
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("report_id", std::sync::Arc::new(StringArray::from(vec![C]))),
            ("row", std::sync::Arc::new(StringArray::from(vec!["new"]))),
            ("count", std::sync::Arc::new(Int64Array::from(vec![3]))),
        ];
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let props = WriterProperties::builder()
            .set_key_value_metadata(Some(vec![KeyValue::new(
                xxgk_schema::SCHEMA_VERSION_KEY.into(),
                xxgk_schema::SCHEMA_VERSION.to_string(),
            )]))
            .build();
        let mut out = Vec::new();
        let mut writer = ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        std::fs::write(&path, out).unwrap();
        let e = read::read_dataset(dir.path()).unwrap_err();
        assert!(e.to_string().contains("no column applicant"), "{e}");
    }

    #[test]
    fn the_page_of_a_written_dataset_escapes_titles_and_is_deterministic() {
        let (dir, _inputs) = dataset();
        let (first, summary) = super::super::render(dir.path()).unwrap();
        let (second, _) = super::super::render(dir.path()).unwrap();
        assert_eq!(first, second);
        assert_eq!(summary.reports, 2);
        assert!(first.contains("&lt;b&gt;0000000000000000000000000000000c&lt;/b&gt;"));
        assert!(!first.contains("<b>0000"));
    }
}

// ---------------------------------------------------------------------------
// SVG helpers.

#[test]
fn escape_covers_markup_and_quotes() {
    assert_eq!(
        svg::escape(r#"<a href="x" title='y'>&</a>"#),
        "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
    );
    assert_eq!(svg::escape("a\u{1}b"), "a\u{FFFD}b");
    assert_eq!(svg::escape("临泽县\n"), "临泽县\n");
}

#[test]
fn ticks_are_round_and_cover_the_maximum() {
    assert_eq!(svg::ticks(7.0, 5, true), vec![0.0, 2.0, 4.0, 6.0, 8.0]);
    assert_eq!(
        svg::ticks(3250.0, 5, true),
        vec![0.0, 1000.0, 2000.0, 3000.0, 4000.0]
    );
    assert_eq!(svg::ticks(0.0, 5, true), vec![0.0, 1.0]);
    assert_eq!(svg::ticks(f64::NAN, 5, true), vec![0.0, 1.0]);
    assert_eq!(svg::ticks(1.0, 4, false), vec![0.0, 0.5, 1.0]);
}

#[test]
fn numbers_and_labels_print_stably() {
    assert_eq!(svg::number(1_234_567.0), "1,234,567");
    assert_eq!(svg::number(-1200.0), "-1,200");
    assert_eq!(svg::number(0.0), "0");
    assert_eq!(svg::number(0.5), "0.5");
    assert_eq!(svg::percent(0.4166), "41.7%");
    assert_eq!(svg::fit("abc", 100.0, 12.0), "abc");
    let cut = svg::fit("平潭综合实验区自然资源与生态环境局", 60.0, 12.0);
    assert!(
        cut.ends_with('…') && svg::text_width(&cut, 12.0) <= 60.0,
        "{cut}"
    );
}

#[test]
fn the_colour_scale_runs_red_to_blue_with_readable_text() {
    assert_eq!(svg::diverging(0.0), ("#b2182b".to_string(), "#ffffff"));
    assert_eq!(svg::diverging(0.5), ("#f7f7f7".to_string(), "#1a1a1a"));
    assert_eq!(svg::diverging(1.0), ("#2166ac".to_string(), "#ffffff"));
    assert_eq!(svg::diverging(f64::NAN), svg::diverging(0.0));
}

#[test]
fn file_urls_are_percent_encoded() {
    assert_eq!(
        html::file_url(Path::new("/tmp/a b/报告#1.txt")),
        "file:///tmp/a%20b/%E6%8A%A5%E5%91%8A%231.txt"
    );
    assert_eq!(
        html::file_url(Path::new("/x/\"><y")),
        "file:///x/%22%3E%3Cy"
    );
}

// ---------------------------------------------------------------------------
// The page.

const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&";

/// A page whose every data string is hostile markup.
fn hostile_page() -> Page {
    let mut d = fixture();
    for r in &mut d.reports {
        r.title = Some(format!("{HOSTILE} title"));
        r.agency = Some(HOSTILE.into());
        r.province = Some(HOSTILE.into());
        r.source_path = format!("{HOSTILE}.txt");
    }
    d.rejects[0].reason = HOSTILE.into();
    d.findings[2].subject = format!("narrative:{HOSTILE}");
    let mut page = super::build_page(&d).unwrap();
    page.worst[0].href = Some(html::file_url(Path::new(&format!("/data/{HOSTILE}"))));
    page.worst[0].findings = vec![FindingDetail {
        rule: HOSTILE.into(),
        severity: Severity::Error,
        subject: HOSTILE.into(),
        expected: Some(HOSTILE.into()),
        actual: Some(HOSTILE.into()),
        message: HOSTILE.into(),
    }];
    page
}

#[test]
fn text_from_the_data_cannot_inject_markup() {
    let page = html::render(&hostile_page());
    assert!(!page.contains("<script"), "no script element at all");
    assert!(!page.contains("<img"));
    assert!(page.contains(
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;"
    ));
    // Every element the page has is one the renderer writes.
    let mut tags: Vec<&str> = page
        .split('<')
        .skip(1)
        .map(|t| {
            t.split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or("")
        })
        .filter(|t| !t.is_empty())
        .collect();
    tags.sort();
    tags.dedup();
    let allowed = [
        "!DOCTYPE",
        "a",
        "body",
        "circle",
        "code",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "head",
        "header",
        "html",
        "li",
        "line",
        "meta",
        "nav",
        "ol",
        "p",
        "polyline",
        "rect",
        "small",
        "style",
        "summary",
        "svg",
        "table",
        "tbody",
        "td",
        "text",
        "th",
        "thead",
        "title",
        "tr",
    ];
    for tag in tags {
        assert!(allowed.contains(&tag), "unexpected element <{tag}>");
    }
}

#[test]
fn the_page_is_self_contained_with_every_figure() {
    let page = html::render(&super::build_page(&fixture()).unwrap());
    for id in FIGURE_IDS {
        assert_eq!(
            page.matches(&format!("<figure id=\"{id}\">")).count(),
            1,
            "{id}"
        );
    }
    assert_eq!(
        page.matches("<svg ").count(),
        FIGURE_IDS.len(),
        "one chart per figure"
    );
    // Every chart has a title, a heading and its two axis titles.
    for id in FIGURE_IDS {
        let at = page.find(&format!("<figure id=\"{id}\">")).unwrap();
        let figure = &page[at..at + page[at..].find("</figure>").unwrap()];
        assert!(
            figure.contains("<h2>") && figure.contains("<title>"),
            "{id}"
        );
        assert!(
            figure.matches("class=\"axis-title\"").count() >= 2,
            "{id}: axis titles"
        );
    }
    // The SVG namespace is an identifier, not a fetch; nothing else names a URL.
    let without_ns = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!without_ns.contains("http://") && !without_ns.contains("https://"));
    for attr in ["src=", "@import", "url("] {
        assert!(!page.contains(attr), "{attr}");
    }
    assert!(
        page.contains("default-src 'none'"),
        "a CSP forbids every fetch"
    );
    assert!(page.contains("<dd id=\"n-reports\">6</dd>"));
}

#[test]
fn the_same_data_gives_the_same_bytes() {
    let a = html::render(&super::build_page(&fixture()).unwrap());
    let b = html::render(&super::build_page(&fixture()).unwrap());
    assert_eq!(a, b);
}

#[test]
fn an_empty_dataset_still_draws_every_figure() {
    let page = html::render(&Page::default());
    for id in FIGURE_IDS {
        assert!(page.contains(&format!("<figure id=\"{id}\">")), "{id}");
    }
    assert!(page.contains(">none</text>"));
}

#[test]
fn worst_entries_list_their_findings_and_link_their_source() {
    let d = fixture();
    let entry = WorstEntry {
        rank: Ranked {
            report: 0,
            errors: 1,
            warnings: 0,
        },
        report: d.reports[0].clone(),
        href: Some("file:///data/r0.txt".into()),
        findings: (0..html::FINDINGS_LISTED + 3)
            .map(|i| FindingDetail {
                rule: "B.row_total".into(),
                severity: Severity::Error,
                subject: format!("s{i}"),
                expected: None,
                actual: None,
                message: "m".into(),
            })
            .collect(),
    };
    let page = html::render(&Page {
        worst: vec![entry],
        ..Page::default()
    });
    assert!(page.contains("<a href=\"file:///data/r0.txt\"><code>r0.txt</code></a>"));
    assert!(page.contains("<li id=\"report-1\">"));
    assert!(
        page.contains("href=\"#report-1\""),
        "the bar label links to the listing"
    );
    assert!(page.contains("… and 3 more"));
    assert_eq!(
        page.matches("<td class=\"sev-error\">").count(),
        html::FINDINGS_LISTED
    );
}
