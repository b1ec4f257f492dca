//! Print the decoded document of a file (lines and table grids): a debugging aid.
//!
//! `cargo run --example dump_doc -- FILE`
fn main() {
    let path = std::env::args_os().nth(1).expect("usage: dump_doc FILE");
    let path = std::path::PathBuf::from(path);
    let bytes = std::fs::read(&path).expect("read");
    match xxgk::internal::decode(&path, &bytes, &xxgk::internal::PdfOptions::default()) {
        Ok(doc) => {
            for block in &doc.blocks {
                match block {
                    xxgk::internal::Block::Line(l) => println!("L {l}"),
                    xxgk::internal::Block::PageBreak => println!("--- page"),
                    xxgk::internal::Block::Table(rows) => {
                        println!("T {} rows", rows.len());
                        for row in rows {
                            let cells: Vec<String> = row
                                .iter()
                                .map(|c| {
                                    if c.spanned {
                                        format!("^{}", c.text)
                                    } else {
                                        c.text.clone()
                                    }
                                })
                                .collect();
                            println!("  | {}", cells.join(" | "));
                        }
                    }
                }
            }
        }
        Err(e) => eprintln!("{e}"),
    }
}
