use super::*;
use id_key::IdKey;

/// A national day holds a few hundred thousand records: each is an id of 16 bytes and
/// a record of 24 in its table (performance §22).
#[test]
fn a_held_record_is_24_bytes_with_a_16_byte_key() {
    assert_eq!(std::mem::size_of::<CallRecord>(), 24);
    assert_eq!(std::mem::size_of::<IncidentRecord>(), 24);
    assert_eq!(std::mem::size_of::<IdKey>(), 16);
}

/// Two codes pack alike only when they are the same text, whatever bytes they hold
/// (a trailing NUL is not a shorter code); past 15 bytes a code is not packed.
#[test]
fn packed_codes_tell_every_short_code_apart() {
    let codes = [
        "",
        "A",
        "AB",
        "AB\0",
        "\0AB",
        "BA",
        "BIR",
        "bir",
        "WAL",
        "Bradford",
        "123456789012345",
        "123456789012346",
        "12345678901234",
    ];
    for a in codes {
        for b in codes {
            assert_eq!(packed_code(a) == packed_code(b), a == b, "{a:?} {b:?}");
        }
        assert!(packed_code(a).is_some(), "{a:?}");
    }
    assert_eq!(packed_code("1234567890123456"), None);
    assert_eq!(packed_code("ÜÜÜÜÜÜÜÜ"), None, "16 bytes");
}

/// A force of many short and a few long codes: each new code is a new area, and every
/// known code is found again as the same area, by the scan of a few areas and the index
/// alike (the engine starts with its configured areas, so the ids do not start at 0).
#[test]
fn an_area_is_found_again_by_its_code() {
    let mut engine = Engine::new(EngineSettings::default());
    let codes: Vec<String> = (0..40)
        .map(|n| {
            if n % 7 == 0 {
                format!("a long area name {n}")
            } else {
                format!("A{n}")
            }
        })
        .collect();
    let mut ids = Vec::new();
    for code in &codes {
        let id = engine.intern_area(code).expect("room for 40 areas");
        assert!(!ids.contains(&id), "{code} took a known area's id");
        ids.push(id);
        for (known, &known_id) in codes.iter().zip(&ids) {
            assert_eq!(engine.intern_area(known), Some(known_id), "{known}");
        }
    }
    assert_eq!(engine.area_codes()[usize::from(ids[3])], "A3");
}
