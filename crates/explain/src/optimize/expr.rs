//! User functions of x and y for `nabla optimize --expr`: a small parser, and evaluation on
//! nabla's autodiff tape, so the gradient an optimizer sees is the one training would compute.
//!
//! Grammar (usual precedence; `^` binds tighter than unary minus and is right-associative, so
//! `-x^2` is −(x²) and `2^-1` is ½):
//!
//! ```text
//! expr   := term (("+" | "-") term)*
//! term   := unary (("*" | "/") unary)*
//! unary  := "-" unary | "+" unary | power
//! power  := atom ("^" unary)?
//! atom   := number | "x" | "y" | "pi" | "e" | name "(" expr ")" | "(" expr ")"
//! name   := exp | log | ln | sqrt | abs | tanh | sigmoid
//! ```
//!
//! A constant exponent becomes `powf`; an exponent that depends on x or y becomes `exp(b·ln a)`.
//! Expressions nest at most [`MAX_DEPTH`] operations deep (evaluation recurses over the tree,
//! and a browser's stack is small); a deeper one is refused at the character that exceeds it.

use nabla_tensor::{Activation, Tape, Tensor, Var};

use crate::{Error, Result};

/// A parsed expression in x and y.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A constant.
    Num(f64),
    /// The variable x.
    X,
    /// The variable y.
    Y,
    /// −a.
    Neg(Box<Expr>),
    /// a + b.
    Add(Box<Expr>, Box<Expr>),
    /// a − b.
    Sub(Box<Expr>, Box<Expr>),
    /// a · b.
    Mul(Box<Expr>, Box<Expr>),
    /// a / b.
    Div(Box<Expr>, Box<Expr>),
    /// a ^ b.
    Pow(Box<Expr>, Box<Expr>),
    /// A named function of one argument.
    Call(Func, Box<Expr>),
}

/// The functions an expression may call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// eᵃ.
    Exp,
    /// ln a.
    Log,
    /// √a.
    Sqrt,
    /// |a|.
    Abs,
    /// tanh a.
    Tanh,
    /// 1/(1 + e⁻ᵃ).
    Sigmoid,
}

impl Func {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "exp" => Func::Exp,
            "log" | "ln" => Func::Log,
            "sqrt" => Func::Sqrt,
            "abs" => Func::Abs,
            "tanh" => Func::Tanh,
            "sigmoid" => Func::Sigmoid,
            _ => return None,
        })
    }
}

/// The deepest expression tree accepted: far beyond any formula a person writes.
pub const MAX_DEPTH: usize = 200;

/// A parsed subexpression and the depth of its tree.
type Parsed = std::result::Result<(Expr, usize), ExprError>;

/// Parses `text` as a function of x and y.
///
/// # Errors
/// [`Error::Expression`]: the character position, what was expected and what was found.
pub fn parse(text: &str) -> Result<Expr> {
    let mut parser = Parser {
        text,
        chars: text.char_indices().collect(),
        pos: 0,
    };
    let (expr, _) = parser.expr(0)?;
    parser.skip_spaces();
    if parser.pos < parser.chars.len() {
        return Err(parser.error("an operator or the end").into());
    }
    Ok(expr)
}

struct Parser<'a> {
    text: &'a str,
    chars: Vec<(usize, char)>,
    pos: usize,
}

