//! Attachments in the editors: a row of thumbnails (decoded on a worker thread, cached by
//! SHA-256, a broken-image tile for what cannot be decoded), each with its name, size and who
//! added it when, a button that opens it in the system's viewer, and one that moves it to the
//! Trash. Adding files (dialog or drop) and opening them run as jobs of the shell
//! ([`AppCommand::Attach`], [`AppCommand::OpenAttachment`]).

use super::app::{AppCommand, Shared};
use crate::i18n::Lang;
use crate::model::{Attachment, AttachmentId, AttachmentOwner};
use crate::store::{Store, human_size};
use egui::{Color32, RichText, Ui, Vec2};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

/// The longest side of a thumbnail, in pixels.
pub const THUMB_SIDE: u32 = 128;

/// The largest image a thumbnail is decoded from (each side), and the most memory decoding may
/// take: a crafted image that claims 100 000 × 100 000 pixels is refused, not allocated.
const MAX_DECODE_SIDE: u32 = 12_000;
const MAX_DECODE_ALLOC: u64 = 512 << 20;

/// Decodes `bytes` (JPEG or PNG) into a thumbnail whose longest side is at most `max_side`.
/// `None` for anything that is not a decodable image within the limits — corrupt, truncated,
/// hostile or of another format; a panic inside the decoder counts as such too.
pub fn decode_thumbnail(bytes: &[u8], max_side: u32) -> Option<egui::ColorImage> {
    std::panic::catch_unwind(|| {
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(MAX_DECODE_SIDE);
        limits.max_image_height = Some(MAX_DECODE_SIDE);
        limits.max_alloc = Some(MAX_DECODE_ALLOC);
        let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .ok()?;
        reader.limits(limits);
        let image = reader.decode().ok()?;
        let thumb = image.thumbnail(max_side, max_side).to_rgba8();
        let size = [thumb.width() as usize, thumb.height() as usize];
        Some(egui::ColorImage::from_rgba_unmultiplied(
            size,
            thumb.as_raw(),
        ))
    })
    .ok()
    .flatten()
}

/// Whether thumbnails are decoded for this attachment (the formats this build decodes).
fn has_thumbnail(a: &Attachment) -> bool {
    matches!(a.mime.as_str(), "image/jpeg" | "image/png")
}

/// A thumbnail's state.
enum Thumb {
    Pending,
    Ready(egui::TextureHandle),
    Broken,
}

/// Thumbnails by SHA-256, decoded by one worker thread (named `zoufang-thumbnails`) that reads
/// the bytes through its own read-only connection.
#[derive(Default)]
pub struct Thumbnails {
    thumbs: HashMap<String, Thumb>,
    requests: Option<Sender<(PathBuf, String)>>,
    results: Option<Receiver<(String, Option<egui::ColorImage>)>>,
}

impl Thumbnails {
    /// Whether a thumbnail is still being decoded.
    pub fn is_busy(&self) -> bool {
        self.thumbs.values().any(|t| matches!(t, Thumb::Pending))
    }

    /// Takes in the thumbnails decoded since the last frame.
    fn receive(&mut self, ctx: &egui::Context) {
        let Some(results) = &self.results else {
            return;
        };
        while let Ok((sha256, image)) = results.try_recv() {
            let thumb = match image {
                Some(image) => Thumb::Ready(ctx.load_texture(
                    format!("thumb-{sha256}"),
                    image,
                    egui::TextureOptions::LINEAR,
                )),
                None => Thumb::Broken,
            };
            self.thumbs.insert(sha256, thumb);
        }
    }

    /// The thumbnail of `sha256`, asking the worker for it the first time.
    fn get(&mut self, ctx: &egui::Context, db: &Path, sha256: &str) -> &Thumb {
        if !self.thumbs.contains_key(sha256) {
            let sent = self
                .sender(ctx)
                .is_some_and(|tx| tx.send((db.to_owned(), sha256.to_owned())).is_ok());
            let state = if sent { Thumb::Pending } else { Thumb::Broken };
            self.thumbs.insert(sha256.to_owned(), state);
        }
        self.thumbs.get(sha256).unwrap_or(&Thumb::Broken)
    }

