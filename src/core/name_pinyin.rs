//! Pinyin search keys for people's names, so an officer can find 张三 by typing `zs` or `zhangsan`
//! (domain.md §2.3: look a visitor up before registering).
//!
//! The `pinyin` crate gives each character its most common reading and knows nothing of surnames
//! (tech-probe.md §8): 曾 comes out as `ceng`, 单 as `dan`, 解 as `jie`. A person's name starts with
//! a surname, so the first character — or the first two, for a compound surname such as 尉迟 — is
//! read from [`SURNAMES`] when it is there. Compound surnames are checked first.
//!
//! Keys are lower-case ASCII. ü is written `v` (as on a pinyin keyboard: 吕 → `lv`), with the `u`
//! spelling as an alternate. Characters with no pinyin (Latin letters, digits) pass through
//! lower-cased; spaces and punctuation such as the `·` in 阿卜杜·热合曼 are dropped.
//!
//! Alternates: the other readings of polyphonic characters (张长青 → also `zhangchangqing`), and the
//! common reading of a surname that has a surname reading (乐 is `yue` first, `le` too, since both
//! are real surnames). At most [`MAX_ALTERNATES`] of them, the most likely first, so a long name of
//! polyphonic characters costs a bounded amount.

use pinyin::{ToPinyin, ToPinyinMulti};

/// Surname readings that differ from (or must not be left to) the crate's default reading.
/// Compound surnames come first and are matched before single ones.
pub const SURNAMES: &[(&str, &[&str])] = &[
    ("尉迟", &["yu", "chi"]),
    ("万俟", &["mo", "qi"]),
    ("长孙", &["zhang", "sun"]),
    ("单于", &["chan", "yu"]),
    ("澹台", &["tan", "tai"]),
    ("曾", &["zeng"]),
    ("单", &["shan"]),
    ("解", &["xie"]),
    ("仇", &["qiu"]),
    ("查", &["zha"]),
    ("区", &["ou"]),
    ("朴", &["piao"]),
    ("盖", &["ge"]),
    ("乐", &["yue"]),
    ("缪", &["miao"]),
    ("覃", &["qin"]),
    ("纪", &["ji"]),
    ("翟", &["zhai"]),
    ("繁", &["po"]),
    ("召", &["shao"]),
    ("员", &["yun"]),
    ("哈", &["ha"]),
    ("能", &["nai"]),
    ("秘", &["bi"]),
    ("种", &["chong"]),
    ("句", &["gou"]),
    ("宓", &["fu"]),
    ("折", &["she"]),
    ("阚", &["kan"]),
    ("隗", &["wei"]),
    ("都", &["du"]),
    ("薄", &["bo"]),
    ("藏", &["zang"]),
    ("佴", &["nai"]),
    ("颉", &["xie"]),
    ("祭", &["zhai"]),
];

/// How many alternate readings [`search_keys`] returns at most.
pub const MAX_ALTERNATES: usize = 8;

/// A name's pinyin search keys.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameKeys {
    /// First letters, with the surname reading: 曾国藩 → `zgf`.
    pub initials: String,
    /// Full pinyin without tones or separators: 曾国藩 → `zengguofan`.
    pub full: String,
    /// Other readings as `(initials, full)` pairs, most likely first, never repeating the main one.
    pub alternates: Vec<(String, String)>,
}

impl NameKeys {
    /// Whether an ASCII pinyin query (lower-case, no spaces) is a prefix of any key.
    #[must_use]
    pub fn has_prefix(&self, query: &str) -> bool {
        std::iter::once((&self.initials, &self.full))
            .chain(self.alternates.iter().map(|(i, f)| (i, f)))
            .any(|(i, f)| i.starts_with(query) || f.starts_with(query))
    }

