//! `nabla eval --plot` and `nabla train --confusion-plot`: the confusion matrix as a labelled
//! heatmap (class names on both axes, the counts in the cells), its paths checked before any
//! work, and flags that cannot draw one refused naming them.

use std::path::Path;

use crate::util::{assert_usage_error, nabla_json, path_str as s, temp_dir};

/// The text elements of an SVG file, in order.
fn svg_texts(path: &Path) -> Vec<String> {
    let svg = std::fs::read_to_string(path).unwrap();
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = t.split_once('>')?.1;
            Some(body.split_once("</text>")?.0.trim().to_string())
        })
        .collect()
}

#[test]
fn the_pictures_hold_every_count_of_the_matrix_and_every_class_name() {
    let dir = temp_dir("counts");
    let (model, svg, png) = (
        dir.join("m.safetensors"),
        dir.join("train.svg"),
        dir.join("eval.png"),
    );
    let train = nabla_json(&[
        "train",
        "--data",
        "iris",
        "--epochs",
        "10",
        "--lr",
        "0.01",
        "--save",
        s(&model),
        "--confusion-plot",
        s(&svg),
        "--format",
        "json",
        "--quiet",
    ]);
    let matrix: Vec<u64> = train["test_classes"]["confusion_matrix"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()))
        .collect();
    assert_eq!(matrix.len(), 9);
    let texts = svg_texts(&svg);
    let counts: Vec<u64> = texts.iter().filter_map(|t| t.parse().ok()).collect();
    assert_eq!(counts, matrix, "the cells, row by row: {texts:?}");
    for name in ["setosa", "versicolor", "virginica"] {
        // Once down the side (true class), once along the bottom (predicted class).
        assert_eq!(
            texts.iter().filter(|t| *t == name).count(),
            2,
            "{name}: {texts:?}"
        );
    }
    assert!(texts.iter().any(|t| t == "true class"));
    assert!(texts.iter().any(|t| t == "predicted class"));
    let eval = nabla_json(&[
        "eval",
        "--model",
        s(&model),
        "--data",
        "iris",
        "--plot",
        s(&png),
        "--format",
        "json",
    ]);
    assert_eq!(eval["plot"], s(&png));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let svg2 = dir.join("eval.svg");
    nabla_json(&[
        "eval",
        "--model",
        s(&model),
        "--data",
        "iris",
        "--plot",
        s(&svg2),
        "--format",
        "json",
    ]);
    let counts: u64 = svg_texts(&svg2)
        .iter()
        .filter_map(|t| t.parse::<u64>().ok())
        .sum();
    assert_eq!(counts, 150, "every evaluated row is counted once");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn pictures_that_cannot_be_drawn_are_refused_before_any_work() {
    let dir = temp_dir("refused");
    let (model, regression) = (dir.join("m.safetensors"), dir.join("r.safetensors"));
    nabla_json(&[
        "train",
        "--data",
        "iris",
        "--epochs",
        "1",
        "--save",
        s(&model),
        "--format",
        "json",
        "--quiet",
    ]);
    nabla_json(&[
        "train",
        "--data",
        "diabetes",
        "--epochs",
        "1",
        "--save",
        s(&regression),
        "--format",
        "json",
        "--quiet",
    ]);
    let png = dir.join("cm.png");
    let long = ["--epochs", "100000", "--quiet"];
    let train = |extra: &[&str], needle: &str| {
        let mut args = vec!["train"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&long);
        assert_usage_error(&args, needle);
    };
    train(
        &["--data", "diabetes", "--confusion-plot", s(&png)],
        "--confusion-plot: a confusion matrix needs a classifier",
    );
    train(
        &["--data", "iris", "--confusion-plot", "cm.jpg"],
        "--confusion-plot cm.jpg: the picture's file name must end in .png or .svg",
    );
    train(
        &[
            "--data",
            "iris",
            "--confusion-plot",
            s(&png),
            "--plot",
            s(&png),
        ],
        "--confusion-plot",
    );
    train(
        &[
            "--data",
            "penguins",
            "--task",
            "species:classes",
            "--confusion-plot",
            s(&png),
        ],
        "--confusion-plot: draws a single-task classifier's test rows",
    );
    assert_usage_error(
        &[
            "lr-find",
            "--data",
            "iris",
            "--confusion-plot",
            s(&png),
            "--quiet",
        ],
        "--confusion-plot",
    );
    assert_usage_error(
        &[
            "eval",
            "--model",
            s(&regression),
            "--data",
            "diabetes",
            "--plot",
            s(&png),
        ],
        "--plot: a confusion matrix needs a classifier",
    );
    assert_usage_error(
        &[
            "eval",
            "--model",
            s(&model),
            "--data",
            "iris",
            "--plot",
            "cm.gif",
        ],
        "--plot cm.gif",
    );
    assert_usage_error(
        &[
            "eval",
            "--model",
            s(&model),
            "--data",
            "iris",
            "--plot",
            s(&model),
        ],
        "this is the file --model",
    );
    assert_usage_error(
        &[
            "eval",
            "--model",
            s(&model),
            "--data",
            "iris",
            "--plot",
            s(&dir.join("no/such/cm.png")),
        ],
        "--plot",
    );
    let mt = dir.join("mt.safetensors");
    nabla_json(&[
        "train",
        "--data",
        "penguins",
        "--task",
        "species:classes",
        "--shared",
        "4",
        "--epochs",
        "1",
        "--save",
        s(&mt),
        "--format",
        "json",
        "--quiet",
    ]);
    assert_usage_error(
        &[
            "eval",
            "--model",
            s(&mt),
            "--data",
            "penguins",
            "--plot",
            s(&png),
        ],
        "--plot: draws a single-task classifier's confusion matrix",
    );
    assert!(!png.exists(), "no picture is written by a refused run");
    std::fs::remove_dir_all(dir).unwrap();
}
