//! Printing one number cell: the raw text a report shows, and the cell the
//! pipeline must read from it. The forms are the ones in the samples: `0`,
//! blank, `无`, `增5`, `减48`, `-11`, `10921个`, `3.23亿`, `3852万元`, stray
//! spaces, full-width digits, thousands separators.

use crate::numbers::ANum;
use crate::rng::Rng;
use crate::truth::Expect;

/// How `change` (本年增/减) is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeStyle {
    /// `增5`, `减48`.
    Words,
    /// `5`, `-11`.
    Minus,
    /// `+5`, `-11`.
    Plus,
}

/// How the 2019 procurement amount (采购总金额, no unit in the template) is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyStyle {
    /// `3852万元`.
    WanYuan,
    /// `3.23亿` when whole hundreds of 万元, else 万元.
    Yi,
    /// `251000元`.
    Yuan,
    /// `3852`: unit unknown.
    Bare,
}

/// A report's habits in printing numbers.
#[derive(Debug, Clone)]
pub struct NumberStyle {
    /// Zeros printed as empty cells (临泽).
    pub zero_blank: bool,
    /// Zeros in table A printed as this placeholder (`无`, `/`).
    pub zero_word: Option<&'static str>,
    /// Share of cells in full-width digits.
    pub fullwidth: f64,
    /// Share of cells with a space before or after the number (缙云).
    pub stray_space: f64,
    /// Thousands separators (`61,157`).
    pub thousands: bool,
    /// Share of table A count cells with a counting unit (`10921个`).
    pub count_unit: f64,
    /// Signs of `change`.
    pub change: ChangeStyle,
    /// Procurement amount unit.
    pub money: MoneyStyle,
    /// 2021 fee amounts printed with `万元` although the header says so.
    pub fee_unit: bool,
}

impl NumberStyle {
    /// Draw a report's style. `noisy` reports get the rarer forms.
    pub fn draw(rng: &mut Rng, noisy: bool) -> Self {
        NumberStyle {
            zero_blank: rng.chance(0.12),
            zero_word: if rng.chance(0.06) {
                Some(*rng.pick(&["无", "/", "—"]))
            } else {
                None
            },
            fullwidth: if noisy && rng.chance(0.15) { 0.3 } else { 0.0 },
            stray_space: if noisy && rng.chance(0.35) { 0.4 } else { 0.0 },
            thousands: rng.chance(0.08),
            count_unit: if noisy && rng.chance(0.2) { 0.3 } else { 0.0 },
            change: rng.weighted(&[
                (ChangeStyle::Words, 4),
                (ChangeStyle::Minus, 5),
                (ChangeStyle::Plus, 1),
            ]),
            money: rng.weighted(&[
                (MoneyStyle::WanYuan, 5),
                (MoneyStyle::Yi, 2),
                (MoneyStyle::Yuan, 2),
                (MoneyStyle::Bare, 3),
            ]),
            fee_unit: rng.chance(0.15),
        }
    }

    /// The plainest style: what the clean samples print.
    pub fn plain() -> Self {
        NumberStyle {
            zero_blank: false,
            zero_word: None,
            fullwidth: 0.0,
            stray_space: 0.0,
            thousands: false,
            count_unit: 0.0,
            change: ChangeStyle::Minus,
            money: MoneyStyle::WanYuan,
            fee_unit: false,
        }
    }
}

/// A printed cell: its raw text and what must be read from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Printed {
    /// The text as printed (may carry stray spaces; layouts trim where they must).
    pub raw: String,
    /// The expected cell.
    pub expect: Expect,
    /// Whether the printed amount has no unit (the `unit_unknown` finding).
    pub unit_unknown: bool,
}

impl Printed {
    fn new(raw: String, expect: Expect) -> Self {
        Printed {
            raw,
            expect,
            unit_unknown: false,
        }
    }
}

fn fullwidth(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c),
            '.' => '．',
            '-' => '－',
            '+' => '＋',
            _ => c,
        })
        .collect()
}

