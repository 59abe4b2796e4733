//! The built-in adapters: map files shipped inside the binary, chosen by name with
//! `--map NAME` and listed by `forceboard map list`. A force's own map file can start from
//! one (`base = "amazon-connect-ctr"`) and give its own value tables.

/// A map shipped with forceboard.
#[derive(Debug, Clone, Copy)]
pub struct BuiltIn {
    pub name: &'static str,
    /// The system and the records it reads, in a line.
    pub summary: &'static str,
    /// The map file's text.
    pub text: &'static str,
}

/// Every built-in map, in the order `map list` shows them.
pub const BUILT_IN: &[BuiltIn] = &[
    BuiltIn {
        name: "amazon-connect-ctr",
        summary: "Amazon Connect contact records (one per contact, delivered at least once)",
        text: include_str!("builtin/amazon-connect-ctr.toml"),
    },
    BuiltIn {
        name: "amazon-connect-events",
        summary: "Amazon Connect contact events from EventBridge (QUEUED, CONNECTED_TO_AGENT, \
                  DISCONNECTED, COMPLETED)",
        text: include_str!("builtin/amazon-connect-events.toml"),
    },
    BuiltIn {
        name: "amazon-connect-agents",
        summary: "Amazon Connect agent events (call handlers on duty and available, per \
                  routing profile)",
        text: include_str!("builtin/amazon-connect-agents.toml"),
    },
    BuiltIn {
        name: "genesys-cloud",
        summary: "Genesys Cloud queue conversations (ACD start and end) and queue observations \
                  (handlers), from its EventBridge integration",
        text: include_str!("builtin/genesys-cloud.toml"),
    },
    BuiltIn {
        name: "nena-eido",
        summary: "NENA EIDO incident documents (full snapshots: created, first unit on scene, \
                  closed with no attendance)",
        text: include_str!("builtin/nena-eido.toml"),
    },
];

pub(super) fn find(name: &str) -> Option<&'static BuiltIn> {
    BUILT_IN.iter().find(|built_in| built_in.name == name)
}

/// The names, for messages.
pub(super) fn names() -> String {
    BUILT_IN
        .iter()
        .map(|built_in| built_in.name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::map::InputMap;

    #[test]
    fn every_built_in_map_reads() {
        for built_in in BUILT_IN {
            let map = InputMap::parse(built_in.name, built_in.text, chrono_tz::Europe::London);
            assert!(map.is_ok(), "{}: {:?}", built_in.name, map.err());
        }
    }
}
