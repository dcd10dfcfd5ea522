//! What the command line prints to a terminal: text from records (titles, names, file names,
//! from a colleague's bundle or typed) may hold control characters and escape sequences that
//! would retitle the window, clear the screen or hide text. Every line of text output goes
//! through [`sanitize`] (the `outln!` macro); JSON output is left exact (its encoder escapes
//! the C0 controls, and a script reads it, not a terminal).

use std::borrow::Cow;

/// `text` with every character a terminal would act on replaced by a visible stand-in: C0
/// controls (but line breaks and tabs) by their Unicode control pictures (ESC becomes `␛`),
/// DEL by `␡`, C1 controls and the bidirectional overrides and isolates (which reorder what is
/// shown) by `�`.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_replacing) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if needs_replacing(c) { stand_in(c) } else { c })
            .collect(),
    )
}

fn needs_replacing(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn stand_in(c: char) -> char {
    match u32::from(c) {
        n @ 0..=0x1F => char::from_u32(0x2400 + n).unwrap_or('\u{FFFD}'),
        0x7F => '\u{2421}',
        _ => '\u{FFFD}',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_controls_become_visible() {
        assert_eq!(
            sanitize("标题\u{1b}]0;pwned\u{7}\u{1b}[2J"),
            "标题\u{241B}]0;pwned\u{2407}\u{241B}[2J"
        );
        assert_eq!(
            sanitize("a\rb\u{7f}c\u{9b}d\u{202e}e"),
            "a\u{240D}b\u{2421}c\u{FFFD}d\u{FFFD}e"
        );
        assert!(matches!(
            sanitize("普通\t文字\n"),
            Cow::Borrowed("普通\t文字\n")
        ));
    }
}
