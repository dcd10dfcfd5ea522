//! Reading an XLSForm workbook into a [`FormDefinition`]: the `survey`, `choices` and
//! `settings` sheets as the spec and pyxform read them. Every problem is collected with its
//! sheet, row and column, and all of them are reported at once.

use super::checks;
use super::columns::{Columns, SheetKind};
use super::definition::{Choice, FormDefinition, Question, Required, Translated};
use super::error::{FormError, SheetProblem};
use super::expr::{Expression, check_functions};
use super::types::{QuestionType, TypeCell, TypeProblem, parse_type};
use super::workbook::{MAX_WORKBOOK_BYTES, Sheet, read_sheets};

mod extras;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Most questions (survey rows that define something) a form may hold.
pub const MAX_QUESTIONS: usize = 5_000;
/// Deepest nesting of groups and repeats.
pub const MAX_NESTING: usize = 16;

/// Reads the workbook at `path` (its file name is the form id when settings give none).
pub fn read_file(path: &Path) -> Result<FormDefinition, FormError> {
    let whole = |zh: String, en: String| {
        FormError::Workbook(vec![SheetProblem::new("", None, None, zh, en)])
    };
    let file = std::fs::File::open(path).map_err(|e| {
        whole(
            format!("无法打开 {}：{e}", path.display()),
            format!("cannot open {}: {e}", path.display()),
        )
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_WORKBOOK_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| whole(format!("无法读取：{e}"), format!("cannot read: {e}")))?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("form");
    read_workbook(bytes, stem)
}

/// Reads a workbook held in memory; `fallback_id` is the form id when settings give none.
pub fn read_workbook(bytes: Vec<u8>, fallback_id: &str) -> Result<FormDefinition, FormError> {
    let sheets = read_sheets(bytes).map_err(|p| FormError::Workbook(vec![p]))?;
    let find = |name: &str| {
        sheets
            .iter()
            .find(|s| s.name.trim().eq_ignore_ascii_case(name))
    };
    let mut reader = FormReader::default();
    if let Some(entities) = find("entities") {
        reader.problem(
            &entities.name,
            None,
            None,
            "不支持实体（entities）工作表",
            "entities sheets are not supported",
        );
    }
    let settings = find("settings")
        .map(|s| reader.settings(s))
        .unwrap_or_default();
    if let Some(choices) = find("choices") {
        reader.choices(choices, settings.allow_choice_duplicates);
    }
    let Some(survey) = find("survey") else {
        reader.problem(
            "survey",
            None,
            None,
            "工作簿没有 survey 工作表",
            "the workbook has no survey sheet",
        );
        return Err(FormError::Workbook(reader.problems));
    };
    let questions = reader.survey(survey);
    let mut languages: Vec<String> = Vec::new();
    for lang in reader.languages.drain(..) {
        if !languages.contains(&lang) {
            languages.push(lang);
        }
    }
    let form_id = settings.form_id.unwrap_or_else(|| fallback_id.to_owned());
    let definition = FormDefinition {
        title: settings.title.unwrap_or_else(|| form_id.clone()),
        form_id,
        version: settings.version.unwrap_or_default(),
        default_language: settings.default_language,
        languages,
        topics: settings.topics,
        questions,
        choices: std::mem::take(&mut reader.choices),
    };
    let survey_columns = reader.survey_columns.take().unwrap_or_default();
    reader.problems.extend(checks::check(
        &definition,
        &survey.name,
        &survey_columns,
        &reader.choice_columns,
    ));
    if reader.problems.is_empty() {
        Ok(definition)
    } else {
        Err(FormError::Workbook(reader.problems))
    }
}

#[derive(Default)]
struct Settings {
    title: Option<String>,
    form_id: Option<String>,
    version: Option<String>,
    default_language: Option<String>,
    topics: Vec<String>,
    allow_choice_duplicates: bool,
}

#[derive(Default)]
struct FormReader {
    problems: Vec<SheetProblem>,
    choices: BTreeMap<String, Vec<Choice>>,
    /// Headers of the choices sheet, for `choice_filter` columns.
    choice_columns: Vec<String>,
    languages: Vec<String>,
    survey_columns: Option<Columns>,
}

/// Splits a `topics` cell: spaces, commas or 、 between topics.
pub fn split_topics(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；'))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "true" | "true()" | "1" => Some(true),
        "no" | "false" | "false()" | "0" | "" => Some(false),
        _ => None,
    }
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// A survey row, read.
enum Row {
    Begin(Question),
    End(QuestionType),
    Question(Question),
}

impl FormReader {
    fn problem(
        &mut self,
        sheet: &str,
        row: Option<usize>,
        column: Option<&str>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) {
        self.problems
            .push(SheetProblem::new(sheet, row, column, zh, en));
    }

    fn settings(&mut self, sheet: &Sheet) -> Settings {
        let columns = Columns::read(sheet, SheetKind::Settings);
        let Some(row) = sheet.rows.get(1) else {
            return Settings::default();
        };
        let text = |base: &str| Some(columns.get(row, base).to_owned()).filter(|t| !t.is_empty());
        Settings {
            title: text("form_title"),
            form_id: text("form_id"),
            version: text("version"),
            default_language: text("default_language"),
            topics: split_topics(columns.get(row, "topics")),
            allow_choice_duplicates: yes_no(columns.get(row, "allow_choice_duplicates"))
                == Some(true),
        }
    }

    fn choices(&mut self, sheet: &Sheet, allow_duplicates: bool) {
        let columns = Columns::read(sheet, SheetKind::Choices);
        self.languages
            .extend(columns.languages().into_iter().map(|(_, l)| l));
        self.choice_columns = columns.extra.iter().map(|(_, h)| h.clone()).collect();
        if sheet.rows.len() > 1
            && (columns.find("list_name").is_none() || columns.find("name").is_none())
        {
            self.problem(
                &sheet.name,
                Some(sheet.first_row),
                None,
                "choices 工作表需要 list_name 和 name 两列",
                "the choices sheet needs the columns list_name and name",
            );
            return;
        }
        for (i, cells) in sheet.rows.iter().enumerate().skip(1) {
            if cells.iter().all(String::is_empty) {
                continue;
            }
            let row = sheet.first_row + i;
            let list = columns.get(cells, "list_name");
            let name = columns.get(cells, "name");
            if list.is_empty() || name.is_empty() {
                let (column, zh, en) = if list.is_empty() {
                    ("list_name", "缺少选项列表名", "the choice has no list name")
                } else {
                    ("name", "缺少选项名称", "the choice has no name")
                };
                self.problem(&sheet.name, Some(row), Some(columns.header(column)), zh, en);
                continue;
            }
            let entries = self.choices.entry(list.to_owned()).or_default();
            if !allow_duplicates && entries.iter().any(|c| c.name == name) {
                let (zh, en) = (
                    format!("列表 {list} 中选项名称 {name} 重复"),
                    format!("choice name {name} appears twice in list {list}"),
                );
                self.problem(&sheet.name, Some(row), Some(columns.header("name")), zh, en);
                continue;
            }
            let extra = columns
                .extra
                .iter()
                .filter_map(|(i, h)| {
                    cells
                        .get(*i)
                        .filter(|t| !t.is_empty())
                        .map(|t| (h.clone(), t.clone()))
                })
                .collect();
            entries.push(Choice {
                name: name.to_owned(),
                label: Translated(columns.translated(cells, "label")),
                extra,
            });
        }
    }

    fn survey(&mut self, sheet: &Sheet) -> Vec<Question> {
        let columns = Columns::read(sheet, SheetKind::Survey);
        self.languages
            .extend(columns.languages().into_iter().map(|(_, l)| l));
        if columns.find("type").is_none() || columns.find("name").is_none() {
            self.problem(
                &sheet.name,
                Some(sheet.first_row),
                None,
                "survey 工作表需要 type 和 name 两列",
                "the survey sheet needs the columns type and name",
            );
            self.survey_columns = Some(columns);
            return Vec::new();
        }
        // Open groups and repeats: the group being filled, and the finished questions above it.
        let mut stack: Vec<Question> = Vec::new();
        let mut top: Vec<Question> = Vec::new();
        let mut count = 0;
        for (i, cells) in sheet.rows.iter().enumerate().skip(1) {
            if cells.iter().all(String::is_empty) {
                continue;
            }
            let row = sheet.first_row + i;
            let Some(parsed) = self.survey_row(sheet, &columns, row, cells) else {
                continue;
            };
            count += 1;
            if count > MAX_QUESTIONS {
                self.problem(
                    &sheet.name,
                    Some(row),
                    None,
                    format!("题目超过 {MAX_QUESTIONS} 个，拒绝读取"),
                    format!("more than {MAX_QUESTIONS} questions; refused"),
                );
                break;
            }
            match parsed {
                Row::Begin(group) => {
                    if stack.len() >= MAX_NESTING {
                        self.problem(
                            &sheet.name,
                            Some(row),
                            Some(columns.header("type")),
                            format!("分组嵌套超过 {MAX_NESTING} 层"),
                            format!("groups nest deeper than {MAX_NESTING} levels"),
                        );
                        break;
                    }
                    stack.push(group);
                }
                Row::End(kind) => match stack.pop() {
                    Some(group) if group.kind == kind => match stack.last_mut() {
                        Some(parent) => parent.children.push(group),
                        None => top.push(group),
                    },
                    Some(group) => {
                        let (zh, en) = (
                            format!(
                                "end_{} 与第 {} 行的 begin_{} 不匹配",
                                kind.xlsform_name(),
                                group.row,
                                group.kind.xlsform_name()
                            ),
                            format!(
                                "end_{} does not close the begin_{} of row {}",
                                kind.xlsform_name(),
                                group.kind.xlsform_name(),
                                group.row
                            ),
                        );
                        self.problem(&sheet.name, Some(row), Some(columns.header("type")), zh, en);
                        // Taken as closed anyway, so one mistake is reported once.
                        match stack.last_mut() {
                            Some(parent) => parent.children.push(group),
                            None => top.push(group),
                        }
                    }
                    None => {
                        let (zh, en) = (
                            format!(
                                "end_{} 之前没有对应的 begin_{}",
                                kind.xlsform_name(),
                                kind.xlsform_name()
                            ),
                            format!(
                                "end_{} without a begin_{} before it",
                                kind.xlsform_name(),
                                kind.xlsform_name()
                            ),
                        );
                        self.problem(&sheet.name, Some(row), Some(columns.header("type")), zh, en);
                    }
                },
                Row::Question(q) => match stack.last_mut() {
                    Some(parent) => parent.children.push(q),
                    None => top.push(q),
                },
            }
        }
        while let Some(open) = stack.pop() {
            let (zh, en) = (
                format!(
                    "begin_{} {} 没有对应的 end_{}",
                    open.kind.xlsform_name(),
                    open.name,
                    open.kind.xlsform_name()
                ),
                format!(
                    "begin_{} {} is never closed by end_{}",
                    open.kind.xlsform_name(),
                    open.name,
                    open.kind.xlsform_name()
                ),
            );
            self.problem(
                &sheet.name,
                Some(open.row),
                Some(columns.header("type")),
                zh,
                en,
            );
            match stack.last_mut() {
                Some(parent) => parent.children.push(open),
                None => top.push(open),
            }
        }
        self.survey_columns = Some(columns);
        top
    }

    fn expression(
        &mut self,
        sheet: &Sheet,
        columns: &Columns,
        row: usize,
        cells: &[String],
        base: &str,
    ) -> Option<Expression> {
        let text = columns.get(cells, base);
        if text.is_empty() {
            return None;
        }
        self.parse_expression(sheet, columns, row, base, text)
    }

    fn parse_expression(
        &mut self,
        sheet: &Sheet,
        columns: &Columns,
        row: usize,
        base: &str,
        text: &str,
    ) -> Option<Expression> {
        let column = columns.header(base).to_owned();
        match Expression::parse(text) {
            Ok(e) => match check_functions(e.tree()) {
                Ok(()) => Some(e),
                Err(function) => {
                    let (zh, en) = (
                        format!("不支持的函数或参数个数不对：{function}"),
                        format!("unsupported function or wrong number of arguments: {function}"),
                    );
                    self.problem(&sheet.name, Some(row), Some(&column), zh, en);
                    None
                }
            },
            Err(err) => {
                let (zh, en) = (
                    format!(
                        "表达式无法解析（第 {} 个字符）：{}",
                        err.offset + 1,
                        err.message_zh
                    ),
                    format!(
                        "the expression does not parse (character {}): {}",
                        err.offset + 1,
                        err.message
                    ),
                );
                self.problem(&sheet.name, Some(row), Some(&column), zh, en);
                None
            }
        }
    }

    fn survey_row(
        &mut self,
        sheet: &Sheet,
        columns: &Columns,
        row: usize,
        cells: &[String],
    ) -> Option<Row> {
        let type_text = columns.get(cells, "type");
        let name = columns.get(cells, "name").to_owned();
        let type_column = columns.header("type").to_owned();
        if type_text.is_empty() {
            if !name.is_empty() || !columns.translated(cells, "label").is_empty() {
                self.problem(
                    &sheet.name,
                    Some(row),
                    Some(&type_column),
                    "缺少题型",
                    "the row has no type",
                );
            }
            return None;
        }
        let (kind, list_name, or_other, implied) = match parse_type(type_text) {
            Ok(TypeCell::End(kind)) => return Some(Row::End(kind)),
            Ok(TypeCell::Begin(kind)) => (kind, None, false, None),
            Ok(TypeCell::Question {
                kind,
                list_name,
                or_other,
                implied_constraint,
            }) => (kind, list_name, or_other, implied_constraint),
            Err(problem) => {
                let (zh, en) = match problem {
                    TypeProblem::Unsupported(t) => (
                        format!("不支持题型 {t}"),
                        format!("the type {t} is not supported"),
                    ),
                    TypeProblem::Unknown(t) => {
                        (format!("未知题型 {t}"), format!("unknown type {t}"))
                    }
                    TypeProblem::MissingList(t) => (
                        format!("{t}：选择题需要写明选项列表名，如 select_one yes_no"),
                        format!("{t}: a select needs its list name, as in select_one yes_no"),
                    ),
                };
                self.problem(&sheet.name, Some(row), Some(&type_column), zh, en);
                return None;
            }
        };
        let name_column = columns.header("name").to_owned();
        if name.is_empty() {
            self.problem(
                &sheet.name,
                Some(row),
                Some(&name_column),
                "缺少名称",
                "the row has no name",
            );
            return None;
        }
        if !valid_name(&name) {
            let (zh, en) = (
                format!("名称 {name} 无效：应以字母或下划线开头，只含字母、数字、_ - ."),
                format!(
                    "the name {name} is invalid: it must start with a letter or _ and hold only letters, digits, _ - ."
                ),
            );
            self.problem(&sheet.name, Some(row), Some(&name_column), zh, en);
        }
        if let Some(list) = &list_name
            && !self.choices.contains_key(list)
        {
            let (zh, en) = (
                format!("choices 工作表中没有选项列表 {list}"),
                format!("the choices sheet has no list {list}"),
            );
            self.problem(&sheet.name, Some(row), Some(&type_column), zh, en);
        }
        let label = Translated(columns.translated(cells, "label"));
        let hint = Translated(columns.translated(cells, "hint"));
        let needs_label = !kind.is_metadata()
            && !matches!(
                kind,
                QuestionType::Calculate
                    | QuestionType::Hidden
                    | QuestionType::Group
                    | QuestionType::Repeat
            );
        if needs_label && label.is_empty() && hint.is_empty() {
            let (zh, en) = (
                format!("题目 {name} 没有标签"),
                format!("the question {name} has no label"),
            );
            self.problem(
                &sheet.name,
                Some(row),
                Some(columns.header("label")),
                zh,
                en,
            );
        }
        let required_text = columns.get(cells, "required");
        let required = match yes_no(required_text) {
            Some(true) => Required::Yes,
            Some(false) => Required::No,
            None => self
                .parse_expression(sheet, columns, row, "required", required_text)
                .map_or(Required::No, Required::When),
        };
        let relevant = self.expression(sheet, columns, row, cells, "relevant");
        let mut constraint = self.expression(sheet, columns, row, cells, "constraint");
        if constraint.is_none() {
            constraint = implied.and_then(|c| Expression::parse(c).ok());
        }
        let calculation = self.expression(sheet, columns, row, cells, "calculation");
        if kind == QuestionType::Calculate && columns.get(cells, "calculation").is_empty() {
            self.problem(
                &sheet.name,
                Some(row),
                Some(columns.header("calculation")),
                "calculate 题缺少计算公式",
                "a calculate row needs a calculation",
            );
        }
        let default = Some(columns.get(cells, "default").to_owned()).filter(|d| !d.is_empty());
        if let Some(d) = &default
            && (d.contains("${") || d.contains('('))
        {
            self.parse_expression(sheet, columns, row, "default", d);
        }
        let choice_filter = self.expression(sheet, columns, row, cells, "choice_filter");
        let repeat_count = if kind == QuestionType::Repeat {
            self.expression(sheet, columns, row, cells, "repeat_count")
        } else {
            None
        };
        let parameters = self.parameters(sheet, columns, row, cells, kind);
        let finding = self.finding(sheet, columns, row, cells, list_name.as_deref());
        let question = Question {
            name,
            kind,
            list_name,
            or_other,
            label,
            hint,
            required,
            required_message: Translated(columns.translated(cells, "required_message")),
            relevant,
            constraint,
            constraint_message: Translated(columns.translated(cells, "constraint_message")),
            calculation,
            default,
            choice_filter,
            appearance: Some(columns.get(cells, "appearance").to_owned()).filter(|a| !a.is_empty()),
            read_only: !matches!(yes_no(columns.get(cells, "read_only")), Some(false)),
            repeat_count,
            parameters,
            topics: split_topics(columns.get(cells, "topics")),
            finding,
            row,
            children: Vec::new(),
        };
        Some(
            if matches!(kind, QuestionType::Group | QuestionType::Repeat) {
                Row::Begin(question)
            } else {
                Row::Question(question)
            },
        )
    }
}
