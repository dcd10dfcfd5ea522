//! Masking personal data inside free text before it is published. The text is read in its
//! normal form (`normalize.rs`: NFKC, invisible characters gone, Chinese numerals as digits,
//! traditional characters of names as simplified), and what is found there is masked in the
//! original: mainland mobile numbers (`138****5678`, also after `+86`), 18-character ID numbers
//! (`110105********1234`), landlines with an area code (`0731-****8888`), bare 7–8-digit local
//! numbers after a word like 电话 or 座机, bank cards in one run or in groups of four, any other
//! run of 11 or more digits (all but the last four), and the names of people the database
//! knows (`张**`) however they are spaced. Invisible characters are dropped from the result.

use super::normalize::{Normalized, is_invisible, name_form, name_key, normalize};
use super::redact_numbers::number_masks;
use std::collections::BTreeSet;

/// The character that replaces a masked one.
const MASK: char = '*';

/// Masks phone numbers, ID numbers and the names it was given, in any text.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// The names' matching forms, longest first, so a longer name is masked before a shorter
    /// one inside it.
    names: Vec<Vec<char>>,
}

impl Redactor {
    /// A redactor for these person names (names shorter than two characters are ignored: they
    /// would mask ordinary words).
    pub fn new(names: impl IntoIterator<Item = String>) -> Redactor {
        let set: BTreeSet<Vec<char>> = names
            .into_iter()
            .map(|n| name_key(&n))
            .filter(|n| n.len() >= 2)
            .collect();
        let mut names: Vec<Vec<char>> = set.into_iter().collect();
        names.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        Redactor { names }
    }

    /// `text` with numbers and known names masked, and invisible characters removed.
    pub fn redact(&self, text: &str) -> String {
        let original: Vec<char> = text.chars().collect();
        let form = normalize(&original);
        let mut masked = vec![false; original.len()];
        for p in number_masks(&form.chars) {
            masked[form.origin[p]] = true;
        }
        self.mask_names(&form, &mut masked);
        output(&original, &masked)
    }

    /// Marks the characters of every known name in `form` but its first (the surname stays, as
    /// Chinese public notices write it: 张**).
    fn mask_names(&self, form: &Normalized, masked: &mut [bool]) {
        let mut names_form = name_form(form);
        for name in &self.names {
            let mut i = 0;
            while i + name.len() <= names_form.chars.len() {
                if names_form.chars[i..i + name.len()] == name[..] {
                    for k in i..i + name.len() {
                        if k > i {
                            masked[names_form.origin[k]] = true;
                        }
                        // A shorter name inside this one is not looked for again.
                        names_form.chars[k] = MASK;
                    }
                    i += name.len();
                } else {
                    i += 1;
                }
            }
        }
    }
}

/// The original characters, masked ones as `*`, invisible ones dropped.
fn output(original: &[char], masked: &[bool]) -> String {
    original
        .iter()
        .zip(masked)
        .filter(|(c, _)| !is_invisible(**c))
        .map(|(&c, &m)| if m { MASK } else { c })
        .collect()
}

/// Masks mobile, ID, landline, bank-card and other long numbers in `text` (names are left
/// alone).
pub fn mask_numbers(text: &str) -> String {
    Redactor::default().redact(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_and_id_numbers_are_masked_as_public_notices_do() {
        assert_eq!(mask_numbers("电话13812345678。"), "电话138****5678。");
        assert_eq!(
            mask_numbers("身份证号110105199001011234"),
            "身份证号110105********1234"
        );
        assert_eq!(
            mask_numbers("身份证11010519900101123X号"),
            "身份证110105********123X号"
        );
        assert_eq!(mask_numbers("+8613812345678"), "+86138****5678");
        assert_eq!(mask_numbers("１３８１２３４５６７８"), "１３８****５６７８");
        assert_eq!(mask_numbers("138 1234 5678"), "138 **** 5678");
        assert_eq!(mask_numbers("138-1234-5678"), "138-****-5678");
        assert_eq!(mask_numbers("110105 19900101 1234"), "110105 ******** 1234");
        assert_eq!(mask_numbers("0731-88886666"), "0731-****6666");
        assert_eq!(
            mask_numbers("卡号6222021234567890123"),
            "卡号***************0123"
        );
    }

    #[test]
    fn ordinary_numbers_stay() {
        for text in [
            "2026-04-01前完成",
            "涉及46户，132人",
            "投入资金1200000元",
            "2026 年 3 月",
        ] {
            assert_eq!(mask_numbers(text), text);
        }
        // Any other run of 11 or more digits may be an account: all but the last four go.
        assert_eq!(mask_numbers("12345678901"), "*******8901");
    }

    #[test]
    fn known_names_keep_only_the_surname() {
        let r = Redactor::new(["张秀英".to_owned(), "王敏".to_owned(), "李".to_owned()]);
        assert_eq!(
            r.redact("张秀英（13812345678）向王敏反映，李某在场"),
            "张**（138****5678）向王*反映，李某在场"
        );
    }
}
