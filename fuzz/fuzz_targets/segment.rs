//! Any text as a flowed table row: the digit-run solver never panics, stays
//! within its bounds, and a reading it takes re-joins to the printed digits.
#![no_main]
use libfuzzer_sys::fuzz_target;
use xxgk::internal::{solve, Identity, RunRow};

fuzz_target!(|data: &[u8]| {
    let Some((&width, rest)) = data.split_first() else {
        return;
    };
    let width = usize::from(width % 16) + 1;
    let text = String::from_utf8_lossy(rest);
    // Two rows (the text cut in half) with the row totals and one identity across them.
    let cut = text.char_indices().nth(text.chars().count() / 2).map_or(0, |(i, _)| i);
    let rows = [
        RunRow::from_text(&text[..cut], width),
        RunRow::from_text(&text[cut..], width),
    ];
    let mut ids = vec![Identity::row_total(0, width), Identity::row_total(1, width)];
    ids.push(Identity { left: vec![(0, 0)], right: vec![(1, 0)] });
    for (row, reading) in rows.iter().zip(solve(&rows, &ids)) {
        if let Some(cells) = reading.cells() {
            assert_eq!(cells.len(), width);
            assert_eq!(cells.concat(), row.groups.concat());
        }
    }
});
