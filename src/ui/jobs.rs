//! Long work (importing, exporting, summarising a large database) runs on a named worker
//! thread with its own connection to the database, and reports progress over a bounded
//! channel; the window polls it once a frame and stays responsive.

use crate::i18n::{Lang, Localized};
use crate::store::Store;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::time::Duration;

/// How often the window looks at a running job.
const POLL: Duration = Duration::from_millis(100);

enum Event<T> {
    Progress(f32),
    Done(Result<T, String>),
}

/// Reports a job's progress (0.0–1.0) to the window.
pub struct Reporter<T> {
    tx: SyncSender<Event<T>>,
    ctx: egui::Context,
}

impl<T> Reporter<T> {
    /// Reports the share of the work done.
    pub fn progress(&self, share: f32) {
        // A full channel means the window has not caught up: dropping a report is harmless.
        if self
            .tx
            .try_send(Event::Progress(share.clamp(0.0, 1.0)))
            .is_ok()
        {
            self.ctx.request_repaint();
        }
    }
}

/// A job running on a worker thread.
pub struct Job<T> {
    /// What the progress bar says.
    pub title: String,
    rx: Receiver<Event<T>>,
    share: f32,
}

impl<T: Send + 'static> Job<T> {
    /// Runs `work` on a thread named `name`, with its own connection to the database at `db`.
    pub fn spawn(
        name: &str,
        title: String,
        ctx: &egui::Context,
        db: PathBuf,
        lang: Lang,
        work: impl FnOnce(&mut Store, &Reporter<T>) -> Result<T, String> + Send + 'static,
    ) -> Job<T> {
        let (tx, rx) = sync_channel(64);
        let reporter = Reporter {
            tx: tx.clone(),
            ctx: ctx.clone(),
        };
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("zoufang-{name}"))
            .spawn(move || {
                let result = Store::open(&db)
                    .map_err(|e| e.localized(lang))
                    .and_then(|mut store| work(&mut store, &reporter));
                // The window may be gone; then nobody needs the result.
                let _ = tx.send(Event::Done(result));
                ctx.request_repaint();
            });
        let job = Job {
            title,
            rx,
            share: 0.0,
        };
        if let Err(err) = spawned {
            let (tx, rx) = sync_channel(1);
            let _ = tx.send(Event::Done(Err(err.to_string())));
            return Job { rx, ..job };
        }
        job
    }

    /// The result once the job is done; asks for another look while it runs.
    pub fn poll(&mut self, ctx: &egui::Context) -> Option<Result<T, String>> {
        loop {
            match self.rx.try_recv() {
                Ok(Event::Progress(share)) => self.share = share,
                Ok(Event::Done(result)) => return Some(result),
                Err(TryRecvError::Empty) => {
                    ctx.request_repaint_after(POLL);
                    return None;
                }
                Err(TryRecvError::Disconnected) => {
                    return Some(Err("the worker stopped unexpectedly".to_owned()));
                }
            }
        }
    }

    /// Blocks until the job is done (for tests and shutdown).
    pub fn wait(self) -> Result<T, String> {
        loop {
            match self.rx.recv() {
                Ok(Event::Progress(_)) => {}
                Ok(Event::Done(result)) => return result,
                Err(_) => return Err("the worker stopped unexpectedly".to_owned()),
            }
        }
    }

    /// A progress bar with the job's title.
    pub fn progress_ui(&self, ui: &mut egui::Ui) {
        ui.add(egui::ProgressBar::new(self.share).text(format!(
            "{} {:.0}%",
            self.title,
            self.share * 100.0
        )));
    }
}
