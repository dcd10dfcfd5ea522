#!/usr/bin/env python3
"""Writes the three built-in XLSForm templates in assets/forms/ (openpyxl).

The workbooks are committed; run this again after editing the tables below:
    python3 scripts/make-form-templates.py
They follow xlsform.org: survey / choices / settings sheets, labels in Chinese and English
(label::中文 (zh), label::English (en)), plus Zoufang's checklist columns finding_if,
finding_category, finding_title and topics, which other XLSForm tools ignore.
"""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

OUT = Path(__file__).resolve().parent.parent / "assets" / "forms"

SURVEY_HEADER = [
    "type", "name", "label::中文 (zh)", "label::English (en)", "hint::中文 (zh)", "hint::English (en)",
    "required", "relevant", "constraint", "constraint_message::中文 (zh)",
    "constraint_message::English (en)", "calculation", "repeat_count", "parameters", "appearance",
    "topics", "finding_if", "finding_category", "finding_title::中文 (zh)",
]
CHOICES_HEADER = ["list_name", "name", "label::中文 (zh)", "label::English (en)"]
SETTINGS_HEADER = ["form_title", "form_id", "version", "default_language", "topics"]

METADATA = [
    {"type": "start", "name": "start"},
    {"type": "end", "name": "end"},
    {"type": "today", "name": "today"},
    {"type": "deviceid", "name": "deviceid"},
    {"type": "username", "name": "username"},
]

YES_NO = [("yes_no", "yes", "是", "Yes"), ("yes_no", "no", "否", "No")]


def q(type_, name, zh="", en="", **more):
    """One survey row; keyword names follow SURVEY_HEADER without the language suffix."""
    row = {"type": type_, "name": name, "label::中文 (zh)": zh, "label::English (en)": en}
    keys = {
        "hint_zh": "hint::中文 (zh)", "hint_en": "hint::English (en)",
        "msg_zh": "constraint_message::中文 (zh)", "msg_en": "constraint_message::English (en)",
        "title_zh": "finding_title::中文 (zh)",
    }
    for key, value in more.items():
        row[keys.get(key, key)] = value
    return row


def item(name, zh, en, category="immediate", **more):
    """A checklist item: yes/no, required, a failing 'no' raises a problem finding."""
    return q("select_one yes_no", name, zh, en, required="yes", finding_if="no",
             finding_category=category, **more)


def write(filename, survey, choices, settings):
    book = Workbook()
    sheets = [
        ("survey", SURVEY_HEADER, survey),
        ("choices", CHOICES_HEADER, [dict(zip(CHOICES_HEADER, c)) for c in choices]),
        ("settings", SETTINGS_HEADER, [settings]),
    ]
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([row.get(h, "") for h in header])
        for i, _ in enumerate(header):
            sheet.column_dimensions[sheet.cell(1, i + 1).column_letter].width = 22
    # A fixed timestamp keeps the committed files identical from run to run.
    import datetime
    fixed = datetime.datetime(2026, 12, 1)
    book.properties.created = fixed
    book.properties.modified = fixed
    book.save(OUT / filename)


