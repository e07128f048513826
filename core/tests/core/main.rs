//! The core's scenario tests, one binary: capture offline, a crash mid-write, bad input,
//! boundaries, the photo pipeline, warnings and campaigns on the phone.

mod alerts;
mod campaign;
mod cap;
mod capture;
mod city;
mod common;
mod crash;
mod feedback;
mod photo;
mod photo_as_is;
mod upgrade;
mod wards;
mod warning;
