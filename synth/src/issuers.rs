//! Issuers: who publishes a report. Governments (`临泽县`, `张掖市人民政府`,
//! `甘肃省人民政府办公厅`) and their departments (`临泽县统计局`, `张掖市教育局`,
//! `甘肃省财政厅`), at every level, in every province, drawn from the national
//! gazetteer (`data/gazetteer.tsv`, embedded) with the names in force in the
//! report's year. A small share are central government bodies (`教育部`).
//!
//! The truth of an issuer's region (province, city, county, codes, slug) comes
//! from the gazetteer rows, never from the pipeline's resolver. A name that two
//! divisions share in a year (`鼓楼区`) is always printed with its city or
//! province in front (`南京市鼓楼区`), so every generated issuer can be resolved.

use super::rng::Rng;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The gazetteer file (the same file the resolver embeds), read independently here.
const GAZETTEER_TSV: &str = include_str!("../../data/gazetteer.tsv");

/// First and last year the gazetteer holds; other years use the nearest.
const GAZ_FIRST: i32 = 2008;

/// A division's level in the gazetteer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// 省级.
    Province,
    /// 地级.
    City,
    /// 县级.
    County,
}

/// One gazetteer row: a division under one name and code for a run of years.
#[derive(Debug, Clone)]
pub struct Division {
    /// 6-digit code.
    pub code: u32,
    /// Level.
    pub level: Level,
    /// Full name (`临泽县`).
    pub name: String,
    /// Short name (`临泽`).
    pub short: String,
    /// Parent code as listed (may be a placeholder such as 110100 with no row).
    pub parent: u32,
    /// First year in force.
    pub first: i32,
    /// Last year in force.
    pub last: i32,
    /// First pinyin reading of the short name, syllables joined (`linze`).
    pub pinyin: String,
}

impl Division {
    fn in_force(&self, year: i32) -> bool {
        self.first <= year && year <= self.last
    }
}

/// The gazetteer as the generator needs it.
#[derive(Debug)]
pub struct Gazetteer {
    divisions: Vec<Division>,
    by_code: HashMap<u32, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
    by_level: [Vec<usize>; 3],
    last_year: i32,
}

/// The embedded gazetteer, parsed once.
pub static GAZETTEER: LazyLock<Gazetteer> = LazyLock::new(|| Gazetteer::parse(GAZETTEER_TSV));

impl Gazetteer {
    /// Parse the TSV (`D` rows only; aliases are the resolver's business).
    pub fn parse(tsv: &str) -> Self {
        let mut divisions = Vec::new();
        let mut last_year = 2024;
        for line in tsv.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if f.first() == Some(&"#years") && f.len() >= 3 {
                last_year = f[2].parse().unwrap_or(last_year);
                continue;
            }
            if f.first() != Some(&"D") || f.len() < 8 {
                continue;
            }
            let level = match f[2] {
                "P" => Level::Province,
                "C" => Level::City,
                _ => Level::County,
            };
            let code: u32 = f[1].parse().unwrap_or(0);
            // Taiwan, Hong Kong and Macao publish no reports under the 条例.
            if code == 0 || matches!(code / 10000, 71 | 81 | 82) {
                continue;
            }
            let pinyin = f
                .get(9)
                .and_then(|p| p.split('|').next())
                .unwrap_or("")
                .replace('-', "");
            divisions.push(Division {
                code,
                level,
                name: f[3].to_string(),
                short: if f[4].is_empty() { f[3] } else { f[4] }.to_string(),
                parent: f[5].parse().unwrap_or(0),
                first: f[6].parse().unwrap_or(GAZ_FIRST),
                last: f[7].parse().unwrap_or(last_year),
                pinyin,
            });
        }
        let mut by_code: HashMap<u32, Vec<usize>> = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_level: [Vec<usize>; 3] = Default::default();
        for (i, d) in divisions.iter().enumerate() {
            by_code.entry(d.code).or_default().push(i);
            by_name.entry(d.name.clone()).or_default().push(i);
            by_level[d.level as usize].push(i);
        }
        Gazetteer {
            divisions,
            by_code,
            by_name,
            by_level,
            last_year,
        }
    }

    /// The gazetteer year to use for a report year.
    pub fn year_for(&self, year: i32) -> i32 {
        year.clamp(GAZ_FIRST, self.last_year)
    }

    /// The row of a code in force in a year.
    pub fn get(&self, code: u32, year: i32) -> Option<&Division> {
        self.by_code
            .get(&code)?
            .iter()
            .map(|&i| &self.divisions[i])
            .find(|d| d.in_force(year))
    }

    /// Whether another division in force in `year` has the same full name.
    pub fn is_ambiguous(&self, d: &Division, year: i32) -> bool {
        self.by_name.get(&d.name).is_some_and(|rows| {
            rows.iter()
                .map(|&i| &self.divisions[i])
                .any(|o| o.code != d.code && o.in_force(year))
        })
    }

    /// A random division of a level in force in `year`.
    pub fn random(&self, rng: &mut Rng, level: Level, year: i32) -> &Division {
        let pool = &self.by_level[level as usize];
        loop {
            let d = &self.divisions[*rng.pick(pool)];
            if d.in_force(year) {
                return d;
            }
        }
    }

    /// Number of division rows.
    pub fn len(&self) -> usize {
        self.divisions.len()
    }

    /// Whether the gazetteer is empty.
    pub fn is_empty(&self) -> bool {
        self.divisions.is_empty()
    }
}