def care_home():
    survey = METADATA + [
        q("begin_group", "institution", "机构基本情况", "Institution"),
        q("text", "inst_name", "机构名称", "Name of the institution", required="yes"),
        q("select_one inst_kind", "inst_kind", "机构类型", "Kind of institution", required="yes"),
        q("integer", "residents", "在住老人数", "Residents", required="yes",
          constraint=". >= 0 and . <= 2000", msg_zh="在住老人数应在 0 至 2000 之间",
          msg_en="Residents must be between 0 and 2000"),
        q("integer", "caregivers", "护理员人数", "Caregivers", required="yes",
          constraint=". >= 0", msg_zh="护理员人数不能为负", msg_en="Caregivers cannot be negative"),
        q("calculate", "residents_per_caregiver", calculation=
          "if(${caregivers} > 0, round(${residents} div ${caregivers}, 1), 0)"),
        q("select_one yes_no", "ratio_ok", "护理员配比是否达标", "Is the staff-to-resident ratio met?",
          required="yes", hint_zh="每名护理员照护老人数：${residents_per_caregiver}",
          hint_en="Residents per caregiver: ${residents_per_caregiver}", finding_if="no",
          finding_category="phased", title_zh="护理员配比不达标"),
        q("end_group", "institution"),
        q("begin_group", "fire", "消防安全", "Fire safety"),
        item("extinguishers_ok", "灭火器是否在有效期内", "Are the fire extinguishers in date?",
             title_zh="灭火器过期或失效"),
        item("exits_clear", "疏散通道、消防通道是否畅通", "Are evacuation routes and fire exits clear?",
             title_zh="疏散通道或消防通道堵塞"),
        item("drill_done", "近半年是否开展应急演练", "Was an emergency drill held in the last six months?",
             category="phased", title_zh="未按要求开展应急演练"),
        q("date", "drill_date", "最近一次演练日期", "Date of the last drill", required="yes",
          relevant="${drill_done} = 'yes'", constraint=". <= today()",
          msg_zh="演练日期不能晚于今天", msg_en="The drill cannot be in the future"),
        q("end_group", "fire"),
        q("begin_group", "utilities", "用电用气", "Electricity and gas"),
        item("wiring_ok", "有无电线私拉乱接（无则选“是”）", "Is the wiring free of makeshift connections?",
             title_zh="电线私拉乱接"),
        item("gas_ok", "厨房燃气设施及报警装置是否完好", "Are the kitchen gas fittings and alarm sound?",
             title_zh="厨房燃气存在隐患"),
        q("end_group", "utilities"),
        q("begin_group", "food", "食品安全", "Food safety"),
        item("samples_kept", "是否按规定食品留样（48 小时）", "Are food samples kept for 48 hours?",
             title_zh="未按规定食品留样"),
        q("end_group", "food"),
        q("begin_group", "equipment", "特种设备", "Special equipment"),
        q("select_one yes_no", "has_lift", "是否有电梯等特种设备", "Are there lifts or other special equipment?",
          required="yes"),
        item("lift_inspected", "特种设备是否在检验有效期内", "Is the special equipment inspected and in date?",
             relevant="${has_lift} = 'yes'", title_zh="特种设备未按期检验"),
        q("end_group", "equipment"),
        q("begin_group", "management", "日常管理", "Management"),
        item("files_complete", "老人档案是否齐全", "Are the residents' files complete?",
             category="phased", title_zh="老人档案不全"),
        item("plan_in_place", "是否制定应急预案", "Is there an emergency plan?", category="phased",
             title_zh="未制定应急预案"),
        q("end_group", "management"),
        q("select_multiple hazards", "other_hazards", "其他隐患（可多选）", "Other hazards (several allowed)",
          constraint="not(selected(., 'none') and count-selected(.) > 1)",
          msg_zh="“无”不能与其他隐患同选", msg_en="'None' cannot go with another hazard"),
        q("text", "hazard_details", "隐患说明", "Details of the hazards", required="yes",
          relevant="count-selected(${other_hazards}) > 0 and not(selected(${other_hazards}, 'none'))"),
        q("geopoint", "location", "检查位置", "Where the check took place"),
        q("image", "photo", "现场照片", "Photo on site", parameters="max-pixels=1600"),
        q("text", "remarks", "备注", "Remarks"),
    ]
    choices = YES_NO + [
        ("inst_kind", "nursing_home", "养老院", "Nursing home"),
        ("inst_kind", "welfare_center", "社会福利院", "Social welfare centre"),
        ("inst_kind", "day_care", "日间照料中心", "Day-care centre"),
        ("inst_kind", "other", "其他", "Other"),
        ("hazards", "storage", "杂物堆放", "Clutter in storage"),
        ("hazards", "smoking", "违规吸烟", "Smoking where forbidden"),
        ("hazards", "heaters", "违规使用大功率电器", "High-power appliances"),
        ("hazards", "none", "无", "None"),
    ]
    settings = {"form_title": "养老机构安全检查表", "form_id": "care_home_safety",
                "version": "2026120101", "default_language": "中文 (zh)",
                "topics": "safety elderly-care"}
    write("养老机构安全检查表.xlsx", survey, choices, settings)


