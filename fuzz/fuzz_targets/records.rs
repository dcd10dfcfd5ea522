//! The record decoder on arbitrary bytes: the first byte picks the kind, the rest is read as
//! that kind's `records/<kind>.json` document and every record validated.
#![no_main]

use libfuzzer_sys::fuzz_target;

const KINDS: [&str; 5] = ["topic", "subject", "visit", "finding", "attachment"];

fuzz_target!(|data: &[u8]| {
    let Some((first, json)) = data.split_first() else {
        return;
    };
    let kind = KINDS[usize::from(*first) % KINDS.len()];
    if let Ok(n) = zoufang::bundle::decode_records(kind, json) {
        assert!(n <= json.len());
    }
});
