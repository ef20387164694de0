//! `zhiban backup [DIR]` and `zhiban restore FILE --yes`.

use std::path::{Path, PathBuf};

use super::{Failure, bad_input, failure};
use crate::config::Config;
use crate::store::{StoreError, backup};

pub(super) fn run_backup(config: &Config, db: &Path, dir: Option<PathBuf>) -> Result<(), Failure> {
    if !db.exists() {
        return Err(bad_input(format!(
            "数据库文件 {} 不存在：没有可备份的内容",
            db.display()
        )));
    }
    backup::check_file(db).map_err(|e| match e {
        // The disk, not the database: say only that.
        StoreError::DiskFull | StoreError::DiskIo => failure(format!("未备份：{e}")),
        e => failure(format!("数据库未通过检查，未备份：{e}")),
    })?;
    let dir = dir.unwrap_or_else(|| config.settings.backup.dir_for(db));
    let now = crate::runtime::now();
    let path = backup::backup_file(db, &dir, now).map_err(|e| failure(e.to_string()))?;
    let pruned = backup::prune(&dir, config.settings.backup.keep_days, now);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("{}", path.display());
    eprintln!(
        "已备份（{:.1} MiB，已通过完整性检查）{}",
        size as f64 / 1_048_576.0,
        if pruned > 0 {
            format!("；删除超过 {} 天的旧备份 {pruned} 份", config.settings.backup.keep_days)
        } else {
            String::new()
        }
    );
    Ok(())
}

pub(super) fn run_restore(config: &Config, db: &Path, file: &Path, yes: bool) -> Result<(), Failure> {
    backup::check_file(file).map_err(|e| bad_input(format!("{} 不能用于恢复：{e}", file.display())))?;
    if !yes {
        return Err(bad_input(format!(
            "{} 检查通过。恢复会用它替换 {}（现有数据库先另存到备份目录）；确认请加 --yes 再运行，并先关闭所有正在运行的 zhiban",
            file.display(),
            db.display()
        )));
    }
    let keep_dir = config.settings.backup.dir_for(db);
    let kept = backup::restore(file, db, &keep_dir, crate::runtime::now()).map_err(|e| failure(e.to_string()))?;
    match kept {
        Some(k) => println!("已从 {} 恢复；原数据库另存为 {}", file.display(), k.display()),
        None => println!("已从 {} 恢复", file.display()),
    }
    Ok(())
}
