//! 统计 (a sub-screen of 交接班: `s`, or the go-to list): the 月度统计 of the month in view —
//! ←/→ the month (or year) before and after, never past the one in progress; `y` switches between
//! the month and its year; `t` back to the period of today. The figures are the command line's
//! (`zhiban stats`), read on the reader's connection so a year's reading never holds a save.

use super::keymap::{Action, Mode};
use super::screen::{Command, Cx, OpId, Reply, Request, Screen, Target};
use super::stats::{Period, Stats};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsScreen {
    /// The period in view (the month of today when first shown).
    pub period: Option<Period>,
    /// The figures shown, for `shown_for`.
    pub stats: Option<Box<Stats>>,
    /// Their text, one line each (the ui wraps them).
    pub lines: Vec<String>,
    /// The first line shown.
    pub scroll: usize,
    /// The reading in flight, for which period.
    load_op: Option<(OpId, Period)>,
}

impl StatsScreen {
    /// Reading the period in view: the figures shown are another period's, or none yet.
    #[must_use]
    pub fn loading(&self) -> bool {
        self.load_op.is_some()
    }

    /// The period the figures shown are of.
    #[must_use]
    pub fn shown_for(&self) -> Option<Period> {
        self.stats.as_ref().map(|s| s.period)
    }

    fn go(&mut self, period: Period, cx: &mut Cx<'_>) {
        self.period = Some(period);
        self.load_op = Some((cx.request(Request::Stats(period)), period));
    }

    fn reload(&mut self, cx: &mut Cx<'_>) {
        let period = self.period.unwrap_or_else(|| Period::containing(cx.now, false));
        self.go(period, cx);
    }
}

impl Screen for StatsScreen {
    fn mode(&self) -> Mode {
        Mode::Stats
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) {
        let current = self.period.unwrap_or_else(|| Period::containing(cx.now, false));
        let last = self.lines.len().saturating_sub(1);
        match action {
            Action::PrevPeriod => self.go(current.previous(), cx),
            Action::NextPeriod => {
                let next = current.next();
                if next.is_future(cx.now) {
                    cx.say(if current.is_year() {
                        "已是本年：以后的年份尚未开始"
                    } else {
                        "已是本月：以后的月份尚未开始"
                    });
                } else {
                    self.go(next, cx);
                }
            }
            Action::ToggleYear => self.go(current.toggled(cx.now), cx),
            Action::Today => self.go(Period::containing(cx.now, current.is_year()), cx),
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll = (self.scroll + 1).min(last),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(10),
            Action::PageDown => self.scroll = (self.scroll + 10).min(last),
            Action::Back => cx.command(Command::Back),
            _ => {}
        }
    }

    fn on_reply(&mut self, op: OpId, reply: Reply, cx: &mut Cx<'_>) {
        let Some((_, period)) = self.load_op.filter(|(id, _)| *id == op) else {
            return;
        };
        self.load_op = None;
        match reply {
            Reply::Stats(stats) => {
                if self.shown_for() != Some(period) {
                    self.scroll = 0;
                }
                self.lines = stats
                    .to_text(&cx.settings.office_name)
                    .lines()
                    .map(str::to_string)
                    .collect();
                self.scroll = self.scroll.min(self.lines.len().saturating_sub(1));
                self.stats = Some(stats);
            }
            Reply::Failed(why) => cx.say(format!("无法读取{}的统计：{why}", period.label())),
            // Replaced by a newer query (another screen's search): read again when shown.
            _ => {}
        }
    }

    fn on_show(&mut self, cx: &mut Cx<'_>) {
        self.reload(cx);
    }

    fn on_foreign_writes(&mut self, shown: bool, cx: &mut Cx<'_>) {
        // A finished period changes only by a late correction: read again only the one in progress.
        let open = self.period.is_some_and(|p| cx.now < p.to());
        if shown && open && self.load_op.is_none() {
            self.reload(cx);
        }
    }

    fn open(&mut self, target: Target, _cx: &mut Cx<'_>) -> Result<(), Target> {
        match target {
            Target::Stats => Ok(()),
            t => Err(t),
        }
    }
}
