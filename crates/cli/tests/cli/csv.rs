//! CSV input through every command that reads it (`train`, `predict`, `eval`, `regress`): a file
//! that does not parse as its header says is refused with exit 2 naming the file and the line,
//! never read as fewer rows, an invented class or one long field.

use crate::util::{assert_usage_error, nabla_json, path_str as s, temp_dir};

/// Rows `a,b,label` that a classifier learns (label `high` when a + b > 0).
fn labelled_rows(n: usize) -> String {
    let mut text = String::from("a,b,label\n");
    for i in 0..n {
        let (a, b) = ((i as f64 * 0.37).sin(), (i as f64 * 0.91).cos());
        let label = if a + b > 0.0 { "high" } else { "low" };
        text.push_str(&format!("{a},{b},{label}\n"));
    }
    text
}

/// Hostile variants of a file with header `header` and rows of three fields: each with the
/// line (and column) the error must name.
fn hostile(header: &str) -> Vec<(&'static str, String, &'static str)> {
    vec![
        (
            "quote_in_the_middle",
            format!("{header}\n1,2,3\n3,\"4,5\n5,6,7\n7,8,9\n"),
            "line 3",
        ),
        (
            "quote_in_the_last_column",
            format!("{header}\n1,2,3\n3,4,\"5\n5,6,7\n7,8,9\n"),
            "line 3",
        ),
        (
            "quote_at_the_end_of_the_file",
            format!("{header}\n1,2,3\n3,4,5\n6,7,\""),
            "line 4",
        ),
        (
            "text_after_a_closing_quote",
            format!("{header}\n1,2,3\n3,\"4\"x,5\n"),
            "line 3",
        ),
        (
            "quote_inside_an_unquoted_field",
            format!("{header}\n1,2,3\n3,4x\"y,5\n"),
            "line 3",
        ),
        (
            "ragged_row_after_crlf_and_a_bom",
            format!("\u{feff}{header}\r\n1,2,3\r\n\r\n3,4\r\n"),
            "line 4",
        ),
    ]
}

/// The commands that read a data file, as arguments around `data` (predict and eval use
/// `model`, trained on columns a, b and label).
fn commands<'a>(model: &'a str, data: &'a str) -> Vec<Vec<&'a str>> {
    vec![
        vec![
            "train", "--data", data, "--target", "label", "--epochs", "1",
        ],
        vec!["predict", "--model", model, "--data", data],
        vec!["eval", "--model", model, "--data", data],
        vec!["regress", data, "--y", "label"],
    ]
}

#[test]
fn an_unterminated_quote_or_ragged_row_is_refused_by_every_command_naming_the_line() {
    let dir = temp_dir("hostile");
    let good = dir.join("good.csv");
    std::fs::write(&good, labelled_rows(60)).unwrap();
    let model = dir.join("model.safetensors");
    nabla_json(&[
        "train",
        "--data",
        s(&good),
        "--target",
        "label",
        "--epochs",
        "5",
        "--save",
        s(&model),
        "--format",
        "json",
        "--quiet",
    ]);
    for (tag, text, line) in hostile("a,b,label") {
        let path = dir.join(format!("{tag}.csv"));
        std::fs::write(&path, text).unwrap();
        for args in commands(s(&model), s(&path)) {
            assert_usage_error(&args, s(&path));
            assert_usage_error(&args, line);
        }
    }
}

#[test]
fn an_unclosed_quote_names_its_column_in_every_command() {
    let dir = temp_dir("column");
    let good = dir.join("good.csv");
    std::fs::write(&good, labelled_rows(40)).unwrap();
    let model = dir.join("model.safetensors");
    nabla_json(&[
        "train",
        "--data",
        s(&good),
        "--target",
        "label",
        "--epochs",
        "2",
        "--save",
        s(&model),
        "--format",
        "json",
        "--quiet",
    ]);
    // Before: train saw a class "high\n3,4,low…", predict and regress half the rows, exit 0.
    let path = dir.join("open.csv");
    std::fs::write(&path, "a,b,label\n1,2,high\n3,4,\"low\n5,6,high\n7,8,low\n").unwrap();
    for args in commands(s(&model), s(&path)) {
        let needle = if args[0] == "regress" {
            "row 2 (line 3), column 'label'"
        } else {
            "line 3: column \"label\""
        };
        assert_usage_error(&args, needle);
        assert_usage_error(&args, "never closed");
    }
}

