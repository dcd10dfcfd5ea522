//! The chart of problems per topic as a PNG picture, drawn by `plotters` with the bundled Chinese
//! font: one horizontal bar per top-level topic, closed and not yet closed stacked, the numbers
//! on the bars, the first topic on top. A picture shows the same in Word, WPS, LibreOffice,
//! pandoc and python-docx, where a chart part is drawn by some and dropped by others.

use super::chart::{TopicBar, chart_title, series_names};
use super::{ReportError, Result};
use crate::i18n::Lang;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};
use std::io::Cursor;
use std::sync::OnceLock;

/// The name the bundled font is registered under in plotters.
const FONT: &str = "zoufang-cjk";

/// The picture's width in pixels: about 200 dpi across a landscape A4 page's text.
pub(crate) const WIDTH_PX: u32 = 2000;

/// The colour of closed problems (the window's chart uses the same two).
const CLOSED: RGBColor = RGBColor(0x50, 0xA0, 0x64);
/// The colour of problems not closed yet.
const PENDING: RGBColor = RGBColor(0xC8, 0x96, 0x3C);

/// The picture's height in pixels for `bars` bars: title, legend and axis, and a row per bar.
pub(crate) fn height_px(bars: usize) -> u32 {
    let bars = u32::try_from(bars).unwrap_or(u32::MAX).min(60);
    260 + 80 * bars.max(1)
}

/// Registers the bundled font with plotters, once; false if it cannot be read.
fn font_ready() -> bool {
    static READY: OnceLock<bool> = OnceLock::new();
    *READY.get_or_init(|| register_font(FONT, FontStyle::Normal, crate::assets::CJK_FONT).is_ok())
}

/// The chart of `bars` as PNG bytes, labels in `lang`.
pub(crate) fn topic_chart_png(bars: &[TopicBar], lang: Lang) -> Result<Vec<u8>> {
    let chart_error = |e: String| ReportError::Chart(e);
    if !font_ready() {
        return Err(chart_error("the bundled font cannot be read".to_owned()));
    }
    let size = (WIDTH_PX, height_px(bars.len()));
    let mut rgb = vec![0u8; size.0 as usize * size.1 as usize * 3];
    draw(&mut rgb, size, bars, lang).map_err(|e| chart_error(e.to_string()))?;
    let picture = image::RgbImage::from_raw(size.0, size.1, rgb)
        .ok_or_else(|| chart_error("the picture buffer has the wrong size".to_owned()))?;
    let mut png = Cursor::new(Vec::new());
    picture
        .write_to(&mut png, image::ImageFormat::Png)
        .map_err(|e| chart_error(e.to_string()))?;
    Ok(png.into_inner())
}

