//! Tests of the quality report.