fn digits(n: i64, thousands: bool) -> String {
    let s = n.abs().to_string();
    let s = if thousands && n.abs() >= 1000 {
        let bytes = s.as_bytes();
        let mut out = String::new();
        for (i, b) in bytes.iter().enumerate() {
            if i > 0 && (bytes.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(*b as char);
        }
        out
    } else {
        s
    };
    if n < 0 {
        format!("-{s}")
    } else {
        s
    }
}

/// Decimal text of a 万元 value with at most `places` decimals, no trailing zeros.
fn decimal(v: f64, places: usize) -> String {
    let s = format!("{v:.places$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Round to 6 decimals, as the pipeline does after unit conversion.
fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn decorate(rng: &mut Rng, style: &NumberStyle, raw: String) -> String {
    let raw = if style.fullwidth > 0.0 && rng.chance(style.fullwidth) {
        fullwidth(&raw)
    } else {
        raw
    };
    if style.stray_space > 0.0 && rng.chance(style.stray_space) {
        if rng.chance(0.5) {
            format!(" {raw}")
        } else {
            format!("{raw} ")
        }
    } else {
        raw
    }
}

fn blank_zero(rng: &mut Rng, style: &NumberStyle, in_a: bool) -> Option<Printed> {
    if style.zero_blank {
        return Some(Printed::new(String::new(), Expect::blank()));
    }
    if in_a {
        if let Some(word) = style.zero_word {
            if rng.chance(0.5) {
                return Some(Printed::new(word.to_string(), Expect::blank()));
            }
        }
    }
    None
}

/// Print a count of table B or C.
pub fn count(rng: &mut Rng, style: &NumberStyle, n: i64) -> Printed {
    if n == 0 {
        if let Some(p) = blank_zero(rng, style, false) {
            return p;
        }
    }
    let raw = decorate(rng, style, digits(n, style.thousands));
    Printed::new(raw, Expect::Num(n as f64))
}

/// Print a cell of table A.
pub fn active(
    rng: &mut Rng,
    style: &NumberStyle,
    measure: &str,
    v2021: bool,
    value: ANum,
) -> Printed {
    let n = match value {
        ANum::Empty => {
            let raw = if style.zero_word.is_some() && rng.chance(0.3) {
                style.zero_word.unwrap_or("").to_string()
            } else {
                String::new()
            };
            return Printed::new(raw, Expect::blank());
        }
        ANum::Money(m) => return money(rng, style, measure, v2021, m),
        ANum::Int(n) => n,
    };
    if n == 0 {
        if let Some(p) = blank_zero(rng, style, true) {
            return p;
        }
    }
    if measure == "change" {
        let raw = match (style.change, n.signum()) {
            (_, 0) => "0".to_string(),
            (ChangeStyle::Words, 1) => format!("增{n}"),
            (ChangeStyle::Words, _) => format!("减{}", -n),
            (ChangeStyle::Plus, 1) => format!("+{n}"),
            (_, _) => n.to_string(),
        };
        return Printed::new(decorate(rng, style, raw), Expect::Num(n as f64));
    }
    let text = digits(n, style.thousands);
    if n > 0 && style.count_unit > 0.0 && rng.chance(style.count_unit) {
        let unit = *rng.pick(&["个", "件", "项", "条"]);
        let raw = decorate(rng, style, format!("{text}{unit}"));
        return Printed::new(raw, Expect::WithUnit(n as f64, unit.to_string()));
    }
    Printed::new(decorate(rng, style, text), Expect::Num(n as f64))
}

fn money(rng: &mut Rng, style: &NumberStyle, measure: &str, v2021: bool, wan: f64) -> Printed {
    debug_assert_eq!(measure, "amount");
    if wan == 0.0 {
        if let Some(p) = blank_zero(rng, style, true) {
            return p;
        }
    }
    if v2021 {
        // The 2021 header states 万元: a bare number is 万元.
        let text = decimal(wan, 2);
        let raw = if style.fee_unit && wan > 0.0 {
            format!("{text}万元")
        } else {
            text
        };
        return Printed::new(
            decorate(rng, style, raw),
            Expect::WithUnit(round6(wan), "万元".into()),
        );
    }
    let whole_hundreds = wan >= 10_000.0 && wan.fract() == 0.0 && (wan as i64) % 100 == 0;
    let (raw, expect, unknown) = match style.money {
        _ if wan == 0.0 => ("0".to_string(), Expect::Num(0.0), true),
        MoneyStyle::Yi if whole_hundreds => {
            let unit = if rng.chance(0.5) { "亿" } else { "亿元" };
            (
                format!("{}{unit}", decimal(wan / 10_000.0, 4)),
                Expect::WithUnit(round6(wan), "万元".into()),
                false,
            )
        }
        MoneyStyle::Yuan => {
            let yuan = (wan * 10_000.0).round() as i64;
            (
                format!("{}元", digits(yuan, style.thousands)),
                Expect::WithUnit(round6(wan), "万元".into()),
                false,
            )
        }
        MoneyStyle::Bare => (decimal(wan, 2), Expect::Num(round6(wan)), true),
        _ => (
            format!("{}万元", decimal(wan, 2)),
            Expect::WithUnit(round6(wan), "万元".into()),
            false,
        ),
    };
    Printed {
        raw: decorate(rng, style, raw),
        expect,
        unit_unknown: unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xxgk::internal::{parse_number, NumberCell};

    /// Every printed form must parse back to the expected value (the pipeline's
    /// number reader is the oracle for single cells; layouts are tested by the
    /// accuracy check).
    #[test]
    fn printed_forms_parse_back() {
        let mut rng = Rng::new(9);
        for i in 0..5000 {
            let mut style = NumberStyle::draw(&mut rng, true);
            style.fullwidth = 0.3;
            style.stray_space = 0.4;
            style.count_unit = 0.3;
            style.thousands = i % 2 == 0;
            let n = rng.count(0.2, 5_000_000);
            let p = count(&mut rng, &style, n);
            check(&p);
            let measure = *rng.pick(&["made", "change", "decisions"]);
            let v = if measure == "change" {
                rng.range(-99, 99)
            } else {
                n
            };
            check(&active(&mut rng, &style, measure, false, ANum::Int(v)));
            let wan = rng.count(0.1, 2_000_000) as f64 + rng.range(0, 99) as f64 / 100.0;
            check(&active(
                &mut rng,
                &style,
                "amount",
                i % 3 == 0,
                ANum::Money(wan),
            ));
        }
    }

    fn check(p: &Printed) {
        match (parse_number(&p.raw), &p.expect) {
            (NumberCell::Blank, e) => assert_eq!(e.state(), "blank", "{p:?}"),
            (NumberCell::Value { value, unit }, e) => {
                let factor = unit.and_then(|u| u.to_wan_yuan()).unwrap_or(1.0);
                let got = value * factor;
                let want = e.value().unwrap_or(f64::NAN);
                assert!(
                    (got - want).abs() < 1e-6 * want.abs().max(1.0),
                    "{p:?} → {got}"
                );
            }
            (NumberCell::Invalid, _) => panic!("{p:?} does not parse"),
        }
    }
}