impl Parser<'_> {
    fn skip_spaces(&mut self) {
        while self
            .chars
            .get(self.pos)
            .is_some_and(|(_, c)| c.is_whitespace())
        {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_spaces();
        self.chars.get(self.pos).map(|&(_, c)| c)
    }

    fn error(&self, expected: &str) -> ExprError {
        ExprError {
            text: self.text.to_string(),
            position: self.chars.get(self.pos).map(|&(_, c)| (self.pos + 1, c)),
            expected: expected.to_string(),
            problem: ExprProblem::Unexpected,
        }
    }

    /// `expr` with the depth of its tree, refused past [`MAX_DEPTH`].
    fn node(&self, expr: Expr, depth: usize) -> Parsed {
        if depth > MAX_DEPTH {
            let mut err = self.error("a shallower expression");
            err.problem = ExprProblem::TooDeep;
            return Err(err);
        }
        Ok((expr, depth))
    }

    /// Descends one level, refusing before the parser's own recursion runs deeper than the
    /// tree may be.
    fn descend(&self, depth: usize) -> std::result::Result<(), ExprError> {
        self.node(Expr::Num(0.0), depth).map(|_| ())
    }

    fn expr(&mut self, depth: usize) -> Parsed {
        self.descend(depth)?;
        let (mut lhs, mut lhs_depth) = self.term(depth)?;
        while let Some(op @ ('+' | '-')) = self.peek() {
            self.pos += 1;
            let (rhs, rhs_depth) = self.term(depth)?;
            let (a, b) = (Box::new(lhs), Box::new(rhs));
            let joined = if op == '+' {
                Expr::Add(a, b)
            } else {
                Expr::Sub(a, b)
            };
            (lhs, lhs_depth) = self.node(joined, lhs_depth.max(rhs_depth) + 1)?;
        }
        Ok((lhs, lhs_depth))
    }

    fn term(&mut self, depth: usize) -> Parsed {
        let (mut lhs, mut lhs_depth) = self.unary(depth)?;
        while let Some(op @ ('*' | '/')) = self.peek() {
            self.pos += 1;
            let (rhs, rhs_depth) = self.unary(depth)?;
            let (a, b) = (Box::new(lhs), Box::new(rhs));
            let joined = if op == '*' {
                Expr::Mul(a, b)
            } else {
                Expr::Div(a, b)
            };
            (lhs, lhs_depth) = self.node(joined, lhs_depth.max(rhs_depth) + 1)?;
        }
        Ok((lhs, lhs_depth))
    }

    fn unary(&mut self, depth: usize) -> Parsed {
        self.descend(depth)?;
        match self.peek() {
            Some('-') => {
                self.pos += 1;
                let (inner, d) = self.unary(depth + 1)?;
                self.node(Expr::Neg(Box::new(inner)), d + 1)
            }
            Some('+') => {
                self.pos += 1;
                self.unary(depth + 1)
            }
            _ => self.power(depth),
        }
    }

    fn power(&mut self, depth: usize) -> Parsed {
        let (base, base_depth) = self.atom(depth)?;
        if self.peek() == Some('^') {
            self.pos += 1;
            let (exponent, exponent_depth) = self.unary(depth + 1)?;
            let pow = Expr::Pow(Box::new(base), Box::new(exponent));
            return self.node(pow, base_depth.max(exponent_depth) + 1);
        }
        Ok((base, base_depth))
    }

    fn atom(&mut self, depth: usize) -> Parsed {
        match self.peek() {
            Some('(') => {
                self.pos += 1;
                let inner = self.expr(depth + 1)?;
                if self.peek() != Some(')') {
                    return Err(self.error("')'"));
                }
                self.pos += 1;
                Ok(inner)
            }
            Some(c) if c.is_ascii_digit() || c == '.' => self.number(),
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.pos;
                while self
                    .chars
                    .get(self.pos)
                    .is_some_and(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
                {
                    self.pos += 1;
                }
                let name: String = self.chars[start..self.pos]
                    .iter()
                    .map(|&(_, c)| c)
                    .collect();
                match name.as_str() {
                    "x" => Ok((Expr::X, 0)),
                    "y" => Ok((Expr::Y, 0)),
                    "pi" => Ok((Expr::Num(std::f64::consts::PI), 0)),
                    "e" => Ok((Expr::Num(std::f64::consts::E), 0)),
                    _ => {
                        let Some(func) = Func::from_name(&name) else {
                            self.pos = start;
                            let mut err = self.error(
                                "x, y, pi, e, a number, or exp/log/ln/sqrt/abs/tanh/sigmoid(…)",
                            );
                            err.problem = ExprProblem::UnknownName(name);
                            return Err(err);
                        };
                        if self.peek() != Some('(') {
                            return Err(self.error(&format!("'(' after {name}")));
                        }
                        self.pos += 1;
                        let (arg, arg_depth) = self.expr(depth + 1)?;
                        if self.peek() != Some(')') {
                            return Err(self.error("')'"));
                        }
                        self.pos += 1;
                        self.node(Expr::Call(func, Box::new(arg)), arg_depth + 1)
                    }
                }
            }
            _ => Err(self.error("a number, x, y, a function or '('")),
        }
    }

    fn number(&mut self) -> Parsed {
        let start = self.pos;
        let at = |p: usize| self.chars.get(p).map(|&(_, c)| c);
        let mut end = start;
        while at(end).is_some_and(|c| c.is_ascii_digit() || c == '.') {
            end += 1;
        }
        if at(end).is_some_and(|c| c == 'e' || c == 'E') {
            let mut k = end + 1;
            if at(k).is_some_and(|c| c == '+' || c == '-') {
                k += 1;
            }
            if at(k).is_some_and(|c| c.is_ascii_digit()) {
                end = k;
                while at(end).is_some_and(|c| c.is_ascii_digit()) {
                    end += 1;
                }
            }
        }
        let text: String = self.chars[start..end].iter().map(|&(_, c)| c).collect();
        let value: f64 = text
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| {
                let mut err = self.error("a number");
                err.problem = ExprProblem::NotANumber(text.clone());
                err
            })?;
        self.pos = end;
        Ok((Expr::Num(value), 0))
    }
}

