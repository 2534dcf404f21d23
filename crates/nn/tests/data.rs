//! Tests of nabla's data layer against the golden file written by
//! `tools/oracles/datasets/extract.py` (scikit-learn, pandas, numpy and an independent Python
//! ChaCha8), plus every error path of CSV loading, splitting, standardisation and batching.

use std::path::PathBuf;

use nabla_nn::data::{
    Batches, CsvOptions, Dataset, Embedded, Split, SplitConfig, Standardizer, Target, TargetSpec,
    TargetValues, TaskKind,
};
use nabla_nn::Error;
use serde_json::Value;

fn fixture() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/datasets.json");
    let text = std::fs::read_to_string(path).expect("golden file");
    serde_json::from_str(&text).expect("golden file is JSON")
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

fn assert_close(actual: &[f64], expected: &[f64], rel: f64, what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths");
    for (j, (a, e)) in actual.iter().zip(expected).enumerate() {
        let tol = rel * e.abs().max(1.0);
        assert!((a - e).abs() <= tol, "{what}[{j}]: {a} vs {e}");
    }
}

// ---------------------------------------------------------------- embedded data sets

#[test]
fn embedded_counts_match_the_issue() {
    let counts = [
        ("digits", 1797, 64),
        ("iris", 150, 4),
        ("wine", 178, 13),
        ("breast_cancer", 569, 30),
        ("diabetes", 442, 10),
        ("penguins", 342, 3),
        ("digits_multitask", 1797, 64),
    ];
    for (name, n, d) in counts {
        let ds = Dataset::by_name(name).unwrap();
        assert_eq!((ds.n_samples(), ds.n_features()), (n, d), "{name}");
        assert_eq!(ds.name(), name);
    }
    // Every embedded name loads, and the list in errors names them all.
    for e in Embedded::ALL {
        assert_eq!(Embedded::from_name(e.name()), Some(e));
        assert!(nabla_nn::data::embedded::EMBEDDED_NAMES.contains(e.name()));
    }
}

#[test]
fn embedded_classification_sets_equal_scikit_learn() {
    let fx = fixture();
    for name in ["digits", "iris", "wine", "breast_cancer"] {
        let f = &fx["datasets"][name];
        let ds = Dataset::by_name(name).unwrap();
        assert_eq!(
            ds.n_samples(),
            f["n_samples"].as_u64().unwrap() as usize,
            "{name}"
        );
        assert_eq!(
            ds.feature_names(),
            strings(&f["feature_names"]).as_slice(),
            "{name}"
        );
        let [t] = ds.targets() else {
            panic!("{name}: one target")
        };
        assert_eq!(t.name(), f["target"].as_str().unwrap());
        assert_eq!(t.kind(), TaskKind::Classes);
        assert_eq!(
            t.class_names(),
            strings(&f["class_names"]).as_slice(),
            "{name}"
        );
        assert_eq!(t.class_counts(), usizes(&f["class_counts"]), "{name}");
        assert_eq!(
            t.label(0),
            Some(f["first_label"].as_u64().unwrap() as usize)
        );
        assert_eq!(
            t.label(ds.n_samples() - 1),
            Some(f["last_label"].as_u64().unwrap() as usize)
        );
        // Features are the very same f64 values scikit-learn loads.
        assert_eq!(ds.row(0), floats(&f["first_row"]).as_slice(), "{name}");
        assert_eq!(
            ds.row(ds.n_samples() - 1),
            floats(&f["last_row"]).as_slice(),
            "{name}"
        );
        check_column_moments(&ds, f, name);
    }
}

/// Column means and population stds from numpy; numpy's std of a constant column is 0 where the
/// standardizer keeps 1.
fn check_column_moments(ds: &Dataset, f: &Value, name: &str) {
    let weighted: f64 = ds
        .features()
        .iter()
        .enumerate()
        .map(|(k, x)| x * (k + 1) as f64)
        .sum();
    let expected = f["position_weighted_sum"].as_f64().unwrap();
    assert!(
        (weighted - expected).abs() <= 1e-12 * expected.abs(),
        "{name}: {weighted} vs {expected}"
    );
    let s = Standardizer::fit(ds).unwrap();
    assert_close(
        s.mean(),
        &floats(&f["column_mean"]),
        1e-12,
        &format!("{name} mean"),
    );
    let expected_std: Vec<f64> = floats(&f["column_std"])
        .into_iter()
        .map(|v| if v == 0.0 { 1.0 } else { v })
        .collect();
    assert_close(s.std(), &expected_std, 1e-12, &format!("{name} std"));
}

#[test]
fn embedded_diabetes_is_the_raw_version() {
    let fx = fixture();
    let f = &fx["datasets"]["diabetes"];
    let ds = Dataset::by_name("diabetes").unwrap();
    assert_eq!(ds.feature_names(), strings(&f["feature_names"]).as_slice());
    let [t] = ds.targets() else {
        panic!("one target")
    };
    assert_eq!(t.kind(), TaskKind::Regression);
    assert_eq!(t.name(), "progression");
    assert_eq!(t.value(0), f["first_target"].as_f64());
    assert_eq!(t.value(441), f["last_target"].as_f64());
    let y: Vec<f64> = (0..442).map(|i| t.value(i).unwrap()).collect();
    let ys = Standardizer::fit_rows(&["y".to_string()], &y).unwrap();
    assert_close(
        ys.mean(),
        &[f["target_mean"].as_f64().unwrap()],
        1e-12,
        "target mean",
    );
    assert_close(
        ys.std(),
        &[f["target_std"].as_f64().unwrap()],
        1e-12,
        "target std",
    );
    // Raw units: age in years and sex coded 1/2, not scikit-learn's scaled ±0.05 values.
    assert_eq!(&ds.row(0)[..2], &[59.0, 2.0]);
    check_column_moments(&ds, f, "diabetes");
}

