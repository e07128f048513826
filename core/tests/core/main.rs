//! The core's scenario tests, one binary: capture offline, a crash mid-write, bad input,
//! boundaries, the photo pipeline, warnings and campaigns on the phone.

mod common;
mod alerts;
mod campaign;
mod cap;
mod capture;
mod city;
mod crash;
mod photo;
mod warning;
