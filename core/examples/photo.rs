//! The photo pipeline from the command line.
//!
//! ```text
//! cargo run --release -p civic-core --example photo -- make-sample OUT.jpg
//! cargo run --release -p civic-core --example photo -- process IN.jpg OUT.jpg
//! ```
//! `make-sample` writes a 4000x3000 camera-like JPEG (q92, 4:2:0, EXIF with GPS and time);
//! `process` runs the pipeline once with the default options and prints what it made.

use std::process::ExitCode;
use std::time::Instant;

use civic_core::photo::{self, PhotoOptions};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let run = || -> Result<(), String> {
        match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["make-sample", out] => {
                let jpeg = photo::sample::camera_jpeg(4000, 3000);
                std::fs::write(out, &jpeg).map_err(|e| format!("{out}: {e}"))?;
                println!("{out}: 4000x3000, {} bytes", jpeg.len());
                Ok(())
            }
            ["process", input, out] => {
                let bytes = std::fs::read(input).map_err(|e| format!("{input}: {e}"))?;
                let start = Instant::now();
                let p = photo::process(&bytes, &PhotoOptions::default()).map_err(|e| format!("{input}: {e}"))?;
                let took = start.elapsed();
                std::fs::write(out, &p.jpeg).map_err(|e| format!("{out}: {e}"))?;
                println!(
                    "{out}: {}x{}, {} bytes, sha256 {}, {:.1} ms; hints: {:?}",
                    p.width,
                    p.height,
                    p.jpeg.len(),
                    p.sha256,
                    took.as_secs_f64() * 1000.0,
                    p.hints
                );
                Ok(())
            }
            _ => Err("usage: photo make-sample OUT.jpg | photo process IN.jpg OUT.jpg".to_owned()),
        }
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