impl Expr {
    /// True when the expression does not depend on x or y.
    fn is_constant(&self) -> bool {
        match self {
            Expr::Num(_) => true,
            Expr::X | Expr::Y => false,
            Expr::Neg(a) | Expr::Call(_, a) => a.is_constant(),
            Expr::Add(a, b)
            | Expr::Sub(a, b)
            | Expr::Mul(a, b)
            | Expr::Div(a, b)
            | Expr::Pow(a, b) => a.is_constant() && b.is_constant(),
        }
    }

    /// Whether the expression mentions x and y at all (a function of neither cannot be raced).
    pub fn uses_variables(&self) -> bool {
        !self.is_constant()
    }

    /// f(x, y) in plain f64 arithmetic (for the contour map).
    pub fn value(&self, x: f64, y: f64) -> f64 {
        match self {
            Expr::Num(v) => *v,
            Expr::X => x,
            Expr::Y => y,
            Expr::Neg(a) => -a.value(x, y),
            Expr::Add(a, b) => a.value(x, y) + b.value(x, y),
            Expr::Sub(a, b) => a.value(x, y) - b.value(x, y),
            Expr::Mul(a, b) => a.value(x, y) * b.value(x, y),
            Expr::Div(a, b) => a.value(x, y) / b.value(x, y),
            Expr::Pow(a, b) => {
                if b.is_constant() {
                    a.value(x, y).powf(b.value(x, y))
                } else {
                    (b.value(x, y) * a.value(x, y).ln()).exp()
                }
            }
            Expr::Call(f, a) => {
                let v = a.value(x, y);
                match f {
                    Func::Exp => v.exp(),
                    Func::Log => v.ln(),
                    Func::Sqrt => v.sqrt(),
                    Func::Abs => v.abs(),
                    Func::Tanh => v.tanh(),
                    Func::Sigmoid => 1.0 / (1.0 + (-v).exp()),
                }
            }
        }
    }

    /// Records the expression on `tape` with `x` and `y` as its inputs.
    fn record<'t>(
        &self,
        tape: &'t Tape<f64>,
        x: Var<'t, f64>,
        y: Var<'t, f64>,
    ) -> Result<Var<'t, f64>> {
        Ok(match self {
            Expr::Num(v) => tape.constant(Tensor::scalar(*v)),
            Expr::X => x,
            Expr::Y => y,
            Expr::Neg(a) => a.record(tape, x, y)?.scale(-1.0),
            Expr::Add(a, b) => a.record(tape, x, y)?.add(b.record(tape, x, y)?)?,
            Expr::Sub(a, b) => a.record(tape, x, y)?.sub(b.record(tape, x, y)?)?,
            Expr::Mul(a, b) => a.record(tape, x, y)?.mul(b.record(tape, x, y)?)?,
            Expr::Div(a, b) => a.record(tape, x, y)?.div(b.record(tape, x, y)?)?,
            Expr::Pow(a, b) => {
                let base = a.record(tape, x, y)?;
                if b.is_constant() {
                    base.powf(b.value(0.0, 0.0))
                } else {
                    b.record(tape, x, y)?.mul(base.log())?.exp()
                }
            }
            Expr::Call(f, a) => {
                let v = a.record(tape, x, y)?;
                match f {
                    Func::Exp => v.exp(),
                    Func::Log => v.log(),
                    Func::Sqrt => v.sqrt(),
                    Func::Abs => v.abs(),
                    Func::Tanh => v.activation(Activation::Tanh),
                    Func::Sigmoid => v.activation(Activation::Sigmoid),
                }
            }
        })
    }

    /// f(x, y) and its gradient [∂f/∂x, ∂f/∂y] by reverse-mode autodiff on nabla's tape.
    ///
    /// # Errors
    /// Only if the tape fails (it does not for these scalar operations).
    pub fn value_and_gradient(&self, x: f64, y: f64) -> Result<(f64, [f64; 2])> {
        let tape = Tape::<f64>::new();
        let vx = tape.param(Tensor::scalar(x));
        let vy = tape.param(Tensor::scalar(y));
        let root = self.record(&tape, vx, vy)?;
        let value = root.value().item()?;
        let grads = tape.backward(root)?;
        let grad = |v| grads.get(v).map_or(Ok(0.0), |g: &Tensor<f64>| g.item());
        Ok((value, [grad(vx)?, grad(vy)?]))
    }
}

