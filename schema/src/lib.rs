//! The xxgk dataset's schema, defined once: every table, every column's name,
//! type, nullability and meaning, and the schema version written into every
//! file. The writer (Arrow), the ledger reader, the data dictionary
//! (`docs/data-dictionary.md`, checked against [`dictionary_rows`] by a test)
//! and the polars analytics crate all read it from here. No dependencies, so
//! any crate of the workspace can use it for the price of a few kilobytes.
//!
//! ```
//! use xxgk_schema::{ColumnType, Table};
//! let count = Table::Applications.column("count").unwrap();
//! assert_eq!((count.ty, count.nullable), (ColumnType::Int64, true));
//! assert!(Table::Applications.partitioned());
//! assert!(!Table::Rejects.partitioned());
//! ```

/// The version of the dataset layout this build writes: bumped whenever a
/// column is added, removed, renamed or changes type or meaning. Every Parquet
/// file carries it under [`SCHEMA_VERSION_KEY`]; a run into a dataset of
/// another version stops (rebuild it with `--full-refresh`).
///
/// History: 1 — the first versioned layout (`reports.published` included);
/// 2 — `narrative_figures` and `cross_findings` added; the ledger carries
/// what the checks across reports compare.
pub const SCHEMA_VERSION: u32 = 2;

/// The Parquet key-value metadata key holding [`SCHEMA_VERSION`].
pub const SCHEMA_VERSION_KEY: &str = "xxgk.schema_version";

/// Name of the partition column for the province-level region slug.
pub const PARTITION_REGION: &str = "region";
/// Name of the partition column for the covered year.
pub const PARTITION_YEAR: &str = "year";
/// Path value for a partition value that is unknown (read back as NULL).
pub const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// The partition columns: (name, type as the dictionary names it, meaning).
pub const PARTITION_COLUMNS: [(&str, &str, &str); 2] = [
    (
        PARTITION_REGION,
        "string",
        "province-level division of the issuer as an ASCII pinyin slug (`gansu`, `chongqing`, `shaanxi` = 陕西, `shanxi` = 山西, …), `central` for central-government bodies; NULL (`__HIVE_DEFAULT_PARTITION__` in the path) when it could not be resolved",
    ),
    (
        PARTITION_YEAR,
        "integer",
        "the year the report covers (from its title / 统计期限, not its publication date); NULL when unknown",
    ),
];

/// The dataset's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// One row per report.
    Reports,
    /// Table A cells.
    ActiveDisclosure,
    /// Table B cells.
    Applications,
    /// Table C cells.
    ReviewLitigation,
    /// Figures the text states in words.
    NarrativeFigures,
    /// Findings.
    Findings,
    /// Findings across reports (not partitioned; recomputed every run).
    CrossFindings,
    /// Inputs that are not reports (not partitioned).
    Rejects,
    /// Every input ever ingested, by content (not partitioned; under `_ledger/`).
    Ledger,
}

/// Physical column types used by the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// UTF-8 string.
    Utf8,
    /// 64-bit signed integer.
    Int64,
    /// 64-bit float.
    Float64,
}

impl ColumnType {
    /// The name the data dictionary uses.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Utf8 => "string",
            ColumnType::Int64 => "int64",
            ColumnType::Float64 => "float64",
        }
    }
}

/// One column of a table's files (partition columns live in the path only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Column name.
    pub name: &'static str,
    /// Physical type.
    pub ty: ColumnType,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// What it means (the data dictionary's text, Markdown).
    pub description: &'static str,
}

const fn col(
    name: &'static str,
    ty: ColumnType,
    nullable: bool,
    description: &'static str,
) -> Column {
    Column {
        name,
        ty,
        nullable,
        description,
    }
}

impl Table {
    /// All tables, in the order they are written.
    pub const ALL: [Table; 9] = [
        Table::Reports,
        Table::ActiveDisclosure,
        Table::Applications,
        Table::ReviewLitigation,
        Table::NarrativeFigures,
        Table::Findings,
        Table::CrossFindings,
        Table::Rejects,
        Table::Ledger,
    ];

