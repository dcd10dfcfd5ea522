//! Chinese sorts by pinyin, as a Chinese reader expects (安 before 北 before 城), not by code
//! point. Registered on every connection as the SQLite collation `PINYIN`.

use pinyin::ToPinyin;
use rusqlite::Connection;
use std::cmp::Ordering;

/// The name list queries use: `ORDER BY title COLLATE PINYIN`.
pub const PINYIN: &str = "PINYIN";

/// The sort key of a text: each Chinese character as its toneless pinyin then its tone
/// number, everything else lowercased, so "北京" sorts as "bei3 jing1". A character with
/// several readings (长 cháng/zhǎng) sorts by its most common one.
pub fn sort_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        match c.to_pinyin() {
            Some(p) => {
                let with_tone = p.with_tone_num_end();
                // Toneless first, so 妈 (ma1) and 马 (ma3) stay side by side before "mb…".
                key.push_str(p.plain());
                key.push_str(with_tone.get(p.plain().len()..).unwrap_or_default());
                key.push(' ');
            }
            None => key.extend(c.to_lowercase()),
        }
    }
    key
}

/// Compares two texts by pinyin, then by their characters (so the order is total).
pub fn compare(a: &str, b: &str) -> Ordering {
    sort_key(a).cmp(&sort_key(b)).then_with(|| a.cmp(b))
}

/// Registers `PINYIN` on a connection.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_collation(PINYIN, compare)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_sorts_by_pinyin() {
        let mut places = vec![
            "岳麓区",
            "芙蓉区",
            "开福区",
            "天心区",
            "雨花区",
            "Aa站",
            "北湖区",
        ];
        places.sort_by(|a, b| compare(a, b));
        // yu (雨) before yue (岳): whole syllables compare letter by letter, as dictionaries do.
        assert_eq!(
            places,
            [
                "Aa站",
                "北湖区",
                "芙蓉区",
                "开福区",
                "天心区",
                "雨花区",
                "岳麓区"
            ]
        );
    }

    #[test]
    fn same_syllable_different_tone_stays_together() {
        let mut words = vec!["马路", "妈妈", "麻木"];
        words.sort_by(|a, b| compare(a, b));
        assert_eq!(words, ["妈妈", "麻木", "马路"]);
    }
}
