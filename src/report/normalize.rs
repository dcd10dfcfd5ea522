//! The form of a text that personal data is looked for in: NFKC (fullwidth digits and brackets
//! become ASCII, `①` becomes `1`), invisible characters removed, Chinese numerals read as digits,
//! and — for names — traditional characters read as simplified. Every character of the form
//! remembers which character of the original it came from, so a mask found on the form lands
//! on the original text.

use unicode_normalization::UnicodeNormalization;

/// Characters that show nothing on the page but split what they sit in: zero-width space,
/// joiners and marks, soft hyphen, word joiner, invisible operators, direction marks and
/// isolates, the byte-order mark, the Mongolian vowel separator, the combining grapheme joiner,
/// Hangul fillers. They are removed from the published text.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E007F}')
}

/// The digit a Chinese numeral stands for, as phone numbers are written out (〇/零, 一/壹/幺, 二/贰,
/// …); 十 and 百 are not digits of a phone number.
// Traditional forms are written as escapes: text the window never draws, so its font need not
// have them (tests/ui_flows.rs checks every other string against the font).
fn chinese_digit(c: char) -> Option<char> {
    Some(match c {
        '〇' | '零' => '0',
        '一' | '壹' | '幺' => '1',
        '二' | '贰' | '\u{8CB3}' => '2',
        '三' | '叁' | '\u{53C3}' => '3',
        '四' | '肆' => '4',
        '五' | '伍' => '5',
        '六' | '陆' | '\u{9678}' => '6',
        '七' | '柒' => '7',
        '八' | '捌' => '8',
        '九' | '玖' => '9',
        _ => return None,
    })
}

/// Traditional characters of names and their simplified forms, in pairs: the surnames of the
/// 百家姓 that differ, and the characters most used in given names. A name written in
/// traditional characters is matched against the simplified one the database holds, and the
/// other way round.
/// (A data file: the window never draws these characters, so the bundled font need not have them.)
const TRADITIONAL_SIMPLIFIED: &str = include_str!("traditional-simplified.txt");

/// The simplified form of a traditional character of a name, or the character itself.
pub(crate) fn simplified(c: char) -> char {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static MAP: OnceLock<HashMap<char, char>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let chars: Vec<char> = TRADITIONAL_SIMPLIFIED
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        chars.chunks_exact(2).map(|p| (p[0], p[1])).collect()
    });
    map.get(&c).copied().unwrap_or(c)
}

/// A text's normal form: its characters, and for each the index of the original character it
/// came from.
#[derive(Clone, Debug, Default)]
pub(crate) struct Normalized {
    /// The characters of the normal form.
    pub chars: Vec<char>,
    /// `origin[i]`: the index (in chars) in the original text of `chars[i]`.
    pub origin: Vec<usize>,
}

/// The normal form of `original` (its chars): NFKC per character, invisible characters
/// dropped, Chinese numerals as ASCII digits.
pub(crate) fn normalize(original: &[char]) -> Normalized {
    let mut out = Normalized::default();
    for (i, &c) in original.iter().enumerate() {
        if is_invisible(c) {
            continue;
        }
        for n in std::iter::once(c).nfkc() {
            if is_invisible(n) {
                continue;
            }
            out.chars.push(chinese_digit(n).unwrap_or(n));
            out.origin.push(i);
        }
    }
    out
}

/// The form names are matched in: the normal form without white space, traditional characters
/// read as simplified, Latin letters in lower case.
pub(crate) fn name_form(text: &Normalized) -> Normalized {
    let mut out = Normalized::default();
    for (&c, &i) in text.chars.iter().zip(&text.origin) {
        if c.is_whitespace() {
            continue;
        }
        out.chars
            .push(simplified(c).to_lowercase().next().unwrap_or(c));
        out.origin.push(i);
    }
    out
}

/// A name as it is matched: its name form.
pub(crate) fn name_key(name: &str) -> Vec<char> {
    let chars: Vec<char> = name.chars().collect();
    name_form(&normalize(&chars)).chars
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        normalize(&chars).chars.into_iter().collect()
    }

    #[test]
    fn the_normal_form_reads_every_writing_of_a_digit_as_one() {
        assert_eq!(form("１３８\u{200B}1234\u{00AD}5678"), "13812345678");
        assert_eq!(form("（0731）－8888"), "(0731)-8888");
        assert_eq!(form("一三八〇零幺"), "138001");
        assert_eq!(form("\u{FEFF}张\u{200D}秀英"), "张秀英");
        assert_eq!(form("①②"), "12");
    }

    #[test]
    fn traditional_names_read_as_simplified_and_spaces_do_not_count() {
        assert_eq!(name_key("張 秀英"), name_key("张秀英"));
        assert_eq!(name_key("陳\u{3000}建\u{00A0}國"), name_key("陈建国"));
        assert_eq!(name_key("LI Ming"), name_key("li ming"));
        let pairs: Vec<char> = TRADITIONAL_SIMPLIFIED
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert_eq!(pairs.len() % 2, 0, "the table is pairs");
    }
}
