//! The worked solution as markdown: headings, pipe tables, and equations in `text` blocks (so
//! that subscripts, `·` and `×` line up and no markdown engine reinterprets them).

use nabla_explain::backprop::document::Block;

/// Escapes the characters that would break a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// Renders `doc` as markdown.
pub fn render(doc: &[Block]) -> String {
    let mut out = String::new();
    for block in doc {
        if !out.is_empty() {
            out.push('\n');
        }
        match block {
            Block::Title(t) => out.push_str(&format!("# {t}\n")),
            Block::Heading(t) => out.push_str(&format!("## {t}\n")),
            Block::Subheading(t) => out.push_str(&format!("### {t}\n")),
            Block::Paragraph(p) => {
                out.push_str(p);
                out.push('\n');
            }
            Block::Math(lines) => {
                out.push_str("```text\n");
                for l in lines {
                    out.push_str(l);
                    out.push('\n');
                }
                out.push_str("```\n");
            }
            Block::Table { header, rows } => {
                let head: Vec<String> = header.iter().map(|h| cell(h)).collect();
                out.push_str(&format!("| {} |\n", head.join(" | ")));
                out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
                for row in rows {
                    let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_markdown() {
        let doc = vec![
            Block::Heading("Loss".into()),
            Block::Math(vec!["J = 1".into()]),
            Block::Table {
                header: vec!["a".into(), "b|c".into()],
                rows: vec![vec!["1".into(), "2".into()]],
            },
        ];
        assert_eq!(
            render(&doc),
            "## Loss\n\n```text\nJ = 1\n```\n\n| a | b\\|c |\n|---|---|\n| 1 | 2 |\n"
        );
    }
}