    fn sender(&mut self, ctx: &egui::Context) -> Option<&Sender<(PathBuf, String)>> {
        if self.requests.is_none() {
            let (req_tx, req_rx) = channel::<(PathBuf, String)>();
            let (res_tx, res_rx) = channel();
            let ctx = ctx.clone();
            std::thread::Builder::new()
                .name("zoufang-thumbnails".to_owned())
                .spawn(move || {
                    for (db, sha256) in req_rx {
                        let image = Store::open_read_only(&db)
                            .ok()
                            .and_then(|store| store.read_blob(&sha256).ok().flatten())
                            .and_then(|bytes| decode_thumbnail(&bytes, THUMB_SIDE));
                        if res_tx.send((sha256, image)).is_err() {
                            return;
                        }
                        ctx.request_repaint();
                    }
                })
                .ok()?;
            self.requests = Some(req_tx);
            self.results = Some(res_rx);
        }
        self.requests.as_ref()
    }
}

/// Where a window keeps its thumbnail cache in the context's data.
pub fn thumbnails_id() -> egui::Id {
    egui::Id::unique("zoufang-thumbnails")
}

/// The shared thumbnail cache of a window (kept in the context, so every editor finds it).
pub fn thumbnails(ctx: &egui::Context) -> Arc<Mutex<Thumbnails>> {
    ctx.data_mut(|d| {
        d.get_temp_mut_or_default::<Arc<Mutex<Thumbnails>>>(thumbnails_id())
            .clone()
    })
}

/// A name safe to write in a folder of ours: the last part of the attached name, without
/// separators or control characters (a bundle's names are hostile input).
pub fn safe_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let clean = clean.trim().trim_start_matches('.').to_owned();
    if clean.is_empty() {
        "attachment".to_owned()
    } else {
        clean.chars().take(120).collect()
    }
}

/// Writes an attachment to a temporary folder and opens it with the system's viewer (run on a
/// worker thread: the viewer may take a while to start). Without a viewer, the message says
/// where the file was written so it can be opened by hand.
pub fn open_with_viewer(store: &Store, id: AttachmentId, lang: Lang) -> Result<PathBuf, String> {
    use crate::i18n::Localized;
    let attachment = store.attachment(id).map_err(|e| e.localized(lang))?;
    let dir = std::env::temp_dir()
        .join("zoufang-attachments")
        .join(id.to_string());
    std::fs::create_dir_all(&dir).map_err(|e| format!("{e}: {}", dir.display()))?;
    let path = dir.join(safe_file_name(&attachment.name));
    store
        .extract_attachment(id, &path)
        .map_err(|e| e.localized(lang))?;
    let mut command = viewer_command(&path);
    let program = command.get_program().to_string_lossy().into_owned();
    let no_viewer = |e: std::io::Error| {
        format!(
            "{}{program}: {e}{}{}",
            lang.pick(
                "无法启动系统的文件查看程序（",
                "Could not start the system's viewer ("
            ),
            lang.pick("）；文件已保存在：", "); the file is saved at: "),
            path.display()
        )
    };
    let mut child = command.spawn().map_err(no_viewer)?;
    // Reaps the launcher (xdg-open and friends return once the viewer is started).
    child.wait().map_err(no_viewer)?;
    Ok(path)
}

fn viewer_command(path: &Path) -> std::process::Command {
    viewer_command_on(std::env::consts::OS, path)
}

/// The program that opens `path` with the system's viewer on `os`, the path always its one
/// argument. On Windows that is `explorer`, not `cmd /C start`: cmd parses its command line
/// again, so a file name holding `&`, `|` or `^` (from a colleague's bundle) would run a
/// command.
fn viewer_command_on(os: &str, path: &Path) -> std::process::Command {
    let program = match os {
        "windows" => "explorer",
        "macos" => "open",
        _ => "xdg-open",
    };
    let mut c = std::process::Command::new(program);
    c.arg(path);
    c
}

/// The attachments of one record as an editor shows them, re-read when data changes.
#[derive(Default)]
pub struct AttachmentList {
    cached: Option<(u64, Vec<Attachment>)>,
}

impl AttachmentList {
    /// The attachments, read again when the data changed.
    fn load(&mut self, shared: &mut Shared<'_>, owner: AttachmentOwner) -> Vec<Attachment> {
        let revision = shared.revisions.of(&[crate::store::RecordKind::Attachment]);
        if self.cached.as_ref().is_none_or(|(rev, _)| *rev != revision) {
            let list = shared.store.attachments(&owner.id_text(), false);
            let list = shared.report(list);
            self.cached = Some((revision, list));
        }
        self.cached
            .as_ref()
            .map(|(_, list)| list.clone())
            .unwrap_or_default()
    }