/// A division as the truth names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// 6-digit code.
    pub code: u32,
    /// Full name.
    pub name: String,
    /// Short name.
    pub short: String,
}

impl Place {
    fn of(d: &Division) -> Self {
        Place {
            code: d.code,
            name: d.name.clone(),
            short: d.short.clone(),
        }
    }
}

/// What kind of body issues the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// The government itself, named by its place only (`临泽县`: a report for the whole county).
    Place,
    /// `…人民政府`.
    Government,
    /// `…人民政府办公室` / `办公厅`.
    Office,
    /// A department (`…统计局`).
    Department,
    /// A central government body.
    Central,
}

/// Who issued a report, and where it sits.
#[derive(Debug, Clone)]
pub struct Issuer {
    /// The agency as the title names it (`临泽县`, `南京市鼓楼区教育局`).
    pub agency: String,
    /// The body's full name for the text and the signature (`临泽县人民政府办公室`).
    pub body: String,
    /// What kind of body.
    pub kind: BodyKind,
    /// `central`, `province`, `city` or `county`.
    pub admin_level: &'static str,
    /// Province-level division.
    pub province: Option<Place>,
    /// Prefecture-level division, when the issuer sits in or is one.
    pub city: Option<Place>,
    /// County-level division, when the issuer is or sits in one.
    pub county: Option<Place>,
    /// Partition slug.
    pub slug: &'static str,
    /// The issuer's own division (None for central bodies).
    pub own: Option<Place>,
    /// Its pinyin (for a site domain).
    pub pinyin: String,
    /// Whether the bare name is shared with another division (then printed with a prefix).
    pub ambiguous: bool,
    /// How the text says "our county/department" (`我县`, `我局`).
    pub we: String,
    /// How the text says "the whole county" (`全县`), for governments.
    pub whole: String,
}

impl Issuer {
    /// The most specific code.
    pub fn adcode(&self) -> Option<u32> {
        self.own.as_ref().map(|p| p.code)
    }
}