#[test]
fn embedded_penguins_keep_missing_sex_labels() {
    let fx = fixture();
    let f = &fx["datasets"]["penguins"];
    // The file holds all 344 penguins; the two rows without measurements are skipped.
    let text = Embedded::Penguins.csv_text().unwrap();
    assert_eq!(text.lines().count() - 1, 344);
    assert_eq!(f["rows_in_file"].as_u64(), Some(344));
    let ds = Dataset::by_name("penguins").unwrap();
    assert_eq!(ds.n_samples(), 342);
    assert_eq!(ds.skipped_lines(), &[5, 273]);
    assert_eq!(
        ds.skipped_lines()
            .iter()
            .map(|&l| l as usize)
            .collect::<Vec<_>>(),
        usizes(&f["dropped_lines"])
    );
    assert_eq!(ds.feature_names(), strings(&f["feature_names"]).as_slice());
    assert!(ds.is_multi_task());
    let species = ds.target("species").unwrap();
    assert_eq!(species.kind(), TaskKind::Classes);
    assert_eq!(
        species.class_names(),
        strings(&f["species_names"]).as_slice()
    );
    assert_eq!(species.class_counts(), usizes(&f["species_counts"]));
    let sex = ds.target("sex").unwrap();
    assert_eq!(sex.kind(), TaskKind::Binary);
    assert_eq!(sex.class_names(), strings(&f["sex_names"]).as_slice());
    assert_eq!(sex.class_counts(), usizes(&f["sex_counts"]));
    assert_eq!(
        sex.missing_count(),
        f["sex_missing"].as_u64().unwrap() as usize
    );
    assert_eq!(sex.missing_count(), 9);
    let mass = ds.target("body_mass_g").unwrap();
    assert_eq!(mass.kind(), TaskKind::Regression);
    assert_eq!(mass.missing_count(), 0);
    let m: Vec<f64> = (0..342).map(|i| mass.value(i).unwrap()).collect();
    let s = Standardizer::fit_rows(&["m".to_string()], &m).unwrap();
    assert_close(
        s.mean(),
        &[f["body_mass_mean"].as_f64().unwrap()],
        1e-12,
        "mass mean",
    );
    assert_close(
        s.std(),
        &[f["body_mass_std"].as_f64().unwrap()],
        1e-12,
        "mass std",
    );
    check_column_moments(&ds, f, "penguins");
}

#[test]
fn digits_multitask_derives_parity_and_ge5() {
    let digits = Dataset::by_name("digits").unwrap();
    let mt = Dataset::by_name("digits_multitask").unwrap();
    assert_eq!(mt.features(), digits.features());
    let names: Vec<&str> = mt.targets().iter().map(Target::name).collect();
    assert_eq!(names, ["digit", "parity", "ge5"]);
    let (d, p, g) = (&mt.targets()[0], &mt.targets()[1], &mt.targets()[2]);
    assert_eq!(p.kind(), TaskKind::Binary);
    assert_eq!(p.class_names(), &["even", "odd"]);
    assert_eq!(g.class_names(), &["below_5", "5_or_more"]);
    for i in 0..mt.n_samples() {
        let digit = d.label(i).unwrap();
        assert_eq!(p.label(i), Some(digit % 2), "sample {i}");
        assert_eq!(g.label(i), Some(usize::from(digit >= 5)), "sample {i}");
    }
    let counts = d.class_counts();
    let odd: usize = counts.iter().skip(1).step_by(2).sum();
    assert_eq!(p.class_counts(), vec![1797 - odd, odd]);
}

#[test]
fn selecting_one_task_of_multi_task_data_drops_its_missing_labels() {
    let penguins = Dataset::by_name("penguins").unwrap();
    let sex = penguins.select_targets(&["sex".to_string()]).unwrap();
    assert_eq!(sex.n_samples(), 342 - 9);
    assert_eq!(sex.targets().len(), 1);
    assert_eq!(sex.targets()[0].missing_count(), 0);
    assert_eq!(
        sex.targets()[0].class_counts(),
        penguins.target("sex").unwrap().class_counts()
    );
    // The kept rows are the penguins whose sex is known, in order.
    let known: Vec<usize> = (0..342)
        .filter(|&i| !penguins.target("sex").unwrap().is_missing(i))
        .collect();
    assert_eq!(sex.row(100), penguins.row(known[100]));
    // Several targets: every row kept, targets in the order asked.
    let two = penguins
        .select_targets(&["body_mass_g".to_string(), "sex".to_string()])
        .unwrap();
    assert_eq!(two.n_samples(), 342);
    assert_eq!(two.targets()[0].name(), "body_mass_g");
    let e = penguins.select_targets(&["beak".to_string()]).unwrap_err();
    assert!(
        e.to_string()
            .contains("available: species, sex, body_mass_g"),
        "{e}"
    );
    let e = penguins
        .select_targets(&["sex".to_string(), "sex".to_string()])
        .unwrap_err();
    assert!(matches!(e, Error::DuplicateColumn { .. }), "{e}");
}

#[test]
fn unknown_data_set_lists_the_embedded_ones() {
    let e = Dataset::by_name("mnist").unwrap_err();
    assert!(matches!(e, Error::UnknownDataset { .. }));
    let msg = e.to_string();
    assert!(
        msg.contains("\"mnist\"") && msg.contains("digits, iris"),
        "{msg}"
    );
    let e = Dataset::load("no/such/file.csv", &CsvOptions::default()).unwrap_err();
    assert!(matches!(e, Error::UnknownDataset { .. }), "{e}");
    // A name that is embedded wins; a path loads the file.
    assert_eq!(
        Dataset::load("iris", &CsvOptions::default())
            .unwrap()
            .n_samples(),
        150
    );
    let path = temp_csv("load_path", "a,y\n1,2\n3,4\n");
    let opts = CsvOptions {
        targets: vec![TargetSpec::parse("y").unwrap()],
        ..Default::default()
    };
    let ds = Dataset::load(path.to_str().unwrap(), &opts).unwrap();
    assert_eq!(ds.n_samples(), 2);
}

// ---------------------------------------------------------------- CSV

fn temp_csv(tag: &str, text: &str) -> PathBuf {
    temp_bytes(tag, text.as_bytes())
}

fn temp_bytes(tag: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nabla-data-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{tag}.csv"));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn opts(targets: &[&str]) -> CsvOptions {
    CsvOptions {
        targets: targets
            .iter()
            .map(|t| TargetSpec::parse(t).unwrap())
            .collect(),
        ..CsvOptions::default()
    }
}

