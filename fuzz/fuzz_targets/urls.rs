#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| handbook_fuzz::urls(data));
