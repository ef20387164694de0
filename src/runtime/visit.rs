//! Executes the 来访登记 effects against the store.

use chrono::NaiveDateTime;

use crate::core::app::{Effect, Msg};
use crate::core::settings::Settings;
use crate::core::visit::describe_repeat;
use crate::store::Store;

pub(super) fn execute(store: &mut Store, effect: Effect, settings: &Settings, now: NaiveDateTime) -> Option<Msg> {
    Some(match effect {
        Effect::LoadVisits => match store.visits_inside(now).and_then(|inside| {
            Ok(Msg::Visits {
                inside,
                watch: store.watch_list()?,
            })
        }) {
            Ok(msg) => msg,
            Err(e) => Msg::LoadFailed(e.to_string()),
        },
        Effect::LoadVisitPage(req) => match store.visits_page(&req) {
            Ok(rows) => Msg::VisitPage(req, rows),
            Err(e) => Msg::LoadFailed(e.to_string()),
        },
        Effect::LookupVisitors(query) => match store.lookup(&query) {
            Ok(results) => Msg::LookupResults(query, results),
            Err(e) => Msg::LoadFailed(e.to_string()),
        },
        Effect::SaveVisit(visit, alerts) => match store.add_visit(&visit) {
            Ok(id) => {
                let mut said = format!("已保存：第 {id} 号来访 {}", visit.name);
                if let Ok(v) = store.visit(id)
                    && let Some(prev) = &v.previous
                {
                    said.push_str(&format!("（{}）", describe_repeat(prev)));
                }
                // The visit is saved whatever happens next; each alert is its own record.
                let mut raised = 0;
                for (entry, lines) in &alerts {
                    match store.insert_entry_raising(entry, Some(lines)) {
                        Ok(_) => raised += 1,
                        Err(e) => said.push_str(&format!(
                            "；提醒未能保存（{e}），请立即电话报告{}",
                            settings.leader_title()
                        )),
                    }
                }
                if raised > 0 {
                    said.push_str(&format!("；已发出 {raised} 条紧急提醒，按 F2 确认"));
                }
                Msg::VisitSaved {
                    said,
                    alerts: raised > 0,
                }
            }
            Err(e) => Msg::SaveFailed(e.to_string()),
        },
        Effect::Checkout { id, by } => match store.checkout(id, &by, now) {
            Ok(()) => {
                let name = store.visit(id).map(|v| v.fields.name).unwrap_or_default();
                Msg::VisitDone(format!("已登记离开：第 {id} 号来访 {name}，{}", now.format("%H:%M")))
            }
            Err(e) => Msg::VisitDone(format!("离开登记失败：{e}")),
        },
        Effect::LoadVisit(id) => match store.visit(id).and_then(|v| Ok((v, store.reveals(id)?))) {
            Ok((v, reveals)) => Msg::VisitLoaded(Box::new(v), reveals),
            Err(e) => Msg::LoadFailed(e.to_string()),
        },
        Effect::RevealId { id, by } => match store
            .record_reveal(id, &by, now)
            .and_then(|full| Ok((full, store.reveals(id)?)))
        {
            Ok((full, reveals)) => Msg::Revealed { id, full, reveals },
            Err(e) => Msg::LoadFailed(e.to_string()),
        },
        Effect::AddWatch(entry) => match store.add_watch(&entry) {
            Ok(id) => Msg::VisitDone(format!("已保存：关注名单第 {id} 条 {}", entry.name)),
            Err(e) => Msg::SaveFailed(e.to_string()),
        },
        _ => return None,
    })
}
