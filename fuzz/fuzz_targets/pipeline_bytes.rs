//! Any bytes as a `multiarch.toml`: decode, parse and plan, render. Seeded with the examples and the invalid
//! fixtures, so mutations start from real configs and real mistakes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mkmulti_fuzz::check_bytes(data));
