//! `zhiban event …`: urgent events for scripts and for checking — add (the level is required),
//! list (open, or `--all`), show (`--json`: the clocks per recipient, the facts with their
//! history, the reports), report (to one recipient), update (facts by amendment, with a reason),
//! regrade, add-recipient, print (a report in the standard layout), ack.

use std::io::Write;

use clap::Subcommand;

use super::output::{self, StreamError};
use super::{Failure, SCRIPT_OPERATOR, actor, bad_input, failure};
use crate::config::Config;
use crate::core::escalation::{EventState, Input, Output};
use crate::core::json::OpenEventJson;
use crate::core::text::sanitize;
use crate::core::urgent::clock::rules_for;
use crate::core::urgent::facts::{self, EDITABLE, FactField};
use crate::core::urgent::print::{Letterhead, print};
use crate::core::urgent::{
    AddedRecipient, Channel, Event, EventDraft, EventId, EventText, Level, Report, ReportType, TimelineLine, new_event,
};
use crate::core::validate;
use crate::store::{Store, StoreError};

#[derive(Subcommand, Debug)]
pub(super) enum EventCommand {
    /// 新建紧急事件，各报送对象的时限随即开始计时；成功后输出事件编号
    Add {
        /// 类别（须是配置 [urgent] categories 中的一项）
        #[arg(long)]
        category: String,
        /// 等级（必填，没有默认值）：特别重大、重大、较大、一般
        #[arg(long)]
        level: String,
        /// 事发时间 'YYYY-MM-DD HH:MM'（默认同接报时间）
        #[arg(long)]
        occurred: Option<String>,
        /// 接报时间 'YYYY-MM-DD HH:MM'（默认现在）
        #[arg(long)]
        received: Option<String>,
        /// 事发地点（不清楚可不填，记为待核实）
        #[arg(long, default_value = "")]
        place: String,
        /// 事件概况
        #[arg(long)]
        summary: String,
        /// 规则之外另需报送的对象及时限，如 '信访部门:30/60'（只电话报告写 '信访部门:30'），可写多次
        #[arg(long = "also", value_name = "对象:时限")]
        also: Vec<String>,
        /// 记录人（须是配置中的人员，并从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long)]
        operator: Option<String>,
    },
    /// 列出未结束的紧急事件及各报送对象的时限；--all 也列出已结束的（最新的在前）
    List {
        /// 也列出已结束的事件
        #[arg(long)]
        all: bool,
        /// 输出 JSON 数组
        #[arg(long)]
        json: bool,
    },
    /// 查看一件事件：当前事实及其更新记录、各报送对象的时限、全部报告、时间线
    Show {
        /// 事件编号
        id: i64,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 记录一份报告（报给一个报送对象，只停下该对象的时钟）
    Report {
        /// 事件编号
        id: i64,
        /// 初报、续报、终报
        #[arg(long)]
        kind: String,
        /// 电话、书面
        #[arg(long)]
        method: String,
        /// 报送对象（须是该事件的报送对象之一）
        #[arg(long)]
        to: String,
        /// 签发人
        #[arg(long)]
        signer: String,
        /// 报告正文
        #[arg(long)]
        text: String,
        /// 报送时间 'YYYY-MM-DD HH:MM'（默认现在）
        #[arg(long)]
        sent: Option<String>,
        /// 记录人（从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long)]
        operator: Option<String>,
    },
    /// 更新事实（以修改记录保存：谁、何时、理由、旧值和新值）；只写要改的项
    Update {
        /// 事件编号
        id: i64,
        /// 理由（必填）
        #[arg(long)]
        reason: String,
        /// 事发时间 'YYYY-MM-DD HH:MM'
        #[arg(long)]
        occurred: Option<String>,
        /// 事发地点
        #[arg(long)]
        place: Option<String>,
        /// 伤亡：'死亡,失踪,受伤'，如 '1,0,7'；不清楚的留空，如 '1,,7'
        #[arg(long)]
        casualties: Option<String>,
        /// 已采取措施
        #[arg(long)]
        measures: Option<String>,
        /// 发展趋势
        #[arg(long)]
        trend: Option<String>,
        /// 现场联系人
        #[arg(long)]
        contact: Option<String>,
        /// 待核实事项，用、分隔；都已核实写 无
        #[arg(long)]
        unverified: Option<String>,
        /// 记录人（从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long)]
        operator: Option<String>,
    },
    /// 升级/降级：按新等级的规则计时（已报的仍算已报，未报的不延后）
    Regrade {
        /// 事件编号
        id: i64,
        /// 新等级：特别重大、重大、较大、一般
        #[arg(long)]
        level: String,
        /// 理由（必填）
        #[arg(long)]
        reason: String,
        /// 记录人（从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long)]
        operator: Option<String>,
    },
    /// 追加报送对象，自现在起计时
    AddRecipient {
        /// 事件编号
        id: i64,
        /// 报送对象，如 信访部门
        #[arg(long)]
        to: String,
        /// 时限：电话分钟/书面分钟，如 30/60；只电话报告写 30
        #[arg(long)]
        limits: String,
        /// 记录人（从标准输入读入其本人 PIN；不填记为“（命令行）”）
        #[arg(long)]
        operator: Option<String>,
    },
    /// 按标准格式打印一份报告（标题、报送单位、签发人、报送时间、正文、待核实事项、联系人及电话）
    Print {
        /// 事件编号
        id: i64,
        /// 第几份报告（按记录顺序，见 zhiban event show）
        n: usize,
        /// markdown 或 text
        #[arg(long, default_value = "markdown")]
        format: String,
    },
    /// 确认紧急事件（署名确认才停止逐级提醒；报送时限继续计时）
    Ack {
        /// 事件编号
        id: i64,
        /// 确认人（须是配置中的人员，并从标准输入读入其本人 PIN；不填则只记下“（命令行）”的确认，提醒继续）
        #[arg(long)]
        operator: Option<String>,
    },
}

/// A store error as the CLI says it: an unknown event or a refusal is the caller's to fix (2).
fn said(id: EventId) -> impl Fn(StoreError) -> Failure {
    move |e| match e {
        StoreError::NotFound(_) => bad_input(format!("没有第 {id} 号紧急事件：用 zhiban event list --all 查看编号")),
        StoreError::Refused(why) => bad_input(why),
        e => failure(e.to_string()),
    }
}

fn time_arg(option: &str, value: &str, now: chrono::NaiveDateTime) -> Result<chrono::NaiveDateTime, Failure> {
    validate::time(value, now).map_err(|e| bad_input(format!("{option}：{e}")))
}

fn text_arg(option: &str, field: EventText, value: &str) -> Result<String, Failure> {
    let v = sanitize(value, true);
    field.check(&v).map_err(|e| bad_input(format!("{option}：{e}")))?;
    Ok(v)
}

#[allow(clippy::too_many_lines)]
pub(super) fn run(
    command: EventCommand,
    config: &Config,
    store: &mut Store,
    now: chrono::NaiveDateTime,
) -> Result<(), Failure> {
    let urgent = &config.settings.urgent;
    match command {
        EventCommand::Add {
            category,
            level,
            occurred,
            received,
            place,
            summary,
            also,
            operator,
        } => {
            // The form's caps and the level, said with the option to fix, before a PIN is asked.
            let place = text_arg("--place", EventText::Place, &place)?;
            let summary = text_arg("--summary", EventText::Summary, &summary)?;
            let level = Level::parse(&level)
                .ok_or_else(|| bad_input(format!("--level：等级“{level}”无效，可写：{}", Level::choices())))?;
            let received_at = received.map(|r| time_arg("--received", &r, now)).transpose()?;
            let occurred_at = occurred
                .map(|o| time_arg("--occurred", &o, now))
                .transpose()?
                .unwrap_or_else(|| received_at.unwrap_or(now));
            let added = also
                .iter()
                .map(|a| {
                    let (name, limits) = a.split_once([':', '：']).unwrap_or((a, ""));
                    AddedRecipient::parse(&sanitize(name, false), limits).map_err(|e| bad_input(format!("--also：{e}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let operator = actor(operator.as_deref(), config, store)?;
            let mut draft = EventDraft::essentials(&sanitize(&category, false), level, occurred_at, &place, &summary);
            draft.received_at = received_at;
            draft.added = added;
            let event = new_event(draft, urgent, &operator, now).map_err(bad_input)?;
            let lines = crate::core::urgent::raised(now, &urgent.ladder);
            let id = store.insert_event(&event, &lines).map_err(|e| failure(e.to_string()))?;
            println!("{id}");
            Ok(())
        }
        EventCommand::List { all, json } => list(store, all, json, now, super::output::PAGE_ROWS),
        EventCommand::Show { id, json } => {
            let whole = store.report_event(id).map_err(said(id))?;
            if json {
                let text = serde_json::to_string(&OpenEventJson::new(&whole, now))
                    .map_err(|e| failure(format!("无法生成 JSON：{e}")))?;
                println!("{text}");
                return Ok(());
            }
            print!("{}", sanitize(&show_text(&whole, now), true));
            Ok(())
        }
        EventCommand::Report {
            id,
            kind,
            method,
            to,
            signer,
            text,
            sent,
            operator,
        } => {
            let kind = ReportType::parse(&kind)
                .ok_or_else(|| bad_input(format!("--kind：“{kind}”无效，可写：{}", ReportType::choices())))?;
            let channel = Channel::parse(&method)
                .ok_or_else(|| bad_input(format!("--method：“{method}”无效，可写：{}", Channel::choices())))?;
            let content = text_arg("--text", EventText::ReportContent, &text)?;
            if content.trim().is_empty() {
                return Err(bad_input("--text：报告正文不能为空"));
            }
            let recipient = text_arg("--to", EventText::ReportRecipient, &to)?;
            let signer = text_arg("--signer", EventText::ReportSigner, &signer)?;
            let sent_at = sent.map(|t| time_arg("--sent", &t, now)).transpose()?.unwrap_or(now);
            let by = actor(operator.as_deref(), config, store)?;
            let report = Report {
                kind: kind.label().into(),
                channel,
                recipient,
                sent_at,
                signed_by: signer,
                content,
                recorded_by: by,
                recorded_at: now,
            };
            let name = store.add_report(id, kind, &report, &[]).map_err(said(id))?;
            println!("已记录第 {id} 号事件 {}{name}报{}", channel.label(), report.recipient);
            Ok(())
        }
        EventCommand::Update {
            id,
            reason,
            occurred,
            place,
            casualties,
            measures,
            trend,
            contact,
            unverified,
            operator,
        } => {
            let reason = sanitize(&reason, false);
            if reason.trim().is_empty() {
                return Err(bad_input("--reason：请写更新的理由"));
            }
            let mut typed: Vec<(FactField, String)> = Vec::new();
            for (field, value) in [
                (FactField::OccurredAt, occurred),
                (FactField::Place, place),
                (FactField::Measures, measures),
                (FactField::Trend, trend),
                (FactField::Contact, contact),
                (FactField::Unverified, unverified),
            ] {
                if let Some(v) = value {
                    typed.push((field, sanitize(&v, true)));
                }
            }
            if let Some(c) = casualties {
                let parts: Vec<&str> = c.split([',', '，']).collect();
                let [d, m, i] = parts[..] else {
                    return Err(bad_input(
                        "--casualties：写“死亡,失踪,受伤”三个数，不清楚的留空，如 1,,7",
                    ));
                };
                typed.extend([
                    (FactField::Deaths, d.to_string()),
                    (FactField::Missing, m.to_string()),
                    (FactField::Injured, i.to_string()),
                ]);
            }
            if typed.is_empty() {
                return Err(bad_input(format!(
                    "没有要更新的事实：可写 {}",
                    EDITABLE.iter().map(|f| f.label()).collect::<Vec<_>>().join("、")
                )));
            }
            let event = store.event(id).map_err(said(id))?;
            let by = actor(operator.as_deref(), config, store)?;
            let changes = facts::changes_from(&event.facts, &typed, &reason, &by, now)
                .map_err(|errors| bad_input(errors.into_iter().map(|(_, e)| e).collect::<Vec<_>>().join("；")))?;
            if changes.is_empty() {
                println!("第 {id} 号事件的事实没有变化：没有写入");
                return Ok(());
            }
            store.update_facts(id, &changes).map_err(said(id))?;
            for c in &changes {
                println!("已更新第 {id} 号事件：{}", facts::change_text(c));
            }
            Ok(())
        }
        EventCommand::Regrade {
            id,
            level,
            reason,
            operator,
        } => {
            let level = Level::parse(&level)
                .ok_or_else(|| bad_input(format!("--level：等级“{level}”无效，可写：{}", Level::choices())))?;
            let reason = sanitize(&reason, false);
            if reason.trim().is_empty() {
                return Err(bad_input("--reason：请写改级的理由"));
            }
            let event = store.event(id).map_err(said(id))?;
            let rules: Vec<_> = rules_for(&urgent.rules, &event.record.category, level)
                .into_iter()
                .cloned()
                .collect();
            if rules.is_empty() {
                return Err(bad_input(format!(
                    "没有“{}”级事件的报送时限规则：请在配置 [[deadline]] 中补上",
                    level.label()
                )));
            }
            let by = actor(operator.as_deref(), config, store)?;
            store
                .regrade_event(id, level, &rules, &reason, &by, now)
                .map_err(said(id))?;
            println!("已将第 {id} 号事件改为{}级", level.label());
            Ok(())
        }
        EventCommand::AddRecipient {
            id,
            to,
            limits,
            operator,
        } => {
            let added = AddedRecipient::parse(&sanitize(&to, false), &limits).map_err(bad_input)?;
            let by = actor(operator.as_deref(), config, store)?;
            store.add_recipient(id, &added, &by, now).map_err(said(id))?;
            println!("已追加第 {id} 号事件的报送对象：{}", added.name);
            Ok(())
        }
        EventCommand::Print { id, n, format } => {
            let markdown = match format.as_str() {
                "markdown" | "md" => true,
                "text" | "txt" => false,
                f => return Err(bad_input(format!("--format：“{f}”无效，可写 markdown 或 text"))),
            };
            let whole = store.report_event(id).map_err(said(id))?;
            let report = n.checked_sub(1).and_then(|i| whole.reports.get(i)).ok_or_else(|| {
                bad_input(format!(
                    "第 {id} 号事件没有第 {n} 份报告（共 {} 份，从 1 数起）",
                    whole.reports.len()
                ))
            })?;
            let phone = config
                .settings
                .people
                .iter()
                .find(|p| p.name == report.recorded_by)
                .map(|p| p.phone.clone())
                .unwrap_or_default();
            let head = Letterhead {
                office: &config.settings.office_name,
                contact: format!("{} {phone}", report.recorded_by).trim().to_string(),
            };
            print!("{}", sanitize(&print(&whole.event, report, &head, markdown), true));
            Ok(())
        }
        EventCommand::Ack { id, operator } => ack(id, operator, config, store, now),
    }
}

/// The event as `event show` prints it: the state, each clock, the facts as known now with
/// their history, every report in full, the timeline.
fn show_text(whole: &crate::core::report::ReportEvent, now: chrono::NaiveDateTime) -> String {
    let e = &whole.event;
    let f = &e.facts;
    let r = &e.record;
    let mut s = format!(
        "第 {} 号紧急事件  {} {}  {}\n",
        e.id,
        f.level.label(),
        r.category,
        e.escalation.state.label()
    );
    s.push_str(&format!(
        "事发 {}  接报 {}  地点 {}\n概况：{}\n伤亡：{}\n",
        validate::format_minute(f.occurred_at),
        validate::format_minute(r.received_at),
        f.shown(FactField::Place),
        r.summary,
        f.casualties()
    ));
    for field in [
        FactField::Measures,
        FactField::Trend,
        FactField::Contact,
        FactField::Unverified,
    ] {
        s.push_str(&format!("{}：{}\n", field.label(), f.shown(field)));
    }
    s.push_str("报送时限：\n");
    for c in &e.clocks {
        s.push_str(&format!(
            "  {}（{}；依据 {}）\n",
            c.describe(now),
            c.setting.limits_text(),
            c.setting.source
        ));
    }
    if !e.changes.is_empty() {
        s.push_str("事实更新：\n");
        for c in &e.changes {
            s.push_str(&format!(
                "  {} {} {}（理由：{}）\n",
                validate::format_minute(c.at),
                c.by,
                facts::change_text(c),
                c.reason
            ));
        }
    }
    s.push_str(&format!("报告（{} 份）：\n", whole.reports.len()));
    for (n, rep) in whole.reports.iter().enumerate() {
        s.push_str(&format!(
            "  {}. {}{}报{}  {}  签发 {}\n     {}\n",
            n + 1,
            rep.channel.label(),
            rep.kind,
            rep.recipient,
            validate::format_minute(rep.sent_at),
            rep.signed_by,
            rep.content
        ));
    }
    s.push_str("时间线：\n");
    for t in &whole.timeline {
        s.push_str(&format!("  {} {} {}\n", validate::format_minute(t.at), t.who, t.text));
    }
    s
}

/// `event list`: the open events by number, or with `--all` every event newest first, written as
/// the store reads them (`--all` a page at a time), all from one snapshot. `--json` gives each event
/// whole, as `zhiban export` writes it, then what stands now.
fn list(store: &mut Store, all: bool, json: bool, now: chrono::NaiveDateTime, page: usize) -> Result<(), Failure> {
    let mut w = output::stdout();
    store.read_snapshot(|store| -> Result<(), StreamError> {
        let mut array = json.then(|| output::JsonArray::begin(&mut w)).transpose()?;
        let mut each = |events: &[Event]| -> Result<(), StreamError> {
            for e in events {
                match &mut array {
                    Some(array) => array.item(&mut w, &OpenEventJson::new(&store.report_event(e.id)?, now))?,
                    None => write_event(&mut w, e, now)?,
                }
            }
            Ok(())
        };
        if all {
            store.event_pages(usize::MAX, page, each)?;
        } else {
            // The open events are few: read at once.
            each(&store.open_events()?)?;
        }
        if let Some(array) = array {
            array.end(&mut w)?;
        }
        Ok(())
    })?;
    output::finish(w)
}

/// One line of `event list`: the event's columns separated by tabs; an event not yet closed with
/// each recipient's clock as it stands.
fn write_event(w: &mut impl Write, e: &Event, now: chrono::NaiveDateTime) -> Result<(), StreamError> {
    let r = &e.record;
    let clocks = if e.escalation.state == EventState::Closed {
        String::new()
    } else {
        e.clock_strip(now)
    };
    writeln!(
        w,
        "{}\t{}\t{}\t{}\t接报 {}\t{}\t{}",
        e.id,
        e.facts.level.label(),
        sanitize(&r.category, false),
        e.escalation.state.label(),
        validate::format_minute(r.received_at),
        sanitize(&clocks, false),
        sanitize(&r.summary, false),
    )?;
    Ok(())
}

fn ack(
    id: EventId,
    operator: Option<String>,
    config: &Config,
    store: &mut Store,
    now: chrono::NaiveDateTime,
) -> Result<(), Failure> {
    let urgent = &config.settings.urgent;
    let by = actor(operator.as_deref(), config, store)?;
    let mut event = store.event(id).map_err(said(id))?;
    let before = event.escalation.clone();
    // Steps that came due while nobody ran the app are recorded first, then the ack.
    let mut outputs = event.escalation.handle(Input::Tick, now, &urgent.ladder);
    let anonymous = by == SCRIPT_OPERATOR;
    if anonymous {
        // Recorded, but only a person stops the escalation: a script cannot say who heard it.
        outputs.push(Output::Timeline {
            at: now,
            who: by.clone(),
            text: "命令行报告已确认（未署名，不停止催办：须值班人员确认）".into(),
        });
    } else {
        outputs.extend(event.escalation.handle(Input::Acknowledge { by }, now, &urgent.ladder));
    }
    if let Some(Output::Refused(why)) = outputs.iter().find(|o| matches!(o, Output::Refused(_))) {
        return Err(bad_input(format!("第 {id} 号事件：{why}")));
    }
    let lines: Vec<TimelineLine> = outputs
        .into_iter()
        .filter_map(|o| match o {
            Output::Timeline { at, who, text } => Some(TimelineLine { at, who, text }),
            _ => None,
        })
        .collect();
    let saved = store
        .save_escalation(
            crate::core::urgent::AlertTarget::Event(id),
            &before,
            &event.escalation,
            &lines,
        )
        .map_err(|e| failure(e.to_string()))?;
    if !saved {
        return Err(failure(format!("第 {id} 号事件刚被另一个终端改动：请重试")));
    }
    if anonymous {
        println!(
            "已记下命令行的确认；第 {id} 号紧急事件仍在催办：须值班人员在程序中按 F2，或加 --operator 姓名 并输入本人 PIN"
        );
    } else {
        println!("已确认第 {id} 号紧急事件");
    }
    Ok(())
}
