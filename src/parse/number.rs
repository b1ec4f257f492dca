//! Number cells: `0`, blanks, `无`, `增5`, `减48`, `-11`, `10921个`, `3.23亿`,
//! `3852万元`, full-width digits and stray spaces.
//!
//! A cell parses to exactly one [`NumberCell`]; nothing is coerced to zero.

/// The unit printed in a cell, as far as it matters for normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// 元 (yuan).
    Yuan,
    /// 万元 / 万 (10,000 yuan).
    WanYuan,
    /// 亿 / 亿元 (100,000,000 yuan).
    YiYuan,
    /// A counting word: 个, 件, 项, 条, 笔, 人, 次, 家, 宗.
    Count(char),
}

impl Unit {
    /// Factor that converts a value in this unit to 万元 (None for counts).
    pub fn to_wan_yuan(self) -> Option<f64> {
        match self {
            Unit::Yuan => Some(1e-4),
            Unit::WanYuan => Some(1.0),
            Unit::YiYuan => Some(1e4),
            Unit::Count(_) => None,
        }
    }
}

/// What one table cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum NumberCell {
    /// Empty, or a placeholder meaning "nothing here" (`无`, `/`, `-`, `——`).
    Blank,
    /// A number, signed, with the unit printed beside it.
    Value {
        /// The number as printed (signs applied, no unit conversion).
        value: f64,
        /// The unit printed in the cell, if any.
        unit: Option<Unit>,
    },
    /// Text that is not a number.
    Invalid,
}

/// Most ASCII digits a cell may have to be read on the fast path (fits a u64).
const MAX_PLAIN_DIGITS: usize = 18;

/// Whether a (trimmed) cell is a plain count: 1 to [`MAX_PLAIN_DIGITS`] ASCII
/// digits, which [`parse_number`] reads without allocating.
pub fn is_plain_count(text: &str) -> bool {
    !text.is_empty() && text.len() <= MAX_PLAIN_DIGITS && text.bytes().all(|b| b.is_ascii_digit())
}

/// Parse one cell's text.
///
/// ```
/// use xxgk::internal::{parse_number, NumberCell, Unit};
/// assert_eq!(parse_number("减48"), NumberCell::Value { value: -48.0, unit: None });
/// assert_eq!(parse_number("3.23亿"), NumberCell::Value { value: 3.23, unit: Some(Unit::YiYuan) });
/// assert_eq!(parse_number(" "), NumberCell::Blank);
/// assert_eq!(parse_number("无"), NumberCell::Blank);
/// ```
pub fn parse_number(raw: &str) -> NumberCell {
    let trimmed = raw.trim();
    // Fast paths without allocation: plain ASCII integers, and labels (which
    // start with a character no number or placeholder starts with).
    if is_plain_count(trimmed) {
        if let Ok(v) = trimmed.parse::<u64>() {
            return NumberCell::Value {
                value: v as f64,
                unit: None,
            };
        }
    }
    if let Some(first) = trimmed.chars().next() {
        if !could_start_number(first) {
            return NumberCell::Invalid;
        }
    }
    let text = normalise(raw);
    if text.is_empty() || is_placeholder(&text) {
        return NumberCell::Blank;
    }
    let mut rest = text.as_str();
    let mut sign = 1.0;
    if let Some(r) = rest.strip_prefix('增').or_else(|| rest.strip_prefix('+')) {
        rest = r;
    } else if let Some(r) = rest.strip_prefix('减').or_else(|| rest.strip_prefix('-')) {
        sign = -1.0;
        rest = r;
    }
    let (number, unit_text) = split_number(rest);
    if number.is_empty() {
        return NumberCell::Invalid;
    }
    let unit = match unit_text {
        "" => None,
        "元" => Some(Unit::Yuan),
        "万元" | "万" => Some(Unit::WanYuan),
        "亿" | "亿元" => Some(Unit::YiYuan),
        other => match single_char(other) {
            Some(c @ ('个' | '件' | '项' | '条' | '笔' | '人' | '次' | '家' | '宗')) => {
                Some(Unit::Count(c))
            }
            _ => return NumberCell::Invalid,
        },
    };
    match number.parse::<f64>() {
        Ok(value) if value.is_finite() => NumberCell::Value {
            value: sign * value,
            unit,
        },
        _ => NumberCell::Invalid,
    }
}