/// Departments of county- and city-level governments: (name, first year, last year).
const LOCAL_DEPARTMENTS: &[(&str, i32, i32)] = &[
    ("统计局", 2008, 2100),
    ("教育局", 2008, 2100),
    ("财政局", 2008, 2100),
    ("民政局", 2008, 2100),
    ("人力资源和社会保障局", 2008, 2100),
    ("审计局", 2008, 2100),
    ("司法局", 2008, 2100),
    ("公安局", 2008, 2100),
    ("水利局", 2008, 2100),
    ("交通运输局", 2008, 2100),
    ("住房和城乡建设局", 2008, 2100),
    ("林业局", 2008, 2100),
    ("商务局", 2008, 2100),
    ("国土资源局", 2008, 2018),
    ("环境保护局", 2008, 2018),
    ("农业局", 2008, 2018),
    ("卫生局", 2008, 2013),
    ("卫生和计划生育局", 2014, 2018),
    ("工商行政管理局", 2008, 2016),
    ("安全生产监督管理局", 2008, 2018),
    ("自然资源局", 2019, 2100),
    ("农业农村局", 2019, 2100),
    ("卫生健康局", 2019, 2100),
    ("市场监督管理局", 2017, 2100),
    ("应急管理局", 2019, 2100),
    ("医疗保障局", 2019, 2100),
    ("文化和旅游局", 2019, 2100),
    ("退役军人事务局", 2019, 2100),
    ("行政审批局", 2017, 2100),
];

/// Departments only city governments have.
const CITY_DEPARTMENTS: &[(&str, i32, i32)] = &[
    ("发展和改革委员会", 2008, 2100),
    ("生态环境局", 2019, 2100),
    ("卫生健康委员会", 2019, 2100),
    ("科学技术局", 2008, 2100),
];

/// Departments of provincial governments.
const PROVINCE_DEPARTMENTS: &[(&str, i32, i32)] = &[
    ("教育厅", 2008, 2100),
    ("财政厅", 2008, 2100),
    ("民政厅", 2008, 2100),
    ("公安厅", 2008, 2100),
    ("司法厅", 2008, 2100),
    ("人力资源和社会保障厅", 2008, 2100),
    ("住房和城乡建设厅", 2008, 2100),
    ("交通运输厅", 2008, 2100),
    ("水利厅", 2008, 2100),
    ("审计厅", 2008, 2100),
    ("统计局", 2008, 2100),
    ("商务厅", 2008, 2100),
    ("科学技术厅", 2008, 2100),
    ("发展和改革委员会", 2008, 2100),
    ("国土资源厅", 2008, 2018),
    ("环境保护厅", 2008, 2018),
    ("农业厅", 2008, 2018),
    ("卫生和计划生育委员会", 2013, 2018),
    ("自然资源厅", 2019, 2100),
    ("生态环境厅", 2019, 2100),
    ("农业农村厅", 2019, 2100),
    ("卫生健康委员会", 2019, 2100),
    ("应急管理厅", 2019, 2100),
    ("市场监督管理局", 2019, 2100),
];

/// Central government bodies.
const CENTRAL_BODIES: &[(&str, i32, i32)] = &[
    ("教育部", 2008, 2100),
    ("财政部", 2008, 2100),
    ("民政部", 2008, 2100),
    ("公安部", 2008, 2100),
    ("司法部", 2008, 2100),
    ("商务部", 2008, 2100),
    ("水利部", 2008, 2100),
    ("交通运输部", 2008, 2100),
    ("住房和城乡建设部", 2008, 2100),
    ("人力资源社会保障部", 2008, 2100),
    ("国家统计局", 2008, 2100),
    ("审计署", 2008, 2100),
    ("海关总署", 2008, 2100),
    ("国家税务总局", 2008, 2100),
    ("国土资源部", 2008, 2017),
    ("环境保护部", 2008, 2017),
    ("农业部", 2008, 2017),
    ("自然资源部", 2018, 2100),
    ("生态环境部", 2018, 2100),
    ("农业农村部", 2018, 2100),
    ("国家卫生健康委员会", 2018, 2100),
];

