//! The random stream and its distributions. The output must be the same
//! bytes for the same seed on every platform, forever, so the stream is a
//! fixed algorithm (`rand_xoshiro`'s splitmix64-seeded xoshiro256**) and
//! `exp` / `ln` are built only from correctly rounded IEEE-754 operations,
//! not the platform's libm.

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
                return u * (-2.0 * det_ln(s) / s).sqrt();
            }
        }
    }

    /// Log-normal with the given median and shape `sigma`.
    pub(super) fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * det_exp(sigma * self.normal())
    }

    /// Exponential with the given mean.
    #[cfg(test)]
    fn exponential(&mut self, mean: f64) -> f64 {
        -mean * det_ln(self.open01())
    }

    /// Poisson count with the given mean (Knuth's method, in chunks of at
    /// most 30 so `exp(-mean)` stays well inside range and loops stay short).
    pub(super) fn poisson(&mut self, mean: f64) -> u64 {
        let mut remaining = mean.max(0.0);
        let mut total = 0;
        while remaining > 0.0 {
            let m = remaining.min(30.0);
            remaining -= m;
            let limit = det_exp(-m);
            let mut p = self.open01();
            while p > limit {
                total += 1;
                p *= self.open01();
            }
        }
        total
    }
}

/// ln 2 split so that `k * LN2_HI` is exact for the `k` used here.
const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);
const LN2: f64 = std::f64::consts::LN_2;

/// `2^k` for `k` in the normal exponent range.
fn pow2(k: i64) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// `e^x` from basic IEEE operations only (bit-for-bit reproducible).
fn det_exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.0 {
        return f64::INFINITY;
    }
    if x < -745.0 {
        return 0.0;
    }
    let k = (x / LN2).round();
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Taylor series; |r| <= 0.35 so 14 terms reach full precision.
    let mut term = 1.0;
    let mut sum = 1.0;
    for i in 1..=14 {
        term = term * r / f64::from(i);
        sum += term;
    }
    let k = k as i64;
    if k < -1000 {
        // Scale in two steps to reach the subnormal range.
        sum * pow2(k + 600) * pow2(-600)
    } else if k > 1000 {
        sum * pow2(k - 600) * pow2(600)
    } else {
        sum * pow2(k)
    }
}

/// Natural logarithm from basic IEEE operations only (bit-for-bit
/// reproducible); `x` must be positive and finite.
fn det_ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    let (mut x, mut e) = (x, 0i64);
    if x < f64::MIN_POSITIVE {
        x *= pow2(54);
        e -= 54;
    }
    let bits = x.to_bits();
    e += ((bits >> 52) & 0x7ff) as i64 - 1023;
    // Mantissa in [1, 2), then moved into [sqrt(1/2), sqrt(2)).
    let mut m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln m = 2 atanh(f), f = (m - 1) / (m + 1), |f| <= 0.1716.
    let f = (m - 1.0) / (m + 1.0);
    let f2 = f * f;
    let mut pow = f;
    let mut sum = 0.0;
    let mut n = 1.0;
    while n < 30.0 {
        sum += pow / n;
        pow *= f2;
        n += 2.0;
    }
    let e = e as f64;
    (e * LN2_HI + 2.0 * sum) + e * LN2_LO
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn det_math_matches_std_closely() {
        let mut r = Rng::new(7);
        for _ in 0..20_000 {
            let x = (r.f64() - 0.5) * 80.0;
            let (a, b) = (det_exp(x), x.exp());
            assert!(((a - b) / b).abs() < 1e-14, "exp({x}) = {a} vs {b}");
            let y = det_exp((r.f64() - 0.5) * 1400.0);
            if y > 0.0 && y.is_finite() {
                let (a, b) = (det_ln(y), y.ln());
                assert!((a - b).abs() <= 1e-15 * b.abs().max(1.0), "ln({y})");
            }
        }
        assert_eq!(det_exp(0.0), 1.0);
        assert_eq!(det_ln(1.0), 0.0);
        assert!(det_ln(5e-324).is_finite());
        assert!(det_exp(-744.0) > 0.0);
    }

    #[test]
    fn samplers_have_the_right_moments() {
        let mut r = Rng::new(99);
        let n = 100_000;
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let normals: Vec<f64> = (0..n).map(|_| r.normal()).collect();
        let m = mean(&normals);
        let var = normals.iter().map(|z| (z - m) * (z - m)).sum::<f64>() / n as f64;
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
            hits[r.below(7) as usize] += 1;
        }
        assert!(
            hits.iter().all(|&h| (13_500..15_100).contains(&h)),
            "{hits:?}"
        );
    }
}
