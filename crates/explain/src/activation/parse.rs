//! Activations named as the command line names them: one `NAME` with `--alpha`/`--beta`
//! ([`one`]), or a list `NAME[:P][,NAME[:P]...]` ([`list`]) for the atlas and the plots. Errors
//! are worded for the user and name the flag or list item at fault; the CLI and the browser
//! print them as they are.
//!
//! ```
//! use nabla_explain::activation::parse;
//! let acts = parse::list("swish:10,relu", None, None)?;
//! assert_eq!(acts[0].params(), vec![("beta", 10.0)]);
//! let err = parse::one("relu", Some(0.1), None).unwrap_err();
//! assert_eq!(err.to_string(), "--alpha: relu takes no parameter alpha");
//! # Ok::<(), nabla_explain::Error>(())
//! ```

use nabla_tensor::activation::ACTIVATION_NAMES;
use nabla_tensor::{Activation, Error as TensorError};

use crate::error::{Error, Result};

fn usage(message: String) -> Error {
    Error::Activation { message }
}

/// The activation `name` with its optional α and β.
///
/// # Errors
/// An unknown name (the message lists the valid ones), or a parameter the function does not
/// take or cannot use (named by its flag, `--alpha: …`).
pub fn one(name: &str, alpha: Option<f64>, beta: Option<f64>) -> Result<Activation> {
    Activation::parse(name, alpha, beta).map_err(|err| match err {
        TensorError::UnknownActivation { .. } => usage(format!(
            "unknown activation '{name}'; valid names: {}",
            ACTIVATION_NAMES.join(", ")
        )),
        TensorError::UnexpectedParameter { parameter, .. } => {
            usage(format!("--{parameter}: {err}"))
        }
        TensorError::InvalidParameter { name: param, .. } => usage(format!("--{param}: {err}")),
        other => Error::Tensor(other),
    })
}

/// Parses `NAME[:P][,NAME[:P]...]`: `P` is the function's parameter (α of leaky_relu and elu, β
/// of swish and softplus); `alpha`/`beta` (`--alpha`/`--beta`) apply to every listed function
/// that takes them.
///
/// # Errors
/// An unknown name, an empty item, a `P` that is not a number or given to a function without a
/// parameter, or an `--alpha`/`--beta` that no listed function takes.
pub fn list(list: &str, alpha: Option<f64>, beta: Option<f64>) -> Result<Vec<Activation>> {
    let mut out = Vec::new();
    let (mut used_alpha, mut used_beta) = (false, false);
    for item in list.split(',') {
        let item = item.trim();
        let (name, param) = match item.split_once(':') {
            Some((n, p)) => {
                let v = p
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| usage(format!("'{item}': '{p}' is not a number")))?;
                (n.trim(), Some(v))
            }
            None => (item, None),
        };
        if name.is_empty() {
            return Err(usage(format!("activation list '{list}': empty item")));
        }
        let takes_alpha = matches!(name, "leaky_relu" | "elu");
        let takes_beta = matches!(name, "swish" | "softplus");
        let a = if takes_alpha { param.or(alpha) } else { None };
        let b = if takes_beta { param.or(beta) } else { None };
        used_alpha |= takes_alpha;
        used_beta |= takes_beta;
        if param.is_some() && !takes_alpha && !takes_beta {
            // Name the unknown function first, or say that it takes no parameter.
            one(name, None, None)?;
            return Err(usage(format!("'{item}': {name} takes no parameter")));
        }
        out.push(one(name, a, b).map_err(|e| usage(format!("'{item}': {e}")))?);
    }
    if alpha.is_some() && !used_alpha {
        return Err(usage(format!("--alpha: none of {list} takes an alpha")));
    }
    if beta.is_some() && !used_beta {
        return Err(usage(format!("--beta: none of {list} takes a beta")));
    }
    Ok(out)
}

/// The listed activations for the atlas (`nabla activation [NAME] --table`): every one when
/// no list is given.
///
/// # Errors
/// As [`list`]; without a list, an `alpha` or `beta` (it would apply to nothing named).
pub fn atlas_list(
    names: Option<&str>,
    alpha: Option<f64>,
    beta: Option<f64>,
) -> Result<Vec<Activation>> {
    match names {
        Some(names) => list(names, alpha, beta),
        None if alpha.is_some() || beta.is_some() => Err(usage(
            "--alpha/--beta with --table need the NAME list they apply to".to_string(),
        )),
        None => Ok(Activation::all().to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_flag_or_item() {
        let msg = |r: Result<Vec<Activation>>| r.unwrap_err().to_string();
        assert!(msg(list("relu,sigmoidal", None, None))
            .starts_with("'sigmoidal': unknown activation 'sigmoidal'; valid names: step,"));
        assert_eq!(
            msg(list("relu:2", None, None)),
            "'relu:2': relu takes no parameter"
        );
        assert_eq!(
            msg(list("swish:x", None, None)),
            "'swish:x': 'x' is not a number"
        );
        assert_eq!(
            msg(list("relu,", None, None)),
            "activation list 'relu,': empty item"
        );
        assert_eq!(
            msg(list("relu", Some(0.2), None)),
            "--alpha: none of relu takes an alpha"
        );
        assert!(msg(list("swish:nan", None, None)).starts_with("'swish:nan': --beta: "));
        assert_eq!(
            list("leaky_relu,elu:2", Some(0.2), None).unwrap()[1].params(),
            vec![("alpha", 2.0)]
        );
    }
}
