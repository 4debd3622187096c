//! FNV-1a, 128-bit: the grouping hash.
//!
//! Not cryptographic and it needs not be: the input is the fingerprint components the server
//! computed itself, and a collision only merges two issues. Chosen because it is ten lines
//! with no dependency (the core compiles to wasm too) and stable across platforms and versions,
//! which a grouping hash must be: stored issue hashes outlive the binary that wrote them.
//! Parameters from the FNV reference (<http://www.isthe.com/chongo/tech/comp/fnv/>).

const OFFSET_BASIS: u128 = 0x6c62272e07bb014262b821756295c58d;
const PRIME: u128 = 0x0000000001000000000000000000013B;

/// A running FNV-1a 128 hash.
#[derive(Clone, Copy, Debug)]
pub struct Fnv128(u128);

impl Default for Fnv128 {
    fn default() -> Self {
        Fnv128(OFFSET_BASIS)
    }
}

impl Fnv128 {
    /// Adds bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(PRIME);
        }
    }

    /// The hash as 32 lowercase hex digits.
    pub fn hex(&self) -> String {
        crate::text::hex(&self.0.to_be_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fnv(s: &str) -> String {
        let mut h = Fnv128::default();
        h.write(s.as_bytes());
        h.hex()
    }

    #[test]
    fn reference_vectors() {
        // From the FNV reference test suite (FNV-1a, 128 bit).
        assert_eq!(fnv(""), "6c62272e07bb014262b821756295c58d");
        assert_eq!(fnv("a"), "d228cb696f1a8caf78912b704e4a8964");
        assert_eq!(fnv("foobar"), "343e1662793c64bf6f0d3597ba446f18");
    }
}
