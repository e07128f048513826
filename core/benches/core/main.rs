//! The core's figures, one binary: `cargo bench -p civic-core --bench core` runs them all,
//! `-- photo`, `-- store` or `-- warning` one group.

mod photo;
mod store;
mod warning;

criterion::criterion_main!(photo::benches, store::benches, warning::benches);
