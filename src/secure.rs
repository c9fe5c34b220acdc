//! Random identifiers and secrets, and the hashes they are stored under.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A 24-character lowercase hex public id (ObjectId-like, as the seeds show).
pub fn public_id() -> String {
    random_hex(12)
}

/// A secret with 256 bits of entropy, as 64 hex characters.
pub fn secret() -> String {
    random_hex(32)
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    hex::encode(buf)
}

/// SHA-256 as lowercase hex: how tokens, keys and session ids are stored.
pub fn sha256_hex(data: impl AsRef<[u8]>) -> String {
    hex::encode(Sha256::digest(data.as_ref()))
}

/// Compares two secrets without leaking where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}
