//! The category catalog: what citizens can report, who handles it, what is asked.
//!
//! A city ships its catalog as JSON (Huế's is `config/hue/catalog.json`); question types
//! are Open311 GeoReport v2 attribute datatypes so the catalog maps onto `services`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::{AnswerValue, Answers, Lang, Localized, Place};

/// Longest answer to a `string` question, in characters.
pub const MAX_STRING_ANSWER: usize = 200;
/// Longest answer to a `text` question, in characters.
pub const MAX_TEXT_ANSWER: usize = 2000;

/// A unit (department) that handles reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub code: String,
    pub name: Localized,
    /// The ward or commune whose People's Committee this is; none for a city-wide unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ward: Option<String>,
}

/// Who handles a category: one unit for the whole city, or each ward's or commune's People's
/// Committee for the places in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Level {
    #[default]
    City,
    Ward,
}

/// A group of categories, as the picker shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub code: String,
    pub name: Localized,
}

/// Open311 attribute datatypes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Datatype {
    String,
    Number,
    Datetime,
    Text,
    Singlevaluelist,
    Multivaluelist,
}

/// One allowed value of a list question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub key: String,
    pub name: Localized,
}

/// A question the category asks the citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub code: String,
    pub datatype: Datatype,
    pub required: bool,
    pub prompt: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Localized>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<Choice>,
}

/// Search words for the category picker.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Keywords {
    #[serde(default)]
    pub vi: Vec<String>,
    #[serde(default)]
    pub en: Vec<String>,
}

/// A kind of problem a citizen can report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Stable code (also the Open311 `service_code`).
    pub code: String,
    pub group: String,
    pub name: Localized,
    pub description: Localized,
    /// The unit responsible city-wide; for a ward-level category, the one that takes a report
    /// whose place has no ward.
    pub unit: String,
    /// Whether the city-wide unit or the ward's or commune's People's Committee handles it.
    #[serde(default)]
    pub level: Level,
    /// Expected handling time; a report open longer is overdue.
    pub expected_hours: u32,
    pub active: bool,
    #[serde(default)]
    pub keywords: Keywords,
    #[serde(default)]
    pub questions: Vec<Question>,
}

/// Why a catalog file was refused.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("catalog is not valid JSON for the schema: {0}")]
    Json(#[from] serde_json::Error),
    #[error("catalog is inconsistent: {0}")]
    Inconsistent(String),
}

/// Why an answer was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnswerError {
    #[error("the category has no question {question:?}")]
    UnknownQuestion { question: String },
    #[error("question {question:?} expects {expected:?}")]
    WrongType { question: String, expected: Datatype },
    #[error("{value:?} is not one of the choices of question {question:?}")]
    UnknownChoice { question: String, value: String },
    #[error("the answer to {question:?} is too long ({chars} characters, at most {max})")]
    TooLong { question: String, chars: usize, max: usize },
    #[error("the answer to {question:?} is empty")]
    Empty { question: String },
    #[error("question {question:?} must be answered")]
    Missing { question: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    version: u32,
    city: String,
    units: Vec<Unit>,
    groups: Vec<Group>,
    categories: Vec<Category>,
}

/// A city's whole catalog, checked for consistency when loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    pub version: u32,
    pub city: String,
    pub units: Vec<Unit>,
    pub groups: Vec<Group>,
    categories: Vec<Category>,
    by_code: BTreeMap<String, usize>,
}