    /// The alternates as one space-separated line of keys (`"cgf cengguofan"`), the form the store
    /// keeps so that a prefix can be found with one `LIKE`.
    #[must_use]
    pub fn alternates_line(&self) -> String {
        self.alternates
            .iter()
            .flat_map(|(i, f)| [i.as_str(), f.as_str()])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One character's readings, the one to use first.
type Readings = Vec<String>;

/// The search keys of a person's name. See the module documentation.
#[must_use]
pub fn search_keys(name: &str) -> NameKeys {
    let chars: Vec<char> = name.chars().filter(|c| c.is_alphanumeric()).collect();
    let mut per_char: Vec<Readings> = Vec::with_capacity(chars.len());
    let surname = SURNAMES.iter().find(|(s, _)| {
        let s: Vec<char> = s.chars().collect();
        chars.starts_with(&s)
    });
    let mut rest = chars.as_slice();
    if let Some((s, readings)) = surname {
        let n = s.chars().count();
        for (c, reading) in rest.iter().take(n).zip(readings.iter()) {
            let mut r = vec![(*reading).to_string()];
            r.extend(readings_of(*c));
            per_char.push(dedup(r));
        }
        rest = rest.get(n..).unwrap_or_default();
    }
    for c in rest {
        per_char.push(readings_of(*c));
    }
    let first = |r: &Readings| r.first().cloned().unwrap_or_default();
    let full: String = per_char.iter().map(first).collect();
    let initials: String = per_char.iter().map(|r| initial(&first(r))).collect();
    NameKeys {
        alternates: alternates(&per_char, &full),
        initials,
        full,
    }
}

/// A character's readings, default first, ü spelled `v` then `u`; a non-Han character is itself.
fn readings_of(c: char) -> Readings {
    let Some(default) = c.to_pinyin() else {
        return vec![c.to_lowercase().collect()];
    };
    let mut all: Vec<&str> = vec![default.plain()];
    if let Some(multi) = c.to_pinyin_multi() {
        all.extend(multi.into_iter().map(|p| p.plain()));
    }
    let mut out = Vec::new();
    for r in all {
        if r.contains('ü') {
            out.push(r.replace('ü', "v"));
            out.push(r.replace('ü', "u"));
        } else {
            out.push(r.to_string());
        }
    }
    dedup(out)
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|s| seen.insert(s.clone()));
    v
}

fn initial(reading: &str) -> String {
    reading.chars().next().map(String::from).unwrap_or_default()
}

/// Other whole-name readings: vary one character at a time (the likeliest confusion is a single
/// polyphonic character), nearest characters first, up to [`MAX_ALTERNATES`].
fn alternates(per_char: &[Readings], full: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    'outer: for (i, readings) in per_char.iter().enumerate() {
        for other in readings.iter().skip(1) {
            let pick = |j: usize, r: &Readings| {
                if j == i {
                    other.clone()
                } else {
                    r.first().cloned().unwrap_or_default()
                }
            };
            let alt_full: String = per_char.iter().enumerate().map(|(j, r)| pick(j, r)).collect();
            let alt_initials: String = per_char.iter().enumerate().map(|(j, r)| initial(&pick(j, r))).collect();
            if alt_full != full && !out.iter().any(|(_, f)| *f == alt_full) {
                out.push((alt_initials, alt_full));
            }
            if out.len() >= MAX_ALTERNATES {
                break 'outer;
            }
        }
    }
    out
}

/// Whether `query` finds `name`: a Chinese query (anything non-ASCII) is a substring of the name;
/// an ASCII query is a case-insensitive prefix of the name's pinyin initials or full pinyin (any
/// reading), or a substring of a Latin-letter name. Spaces and apostrophes in the query are ignored
/// (`zhang san`, `xi'an`). An empty query matches nothing.
#[must_use]
pub fn matches(query: &str, name: &str) -> bool {
    let q = query.trim();
    if q.is_empty() {
        return false;
    }
    if !q.is_ascii() {
        return name.contains(q);
    }
    let q: String = q
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\'')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if q.is_empty() {
        return false;
    }
    let latin: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    latin.contains(&q) || search_keys(name).has_prefix(&q)
}