/// Where and why an expression does not parse.
#[derive(Clone, Debug, PartialEq)]
pub struct ExprError {
    /// The expression as given.
    pub text: String,
    /// The 1-based character position and the character found there; `None` at the end.
    pub position: Option<(usize, char)>,
    /// What the grammar expected there.
    pub expected: String,
    /// What kind of mistake it is.
    pub problem: ExprProblem,
}

/// The kind of mistake in an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprProblem {
    /// Something the grammar does not allow at that position.
    Unexpected,
    /// A name that is neither a variable, a constant nor a function.
    UnknownName(String),
    /// Digits that do not make a finite number (`1e999`).
    NotANumber(String),
    /// Operations nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl ExprError {
    /// The message, naming the expression as `label` (a front-end passes its flag, `--expr`):
    /// `--expr 'x+*y': at character 3: expected a number, x, y, a function or '(', found '*'`.
    pub fn describe(&self, label: &str) -> String {
        let problem = match &self.problem {
            ExprProblem::Unexpected => String::new(),
            ExprProblem::UnknownName(name) => format!("unknown name '{name}': "),
            ExprProblem::NotANumber(text) => format!("'{}' is not a number: ", quoted(text, 0)),
            ExprProblem::TooDeep => format!("nested more than {MAX_DEPTH} operations deep: "),
        };
        let at = self
            .position
            .map_or(self.text.chars().count(), |(at, _)| at - 1);
        let text = quoted(&self.text, at);
        let expected = &self.expected;
        match self.position {
            Some((at, c)) => format!(
                "{problem}{label} '{text}': at character {at}: expected {expected}, found '{c}'"
            ),
            None => format!("{problem}{label} '{text}': expected {expected} at the end"),
        }
    }
}

/// The text to quote in a message: all of it when short, else the 60 characters around
/// character `at` with `…` for what is left out (an error line never quotes a whole file).
fn quoted(text: &str, at: usize) -> String {
    const SHOWN: usize = 60;
    let len = text.chars().count();
    if len <= SHOWN {
        return text.to_string();
    }
    let start = at.saturating_sub(SHOWN / 2).min(len - SHOWN);
    let middle: String = text.chars().skip(start).take(SHOWN).collect();
    let before = if start > 0 { "…" } else { "" };
    let after = if start + SHOWN < len { "…" } else { "" };
    format!("{before}{middle}{after}")
}

impl From<ExprError> for Error {
    fn from(err: ExprError) -> Self {
        Error::Expression(err)
    }
}