    /// Folder name of the table in the dataset.
    pub fn name(self) -> &'static str {
        match self {
            Table::Reports => "reports",
            Table::ActiveDisclosure => "active_disclosure",
            Table::Applications => "applications",
            Table::ReviewLitigation => "review_litigation",
            Table::NarrativeFigures => "narrative_figures",
            Table::Findings => "findings",
            Table::CrossFindings => "cross_findings",
            Table::Rejects => "rejects",
            Table::Ledger => "_ledger",
        }
    }

    /// Whether the table is partitioned by region and year.
    pub fn partitioned(self) -> bool {
        !matches!(self, Table::Rejects | Table::Ledger | Table::CrossFindings)
    }

    /// The column named `name`, if the table has one.
    pub fn column(self, name: &str) -> Option<&'static Column> {
        self.columns().iter().find(|c| c.name == name)
    }

    /// The columns of the table's files, in file order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Table::Reports => REPORTS,
            Table::ActiveDisclosure => ACTIVE_DISCLOSURE,
            Table::Applications => APPLICATIONS,
            Table::ReviewLitigation => REVIEW_LITIGATION,
            Table::NarrativeFigures => NARRATIVE_FIGURES,
            Table::Findings => FINDINGS,
            Table::CrossFindings => CROSS_FINDINGS,
            Table::Rejects => REJECTS,
            Table::Ledger => LEDGER,
        }
    }
}

use ColumnType::{Float64, Int64, Utf8};

const REPORTS: &[Column] = &[
                col("report_id", Utf8, false, "stable id from the content: hex of the first 16 bytes of the BLAKE3 hash of the input's bytes"),
                col("source_path", Utf8, false, "path of the input relative to the input root it was found under"),
                col("source_format", Utf8, false, "`text`, `html`, `docx` or `pdf` (from the leading bytes, then the extension)"),
                col("encoding", Utf8, false, "character encoding detected or declared (`UTF-8`, `GBK`, `gb18030`, `UTF-16LE`, …)"),
                col("bytes", Int64, false, "size of the input in bytes"),
                col("title", Utf8, true, "the title line(s), joined, spaces removed"),
                col("agency", Utf8, true, "the issuing body as the title names it, without the year and 政府信息公开（工作）年度报告 (`临泽县`, `城口县人民政府机关`)"),
                col("published", Utf8, true, "the page's publication date, `YYYY-MM-DD`, where a crawler's header or the page says it (`发布时间: 2022-01-14 17:29`, `发布日期：2021年1月8日`); NULL otherwise"),
                col("province", Utf8, true, "province-level division name (`甘肃省`)"),
                col("province_code", Utf8, true, "its 6-digit code (GB/T 2260, `620000`)"),
                col("city", Utf8, true, "prefecture-level division name"),
                col("city_code", Utf8, true, "its code"),
                col("county", Utf8, true, "county-level division name"),
                col("county_code", Utf8, true, "its code"),
                col("adcode", Utf8, true, "the most specific code resolved"),
                col("admin_level", Utf8, true, "`central`, `province`, `city`, `county` or `township`"),
                col("region_basis", Utf8, true, "what the region resolution rested on (`title`, `agency`, `text:province`, `postcode`, …)"),
                col("template", Utf8, false, "`2019`, `2021`, `pre2019` or `unknown`: the national format, from table A's labels (else table B's)"),
                col("template_active", Utf8, true, "format of table A alone (`2019`/`2021`), NULL when not told"),
                col("template_applications", Utf8, true, "format of table B alone, from its （六）其他处理 rows"),
                col("status", Utf8, false, "`ok` (all three tables complete), `partial` (a table missing or cut off), `no_tables` (narrative report)"),
                col("findings", Int64, false, "number of rows this report has in `findings`"),
                col("supersedes", Utf8, true, "`report_id` of the earlier version this report replaces (the latest report from the same `source_path`); NULL for a first version. Another file of the same issuer and year is not a version: see `cross_findings`"),
                col("run_id", Utf8, false, "the run that wrote the row (`run-00001`, …)"),
            ];

