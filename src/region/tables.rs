//! Small fixed tables about province-level divisions: partition slugs, postcode
//! prefixes, telephone area-code prefixes and the abbreviations their government
//! sites use in domain names.

/// Partition slug of a province-level division (ASCII pinyin), by its code.
pub fn province_slug(province_code: u32) -> Option<&'static str> {
    Some(match province_code / 10000 {
        11 => "beijing",
        12 => "tianjin",
        13 => "hebei",
        14 => "shanxi",
        15 => "neimenggu",
        21 => "liaoning",
        22 => "jilin",
        23 => "heilongjiang",
        31 => "shanghai",
        32 => "jiangsu",
        33 => "zhejiang",
        34 => "anhui",
        35 => "fujian",
        36 => "jiangxi",
        37 => "shandong",
        41 => "henan",
        42 => "hubei",
        43 => "hunan",
        44 => "guangdong",
        45 => "guangxi",
        46 => "hainan",
        50 => "chongqing",
        51 => "sichuan",
        52 => "guizhou",
        53 => "yunnan",
        54 => "xizang",
        61 => "shaanxi",
        62 => "gansu",
        63 => "qinghai",
        64 => "ningxia",
        65 => "xinjiang",
        71 => "taiwan",
        81 => "xianggang",
        82 => "aomen",
        _ => return None,
    })
}

/// The slug of reports by central government bodies.
pub const CENTRAL_SLUG: &str = "central";

/// Province-level code from the first two digits of a 6-digit postcode
/// (中国邮政编码: the first two digits give the province).
pub fn postcode_province(postcode: &str) -> Option<u32> {
    let b = postcode.as_bytes();
    if b.len() != 6 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let p = (b[0] - b'0') as u32 * 10 + (b[1] - b'0') as u32;
    let prov = match p {
        10 => 11,
        30 => 12,
        5..=7 => 13,
        3 | 4 => 14,
        1 | 2 => 15,
        11 | 12 => 21,
        13 => 22,
        15 | 16 => 23,
        20 => 31,
        21 | 22 => 32,
        31 | 32 => 33,
        23 | 24 => 34,
        35 | 36 => 35,
        33 | 34 => 36,
        25..=27 => 37,
        45..=47 => 41,
        43 | 44 => 42,
        41 | 42 => 43,
        51 | 52 => 44,
        53 | 54 => 45,
        57 => 46,
        40 => 50,
        61..=64 => 51,
        55 | 56 => 52,
        65..=67 => 53,
        85 | 86 => 54,
        71 | 72 => 61,
        73 | 74 => 62,
        81 => 63,
        75 => 64,
        83 | 84 => 65,
        _ => return None,
    };
    Some(prov * 10000)
}

/// What a telephone area code tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AreaCode {
    /// Province-level code.
    pub province: u32,
    /// Prefecture-level code, for the 3-digit codes of the big cities.
    pub city: Option<u32>,
}

/// Length of the area code at the start of a national number (`0` then 2 or 3 digits).
#[cfg(test)]
pub fn area_code_len(digits: &str) -> usize {
    if digits.starts_with("01") || digits.starts_with("02") {
        3
    } else {
        4
    }
}

/// Province (and for 3-digit codes the city) of a telephone area code such as
/// `0517` or `025`.
pub fn area_code(code: &str) -> Option<AreaCode> {
    let b = code.as_bytes();
    if !(3..=4).contains(&b.len()) || b[0] != b'0' || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if b.len() == 3 {
        let (province, city) = match code {
            "010" => (110000, None),
            "020" => (440000, Some(440100)),
            "021" => (310000, None),
            "022" => (120000, None),
            "023" => (500000, None),
            "024" => (210000, Some(210100)),
            "025" => (320000, Some(320100)),
            "027" => (420000, Some(420100)),
            "028" => (510000, Some(510100)),
            "029" => (610000, Some(610100)),
            _ => return None,
        };
        return Some(AreaCode { province, city });
    }
    let p3 = &code[..3];
    let province = match p3 {
        "031" | "033" => 130000,
        "034" | "035" => 140000,
        "037" | "039" => 410000,
        "041" | "042" => 210000,
        "043" => 220000,
        "045" | "046" => 230000,
        "047" | "048" => 150000,
        "051" | "052" => 320000,
        "053" | "054" | "063" => 370000,
        "055" | "056" => 340000,
        "057" | "058" => 330000,
        "059" => 350000,
        "066" | "075" | "076" => 440000,
        "069" | "087" | "088" => 530000,
        "070" | "079" => 360000,
        "071" | "072" => 420000,
        "073" | "074" => 430000,
        "077" => 450000,
        "081" | "082" | "083" => 510000,
        "085" => 520000,
        "089" => match code {
            "0898" | "0899" | "0890" => 460000,
            _ => 540000,
        },
        "090" | "099" => 650000,
        "091" => 610000,
        "093" | "094" => 620000,
        "095" => 640000,
        "097" => 630000,
        _ => return None,
    };
    Some(AreaCode {
        province,
        city: None,
    })
}