impl std::fmt::Display for ExprError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe("expression"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_and_associativity() {
        let f = parse("-x^2").unwrap();
        assert_eq!(f.value(3.0, 0.0), -9.0);
        assert_eq!(parse("2^3^2").unwrap().value(0.0, 0.0), 512.0);
        assert_eq!(parse("2^-1").unwrap().value(0.0, 0.0), 0.5);
        assert_eq!(parse("1 - 2 - 3").unwrap().value(0.0, 0.0), -4.0);
        assert_eq!(parse("8 / 4 / 2").unwrap().value(0.0, 0.0), 1.0);
        assert_eq!(parse("1 + 2 * 3").unwrap().value(0.0, 0.0), 7.0);
        assert_eq!(parse(" 1.5e1 + .5 ").unwrap().value(0.0, 0.0), 15.5);
        assert!((parse("exp(1) - e").unwrap().value(0.0, 0.0)).abs() < 1e-15);
    }

    #[test]
    fn rosenbrock_gradient_from_the_tape_matches_the_analytic_one() {
        let f = parse("(1-x)^2+100*(y-x^2)^2").unwrap();
        for (x, y) in [(-1.5, 2.0), (0.3, -0.7), (1.0, 1.0)] {
            let (value, [gx, gy]) = f.value_and_gradient(x, y).unwrap();
            let r = nabla_nn::TestFunction::Rosenbrock;
            assert!((value - r.value(x, y)).abs() <= 1e-12 * value.abs().max(1.0));
            let [ax, ay] = r.gradient(x, y);
            assert!((gx - ax).abs() <= 1e-12 * ax.abs().max(1.0), "{gx} vs {ax}");
            assert!((gy - ay).abs() <= 1e-12 * ay.abs().max(1.0), "{gy} vs {ay}");
        }
    }

    #[test]
    fn functions_and_variable_exponents_differentiate() {
        let f = parse("x^y + sqrt(abs(y)) * tanh(x) + sigmoid(y) + ln(x) + exp(-y)").unwrap();
        let (x, y) = (1.3, 0.7);
        let (value, [gx, gy]) = f.value_and_gradient(x, y).unwrap();
        assert!((value - f.value(x, y)).abs() < 1e-12);
        let h = 1e-6;
        let dx = (f.value(x + h, y) - f.value(x - h, y)) / (2.0 * h);
        let dy = (f.value(x, y + h) - f.value(x, y - h)) / (2.0 * h);
        assert!(
            (gx - dx).abs() < 1e-7 && (gy - dy).abs() < 1e-7,
            "{gx} {dx} {gy} {dy}"
        );
    }

    #[test]
    fn errors_name_the_position() {
        for (text, needle) in [
            ("(1-x", "')'"),
            ("x + * y", "character 5"),
            ("foo(x)", "unknown name 'foo'"),
            ("sqrt x", "'(' after sqrt"),
            ("x y", "character 3"),
            ("", "at the end"),
            ("1e999", "not a number"),
        ] {
            let err = match parse(text).unwrap_err() {
                Error::Expression(err) => err.describe("--expr"),
                other => panic!("{text}: {other}"),
            };
            assert!(
                err.contains("--expr") && err.contains(needle),
                "{text}: {err}"
            );
        }
        assert!(!parse("2 + 3").unwrap().uses_variables());
        assert!(parse("2 + x").unwrap().uses_variables());
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep =
            |open: &str, close: &str, n: usize| format!("{}x{}", open.repeat(n), close.repeat(n));
        let long_chain = format!("x{}", "+x".repeat(1_000_000));
        let too_deep = [
            deep("(", ")", 1_000_000),
            deep("-", "", 1_000_000),
            deep("sqrt(", ")", 100_000),
            deep("", "^2", 100_000),
            format!("x{}", "^x".repeat(100_000)),
            long_chain.clone(),
            format!("x{}", "*x".repeat(1_000_000)),
        ];
        for text in &too_deep {
            let err = match parse(text).unwrap_err() {
                Error::Expression(err) => err.describe("--expr"),
                other => panic!("{other}"),
            };
            assert!(err.contains("nested more than 200"), "{err}");
            assert!(err.len() < 300, "the message quotes an excerpt: {err}");
        }
        // Just inside the limit: a chain of 200 additions, 199 parentheses, a tall power tower.
        let ok = format!("x{}", "+x".repeat(MAX_DEPTH));
        assert_eq!(parse(&ok).unwrap().value(1.0, 0.0), 201.0);
        assert_eq!(
            parse(&deep("(", ")", MAX_DEPTH - 1))
                .unwrap()
                .value(2.0, 0.0),
            2.0
        );
        let wide = vec!["(x+y)"; 5000].join("*0+");
        assert!(parse(&wide).is_err(), "a 5000-term sum is 5000 deep");
        let mut balanced = "x".to_string();
        for _ in 0..12 {
            balanced = format!("({balanced})+({balanced})");
        }
        assert_eq!(parse(&balanced).unwrap().value(1.0, 0.0), 4096.0);
    }

    #[test]
    fn a_long_expression_is_quoted_as_an_excerpt() {
        let text = format!("{}+*x", "x+".repeat(40));
        let err = match parse(&text).unwrap_err() {
            Error::Expression(err) => err.describe("--expr"),
            other => panic!("{other}"),
        };
        assert!(err.contains("…") && err.contains("+*x'"), "{err}");
        assert!(parse("2 + x").unwrap().uses_variables());
    }
}