impl Catalog {
    /// Parses and checks a catalog file.
    pub fn from_json(json: &str) -> Result<Self, CatalogError> {
        let file: CatalogFile = serde_json::from_str(json)?;
        let bad = |msg: String| Err(CatalogError::Inconsistent(msg));
        let units: BTreeSet<&str> = file.units.iter().map(|u| u.code.as_str()).collect();
        let groups: BTreeSet<&str> = file.groups.iter().map(|g| g.code.as_str()).collect();
        let mut by_code = BTreeMap::new();
        for (i, c) in file.categories.iter().enumerate() {
            if c.code.is_empty() || by_code.insert(c.code.clone(), i).is_some() {
                return bad(format!("category code {:?} is empty or repeated", c.code));
            }
            if !units.contains(c.unit.as_str()) {
                return bad(format!("category {:?} names unknown unit {:?}", c.code, c.unit));
            }
            if !groups.contains(c.group.as_str()) {
                return bad(format!("category {:?} names unknown group {:?}", c.code, c.group));
            }
            let mut seen = BTreeSet::new();
            for q in &c.questions {
                if !seen.insert(q.code.as_str()) {
                    return bad(format!("category {:?} repeats question {:?}", c.code, q.code));
                }
                let is_list = matches!(q.datatype, Datatype::Singlevaluelist | Datatype::Multivaluelist);
                let keys: BTreeSet<&str> = q.values.iter().map(|v| v.key.as_str()).collect();
                if is_list && (q.values.len() < 2 || keys.len() != q.values.len()) {
                    return bad(format!("question {:?} of {:?} needs 2+ distinct values", q.code, c.code));
                }
                if !is_list && !q.values.is_empty() {
                    return bad(format!("question {:?} of {:?} is not a list but has values", q.code, c.code));
                }
            }
        }
        Ok(Catalog { version: file.version, city: file.city, units: file.units, groups: file.groups, categories: file.categories, by_code })
    }

    /// The catalog with a People's Committee for each ward or commune (`ubnd-<code>`), which
    /// handles the ward-level categories there. A committee the file already lists keeps its
    /// entry.
    pub fn with_committees<'a>(mut self, wards: impl IntoIterator<Item = &'a Place>) -> Self {
        for ward in wards {
            let code = committee(&ward.code);
            if self.unit(&code).is_none() {
                let name =
                    Localized { vi: format!("Ủy ban nhân dân {}", ward.name.vi), en: format!("{} People's Committee", ward.name.en) };
                self.units.push(Unit { code, name, ward: Some(ward.code.clone()) });
            }
        }
        self
    }

    /// Every category, active or not, in catalog order.
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// The category with this code.
    pub fn get(&self, code: &str) -> Option<&Category> {
        self.by_code.get(code).and_then(|&i| self.categories.get(i))
    }

    /// The unit with this code.
    pub fn unit(&self, code: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.code == code)
    }

    /// Active categories matching what the citizen typed, best first. Matching ignores case
    /// and Vietnamese diacritics ("den duong" finds "Đèn đường"), over names and keywords in
    /// both languages; an empty query lists every active category.
    pub fn search(&self, query: &str, lang: Lang) -> Vec<&Category> {
        let q = fold(query);
        let words: Vec<&str> = q.split_whitespace().collect();
        let mut scored: Vec<(u32, usize, &Category)> = self
            .categories
            .iter()
            .enumerate()
            .filter(|(_, c)| c.active)
            .filter_map(|(i, c)| {
                if words.is_empty() {
                    return Some((0, i, c));
                }
                let name = fold(c.name.get(lang));
                let other = fold(c.name.get(match lang {
                    Lang::Vi => Lang::En,
                    Lang::En => Lang::Vi,
                }));
                let keys = fold(&[c.keywords.vi.join(" "), c.keywords.en.join(" ")].join(" "));
                let mut score = 0;
                for w in &words {
                    score += if name.starts_with(w) {
                        8
                    } else if name.contains(w) {
                        4
                    } else if other.contains(w) || keys.contains(w) {
                        2
                    } else {
                        return None;
                    };
                }
                Some((score, i, c))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, _, c)| c).collect()
    }
}

impl Category {
    /// The unit that handles this category at a place in `ward`.
    pub fn unit_for(&self, ward: Option<&str>) -> String {
        match (self.level, ward) {
            (Level::Ward, Some(ward)) => committee(ward),
            _ => self.unit.clone(),
        }
    }

