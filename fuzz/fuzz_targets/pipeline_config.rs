//! Configs built from the schema's keys (see `mkmulti_fuzz::config`), so inputs reach the planner and the
//! renderer instead of stopping at a TOML syntax error.
#![no_main]

use mkmulti_fuzz::config::ConfigText;

libfuzzer_sys::fuzz_target!(|config: ConfigText| mkmulti_fuzz::check_bytes(config.0.as_bytes()));
