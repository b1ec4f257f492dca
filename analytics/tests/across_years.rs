//! `continuity` and `diff` end to end, on datasets the `xxgk` binary writes from real reports
//! and from a generated series corpus (`xxgk-synth series`, with planted carry-over breaks).
//!
//! The real reports: 平潭综合实验区公安局's 2021 crawled page and 2022 HTML page (issuer
//! `350128/平潭综合实验区公安局`; 2021 carried 1 application forward, 2022 carried 1 over) and
//! 洪泽区's 2023 and 2024 PDFs (issuer `320813/洪泽区人民政府`, titled 洪泽区人民政府 and
//! 淮安市洪泽区人民政府; 0 forward, 0 over). Expected values are the hand-read cells of
//! `tests/golden/realworld/*.golden`.
//!
//! Every dataset is also checked against the pipeline's own `cross_findings`: the pairs
//! `continuity` marks `broken` are exactly the `carryover_mismatch` findings, with the same
//! values.

#[macro_use]
mod common;

use common::{analytics, csv, ingest, ingest_all, realworld, repo_root, rows};
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use xxgk_analytics::continuity::{self, BROKEN};
use xxgk_analytics::{Dataset, Table};

/// (report, other report, expected, actual) of a carry-over that does not continue.
type Break = (String, String, Option<String>, Option<String>);

/// The string cells of column `name`.
fn strs(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    let column = df.column(name).unwrap().cast(&DataType::String).unwrap();
    let ca = column.str().unwrap();
    (0..ca.len())
        .map(|i| ca.get(i).map(str::to_owned))
        .collect()
}

/// The `broken` pairs of `continuity`, as findings would name them.
fn broken_pairs(ds: &Dataset) -> BTreeSet<Break> {
    let df = continuity::continuity(ds, None).unwrap().collect().unwrap();
    let columns = [
        "continuity",
        "report",
        "report_before",
        "carried_forward_before",
        "carried_over",
    ]
    .map(|c| strs(&df, c));
    (0..df.height())
        .filter(|&i| columns[0][i].as_deref() == Some(BROKEN))
        .map(|i| {
            (
                columns[1][i].clone().unwrap(),
                columns[2][i].clone().unwrap(),
                columns[3][i].clone(),
                columns[4][i].clone(),
            )
        })
        .collect()
}

/// The pipeline's `carryover_mismatch` findings.
fn mismatch_findings(ds: &Dataset) -> BTreeSet<Break> {
    let df = ds
        .scan(Table::CrossFindings)
        .unwrap()
        .filter(col("rule").eq(lit("carryover_mismatch")))
        .collect()
        .unwrap();
    let columns = ["report_id", "other_report_id", "expected", "actual"].map(|c| strs(&df, c));
    (0..df.height())
        .map(|i| {
            (
                columns[0][i].clone().unwrap(),
                columns[1][i].clone().unwrap(),
                columns[2][i].clone(),
                columns[3][i].clone(),
            )
        })
        .collect()
}

/// Every pair `continuity` marks broken is a `carryover_mismatch` of the pipeline, and every
/// such finding a broken pair; returns how many.
fn assert_agrees_with_cross_findings(dataset: &Path) -> usize {
    let ds = Dataset::open(dataset).unwrap();
    let (broken, findings) = (broken_pairs(&ds), mismatch_findings(&ds));
    assert_eq!(
        broken, findings,
        "continuity's broken pairs are the pipeline's carryover_mismatch findings"
    );
    broken.len()
}

/// `report_id` by `source_path`, from `latest --csv`.
fn ids_by_path(ds: &str) -> BTreeMap<String, String> {
    let latest = csv(&["latest", "--dataset", ds]);
    let header = &latest[0][0];
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (id, path) = (at("report_id"), at("source_path"));
    latest[0][1..]
        .iter()
        .map(|r| (r[path].clone(), r[id].clone()))
        .collect()
}

/// The header of `continuity --csv`.
const CONTINUITY_HEADER: [&str; 15] = continuity::COLUMNS;

