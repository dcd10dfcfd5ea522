//! The chart of problems per topic, shared by the Summary view and the Word report: one bar per
//! top-level topic with problems, closed and not yet closed stacked. The window draws it with
//! egui_plot; the Word report holds it as a picture (`chart_png.rs`).

use super::Summary;
use crate::i18n::Lang;

/// One bar: a topic and its problems.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicBar {
    /// The topic's name in the report's language.
    pub name: String,
    /// Problems closed (销号).
    pub closed: i64,
    /// Problems not closed yet: open, in progress, or at a phased stage target.
    pub pending: i64,
}

impl TopicBar {
    /// All its problems.
    pub fn problems(&self) -> i64 {
        self.closed + self.pending
    }

    /// What the bar's numbers are: "养老服务：问题 12 个，已销号 5 个，未销号 7 个".
    pub fn describe(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "{}：问题 {} 个，已销号 {} 个，未销号 {} 个",
                self.name,
                self.problems(),
                self.closed,
                self.pending
            ),
            Lang::En => format!(
                "{}: {}, {} closed, {} not yet closed",
                self.name,
                crate::i18n::count_en(self.problems(), "problem", "problems"),
                self.closed,
                self.pending
            ),
        }
    }
}

/// The top-level topics with problems, in the summary's order.
pub fn topic_bars(summary: &Summary, lang: Lang) -> Vec<TopicBar> {
    summary
        .by_topic
        .iter()
        .filter(|t| t.depth == 0 && t.figures.problems > 0)
        .map(|t| TopicBar {
            name: t.name(lang).to_owned(),
            closed: t.figures.closed,
            pending: t.figures.problems - t.figures.closed,
        })
        .collect()
}

/// The chart's title.
pub fn chart_title(lang: Lang) -> &'static str {
    lang.pick(
        "各专题问题整改情况（问题个数）",
        "Problems per topic (number of problems)",
    )
}

/// The two series' names: closed, not yet closed.
pub fn series_names(lang: Lang) -> [&'static str; 2] {
    [
        lang.pick("已销号", "Closed"),
        lang.pick("未销号", "Not yet closed"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<TopicBar> {
        vec![
            TopicBar {
                name: "养老服务".to_owned(),
                closed: 5,
                pending: 7,
            },
            TopicBar {
                name: "殡葬<管理>".to_owned(),
                closed: 0,
                pending: 3,
            },
        ]
    }

    #[test]
    fn a_bar_says_what_its_numbers_are() {
        let bar = &bars()[0];
        assert_eq!(
            bar.describe(Lang::Zh),
            "养老服务：问题 12 个，已销号 5 个，未销号 7 个"
        );
        assert_eq!(
            bar.describe(Lang::En),
            "养老服务: 12 problems, 5 closed, 7 not yet closed"
        );
    }
}
