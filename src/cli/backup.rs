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
    let dir = dir.unwrap_or_else(|| config.settings.backup.dir_for(db));
    let now = crate::runtime::now();
    // The copy is checked before it is compressed (a damaged database is not backed up over the
    // good backups: the rotation would in time remove them).
    let written = backup::backup_file(db, &dir, now).map_err(|e| match e {
        // The disk, not the database: say only that.
        StoreError::DiskFull | StoreError::DiskIo => failure(format!("未备份：{e}")),
        e @ (StoreError::Refused(_) | StoreError::NotADatabase { .. } | StoreError::Corrupt) => {
            failure(format!("数据库未通过检查，未备份：{e}"))
        }
        e => failure(format!("未备份：{e}")),
    })?;
    let pruned = backup::prune(&dir, config.settings.backup.keep, now);
    let size = crate::core::backup::size_text;
    let t = written.timings;
    println!("{}", written.path.display());
    eprintln!(
        "已备份（数据库 {}，压缩为 {}；已通过完整性检查，解压核对 SHA-256 相符；用时 {:.1} 秒）{}",
        size(written.bytes),
        size(written.compressed),
        (t.copy + t.check + t.compress + t.verify).as_secs_f64(),
        if pruned > 0 {
            format!("；按轮换删除旧备份 {pruned} 份")
        } else {
            String::new()
        }
    );
    Ok(())
}

pub(super) fn run_restore(config: &Config, db: &Path, file: &Path, yes: bool) -> Result<(), Failure> {
    let now = crate::runtime::now();
    // A compressed backup is decompressed once, beside the database, and checked there; the
    // temporary file goes when `prepared` is dropped.
    let work_dir = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let prepared =
        backup::prepare(file, work_dir, now).map_err(|e| bad_input(format!("{} 不能用于恢复：{e}", file.display())))?;
    if !yes {
        return Err(bad_input(format!(
            "{} 检查通过。恢复会用它替换 {}（现有数据库先另存到备份目录）；确认请加 --yes 再运行，并先关闭所有正在运行的 zhiban",
            file.display(),
            db.display()
        )));
    }
    let keep_dir = config.settings.backup.dir_for(db);
    let kept = backup::restore_prepared(&prepared, db, &keep_dir, now).map_err(|e| failure(e.to_string()))?;
    match kept {
        Some(k) => println!("已从 {} 恢复；原数据库另存为 {}", file.display(), k.display()),
        None => println!("已从 {} 恢复", file.display()),
    }
    Ok(())
}
