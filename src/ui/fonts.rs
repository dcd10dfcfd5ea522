//! Chinese text everywhere: the bundled CJK subset (通用规范汉字表 + GB 2312, see
//! `assets/fonts/README.md`) is registered as a fallback behind egui's own fonts, and installed
//! system CJK fonts (if any) after it, for rare characters in people's names.

use egui::{FontData, FontDefinitions, FontFamily};
use std::sync::Arc;

/// The bundled subset of Noto Sans CJK SC (SIL OFL 1.1).
pub use crate::assets::CJK_FONT;

const CJK_NAME: &str = "noto-sans-sc-subset";

/// System fonts tried after the bundled one, for characters beyond its subset.
const SYSTEM_FALLBACKS: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
    ("C:\\Windows\\Fonts\\simsun.ttc", 0),
];

/// egui's default fonts with the CJK subset (and system CJK fonts, if found) as fallbacks.
pub fn font_definitions(with_system_fallbacks: bool) -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert(
        CJK_NAME.to_owned(),
        Arc::new(FontData::from_static(CJK_FONT)),
    );
    let mut names = vec![CJK_NAME.to_owned()];
    if with_system_fallbacks {
        for (i, (path, index)) in SYSTEM_FALLBACKS.iter().enumerate() {
            if let Ok(bytes) = std::fs::read(path) {
                let name = format!("system-cjk-{i}");
                let mut data = FontData::from_owned(bytes);
                data.index = *index;
                fonts.font_data.insert(name.clone(), Arc::new(data));
                names.push(name);
                break;
            }
        }
    }
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .extend(names.iter().cloned());
    }
    fonts
}

/// Installs the fonts on a context.
pub fn install(ctx: &egui::Context, with_system_fallbacks: bool) {
    ctx.set_fonts(font_definitions(with_system_fallbacks));
}