fn pick_body<'a>(rng: &mut Rng, list: &'a [(&'a str, i32, i32)], year: i32) -> &'a str {
    loop {
        let (name, first, last) = *rng.pick(list);
        if first <= year && year <= last {
            return name;
        }
    }
}

/// Partition slug of a province-level code (the output contract's spelling),
/// from the region resolver's table.
pub fn province_slug(code: u32) -> &'static str {
    xxgk::internal::province_slug(code).unwrap_or("unknown")
}

/// Two-digit postcode prefixes of a province (中国邮政编码).
pub fn postcode_prefixes(province: u32) -> &'static [&'static str] {
    match province / 10000 {
        11 => &["10"],
        12 => &["30"],
        13 => &["05", "06", "07"],
        14 => &["03", "04"],
        15 => &["01", "02"],
        21 => &["11", "12"],
        22 => &["13"],
        23 => &["15", "16"],
        31 => &["20"],
        32 => &["21", "22"],
        33 => &["31", "32"],
        34 => &["23", "24"],
        35 => &["35", "36"],
        36 => &["33", "34"],
        37 => &["25", "26", "27"],
        41 => &["45", "46", "47"],
        42 => &["43", "44"],
        43 => &["41", "42"],
        44 => &["51", "52"],
        45 => &["53", "54"],
        46 => &["57"],
        50 => &["40"],
        51 => &["61", "62", "63", "64"],
        52 => &["55", "56"],
        53 => &["65", "66", "67"],
        54 => &["85", "86"],
        61 => &["71", "72"],
        62 => &["73", "74"],
        63 => &["81"],
        64 => &["75"],
        65 => &["83", "84"],
        _ => &["10"],
    }
}

/// Real telephone area codes of a province.
pub fn area_codes(province: u32) -> &'static [&'static str] {
    match province / 10000 {
        11 => &["010"],
        12 => &["022"],
        13 => &[
            "0311", "0312", "0313", "0315", "0316", "0317", "0318", "0319", "0310", "0335",
        ],
        14 => &[
            "0351", "0352", "0353", "0354", "0355", "0356", "0357", "0358", "0359", "0350",
        ],
        15 => &[
            "0471", "0472", "0473", "0474", "0475", "0476", "0477", "0478", "0479", "0470",
        ],
        21 => &[
            "024", "0411", "0412", "0413", "0414", "0415", "0416", "0417", "0418", "0419",
        ],
        22 => &[
            "0431", "0432", "0433", "0434", "0435", "0436", "0437", "0438", "0439",
        ],
        23 => &[
            "0451", "0452", "0453", "0454", "0455", "0456", "0457", "0458", "0459",
        ],
        31 => &["021"],
        32 => &[
            "025", "0510", "0511", "0512", "0513", "0514", "0515", "0516", "0517", "0518", "0519",
            "0523", "0527",
        ],
        33 => &[
            "0571", "0572", "0573", "0574", "0575", "0576", "0577", "0578", "0579", "0570", "0580",
        ],
        34 => &[
            "0551", "0552", "0553", "0554", "0555", "0556", "0557", "0558", "0559", "0550", "0561",
            "0562", "0563", "0564", "0566",
        ],
        35 => &[
            "0591", "0592", "0593", "0594", "0595", "0596", "0597", "0598", "0599",
        ],
        36 => &[
            "0791", "0792", "0793", "0794", "0795", "0796", "0797", "0798", "0799", "0790", "0701",
        ],
        37 => &[
            "0531", "0532", "0533", "0534", "0535", "0536", "0537", "0538", "0539", "0530", "0543",
            "0546", "0631", "0632", "0633", "0634", "0635",
        ],
        41 => &[
            "0371", "0372", "0373", "0374", "0375", "0376", "0377", "0378", "0379", "0370", "0391",
            "0392", "0393", "0394", "0395", "0396", "0398",
        ],
        42 => &[
            "027", "0710", "0711", "0712", "0713", "0714", "0715", "0716", "0717", "0718", "0719",
            "0722", "0724", "0728",
        ],
        43 => &[
            "0731", "0734", "0735", "0736", "0737", "0738", "0739", "0743", "0744", "0745", "0746",
        ],
        44 => &[
            "020", "0751", "0752", "0753", "0754", "0755", "0756", "0757", "0758", "0759", "0760",
            "0762", "0763", "0766", "0768", "0769", "0660", "0662", "0663",
        ],
        45 => &[
            "0771", "0772", "0773", "0774", "0775", "0776", "0777", "0778", "0779", "0770",
        ],
        46 => &["0898"],
        50 => &["023"],
        51 => &[
            "028", "0812", "0813", "0816", "0817", "0818", "0825", "0826", "0827", "0830", "0831",
            "0832", "0833", "0834", "0835", "0836", "0837", "0838", "0839",
        ],
        52 => &[
            "0851", "0852", "0853", "0854", "0855", "0856", "0857", "0858", "0859",
        ],
        53 => &[
            "0871", "0870", "0872", "0873", "0874", "0875", "0876", "0877", "0878", "0879", "0691",
            "0692", "0883", "0886", "0887", "0888",
        ],
        54 => &["0891", "0892", "0893", "0894", "0895", "0896", "0897"],
        61 => &[
            "029", "0910", "0911", "0912", "0913", "0914", "0915", "0916", "0917", "0919",
        ],
        62 => &[
            "0931", "0932", "0933", "0934", "0935", "0936", "0937", "0938", "0939", "0941", "0943",
        ],
        63 => &[
            "0971", "0972", "0973", "0974", "0975", "0976", "0977", "0979",
        ],
        64 => &["0951", "0952", "0953", "0954", "0955"],
        65 => &[
            "0991", "0990", "0992", "0993", "0994", "0995", "0996", "0997", "0998", "0999", "0901",
            "0902", "0903", "0906", "0908", "0909",
        ],
        _ => &["010"],
    }
}

