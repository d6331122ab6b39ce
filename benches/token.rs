//! Token signing cost with an already-parsed key (target: ≤ 150 µs per token
//! on a release build). Run: `cargo bench --no-default-features --bench token`.

use asc_key_wizard::core::credentials::Credentials;
use asc_key_wizard::core::ids::KeyKind;
use asc_key_wizard::core::key::PrivateKey;
use asc_key_wizard::core::token::Signer;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn bench_token(c: &mut Criterion) {
    let key = PrivateKey::from_secret(p256::SecretKey::random(&mut rand_core::OsRng));
    let creds = Credentials {
        key: &key,
        key_id: "2X9R4HXF34",
        issuer_id: Some("57246542-96fe-1a63-e053-0824d011072a"),
        kind: KeyKind::Team,
    };
    let signer = Signer::new(&creds).expect("team signer");
    c.bench_function("sign_es256_token", |b| b.iter(|| black_box(signer.sign())));
    c.bench_function("signer_new_and_sign", |b| {
        b.iter(|| black_box(Signer::new(black_box(&creds)).unwrap().sign()))
    });
}

criterion_group!(benches, bench_token);
criterion_main!(benches);
