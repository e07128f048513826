//! The core's figures, one binary: `cargo bench -p civic-core --bench core` runs them all,
//! `-- area`, `-- photo`, `-- store` or `-- warning` one group.

mod area;
mod photo;
mod store;
mod warning;

criterion::criterion_main!(area::benches, photo::benches, store::benches, warning::benches);
