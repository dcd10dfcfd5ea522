//! How the workbooks print: every sheet on A4, the wide ones landscape, fitted to one page wide
//! (as many pages tall as it takes) with the header rows repeated on each page; and the height
//! a wrapped row needs, estimated from its text, so LibreOffice and Excel do not draw wrapped
//! text over the row below (an explicit height is all either of them reads from the file).

use crate::i18n::Lang;
use rust_xlsxwriter::{Worksheet, XlsxError};

/// Excel's paper size code for A4.
const PAPER_A4: u8 = 9;

/// The widest sheet (in Excel character units, the sum of its column widths) that still prints
/// portrait on A4: 21 cm less narrow margins holds about 95 characters at 100 %.
const PORTRAIT_MAX_WIDTH: f64 = 95.0;

/// The points one line of 11-point text takes in a row: Chinese fallback fonts (Noto Sans CJK,
/// 等线) are taller than Calibri's 15 points.
const LINE_POINTS: f64 = 16.0;

/// The padding above and below a row's text, in points.
const ROW_PADDING_POINTS: f64 = 4.0;

/// The tallest row Excel accepts, in points.
const MAX_ROW_POINTS: f64 = 409.0;

/// Sets up a sheet for printing: A4, landscape when its columns are wider than a portrait page,
/// fitted to one page wide and unbounded in height, narrow margins, `repeat` (the first and
/// last header row) printed at the top of every page, and the page number in the footer.
pub(crate) fn setup_page(
    ws: &mut Worksheet,
    total_width: f64,
    repeat: Option<(u32, u32)>,
    lang: Lang,
) -> Result<(), XlsxError> {
    // &P and &N are Excel's page number and page count.
    ws.set_footer(lang.pick("&C第 &P 页 共 &N 页", "&CPage &P of &N"));
    ws.set_paper_size(PAPER_A4);
    if total_width > PORTRAIT_MAX_WIDTH {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_print_fit_to_pages(1, 0);
    // Narrow margins (in inches): a wide list gets a few points more per character.
    ws.set_margins(0.3, 0.3, 0.5, 0.5, 0.2, 0.2);
    ws.set_print_center_horizontally(true);
    if let Some((first, last)) = repeat {
        ws.set_repeat_rows(first, last)?;
    }
    Ok(())
}

/// The width of one character in Excel character units (the width of a `0`): two for Chinese
/// and other wide characters, one for the rest.
fn char_units(c: char) -> f64 {
    let wide = matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD);
    if wide { 2.0 } else { 1.0 }
}

/// How many lines `text` takes in a wrapping cell `width` character units wide.
pub(crate) fn wrapped_lines(text: &str, width: f64) -> usize {
    // A cell loses about one character to its padding; Latin text breaks at spaces, which
    // wastes some of each line, so it is counted a little wider.
    let usable = (width - 1.0).max(1.0);
    text.split('\n')
        .map(|line| {
            let units: f64 = line
                .chars()
                .map(|c| {
                    let u = char_units(c);
                    if u < 2.0 { u * 1.1 } else { u }
                })
                .sum();
            ((units / usable).ceil() as usize).max(1)
        })
        .sum()
}

/// The height in points of a row whose tallest cell takes `lines` lines.
pub(crate) fn row_height(lines: usize) -> f64 {
    (lines.max(1) as f64 * LINE_POINTS + ROW_PADDING_POINTS).min(MAX_ROW_POINTS)
}

/// The height of a row of wrapping cells: `cells` pairs each text with its column's width.
pub(crate) fn fitting_height<'a>(cells: impl IntoIterator<Item = (&'a str, f64)>) -> f64 {
    let lines = cells
        .into_iter()
        .map(|(text, width)| wrapped_lines(text, width))
        .max()
        .unwrap_or(1);
    row_height(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_takes_twice_the_room_of_latin() {
        assert_eq!(wrapped_lines("", 20.0), 1);
        // 19 usable units: 9 Chinese characters fit a line, 10 do not.
        assert_eq!(wrapped_lines(&"养".repeat(9), 20.0), 1);
        assert_eq!(wrapped_lines(&"养".repeat(10), 20.0), 2);
        assert_eq!(wrapped_lines(&"养".repeat(30), 20.0), 4);
        assert_eq!(wrapped_lines("abc\ndef\n", 20.0), 3);
        assert!(row_height(3) > row_height(1));
        assert_eq!(row_height(1000), MAX_ROW_POINTS);
    }
}