fn read(text: &str, targets: &[&str]) -> nabla_nn::Result<Dataset> {
    Dataset::from_csv_reader("t.csv", text.as_bytes(), &opts(targets))
}

/// The (row, column) an error names, asserting it is a cell error.
fn cell(e: &Error) -> (u64, &str) {
    match e {
        Error::Csv { row, column, .. } => (*row, column.as_str()),
        other => panic!("expected a cell error, got {other:?}: {other}"),
    }
}

#[test]
fn csv_string_labels_become_sorted_classes() {
    let ds = read(
        "a,b,label\n1,2,virginica\n3,4,setosa\n5,6,versicolor\n7,8,setosa\n",
        &["label"],
    )
    .unwrap();
    let t = &ds.targets()[0];
    assert_eq!(t.kind(), TaskKind::Classes);
    assert_eq!(t.class_names(), &["setosa", "versicolor", "virginica"]);
    assert_eq!(
        t.values(),
        &TargetValues::Labels(vec![Some(2), Some(0), Some(1), Some(0)])
    );
    assert_eq!(ds.features(), &[1., 2., 3., 4., 5., 6., 7., 8.]);
    assert_eq!(ds.feature_names(), &["a", "b"]);
}

#[test]
fn csv_numeric_labels_ordered_by_value() {
    let ds = read("x,y\n0,10\n1,-1\n2,2\n3,2.0\n", &["y"]).unwrap();
    let t = &ds.targets()[0];
    assert_eq!(t.kind(), TaskKind::Classes);
    assert_eq!(t.class_names(), &["-1", "2", "10"]);
    assert_eq!(
        t.values(),
        &TargetValues::Labels(vec![Some(2), Some(0), Some(1), Some(1)])
    );
}

#[test]
fn csv_kind_inference_and_forcing() {
    // Non-integers: regression.
    let ds = read("x,y\n0,1.5\n1,2\n", &["y"]).unwrap();
    assert_eq!(ds.targets()[0].kind(), TaskKind::Regression);
    assert_eq!(ds.targets()[0].value(0), Some(1.5));
    // 20 distinct integers: classes; 21: regression.
    let rows = |k: usize| -> String {
        let mut s = "x,y\n".to_string();
        for i in 0..k {
            s.push_str(&format!("{i},{i}\n"));
        }
        s
    };
    assert_eq!(
        read(&rows(20), &["y"]).unwrap().targets()[0].kind(),
        TaskKind::Classes
    );
    assert_eq!(
        read(&rows(21), &["y"]).unwrap().targets()[0].kind(),
        TaskKind::Regression
    );
    // Forced kinds.
    let first = |text: &str, spec: &str| read(text, &[spec]).unwrap().targets()[0].clone();
    let t = &first(&rows(21), "y:classes");
    assert_eq!((t.kind(), t.n_classes()), (TaskKind::Classes, 21));
    let t = &first(&rows(3), "y:regression");
    assert_eq!(t.kind(), TaskKind::Regression);
    let t = &first("x,y\n0,yes\n1,no\n2,yes\n", "y:binary");
    assert_eq!(t.kind(), TaskKind::Binary);
    assert_eq!(t.class_names(), &["no", "yes"]);
    assert_eq!(t.label(0), Some(1));
    // 0/1 binary keeps both names even when one value is absent.
    let t = &first("x,y\n0,1\n1,1\n", "y:binary");
    assert_eq!(t.class_names(), &["0", "1"]);
    assert_eq!(t.label(0), Some(1));
    // Two other integers: the smaller is the negative class.
    let t = &first("x,y\n0,4\n1,2\n", "y:binary");
    assert_eq!(t.class_names(), &["2", "4"]);
}

#[test]
fn csv_wrong_kind_for_the_values_names_the_column() {
    let e = read("x,y\n0,a\n1,b\n2,c\n", &["y:binary"]).unwrap_err();
    assert!(
        matches!(&e, Error::TargetKind { column, kind: TaskKind::Binary, .. } if column == "y")
    );
    assert!(e.to_string().contains("3 distinct values (a, b, c)"), "{e}");
    let e = read("x,y\n0,a\n1,a\n", &["y:binary"]).unwrap_err();
    assert!(matches!(e, Error::TargetKind { .. }), "{e}");
    let e = read("x,y\n0,1.5\n1,Adelie\n", &["y:regression"]).unwrap_err();
    assert_eq!(cell(&e), (3, "y"));
    assert!(e.to_string().contains("\"Adelie\" is not a number"), "{e}");
    let e = read("x,y\n0,1\n1,2.5\n", &["y:classes"]).unwrap_err();
    assert_eq!(cell(&e), (3, "y"));
    assert!(e.to_string().contains("not an integer class label"), "{e}");
    let e = read("x,y\n0,inf\n", &["y:regression"]).unwrap_err();
    assert_eq!(cell(&e), (2, "y"));
}

#[test]
fn csv_bad_feature_cells_name_file_row_and_column() {
    let path = temp_csv("bad_feature", "a,b,y\n1,2,0\n3,abc,1\n");
    let e = Dataset::from_csv(&path, &opts(&["y"])).unwrap_err();
    assert_eq!(cell(&e), (3, "b"));
    let msg = e.to_string();
    assert!(msg.starts_with(&path.display().to_string()), "{msg}");
    assert!(
        msg.contains("line 3, column \"b\": \"abc\" is not a number"),
        "{msg}"
    );
    // Empty and NA feature cells are missing values.
    for text in [
        "a,b,y\n1,2,0\n3,4,1\n,5,0\n",
        "a,b,y\n1,2,0\n3,4,1\nNA,5,0\n",
    ] {
        let e = read(text, &["y"]).unwrap_err();
        assert_eq!(cell(&e), (4, "a"));
        assert!(e.to_string().contains("missing value"), "{e}");
    }
    let e = read("a,y\n1e999,0\n", &["y"]).unwrap_err();
    assert_eq!(cell(&e), (2, "a"));
    assert!(e.to_string().contains("not a finite number"), "{e}");
}

