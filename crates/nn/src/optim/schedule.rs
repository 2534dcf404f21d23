//! Learning-rate schedules with PyTorch's formulas: `StepLR`, `ExponentialLR`,
//! `CosineAnnealingLR` and `LinearLR` (linear warm-up).
//!
//! PyTorch's schedulers are *chainable*: each `scheduler.step()` computes the next rate from the
//! current one by a recurrence (not from the closed form), so rounding accumulates exactly as
//! here. Creating a scheduler performs PyTorch's initial step (epoch 0: `LinearLR` already
//! multiplies by its start factor); call [`LrScheduler::step`] once per epoch (or per batch)
//! after the optimizer steps, then hand the new rate to the optimizer.
//!
//! ```
//! use nabla_nn::optim::{LrSchedule, LrScheduler, Optimizer, SgdConfig};
//!
//! let mut sgd = SgdConfig { lr: 0.1, ..SgdConfig::default() }.build::<f64>()?;
//! let mut sched = LrScheduler::new(LrSchedule::Step { step_size: 2, gamma: 0.5 }, sgd.learning_rate())?;
//! let mut rates = vec![sched.lr()];
//! for _ in 0..4 {
//!     // ... optimizer steps for one epoch ...
//!     sched.step();
//!     sched.apply(&mut sgd);
//!     rates.push(sgd.learning_rate());
//! }
//! assert_eq!(rates, [0.1, 0.1, 0.05, 0.05, 0.025]);
//! # Ok::<(), nabla_nn::Error>(())
//! ```

use std::f64::consts::PI;
use std::fmt;

use nabla_tensor::Float;

use super::Optimizer;
use crate::{Error, Result};

/// Which schedule, with its parameters (PyTorch's names and defaults where it has them).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LrSchedule {
    /// `StepLR`: multiply by `gamma` every `step_size` epochs.
    Step {
        /// Epochs between decays (≥ 1).
        step_size: u64,
        /// Decay factor (PyTorch's default 0.1).
        gamma: f64,
    },
    /// `ExponentialLR`: multiply by `gamma` every epoch.
    Exponential {
        /// Decay factor.
        gamma: f64,
    },
    /// `CosineAnnealingLR`: half a cosine from the base rate down to `eta_min` over `t_max`
    /// epochs (and back up after, as PyTorch's recurrence does).
    CosineAnnealing {
        /// Epochs in half a period (≥ 1).
        t_max: u64,
        /// The lowest rate (PyTorch's default 0).
        eta_min: f64,
    },
    /// `LinearLR`: scale the base rate linearly from `start_factor` to `end_factor` over
    /// `total_iters` epochs, then hold it (a linear warm-up with the defaults 1/3, 1, 5).
    Linear {
        /// Factor at epoch 0, in (0, 1].
        start_factor: f64,
        /// Factor from epoch `total_iters` on, in [0, 1].
        end_factor: f64,
        /// Epochs of the ramp.
        total_iters: u64,
    },
}

impl LrSchedule {
    /// The text form [`LrSchedule::parse`] reads (and [`Display`](fmt::Display) writes).
    pub const SYNTAX: &'static str =
        "step:EVERY:GAMMA | exponential:GAMMA | cosine:T_MAX[:ETA_MIN] | linear:START:END:ITERS";

