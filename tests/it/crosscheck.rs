//! Checks across reports, on real files: the same report as an HTML page and
//! as a PDF is one report in two files; consecutive years of one issuer are
//! compared; the table is recomputed, not appended, run after run.

use crate::util::{self, Row, Val};
use std::path::Path;

fn realworld(rel: &str) -> std::path::PathBuf {
    util::root().join("tests/fixtures/realworld").join(rel)
}

/// (rule, source of report_id, source of other_report_id, expected, actual), sorted.
fn cross(out: &Path) -> Vec<(String, String, String, Val, Val)> {
    let reports = util::read_table(out, "reports");
    let source = |id: &Val| -> String {
        reports
            .iter()
            .find(|r| &r["report_id"] == id)
            .map(|r| r["source_path"].str().unwrap().to_string())
            .unwrap_or_else(|| format!("no report {id:?}"))
    };
    let mut rows: Vec<_> = util::read_table(out, "cross_findings")
        .iter()
        .map(|f: &Row| {
            (
                f["rule"].str().unwrap().to_string(),
                source(&f["report_id"]),
                source(&f["other_report_id"]),
                f["expected"].clone(),
                f["actual"].clone(),
            )
        })
        .collect();
    rows.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    rows
}

fn parquet_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "parquet"))
                .count()
        })
        .unwrap_or(0)
}

/// Three real HTML pages and their LibreOffice renderings (the PDF a site
/// attaches), the 公安局's 2021 crawled page before its 2022 page, and 洪泽区's
/// 2023 and 2024 PDFs (titled 洪泽区人民政府 and 淮安市洪泽区人民政府).
#[test]
fn real_copies_are_one_report_and_real_years_continue() {
    let out = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        realworld("crawled/pingtan_gonganju_2021.txt"),
        dir.path().join("pingtan_gonganju_2021.txt"),
    )
    .unwrap();
    util::ingest(
        &[
            &realworld("html"),
            &realworld("renderings"),
            &realworld("pdf"),
            dir.path(),
        ],
        out.path(),
        &[],
    );
    let str = |s: &str| s.to_string();
    assert_eq!(
        cross(out.path()),
        vec![
            (
                str("same_report_other_file"),
                str("pingtan_gongan_2022.pdf"),
                str("pingtan_gongan_2022.html"),
                Val::Null,
                Val::Null
            ),
            (
                str("same_report_other_file"),
                str("pingtan_xingzhengshenpi_2024.pdf"),
                str("pingtan_xingzhengshenpi_2024.html"),
                Val::Null,
                Val::Null
            ),
            (
                str("same_report_other_file"),
                str("pingtan_ziranziyuan_2023.pdf"),
                str("pingtan_ziranziyuan_2023.html"),
                Val::Null,
                Val::Null
            ),
        ],
        "2021 carried 1 forward and 2022 carried 1 over; 洪泽区 0 and 0: nothing else to report"
    );
    // The copies are not versions of each other.
    let reports = util::read_table(out.path(), "reports");
    assert!(reports.iter().all(|r| r["supersedes"] == Val::Null));
    // One issuer across the two 洪泽区 titles.
    let ledger = util::read_table(out.path(), "_ledger");
    let hongze: Vec<_> = ledger
        .iter()
        .filter(|e| e["source_path"].str().unwrap().starts_with("hongze"))
        .map(|e| e["issuer"].str().unwrap())
        .collect();
    assert_eq!(hongze, vec!["320813/洪泽区人民政府"; 2]);
}

/// Run 1: the 2021 page and a 2022 report whose 上年结转 (0) does not continue
/// 2021's 结转下年度 (1) → `carryover_mismatch`. Run 2 adds the real 2022 page:
/// two 2022 reports with different cells → `conflicting_reports`, and the
/// year is no longer compared; the first run's finding is gone, in one part
/// file.
#[test]
fn findings_across_reports_are_recomputed_by_each_run() {
    let page_2021 =
        std::fs::read_to_string(realworld("crawled/pingtan_gonganju_2021.txt")).unwrap();
    // The same page, retitled a year later: its table B still carries 0 over.
    let page_2022 = page_2021.replace("2021年", "2022年");
    let first = util::temp_inputs(&[
        ("a/gonganju_2021.txt", page_2021.as_bytes()),
        ("a/gonganju_2022.txt", page_2022.as_bytes()),
    ]);
    let out = tempfile::tempdir().unwrap();
    util::ingest(&[first.path()], out.path(), &[]);
    let str = |s: &str| s.to_string();
    assert_eq!(
        cross(out.path()),
        vec![(
            str("carryover_mismatch"),
            str("a/gonganju_2022.txt"),
            str("a/gonganju_2021.txt"),
            Val::Str("1".into()),
            Val::Str("0".into())
        )]
    );

    let html = std::fs::read(realworld("html/pingtan_gongan_2022.html")).unwrap();
    std::fs::create_dir_all(first.path().join("b")).unwrap();
    std::fs::write(first.path().join("b/gongan_2022.html"), html).unwrap();
    util::ingest(&[first.path()], out.path(), &[]);
    assert_eq!(
        cross(out.path()),
        vec![(
            str("conflicting_reports"),
            str("b/gongan_2022.html"),
            str("a/gonganju_2022.txt"),
            Val::Str("1".into()),
            Val::Str("1".into())
        )]
    );
    assert_eq!(parquet_files(&out.path().join("cross_findings")), 1);

    // A run with nothing new leaves them as they are.
    util::ingest(&[first.path()], out.path(), &[]);
    assert_eq!(cross(out.path()).len(), 1);
    assert_eq!(parquet_files(&out.path().join("cross_findings")), 1);
}

/// A generated corpus of series (one issuer year after year) with planted
/// carry-over breaks, tenfold jumps and copies in another format: the checks
/// find every planted one and nothing else, over two seeds.
#[test]
fn planted_breaks_across_reports_are_found_and_nothing_else() {
    use std::collections::BTreeSet;
    use xxgk_synth::series::{self, SeriesOptions};
    for seed in [1, 2] {
        let corpus = tempfile::tempdir().unwrap();
        let opts = SeriesOptions {
            seed,
            issuers: 60,
            ..SeriesOptions::default()
        };
        let planted = series::write(&opts, corpus.path()).unwrap();
        let rules: BTreeSet<&str> = planted.iter().map(|p| p.rule.as_str()).collect();
        assert_eq!(
            rules,
            BTreeSet::from([
                "applications_jump",
                "carryover_mismatch",
                "same_report_other_file"
            ]),
            "seed {seed} plants every rule"
        );
        let out = tempfile::tempdir().unwrap();
        util::ingest(&[&corpus.path().join("reports")], out.path(), &[]);
        let found: BTreeSet<(String, String, String)> = cross(out.path())
            .into_iter()
            .map(|(rule, path, other, _, _)| (rule, path, other))
            .collect();
        let want: BTreeSet<(String, String, String)> = planted
            .into_iter()
            .map(|p| (p.rule, p.path, p.other_path))
            .collect();
        assert_eq!(
            (
                want.difference(&found).collect::<Vec<_>>(),
                found.difference(&want).collect::<Vec<_>>()
            ),
            (vec![], vec![]),
            "seed {seed}: (planted but not found, found but not planted)"
        );
    }
}