/// `real_or_skip!(tmp)`: the dataset of the real reports ([`real_dataset`]), or return from the
/// test without an `xxgk` binary or `pdftotext`.
macro_rules! real_or_skip {
    ($tmp:expr) => {{
        let xxgk = xxgk_or_skip!();
        if !common::has_pdftotext() {
            common::missing("pdftotext", "apt-get install poppler-utils poppler-data");
            return;
        }
        real_dataset(&xxgk, $tmp)
    }};
}

/// The real reports: 平潭公安局 2021 (crawled page) and 2022 (HTML page, and its PDF rendering:
/// the same report in two files), 洪泽区 2023 and 2024 (PDFs). Returns the dataset directory.
fn real_dataset(xxgk: &Path, tmp: &Path) -> String {
    let input = tmp.join("in");
    fs::create_dir_all(&input).unwrap();
    for rel in [
        "crawled/pingtan_gonganju_2021.txt",
        "html/pingtan_gongan_2022.html",
        "renderings/pingtan_gongan_2022.pdf",
        "pdf/hongze_district_2023.pdf",
        "pdf/hongze_district_2024.pdf",
    ] {
        let from = realworld(rel);
        fs::copy(&from, input.join(from.file_name().unwrap())).unwrap();
    }
    let ds = tmp.join("ds");
    ingest(xxgk, &input, &ds);
    ds.to_str().unwrap().to_owned()
}

#[test]
fn real_carry_overs_continue() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = real_or_skip!(tmp.path());
    let ids = ids_by_path(&ds);
    let id = |path: &str| ids[path].as_str();

    let table = csv(&["continuity", "--dataset", &ds]);
    assert_eq!(table.len(), 1);
    // One pair per issuer; the 2022 report's PDF copy is not a second one (the HTML page,
    // first by path, stands for it). 本年新收 21 → 95 (洪泽区), 1 → 1 (公安局).
    assert_eq!(
        rows(&table[0]),
        [
            CONTINUITY_HEADER.to_vec(),
            vec![
                "320813/洪泽区人民政府",
                "jiangsu",
                "淮安市洪泽区人民政府",
                "2023",
                "2024",
                "0",
                "0",
                "continues",
                "21",
                "95",
                "4.523809523809524",
                id("hongze_district_2023.pdf"),
                id("hongze_district_2024.pdf"),
                "hongze_district_2023.pdf",
                "hongze_district_2024.pdf",
            ],
            vec![
                "350128/平潭综合实验区公安局",
                "fujian",
                "平潭综合实验区公安局",
                "2021",
                "2022",
                "1",
                "1",
                "continues",
                "1",
                "1",
                "1.0",
                id("pingtan_gonganju_2021.txt"),
                id("pingtan_gongan_2022.html"),
                "pingtan_gonganju_2021.txt",
                "pingtan_gongan_2022.html",
            ],
        ]
    );
    let fujian = csv(&["continuity", "--dataset", &ds, "--region", "fujian"]);
    assert_eq!(fujian[0].len(), 2);
    assert_eq!(fujian[0][1][0], "350128/平潭综合实验区公安局");
    let none = csv(&["continuity", "--dataset", &ds, "--region", "gansu"]);
    assert_eq!(rows(&none[0]), [CONTINUITY_HEADER.to_vec()]);

    assert_eq!(assert_agrees_with_cross_findings(Path::new(&ds)), 0);

    // The table display prints too, with the counts in its heading.
    let out = analytics(&["continuity", "--dataset", &ds]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("2 pair(s); 2 continue, 0 broken, 0 unknown"),
        "{text}"
    );
}

/// The hand-read cells of a golden file: (table, row, column) → value, in file order.
fn golden_cells(stem: &str) -> Vec<((String, String, String), String)> {
    let path = repo_root().join(format!("tests/golden/realworld/{stem}.golden"));
    let table = |t: &str| match t {
        "A" => "active_disclosure",
        "B" => "applications",
        _ => "review_litigation",
    };
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("A\t") || l.starts_with("B\t") || l.starts_with("C\t"))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                (table(f[0]).to_owned(), f[1].to_owned(), f[2].to_owned()),
                f[3].to_owned(),
            )
        })
        .collect()
}

