//! The server's suites, one binary: the real civic-server on a random loopback port,
//! driven over HTTP (with CIVIC_TEST_DATABASE_URL, on PostgreSQL).

mod admin;
mod alerts;
mod api;
mod authorization;
mod cache;
mod campaigns;
mod clock;
mod common;
mod concurrent_sync;
mod console_matrix;
mod idempotency;
mod open311;
mod openapi;
mod photos;
mod photostore;
mod postgres_tls;
mod push;
mod push_credentials;
mod push_fakes;
mod scale;
mod schema;
mod upgrade;
mod wards;
mod web;
mod webpush;
