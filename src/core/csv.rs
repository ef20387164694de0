//! CSV for reading in Excel or WPS, shared by `zhiban export` and the 值班日报: UTF-8 with a BOM,
//! RFC 4180 quoting (commas, quotes and line breaks stay inside their cell), and a cell that would
//! start a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'` ([`spreadsheet_safe`]) so a
//! typed `=HYPERLINK(…)` is shown, never run. Below both users: it imports nothing from the core.

/// The byte-order mark that tells Excel and WPS a CSV file is UTF-8.
pub const BOM: &[u8] = "\u{feff}".as_bytes();

/// A CSV cell as Excel and WPS should show it: text that would start a formula gets a leading `'`.
#[must_use]
pub fn spreadsheet_safe(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// A whole CSV document in memory: the BOM, then the rows, every cell quoted as needed.
#[must_use]
pub fn csv_document<R, C>(rows: impl IntoIterator<Item = R>) -> Vec<u8>
where
    R: IntoIterator<Item = C>,
    C: AsRef<[u8]>,
{
    let mut w = ::csv::Writer::from_writer(BOM.to_vec());
    for r in rows {
        // Writing into memory cannot fail.
        let _ = w.write_record(r);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_shown_not_run() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("-1"), "'-1");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("河堤渗水，请求=支援"), "河堤渗水，请求=支援");
        assert_eq!(spreadsheet_safe(""), "");
    }

    #[test]
    fn a_csv_document_starts_with_the_bom_and_quotes_what_needs_it() {
        let doc = csv_document([["甲,乙", "说“是\"的"], ["两\n行", "平常"]]);
        assert!(doc.starts_with(BOM));
        let text = std::str::from_utf8(&doc[BOM.len()..]).unwrap();
        assert_eq!(text, "\"甲,乙\",\"说“是\"\"的\"\n\"两\n行\",平常\n");
    }
}
