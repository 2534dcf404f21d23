//! The worked solution as plain text: underlined headings, aligned tables, indented equations.

use nabla_explain::backprop::document::Block;

/// The display width of a cell (characters, not bytes: `∂`, `σ` and `⁽¹⁾` are one column each).
fn width(text: &str) -> usize {
    text.chars().count()
}

fn pad(text: &str, to: usize) -> String {
    // `format!` pads by characters, as `width` counts them.
    format!("{text:<to$}")
}

/// Lays out a table with columns separated by two spaces and a rule under the header.
fn table(header: &[String], rows: &[Vec<String>], out: &mut String) {
    let cols = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (c, cell) in row.iter().enumerate().take(cols) {
            widths[c] = widths[c].max(width(cell));
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(c, cell)| pad(cell, widths[c]))
            .collect();
        format!("  {}\n", padded.join("  ").trim_end())
    };
    out.push_str(&line(header));
    let rules: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    out.push_str(&line(&rules));
    for row in rows {
        out.push_str(&line(row));
    }
}

/// Renders `doc` as text.
pub fn render(doc: &[Block]) -> String {
    let mut out = String::new();
    for block in doc {
        if !out.is_empty() {
            out.push('\n');
        }
        match block {
            Block::Title(t) => {
                out.push_str(t);
                out.push('\n');
                out.push_str(&"=".repeat(width(t)));
                out.push('\n');
            }
            Block::Heading(t) => {
                out.push_str(t);
                out.push('\n');
                out.push_str(&"-".repeat(width(t)));
                out.push('\n');
            }
            Block::Subheading(t) => {
                out.push_str(&format!("[{t}]\n"));
            }
            Block::Paragraph(p) => {
                out.push_str(p);
                out.push('\n');
            }
            Block::Math(lines) => {
                for l in lines {
                    out.push_str("    ");
                    out.push_str(l);
                    out.push('\n');
                }
            }
            Block::Table { header, rows } => table(header, rows, &mut out),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_by_characters() {
        let doc = vec![Block::Table {
            header: vec!["unit".into(), "∂J/∂θ".into()],
            rows: vec![vec!["h1".into(), "0.5".into()]],
        }];
        assert_eq!(render(&doc), "  unit  ∂J/∂θ\n  ----  -----\n  h1    0.5\n");
    }
}
