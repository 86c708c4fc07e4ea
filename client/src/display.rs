//! Serializing addresses and signatures as their base58 text (serde's default for them is an
//! array of bytes), for the SDK's result types.
use serde::Serializer;
use std::fmt::Display;

pub fn as_text<T: Display, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

pub fn as_text_opt<T: Display, S: Serializer>(value: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}
