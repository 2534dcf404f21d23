//! The playground's two-dimensional data sets, as TensorFlow Playground draws them: `circle` (a
//! disc inside a ring), `xor` (the four quadrants), `gaussians` (two blobs) and `spiral` (two
//! interleaved arms). Points lie in [−1, 1]², label 1 is the "blue" class; `noise` in [0, 1]
//! scales a uniform jitter (and, for the blobs, their spread). The same seed gives the same points.

use nabla_nn::data::{Dataset, Target};
use rand::Rng;

/// The names of the two-dimensional sets.
pub const NAMES: [&str; 4] = ["circle", "xor", "gaussians", "spiral"];

/// `n` points of the set `name` as a data set with features `x1`, `x2` and the binary target
/// `label`, or `None` when `name` is not one of [`NAMES`].
///
/// # Errors
/// None in practice: the data set is well formed by construction.
pub fn generate(name: &str, n: usize, noise: f64, seed: u64) -> Option<nabla_nn::Result<Dataset>> {
    let mut rng = nabla_nn::init::seeded(seed);
    let mut features = Vec::with_capacity(2 * n);
    let mut labels = Vec::with_capacity(n);
    let jitter = |rng: &mut rand_chacha::ChaCha8Rng| noise * 0.5 * (rng.gen::<f64>() * 2.0 - 1.0);
    for i in 0..n {
        let (x, y, label) = match name {
            "circle" => {
                let inner = i < n / 2;
                let r = if inner {
                    rng.gen_range(0.0..0.5)
                } else {
                    rng.gen_range(0.7..1.0)
                };
                let t = rng.gen_range(0.0..std::f64::consts::TAU);
                let (x, y) = (r * t.sin(), r * t.cos());
                let (jx, jy) = (jitter(&mut rng), jitter(&mut rng));
                let label = usize::from((x + jx).hypot(y + jy) < 0.6);
                (x, y, label)
            }
            "xor" => {
                let pad = 0.05;
                let coordinate = |rng: &mut rand_chacha::ChaCha8Rng| {
                    let v: f64 = rng.gen_range(-1.0..1.0);
                    v + if v > 0.0 { pad } else { -pad }
                };
                let (x, y) = (coordinate(&mut rng), coordinate(&mut rng));
                let label = usize::from((x + jitter(&mut rng)) * (y + jitter(&mut rng)) >= 0.0);
                (
                    (x / 1.05).clamp(-1.0, 1.0),
                    (y / 1.05).clamp(-1.0, 1.0),
                    label,
                )
            }
            "gaussians" => {
                let label = usize::from(i < n / 2);
                let centre = if label == 1 { 0.4 } else { -0.4 };
                let spread = 0.12 + 0.25 * noise;
                let (u, v) = normal_pair(&mut rng);
                (centre + spread * u, centre + spread * v, label)
            }
            "spiral" => {
                let half = (n / 2).max(1);
                let (k, label) = if i < half { (i, 1) } else { (i - half, 0) };
                let r = k as f64 / half as f64;
                let t = 1.75 * r * std::f64::consts::TAU
                    + if label == 1 {
                        0.0
                    } else {
                        std::f64::consts::PI
                    };
                (
                    r * t.sin() + jitter(&mut rng),
                    r * t.cos() + jitter(&mut rng),
                    label,
                )
            }
            _ => return None,
        };
        features.extend([x, y]);
        labels.push(Some(label));
    }
    let classes = ["orange".to_string(), "blue".to_string()];
    Some(Target::binary("label", classes, labels).and_then(|target| {
        Dataset::new(name, vec!["x1".into(), "x2".into()], features, vec![target])
    }))
}

/// Two independent standard normal numbers (Box–Muller).
fn normal_pair(rng: &mut rand_chacha::ChaCha8Rng) -> (f64, f64) {
    let u: f64 = rng.gen_range(f64::MIN_POSITIVE..1.0);
    let v: f64 = rng.gen::<f64>();
    let r = (-2.0 * u.ln()).sqrt();
    let t = std::f64::consts::TAU * v;
    (r * t.cos(), r * t.sin())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_set_is_balanced_inside_the_square_and_seeded() {
        for name in NAMES {
            let d = generate(name, 200, 0.0, 3).unwrap().unwrap();
            assert_eq!(d.n_samples(), 200);
            assert!(d.features().iter().all(|v| v.abs() <= 1.3), "{name}");
            let blue = (0..200)
                .filter(|&i| d.targets()[0].label(i) == Some(1))
                .count();
            assert!((60..=140).contains(&blue), "{name}: {blue} blue of 200");
            assert_eq!(d, generate(name, 200, 0.0, 3).unwrap().unwrap());
        }
        assert!(generate("moons", 10, 0.0, 0).is_none());
    }

    #[test]
    fn the_circle_is_inside_out_by_radius() {
        let d = generate("circle", 100, 0.0, 1).unwrap().unwrap();
        for i in 0..100 {
            let (x, y) = (d.features()[2 * i], d.features()[2 * i + 1]);
            assert_eq!(d.targets()[0].label(i), Some(usize::from(x.hypot(y) < 0.6)));
        }
    }
}
