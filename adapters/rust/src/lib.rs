//! A Rust port of the rsm-conformance state machine (SPEC.md), written from the SPEC alone and
//! driven over adapter protocol v1.
//!
//! The modules follow the file map of adapters/README.md, shared with the Go and C++ ports, in its
//! order (blank lines keep rustfmt from sorting them); each uses only modules below it, but for
//! `run` using `scenario` as the README says, which `tests/layers.rs` checks. `protocol::serve`
//! answers request lines, so tests drive the adapter in memory and `main` is only the read loop.

/// Adapter protocol v1 (section 7): requests, replies, one reply line per request.
pub mod protocol;

/// The normalized scenario (section 6): the wire form turned into steps, or an `InvalidStep`.
pub mod scenario;

/// Running one scenario: its snapshots and, when asked, its trace (R-PROTO-6, R-PROTO-7).
pub mod run;

/// Nodes, the isolated set, the cluster events and the replication round (sections 1, 2.2, 3).
pub mod cluster;

/// The client commands and how one is applied to a store (section 2.1).
pub mod state_machine;

/// The key/value store in UTF-8 byte order of keys (section 1.1).
pub mod store;

/// The snapshot wire format (section 4).
pub mod snapshot;

/// CRC-32C (R-WIRE-7).
pub mod crc32c;