#[test]
fn a_duplicate_column_name_is_refused_by_every_command() {
    let dir = temp_dir("duplicate");
    let good = dir.join("good.csv");
    std::fs::write(&good, labelled_rows(40)).unwrap();
    let model = dir.join("model.safetensors");
    nabla_json(&[
        "train",
        "--data",
        s(&good),
        "--target",
        "label",
        "--epochs",
        "2",
        "--save",
        s(&model),
        "--format",
        "json",
        "--quiet",
    ]);
    // Before: regress fitted with two columns named "a".
    let path = dir.join("dup.csv");
    std::fs::write(
        &path,
        "a,b,a,label\n1,2,3,4\n2,1,5,7\n3,5,2,6\n4,4,4,9\n5,1,1,3\n",
    )
    .unwrap();
    for args in commands(s(&model), s(&path)) {
        assert_usage_error(&args, "column \"a\" appears more than once");
    }
}

#[test]
fn valid_quoting_line_endings_and_a_bom_read_like_plain_csv() {
    let dir = temp_dir("valid");
    let plain = dir.join("plain.csv");
    let mut text = String::from("x,y\n");
    for i in 0..30 {
        let x = i as f64;
        text.push_str(&format!("{x},{}\n", 1.5 + 0.5 * x + (x * 1.3).sin()));
    }
    std::fs::write(&plain, &text).unwrap();
    // The same numbers quoted, with CRLF endings, a BOM, blank lines and a quoted header.
    let fancy = dir.join("fancy.csv");
    let mut quoted = String::from("\u{feff}\"x\", y \r\n\r\n");
    for line in text.lines().skip(1) {
        let (x, y) = line.split_once(',').unwrap();
        quoted.push_str(&format!("\"{x}\",{y}\r\n"));
    }
    std::fs::write(&fancy, &quoted).unwrap();
    let a = nabla_json(&["regress", s(&plain), "--y", "y", "--format", "json"]);
    let b = nabla_json(&["regress", s(&fancy), "--y", "y", "--format", "json"]);
    assert_eq!(a["coefficients"], b["coefficients"]);
    assert_eq!(a["n"], 30);
    assert_eq!(b["n"], 30);
    // A properly closed quoted field may span lines; the rows after it are all read.
    let good = dir.join("good.csv");
    std::fs::write(&good, labelled_rows(40)).unwrap();
    let model = dir.join("model.safetensors");
    nabla_json(&[
        "train",
        "--data",
        s(&good),
        "--target",
        "label",
        "--epochs",
        "2",
        "--save",
        s(&model),
        "--format",
        "json",
        "--quiet",
    ]);
    let notes: String = labelled_rows(40)
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("note,{l}\n"),
            1 => format!("\"two\nlines, \"\"quoted\"\"\",{l}\n"),
            _ => format!("plain,{l}\n"),
        })
        .collect();
    let notes_csv = dir.join("notes.csv");
    std::fs::write(&notes_csv, notes).unwrap();
    let out = nabla_json(&[
        "predict",
        "--model",
        s(&model),
        "--data",
        s(&notes_csv),
        "--format",
        "json",
    ]);
    assert_eq!(out["predictions"].as_array().unwrap().len(), 40);
    // Quoted labels are the same classes as plain ones.
    let quoted_labels = dir.join("quoted_labels.csv");
    std::fs::write(
        &quoted_labels,
        labelled_rows(40)
            .replace(",high\n", ",\"high\"\n")
            .replace(",low\n", ",\"low\"\n"),
    )
    .unwrap();
    let out = nabla_json(&[
        "train",
        "--data",
        s(&quoted_labels),
        "--target",
        "label",
        "--epochs",
        "1",
        "--format",
        "json",
        "--quiet",
    ]);
    let rows = &out["rows"];
    assert_eq!(
        rows["train"].as_u64().unwrap() + rows["test"].as_u64().unwrap(),
        40
    );
    assert_eq!(out["task"], "classes");
}