    /// The attachments section of an editor: heading, "add files", the tiles.
    pub fn ui(&mut self, ui: &mut Ui, shared: &mut Shared<'_>, owner: AttachmentOwner) {
        let lang = shared.lang;
        ui.horizontal(|ui| {
            ui.label(RichText::new(lang.pick("附件", "Attachments")).strong());
            if ui
                .button(lang.pick("＋ 添加附件…", "+ Add files…"))
                .on_hover_text(lang.pick(
                    "照片或文件；也可以直接拖放到窗口中",
                    "Photos or documents; you can also drop them on the window",
                ))
                .clicked()
                && let Some(files) = rfd::FileDialog::new()
                    .set_title(lang.pick("选择要添加的附件", "Choose files to attach"))
                    .pick_files()
            {
                shared.send(AppCommand::Attach(owner, files));
            }
        });
        let list = self.load(shared, owner);
        if list.is_empty() {
            ui.label(
                RichText::new(lang.pick(
                    "暂无附件（可拖放照片或文件到此处）",
                    "No attachments (drop photos or files here)",
                ))
                .weak(),
            );
            return;
        }
        let cache = thumbnails(ui.ctx());
        let Ok(mut thumbs) = cache.lock() else {
            return;
        };
        thumbs.receive(ui.ctx());
        ui.horizontal_wrapped(|ui| {
            for a in &list {
                ui.push_id(a.id.to_string(), |ui| {
                    tile_ui(ui, shared, &mut thumbs, a, owner);
                });
            }
        });
    }
}

/// One attachment: thumbnail (or file icon), name, size, who added it when, open and remove;
/// on a finding, whether it is evidence of the rectification (changes go to the shell).
fn tile_ui(
    ui: &mut Ui,
    shared: &mut Shared<'_>,
    thumbs: &mut Thumbnails,
    a: &Attachment,
    owner: AttachmentOwner,
) {
    let lang = shared.lang;
    let side = THUMB_SIDE as f32;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(side + 8.0);
        ui.vertical(|ui| {
            let picture = picture_ui(ui, shared.db_path, thumbs, a, lang);
            if picture.double_clicked() {
                shared.send(AppCommand::OpenAttachment(a.id));
            }
            ui.add(egui::Label::new(RichText::new(&a.name).small()).truncate())
                .on_hover_text(&a.name);
            let added = a
                .meta
                .created_at
                .map(|t| {
                    t.with_timezone(&chrono::Local)
                        .format("%Y-%m-%d")
                        .to_string()
                })
                .unwrap_or_default();
            ui.label(
                RichText::new(format!(
                    "{} · {} {}",
                    human_size(u64::try_from(a.size_bytes).unwrap_or(0)),
                    a.added_by,
                    added
                ))
                .small()
                .weak(),
            );
            if matches!(owner, AttachmentOwner::Finding(_)) {
                let mut evidence = a.evidence;
                if ui
                    .checkbox(&mut evidence, lang.pick("整改佐证", "Evidence"))
                    .on_hover_text(lang.pick(
                        "销号时作为整改到位的证明材料",
                        "Named as evidence when the problem is closed",
                    ))
                    .changed()
                {
                    shared.send(AppCommand::SetEvidence(a.id, evidence));
                }
            }
            ui.horizontal(|ui| {
                if ui.small_button(lang.pick("打开", "Open")).clicked() {
                    shared.send(AppCommand::OpenAttachment(a.id));
                }
                if ui
                    .small_button(lang.pick("移除", "Remove"))
                    .on_hover_text(
                        lang.pick("移入回收站，可恢复", "To the Trash (can be restored)"),
                    )
                    .clicked()
                {
                    shared.send(AppCommand::Delete(a.id.to_string()));
                }
            });
        });
    });
}

/// The thumbnail, a spinner while it is decoded, a broken-image tile, or a file icon.
fn picture_ui(
    ui: &mut Ui,
    db: &Path,
    thumbs: &mut Thumbnails,
    a: &Attachment,
    lang: Lang,
) -> egui::Response {
    let side = THUMB_SIDE as f32;
    let size = Vec2::splat(side);
    if has_thumbnail(a) {
        match thumbs.get(ui.ctx(), db, &a.sha256) {
            Thumb::Ready(texture) => {
                // Every tile the same size: the picture centred in its square.
                let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
                let response = ui.put(
                    rect,
                    egui::Image::new(texture)
                        .max_size(size)
                        .sense(egui::Sense::click()),
                );
                let label = format!("{} {}", lang.pick("缩略图", "Thumbnail"), a.name);
                response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &label));
                return response.on_hover_text(lang.pick("双击打开", "Double-click to open"));
            }
            Thumb::Pending => {
                let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click());
                ui.put(rect, egui::Spinner::new());
                return response;
            }
            Thumb::Broken => {
                return icon_ui(
                    ui,
                    "×",
                    lang.pick("无法显示的图片", "Image cannot be shown"),
                    ui.visuals().error_fg_color,
                );
            }
        }
    }
    let ext = a.extension();
    let ext = if ext.is_empty() { "?".to_owned() } else { ext };
    let caption = format!("{ext} {}", lang.pick("文件", "file"));
    icon_ui(ui, &ext, &caption, ui.visuals().strong_text_color())
}