/// The last character of a division name that says what it is (`县`, `区`, `市`, `旗`, `州`).
fn unit_char(name: &str, level: Level) -> String {
    let last = name.chars().last().unwrap_or('县');
    match (level, last) {
        (_, '县' | '区' | '市' | '旗' | '州' | '盟') => last.to_string(),
        (Level::Province, _) => "省".into(),
        (Level::City, '地') | (Level::City, _) => "市".into(),
        (Level::County, _) => "县".into(),
    }
}

/// Draw the issuer of a report for `year`.
pub fn draw(rng: &mut Rng, year: i32) -> Issuer {
    let gaz = &*GAZETTEER;
    let gy = gaz.year_for(year);
    let level = rng.weighted(&[
        (None, 2),
        (Some(Level::Province), 7),
        (Some(Level::City), 24),
        (Some(Level::County), 67),
    ]);
    let Some(level) = level else {
        let name = pick_body(rng, CENTRAL_BODIES, year).to_string();
        return Issuer {
            agency: name.clone(),
            body: name.clone(),
            kind: BodyKind::Central,
            admin_level: "central",
            province: None,
            city: None,
            county: None,
            slug: "central",
            own: None,
            pinyin: String::new(),
            ambiguous: false,
            we: format!("我{}", name.chars().last().unwrap_or('部')),
            whole: "本系统".into(),
        };
    };
    let own = gaz.random(rng, level, gy);
    let province = gaz
        .get(own.code / 10000 * 10000, gy)
        .map(Place::of)
        .expect("every division has a province row");
    let city = match level {
        Level::Province => None,
        Level::City => Some(Place::of(own)),
        // A county of a municipality has the municipality as its city (the
        // convention of the output, see `RegionResolver::resolve`); a county
        // governed directly by its province (仙桃市) has none.
        Level::County if matches!(province.code / 10000, 11 | 12 | 31 | 50) => {
            Some(province.clone())
        }
        Level::County => gaz
            .get(own.parent, gy)
            .filter(|d| d.level == Level::City)
            .map(Place::of),
    };
    let county = (level == Level::County).then(|| Place::of(own));
    let ambiguous = gaz.is_ambiguous(own, gy);
    // The place as the agency names it: with its city (or province) in front
    // when the bare name is shared, and sometimes anyway (`固原市原州区`).
    let prefix = match level {
        Level::County if ambiguous || rng.chance(0.12) => Some(
            city.as_ref()
                .map(|c| c.name.clone())
                .unwrap_or_else(|| province.name.clone()),
        ),
        Level::City if ambiguous || rng.chance(0.04) => Some(province.name.clone()),
        _ => None,
    }
    // A municipality's district is written 北京市朝阳区, never 北京市北京市….
    .filter(|p| p != &own.name);
    let place = format!("{}{}", prefix.as_deref().unwrap_or(""), own.name);
    let kind = rng.weighted(&[
        (
            BodyKind::Place,
            if level == Level::Province { 0 } else { 8 },
        ),
        (BodyKind::Government, 14),
        (BodyKind::Office, 13),
        (BodyKind::Department, 65),
    ]);
    let unit = unit_char(&own.name, level);
    let (agency, body, we, whole) = match kind {
        BodyKind::Place => (
            place.clone(),
            format!("{}人民政府办公室", own.name),
            format!("我{unit}"),
            format!("全{unit}"),
        ),
        BodyKind::Government => (
            format!("{place}人民政府"),
            format!("{}人民政府", own.name),
            format!("我{unit}"),
            format!("全{unit}"),
        ),
        BodyKind::Office => {
            let office = if level == Level::Province {
                "人民政府办公厅"
            } else {
                "人民政府办公室"
            };
            (
                format!("{place}{office}"),
                format!("{}{office}", own.name),
                if level == Level::Province {
                    "我厅".into()
                } else {
                    "我办".into()
                },
                format!("全{unit}"),
            )
        }
        BodyKind::Department | BodyKind::Central => {
            let list: Vec<(&str, i32, i32)> = match level {
                Level::Province => PROVINCE_DEPARTMENTS.to_vec(),
                Level::City => [LOCAL_DEPARTMENTS, CITY_DEPARTMENTS].concat(),
                Level::County => LOCAL_DEPARTMENTS.to_vec(),
            };
            let dept = pick_body(rng, &list, year);
            let tail = dept.chars().last().unwrap_or('局');
            let we = match tail {
                '会' => "我委".to_string(),
                other => format!("我{other}"),
            };
            (
                format!("{place}{dept}"),
                format!("{}{dept}", own.name),
                we,
                "本系统".into(),
            )
        }
    };
    Issuer {
        agency,
        body,
        kind,
        admin_level: match level {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
        },
        slug: province_slug(province.code),
        province: Some(province),
        city,
        county,
        own: Some(Place::of(own)),
        pinyin: own.pinyin.clone(),
        ambiguous,
        we,
        whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gazetteer_loads() {
        let g = &*GAZETTEER;
        assert!(g.len() > 3000, "{}", g.len());
        let linze = g.get(620723, 2019).unwrap();
        assert_eq!(linze.name, "临泽县");
        assert_eq!(linze.parent, 620700);
        assert!(!g.is_ambiguous(linze, 2019));
        let gulou = g.get(320106, 2019).unwrap();
        assert_eq!(gulou.name, "鼓楼区");
        assert!(g.is_ambiguous(gulou, 2019));
        assert_eq!(province_slug(610000), "shaanxi");
        assert_eq!(province_slug(140000), "shanxi");
    }

    #[test]
    fn issuers_are_consistent() {
        let mut rng = Rng::new(11);
        let mut levels = std::collections::BTreeMap::new();
        for i in 0..3000 {
            let year = 2008 + (i % 18);
            let issuer = draw(&mut rng, year);
            *levels.entry(issuer.admin_level).or_insert(0) += 1;
            if issuer.admin_level == "central" {
                assert_eq!(issuer.slug, "central");
                continue;
            }
            let own = issuer.own.as_ref().unwrap();
            let province = issuer.province.as_ref().unwrap();
            assert_eq!(own.code / 10000 * 10000, province.code);
            assert!(issuer.agency.contains(&own.name), "{}", issuer.agency);
            if issuer.ambiguous {
                assert!(
                    issuer.agency.len() > own.name.len() + 3,
                    "{}",
                    issuer.agency
                );
            }
            assert_ne!(issuer.slug, "unknown");
        }
        assert!(levels.len() == 4, "{levels:?}");
    }
}