#[test]
fn csv_rows_are_file_lines_even_with_quoted_newlines_and_blank_lines() {
    // Line 2 holds a quoted field spanning two lines, so the bad row starts on line 5.
    let text = "note,a,y\n\"two\nlines\",1,0\n\nok,2,1\nbad,x,0\n";
    let mut o = opts(&["y"]);
    o.ignore = vec!["note".to_string()];
    let e = Dataset::from_csv_reader("t.csv", text.as_bytes(), &o).unwrap_err();
    assert_eq!(cell(&e), (6, "a"));
    // CRLF endings, spaces around cells, a UTF-8 byte-order mark, quoted commas.
    let text = "\u{feff}a ,\"b,c\", y\r\n 1 , 2 ,cat\r\n3,4, dog \r\n";
    let ds = read(text, &["y"]).unwrap();
    assert_eq!(ds.feature_names(), &["a", "b,c"]);
    assert_eq!(ds.targets()[0].class_names(), &["cat", "dog"]);
    assert_eq!(ds.features(), &[1., 2., 3., 4.]);
    // Lines are counted as an editor does for \n, \r\n and lone \r endings, blank lines included.
    for text in [
        "a,y\n\n\n1,0\nx,1\n",
        "a,y\r\n\r\n\r\n1,0\r\nx,1\r\n",
        "a,y\r\r\r1,0\rx,1\r",
    ] {
        let e = read(text, &["y"]).unwrap_err();
        assert_eq!(cell(&e), (5, "a"), "{text:?}");
        let e = read(&text.replace("x,1", "1,0,1"), &["y"]).unwrap_err();
        assert!(
            matches!(e, Error::CsvFormat { line: 5, .. }),
            "{text:?}: {e}"
        );
    }
}

#[test]
fn csv_missing_labels_error_in_single_task_and_stay_missing_in_multi_task() {
    let text = "a,s,m\n1,x,1.5\n2,,2.5\n3,y,NA\n4,?,null\n";
    let e = read(text, &["s"]).unwrap_err();
    assert_eq!(cell(&e), (3, "s"));
    assert!(e.to_string().contains("missing label"), "{e}");
    let ds = read(text, &["s:binary", "m:regression"]).unwrap();
    let s = ds.target("s").unwrap();
    assert_eq!(
        s.values(),
        &TargetValues::Labels(vec![Some(0), None, Some(1), None])
    );
    let m = ds.target("m").unwrap();
    assert_eq!(
        m.values(),
        &TargetValues::Numbers(vec![Some(1.5), Some(2.5), None, None])
    );
    // A target column with no value at all is an error naming it.
    let e = read("a,s,m\n1,,1\n", &["s", "m"]).unwrap_err();
    assert!(matches!(e, Error::EmptyData { .. }));
    assert!(e.to_string().contains("column \"s\""), "{e}");
}

#[test]
fn csv_drop_incomplete_rows_records_the_lines() {
    let text = "a,b,y\n1,2,0\n,3,1\n4,5,\n6,7,1\n";
    let o = CsvOptions {
        drop_incomplete_rows: true,
        ..opts(&["y"])
    };
    let ds = Dataset::from_csv_reader("t.csv", text.as_bytes(), &o).unwrap();
    assert_eq!(ds.n_samples(), 2);
    assert_eq!(ds.skipped_lines(), &[3, 4]);
    assert_eq!(ds.features(), &[1., 2., 6., 7.]);
    // Garbage is still an error when dropping incomplete rows.
    let e = Dataset::from_csv_reader("t.csv", "a,y\n?,0\nz,1\n".as_bytes(), &o).unwrap_err();
    assert_eq!(cell(&e), (3, "a"));
    let e = Dataset::from_csv_reader("t.csv", "a,y\n,0\n".as_bytes(), &o).unwrap_err();
    assert!(e.to_string().contains("no complete data rows"), "{e}");
}

#[test]
fn csv_unknown_and_duplicate_columns() {
    let e = read("a,b,y\n1,2,3\n", &["label"]).unwrap_err();
    assert!(matches!(&e, Error::UnknownColumn { column, available, .. }
        if column == "label" && available == &["a", "b", "y"]));
    assert!(e.to_string().contains("available: a, b, y"), "{e}");
    let mut o = opts(&["y"]);
    o.ignore = vec!["zz".to_string()];
    let e = Dataset::from_csv_reader("t.csv", "a,y\n1,2\n".as_bytes(), &o).unwrap_err();
    assert!(matches!(e, Error::UnknownColumn { .. }), "{e}");
    let e = read("a,a,y\n1,2,3\n", &["y"]).unwrap_err();
    assert!(matches!(e, Error::DuplicateColumn { .. }), "{e}");
    let e = read("a,y\n1,2\n", &["y", "y:classes"]).unwrap_err();
    assert!(matches!(e, Error::DuplicateColumn { .. }), "{e}");
}

#[test]
fn csv_layout_errors() {
    let e = read("", &["y"]).unwrap_err();
    assert!(matches!(e, Error::CsvFormat { line: 1, .. }), "{e}");
    let e = read("a,y\n", &["y"]).unwrap_err();
    assert!(e.to_string().contains("no data rows"), "{e}");
    let e = read("a,,y\n1,2,3\n", &["y"]).unwrap_err();
    assert!(matches!(e, Error::CsvFormat { line: 1, .. }), "{e}");
    let e = read("\n\na,,y\n1,2,3\n", &["y"]).unwrap_err();
    assert!(matches!(e, Error::CsvFormat { line: 3, .. }), "{e}");
    assert!(e.to_string().contains("header column 2 has no name"), "{e}");
    let e = read("a,b,y\n1,2,3\n4,5\n", &["y"]).unwrap_err();
    assert!(matches!(e, Error::CsvFormat { line: 3, .. }), "{e}");
    assert!(
        e.to_string().contains("2 fields, but the header has 3"),
        "{e}"
    );
    let e = read("y\n1\n", &["y"]).unwrap_err();
    assert!(e.to_string().contains("no feature columns"), "{e}");
    let path = temp_bytes("latin1", b"a,y\n1,caf\xe9\n");
    let e = Dataset::from_csv(&path, &opts(&["y"])).unwrap_err();
    assert_eq!(cell(&e), (2, "y"));
    assert!(e.to_string().contains("UTF-8"), "{e}");
    let e = Dataset::from_csv("/no/such/dir/data.csv", &opts(&["y"])).unwrap_err();
    assert!(matches!(e, Error::ReadFile { .. }));
    assert!(e.to_string().contains("/no/such/dir/data.csv"), "{e}");
    // The operating system's reason is said once, also by callers that print the source chain.
    assert!(std::error::Error::source(&e).is_none(), "{e}");
    assert_eq!(e.to_string().matches("os error").count(), 1, "{e}");
}