/// A square with a big mark and a caption: the file icon and the broken-image tile.
fn icon_ui(ui: &mut Ui, mark: &str, caption: &str, color: Color32) -> egui::Response {
    let side = THUMB_SIDE as f32;
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(side), egui::Sense::click());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect.shrink(4.0), 6.0, ui.visuals().faint_bg_color);
    painter.rect_stroke(
        rect.shrink(4.0),
        6.0,
        ui.visuals().widgets.noninteractive.bg_stroke,
        egui::StrokeKind::Inside,
    );
    painter.text(
        rect.center() - Vec2::new(0.0, 10.0),
        egui::Align2::CENTER_CENTER,
        mark,
        egui::FontId::proportional(28.0),
        color,
    );
    painter.text(
        rect.center() + Vec2::new(0.0, 26.0),
        egui::Align2::CENTER_CENTER,
        caption,
        egui::FontId::proportional(11.0),
        ui.visuals().weak_text_color(),
    );
    // Screen readers (and UI tests) hear the caption.
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, caption));
    response.on_hover_text(caption)
}

/// Files dropped on the window that are bundles or databases to import (the rest are attached
/// to the open record).
pub fn is_import_file(path: &Path) -> bool {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .is_some_and(|e| matches!(e.as_str(), "zfb" | "sqlite" | "db" | "zoufang"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_file_name_with_shell_characters_stays_one_argument_on_every_system() {
        let path = Path::new(r"C:\Temp\zoufang\a & calc.exe ^| x.jpg");
        for (os, program) in [
            ("windows", "explorer"),
            ("macos", "open"),
            ("linux", "xdg-open"),
        ] {
            let command = viewer_command_on(os, path);
            assert_eq!(command.get_program(), program);
            let args: Vec<_> = command.get_args().collect();
            assert_eq!(args, [path.as_os_str()], "{os}");
        }
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = std::io::Cursor::new(Vec::new());
        image.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_photo_becomes_a_small_thumbnail() {
        let thumb = decode_thumbnail(&png(400, 300), THUMB_SIDE).unwrap();
        assert_eq!(thumb.size, [128, 96]);
    }

    #[test]
    fn corrupt_and_hostile_images_give_no_thumbnail_and_no_crash() {
        // A JPEG cut short, a JPEG header followed by noise, random bytes, nothing.
        let mut jpeg = vec![
            0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0,
        ];
        assert!(decode_thumbnail(&jpeg, THUMB_SIDE).is_none());
        jpeg.extend((0..5000u32).map(|i| (i * 131 % 256) as u8));
        assert!(decode_thumbnail(&jpeg, THUMB_SIDE).is_none());
        assert!(decode_thumbnail(b"not an image at all", THUMB_SIDE).is_none());
        assert!(decode_thumbnail(&[], THUMB_SIDE).is_none());
        // A PNG whose header claims 1,000,000 x 1,000,000 pixels: refused, not allocated.
        let mut huge = png(2, 2);
        huge[16..20].copy_from_slice(&1_000_000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&1_000_000u32.to_be_bytes());
        assert!(decode_thumbnail(&huge, THUMB_SIDE).is_none());
        // A good PNG truncated half way.
        let good = png(300, 300);
        assert!(decode_thumbnail(&good[..good.len() / 2], THUMB_SIDE).is_none());
    }

    #[test]
    fn names_from_a_bundle_cannot_leave_the_folder() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\x\\照片.jpg"), "照片.jpg");
        assert_eq!(safe_file_name(".."), "attachment");
        assert_eq!(safe_file_name("a\u{0}b?.png"), "a_b_.png");
    }

    #[test]
    fn bundles_are_imported_and_photos_attached_when_dropped() {
        assert!(is_import_file(Path::new("王敏.ZFB")));
        assert!(is_import_file(Path::new("colleague.sqlite")));
        assert!(!is_import_file(Path::new("现场.jpg")));
        assert!(!is_import_file(Path::new("README")));
    }
}
