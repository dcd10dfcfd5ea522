//! Helpers for the window's flows under egui_kittest.

use egui_kittest::Harness;
use std::time::Duration;
use zoufang::ui::ZoufangApp;

/// Steps the window until no worker is busy (a worker finishing mid-run asks for frames of its
/// own), then runs it to rest.
pub fn settle(h: &mut Harness<'static, ZoufangApp>) {
    for _ in 0..1000 {
        let _ = h.try_run();
        if !h.state().is_busy() {
            h.run();
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the worker did not finish");
}