/// The (line, reason) of a layout error, asserting it is one.
fn layout(e: &Error) -> (u64, &str) {
    match e {
        Error::CsvFormat { line, reason, .. } => (*line, reason.as_str()),
        other => panic!("expected a layout error, got {other:?}: {other}"),
    }
}

#[test]
fn csv_unterminated_quote_is_an_error_at_its_line_not_the_rest_of_the_file_in_one_field() {
    // Before: the label became "cat\n3,4,dog\n…" (an invented class), or the feature cell took
    // in every later row and the data set had half its rows, with no error.
    for (text, line, column) in [
        ("a,b,y\n1,2,cat\n3,4,\"dog\n5,6,cat\n7,8,dog\n", 3, "y"),
        ("a,b,y\n1,2,cat\n3,\"4,dog\n5,6,cat\n", 3, "b"),
        ("a,b,y\n1,2,cat\n\"3,4,dog\n", 3, "a"),
        ("a,b,y\n1,2,cat\n3,4,\"", 3, "y"),
        ("a,b,y\r\n1,2,cat\r\n\r\n3,4,\"dog\r\n5,6,cat\r\n", 4, "y"),
        // A closed multi-line field before it: the line is the unclosed quote's.
        ("a,b,y\n1,\"2\n\",cat\n3,4,\"dog\n", 4, "y"),
    ] {
        let e = read(text, &["y"]).unwrap_err();
        let (l, reason) = layout(&e);
        assert_eq!(l, line, "{text:?}: {e}");
        assert!(
            reason.starts_with(&format!("column \"{column}\"")),
            "{text:?}: {e}"
        );
        assert!(reason.contains("never closed"), "{e}");
    }
    let e = read("a,\"b\n1,2\n", &["a"]).unwrap_err();
    assert_eq!(layout(&e).0, 1, "{e}");
    assert!(e.to_string().contains("header field 2"), "{e}");
}

#[test]
fn csv_stray_quotes_are_errors_not_guesses() {
    for (text, line) in [
        ("a,y\n1,0\n2\"x,1\n", 3),
        ("a,y\n1,0\n\"2\"x,1\n", 3),
        ("a,y\n1,0\n \"2\",1\n", 3),
        ("a,y\n\"1\n\" ,0\n", 3),
    ] {
        let e = read(text, &["y"]).unwrap_err();
        assert_eq!(layout(&e).0, line, "{text:?}: {e}");
        assert!(e.to_string().contains("column \"a\""), "{e}");
        assert!(e.to_string().contains("quote"), "{e}");
    }
}

#[test]
fn csv_quoted_fields_with_commas_newlines_and_doubled_quotes_are_read_as_written() {
    let text =
        "note,a,y\n\"one, \"\"two\"\"\nthree\",1.5,\"x\"\n\"\",\"2\",\"\"\"\"\n,3,\"\"\"y\"\n";
    let mut o = opts(&["y"]);
    o.ignore = vec!["note".to_string()];
    let ds = Dataset::from_csv_reader("t.csv", text.as_bytes(), &o).unwrap();
    assert_eq!(ds.features(), &[1.5, 2.0, 3.0]);
    assert_eq!(ds.targets()[0].class_names(), &["\"", "\"y", "x"]);
    // A later bad cell is named at its own line (line 2 spans two lines).
    let e = Dataset::from_csv_reader("t.csv", format!("{text}z,q,x\n").as_bytes(), &o).unwrap_err();
    assert_eq!(cell(&e), (6, "a"));
}

#[test]
fn csv_nan_and_inf_text_is_missing_or_not_finite() {
    for marker in ["NaN", "nan", "NA", "null", "?", ""] {
        let e = read(&format!("a,y\n1,0\n{marker},1\n"), &["y"]).unwrap_err();
        assert_eq!(cell(&e), (3, "a"), "{marker}");
        assert!(e.to_string().contains("missing value"), "{e}");
    }
    for text in ["inf", "-inf", "+Infinity", "1e400", "-1e999"] {
        let e = read(&format!("a,y\n1,0\n{text},1\n"), &["y"]).unwrap_err();
        assert_eq!(cell(&e), (3, "a"), "{text}");
        assert!(e.to_string().contains("not a finite number"), "{e}");
    }
    let ds = read("a,y\n1e-400,0\n-0,1\n.5,0\n5.,1\n+2,0\n", &["y"]).unwrap();
    assert_eq!(ds.features(), &[0.0, -0.0, 0.5, 5.0, 2.0]);
}

#[test]
fn csv_error_quotes_a_long_field_as_a_short_excerpt() {
    let long = "7".repeat(500) + &"x".repeat(10_000_000);
    let e = read(&format!("a,y\n1,0\n{long},1\n"), &["y"]).unwrap_err();
    let msg = e.to_string();
    assert_eq!(cell(&e), (3, "a"));
    assert!(msg.len() < 200, "{} bytes", msg.len());
    assert!(msg.contains("10000500 bytes"), "{msg}");
    // A 100,000-digit class label that is not an integer.
    let label = "7".repeat(100_000) + ".5";
    let e = read(&format!("a,y\n1,0\n2,{label}\n"), &["y:classes"]).unwrap_err();
    assert_eq!(cell(&e), (3, "y"));
    assert!(e.to_string().len() < 250, "{e}");
}

#[test]
fn csv_duplicate_check_on_a_million_column_header_is_linear() {
    // Before: every name was compared with every earlier one (10¹² comparisons).
    let names: Vec<String> = (0..1_000_000).map(|j| format!("c{j}")).collect();
    let mut header = names.join(",");
    header.push_str(",c0\n");
    let e = read(&header, &[]).unwrap_err();
    assert!(
        matches!(&e, Error::DuplicateColumn { column, .. } if column == "c0"),
        "{e}"
    );
    let zeros = vec!["0"; names.len()].join(",");
    let ds = read(&format!("{}\n{zeros}\n", names.join(",")), &[]).unwrap();
    assert_eq!(ds.n_features(), 1_000_000);
}

