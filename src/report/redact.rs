//! Masking personal data inside free text before it is published: mainland mobile numbers
//! (`138****5678`), 18-character ID numbers (`110105********1234`), landlines with an area code
//! (`0731-****8888`), any other run of 11 or more digits (bank cards, 15-digit IDs: all but the
//! last four), and the names of people the database knows (`张**`). Fullwidth digits count
//! as digits.

use std::collections::BTreeSet;

/// The character that replaces a masked one.
const MASK: char = '*';

/// Masks phone numbers, ID numbers and the names it was given, in any text.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// Longest first, so a longer name is masked before a shorter one inside it.
    names: Vec<Vec<char>>,
}

impl Redactor {
    /// A redactor for these person names (names shorter than two characters are ignored: they
    /// would mask ordinary words).
    pub fn new(names: impl IntoIterator<Item = String>) -> Redactor {
        let set: BTreeSet<String> = names
            .into_iter()
            .map(|n| n.trim().to_owned())
            .filter(|n| n.chars().count() >= 2)
            .collect();
        let mut names: Vec<Vec<char>> = set.into_iter().map(|n| n.chars().collect()).collect();
        names.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        Redactor { names }
    }

    /// `text` with numbers and known names masked.
    pub fn redact(&self, text: &str) -> String {
        let mut chars: Vec<char> = mask_numbers(text).chars().collect();
        for name in &self.names {
            let mut i = 0;
            while i + name.len() <= chars.len() {
                if chars[i..i + name.len()] == name[..] {
                    // Keep the surname, as Chinese public notices do (张**).
                    for c in &mut chars[i + 1..i + name.len()] {
                        *c = MASK;
                    }
                    i += name.len();
                } else {
                    i += 1;
                }
            }
        }
        chars.into_iter().collect()
    }
}

/// The value of an ASCII or fullwidth digit.
fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

fn is_x(c: char) -> bool {
    matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')
}

/// Characters that may separate the groups of one phone or ID number (`138 1234 5678`).
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '－' | '\u{3000}' | '—')
}

/// A maximal run of digits: `start..end` in chars.
#[derive(Clone, Copy, Debug)]
struct Run {
    start: usize,
    end: usize,
}

impl Run {
    fn len(self) -> usize {
        self.end - self.start
    }
}

/// Masks mobile, ID, landline and other long numbers in `text` (names are left alone).
pub fn mask_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = chars.clone();
    let mut mask = |from: usize, to: usize| {
        for c in &mut out[from..to] {
            *c = MASK;
        }
    };
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]).is_some() {
            let start = i;
            while i < chars.len() && digit(chars[i]).is_some() {
                i += 1;
            }
            runs.push(Run { start, end: i });
        } else {
            i += 1;
        }
    }
    let digits = |run: Run| -> Vec<u32> {
        chars[run.start..run.end]
            .iter()
            .filter_map(|c| digit(*c))
            .collect()
    };
    let is_mobile = |d: &[u32]| d.len() == 11 && d[0] == 1 && (3..=9).contains(&d[1]);
    let x_after = |run: Run| run.end < chars.len() && is_x(chars[run.end]);
    // One run alone.
    let mut done = vec![false; runs.len()];
    for (k, run) in runs.iter().copied().enumerate() {
        let d = digits(run);
        let s = run.start;
        if d.len() == 18 || (d.len() == 17 && x_after(run)) {
            mask(s + 6, s + 14);
        } else if is_mobile(&d) {
            mask(s + 3, s + 7);
        } else if d.len() == 13 && d[..2] == [8, 6] && is_mobile(&d[2..]) {
            mask(s + 5, s + 9);
        } else if d.len() >= 11 {
            mask(s, run.end - 4);
        } else {
            continue;
        }
        done[k] = true;
    }
    // Numbers written in groups: 138 1234 5678, 110105 19900101 1234, 0731-88888888.
    let joined = |a: Run, b: Run| b.start == a.end + 1 && is_separator(chars[a.end]);
    for k in 0..runs.len() {
        if done[k] {
            continue;
        }
        let r0 = runs[k];
        let d0 = digits(r0);
        if let (Some(&r1), Some(&r2)) = (runs.get(k + 1), runs.get(k + 2))
            && !done[k + 1]
            && !done[k + 2]
            && joined(r0, r1)
            && joined(r1, r2)
        {
            let lens = (r0.len(), r1.len(), r2.len());
            let mut all = d0.clone();
            all.extend(digits(r1));
            all.extend(digits(r2));
            let id_groups = lens == (6, 8, 4) || (lens == (6, 8, 3) && x_after(r2));
            if (lens == (3, 4, 4) && is_mobile(&all)) || id_groups {
                mask(r1.start, r1.end);
                done[k + 1] = true;
                continue;
            }
        }
        if let Some(&r1) = runs.get(k + 1)
            && !done[k + 1]
            && joined(r0, r1)
            && matches!(r0.len(), 3 | 4)
            && matches!(r1.len(), 7 | 8)
            && d0.first() == Some(&0)
        {
            mask(r1.start, r1.end - 4);
            done[k + 1] = true;
        }
    }
    out.into_iter().collect()
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
