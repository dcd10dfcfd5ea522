//! The interface language. Every user-facing string is written as a Chinese/English pair at the
//! place it is used (`lang.pick("走访", "Visits")`), so no key can go missing in one language.

use serde::{Deserialize, Serialize};

/// A language the interface and messages speak.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// Simplified Chinese, the default for users.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Chooses the string of this language from a Chinese/English pair.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The language of the system locale: Chinese for `zh*`, English otherwise.
    pub fn from_system() -> Lang {
        sys_locale::get_locale()
            .map(|l| Lang::from_locale(&l))
            .unwrap_or(Lang::Zh)
    }

    /// Chinese for locales starting with `zh`, English for everything else.
    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// Parses `zh` or `en` (as given on the command line).
    pub fn parse(code: &str) -> Option<Lang> {
        match code.to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "cn" | "中文" => Some(Lang::Zh),
            "en" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    /// The short code (`zh`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// Formats a date the way this language writes it.
    pub fn date(self, date: chrono::NaiveDate) -> String {
        match self {
            Lang::Zh => date.format("%Y年%-m月%-d日").to_string(),
            Lang::En => date.format("%-d %b %Y").to_string(),
        }
    }
}

/// A count with its English noun in the right number: "1 finding", "2 findings".
pub fn count_en(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Something that can say itself to a user in their language.
pub trait Localized {
    /// The message in `lang`.
    fn localized(&self, lang: Lang) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_counts_agree_in_number() {
        assert_eq!(count_en(1, "finding", "findings"), "1 finding");
        assert_eq!(count_en(0, "finding", "findings"), "0 findings");
        assert_eq!(count_en(45, "result", "results"), "45 results");
    }

    #[test]
    fn locale_picks_language() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::from_locale("zh-TW"), Lang::Zh);
        assert_eq!(Lang::from_locale("en_US"), Lang::En);
        assert_eq!(Lang::from_locale("de"), Lang::En);
    }

    #[test]
    fn dates_read_naturally() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(Lang::Zh.date(d), "2026年3月5日");
        assert_eq!(Lang::En.date(d), "5 Mar 2026");
    }
}