/// Draws the chart into an RGB buffer of `size` pixels.
fn draw(
    buffer: &mut [u8],
    size: (u32, u32),
    bars: &[TopicBar],
    lang: Lang,
) -> std::result::Result<(), Box<dyn std::error::Error>> {
    let root = BitMapBackend::with_buffer(buffer, size).into_drawing_area();
    root.fill(&WHITE)?;
    let n = i32::try_from(bars.len()).unwrap_or(i32::MAX).clamp(1, 60);
    let most = bars
        .iter()
        .map(TopicBar::problems)
        .max()
        .unwrap_or(0)
        .max(1);
    // Room on the right for the totals and the legend.
    let x_end = most + most * 2 / 5 + 1;
    let longest_name = bars
        .iter()
        .map(|b| b.name.chars().count())
        .max()
        .unwrap_or(4);
    let name_area = u32::try_from(longest_name * 34 + 30)
        .unwrap_or(600)
        .clamp(120, 700);
    // The first topic on top: segment `i` from the bottom holds bar `n - 1 - i`.
    let bar_at = |segment: i32| bars.get(usize::try_from(n - 1 - segment).ok()?);
    let mut chart = ChartBuilder::on(&root)
        .caption(chart_title(lang), (FONT, 48))
        .margin(30)
        .x_label_area_size(60)
        .y_label_area_size(name_area)
        .build_cartesian_2d(0..x_end, (0..n).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(bars.len().max(1))
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => bar_at(*i).map(|b| b.name.clone()).unwrap_or_default(),
            _ => String::new(),
        })
        .x_label_formatter(&|v| v.to_string())
        .x_labels(10)
        .y_label_style((FONT, 34))
        .x_label_style((FONT, 30))
        .light_line_style(RGBColor(0xEE, 0xEE, 0xEE))
        .bold_line_style(RGBColor(0xD9, 0xD9, 0xD9))
        .draw()?;

    let [closed_name, pending_name] = series_names(lang);
    let segment = |segment: i32, from: i64, to: i64, colour: RGBColor| {
        let mut bar = Rectangle::new(
            [
                (from, SegmentValue::Exact(segment)),
                (to, SegmentValue::Exact(segment + 1)),
            ],
            colour.filled(),
        );
        bar.set_margin(14, 14, 0, 0);
        bar
    };
    let rows = (0..n).filter_map(|i| bar_at(i).map(|b| (i, b)));
    chart
        .draw_series(
            rows.clone()
                .filter(|(_, b)| b.closed > 0)
                .map(|(i, b)| segment(i, 0, b.closed, CLOSED)),
        )?
        .label(closed_name)
        .legend(|(x, y)| Rectangle::new([(x, y - 12), (x + 28, y + 12)], CLOSED.filled()));
    chart
        .draw_series(
            rows.clone()
                .filter(|(_, b)| b.pending > 0)
                .map(|(i, b)| segment(i, b.closed, b.problems(), PENDING)),
        )?
        .label(pending_name)
        .legend(|(x, y)| Rectangle::new([(x, y - 12), (x + 28, y + 12)], PENDING.filled()));

    // Each part's number inside it when it is wide enough, the total after the bar.
    let inside = TextStyle::from((FONT, 30).into_font())
        .color(&WHITE)
        .pos(Pos::new(HPos::Center, VPos::Center));
    let after = TextStyle::from((FONT, 30).into_font())
        .color(&BLACK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    let wide_enough = |value: i64| value * 25 >= most;
    for (i, b) in rows {
        let middle = SegmentValue::CenterOf(i);
        if b.closed > 0 && wide_enough(b.closed) && b.pending > 0 {
            let at = (b.closed / 2, middle.clone());
            chart.draw_series([Text::new(b.closed.to_string(), at, inside.clone())])?;
        }
        if b.pending > 0 && wide_enough(b.pending) && b.closed > 0 {
            let at = (b.closed + b.pending / 2, middle.clone());
            chart.draw_series([Text::new(b.pending.to_string(), at, inside.clone())])?;
        }
        let total = match lang {
            Lang::Zh => format!(" {}（已销号 {}）", b.problems(), b.closed),
            Lang::En => format!(" {} ({} closed)", b.problems(), b.closed),
        };
        chart.draw_series([Text::new(total, (b.problems(), middle), after.clone())])?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font((FONT, 32))
        .margin(20)
        .background_style(WHITE)
        .border_style(RGBColor(0xBF, 0xBF, 0xBF))
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_is_a_png_with_both_colours_drawn() {
        let bars = vec![
            TopicBar {
                name: "养老服务".to_owned(),
                closed: 5,
                pending: 7,
            },
            TopicBar {
                name: "殡葬管理".to_owned(),
                closed: 0,
                pending: 3,
            },
        ];
        let png = topic_chart_png(&bars, Lang::Zh).unwrap();
        let picture = image::load_from_memory(&png).unwrap().to_rgb8();
        assert_eq!(picture.dimensions(), (WIDTH_PX, height_px(2)));
        let has = |c: RGBColor| picture.pixels().any(|p| p.0 == [c.0, c.1, c.2]);
        assert!(has(CLOSED) && has(PENDING), "both series are drawn");
        // Text is drawn: some dark pixels that are neither bar.
        assert!(
            picture
                .pixels()
                .filter(|p| p.0[0] < 80 && p.0[1] < 80)
                .count()
                > 500
        );
    }
}
