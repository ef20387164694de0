//! The 统计 screen (a sub-screen of 交接班, `s`) on ratatui's TestBackend with a real store and a
//! fixed clock: the month of today with its figures, ← → and `y`, nothing cut at 80×24 (each line
//! wrapped, scrolled with PgDn) and everything in view at 200×50.

mod common;

use common::Harness;
use zhiban::core::keymap::{Key, KeyCode, Mode};

/// The screen's text with the wrapping undone: rows joined, borders and padding dropped.
fn flat(h: &mut Harness) -> String {
    h.screen()
        .iter()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' ').trim_end_matches('│').trim())
        .collect::<Vec<_>>()
        .join("")
}

fn open_stats(h: &mut Harness) {
    h.save_call("城关镇人民政府", "李站长", "河堤出现渗水，已组织人员巡查");
    h.key(Key::plain(KeyCode::Esc));
    if h.app.confirm.is_some() {
        h.key(Key::ch('y'));
    }
    h.key(Key::plain(KeyCode::Esc));
    h.key(Key::ch('4'));
    assert_eq!(h.app.mode(), Mode::Handover);
    h.key(Key::ch('s'));
    assert_eq!(h.app.mode(), Mode::Stats);
}

#[test]
fn the_month_of_today_is_shown_and_steps_by_month_and_year() {
    let mut h = Harness::new(80, 24, Some("张三"));
    open_stats(&mut h);
    let now = common::now();
    let month = format!("{}年{}月", chrono::Datelike::year(&now), chrono::Datelike::month(&now));
    let text = flat(&mut h);
    assert!(text.contains(&format!("值班统计（{month}）")), "{text}");
    assert!(text.contains("值班记录共 1 件"), "{text}");
    assert!(text.contains("本期尚未结束"), "{text}");
    // Nothing after the month in progress.
    h.key(Key::plain(KeyCode::Right));
    assert!(h.app.message.as_ref().is_some_and(|m| m.text.contains("已是本月")));
    h.key(Key::plain(KeyCode::Left));
    let before = flat(&mut h);
    assert!(before.contains("值班记录共 0 件"), "{before}");
    assert!(!before.contains("本期尚未结束"), "{before}");
    h.key(Key::ch('t'));
    assert!(flat(&mut h).contains(&format!("值班统计（{month}）")));
    h.key(Key::ch('y'));
    let year = flat(&mut h);
    assert!(
        year.contains(&format!("值班统计（{}年）", chrono::Datelike::year(&now))),
        "{year}"
    );
    assert!(year.contains("值班记录共 1 件"), "{year}");
    h.key(Key::plain(KeyCode::Esc));
    assert_eq!(h.app.mode(), Mode::Handover);
}

#[test]
fn readable_at_80x24_by_scrolling_and_whole_at_200x50() {
    let mut h = Harness::new(80, 24, Some("张三"));
    open_stats(&mut h);
    let officer = "张三：记录 1 件，接报至登记中位数";
    let mut seen = flat(&mut h);
    for _ in 0..4 {
        h.key(Key::plain(KeyCode::PageDown));
        seen.push_str(&flat(&mut h));
    }
    for part in [
        officer,
        "初报按时率",
        "集体访（5 人以上）",
        "按时办结率",
        "交办超期 0）",
    ] {
        assert!(seen.contains(part), "{part} never shown at 80×24:\n{seen}");
    }
    for row in h.screen() {
        assert!(unicode_width::UnicodeWidthStr::width(row.as_str()) <= 80, "{row}");
    }
    let mut wide = Harness::new(200, 50, Some("张三"));
    open_stats(&mut wide);
    let all = flat(&mut wide);
    for part in [officer, "初报按时率", "信访 0 批", "按时办结率", "制表"] {
        assert!(all.contains(part), "{part} not in view at 200×50:\n{all}");
    }
}