def household():
    survey = METADATA + [
        q("begin_group", "household", "户基本情况", "Household"),
        q("text", "head_name", "户主姓名", "Head of household", required="yes"),
        q("text", "phone", "联系电话", "Telephone", constraint="regex(., '^1[3-9][0-9]{9}$')",
          msg_zh="请填写 11 位手机号码", msg_en="Enter an 11-digit mobile number"),
        q("text", "address", "住址", "Address", required="yes"),
        q("integer", "member_count", "家庭人口数", "People in the household", required="yes",
          constraint=". >= 1 and . <= 20", msg_zh="家庭人口应为 1 至 20 人",
          msg_en="A household has 1 to 20 people"),
        q("end_group", "household"),
        q("begin_repeat", "members", "家庭成员", "Household members", repeat_count="${member_count}"),
        q("text", "m_name", "姓名", "Name", required="yes"),
        q("select_one relation", "m_relation", "与户主关系", "Relation to the head", required="yes"),
        q("integer", "m_age", "年龄", "Age", required="yes", constraint=". >= 0 and . <= 120",
          msg_zh="年龄应为 0 至 120 岁", msg_en="Age must be 0 to 120"),
        q("select_one health", "m_health", "健康状况", "Health", required="yes"),
        q("select_one work", "m_work", "就业状况", "Work", required="yes", relevant="${m_age} >= 16"),
        q("calculate", "m_elderly", calculation="if(${m_age} >= 60, 1, 0)"),
        q("end_repeat", "members"),
        q("calculate", "elderly_count", calculation="sum(${m_elderly})"),
        q("note", "elderly_note", "其中 60 岁以上老人 ${elderly_count} 人",
          "Of whom ${elderly_count} aged 60 or more"),
        q("begin_group", "economy", "收入与支出", "Income and costs"),
        q("decimal", "income_year", "家庭年收入（元）", "Household income per year (yuan)", required="yes",
          constraint=". >= 0", msg_zh="收入不能为负", msg_en="Income cannot be negative"),
        q("decimal", "medical_costs", "年医疗支出（元）", "Medical costs per year (yuan)",
          constraint=". >= 0", msg_zh="支出不能为负", msg_en="Costs cannot be negative"),
        q("select_one housing", "housing", "住房情况", "Housing", required="yes",
          finding_if="d_grade no_house", finding_category="phased", title_zh="住房为危房或无房",
          topics="social-assistance"),
        q("end_group", "economy"),
        q("select_multiple aid", "aid_received", "已享受的救助", "Assistance already received",
          required="yes", constraint="not(selected(., 'none') and count-selected(.) > 1)",
          msg_zh="“无”不能与其他救助同选", msg_en="'None' cannot go with another kind of assistance"),
        q("select_multiple difficulty or_other", "difficulty", "困难类型", "Kind of difficulty",
          required="yes"),
        q("text", "requests", "家庭诉求", "What the family asks for"),
        q("select_one yes_no", "needs_help", "是否需要进一步帮扶", "Does the family need further help?",
          required="yes", finding_if=". = 'yes' and selected(${aid_received}, 'none')",
          finding_category="immediate", title_zh="困难家庭需要帮扶但未享受任何救助",
          topics="social-assistance"),
    ]
    choices = YES_NO + [
        ("relation", "self", "本人", "Self"),
        ("relation", "spouse", "配偶", "Spouse"),
        ("relation", "child", "子女", "Child"),
        ("relation", "parent", "父母", "Parent"),
        ("relation", "grandchild", "孙子女", "Grandchild"),
        ("relation", "other", "其他", "Other"),
        ("health", "healthy", "健康", "Healthy"),
        ("health", "chronic", "慢性病", "Chronic illness"),
        ("health", "serious", "大病", "Serious illness"),
        ("health", "disabled", "残疾", "Disability"),
        ("work", "employed", "务工", "Employed"),
        ("work", "farming", "务农", "Farming"),
        ("work", "unemployed", "失业", "Unemployed"),
        ("work", "student", "在校学生", "Student"),
        ("work", "retired", "退休", "Retired"),
        ("housing", "safe", "安全住房", "Safe housing"),
        ("housing", "c_grade", "C 级危房", "Grade C unsafe"),
        ("housing", "d_grade", "D 级危房", "Grade D unsafe"),
        ("housing", "no_house", "无房", "No house"),
        ("aid", "dibao", "低保", "Minimum living allowance"),
        ("aid", "tekun", "特困供养", "Support for the extremely poor"),
        ("aid", "linshi", "临时救助", "Temporary assistance"),
        ("aid", "disability_subsidy", "残疾人两项补贴", "Disability subsidies"),
        ("aid", "none", "无", "None"),
        ("difficulty", "illness", "因病", "Illness"),
        ("difficulty", "disability", "因残", "Disability"),
        ("difficulty", "schooling", "因学", "Schooling costs"),
        ("difficulty", "disaster", "因灾", "Disaster"),
        ("difficulty", "unemployment", "失业", "Unemployment"),
    ]
    settings = {"form_title": "困难群众大走访入户调查表", "form_id": "household_visit",
                "version": "2026120101", "default_language": "中文 (zh)",
                "topics": "social-assistance"}
    write("困难群众大走访入户调查表.xlsx", survey, choices, settings)


