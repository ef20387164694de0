//! Files the app writes and reads outside the database, in one place.
//!
//! - Every file zhiban creates (a new database, backups, a restored database, the handover's
//!   Markdown, `export --out` files) is made by [`create_private`]: mode 0600, and only if
//!   nothing is at the path yet (`O_CREAT|O_EXCL`, plus `O_NOFOLLOW`): an existing file, directory
//!   or symbolic link — even one pointing nowhere — is refused, never followed, never overwritten.
//! - Every file it reads as input (config, roster CSV) is read by [`read_regular`]: a regular
//!   file under a size cap, opened without blocking (a FIFO or a device such as `/dev/zero` is
//!   refused before a byte is read). A restore's input must be a regular file too
//!   ([`require_regular`]).
//! - [`exposure`] says when a database (or its `-wal`/`-shm`) can be read by others, with the
//!   `chmod` that fixes it.
//!
//! Messages are Chinese and say what to do; a full disk says 磁盘已满 ([`describe`]).

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The largest `config.toml` read (a real one is a few KiB).
pub const CONFIG_MAX_BYTES: u64 = 1024 * 1024;

/// The largest roster CSV read (ten years of four shifts a day is about 1 MiB).
pub const CSV_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// What to do about a full disk, said after 磁盘已满.
pub const DISK_FULL_FIX: &str = "请清理磁盘空间（删除不需要的文件，或把旧备份移到别处；可用 df -h 查看剩余空间）后重试";

/// What went wrong with a file, in words an officer can act on.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path} 已存在，没有覆盖：请先移走或改名后再试")]
    Exists { path: PathBuf },
    #[error("磁盘已满，无法写入 {path}：{DISK_FULL_FIX}")]
    DiskFull { path: PathBuf },
    #[error("{path} 不是普通文件（{kind}）：{what}须是一个普通文件，请检查路径")]
    NotRegular {
        path: PathBuf,
        kind: &'static str,
        what: &'static str,
    },
    #[error("{path} 太大（{size}）：{what}最多 {cap}，请检查是否选错了文件")]
    TooLarge {
        path: PathBuf,
        what: &'static str,
        size: String,
        cap: String,
    },
    #[error("{path} 不存在：请检查路径")]
    NotFound { path: PathBuf },
    #[error("没有权限读写 {path}：请检查文件和目录的属主与权限")]
    PermissionDenied { path: PathBuf },
    #[error("无法读写 {path}：{source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// Whether an I/O error means the disk (or the user's quota) is full.
#[must_use]
pub fn is_disk_full(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

/// Names an I/O error on `path`: a full disk, a missing file, no permission, or the system's words.
#[must_use]
pub fn describe(path: &Path, e: std::io::Error) -> FileError {
    let path = path.to_path_buf();
    match e.kind() {
        _ if is_disk_full(&e) => FileError::DiskFull { path },
        std::io::ErrorKind::AlreadyExists => FileError::Exists { path },
        std::io::ErrorKind::NotFound => FileError::NotFound { path },
        std::io::ErrorKind::PermissionDenied => FileError::PermissionDenied { path },
        _ => FileError::Io { path, source: e },
    }
}

/// Creates a new file at `path`, readable and writable by its owner only (0600), and opens it
/// for writing. Anything already at `path` — a file, a directory, a symbolic link even to
/// nowhere — is refused ([`FileError::Exists`]): nothing is followed or overwritten.
pub fn create_private(path: &Path) -> Result<File, FileError> {
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| describe(path, e))?;
    // The umask may take bits away (0400); it never adds any. Exactly 0600, on the open file.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
        .map_err(|e| describe(path, e))?;
    Ok(file)
}

/// Opens the log at `path` for appending, creating it private (0600) if missing: a record that
/// only grows (the backups' test-restore record), never rewritten. A symbolic link at `path` is
/// refused (`O_NOFOLLOW`), and so is anything but a regular file (a FIFO is not waited on).
pub fn append_private(path: &Path) -> Result<File, FileError> {
    let file = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            // What O_NOFOLLOW says of a link.
            Some(libc::ELOOP) => FileError::Exists { path: path.into() },
            _ => describe(path, e),
        })?;
    let meta = file.metadata().map_err(|e| describe(path, e))?;
    if !meta.is_file() {
        return Err(FileError::NotRegular {
            path: path.into(),
            kind: kind_of(meta.file_type()),
            what: "记录文件",
        });
    }
    if meta.permissions().mode() & 0o077 != 0 {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| describe(path, e))?;
    }
    Ok(file)
}

/// How many names [`create_private_numbered`] tries: `stem.ext`, `stem-2.ext` … `stem-99.ext`.
const NUMBERED_TRIES: u32 = 99;

