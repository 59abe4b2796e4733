//! The random stream and its distributions. The output must be the same
//! bytes for the same seed on every platform, forever, so the stream is a
//! fixed algorithm (`rand_xoshiro`'s splitmix64-seeded xoshiro256**) and
//! `exp` / `log` come from the `libm` crate, a pure-Rust port of musl that
//! gives the same bits everywhere, not from `f64::exp` / `f64::ln`, which
//! call the platform's libm.

use rand_xoshiro::Xoshiro256StarStar;
use rand_xoshiro::rand_core::{Rng as _, SeedableRng};

/// xoshiro256** seeded through splitmix64.
#[derive(Debug, Clone)]
pub(super) struct Rng(Xoshiro256StarStar);

impl Rng {
    /// `seed_from_u64` fills the four state words with the first four
    /// splitmix64 outputs from `seed`, the reference seeding.
    pub(super) fn new(seed: u64) -> Self {
        Rng(Xoshiro256StarStar::seed_from_u64(seed))
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `[0, 1)`.
    pub(super) fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform in `(0, 1)`.
    fn open01(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform integer in `[0, n)` (unbiased); `n` must be positive.
    pub(super) fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }

    /// Standard normal (Marsaglia polar method).
    fn normal(&mut self) -> f64 {
        loop {
            let u = 2.0 * self.f64() - 1.0;
            let v = 2.0 * self.f64() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                return u * (-2.0 * libm::log(s) / s).sqrt();
            }
        }
    }

    /// Log-normal with the given median and shape `sigma`.
    pub(super) fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * libm::exp(sigma * self.normal())
    }

    /// Exponential with the given mean.
    #[cfg(test)]
    fn exponential(&mut self, mean: f64) -> f64 {
        -mean * libm::log(self.open01())
    }

    /// Poisson count with the given mean (Knuth's method, in chunks of at
    /// most 30 so `exp(-mean)` stays well inside range and loops stay short).
    pub(super) fn poisson(&mut self, mean: f64) -> u64 {
        let mut remaining = mean.max(0.0);
        let mut total = 0;
        while remaining > 0.0 {
            let m = remaining.min(30.0);
            remaining -= m;
            let limit = libm::exp(-m);
            let mut p = self.open01();
            while p > limit {
                total += 1;
                p *= self.open01();
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_and_log_match_std_closely() {
        let mut rng = Rng::new(7);
        for _ in 0..20_000 {
            let x = (rng.f64() - 0.5) * 80.0;
            let (a, b) = (libm::exp(x), x.exp());
            assert!(((a - b) / b).abs() < 1e-14, "exp({x}) = {a} vs {b}");
            let y = libm::exp((rng.f64() - 0.5) * 1400.0);
            if y > 0.0 && y.is_finite() {
                let (a, b) = (libm::log(y), y.ln());
                assert!((a - b).abs() <= 1e-15 * b.abs().max(1.0), "ln({y})");
            }
        }
        assert_eq!(libm::exp(0.0), 1.0);
        assert_eq!(libm::log(1.0), 0.0);
        assert!(libm::log(5e-324).is_finite());
        assert!(libm::exp(-744.0) > 0.0);
    }

    #[test]
    fn samplers_have_the_right_moments() {
        let mut r = Rng::new(99);
        let n = 100_000;
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let normals: Vec<f64> = (0..n).map(|_| r.normal()).collect();
        let m = mean(&normals);
        let var = normals.iter().map(|z| (z - m) * (z - m)).sum::<f64>() / f64::from(n);
        assert!(m.abs() < 0.02 && (var - 1.0).abs() < 0.02, "{m} {var}");
        let exps: Vec<f64> = (0..n).map(|_| r.exponential(3.0)).collect();
        assert!((mean(&exps) - 3.0).abs() < 0.05);
        let logn: Vec<f64> = (0..n).map(|_| r.lognormal(10.0, 0.5)).collect();
        // Mean of a log-normal: median * exp(sigma^2 / 2).
        assert!((mean(&logn) - 10.0 * 0.125f64.exp()).abs() < 0.1);
        for lambda in [0.2, 1.5, 4.0, 75.0] {
            let p: Vec<f64> = (0..20_000).map(|_| r.poisson(lambda) as f64).collect();
            let m = mean(&p);
            assert!((m - lambda).abs() < 0.05 * lambda + 0.02, "{lambda}: {m}");
        }
        let mut hits = [0u32; 7];
        for _ in 0..n {
            hits[usize::try_from(r.below(7)).unwrap()] += 1;
        }
        assert!(
            hits.iter().all(|&h| (13_500..15_100).contains(&h)),
            "{hits:?}"
        );
    }
}
