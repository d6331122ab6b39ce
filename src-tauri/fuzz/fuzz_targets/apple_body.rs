//! libFuzzer entry for `apple_body`; the body, shared with tests/suite/fuzz_smoke.rs, is in src/lib.rs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| asc_key_wizard_fuzz::apple_body(data));
