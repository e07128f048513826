//! The end-to-end tests, one binary: the real server and real phones with their own data
//! directories, through a proxy that resets, stalls and loses answers.

mod campaign;
mod city;
mod feedback;
mod killed;
mod official;
mod public;
mod sync;
mod warnings;
mod web;