/// The cells that differ between two goldens: (table, row, column, value A, value B).
fn golden_diff(stem_a: &str, stem_b: &str) -> BTreeSet<[String; 5]> {
    let a: BTreeMap<_, _> = golden_cells(stem_a).into_iter().collect();
    let b: BTreeMap<_, _> = golden_cells(stem_b).into_iter().collect();
    let keys: BTreeSet<_> = a.keys().chain(b.keys()).collect();
    let shown = |v: Option<&String>| v.cloned().unwrap_or("(not in template)".to_owned());
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            let (t, r, c) = k.clone();
            [t, r, c, shown(a.get(k)), shown(b.get(k))]
        })
        .collect()
}

/// The 16 cells that differ between the 公安局's 2021 and 2022 reports, read by hand
/// (`pingtan_gonganju_2021.golden`, `pingtan_gongan_2022.golden`): table A's 规范性文件 and
/// 行政处罚, and table B where 2021's one application (carried forward, also counted under
/// （六）3.其他) was closed in 2022 as 逾期不补正, beside 2022's new one answered in part.
const PINGTAN_CELLS: [[&str; 6]; 16] = [
    [
        "active_disclosure",
        "normative_docs",
        "issued",
        "0",
        "4",
        "+4",
    ],
    [
        "active_disclosure",
        "normative_docs",
        "repealed",
        "0",
        "1",
        "+1",
    ],
    [
        "active_disclosure",
        "normative_docs",
        "in_force",
        "2",
        "7",
        "+5",
    ],
    [
        "active_disclosure",
        "penalty",
        "decisions",
        "141",
        "157",
        "+16",
    ],
    [
        "applications",
        "carried_over",
        "natural_person",
        "0",
        "1",
        "+1",
    ],
    ["applications", "carried_over", "total", "0", "1", "+1"],
    ["applications", "partial", "natural_person", "0", "1", "+1"],
    ["applications", "partial", "total", "0", "1", "+1"],
    [
        "applications",
        "other.no_correction",
        "natural_person",
        "0",
        "1",
        "+1",
    ],
    [
        "applications",
        "other.no_correction",
        "total",
        "0",
        "1",
        "+1",
    ],
    [
        "applications",
        "other.other",
        "natural_person",
        "1",
        "0",
        "-1",
    ],
    ["applications", "other.other", "total", "1", "0", "-1"],
    ["applications", "total", "natural_person", "1", "2", "+1"],
    ["applications", "total", "total", "1", "2", "+1"],
    [
        "applications",
        "carried_forward",
        "natural_person",
        "1",
        "0",
        "-1",
    ],
    ["applications", "carried_forward", "total", "1", "0", "-1"],
];

