//! uniffi facade over civic-core (issue: bindings).