    /// Reads a schedule from its text form, one of
    ///
    /// ```text
    /// step:EVERY:GAMMA            StepLR(step_size=EVERY, gamma=GAMMA)
    /// exponential:GAMMA           ExponentialLR(gamma=GAMMA)
    /// cosine:T_MAX[:ETA_MIN]      CosineAnnealingLR(T_max=T_MAX, eta_min=ETA_MIN or 0)
    /// linear:START:END:ITERS      LinearLR(start_factor=START, end_factor=END, total_iters=ITERS)
    /// ```
    ///
    /// ```
    /// use nabla_nn::optim::LrSchedule;
    ///
    /// let s = LrSchedule::parse("cosine:50")?;
    /// assert_eq!(s, LrSchedule::CosineAnnealing { t_max: 50, eta_min: 0.0 });
    /// assert_eq!(s.to_string(), "cosine:50:0");
    /// assert!(LrSchedule::parse("step:0:0.5").is_err());
    /// # Ok::<(), nabla_nn::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::ScheduleSpec`] naming what is wrong: an unknown kind, the wrong number of
    /// fields, a field that is not a number, or a value outside the ranges of
    /// [`LrSchedule::validate`] (a decay factor or `ETA_MIN` must also be at least 0).
    pub fn parse(spec: &str) -> Result<Self> {
        let fail = |reason: String| Error::ScheduleSpec {
            spec: spec.to_string(),
            reason,
        };
        let mut parts = spec.trim().split(':');
        let kind = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let fields: Vec<&str> = parts.map(str::trim).collect();
        let (names, optional): (&[&str], usize) = match kind.as_str() {
            "step" => (&["EVERY", "GAMMA"], 0),
            "exponential" => (&["GAMMA"], 0),
            "cosine" => (&["T_MAX", "ETA_MIN"], 1),
            "linear" => (&["START", "END", "ITERS"], 0),
            _ => return Err(fail(format!("unknown schedule '{kind}'"))),
        };
        if fields.len() > names.len() || fields.len() + optional < names.len() {
            return Err(fail(format!(
                "{kind} takes {}, got {} field{}",
                names.join(":"),
                fields.len(),
                if fields.len() == 1 { "" } else { "s" }
            )));
        }
        let count = |i: usize| -> Result<u64> {
            fields[i].parse::<u64>().map_err(|_| {
                fail(format!(
                    "{} '{}' is not a whole number of epochs",
                    names[i], fields[i]
                ))
            })
        };
        let number = |i: usize| -> Result<f64> {
            match fields[i].parse::<f64>() {
                Ok(x) if x.is_finite() => Ok(x),
                _ => Err(fail(format!(
                    "{} '{}' is not a finite number",
                    names[i], fields[i]
                ))),
            }
        };
        let at_least = |i: usize, x: f64, low: f64| -> Result<f64> {
            if x >= low {
                Ok(x)
            } else {
                Err(fail(format!(
                    "{} {} must be at least {low}",
                    names[i], fields[i]
                )))
            }
        };
        let schedule = match kind.as_str() {
            "step" => LrSchedule::Step {
                step_size: count(0)?,
                gamma: at_least(1, number(1)?, 0.0)?,
            },
            "exponential" => LrSchedule::Exponential {
                gamma: at_least(0, number(0)?, 0.0)?,
            },
            "cosine" => LrSchedule::CosineAnnealing {
                t_max: count(0)?,
                eta_min: if fields.len() > 1 {
                    at_least(1, number(1)?, 0.0)?
                } else {
                    0.0
                },
            },
            _ => LrSchedule::Linear {
                start_factor: number(0)?,
                end_factor: number(1)?,
                total_iters: count(2)?,
            },
        };
        schedule.validate().map_err(|e| match e {
            Error::InvalidParameter { name, reason, .. } => {
                let i = match name {
                    "end_factor" => 1,
                    "gamma" if kind == "step" => 1,
                    "eta_min" => 1,
                    _ => 0,
                };
                fail(format!("{} {} {reason}", names[i], fields[i]))
            }
            other => other,
        })?;
        Ok(schedule)
    }

