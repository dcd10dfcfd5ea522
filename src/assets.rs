//! Files built into the binary that more than one layer uses.

/// The bundled subset of Noto Sans CJK SC (SIL OFL 1.1, `assets/fonts/README.md`): the
/// window's Chinese text and the Word report's chart.
pub static CJK_FONT: &[u8] = include_bytes!("../assets/fonts/NotoSansSC-Zoufang-Subset.otf");