#[test]
fn csv_a_row_in_a_later_chunk_is_named_by_its_own_line() {
    // Larger than one scanning chunk: the chunks after the first count their lines right.
    let mut text = String::from("a,y\n");
    let rows = 400_000;
    for i in 0..rows {
        text.push_str(&format!("{}.25,{}\n", i, i % 3));
    }
    let ds = read(&text, &["y"]).unwrap();
    assert_eq!(ds.n_samples(), rows);
    assert_eq!(ds.features()[rows - 1], (rows - 1) as f64 + 0.25);
    text.push_str("1,\"2\n3,4\n");
    let e = read(&text, &["y"]).unwrap_err();
    assert_eq!(layout(&e).0, rows as u64 + 2, "{e}");
}

#[test]
fn csv_without_targets_is_features_only() {
    let ds = read("a,b\n1,2\n3,4\n", &[]).unwrap();
    assert!(ds.targets().is_empty());
    assert_eq!(ds.n_samples(), 2);
}

#[test]
fn task_specs_parse_like_the_cli_flag() {
    assert_eq!(
        TargetSpec::parse("species:classes").unwrap(),
        TargetSpec::new("species", Some(TaskKind::Classes))
    );
    assert_eq!(TargetSpec::parse("y").unwrap(), TargetSpec::new("y", None));
    assert_eq!(
        TargetSpec::parse("time:of:day:regression").unwrap(),
        TargetSpec::new("time:of:day", Some(TaskKind::Regression))
    );
    for bad in ["y:class", ":binary", "y:", ""] {
        let e = TargetSpec::parse(bad).unwrap_err();
        assert!(matches!(e, Error::TaskSpec { .. }), "{bad}: {e}");
    }
}

// ---------------------------------------------------------------- splits

#[test]
fn split_sizes_equal_scikit_learn() {
    let fx = fixture();
    for case in fx["split_sizes"].as_array().unwrap() {
        let n = case["n"].as_u64().unwrap() as usize;
        let t = case["test_fraction"].as_f64().unwrap();
        let config = SplitConfig {
            test_fraction: t,
            ..SplitConfig::default()
        };
        match (case["n_train"].as_u64(), config.sizes(n)) {
            (Some(train), Ok((n_train, 0, n_test))) => {
                assert_eq!(n_train as u64, train, "n={n} t={t}");
                assert_eq!(
                    n_test as u64,
                    case["n_test"].as_u64().unwrap(),
                    "n={n} t={t}"
                );
            }
            (None, Err(Error::EmptySplit { part: "train", .. })) => {}
            (expected, got) => panic!("n={n} t={t}: expected {expected:?}, got {got:?}"),
        }
    }
}

#[test]
fn splits_equal_the_independent_chacha8_reference() {
    let fx = fixture();
    for case in fx["shuffle"]["split"].as_array().unwrap() {
        let n = case["n"].as_u64().unwrap() as usize;
        let config = SplitConfig {
            test_fraction: case["test_fraction"].as_f64().unwrap(),
            validation_fraction: case["validation_fraction"].as_f64().unwrap(),
            seed: case["seed"].as_u64().unwrap(),
            stratify_by: None,
        };
        let split = Split::of_size(n, &config).unwrap();
        assert_eq!(split.test, usizes(&case["test"]), "n={n}");
        assert_eq!(split.validation, usizes(&case["validation"]), "n={n}");
        assert_eq!(split.train, usizes(&case["train"]), "n={n}");
    }
}

#[test]
fn batches_equal_the_independent_chacha8_reference() {
    let fx = fixture();
    for case in fx["shuffle"]["batches"].as_array().unwrap() {
        let n = case["n"].as_u64().unwrap() as usize;
        let b = case["batch_size"].as_u64().unwrap() as usize;
        let seed = case["seed"].as_u64().unwrap();
        let epoch = case["epoch"].as_u64().unwrap();
        let batches = Batches::shuffled(n, b, seed, epoch).unwrap();
        let got: Vec<Vec<usize>> = batches.iter().map(<[usize]>::to_vec).collect();
        let expected: Vec<Vec<usize>> = case["batches"]
            .as_array()
            .unwrap()
            .iter()
            .map(usizes)
            .collect();
        assert_eq!(got, expected, "n={n} b={b} seed={seed} epoch={epoch}");
    }
}

fn is_partition(split: &Split, n: usize) -> bool {
    let mut all: Vec<usize> = split
        .train
        .iter()
        .chain(&split.validation)
        .chain(&split.test)
        .copied()
        .collect();
    all.sort_unstable();
    all == (0..n).collect::<Vec<_>>()
}

#[test]
fn split_is_deterministic_and_seed_dependent() {
    let digits = Dataset::by_name("digits").unwrap();
    let config = SplitConfig {
        seed: 11,
        validation_fraction: 0.1,
        ..SplitConfig::default()
    };
    let (a, parts) = digits.split(&config).unwrap();
    let (b, _) = digits.split(&config).unwrap();
    assert_eq!(a, b);
    assert!(is_partition(&a, 1797));
    assert_eq!(
        (a.train.len(), a.validation.len(), a.test.len()),
        (1167, 180, 450)
    );
    let val = parts.validation.unwrap();
    assert_eq!(val.row(0), digits.row(a.validation[0]));
    assert_eq!(
        parts.test.targets()[0].label(5),
        digits.targets()[0].label(a.test[5])
    );
    let other = Split::new(&digits, &SplitConfig { seed: 12, ..config }).unwrap();
    assert_ne!(a.test, other.test);
    // No validation part asked: none returned.
    let (_, parts) = digits.split(&SplitConfig::default()).unwrap();
    assert!(parts.validation.is_none());
}

