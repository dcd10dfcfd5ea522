//! Checking one answer that arrives in a bundle against the form version its response names:
//! its path must name a question of that form (inside the repeats the path says), and its value
//! must be of the question's type and among its choices. Rules that read other answers
//! (`required`, `relevant`, `constraint`) are not held against a single answer: two laptops'
//! answers merge one by one, and each was checked with every rule where it was saved.

use super::answers::FormIndex;
use super::definition::FormDefinition;
use super::typecheck::{Mismatch, check_type};
use super::types::QuestionType;

/// Why the answer at `path` with `value` does not belong to `def`, in Chinese and English.
pub fn check_stored_answer(def: &FormDefinition, path: &str, value: &str) -> Result<(), Mismatch> {
    let segments: Vec<&str> = path.split('/').collect();
    let name = segments.last().copied().unwrap_or_default();
    let index = FormIndex::new(def);
    let Some((q, chain)) = index.questions.get(name) else {
        return Err((
            format!("表单中没有题目 {name}"),
            format!("the form has no question {name}"),
        ));
    };
    // `repeat/<row>/…/name`: the repeats named at even places, outermost first.
    let repeats: Vec<&str> = segments[..segments.len() - 1]
        .iter()
        .step_by(2)
        .copied()
        .collect();
    let rows_well_formed = segments.len() % 2 == 1;
    if !rows_well_formed || repeats != *chain {
        return Err((
            format!("答案路径 {path} 与表单中题目 {name} 的位置不符"),
            format!("the answer's path {path} does not match where {name} is in the form"),
        ));
    }
    if matches!(q.kind, QuestionType::Group | QuestionType::Repeat) {
        return Err((
            format!("{name} 是分组，不能作答"),
            format!("{name} is a group and takes no answer"),
        ));
    }
    if value.is_empty() {
        return Ok(());
    }
    let offered: Vec<_> = def.choices_of(q).iter().collect();
    match check_type(q, value, &offered) {
        Some(mismatch) => Err(mismatch),
        None => Ok(()),
    }
}

/// Why a Form record that arrived with its workbook's bytes does not hold what the workbook
/// says (its definition, `form_id` and `version`), in Chinese and English.
pub fn check_form_record(
    rec: &crate::store::StoredRecord,
    workbook: &[u8],
) -> Result<(), Mismatch> {
    let form: crate::model::Form = rec.to_record().map_err(|e| {
        (
            format!("表单记录无法读取：{e}"),
            format!("the form record cannot be read: {e}"),
        )
    })?;
    let read = super::read_workbook(workbook.to_vec(), &form.form_id).map_err(|_| {
        (
            "表单的工作簿无法读取".to_owned(),
            "the form's workbook cannot be read".to_owned(),
        )
    })?;
    if read != form.definition || read.form_id != form.form_id || read.version != form.version {
        return Err((
            "字段 definition 与表单的工作簿不符".to_owned(),
            "field definition does not match the form's workbook".to_owned(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_checked_against_their_question() {
        let Some((id, bytes)) = crate::forms::builtin::template("household_visit") else {
            panic!("no template");
        };
        let def = match crate::forms::read_workbook(bytes.to_vec(), id) {
            Ok(def) => def,
            Err(e) => panic!("{e}"),
        };
        assert!(check_stored_answer(&def, "member_count", "3").is_ok());
        assert!(check_stored_answer(&def, "member_count", "three").is_err());
        assert!(check_stored_answer(&def, "members/0190/m_age", "70").is_ok());
        assert!(
            check_stored_answer(&def, "m_age", "70").is_err(),
            "outside its repeat"
        );
        assert!(check_stored_answer(&def, "housing", "castle").is_err());
        assert!(check_stored_answer(&def, "colour", "red").is_err());
        assert!(check_stored_answer(&def, "members", "").is_err());
    }
}
