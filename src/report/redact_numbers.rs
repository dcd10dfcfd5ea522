//! Finding phone, ID and bank-card numbers in a text's normal form (`normalize.rs`), however
//! they are grouped: a *sequence* is digits with short runs of separators between them (spaces,
//! dots, brackets, slashes, hyphens and every dash), read as groups; the longest run of groups
//! that forms a known number is masked, then the rest is tried.

/// Characters that may stand between the digits of one number.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '.' | '(' | ')' | '/' | '+' | '_' | '·' | '\u{2010}'
                ..='\u{2015}' | '\u{2212}' | '\u{2E3A}' | '\u{2E3B}' | '\u{30FC}' | '\u{FE58}'
        )
}

/// Separators between two groups of one number: at most this many in a row.
const MAX_SEPARATORS: usize = 3;

/// Words that say the number beside them is a phone number, so a bare 7- or 8-digit local
/// number is masked too.
const PHONE_WORDS: &[&str] = &[
    "电话",
    "座机",
    "固话",
    "联系方式",
    "手机",
    "联系",
    "号码",
    "tel",
    "phone",
    "mobile",
];

/// How far before a number (in characters) a phone word is looked for.
const PHONE_WORD_WINDOW: usize = 10;

/// The positions (indices into `chars`) of the digits to mask in `chars`, a normal form.
pub(crate) fn number_masks(chars: &[char]) -> Vec<usize> {
    let mut masked = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let (groups, end) = sequence(chars, i);
        let phone_word = phone_word_before(chars, i);
        mask_groups(chars, &groups, phone_word, &mut masked);
        i = end;
    }
    masked
}

/// The groups of digit positions of the sequence starting at `start` (a digit), and where it
/// ends. A trailing `X` after 17 digits belongs to it (an ID number's check character).
fn sequence(chars: &[char], start: usize) -> (Vec<Vec<usize>>, usize) {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut i = start;
    loop {
        let mut group = Vec::new();
        while i < chars.len() && chars[i].is_ascii_digit() {
            group.push(i);
            i += 1;
        }
        groups.push(group);
        let mut j = i;
        while j < chars.len() && j - i < MAX_SEPARATORS && is_separator(chars[j]) {
            j += 1;
        }
        if j > i && j < chars.len() && chars[j].is_ascii_digit() {
            i = j;
        } else {
            break;
        }
    }
    let digits: usize = groups.iter().map(Vec::len).sum();
    let mut x = i;
    while x < chars.len() && x - i < MAX_SEPARATORS && is_separator(chars[x]) {
        x += 1;
    }
    if digits == 17 && x < chars.len() && matches!(chars[x], 'X' | 'x') {
        if let Some(last) = groups.last_mut() {
            last.push(x);
        }
        i = x + 1;
    }
    (groups, i)
}

/// Whether a phone word stands in the few characters before `at`.
fn phone_word_before(chars: &[char], at: usize) -> bool {
    let from = at.saturating_sub(PHONE_WORD_WINDOW);
    let window: String = chars[from..at].iter().collect::<String>().to_lowercase();
    PHONE_WORDS.iter().any(|w| window.contains(w))
}

/// Masks the known numbers among `groups`: from each first group, the longest run of groups
/// that reads as one; any other single run of 11 digits or more is masked but for its last
/// four.
fn mask_groups(chars: &[char], groups: &[Vec<usize>], phone_word: bool, masked: &mut Vec<usize>) {
    let mut first = 0;
    while first < groups.len() {
        let known = (first..groups.len()).rev().find_map(|last| {
            let run = &groups[first..=last];
            let positions: Vec<usize> = run.concat();
            let digits: Vec<char> = positions.iter().map(|&p| chars[p]).collect();
            let lens: Vec<usize> = run.iter().map(Vec::len).collect();
            known_number(&digits, &lens, phone_word).map(|range| (last, positions, range))
        });
        match known {
            Some((last, positions, range)) => {
                masked.extend(&positions[range]);
                first = last + 1;
            }
            None => {
                let group = &groups[first];
                if group.len() >= 11 {
                    masked.extend(&group[..group.len() - 4]);
                }
                first += 1;
            }
        }
    }
}

/// Whether the digits in groups of `lens` read as a date (2026-04-01, 2026.4.1, 20260401).
fn looks_like_date(d: &[char], lens: &[usize]) -> bool {
    let number = |digits: &[char]| -> u32 {
        digits
            .iter()
            .filter_map(|c| c.to_digit(10))
            .fold(0, |n, x| n * 10 + x)
    };
    let (month, day) = match lens {
        [4, m @ 1..=2, 1..=2] => (number(&d[4..4 + m]), number(&d[4 + m..])),
        [8] => (number(&d[4..6]), number(&d[6..8])),
        _ => return false,
    };
    matches!(&d[..2], ['1', '9'] | ['2', '0'])
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
}

/// Whether the digits are a mainland mobile number.
fn is_mobile(d: &[char]) -> bool {
    d.len() == 11 && d[0] == '1' && ('3'..='9').contains(&d[1])
}

/// If `d` (in groups of `lens` digits) reads as a known number, which of its digits to mask.
/// `phone_word`: a phone word stands before it, so a bare 7- or 8-digit local number counts.
fn known_number(d: &[char], lens: &[usize], phone_word: bool) -> Option<std::ops::Range<usize>> {
    let n = d.len();
    let all_digits = d.iter().all(char::is_ascii_digit);
    let id_shaped =
        n == 18 && d[..17].iter().all(char::is_ascii_digit) && looks_like_date(&d[6..14], &[8]);
    if id_shaped {
        // 18-character ID number: the birth date and sequence go (110105********1234).
        return Some(6..14);
    }
    if !all_digits {
        return None;
    }
    if is_mobile(d) {
        return Some(3..7);
    }
    for prefix in [&['8', '6'][..], &['0', '0', '8', '6'][..]] {
        if d.starts_with(prefix) && is_mobile(&d[prefix.len()..]) {
            let p = prefix.len();
            return Some(p + 3..p + 7);
        }
    }
    if d[0] == '0' && (10..=12).contains(&n) {
        // Area code: 010 and 02x have three digits, the others four.
        let area = if matches!(d.get(1), Some('1' | '2')) {
            3
        } else {
            4
        };
        // Written in groups, the first is the area code itself.
        if (7..=8).contains(&(n - area)) && (lens.len() == 1 || lens[0] == area) {
            return Some(area..n - 4);
        }
    }
    // A bank card, in one run or in groups of four (the first may have six): all but the last
    // four.
    let card_groups = match lens {
        [_] => true,
        [first, middle @ .., _] => matches!(first, 4 | 6) && middle.iter().all(|&l| l == 4),
        [] => false,
    };
    if (16..=19).contains(&n) && card_groups {
        return Some(0..n - 4);
    }
    if phone_word && (7..=8).contains(&n) && d[0] != '0' && !looks_like_date(d, lens) {
        return Some(0..n - 4);
    }
    None
}