/// Normalises an ASCII pinyin query the way [`matches()`] does (lower-case, no spaces or
/// apostrophes), for the store's lookup. Returns `None` for a query that is not pinyin.
#[must_use]
pub fn pinyin_query(query: &str) -> Option<String> {
    let q = query.trim();
    if q.is_empty() || !q.is_ascii() {
        return None;
    }
    let q: String = q
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\'')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (!q.is_empty() && q.chars().all(|c| c.is_ascii_alphabetic())).then_some(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(name: &str) -> (String, String) {
        let k = search_keys(name);
        (k.initials, k.full)
    }

    #[test]
    fn ordinary_names() {
        assert_eq!(keys("张三"), ("zs".into(), "zhangsan".into()));
        assert_eq!(keys("欧阳建国"), ("oyjg".into(), "ouyangjianguo".into()));
        assert_eq!(keys("王5号A"), ("w5ha".into(), "wang5haoa".into()));
    }

    #[test]
    fn polyphonic_surnames_take_the_surname_reading() {
        assert_eq!(keys("曾国藩"), ("zgf".into(), "zengguofan".into()));
        assert!(keys("单雄信").1.starts_with("shan"));
        assert!(keys("解缙").1.starts_with("xie"));
        assert_eq!(keys("仇英").1, "qiuying");
        assert_eq!(keys("查良镛").1, "zhaliangyong");
        assert_eq!(keys("区家麟").1, "oujialin");
        assert_eq!(keys("朴正熙").1, "piaozhengxi");
        assert_eq!(keys("盖叫天").1, "gejiaotian");
        assert_eq!(keys("乐嘉").1, "yuejia");
        assert_eq!(keys("缪可").1, "miaoke");
        assert_eq!(keys("覃鹏").1, "qinpeng");
        assert_eq!(keys("翟天临").1, "zhaitianlin");
        assert_eq!(keys("繁钦").1, "poqin");
        assert_eq!(keys("召忽").1, "shaohu");
        assert_eq!(keys("员半千").1, "yunbanqian");
        assert_eq!(keys("能丽").1, "naili");
        assert_eq!(keys("纪晓岚").1, "jixiaolan");
        assert_eq!(keys("哈文").1, "hawen");
    }

    #[test]
    fn compound_surnames_are_checked_first() {
        assert_eq!(keys("尉迟恭"), ("ycg".into(), "yuchigong".into()));
        assert_eq!(keys("万俟卨").1.get(..4), Some("moqi"));
        assert_eq!(keys("长孙无忌").1, "zhangsunwuji");
        assert_eq!(keys("单于丹").1, "chanyudan");
        // 单 alone is still shan; 尉 alone keeps its default wei.
        assert_eq!(keys("单田芳").1, "shantianfang");
        assert_eq!(keys("尉缭").1.get(..3), Some("wei"));
    }

    #[test]
    fn only_the_first_character_is_read_as_a_surname() {
        // 曾 in the given name keeps its ordinary reading.
        assert_eq!(keys("王曾").1, "wangceng");
        assert!(search_keys("王曾").has_prefix("wangzeng"));
    }

    #[test]
    fn alternates_cover_other_readings_and_the_common_surname_reading() {
        let k = search_keys("张长青");
        assert_eq!(k.full, "zhangzhangqing");
        assert!(k.alternates.iter().any(|(_, f)| f == "zhangchangqing"), "{k:?}");
        assert!(search_keys("乐嘉").has_prefix("lejia"));
        assert!(search_keys("曾国藩").has_prefix("cengguofan"));
        assert!(search_keys("曾国藩").alternates.len() <= MAX_ALTERNATES);
        assert!(search_keys("行长重长还").alternates.len() <= MAX_ALTERNATES);
        assert!(!k.alternates.iter().any(|(_, f)| *f == k.full));
    }

    #[test]
    fn u_umlaut_is_v_first_and_u_too() {
        let k = search_keys("吕布");
        assert_eq!((k.initials.as_str(), k.full.as_str()), ("lb", "lvbu"));
        assert!(k.has_prefix("lubu"));
    }

    #[test]
    fn punctuation_and_spaces_are_dropped_latin_passes_through() {
        assert_eq!(keys("阿卜杜·热合曼").0, "abdrhm");
        assert_eq!(keys("John Smith"), ("johnsmith".into(), "johnsmith".into()));
    }

    #[test]
    fn matches_by_initials_full_prefix_and_chinese_substring() {
        assert!(matches("zs", "张三"));
        assert!(matches("ZS", "张三"));
        assert!(matches("zhangsan", "张三"));
        assert!(matches("zhang", "张三"));
        assert!(matches("zhang san", "张三"));
        assert!(matches("张", "张三"));
        assert!(matches("三", "张三"));
        assert!(!matches("ls", "张三"));
        assert!(!matches("san", "张三"), "pinyin matches are prefixes");
        assert!(!matches("", "张三"));
        assert!(!matches("李", "张三"));
        assert!(matches("zeng", "曾国藩"));
        assert!(matches("smith", "John Smith"));
    }

    #[test]
    fn pinyin_query_normalises_or_refuses() {
        assert_eq!(pinyin_query(" Zhang San "), Some("zhangsan".into()));
        assert_eq!(pinyin_query("xi'an"), Some("xian".into()));
        assert_eq!(pinyin_query("1234"), None);
        assert_eq!(pinyin_query("张"), None);
        assert_eq!(pinyin_query(""), None);
    }
}