/// Abbreviations and spellings of province-level divisions in government domain
/// names (`js` in `www.js.gov.cn`, `gs` in `gslz.gov.cn`). Ambiguous ones
/// (`gz` is 广州, `hb`/`hn` are two provinces each) are left out.
pub const PROVINCE_DOMAIN_ABBREVS: &[(&str, u32)] = &[
    ("bj", 110000),
    ("beijing", 110000),
    ("tj", 120000),
    ("tianjin", 120000),
    ("hebei", 130000),
    ("he", 130000),
    ("shanxi", 140000),
    ("sx", 140000),
    ("nmg", 150000),
    ("nm", 150000),
    ("ln", 210000),
    ("liaoning", 210000),
    ("jl", 220000),
    ("jilin", 220000),
    ("hlj", 230000),
    ("sh", 310000),
    ("shanghai", 310000),
    ("js", 320000),
    ("jiangsu", 320000),
    ("zj", 330000),
    ("zhejiang", 330000),
    ("ah", 340000),
    ("anhui", 340000),
    ("fj", 350000),
    ("fujian", 350000),
    ("jx", 360000),
    ("jiangxi", 360000),
    ("sd", 370000),
    ("shandong", 370000),
    ("henan", 410000),
    ("ha", 410000),
    ("hubei", 420000),
    ("hunan", 430000),
    ("gd", 440000),
    ("guangdong", 440000),
    ("gx", 450000),
    ("gxzf", 450000),
    ("hainan", 460000),
    ("hi", 460000),
    ("cq", 500000),
    ("sc", 510000),
    ("sichuan", 510000),
    ("guizhou", 520000),
    ("yn", 530000),
    ("yunnan", 530000),
    ("xizang", 540000),
    ("xz", 540000),
    ("shaanxi", 610000),
    ("sn", 610000),
    ("gansu", 620000),
    ("gs", 620000),
    ("qh", 630000),
    ("qinghai", 630000),
    ("nx", 640000),
    ("ningxia", 640000),
    ("xj", 650000),
    ("xinjiang", 650000),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_and_area_codes() {
        assert_eq!(postcode_province("223100"), Some(320000));
        assert_eq!(postcode_province("350400"), Some(350000));
        assert_eq!(postcode_province("734200"), Some(620000));
        assert_eq!(postcode_province("756000"), Some(640000));
        assert_eq!(postcode_province("405900"), Some(500000));
        assert_eq!(postcode_province("321400"), Some(330000));
        assert_eq!(postcode_province("12345"), None);
        assert_eq!(postcode_province("99a077"), None);
        assert_eq!(area_code("0517").map(|a| a.province), Some(320000));
        assert_eq!(area_code("0591").map(|a| a.province), Some(350000));
        assert_eq!(area_code("025").and_then(|a| a.city), Some(320100));
        assert_eq!(area_code("0898").map(|a| a.province), Some(460000));
        assert_eq!(area_code("0891").map(|a| a.province), Some(540000));
        assert_eq!(area_code("0954").map(|a| a.province), Some(640000));
        assert_eq!(area_code("0936").map(|a| a.province), Some(620000));
        assert_eq!(area_code("0000"), None);
        assert_eq!(area_code_len("0517"), 4);
        assert_eq!(area_code_len("025"), 3);
        assert_eq!(province_slug(610000), Some("shaanxi"));
        assert_eq!(province_slug(140000), Some("shanxi"));
        assert_eq!(province_slug(990000), None);
    }
}
