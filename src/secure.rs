//! Random identifiers and secrets, and the hashes they are stored under.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A 24-character lowercase hex public id, ObjectId-like as the seeds show: 4 bytes of
/// Unix seconds, then 8 random bytes. The time prefix keeps inserts into the unique index
/// near its end (fast at millions of rows) and is no secret (creation times are shown).
pub fn public_id() -> String {
    let mut random = [0u8; 8];
    rand::rng().fill_bytes(&mut random);
    object_id(&random)
}

/// An ObjectId-like id from the current time and the given random bytes.
pub fn object_id(random: &[u8; 8]) -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as u32);
    format!("{seconds:08x}{}", hex::encode(random))
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