/// [`create_private`] under the first free name of `stem.ext`, `stem-2.ext`, `stem-3.ext` …
/// in `dir`: a name already taken (by an earlier copy, or by a link someone planted) is left
/// alone and the next one tried. Returns the path used.
pub fn create_private_numbered(dir: &Path, stem: &str, ext: &str) -> Result<(PathBuf, File), FileError> {
    let first = dir.join(format!("{stem}.{ext}"));
    for n in 1..=NUMBERED_TRIES {
        let path = if n == 1 {
            first.clone()
        } else {
            dir.join(format!("{stem}-{n}.{ext}"))
        };
        match create_private(&path) {
            Ok(file) => return Ok((path, file)),
            Err(FileError::Exists { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Err(FileError::Exists { path: first })
}

/// What kind of thing a non-regular file is, in words.
fn kind_of(t: std::fs::FileType) -> &'static str {
    if t.is_dir() {
        "是一个目录"
    } else if t.is_fifo() {
        "是一个管道"
    } else if t.is_char_device() || t.is_block_device() {
        "是一个设备"
    } else if t.is_socket() {
        "是一个套接字"
    } else {
        "不是普通文件"
    }
}

/// Checks that `path` is (or links to) a regular file; `what` names it in the message
/// (“备份文件”, “配置文件”).
pub fn require_regular(path: &Path, what: &'static str) -> Result<std::fs::Metadata, FileError> {
    let meta = std::fs::metadata(path).map_err(|e| describe(path, e))?;
    if meta.is_file() {
        Ok(meta)
    } else {
        Err(FileError::NotRegular {
            path: path.into(),
            kind: kind_of(meta.file_type()),
            what,
        })
    }
}

/// A size for reading: 1.5 MiB, 300 KiB, 12 字节.
#[allow(clippy::cast_precision_loss)] // one decimal shown
fn size_text(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else if bytes >= KIB {
        format!("{} KiB", bytes.div_ceil(KIB))
    } else {
        format!("{bytes} 字节")
    }
}

/// Reads the regular file at `path` whole, if it holds at most `cap` bytes. A directory, a FIFO,
/// a device (`/dev/zero`) or a socket is refused without reading (and without waiting: a FIFO is
/// opened non-blocking), and so is a file that is, or grows while read, larger than `cap`.
pub fn read_regular(path: &Path, cap: u64, what: &'static str) -> Result<Vec<u8>, FileError> {
    require_regular(path, what)?;
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| describe(path, e))?;
    // Checked again on what was opened: the path may have been swapped since.
    let meta = file.metadata().map_err(|e| describe(path, e))?;
    let too_large = |size: u64| FileError::TooLarge {
        path: path.into(),
        what,
        size: size_text(size),
        cap: size_text(cap),
    };
    if !meta.is_file() {
        return Err(FileError::NotRegular {
            path: path.into(),
            kind: kind_of(meta.file_type()),
            what,
        });
    }
    if meta.len() > cap {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| describe(path, e))?;
    if bytes.len() as u64 > cap {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// SQLite's companion files of a database: the write-ahead log, its index, the rollback journal.
#[must_use]
pub fn side_files(db: &Path) -> [PathBuf; 3] {
    ["-wal", "-shm", "-journal"].map(|suffix| {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    })
}

/// Whether the database at `db`, or a companion file of it, can be read or written by anyone
/// but its owner: the warning to show at open, naming the files and the `chmod 600` that fixes
/// them. `None` when all are private (or cannot be looked at).
#[must_use]
pub fn exposure(db: &Path) -> Option<String> {
    let open: Vec<(PathBuf, u32)> = std::iter::once(db.to_path_buf())
        .chain(side_files(db))
        .filter_map(|p| {
            let mode = std::fs::metadata(&p).ok()?.permissions().mode() & 0o777;
            (mode & 0o077 != 0).then_some((p, mode))
        })
        .collect();
    let (first, mode) = open.first()?;
    let names: Vec<String> = open.iter().map(|(p, _)| shell_word(p)).collect();
    Some(format!(
        "数据库文件 {} 的权限是 {mode:04o}，同组或其他用户可以读取值班记录：请运行 chmod 600 {}",
        first.display(),
        names.join(" ")
    ))
}

/// A path as one word for a shell command line (quoted if it needs to be).
fn shell_word(path: &Path) -> String {
    let s = path.display().to_string();
    if !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || "/._-+,:@%".contains(c)) {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_private_file_is_0600_and_an_existing_path_or_symlink_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("新.md");
        create_private(&path).unwrap();
        assert_eq!(mode(&path), 0o600);
        assert!(matches!(create_private(&path), Err(FileError::Exists { .. })));

        // A planted symlink to a file: the target is neither followed nor changed.
        let target = dir.path().join("target.txt");
        std::fs::write(&target, "原文").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = create_private(&link).unwrap_err();
        assert!(matches!(e, FileError::Exists { .. }), "{e:?}");
        assert!(e.to_string().contains("已存在，没有覆盖"), "{e}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "原文");
        assert_eq!(mode(&target), 0o644);

        // A dangling symlink: nothing is created where it points.
        let nowhere = dir.path().join("nowhere.txt");
        let dangling = dir.path().join("dangling.md");
        std::os::unix::fs::symlink(&nowhere, &dangling).unwrap();
        assert!(matches!(create_private(&dangling), Err(FileError::Exists { .. })));
        assert!(!nowhere.exists());
    }

    #[test]
    fn a_numbered_copy_takes_the_first_free_name_and_leaves_a_planted_link_alone() {
        let dir = tempfile::tempdir().unwrap();
        let (first, _) = create_private_numbered(dir.path(), "handover-1", "md").unwrap();
        assert_eq!(first, dir.path().join("handover-1.md"));
        let (second, _) = create_private_numbered(dir.path(), "handover-1", "md").unwrap();
        assert_eq!(second, dir.path().join("handover-1-2.md"));
        let target = dir.path().join("passwd");
        std::fs::write(&target, "root").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("handover-2.md")).unwrap();
        let (path, _) = create_private_numbered(dir.path(), "handover-2", "md").unwrap();
        assert_eq!(path, dir.path().join("handover-2-2.md"));
        assert_eq!(mode(&path), 0o600);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "root");
        for n in 2..=NUMBERED_TRIES {
            std::fs::write(dir.path().join(format!("x-{n}.md")), "").unwrap();
        }
        std::fs::write(dir.path().join("x.md"), "").unwrap();
        let e = create_private_numbered(dir.path(), "x", "md").unwrap_err();
        assert!(matches!(e, FileError::Exists { .. }), "{e:?}");
    }

    #[test]
    fn inputs_must_be_regular_files_under_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("a.csv");
        std::fs::write(&small, "开始,结束\n").unwrap();
        assert_eq!(read_regular(&small, 100, "排班表").unwrap(), "开始,结束\n".as_bytes());

        let e = read_regular(&small, 4, "排班表").unwrap_err();
        assert!(matches!(e, FileError::TooLarge { .. }), "{e:?}");
        assert!(
            e.to_string().contains("太大") && e.to_string().contains("排班表最多 4 字节"),
            "{e}"
        );

        let e = read_regular(Path::new("/dev/zero"), CSV_MAX_BYTES, "排班表").unwrap_err();
        assert!(e.to_string().contains("是一个设备"), "{e}");
        let e = read_regular(dir.path(), CSV_MAX_BYTES, "排班表").unwrap_err();
        assert!(e.to_string().contains("是一个目录"), "{e}");
        let e = read_regular(&dir.path().join("missing.csv"), CSV_MAX_BYTES, "排班表").unwrap_err();
        assert!(matches!(e, FileError::NotFound { .. }), "{e:?}");

        // A FIFO with no writer: refused at once, never waited on.
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let e = read_regular(&fifo, CSV_MAX_BYTES, "排班表").unwrap_err();
        assert!(e.to_string().contains("是一个管道"), "{e}");
    }

    #[test]
    fn a_full_disk_is_said_as_such() {
        let full = std::io::Error::from_raw_os_error(libc::ENOSPC);
        assert!(is_disk_full(&full));
        let e = describe(Path::new("/x/handover-1.md"), full);
        assert!(
            e.to_string()
                .starts_with("磁盘已满，无法写入 /x/handover-1.md：请清理磁盘空间"),
            "{e}"
        );
        let quota = std::io::Error::from_raw_os_error(libc::EDQUOT);
        assert!(matches!(describe(Path::new("/x"), quota), FileError::DiskFull { .. }));
        let other = std::io::Error::from_raw_os_error(libc::EIO);
        assert!(matches!(describe(Path::new("/x"), other), FileError::Io { .. }));
    }

    #[test]
    fn a_database_others_can_read_is_named_with_the_command_that_fixes_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("zhiban.db");
        std::fs::write(&db, "").unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(exposure(&db), None);
        let [wal, ..] = side_files(&db);
        std::fs::write(&wal, "").unwrap();
        std::fs::set_permissions(&wal, std::fs::Permissions::from_mode(0o644)).unwrap();
        let w = exposure(&db).unwrap();
        assert!(
            w.contains("0644") && w.contains(&format!("chmod 600 {}", wal.display())),
            "{w}"
        );
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o640)).unwrap();
        let w = exposure(&db).unwrap();
        assert!(
            w.contains(&format!("chmod 600 {} {}", db.display(), wal.display())),
            "{w}"
        );
        assert_eq!(shell_word(Path::new("/a b/it's.db")), "'/a b/it'\\''s.db'");
    }
}
