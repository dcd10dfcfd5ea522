//! The names of people the database knows, for masking them in text that is published.

use super::{Result, Store};
use std::collections::BTreeSet;

impl Store {
    /// Every person's name the database holds, live or deleted: investigators, interviewees,
    /// responsible persons, verifiers and the authors of changes. Subject leads are left out:
    /// they are bureau leaders, usually recorded by title (党组书记、局长).
    pub fn person_names(&self) -> Result<BTreeSet<String>> {
        let mut names = BTreeSet::new();
        let mut add = |name: &str| {
            let name = name.trim();
            if !name.is_empty() {
                names.insert(name.to_owned());
            }
        };
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT j.value FROM visit, json_each(visit.investigators) j
             UNION SELECT json_extract(j.value, '$.name')
                   FROM visit, json_each(visit.interviewees) j
             UNION SELECT owner FROM finding
             UNION SELECT verified_by FROM finding
             UNION SELECT updated_by FROM visit
             UNION SELECT updated_by FROM finding
             UNION SELECT updated_by FROM subject
             UNION SELECT author FROM history",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, Option<String>>(0))?;
        for name in rows {
            if let Some(name) = name? {
                add(&name);
            }
        }
        add(self.author());
        names.extend(self.past_person_names()?);
        Ok(names)
    }

    /// The names people had in earlier versions of records (the history's before and after
    /// values): interviewees and investigators once listed on a visit, responsible persons and
    /// verifiers once on a finding — a name removed from a record is still personal data.
    pub fn past_person_names(&self) -> Result<BTreeSet<String>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "WITH versions(kind, body) AS (
                 SELECT kind, before FROM history WHERE json_valid(before)
                 UNION ALL SELECT kind, after FROM history WHERE json_valid(after))
             SELECT json_extract(j.value, '$.name')
               FROM versions, json_each(versions.body, '$.interviewees') j
              WHERE versions.kind = 'visit' AND j.type = 'object'
             UNION SELECT j.value
               FROM versions, json_each(versions.body, '$.investigators') j
              WHERE versions.kind = 'visit' AND j.type = 'text'
             UNION SELECT json_extract(body, '$.owner') FROM versions WHERE kind = 'finding'
             UNION SELECT json_extract(body, '$.verified_by') FROM versions
              WHERE kind = 'finding'",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, Option<String>>(0))?;
        let mut names = BTreeSet::new();
        for name in rows {
            if let Some(name) = name? {
                let name = name.trim();
                if !name.is_empty() {
                    names.insert(name.to_owned());
                }
            }
        }
        Ok(names)
    }
}