#[test]
fn real_two_year_diffs() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = real_or_skip!(tmp.path());
    let ids = ids_by_path(&ds);

    // By agency name; the 2022 report is its HTML page (its PDF copy sorts after it).
    let out = csv(&[
        "diff",
        "--dataset",
        &ds,
        "--issuer",
        "平潭综合实验区公安局",
        "--years",
        "2021",
        "2022",
    ]);
    assert_eq!(out.len(), 3, "reports, cells, figures");
    assert_eq!(
        rows(&out[0]),
        [
            vec!["side", "year", "agency", "report_id", "source_path"],
            vec![
                "A",
                "2021",
                "平潭综合实验区公安局",
                &ids["pingtan_gonganju_2021.txt"],
                "pingtan_gonganju_2021.txt"
            ],
            vec![
                "B",
                "2022",
                "平潭综合实验区公安局",
                &ids["pingtan_gongan_2022.html"],
                "pingtan_gongan_2022.html"
            ],
        ]
    );
    let cells = rows(&out[1]);
    assert_eq!(
        cells[0],
        ["table", "row", "column", "value_a", "value_b", "change", "unit"]
    );
    let got: Vec<Vec<&str>> = cells[1..].iter().map(|r| r[..6].to_vec()).collect();
    assert_eq!(got, PINGTAN_CELLS.map(|r| r.to_vec()).to_vec());
    // The same list as the two goldens give, cell by cell.
    let from_goldens = golden_diff("pingtan_gonganju_2021", "pingtan_gongan_2022");
    let listed: BTreeSet<[String; 5]> = cells[1..]
        .iter()
        .map(|r| std::array::from_fn(|i| r[i].to_owned()))
        .collect();
    assert_eq!(listed, from_goldens);

    // The figures the text states: 2021 from pingtan_gonganju_2021.golden (N lines: 主动公开
    // 184 条, 收到申请 1 件, 新闻发布会 5 场), 2022 read by hand from the page ("全年累计主动公开
    // 公安政府信息179条", "收到政府信息公开申请1件", "召开新闻发布会2场"). 收到申请 is the same
    // in both years, so it is not listed.
    assert_eq!(
        rows(&out[2]),
        [
            vec!["measure", "label", "value_a", "value_b", "change", "unit"],
            vec!["active_disclosed", "主动公开", "184", "179", "-5", "条"],
            vec!["press_conferences", "新闻发布会", "5", "2", "-3", "场"],
        ]
    );

    // --all lists every cell: 10 of table A, 25 × 7 of table B, 15 of table C.
    let all = csv(&[
        "diff",
        "--dataset",
        &ds,
        "--issuer",
        "350128/平潭综合实验区公安局",
        "--years",
        "2021",
        "2022",
        "--all",
    ]);
    assert_eq!(all[1].len() - 1, 10 + 25 * 7 + 15);
    let fees = all[1]
        .iter()
        .find(|r| r[1] == "fees" && r[2] == "amount")
        .unwrap();
    assert_eq!(
        rows(std::slice::from_ref(fees))[0],
        ["active_disclosure", "fees", "amount", "0", "0", "0", "万元"]
    );

    // 洪泽区 by the 2024 title's agency: the diff is the goldens' diff, cell by cell.
    let hongze = csv(&[
        "diff",
        "--dataset",
        &ds,
        "--issuer",
        "淮安市洪泽区人民政府",
        "--years",
        "2023",
        "2024",
    ]);
    let listed: BTreeSet<[String; 5]> = hongze[1][1..]
        .iter()
        .map(|r| std::array::from_fn(|i| r[i].clone()))
        .collect();
    let from_goldens = golden_diff("hongze_district_2023", "hongze_district_2024");
    assert_eq!(listed, from_goldens);
    let new = hongze[1]
        .iter()
        .find(|r| r[0] == "applications" && r[1] == "new" && r[2] == "total")
        .unwrap();
    assert_eq!(
        rows(std::slice::from_ref(new))[0][3..6],
        ["21", "95", "+74"]
    );
    // The 2023 text states 主动公开政府信息 1136 条 and 受理…申请 21 件 (PDF page 1); the 2024
    // text words them otherwise (主动发布 2428 条), so no figure is read: not stated, not 0.
    // 信息处理费 0 元 both years: the same, not listed.
    assert_eq!(
        rows(&hongze[2]),
        [
            vec!["measure", "label", "value_a", "value_b", "change", "unit"],
            vec![
                "active_disclosed",
                "主动公开",
                "1136",
                "(not stated)",
                "",
                "条"
            ],
            vec![
                "applications_received",
                "收到申请",
                "21",
                "(not stated)",
                "",
                "件"
            ],
        ]
    );
    // Backwards: B − A the other way round.
    let back = csv(&[
        "diff",
        "--dataset",
        &ds,
        "--issuer",
        "320813/洪泽区人民政府",
        "--years",
        "2024",
        "2023",
    ]);
    let new = back[1]
        .iter()
        .find(|r| r[0] == "applications" && r[1] == "new" && r[2] == "total")
        .unwrap();
    assert_eq!(
        rows(std::slice::from_ref(new))[0][3..6],
        ["95", "21", "-74"]
    );
}