    /// Checks the schedule's parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a zero `step_size` or `t_max`, a non-finite `gamma` or
    /// `eta_min`, or factors outside PyTorch's ranges (start in (0, 1], end in [0, 1]).
    pub fn validate(&self) -> Result<()> {
        let invalid = |name, value, reason| {
            Err(Error::InvalidParameter {
                name,
                value,
                reason,
            })
        };
        match *self {
            LrSchedule::Step { step_size, gamma } => {
                if step_size == 0 {
                    return invalid("step_size", 0.0, "must be at least 1");
                }
                if !gamma.is_finite() {
                    return invalid("gamma", gamma, "must be finite");
                }
            }
            LrSchedule::Exponential { gamma } => {
                if !gamma.is_finite() {
                    return invalid("gamma", gamma, "must be finite");
                }
            }
            LrSchedule::CosineAnnealing { t_max, eta_min } => {
                if t_max == 0 {
                    return invalid("t_max", 0.0, "must be at least 1");
                }
                if !eta_min.is_finite() {
                    return invalid("eta_min", eta_min, "must be finite");
                }
            }
            LrSchedule::Linear {
                start_factor,
                end_factor,
                ..
            } => {
                if !(start_factor > 0.0 && start_factor <= 1.0) {
                    return invalid("start_factor", start_factor, "must be in (0, 1]");
                }
                if !(0.0..=1.0).contains(&end_factor) {
                    return invalid("end_factor", end_factor, "must be in [0, 1]");
                }
            }
        }
        Ok(())
    }
}

/// The text form of [`LrSchedule::parse`], every field written (`cosine:10:0`), numbers in
/// their shortest round-trip form.
impl fmt::Display for LrSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LrSchedule::Step { step_size, gamma } => write!(f, "step:{step_size}:{gamma}"),
            LrSchedule::Exponential { gamma } => write!(f, "exponential:{gamma}"),
            LrSchedule::CosineAnnealing { t_max, eta_min } => write!(f, "cosine:{t_max}:{eta_min}"),
            LrSchedule::Linear {
                start_factor,
                end_factor,
                total_iters,
            } => write!(f, "linear:{start_factor}:{end_factor}:{total_iters}"),
        }
    }
}

/// A schedule in progress: the current epoch and learning rate.
///
/// The recurrences, with η the current rate, η₀ the base rate and e the new epoch:
///
/// ```text
/// Step:         η ← η·γ  when e mod step_size = 0, else η
/// Exponential:  η ← η·γ
/// Cosine:       η ← η_min + (η − η_min)·(1 + cos(πe/T)) / (1 + cos(π(e − 1)/T))
///               (when (e − 1 − T) mod 2T = 0:  η ← η + (η₀ − η_min)(1 − cos(π/T))/2)
/// Linear:       e = 0: η ← η₀·s;   0 < e ≤ N:  η ← η·(1 + (f − s)/(N·s + (e − 1)(f − s)));
///               e > N: η unchanged
/// ```
#[derive(Clone, Debug)]
pub struct LrScheduler {
    schedule: LrSchedule,
    base_lr: f64,
    last_epoch: u64,
    lr: f64,
}

