//! `zhiban pin set NAME --by LEADER`: a confirmed approver enrols a person who has no PIN (open
//! enrolment, while no approver has one, needs no `--by`). `zhiban pin reset NAME --by LEADER`: a
//! leader clears a person's forgotten PIN (the person is enrolled again at their next sign-in).
//! Every PIN is read without echo on a terminal, one line of standard input otherwise.

use super::{Failure, bad_input, failure, read_pin};
use crate::config::Config;
use crate::core::pin_policy::{PinCheck, PinPlace, wait_text, wrong_text};
use crate::store::Store;

pub(super) fn reset(config: &Config, store: &mut Store, name: &str, by: &str) -> Result<(), Failure> {
    if config.settings.person(name).is_none() {
        return Err(bad_input(format!("配置中没有“{name}”")));
    }
    let leader = config
        .settings
        .person(by)
        .filter(|p| p.role.is_leader())
        .ok_or_else(|| {
            bad_input(format!(
                "--by：“{by}”不是配置中的领导（带班领导、办公室主任等）：PIN 须由领导重置"
            ))
        })?;
    let not_set = || {
        bad_input(format!(
            "{} 还没有设定 PIN：请先在程序中锁屏（Ctrl-L）并输入一次以设定，再来重置他人的 PIN",
            leader.name
        ))
    };
    if store
        .pin_hash(&leader.name)
        .map_err(|e| failure(e.to_string()))?
        .is_none()
    {
        return Err(not_set());
    }
    let pin = read_pin(&format!("请 {} 输入本人 PIN 后按回车：", leader.name))?;
    // Checked and recorded like every PIN: wrong tries here count with the app's.
    let now = crate::runtime::now();
    match store
        .check_pin(&leader.name, &pin, PinPlace::CommandLine, now)
        .map_err(|e| failure(e.to_string()))?
    {
        PinCheck::Matches { .. } => {}
        PinCheck::NotSet => return Err(not_set()),
        PinCheck::Wrong { in_a_row, wait_until } => {
            return Err(bad_input(format!(
                "{}；没有重置",
                wrong_text(&leader.name, in_a_row, wait_until, now)
            )));
        }
        PinCheck::Wait { until } => {
            return Err(bad_input(format!("{}；没有重置", wait_text(&leader.name, until, now))));
        }
    }
    let cleared = store.clear_pin(name).map_err(|e| failure(e.to_string()))?;
    if cleared {
        println!(
            "已由 {} 重置 {name} 的 PIN：{name} 下次登录时由领导重新登记",
            leader.name
        );
    } else {
        println!("{name} 还没有设定 PIN，无需重置");
    }
    Ok(())
}

pub(super) fn set(config: &Config, store: &mut Store, name: &str, by: Option<&str>) -> Result<(), Failure> {
    use crate::core::sign_in::OPEN_ENROLMENT;
    let person = config
        .settings
        .person(name)
        .ok_or_else(|| bad_input(format!("配置中没有“{name}”")))?;
    if store.pin_hash(name).map_err(|e| failure(e.to_string()))?.is_some() {
        return Err(bad_input(format!(
            "{name} 已有 PIN：忘记了请先由领导 zhiban pin reset，再登记"
        )));
    }
    let candidates: Vec<(String, String)> = config
        .settings
        .people
        .iter()
        .filter(|p| p.role.is_leader())
        .map(|p| (p.name.clone(), p.role.label().to_string()))
        .collect();
    let confirmed = store
        .confirmed_approvers(&candidates)
        .map_err(|e| failure(e.to_string()))?;
    let enrolled_by = if confirmed.is_empty() {
        eprintln!("还没有任何领导登记 PIN，登记开放：{name} 本人设定 PIN");
        OPEN_ENROLMENT.to_string()
    } else {
        let Some(by) = by else {
            return Err(bad_input(format!(
                "--by：须由已登记的领导批准（可写 {}）",
                confirmed.join("、")
            )));
        };
        if !confirmed.iter().any(|c| c == by) {
            return Err(bad_input(format!(
                "--by：“{by}”不是已确认的领导：可写 {}",
                confirmed.join("、")
            )));
        }
        let pin = read_pin(&format!("请 {by} 输入本人 PIN 后按回车："))?;
        let now = crate::runtime::now();
        match store
            .check_pin(by, &pin, PinPlace::CommandLine, now)
            .map_err(|e| failure(e.to_string()))?
        {
            PinCheck::Matches { .. } => {}
            PinCheck::NotSet => return Err(bad_input(format!("{by} 还没有 PIN：没有登记"))),
            PinCheck::Wrong { in_a_row, wait_until } => {
                return Err(bad_input(format!(
                    "{}；没有登记",
                    wrong_text(by, in_a_row, wait_until, now)
                )));
            }
            PinCheck::Wait { until } => {
                return Err(bad_input(format!("{}；没有登记", wait_text(by, until, now))));
            }
        }
        by.to_string()
    };
    let new = read_pin(&format!("请 {name} 设定 6 位新 PIN 后按回车："))?;
    crate::core::pin_policy::check_new_pin(&new).map_err(|e| bad_input(format!("{e}：没有登记")))?;
    let again = read_pin(&format!("请 {name} 再输入一次新 PIN："))?;
    if again != new {
        return Err(bad_input("两次输入的新 PIN 不一致：没有登记".to_string()));
    }
    let hash = crate::pin::hash(&new).map_err(failure)?;
    let role = config.settings.role_confirmed_by_enrolment(&person.name, false);
    store
        .enrol_pin(name, &hash, &enrolled_by, role.as_deref(), false, crate::runtime::now())
        .map_err(|e| failure(e.to_string()))?;
    if enrolled_by == OPEN_ENROLMENT {
        println!("已登记 {name} 的 PIN（登记开放期间本人设定）");
    } else {
        println!("已登记 {name} 的 PIN（{enrolled_by} 登记）");
    }
    Ok(())
}
