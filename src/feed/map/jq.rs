//! jq programs in a map (`jq = '…'`), run by the jaq crates: for records a field pick cannot
//! read. A program's outputs are forceboard feed events (objects of the feed schema), each
//! checked by the native parser exactly as a line of the feed would be.
//!
//! jaq's embedding API has changed with each major version, so it is used from this one file.
//! A compiled jaq filter is not `Send`, so each thread compiles the program once and keeps it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Mutex;

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::{Val, read};

use crate::feed::parse_line;
use crate::model::{Event, MapReject};

type Filter = jaq_core::compile::Filter<jaq_core::Native<data::JustLut<Val>>>;

/// The most events one record may make through jq: a program that loops is cut short.
const MOST_EVENTS: usize = 64;

thread_local! {
    static COMPILED: RefCell<HashMap<Box<str>, Filter>> = RefCell::new(HashMap::new());
}

/// Compiles a program, or says in a sentence why it cannot be.
pub(crate) fn check(code: &str) -> Result<(), String> {
    compile(code).map(|_| ())
}

fn compile(code: &str) -> Result<Filter, String> {
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs());
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = loader
        .load(&arena, File { code, path: () })
        .map_err(|_| "the jq program does not parse".to_string())?;
    Compiler::default()
        .with_funs(funs)
        .compile(modules)
        .map_err(|_| "the jq program names a filter or variable jq does not have".to_string())
}

/// Runs `code` on one record (its line's bytes): the events its outputs are (`null` outputs
/// make none), or why the record is refused.
pub(crate) fn events(code: &str, line: &[u8]) -> Result<Vec<Event>, MapReject> {
    let input = read::parse_single(line).map_err(|_| MapReject::JqFailed)?;
    let outputs = COMPILED.with(|compiled| {
        let mut compiled = compiled.borrow_mut();
        if !compiled.contains_key(code) {
            // Checked when the map was read: compiling again cannot fail.
            let filter = compile(code).map_err(|_| MapReject::JqFailed)?;
            compiled.insert(code.into(), filter);
        }
        let filter = compiled.get(code).ok_or(MapReject::JqFailed)?;
        let ctx = Ctx::<data::JustLut<Val>>::new(&filter.lut, Vars::new([]));
        let mut outputs = Vec::new();
        for output in filter.id.run((ctx, input)).map(unwrap_valr) {
            let output = output.map_err(|_| MapReject::JqFailed)?;
            if output == Val::Null {
                continue;
            }
            if outputs.len() == MOST_EVENTS {
                return Err(MapReject::JqTooMany);
            }
            outputs.push(output.to_string());
        }
        Ok(outputs)
    })?;
    outputs
        .iter()
        .map(|text| {
            parse_line(text.as_bytes()).map_err(|reason| MapReject::JqOutput {
                reason: interned(&reason.to_string()),
            })
        })
        .collect()
}

/// The native parser's reasons, kept once each: they name fields, never values, so there
/// are only as many as the schema has ways to refuse a line.
fn interned(reason: &str) -> &'static str {
    static REASONS: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let mut reasons = REASONS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = reasons.iter().find(|known| **known == reason) {
        return known;
    }
    let kept = super::path::intern(reason);
    reasons.push(kept);
    kept
}