impl LrScheduler {
    /// Starts `schedule` from the optimizer's learning rate `base_lr` (epoch 0).
    ///
    /// # Errors
    /// As [`LrSchedule::validate`], and [`Error::InvalidParameter`] for a negative or
    /// non-finite `base_lr`.
    pub fn new(schedule: LrSchedule, base_lr: f64) -> Result<Self> {
        schedule.validate()?;
        if !(base_lr >= 0.0 && base_lr.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "lr",
                value: base_lr,
                reason: "must be finite and at least 0",
            });
        }
        let lr = match schedule {
            LrSchedule::Linear { start_factor, .. } => base_lr * start_factor,
            _ => base_lr,
        };
        Ok(Self {
            schedule,
            base_lr,
            last_epoch: 0,
            lr,
        })
    }

    /// Continues `schedule` from `base_lr` at epoch `last_epoch` with the rate `lr` it had
    /// reached there (both from [`LrScheduler::last_epoch`] and [`LrScheduler::lr`] of the run
    /// being resumed): the recurrence goes on from that rate exactly, as PyTorch's
    /// `scheduler.load_state_dict` does.
    ///
    /// # Errors
    /// As [`LrScheduler::new`], and [`Error::InvalidParameter`] for a negative or non-finite `lr`.
    pub fn resume(schedule: LrSchedule, base_lr: f64, last_epoch: u64, lr: f64) -> Result<Self> {
        let mut resumed = Self::new(schedule, base_lr)?;
        if !(lr >= 0.0 && lr.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "lr",
                value: lr,
                reason: "must be finite and at least 0",
            });
        }
        resumed.last_epoch = last_epoch;
        resumed.lr = lr;
        Ok(resumed)
    }

    /// The schedule being followed.
    pub fn schedule(&self) -> LrSchedule {
        self.schedule
    }

    /// The learning rate for the current epoch.
    pub fn lr(&self) -> f64 {
        self.lr
    }

    /// The current epoch (0 right after [`LrScheduler::new`]).
    pub fn last_epoch(&self) -> u64 {
        self.last_epoch
    }

    /// Advances one epoch and returns the new learning rate.
    pub fn step(&mut self) -> f64 {
        self.last_epoch += 1;
        let e = self.last_epoch;
        let lr = self.lr;
        self.lr = match self.schedule {
            LrSchedule::Step { step_size, gamma } => {
                if e % step_size == 0 {
                    lr * gamma
                } else {
                    lr
                }
            }
            LrSchedule::Exponential { gamma } => lr * gamma,
            LrSchedule::CosineAnnealing { t_max, eta_min } => {
                let t = t_max as f64;
                // Python's modulo of (e − 1 − T) by 2T, which is never negative.
                let phase = (e as i128 - 1 - t_max as i128).rem_euclid(2 * t_max as i128);
                if phase == 0 {
                    lr + (self.base_lr - eta_min) * (1.0 - (PI / t).cos()) / 2.0
                } else {
                    (1.0 + (PI * e as f64 / t).cos()) / (1.0 + (PI * (e - 1) as f64 / t).cos())
                        * (lr - eta_min)
                        + eta_min
                }
            }
            LrSchedule::Linear {
                start_factor,
                end_factor,
                total_iters,
            } => {
                if e > total_iters {
                    lr
                } else {
                    lr * (1.0
                        + (end_factor - start_factor)
                            / (total_iters as f64 * start_factor
                                + (e - 1) as f64 * (end_factor - start_factor)))
                }
            }
        };
        self.lr
    }

    /// Sets the optimizer's learning rate to the current one.
    pub fn apply<T: Float, O: Optimizer<T> + ?Sized>(&self, optimizer: &mut O) {
        optimizer.set_learning_rate(self.lr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace(schedule: LrSchedule, base: f64, n: usize) -> Vec<f64> {
        let mut s = LrScheduler::new(schedule, base).unwrap();
        let mut out = vec![s.lr()];
        for _ in 0..n {
            out.push(s.step());
        }
        out
    }

    #[test]
    fn a_resumed_scheduler_continues_the_recurrence_exactly() {
        let schedules = [
            LrSchedule::parse("cosine:4:0.01").unwrap(),
            LrSchedule::parse("linear:0.25:1:5").unwrap(),
            LrSchedule::parse("step:2:0.5").unwrap(),
        ];
        for schedule in schedules {
            let whole = trace(schedule, 0.3, 12);
            let mut first = LrScheduler::new(schedule, 0.3).unwrap();
            for _ in 0..5 {
                first.step();
            }
            let mut resumed =
                LrScheduler::resume(schedule, 0.3, first.last_epoch(), first.lr()).unwrap();
            let mut rest = vec![resumed.lr()];
            for _ in 0..7 {
                rest.push(resumed.step());
            }
            assert_eq!(&whole[5..], &rest[..], "{schedule:?}");
        }
        assert!(LrScheduler::resume(schedules[0], 0.3, 1, f64::NAN).is_err());
    }

    #[test]
    fn cosine_follows_the_closed_form_over_a_period() {
        let rates = trace(
            LrSchedule::CosineAnnealing {
                t_max: 10,
                eta_min: 0.01,
            },
            0.1,
            30,
        );
        for (e, lr) in rates.iter().enumerate() {
            let closed = 0.01 + 0.09 * (1.0 + (PI * e as f64 / 10.0).cos()) / 2.0;
            assert!((lr - closed).abs() < 1e-12, "epoch {e}: {lr} vs {closed}");
        }
    }

    #[test]
    fn linear_warm_up_reaches_the_base_rate_and_holds() {
        let rates = trace(
            LrSchedule::Linear {
                start_factor: 0.25,
                end_factor: 1.0,
                total_iters: 3,
            },
            0.4,
            5,
        );
        let expected = [0.1, 0.2, 0.3, 0.4, 0.4, 0.4];
        for (lr, want) in rates.iter().zip(expected) {
            assert!((lr - want).abs() < 1e-15, "{rates:?}");
        }
    }

    #[test]
    fn exponential_multiplies_every_epoch() {
        let rates = trace(LrSchedule::Exponential { gamma: 0.5 }, 1.0, 3);
        assert_eq!(rates, [1.0, 0.5, 0.25, 0.125]);
    }

    #[test]
    fn parse_reads_every_kind_and_display_writes_it_back() {
        for (text, schedule) in [
            (
                "step:3:0.5",
                LrSchedule::Step {
                    step_size: 3,
                    gamma: 0.5,
                },
            ),
            ("exponential:0.9", LrSchedule::Exponential { gamma: 0.9 }),
            (
                "cosine:10:0.001",
                LrSchedule::CosineAnnealing {
                    t_max: 10,
                    eta_min: 0.001,
                },
            ),
            (
                "linear:0.25:1:4",
                LrSchedule::Linear {
                    start_factor: 0.25,
                    end_factor: 1.0,
                    total_iters: 4,
                },
            ),
        ] {
            assert_eq!(LrSchedule::parse(text).unwrap(), schedule);
            assert_eq!(LrSchedule::parse(&schedule.to_string()).unwrap(), schedule);
        }
        assert_eq!(
            LrSchedule::parse(" Cosine:7 ").unwrap(),
            LrSchedule::CosineAnnealing {
                t_max: 7,
                eta_min: 0.0
            }
        );
    }

    #[test]
    fn parse_names_what_is_wrong() {
        for (text, needle) in [
            ("warmup:5", "unknown schedule 'warmup'"),
            ("step:3", "step takes EVERY:GAMMA, got 1 field"),
            ("cosine", "cosine takes T_MAX:ETA_MIN, got 0 fields"),
            ("exponential:0.9:1", "got 2 fields"),
            ("step:0:0.5", "EVERY 0 must be at least 1"),
            ("step:2.5:0.5", "EVERY '2.5' is not a whole number"),
            ("step:-1:0.5", "EVERY '-1' is not a whole number"),
            ("step:3:x", "GAMMA 'x' is not a finite number"),
            ("exponential:nan", "GAMMA 'nan' is not a finite number"),
            ("exponential:-0.5", "GAMMA -0.5 must be at least 0"),
            ("cosine:0", "T_MAX 0 must be at least 1"),
            ("cosine:10:-1", "ETA_MIN -1 must be at least 0"),
            ("linear:0:1:5", "START 0 must be in (0, 1]"),
            ("linear:0.5:1.5:5", "END 1.5 must be in [0, 1]"),
            ("linear:0.5:1:x", "ITERS 'x' is not a whole number"),
        ] {
            let err = LrSchedule::parse(text).unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
            assert!(err.contains(LrSchedule::SYNTAX), "{text}: {err}");
        }
    }

    #[test]
    fn invalid_schedules_are_rejected() {
        assert!(LrScheduler::new(
            LrSchedule::Step {
                step_size: 0,
                gamma: 0.1
            },
            0.1
        )
        .is_err());
        assert!(LrScheduler::new(
            LrSchedule::CosineAnnealing {
                t_max: 0,
                eta_min: 0.0
            },
            0.1
        )
        .is_err());
        let linear = |s, f| LrSchedule::Linear {
            start_factor: s,
            end_factor: f,
            total_iters: 5,
        };
        assert!(LrScheduler::new(linear(0.0, 1.0), 0.1).is_err());
        assert!(LrScheduler::new(linear(0.5, 1.5), 0.1).is_err());
        assert!(LrScheduler::new(LrSchedule::Exponential { gamma: 0.9 }, -1.0).is_err());
    }
}
