//! The cost of one PIN hash and one PIN check (Argon2id at OWASP's minimum: 19 MiB, t=2, p=1),
//! the work behind every unlock, signature and sign-in. `cargo bench --bench pin`.

use std::time::Instant;

fn main() {
    let runs = 30;
    let mut hashes = Vec::with_capacity(runs);
    let mut checks = Vec::with_capacity(runs);
    let stored = zhiban::pin::hash("246813").expect("hash");
    for _ in 0..runs {
        let t = Instant::now();
        let h = zhiban::pin::hash("246813").expect("hash");
        hashes.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(h);
        let t = Instant::now();
        let ok = zhiban::pin::verify("135790", &stored);
        checks.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(!ok);
    }
    for (what, mut v) in [("hash a new PIN", hashes), ("check a PIN", checks)] {
        v.sort_by(f64::total_cmp);
        println!(
            "| {what} | {runs} | {:.1} ms | {:.1} ms | {:.1} ms |",
            v[runs / 2],
            v[runs * 95 / 100],
            v[runs - 1]
        );
    }
}