const ACTIVE_DISCLOSURE: &[Column] = &[
                col("report_id", Utf8, false, "the report"),
                col("item", Utf8, false, "`rules` 规章, `normative_docs` (行政)规范性文件, `licensing` 行政许可, `other_services` 其他对外管理服务事项, `penalty` 行政处罚, `coercion` 行政强制, `fees` 行政事业性收费, `procurement` 政府集中采购"),
                col("item_label", Utf8, true, "the label as printed; NULL when the row is missing"),
                col("measure", Utf8, false, "2019: `made`, `published`, `public_total`, `prev_items`, `change` (signed: 增5 = 5, 减48 = −48), `decisions`, `items`, `amount`; 2021: `issued`, `repealed`, `in_force`, `decisions`, `amount`"),
                col("value", Float64, true, "the number; money normalised to 万元 when its unit is known; NULL for blank, missing or invalid cells"),
                col("unit", Utf8, true, "`万元` for normalised money; a counting word as printed (`个`, `件`, `项`); NULL when none was printed (a 2019 `procurement.amount` without unit stays as printed with an `unit_unknown` finding)"),
                col("cell", Utf8, false, "`value`, `blank` (the cell is in the table but empty, or `无`/`/`/`-`), `missing` (row or table absent), `invalid` (text that is not a number; see `raw`)"),
                col("raw", Utf8, true, "the cell text as printed; NULL when missing"),
            ];

const APPLICATIONS: &[Column] = &[
                col("report_id", Utf8, false, "the report"),
                col("row", Utf8, false, "`new`, `carried_over`, `granted`, `partial`, `denied.*` (8), `unavailable.*` (3), `not_processed.*` (5), `other` (2019) or `other.no_correction`/`other.unpaid_fee`/`other.other` (2021), `total`, `carried_forward`"),
                col("row_label", Utf8, true, "the row label as printed; NULL when the row is missing"),
                col("applicant", Utf8, false, "`natural_person`, `commercial`, `research`, `public_welfare`, `legal_services`, `other_org`, `total`"),
                col("count", Int64, true, "the count; NULL when the cell is blank, missing or invalid (never 0 for a blank)"),
                col("cell", Utf8, false, "`value`, `blank`, `missing`, `invalid`"),
                col("raw", Utf8, true, "the cell text as printed"),
            ];

const REVIEW_LITIGATION: &[Column] = &[
                col("report_id", Utf8, false, "the report"),
                col("proceeding", Utf8, false, "`review` 行政复议, `litigation_direct` 未经复议直接起诉, `litigation_after_review` 复议后起诉"),
                col("outcome", Utf8, false, "`upheld` 结果维持, `corrected` 结果纠正, `other` 其他结果, `pending` 尚未审结, `total` 总计"),
                col("count", Int64, true, "the count; NULL when blank, missing or invalid"),
                col("cell", Utf8, false, "`value`, `blank`, `missing`, `invalid`"),
                col("raw", Utf8, true, "the cell text as printed"),
            ];

const NARRATIVE_FIGURES: &[Column] = &[
                col("report_id", Utf8, false, "the report"),
                col("measure", Utf8, false, "`active_disclosed` 主动公开…N条, `applications_received` 收到/受理…申请N件, `applications_completed` 办结N件, `carried_over` 上年结转N件, `carried_forward` 结转下年度N件, `administrative_review` 行政复议N件, `administrative_litigation` 行政诉讼N件, `processing_fees` 信息处理费N元, `press_conferences` 新闻发布会N场, `policy_interpretations` 政策解读N篇"),
                col("value", Float64, false, "the number (Chinese numerals read: 十二 = 12, 三十万元 = 300000); money in 元; a figure printed with 余/多 (`3000余条`) is its lower bound"),
                col("unit", Utf8, false, "the counting word as printed (`条`, `件`, `场`, `篇`, …), `元` for money"),
                col("raw", Utf8, false, "the figure and its unit as printed (`十二场`, `1,601条`, `3000余条`)"),
                col("sentence", Utf8, false, "the sentence it stands in (at most 120 characters each side of the figure)"),
            ];

const FINDINGS: &[Column] = &[
                col("report_id", Utf8, false, "the report"),
                col("rule", Utf8, false, "see below"),
                col("severity", Utf8, false, "`error` (the report contradicts itself), `warning` (something is missing or doubtful), `info`"),
                col("subject", Utf8, false, "what it is about: `applications:<applicant or row>`, `review_litigation:<proceeding>`, `active_disclosure:<item>.<measure>`, a table name, `report`"),
                col("expected", Utf8, true, "the value the rule expects (e.g. the sum)"),
                col("actual", Utf8, true, "the value printed"),
                col("message", Utf8, false, "a sentence for humans"),
            ];

