//! The photo pipeline on a 12 MP camera photo: `cargo bench -p civic-core --bench core -- photo`.
//!
//! Times `process` on a generated 4000x3000 camera-like JPEG (q92, 4:2:0, with EXIF) and
//! `accept_as_is` on the app's own 1600x1200 photo, and prints the peak heap of one call, measured by a counting global allocator.
//! `bench/photo_peers.sh` compares the same work with libvips and Pillow.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use civic_core::photo::{PhotoOptions, accept_as_is, process, sample};
use criterion::{Criterion, criterion_group};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            grew(l.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(l) };
        if !p.is_null() {
            grew(l.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        CURRENT.fetch_sub(l.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            if new > l.size() {
                grew(new - l.size());
            } else {
                CURRENT.fetch_sub(l.size() - new, Ordering::Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const MIB: f64 = 1024.0 * 1024.0;

fn photo(c: &mut Criterion) {
    let input = sample::camera_jpeg(4000, 3000);
    let opts = PhotoOptions::default();

    // Peak heap of one call, above what was live before it (the input itself is the
    // caller's and not counted).
    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = process(&input, &opts).expect("sample processes");
    let peak = PEAK.load(Ordering::Relaxed) - before;
    println!(
        "photo pipeline 4000x3000: peak heap {:.1} MiB (input {:.1} MiB not counted; output {}x{}, {} KiB)",
        peak as f64 / MIB,
        input.len() as f64 / MIB,
        out.width,
        out.height,
        out.jpeg.len() / 1024
    );
    drop(out);

    let mut group = c.benchmark_group("photo");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    group.bench_function("process 4000x3000 q92 camera JPEG to 1600 px", |b| b.iter(|| process(black_box(&input), &opts).expect("photo")));
    // What the server does with the app's own photo (1600x1200, q80): checked whole and
    // kept as it is.
    let app = process(&sample::camera_jpeg(1600, 1200), &opts).expect("sample processes").jpeg;
    group.bench_function("accept the app's 1600x1200 photo as it is", |b| {
        b.iter(|| accept_as_is(black_box(&app), &opts).expect("photo").expect("kept as it is"))
    });
    group.finish();
}

criterion_group!(benches, photo);
