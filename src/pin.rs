//! Signature PINs: hashed with Argon2id (a PHC string with its own salt), never stored or shown
//! in clear. Lives outside the pure core because salting needs the operating system's randomness.

use std::io::Read;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// OWASP's minimum for Argon2id (19 MiB, two passes, one lane). A PIN has few digits, so the
/// hash alone cannot hold off someone who has the file (docs/SECURITY.md); what it buys is the
/// cost of each guess, and the app's own guessing limit (`core::pin_policy`) does the rest.
/// Hashes made with the earlier, smaller parameters still verify: the PHC string carries them.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
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
    fn new_hashes_use_owasp_minimum_and_old_ones_still_verify() {
        let h = hash("246813").unwrap();
        assert!(h.contains("m=19456,t=2,p=1"), "{h}");
        // Made with the parameters of earlier versions (8 MiB, two passes).
        let old = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 2, 1, None).unwrap(),
        )
        .hash_password(b"2468", &SaltString::encode_b64(&[7u8; 16]).unwrap())
        .unwrap()
        .to_string();
        assert!(old.contains("m=8192"), "{old}");
        assert!(verify("2468", &old));
        assert!(!verify("2469", &old));
    }

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
