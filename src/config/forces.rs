//! Several forces in one configuration: each `[[forces]]` table names a force's NATS
//! subject and the keys where it differs from the top level, so one file serves every
//! board on a national cluster, and a board on a subject is headed by that force.

use std::collections::HashMap;

use toml::Value;

use super::file::{ConfigFile, ForceList, Problem, Table};
use super::{Config, InvalidConfig, line_number_at};
use crate::feed::source::nats::check_subject;
use crate::format::printable;

/// One force of a configuration that lists several: the boards on `subject` are its.
#[derive(Debug, Clone, PartialEq)]
pub struct Force {
    pub subject: String,
    /// The top level with this force's keys put over it.
    pub config: Config,
}

/// How many subjects a [`NoForce`] message lists before it counts the rest.
const SUBJECTS_LISTED: usize = 5;

/// A board on a subject that the configuration has no force for, when it lists forces:
/// refused, so no board is headed by another force's name or judged on its targets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the config lists no force on the subject \"{}\" (its [[forces]] are on {}): add a \
     [[forces]] table with subject = \"{}\", so the board is headed by the force whose \
     figures it shows",
    printable(.subject),
    listed(.configured),
    printable(.subject)
)]
pub struct NoForce {
    pub subject: String,
    /// The subjects the configuration has forces for, in its order.
    pub configured: Vec<String>,
}

/// `events.wmp, events.wyp and 41 more`.
fn listed(subjects: &[String]) -> String {
    let shown: Vec<String> = subjects
        .iter()
        .take(SUBJECTS_LISTED)
        .map(|subject| printable(subject).into_owned())
        .collect();
    match subjects.len().saturating_sub(SUBJECTS_LISTED) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

impl Config {
    /// The configuration of a board on the NATS `subject`: the force whose subject it
    /// is; the whole configuration when it lists no forces (one force, as before).
    pub fn for_subject(&self, subject: &str) -> Result<Config, NoForce> {
        if self.forces.is_empty() {
            return Ok(self.clone());
        }
        self.forces
            .iter()
            .find(|force| force.subject == subject)
            .map(|force| force.config.clone())
            .ok_or_else(|| NoForce {
                subject: subject.to_string(),
                configured: self
                    .forces
                    .iter()
                    .map(|force| force.subject.clone())
                    .collect(),
            })
    }
}

/// The top level's `[[forces]]`, each resolved over the top level. Each must name its
/// subject (a valid one, given once) and its force; none may list forces of its own.
pub(super) fn forces_of(top: &ConfigFile, text: &str) -> Result<Vec<Force>, InvalidConfig> {
    let Some(ForceList(list)) = &top.forces else {
        return Ok(Vec::new());
    };
    let mut first_lines: HashMap<String, usize> = HashMap::with_capacity(list.len());
    let mut forces = Vec::with_capacity(list.len());
    for (index, spanned) in list.iter().enumerate() {
        let prefix = format!("forces[{index}].");
        let table_line = Some(line_number_at(text, spanned.span().start));
        let Table(force) = spanned.get_ref();
        let refused = |key: &str, line, problem: &Problem| {
            InvalidConfig::bad_value(format!("{prefix}{key}"), line, problem)
        };
        if force.forces.is_some() {
            return Err(refused("forces", table_line, &Problem::NestedForces));
        }
        if force.input.is_some() {
            return Err(refused("input", table_line, &Problem::InputInForce));
        }
        let Some(given) = &force.subject else {
            return Err(refused("subject", table_line, &Problem::Missing));
        };
        let line = line_number_at(text, given.span().start);
        let subject = match given.get_ref() {
            Value::String(subject) => subject.trim().to_string(),
            _ => return Err(refused("subject", Some(line), &Problem::NotText)),
        };
        if check_subject(&subject).is_err() {
            return Err(refused(
                "subject",
                Some(line),
                &Problem::NotSubject(subject),
            ));
        }
        if let Some(&first_line) = first_lines.get(&subject) {
            return Err(refused(
                "subject",
                Some(line),
                &Problem::SubjectTwice {
                    subject,
                    first_line,
                },
            ));
        }
        first_lines.insert(subject.clone(), line);
        if force.force_name.is_none() {
            return Err(refused(
                "force_name",
                table_line,
                &Problem::ForceNameMissing,
            ));
        }
        let config = Config::layered(&[(top, ""), (force, &prefix)], text)?;
        forces.push(Force { subject, config });
    }
    Ok(forces)
}