    /// The question with this code.
    pub fn question(&self, code: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.code == code)
    }

    /// Checks one answer against its question.
    pub fn check_answer(&self, code: &str, value: &AnswerValue) -> Result<(), AnswerError> {
        let q = self.question(code).ok_or_else(|| AnswerError::UnknownQuestion { question: code.to_owned() })?;
        q.check(value)
    }

    /// Checks a full set of answers: each valid, every required one present.
    pub fn check_answers(&self, answers: &Answers) -> Result<(), AnswerError> {
        for (code, value) in answers {
            self.check_answer(code, value)?;
        }
        match self.questions.iter().find(|q| q.required && !answers.contains_key(&q.code)) {
            Some(q) => Err(AnswerError::Missing { question: q.code.clone() }),
            None => Ok(()),
        }
    }
}

impl Question {
    /// Checks that `value` answers this question.
    pub fn check(&self, value: &AnswerValue) -> Result<(), AnswerError> {
        let question = || self.code.clone();
        let wrong = || AnswerError::WrongType { question: question(), expected: self.datatype };
        let choice = |key: &String| {
            if self.values.iter().any(|v| &v.key == key) {
                Ok(())
            } else {
                Err(AnswerError::UnknownChoice { question: question(), value: key.clone() })
            }
        };
        match (self.datatype, value) {
            (Datatype::String | Datatype::Text, AnswerValue::Text(t)) => {
                let max = if self.datatype == Datatype::String { MAX_STRING_ANSWER } else { MAX_TEXT_ANSWER };
                let chars = t.chars().count();
                if t.trim().is_empty() {
                    Err(AnswerError::Empty { question: question() })
                } else if chars > max {
                    Err(AnswerError::TooLong { question: question(), chars, max })
                } else {
                    Ok(())
                }
            }
            (Datatype::Number, AnswerValue::Number(n)) if n.is_finite() => Ok(()),
            (Datatype::Datetime, AnswerValue::DateTime(_)) => Ok(()),
            (Datatype::Singlevaluelist, AnswerValue::Choice(key)) => choice(key),
            (Datatype::Multivaluelist, AnswerValue::Choices(keys)) if !keys.is_empty() => keys.iter().try_for_each(choice),
            (Datatype::Multivaluelist, AnswerValue::Choices(_)) => Err(AnswerError::Empty { question: question() }),
            _ => Err(wrong()),
        }
    }
}

/// The code of a ward's or commune's People's Committee (Ủy ban nhân dân) as a unit.
pub fn committee(ward: &str) -> String {
    format!("ubnd-{ward}")
}

/// Lowercases and strips Vietnamese diacritics, so search works however people type.
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(|c| c.to_lowercase())
        // Decomposed input (NFD, from some keyboards): drop the combining marks.
        .filter(|c| !('\u{0300}'..='\u{036f}').contains(c))
        .map(base_letter)
        .collect()
}

fn base_letter(c: char) -> char {
    const GROUPS: [(&str, char); 7] = [
        ("àáảãạăằắẳẵặâầấẩẫậ", 'a'),
        ("èéẻẽẹêềếểễệ", 'e'),
        ("ìíỉĩị", 'i'),
        ("òóỏõọôồốổỗộơờớởỡợ", 'o'),
        ("ùúủũụưừứửữự", 'u'),
        ("ỳýỷỹỵ", 'y'),
        ("đ", 'd'),
    ];
    GROUPS.iter().find(|(set, _)| set.contains(c)).map_or(c, |&(_, base)| base)
}

/// How long the city expects to take over a category: "khoảng 24 giờ" / "about 24 hours", in
/// days beyond two whole days ("khoảng 3 ngày").
pub fn expected_text(hours: u32, lang: Lang) -> String {
    match (hours > 48 && hours % 24 == 0, lang) {
        (true, Lang::Vi) => format!("khoảng {} ngày", hours / 24),
        (true, Lang::En) => format!("about {} days", hours / 24),
        (false, Lang::Vi) => format!("khoảng {hours} giờ"),
        (false, Lang::En) => format!("about {hours} hours"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_and_vietnamese_marks() {
        assert_eq!(fold("Đèn đường HỎNG"), "den duong hong");
        assert_eq!(fold("Ngập úng"), "ngap ung");
        assert_eq!(fold("Ngu\u{031b}\u{0300}o\u{0301}i"), "nguoi"); // decomposed "Người"-like input
    }
}