#[test]
fn stratified_split_keeps_class_proportions() {
    let wine = Dataset::by_name("wine").unwrap();
    let config = SplitConfig {
        seed: 4,
        test_fraction: 0.25,
        validation_fraction: 0.2,
        stratify_by: Some("class".to_string()),
    };
    let split = Split::new(&wine, &config).unwrap();
    assert_eq!(split, Split::new(&wine, &config).unwrap());
    assert!(is_partition(&split, 178));
    assert_eq!((split.test.len(), split.validation.len()), (45, 36));
    let counts = wine.targets()[0].class_counts(); // 59, 71, 48
    for (part, size) in [(&split.test, 45.0), (&split.validation, 36.0)] {
        let sub = wine.subset(part).unwrap();
        for (c, got) in sub.targets()[0].class_counts().iter().enumerate() {
            let quota = size * counts[c] as f64 / 178.0;
            assert!(
                (*got as f64 - quota).abs() < 1.0,
                "class {c}: {got} vs {quota}"
            );
        }
    }
    // Multi-task: missing labels form their own stratum.
    let penguins = Dataset::by_name("penguins").unwrap();
    let config = SplitConfig {
        stratify_by: Some("sex".to_string()),
        ..SplitConfig::default()
    };
    let split = Split::new(&penguins, &config).unwrap();
    let test = penguins.subset(&split.test).unwrap();
    let missing = test.target("sex").unwrap().missing_count();
    assert!(
        (2..=3).contains(&missing),
        "{missing} of 9 missing in a quarter"
    );
}

#[test]
fn split_errors() {
    let iris = Dataset::by_name("iris").unwrap();
    for (t, v, name) in [
        (0.0, 0.0, "test_fraction"),
        (1.0, 0.0, "test_fraction"),
        (f64::NAN, 0.0, "test_fraction"),
        (-0.1, 0.0, "test_fraction"),
        (0.5, -0.1, "validation_fraction"),
        (0.5, 0.5, "validation_fraction"),
        (0.5, f64::NAN, "validation_fraction"),
    ] {
        let config = SplitConfig {
            test_fraction: t,
            validation_fraction: v,
            ..Default::default()
        };
        match Split::new(&iris, &config) {
            Err(Error::InvalidParameter { name: got, .. }) => assert_eq!(got, name, "{t} {v}"),
            other => panic!("{t} {v}: {other:?}"),
        }
    }
    let tiny = Dataset::new("tiny", vec!["x".into()], vec![1.0], vec![]).unwrap();
    let e = Split::new(&tiny, &SplitConfig::default()).unwrap_err();
    assert!(
        matches!(
            e,
            Error::EmptySplit {
                part: "train",
                n_samples: 1
            }
        ),
        "{e}"
    );
    let three = Dataset::new("three", vec!["x".into()], vec![1.0, 2.0, 3.0], vec![]).unwrap();
    let config = SplitConfig {
        test_fraction: 0.4,
        validation_fraction: 0.3,
        ..Default::default()
    };
    assert!(matches!(
        Split::new(&three, &config),
        Err(Error::EmptySplit { part: "train", .. })
    ));
    let by = |c: &str| SplitConfig {
        stratify_by: Some(c.to_string()),
        ..Default::default()
    };
    assert!(matches!(
        Split::new(&iris, &by("colour")),
        Err(Error::UnknownColumn { .. })
    ));
    let diabetes = Dataset::by_name("diabetes").unwrap();
    let e = Split::new(&diabetes, &by("progression")).unwrap_err();
    assert!(
        matches!(
            e,
            Error::TargetKind {
                kind: TaskKind::Regression,
                ..
            }
        ),
        "{e}"
    );
    assert!(Split::of_size(10, &by("y")).is_err());
    let big = Split::of_size(200, &SplitConfig::default()).unwrap();
    assert!(matches!(
        big.apply(&iris),
        Err(Error::SampleIndex { n_samples: 150, .. })
    ));
}

// ---------------------------------------------------------------- standardisation

