//! Deterministic random numbers for the generator: SplitMix64 seeds a
//! xoshiro256** stream. Written here (no `rand` crate) so a corpus is the same
//! bytes for a seed whatever crate versions are locked.
//!
//! Every report draws from its own stream, derived from the corpus seed and
//! the report's index ([`Rng::for_report`]), so reports can be generated in
//! parallel, in any order, and report *i* is the same in a corpus of 1,000 and
//! in one of 100,000 with the same seed.

/// One SplitMix64 step: a good 64-bit mixer for seeding.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A xoshiro256** generator.
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator seeded from one number.
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        let s = [
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
            splitmix64(&mut sm),
        ];
        Rng { s }
    }

    /// The stream of report `index` in the corpus with `seed`.
    pub fn for_report(seed: u64, index: u64) -> Self {
        let mut sm = seed ^ 0x5851_F42D_4C95_7F2D;
        let a = splitmix64(&mut sm);
        let mut sm2 = index.wrapping_mul(0xD134_2543_DE82_EF95) ^ a;
        Rng::new(splitmix64(&mut sm2))
    }

    /// An independent sub-stream for one concern (issuer, numbers, rendering),
    /// so changing how one concern draws does not shift the others.
    pub fn fork(&self, tag: u64) -> Rng {
        let mut sm =
            self.s[0] ^ self.s[3].rotate_left(17) ^ tag.wrapping_mul(0xA24B_AED4_963E_E407);
        Rng::new(splitmix64(&mut sm))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform integer in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        // Lemire's multiply-shift; the bias is below 2^-64 * n, irrelevant here.
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// A uniform integer in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    /// A uniform float in `[0, 1)`.
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// One value by weight.
    pub fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| *w as u64).sum();
        let mut x = self.below(total.max(1));
        for (item, w) in items {
            if x < *w as u64 {
                return *item;
            }
            x -= *w as u64;
        }
        items[items.len() - 1].0
    }

    /// A count with a long tail: mostly small, sometimes large (log-uniform
    /// between 1 and `max`, zero with probability `p_zero`).
    pub fn count(&mut self, p_zero: f64, max: i64) -> i64 {
        if self.chance(p_zero) || max <= 0 {
            return 0;
        }
        let exp = self.f64() * ((max as f64) + 1.0).ln();
        (exp.exp().floor() as i64).clamp(1, max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_per_report() {
        let a: Vec<u64> = (0..5).map(|_| Rng::for_report(7, 42).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::for_report(7, 42).next_u64(),
            Rng::for_report(7, 43).next_u64()
        );
        assert_ne!(
            Rng::for_report(7, 42).next_u64(),
            Rng::for_report(8, 42).next_u64()
        );
    }

    #[test]
    fn ranges_hold() {
        let mut r = Rng::new(1);
        for _ in 0..10_000 {
            let x = r.range(-3, 5);
            assert!((-3..=5).contains(&x));
            assert!(r.below(7) < 7);
            let c = r.count(0.5, 1000);
            assert!((0..=1000).contains(&c));
        }
        assert_eq!(r.range(4, 4), 4);
    }

    #[test]
    fn weights_are_respected() {
        let mut r = Rng::new(3);
        let n = (0..10_000)
            .filter(|_| r.weighted(&[("a", 9), ("b", 1)]) == "a")
            .count();
        assert!((8_500..9_500).contains(&n), "{n}");
    }
}
