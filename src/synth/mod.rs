//! Synth: a generator of realistic reports with their ground truth, and the
//! accuracy check that compares the pipeline's output with that truth.
//!
//! (Being written; see issue 5.)
