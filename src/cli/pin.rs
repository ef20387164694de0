//! `zhiban pin reset NAME --by LEADER`: a leader clears a person's forgotten PIN (the person sets
//! a new one at their next signature or screen unlock). The leader's own PIN is read from stdin.

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
