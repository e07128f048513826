//! Coarse cells: what a device tells the push service about where it cares, and how an
//! alert's areas are turned into the same cells. (Being written.)