#[test]
fn standardizer_equals_scikit_learn_standard_scaler() {
    let fx = fixture();
    for name in ["iris", "wine", "digits", "diabetes"] {
        let case = &fx["standardize"][name];
        let ds = Dataset::by_name(name).unwrap();
        let train = ds.subset(&usizes(&case["train_indices"])).unwrap();
        let s = Standardizer::fit(&train).unwrap();
        assert_close(
            s.mean(),
            &floats(&case["mean"]),
            1e-12,
            &format!("{name} mean"),
        );
        assert_close(
            s.std(),
            &floats(&case["scale"]),
            1e-12,
            &format!("{name} scale"),
        );
        let mut probe = ds.subset(&usizes(&case["probe_indices"])).unwrap();
        s.transform(&mut probe).unwrap();
        let expected: Vec<f64> = case["probe_transformed"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(floats)
            .collect();
        assert_close(
            probe.features(),
            &expected,
            1e-10,
            &format!("{name} transform"),
        );
    }
}

#[test]
fn standardizer_fitted_on_train_only_and_reapplied_after_saving() {
    let iris = Dataset::by_name("iris").unwrap();
    let (_, mut parts) = iris
        .split(&SplitConfig {
            seed: 9,
            ..Default::default()
        })
        .unwrap();
    let s = Standardizer::fit(&parts.train).unwrap();
    let whole = Standardizer::fit(&iris).unwrap();
    assert_ne!(s.mean(), whole.mean());
    let saved = serde_json::to_string(&s).unwrap();
    let restored: Standardizer = serde_json::from_str(&saved).unwrap();
    let mut test_copy = parts.test.clone();
    s.transform(&mut parts.train).unwrap();
    s.transform(&mut parts.test).unwrap();
    restored.transform(&mut test_copy).unwrap();
    assert_eq!(test_copy.features(), parts.test.features());
    // The training part is now centred with unit population variance.
    let t = Standardizer::fit(&parts.train).unwrap();
    assert_close(t.mean(), &[0.0; 4], 1e-14, "centred");
    assert_close(t.std(), &[1.0; 4], 1e-14, "unit std");
    // Applying it to data with other features is an error naming both lists.
    let mut wine = Dataset::by_name("wine").unwrap();
    let e = s.transform(&mut wine).unwrap_err();
    assert!(matches!(e, Error::FeatureNames { .. }));
    assert!(e.to_string().contains("sepal length (cm)"), "{e}");
}

// ---------------------------------------------------------------- batches

#[test]
fn batches_cover_every_sample_once_and_keep_the_last_partial_batch() {
    let b = Batches::shuffled(1347, 32, 0, 0).unwrap();
    assert_eq!(b.len(), 43);
    let sizes: Vec<usize> = b.iter().map(<[usize]>::len).collect();
    assert!(sizes[..42].iter().all(|&s| s == 32));
    assert_eq!(sizes[42], 1347 - 42 * 32);
    let mut seen: Vec<usize> = b.iter().flatten().copied().collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..1347).collect::<Vec<_>>());
    // Same (seed, epoch): same order; another epoch or seed: another order.
    assert_eq!(b, Batches::shuffled(1347, 32, 0, 0).unwrap());
    assert_ne!(
        b.order(),
        Batches::shuffled(1347, 32, 0, 1).unwrap().order()
    );
    assert_ne!(
        b.order(),
        Batches::shuffled(1347, 32, 1, 0).unwrap().order()
    );
    // Sequential batches for evaluation; a batch larger than the data is one batch.
    let s = Batches::sequential(5, 2).unwrap();
    let got: Vec<&[usize]> = (&s).into_iter().collect();
    assert_eq!(got, vec![&[0, 1][..], &[2, 3][..], &[4][..]]);
    assert_eq!(Batches::shuffled(3, 10, 0, 0).unwrap().len(), 1);
    assert!(Batches::sequential(0, 4).unwrap().is_empty());
    let e = Batches::shuffled(10, 0, 0, 0).unwrap_err();
    assert!(
        matches!(
            e,
            Error::InvalidParameter {
                name: "batch_size",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn every_epoch_order_is_equally_likely_to_start_anywhere() {
    // Over 4000 epochs of 8 samples, each sample leads ~500 times (sd ≈ 20.9).
    let mut first = [0usize; 8];
    for epoch in 0..4000 {
        first[Batches::shuffled(8, 3, 123, epoch).unwrap().order()[0]] += 1;
    }
    for c in first {
        assert!((c as f64 - 500.0).abs() < 105.0, "{first:?}");
    }
}

// ---------------------------------------------------------------- properties over many cases

/// A deterministic stream of test cases (not the code under test's generator).
struct Cases(u64);

impl Cases {
    fn next(&mut self, bound: u64) -> u64 {
        // SplitMix64.
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % bound
    }
}

#[test]
fn stratified_splits_are_partitions_with_proportional_parts() {
    let mut cases = Cases(2024);
    let mut worst = [0.0f64; 2];
    let mut checked = 0;
    for _ in 0..400 {
        let k = 1 + cases.next(6) as usize;
        let n = 4 + cases.next(300) as usize;
        let labels: Vec<Option<usize>> = (0..n)
            .map(|_| {
                // Skewed classes, some missing labels.
                let r = cases.next(100) as usize;
                (r >= 5).then(|| (r * r) % k)
            })
            .collect();
        let present: Vec<usize> = labels.iter().flatten().copied().collect();
        let classes: Vec<String> = (0..k).map(|c| format!("c{c}")).collect();
        if present.is_empty() {
            continue;
        }
        let t = Target::classes("y", classes, labels.clone()).unwrap();
        let other = Target::regression("z", vec![Some(0.0); n]).unwrap();
        let ds = Dataset::new(
            "p",
            vec!["x".into()],
            (0..n).map(|i| i as f64).collect(),
            vec![t, other],
        )
        .unwrap();
        let config = SplitConfig {
            test_fraction: 0.05 + cases.next(50) as f64 / 100.0,
            validation_fraction: cases.next(30) as f64 / 100.0,
            seed: cases.next(1000),
            stratify_by: Some("y".to_string()),
        };
        let split = match Split::new(&ds, &config) {
            Ok(s) => s,
            Err(Error::EmptySplit { .. }) => continue,
            Err(e) => panic!("{e}"),
        };
        assert!(is_partition(&split, n));
        checked += 1;
        let (n_train, n_val, n_test) = config.sizes(n).unwrap();
        assert_eq!(
            (split.train.len(), split.validation.len(), split.test.len()),
            (n_train, n_val, n_test)
        );
        // Strata: classes, then missing labels.
        let stratum = |i: usize| labels[i].unwrap_or(k);
        let mut sizes = vec![0usize; k + 1];
        (0..n).for_each(|i| sizes[stratum(i)] += 1);
        for (p, part) in [&split.test, &split.validation].into_iter().enumerate() {
            let mut got = vec![0usize; k + 1];
            part.iter().for_each(|&i| got[stratum(i)] += 1);
            for c in 0..=k {
                let quota = part.len() as f64 * sizes[c] as f64 / n as f64;
                worst[p] = worst[p].max((got[c] as f64 - quota).abs());
            }
        }
    }
    assert!(checked > 350, "only {checked} cases checked");
    eprintln!(
        "worst deviation from quota: test {}, validation {}",
        worst[0], worst[1]
    );
    assert!(worst[0] < 1.0, "test part off by {}", worst[0]);
    assert!(worst[1] < 1.0, "validation part off by {}", worst[1]);
}

#[test]
fn plain_splits_and_batches_are_partitions_for_many_sizes() {
    let mut cases = Cases(7);
    for _ in 0..300 {
        let n = 2 + cases.next(500) as usize;
        let config = SplitConfig {
            test_fraction: (1 + cases.next(98)) as f64 / 100.0,
            validation_fraction: cases.next(3) as f64 / 10.0,
            seed: cases.next(u64::MAX),
            stratify_by: None,
        };
        match (config.sizes(n), Split::of_size(n, &config)) {
            (Ok((a, b, c)), Ok(split)) => {
                assert!(is_partition(&split, n));
                assert_eq!(
                    (split.train.len(), split.validation.len(), split.test.len()),
                    (a, b, c)
                );
                assert_eq!(c, (config.test_fraction * n as f64).ceil() as usize);
                assert_eq!(a + b + c, n);
            }
            (Err(_), Err(_)) => {}
            (sizes, split) => panic!("sizes {sizes:?} but split {split:?}"),
        }
        let batch = 1 + cases.next(70) as usize;
        let b = Batches::shuffled(n, batch, config.seed, cases.next(100)).unwrap();
        assert_eq!(b.len(), n.div_ceil(batch));
        let mut seen: Vec<usize> = b.iter().flatten().copied().collect();
        assert!(b
            .iter()
            .all(|chunk| !chunk.is_empty() && chunk.len() <= batch));
        seen.sort_unstable();
        assert_eq!(seen, (0..n).collect::<Vec<_>>());
    }
}