/// Runs `xxgk-analytics <args>` expecting exit status 2, and returns its stderr.
fn usage_error(args: &[&str]) -> String {
    let out = analytics(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    stderr
}

#[test]
fn diff_names_the_candidates_when_it_cannot_choose() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = real_or_skip!(tmp.path());
    let diff = |issuer: &str, a: &str, b: &str| {
        usage_error(&[
            "diff",
            "--dataset",
            &ds,
            "--issuer",
            issuer,
            "--years",
            a,
            b,
        ])
    };
    let err = diff("洪泽", "2023", "2024");
    assert!(
        err.contains("no issuer or agency is called `洪泽`")
            && err.contains(
                "320813/洪泽区人民政府 (agency 洪泽区人民政府, 淮安市洪泽区人民政府; 2023, 2024)"
            ),
        "{err}"
    );
    let err = diff("某某局", "2023", "2024");
    assert!(
        err.contains("`xxgk-analytics continuity` lists the issuers"),
        "{err}"
    );
    let err = diff("洪泽区人民政府", "2023", "2022");
    assert!(
        err.contains("320813/洪泽区人民政府 has no report for 2022; it has reports for 2023, 2024"),
        "{err}"
    );
    let err = diff("洪泽区人民政府", "2023", "2023");
    assert!(err.contains("two different years"), "{err}");
}

/// Copies `from` to `dir/rel`.
fn put(dir: &Path, rel: &str, bytes: &[u8]) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// (continuity, source_before, source) of every pair.
fn pairs(ds: &str) -> Vec<[String; 3]> {
    let table = csv(&["continuity", "--dataset", ds]);
    let header = &table[0][0];
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    table[0][1..]
        .iter()
        .map(|r| {
            [
                r[at("continuity")].clone(),
                r[at("source_before")].clone(),
                r[at("source")].clone(),
            ]
        })
        .collect()
}

/// Run 1: the 2021 page and the same page retitled 2022 (its 上年结转 0 does not continue
/// 2021's 结转下年度 1): broken. Run 2: that file corrected to the real 2022 page (a new
/// version of the same path): continues, and the old version is gone. Run 3: a second, different
/// 2022 report: the year is in conflict, both pairings shown as `conflict`, nothing broken —
/// and `diff` refuses the year, listing the two. Each run agrees with `cross_findings`.
#[test]
fn versions_and_conflicts_follow_the_pipeline() {
    let xxgk = xxgk_or_skip!();
    let tmp = tempfile::tempdir().unwrap();
    let (input, ds) = (tmp.path().join("in"), tmp.path().join("ds"));
    let page_2021 = fs::read_to_string(realworld("crawled/pingtan_gonganju_2021.txt")).unwrap();
    let retitled = page_2021.replace("2021年", "2022年");
    put(&input, "a/gonganju_2021.txt", page_2021.as_bytes());
    put(&input, "a/gonganju_2022.txt", retitled.as_bytes());
    ingest(&xxgk, &input, &ds);
    let ds_str = ds.to_str().unwrap();
    let s = |v: &str| v.to_owned();
    assert_eq!(
        pairs(ds_str),
        [[
            s("broken"),
            s("a/gonganju_2021.txt"),
            s("a/gonganju_2022.txt")
        ]]
    );
    let broken = csv(&["continuity", "--dataset", ds_str]);
    assert_eq!(broken[0][1][5..8], ["1", "0", "broken"]);
    assert_eq!(assert_agrees_with_cross_findings(&ds), 1);

    // Run 2: the file corrected (same path, the real 2022 page).
    put(
        &input,
        "a/gonganju_2022.txt",
        &fs::read(realworld("html/pingtan_gongan_2022.html")).unwrap(),
    );
    ingest(&xxgk, &input, &ds);
    assert_eq!(
        pairs(ds_str),
        [[
            s("continues"),
            s("a/gonganju_2021.txt"),
            s("a/gonganju_2022.txt")
        ]]
    );
    let latest = ids_by_path(ds_str);
    let row = &csv(&["continuity", "--dataset", ds_str])[0][1];
    assert_eq!(row[12], latest["a/gonganju_2022.txt"], "the new version");
    assert_eq!(assert_agrees_with_cross_findings(&ds), 0);

    // Run 3: another file for 2022 with other cells (the retitled page, a note added so that
    // it is not the content already ingested).
    put(
        &input,
        "b/gonganju_2022_copy.txt",
        format!("{retitled}\n附注：转载。\n").as_bytes(),
    );
    ingest(&xxgk, &input, &ds);
    assert_eq!(
        pairs(ds_str),
        [
            [
                s("conflict"),
                s("a/gonganju_2021.txt"),
                s("a/gonganju_2022.txt")
            ],
            [
                s("conflict"),
                s("a/gonganju_2021.txt"),
                s("b/gonganju_2022_copy.txt")
            ],
        ]
    );
    assert_eq!(assert_agrees_with_cross_findings(&ds), 0);
    let err = usage_error(&[
        "diff",
        "--dataset",
        ds_str,
        "--issuer",
        "350128/平潭综合实验区公安局",
        "--years",
        "2021",
        "2022",
    ]);
    assert!(
        err.contains("has 2 reports with different cells for 2022")
            && err.contains("a/gonganju_2022.txt")
            && err.contains("b/gonganju_2022_copy.txt"),
        "{err}"
    );
}

