//! Integrity findings as the officer reads them (issue 14): a row the store found changed,
//! deleted or added outside the app, recorded for good until a leader acknowledges it. Below the
//! screen contract, which carries them.

use chrono::NaiveDateTime;

/// One finding, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrityFinding {
    pub id: i64,
    pub table: String,
    pub row_id: i64,
    /// 在程序之外被改动过 …
    pub what: String,
    pub found_at: NaiveDateTime,
    /// Whose write was refused, or （系统） for the check at open.
    pub found_by: String,
    /// Who acknowledged it, and when.
    pub acknowledged: Option<(String, NaiveDateTime)>,
}

/// A table as the officer knows it.
#[must_use]
pub fn table_label(table: &str) -> &'static str {
    match table {
        "log_entry" => "值班记录",
        "log_amendment" => "值班记录的修改",
        "log_instruction" => "领导批示",
        "leader_request" => "请示记录",
        "entry_abroad" => "境外来源标记",
        "instruction" => "领导批示",
        "task" => "交办",
        "task_feedback" => "交办的反馈",
        "task_done" => "交办办结",
        "entry_closing" => "结束方式",
        "notice" => "电话通知",
        "notice_recipient" => "电话通知的对象",
        "notice_call" => "电话通知的通话",
        "notice_done" => "电话通知完成",
        "urgent_event" => "紧急事件",
        "urgent_report" => "紧急事件的报告",
        "urgent_clock" => "紧急事件的报送时限",
        "urgent_fact" => "紧急事件的事实更新",
        "urgent_timeline" | "entry_alert_timeline" => "催办时间线",
        "entry_alert" => "紧急提醒",
        "visit" | "visit_representative" => "来访登记",
        "watch_entry" => "关注名单",
        "id_reveal_log" => "证件号查看记录",
        "handover" | "handover_item" | "handover_seal" => "交接班记录",
        "roster_shift" | "roster_import" | "roster_swap" => "排班",
        "daily_report_sent" => "值班日报报送记录",
        "person_pin"
        | "pin_attempt"
        | "pin_enrolment"
        | "urgent_enrolment"
        | "enrolment_confirmation"
        | "approver_confirmation" => "人员与 PIN",
        _ => "其他记录",
    }
}
