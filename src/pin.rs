//! Signature PINs: hashed with Argon2id (a PHC string with its own salt), never stored or shown
//! in clear. Lives outside the pure core because salting needs the operating system's randomness.

use std::io::Read;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Small memory and time costs: a PIN is 4–8 digits, so its strength is the 0600 database file
/// and the officers' presence, not the hash; these keep signing instant on an old duty-room PC.
fn hasher() -> Argon2<'static> {
    let params = Params::new(8 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a PIN for storage.
///
/// # Errors
/// When the system's randomness cannot be read; said in Chinese.
pub fn hash(pin: &str) -> Result<String, String> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("无法读取系统随机数（/dev/urandom）：{e}"))?;
    let salt = SaltString::encode_b64(&bytes).map_err(|e| format!("无法生成 PIN 摘要：{e}"))?;
    hasher()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("无法生成 PIN 摘要：{e}"))
}

/// Whether `pin` matches the stored hash (a corrupt hash never matches).
#[must_use]
pub fn verify(pin: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| hasher().verify_password(pin.as_bytes(), &h).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_verifies_against_its_own_hash_only() {
        let h = hash("2468").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(!h.contains("2468"));
        assert!(verify("2468", &h));
        assert!(!verify("2469", &h));
        assert!(!verify("2468", "not a hash"));
        assert_ne!(hash("2468").unwrap(), h, "each hash has its own salt");
    }
}
