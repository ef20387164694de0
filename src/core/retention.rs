//! Keeping visitors' numbers no longer than needed (issue 18, 个人信息保护法): once a visit is
//! older than `[visit] retention_years`, its document number and phone numbers (and its
//! representatives') are reduced to the masked form the screens show today, and its `id_key`
//! to a keyed digest of the number, so that a visitor typed in full years later is still
//! recognised as a repeat visitor. Pure: the time comes in as `now`, the key as bytes.

use chrono::{Months, NaiveDateTime};
use sha2::{Digest, Sha256};

/// `[visit] retention_years` when the configuration leaves it out.
pub const DEFAULT_YEARS: u32 = 3;
/// The years `[visit] retention_years` may say.
pub const YEARS: std::ops::RangeInclusive<u32> = 1..=30;
/// Visits reduced in one write: the write lock an officer could wait behind stays short.
pub const BATCH: usize = 500;
/// The first character of an `id_key` that is a keyed digest (a document number never has it).
pub const DIGEST_MARK: char = '#';

/// The cutoff for `now`: visits entered before it are reduced. Calendar years back, at the same
/// time of day; a 2月29日 with no such day in the year it lands on gives 2月28日.
#[must_use]
pub fn cutoff(now: NaiveDateTime, years: u32) -> NaiveDateTime {
    now.checked_sub_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDateTime::MIN)
}

/// A visit's (or a representative's) document number as kept once reduced: exactly the masked
/// form the screens show ([`super::idcard::mask`], for every document type, 其他 too).
#[must_use]
pub fn reduced_id(id_number: &str) -> String {
    if id_number.is_empty() {
        return String::new();
    }
    super::idcard::mask(id_number)
}

/// A phone number as kept once reduced: the mask the screens show (`validate::mask_phone`).
#[must_use]
pub fn reduced_phone(phone: &str) -> String {
    super::validate::mask_phone(phone)
}

/// Whether an `id_key` is already a keyed digest.
#[must_use]
pub fn is_digest(id_key: &str) -> bool {
    id_key.starts_with(DIGEST_MARK)
}

/// A reduced visit's `id_key`: the keyed digest of the number; `''` (其他) stays `''`, and a
/// digest stays as it is.
#[must_use]
pub fn reduced_id_key(key: &[u8; 32], id_key: &str) -> String {
    if id_key.is_empty() || is_digest(id_key) {
        id_key.to_string()
    } else {
        keyed_digest(key, id_key)
    }
}

/// `#` and the lowercase hex of HMAC-SHA256(`key`, `id_key`): the same number under the same key
/// always gives the same digest, and nobody without the key can test a guess against it.
#[must_use]
pub fn keyed_digest(key: &[u8; 32], id_key: &str) -> String {
    let mac = hmac_sha256(key, id_key.as_bytes());
    let mut out = String::with_capacity(65);
    out.push(DIGEST_MARK);
    for b in mac {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// HMAC (RFC 2104) over SHA-256, block size 64.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message).finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// What a run that reduced something says once on the status line.
#[must_use]
pub fn reduced_sentence(visits: usize, years: u32) -> String {
    format!("已按保存期限（{years}年）对 {visits} 次来访的证件号码和电话脱敏")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn hmac_gives_the_rfc_4231_test_vectors() {
        // Test case 1.
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        // Test case 2.
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block is hashed first.
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn the_digest_is_marked_keyed_and_stable() {
        let key = [7u8; 32];
        let d = keyed_digest(&key, "11010519491231002X");
        assert!(d.starts_with('#') && d.len() == 65, "{d}");
        assert!(
            d.chars()
                .skip(1)
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        );
        assert_eq!(d, keyed_digest(&key, "11010519491231002X"));
        assert_ne!(d, keyed_digest(&[8u8; 32], "11010519491231002X"), "another key");
        assert_ne!(d, keyed_digest(&key, "110105194912310038"), "another number");
        assert!(!d.contains("11010519491231002X"));
    }

    #[test]
    fn a_reduced_key_is_the_digest_and_empty_or_digest_stay() {
        let key = [1u8; 32];
        assert_eq!(reduced_id_key(&key, ""), "");
        let d = reduced_id_key(&key, "E12345678");
        assert_eq!(d, keyed_digest(&key, "E12345678"));
        assert_eq!(reduced_id_key(&key, &d), d, "reducing again changes nothing");
        assert!(is_digest(&d) && !is_digest("E12345678"));
    }

    #[test]
    fn the_cutoff_is_calendar_years_back_and_29_february_lands_on_28() {
        assert_eq!(cutoff(at("2026-12-05 08:30"), 3), at("2023-12-05 08:30"));
        assert_eq!(cutoff(at("2028-02-29 10:00"), 3), at("2025-02-28 10:00"));
        assert_eq!(cutoff(at("2028-02-29 10:00"), 4), at("2024-02-29 10:00"));
        assert_eq!(cutoff(at("2026-03-01 00:00"), 1), at("2025-03-01 00:00"));
        assert_eq!(cutoff(at("2026-01-01 00:00"), 30), at("1996-01-01 00:00"));
    }

    #[test]
    fn the_reduced_forms_are_what_the_screen_shows_masked() {
        let id = "11010519491231002X";
        assert_eq!(reduced_id(id), super::super::idcard::mask(id));
        assert_eq!(reduced_id(id), "1101**********002X");
        // 其他: free text, masked the same way as the screen does.
        assert_eq!(
            reduced_id("介绍信 市水利局"),
            super::super::idcard::mask("介绍信 市水利局")
        );
        assert_eq!(reduced_id("E1234567"), "******67");
        assert_eq!(reduced_id(""), "");
        assert_eq!(reduced_phone("13812345678"), "*******5678");
        assert_eq!(reduced_phone("0871-63121234"), "****-****1234");
        assert_eq!(reduced_phone(""), "");
        // Reducing twice changes nothing.
        for s in [id, "E1234567", "介绍信 市水利局", "123"] {
            assert_eq!(reduced_id(&reduced_id(s)), reduced_id(s), "{s}");
        }
        assert_eq!(reduced_phone(&reduced_phone("13812345678")), "*******5678");
    }

    #[test]
    fn the_sentence_says_how_many_and_the_years() {
        assert_eq!(
            reduced_sentence(12, 3),
            "已按保存期限（3年）对 12 次来访的证件号码和电话脱敏"
        );
    }
}