/// A planted finding of `xxgk-synth series` (`DIR/planted.json`).
#[derive(Debug)]
struct Planted {
    rule: String,
    path: String,
    other_path: String,
}

/// Reads `planted.json`: a list of `{"rule", "path", "other_path"}`.
fn read_planted(path: &Path) -> Vec<Planted> {
    let json: serde_json::Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
    let field = |p: &serde_json::Value, name: &str| p[name].as_str().unwrap().to_owned();
    json.as_array()
        .unwrap()
        .iter()
        .map(|p| Planted {
            rule: field(p, "rule"),
            path: field(p, "path"),
            other_path: field(p, "other_path"),
        })
        .collect()
}

#[test]
fn planted_carry_over_breaks_are_exactly_the_broken_pairs() {
    let xxgk = xxgk_or_skip!();
    let Some(synth) = common::synth_bin() else {
        common::missing_bin("xxgk-synth");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (corpus, ds) = (tmp.path().join("corpus"), tmp.path().join("ds"));
    let status = std::process::Command::new(synth)
        .args(["series", "--issuers", "20", "--out"])
        .arg(&corpus)
        .output()
        .expect("run xxgk-synth");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let planted = read_planted(&corpus.join("planted.json"));
    let planted_pairs = |rule: &str| -> BTreeSet<(String, String)> {
        planted
            .iter()
            .filter(|p| p.rule == rule)
            .map(|p| (p.other_path.clone(), p.path.clone()))
            .collect()
    };
    let breaks = planted_pairs("carryover_mismatch");
    assert!(!breaks.is_empty(), "the series plants carry-over breaks");
    ingest_all(&xxgk, &[&corpus.join("reports")], &ds);
    let ds_str = ds.to_str().unwrap();

    let all = pairs(ds_str);
    // 20 issuers × 4 years: 3 pairs each (copies in another format are one report).
    assert_eq!(all.len(), 20 * 3);
    let marked = |status: &str| -> BTreeSet<(String, String)> {
        all.iter()
            .filter(|p| p[0] == status)
            .map(|p| (p[1].clone(), p[2].clone()))
            .collect()
    };
    assert_eq!(
        marked("broken"),
        breaks,
        "broken = planted, no more, no less"
    );
    assert_eq!(marked("continues").len(), all.len() - breaks.len());
    assert_eq!(
        assert_agrees_with_cross_findings(&ds),
        breaks.len(),
        "and the pipeline finds the same"
    );

    // A planted tenfold jump shows in the ratio.
    let table = csv(&["continuity", "--dataset", ds_str]);
    let jumps = planted_pairs("applications_jump");
    let ratios: Vec<f64> = table[0][1..]
        .iter()
        .filter(|r| jumps.contains(&(r[13].clone(), r[14].clone())))
        .map(|r| r[10].parse().unwrap())
        .collect();
    assert_eq!(ratios.len(), jumps.len());
    assert!(ratios.iter().all(|&r| r >= 10.0), "{ratios:?}");
}
