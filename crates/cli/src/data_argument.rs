//! Every command takes its input file both ways: `nabla train FILE.csv` and `nabla train --data
//! FILE.csv`, `nabla regress FILE.csv` and `nabla regress --data FILE.csv`. The command line is
//! rewritten to the form each command declares before clap reads it: a bare argument of
//! `train`, `lr-find`, `mtl-compare`, `predict` or `eval` becomes `--data ARG`, and `regress`'s
//! `--data ARG` becomes its positional `ARG`.

use std::ffi::OsString;

use anyhow::bail;

/// Commands whose input is `--data`.
const DATA_FLAG: [&str; 5] = ["train", "lr-find", "mtl-compare", "predict", "eval"];
/// Commands whose input is a positional file.
const POSITIONAL: [&str; 1] = ["regress"];

/// `args` (the program name first) with the input written the way its command declares it.
///
/// # Errors
/// The input given twice (`FILE` and `--data`), naming both.
pub fn normalise(args: Vec<OsString>, cli: &clap::Command) -> anyhow::Result<Vec<OsString>> {
    let Some(name) = args.get(1).and_then(|a| a.to_str()) else {
        return Ok(args);
    };
    let wants_flag = DATA_FLAG.contains(&name);
    if !wants_flag && !POSITIONAL.contains(&name) {
        return Ok(args);
    }
    let Some(command) = cli.find_subcommand(name) else {
        return Ok(args);
    };
    let takes_value = |long: &str| {
        command
            .get_arguments()
            .any(|a| a.get_long() == Some(long) && a.get_action().takes_values())
    };
    let mut out: Vec<OsString> = args[..2].to_vec();
    let (mut positional, mut flag) = (Vec::new(), Vec::new());
    let mut rest = args[2..].iter();
    while let Some(arg) = rest.next() {
        let text = arg.to_string_lossy();
        if text == "--" {
            // Everything after `--` is positional as written.
            out.push(arg.clone());
            out.extend(rest.cloned());
            break;
        }
        if let Some(long) = text.strip_prefix("--") {
            let (key, inline) = match long.split_once('=') {
                Some((k, v)) => (k, Some(v.to_string())),
                None => (long, None),
            };
            if key == "data" && !wants_flag {
                match inline {
                    Some(v) => flag.push(OsString::from(v)),
                    None => flag.extend(rest.next().cloned()),
                }
                continue;
            }
            out.push(arg.clone());
            if inline.is_none() && takes_value(key) {
                out.extend(rest.next().cloned());
            }
            if key == "data" {
                flag.push(OsString::new());
            }
        } else if text.starts_with('-') && text.len() > 1 {
            out.push(arg.clone()); // -h, -V
        } else if wants_flag {
            positional.push(arg.clone());
        } else {
            out.push(arg.clone());
            positional.push(arg.clone());
        }
    }
    if wants_flag {
        match (positional.len(), flag.is_empty()) {
            (0, _) => {}
            (1, true) => {
                out.push("--data".into());
                out.extend(positional);
            }
            (1, false) => bail!(
                "--data: the data is given twice, as {} and as --data; give one",
                positional[0].to_string_lossy()
            ),
            _ => bail!(
                "{name}: one data file, as FILE or --data FILE (given: {})",
                positional
                    .iter()
                    .map(|p| p.to_string_lossy())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    } else if let Some(file) = flag.pop() {
        if !positional.is_empty() || !flag.is_empty() {
            bail!(
                "--data: the CSV file is given twice; give it once, as FILE.csv or --data FILE.csv"
            );
        }
        out.push(file);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> anyhow::Result<Vec<String>> {
        let mut all = vec!["nabla"];
        all.extend(args);
        let out = normalise(
            all.iter().map(OsString::from).collect(),
            &crate::cli_command(),
        )?;
        Ok(out[1..]
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect())
    }

    #[test]
    fn a_bare_file_becomes_data_and_data_becomes_regress_s_file() {
        assert_eq!(
            run(&["train", "x.csv", "--target", "y"]).unwrap(),
            ["train", "--target", "y", "--data", "x.csv"]
        );
        assert_eq!(
            run(&["predict", "--model", "m.st", "rows.csv"]).unwrap(),
            ["predict", "--model", "m.st", "--data", "rows.csv"]
        );
        // A flag's value is not the data, even when it looks like a file.
        assert_eq!(
            run(&["train", "--config", "run.toml"]).unwrap(),
            ["train", "--config", "run.toml"]
        );
        assert_eq!(
            run(&["regress", "--data", "x.csv", "--y", "y"]).unwrap(),
            ["regress", "--y", "y", "x.csv"]
        );
        assert_eq!(
            run(&["regress", "--data=x.csv", "--y", "y"]).unwrap(),
            ["regress", "--y", "y", "x.csv"]
        );
        assert_eq!(
            run(&["regress", "x.csv", "--y", "y"]).unwrap(),
            ["regress", "x.csv", "--y", "y"]
        );
        // Other commands are left as they are.
        assert_eq!(
            run(&["activation", "relu"]).unwrap(),
            ["activation", "relu"]
        );
    }

    #[test]
    fn the_data_given_twice_is_an_error_naming_both() {
        let e = run(&["train", "a.csv", "--data", "b.csv"]).unwrap_err();
        assert!(e.to_string().contains("a.csv and as --data"), "{e}");
        let e = run(&["regress", "a.csv", "--data", "b.csv", "--y", "y"]).unwrap_err();
        assert!(e.to_string().contains("given twice"), "{e}");
        let e = run(&["eval", "a.csv", "b.csv"]).unwrap_err();
        assert!(e.to_string().contains("a.csv, b.csv"), "{e}");
    }
}
