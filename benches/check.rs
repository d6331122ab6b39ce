//! In-process cost of the offline check (target: ≤ 0.6 ms on a release build).
//!
//! `cargo bench --no-default-features --bench check`
//! Whole-process timing: see the README (hyperfine on `asc-key-wizard check`).

use asc_key_wizard::core::key::{check, CheckInput, PrivateKey};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use p256::SecretKey;

fn bench_check(c: &mut Criterion) {
    let key = PrivateKey::from_secret(SecretKey::random(&mut rand_core::OsRng));
    let valid = key.canonical_pem().to_owned();
    // Repaired: Windows line endings plus the whole body on one line.
    let repaired = format!(
        "-----BEGIN PRIVATE KEY-----\r\n{}\r\n-----END PRIVATE KEY-----\r\n",
        key.base64_body().as_str()
    );

    let mut group = c.benchmark_group("check");
    group.bench_function("valid", |b| {
        b.iter(|| {
            let checked = check(CheckInput {
                bytes: black_box(valid.as_bytes()),
                ..Default::default()
            });
            assert!(checked.report.ok);
            checked
        })
    });
    group.bench_function("repaired", |b| {
        b.iter(|| {
            let checked = check(CheckInput {
                bytes: black_box(repaired.as_bytes()),
                file_name: Some("AuthKey_2X9R4HXF34.p8"),
                ..Default::default()
            });
            assert!(checked.report.ok && checked.report.notes.len() == 2);
            checked
        })
    });
    group.finish();
}

criterion_group!(benches, bench_check);
criterion_main!(benches);
