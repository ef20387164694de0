//! Executes the 来访登记 requests against the store.

use chrono::NaiveDateTime;

use crate::core::app::{Reply, Request};
use crate::core::visit::{LookupAnswer, describe_repeat};
use crate::core::visit_lookup::LookupBudget;
use crate::store::Store;

pub(super) fn execute(store: &mut Store, request: Request, now: NaiveDateTime) -> Reply {
    let failed = |e: crate::store::StoreError| Reply::Failed(e.to_string());
    match request {
        Request::LoadVisits => store
            .visits_inside(now)
            .and_then(|inside| {
                Ok(Reply::Visits {
                    inside,
                    watch: store.watch_list()?,
                })
            })
            .unwrap_or_else(failed),
        Request::LoadVisitPage(req) => store
            .visits_page(&req)
            .map_or_else(failed, |rows| Reply::VisitPage(req, rows)),
        Request::LookupVisitors(query) => store
            .lookup_within(
                &query,
                LookupBudget::DEFAULT,
                &mut super::WallBudget::new(super::LOOKUP_BUDGET),
            )
            .map_or_else(failed, Reply::Lookup),
        Request::LookupAllVisitors(query) => store.lookup(&query).map_or_else(failed, |matches| {
            Reply::Lookup(LookupAnswer {
                matches,
                complete: true,
            })
        }),
        Request::SaveVisit(visit, alerts) => match store.add_visit(&visit) {
            Ok(id) => {
                let repeat = store
                    .visit(id)
                    .ok()
                    .and_then(|v| v.previous.as_ref().map(describe_repeat));
                // The visit is saved whatever happens next; each alert is its own record.
                let mut raised = 0;
                let mut failed = Vec::new();
                for (entry, lines) in &alerts {
                    match store.insert_entry_raising(entry, Some(lines)) {
                        Ok(_) => raised += 1,
                        Err(e) => failed.push(e.to_string()),
                    }
                }
                Reply::VisitSaved {
                    id,
                    repeat,
                    raised,
                    failed,
                }
            }
            Err(e) => Reply::Failed(e.to_string()),
        },
        Request::Checkout { id, by } => match store.checkout(id, &by, now) {
            Ok(()) => Reply::CheckedOut {
                name: store.visit(id).map(|v| v.fields.name).unwrap_or_default(),
            },
            Err(e) => Reply::Failed(e.to_string()),
        },
        Request::LoadVisit(id) => store
            .visit(id)
            .and_then(|v| Ok((v, store.reveals(id)?)))
            .map_or_else(failed, |(v, reveals)| Reply::Visit(Box::new(v), reveals)),
        Request::RevealId { id, by } => store
            .record_reveal(id, &by, now)
            .and_then(|full| Ok((full, store.reveals(id)?)))
            .map_or_else(failed, |(full, reveals)| Reply::Revealed { full, reveals }),
        Request::AddWatch(entry) => store.add_watch(&entry).map_or_else(failed, Reply::WatchAdded),
        other => Reply::Failed(format!("内部错误：来访模块不处理 {other:?}")),
    }
}
