//! The Erlang C model against an independent evaluation (`scripts/erlang_exact.py`: the
//! closed form summed in exact rationals, nothing shared with the crate's recurrence) over
//! loads 0.5–50 erlangs, 21 team sizes above each and three handle times and thresholds:
//! the wait probability, service level and mean wait agree within 1e-9 relative.

use std::process::Command;

use serde_json::Value;

use forceboard::engine::erlang::{Forecast, Handlers, OfferedLoad, erlang_c, forecast};

fn exact_rows() -> Vec<Value> {
    let output = Command::new("python3")
        .arg("scripts/erlang_exact.py")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|error| panic!("python3 runs (it is needed for this test): {error}"));
    assert!(
        output.status.success(),
        "scripts/erlang_exact.py: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    json["rows"].as_array().expect("a list of rows").clone()
}

fn number(row: &Value, key: &str) -> f64 {
    row[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} in {row}"))
}

fn assert_close(crate_side: f64, exact: f64, what: &str) {
    assert!(
        (crate_side - exact).abs() <= 1e-9 * exact.abs(),
        "{what}: crate {crate_side}, exact {exact}"
    );
}

#[test]
fn erlang_c_agrees_with_the_exact_closed_form() {
    let rows = exact_rows();
    // 100 loads × 21 team sizes × 3 (handle time, threshold) pairs.
    assert_eq!(rows.len(), 6_300);
    for row in &rows {
        let load = OfferedLoad::new(number(row, "load")).expect("a valid load");
        let count = row["handlers"].as_u64().expect("a count");
        let handlers = Handlers::new(u32::try_from(count).expect("small")).expect("in range");
        let (aht_s, threshold_s) = (number(row, "aht_s"), number(row, "threshold_s"));
        let at = format!(
            "A {}, N {count}, AHT {aht_s}, t {threshold_s}",
            load.erlangs()
        );
        let wait = erlang_c(handlers, load).expect("N > A");
        assert_close(wait, number(row, "wait_probability"), &format!("C at {at}"));
        let Some(Forecast::Steady {
            service_level_pct,
            mean_wait_s,
        }) = forecast(handlers, load, aht_s, threshold_s)
        else {
            panic!("a steady queue at {at}");
        };
        let exact_sl = number(row, "service_level_pct");
        assert_close(service_level_pct, exact_sl, &format!("SL at {at}"));
        let exact_asa = number(row, "mean_wait_s");
        assert_close(mean_wait_s, exact_asa, &format!("ASA at {at}"));
    }
}