def satisfaction():
    survey = [
        {"type": "today", "name": "today"},
        q("select_one sat5", "attitude", "对工作人员服务态度的满意程度", "Satisfaction with the staff's attitude",
          required="yes"),
        q("select_one sat5", "efficiency", "对办事效率的满意程度", "Satisfaction with how quickly things are done",
          required="yes"),
        q("select_one known", "policy_known", "对相关政策的了解程度", "How well do you know the policies?",
          required="yes"),
        q("select_one sat5", "overall", "总体满意程度", "Overall satisfaction", required="yes",
          finding_if="1 2", finding_category="phased", title_zh="群众对服务总体不满意",
          topics="public-service"),
        q("text", "dissatisfied_reason", "不满意的原因", "Why are you dissatisfied?", required="yes",
          relevant="${overall} = '1' or ${overall} = '2'"),
        q("range", "recommend", "愿意向亲友推荐的程度（0–10）", "Would you recommend us (0–10)?",
          parameters="start=0 end=10 step=1"),
        q("calculate", "score", calculation="round((${attitude} + ${efficiency} + ${overall}) div 3, 2)"),
        q("note", "score_note", "平均满意度：${score}", "Average satisfaction: ${score}"),
        q("text", "suggestion", "意见和建议", "Suggestions"),
    ]
    choices = [
        ("sat5", "5", "很满意", "Very satisfied"),
        ("sat5", "4", "满意", "Satisfied"),
        ("sat5", "3", "一般", "Neutral"),
        ("sat5", "2", "不满意", "Dissatisfied"),
        ("sat5", "1", "很不满意", "Very dissatisfied"),
        ("known", "well", "了解", "Well"),
        ("known", "some", "了解一些", "Somewhat"),
        ("known", "none", "不了解", "Not at all"),
    ]
    settings = {"form_title": "走访群众满意度问卷", "form_id": "visit_satisfaction",
                "version": "2026120101", "default_language": "中文 (zh)",
                "topics": "public-service"}
    write("走访群众满意度问卷.xlsx", survey, choices, settings)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    care_home()
    household()
    satisfaction()
    print(f"wrote 3 templates to {OUT}")