/// Full-width to ASCII, drop all whitespace and thousands separators, strip
/// markdown emphasis.
fn normalise(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != ',' && *c != '，')
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '－' | '—' | '−' => '-',
            '＋' => '+',
            _ => c,
        })
        .collect()
}

/// Characters a number, a sign or a placeholder can start with (after trimming).
fn could_start_number(c: char) -> bool {
    c.is_ascii_digit()
        || c.is_whitespace()
        || matches!(
            c,
            '０'
                ..='９'
                    | '+'
                    | '-'
                    | '－'
                    | '—'
                    | '−'
                    | '＋'
                    | '增'
                    | '减'
                    | '*'
                    | '/'
                    | '／'
                    | '\\'
                    | '无'
                    | '…'
                    | '.'
                    | '．'
        )
}

fn is_placeholder(text: &str) -> bool {
    matches!(
        text,
        "无" | "/" | "／" | "\\" | "-" | "--" | "---" | "——" | "—" | "-—" | "…" | "……"
    )
}

/// Split `"10921个"` into `("10921", "个")`: the longest leading run of digits and dots.
fn split_number(text: &str) -> (&str, &str) {
    let end = text
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    (&text[..end], &text[end..])
}

fn single_char(text: &str) -> Option<char> {
    let mut chars = text.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(value: f64, unit: Option<Unit>) -> NumberCell {
        NumberCell::Value { value, unit }
    }

    #[test]
    fn forms_seen_in_reports() {
        assert_eq!(parse_number("0"), v(0.0, None));
        assert_eq!(parse_number(""), NumberCell::Blank);
        assert_eq!(parse_number("\t "), NumberCell::Blank);
        assert_eq!(parse_number("无"), NumberCell::Blank);
        assert_eq!(parse_number("增5"), v(5.0, None));
        assert_eq!(parse_number("减48"), v(-48.0, None));
        assert_eq!(parse_number("-11"), v(-11.0, None));
        assert_eq!(parse_number("10921个"), v(10921.0, Some(Unit::Count('个'))));
        assert_eq!(parse_number("3.23亿"), v(3.23, Some(Unit::YiYuan)));
        assert_eq!(parse_number("3852万元"), v(3852.0, Some(Unit::WanYuan)));
        assert_eq!(parse_number("251000元"), v(251000.0, Some(Unit::Yuan)));
        assert_eq!(parse_number("１２３"), v(123.0, None));
        assert_eq!(parse_number(" 1 2 "), v(12.0, None));
        assert_eq!(parse_number("1,234"), v(1234.0, None));
        assert_eq!(parse_number("**7**"), v(7.0, None));
    }

    #[test]
    fn text_is_invalid_not_zero() {
        assert_eq!(parse_number("规章"), NumberCell::Invalid);
        assert_eq!(parse_number("5个月"), NumberCell::Invalid);
        assert_eq!(parse_number("增"), NumberCell::Invalid);
        assert_eq!(parse_number("1.2.3"), NumberCell::Invalid);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = parse_number(&s);
        }

        #[test]
        fn integers_roundtrip(n in 0u32..10_000_000, spaces in 0usize..3) {
            let printed = format!("{}{}", " ".repeat(spaces), n);
            prop_assert_eq!(parse_number(&printed), v(n as f64, None));
        }

        #[test]
        fn fullwidth_equals_ascii(n in 0u32..1_000_000) {
            let ascii = n.to_string();
            let wide: String = ascii.chars().map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap()).collect();
            prop_assert_eq!(parse_number(&wide), parse_number(&ascii));
        }

        #[test]
        fn signs(n in 1u32..100_000) {
            prop_assert_eq!(parse_number(&format!("减{n}")), v(-(n as f64), None));
            prop_assert_eq!(parse_number(&format!("增{n}")), v(n as f64, None));
        }
    }
}
