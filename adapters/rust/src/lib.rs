//! A Rust port of the rsm-conformance state machine (SPEC.md), written from the SPEC alone and
//! driven over adapter protocol v1.
//!
//! The modules follow the file map of adapters/README.md, shared with the Go and C++ ports, in its
//! order (blank lines keep rustfmt from sorting them), and each holds the functions and types of
//! its row in the row's order, so that a rule of SPEC.md is found at the same place in every port.
//! Imports follow the README's arrows, with no circle; `tests/layers.rs` checks all of this against
//! the README itself. `protocol::serve` answers request lines, so tests drive the adapter in
//! memory and `main` is only the read loop.

/// Adapter protocol v1 (section 7): the request and reply messages, one JSON parser, one reply
/// line per request.
pub mod protocol;

/// The normalized scenario (section 6): the wire form of a scenario turned into steps, or an
/// `InvalidStep`.
pub mod scenario;

/// Running one scenario: the snapshots it emits and, when asked, the trace (section 7,
/// R-PROTO-6, R-PROTO-7).
pub mod run;

/// Nodes, the isolated set, the cluster events, the replication round, compaction with saved
/// snapshots and install, and elections (sections 1, 2.2, 3, 3.3 and 3.4).
pub mod cluster;

/// The client commands and how one is applied to a store (section 2.1).
pub mod state_machine;

/// The key/value store in UTF-8 byte order of keys (section 1.1).
pub mod store;

/// The snapshot wire format (section 4) and decoding with the checks of section 4.1 in their
/// order.
pub mod snapshot;

/// CRC-32C (R-WIRE-7).
pub mod crc32c;