const CROSS_FINDINGS: &[Column] = &[
                col("report_id", Utf8, false, "the report the finding is about (the later year, or the copy)"),
                col("other_report_id", Utf8, false, "the report it was compared with (the year before, the first copy, the conflicting version)"),
                col("rule", Utf8, false, "`carryover_mismatch`, `applications_jump`, `same_report_other_file`, `conflicting_reports` (see below)"),
                col("severity", Utf8, false, "`warning` or `info`"),
                col("issuer", Utf8, false, "the issuer both reports are of (`_ledger.issuer`: region code `/` agency)"),
                col("agency", Utf8, false, "the agency as this report's title names it"),
                col("region", Utf8, true, "the issuer's province-level slug (as the partition column of the other tables)"),
                col("year", Int64, false, "the year `report_id` covers"),
                col("expected", Utf8, true, "the other report's value"),
                col("actual", Utf8, true, "this report's value"),
                col("message", Utf8, false, "a sentence for humans"),
            ];

const REJECTS: &[Column] = &[
                col("source_path", Utf8, false, "path relative to the input root"),
                col("reason", Utf8, false, "`unreadable`, `not_a_file`, `too_large`, `empty`, `binary`, `undecodable`, `unsupported_format`, `corrupt`, `no_text_layer`, `extractor_missing`, `extractor_failed`, `not_a_report`, `internal_error`"),
                col("message", Utf8, false, "details for humans"),
                col("bytes", Int64, true, "size in bytes, when known"),
                col("content_id", Utf8, true, "content hash (same scheme as `report_id`) when the bytes could be read"),
                col("run_id", Utf8, false, "the run that wrote the row"),
            ];

const LEDGER: &[Column] = &[
    col(
        "content_id",
        Utf8,
        false,
        "content hash; the `report_id` of a report",
    ),
    col(
        "source_path",
        Utf8,
        false,
        "path relative to the input root when it was ingested",
    ),
    col("bytes", Int64, false, "size in bytes"),
    col("outcome", Utf8, false, "`report` or `reject`"),
    col("reason", Utf8, true, "the reject reason, for rejects"),
    col(
        "agency",
        Utf8,
        true,
        "the report's agency",
    ),
    col("year", Int64, true, "the report's year"),
    col(
        "region",
        Utf8,
        true,
        "the report's province-level slug",
    ),
    col(
        "issuer",
        Utf8,
        true,
        "who wrote the report, the same way every year: the most specific region code, `/`, the agency without the province and city names in front (`320813/洪泽区人民政府`); the checks across reports follow it",
    ),
    col(
        "cells_digest",
        Utf8,
        true,
        "hash of every cell of tables A, B and C (codes, states, values, units): equal for the same report in two formats; NULL without tables",
    ),
    col(
        "applications_new",
        Int64,
        true,
        "table B 本年新收 总计 (a blank counts as 0; NULL when missing or not a report)",
    ),
    col("carried_over", Int64, true, "table B 上年结转 总计, likewise"),
    col("carried_forward", Int64, true, "table B 结转下年度继续办理 总计, likewise"),
    col("run_id", Utf8, false, "the run that ingested it"),
];

/// The data dictionary's rows for a table's columns, as Markdown table rows
/// (`| `name` | type | null | meaning |`), one per line.
pub fn dictionary_rows(table: Table) -> String {
    table
        .columns()
        .iter()
        .map(|c| {
            format!(
                "| `{}` | {} | {} | {} |\n",
                c.name,
                c.ty.name(),
                if c.nullable { "yes" } else { "no" },
                c.description
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_never_a_partition_column() {
        for t in Table::ALL {
            let mut names: Vec<_> = t.columns().iter().map(|c| c.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), t.columns().len(), "{}", t.name());
            if t.partitioned() {
                assert!(t.column(PARTITION_REGION).is_none());
                assert!(t.column(PARTITION_YEAR).is_none());
            }
            assert!(t.columns().iter().all(|c| !c.description.is_empty()));
        }
    }
}
