//! Whole numbers as JSON Schema means them: `3` and `3.0` are both the integer 3 (an
//! `integer` in JSON Schema is any number without a fractional part), so a client whose JSON
//! writes every number as a float is understood. serde's integers take only `3`.
//!
//! `#[serde(deserialize_with = "whole::number")]`, or `"whole::optional"` on an `Option`.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// A whole number that fits `T`.
pub fn number<'de, D: Deserializer<'de>, T: TryFrom<u64>>(d: D) -> Result<T, D::Error> {
    d.deserialize_any(Whole(PhantomData))
}

/// A whole number that fits `T`, or `null`.
pub fn optional<'de, D: Deserializer<'de>, T: TryFrom<u64>>(d: D) -> Result<Option<T>, D::Error> {
    struct OrNull<T>(PhantomData<T>);
    impl<'de, T: TryFrom<u64>> Visitor<'de> for OrNull<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a whole number or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            number(d).map(Some)
        }
    }
    d.deserialize_option(OrNull(PhantomData))
}

struct Whole<T>(PhantomData<T>);

impl<'de, T: TryFrom<u64>> Visitor<'de> for Whole<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number in range")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        let whole = u64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))?;
        self.visit_u64(whole)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        // Every u64 below 2^53 is exact in an f64; larger ones are out of range for the fields
        // that use this anyway.
        if v.is_finite() && v.fract() == 0.0 && (0.0..9_007_199_254_740_992.0).contains(&v) {
            self.visit_u64(v as u64)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Stars {
        #[serde(deserialize_with = "super::number")]
        stars: u8,
        #[serde(default, deserialize_with = "super::optional")]
        hours: Option<u32>,
    }

    fn read(json: &str) -> Result<Stars, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn a_whole_number_is_read_whether_written_as_an_integer_or_a_float() {
        assert_eq!(read(r#"{"stars": 4}"#).ok(), Some(Stars { stars: 4, hours: None }));
        assert_eq!(read(r#"{"stars": 4.0, "hours": 24.0}"#).ok(), Some(Stars { stars: 4, hours: Some(24) }));
        assert_eq!(read(r#"{"stars": 4, "hours": null}"#).ok(), Some(Stars { stars: 4, hours: None }));
    }

    #[test]
    fn fractions_negatives_and_numbers_out_of_range_are_refused() {
        for bad in [r#"{"stars": 4.5}"#, r#"{"stars": -1}"#, r#"{"stars": 256}"#, r#"{"stars": 1e300}"#, r#"{"stars": "4"}"#] {
            assert!(read(bad).is_err(), "{bad} was read");
        }
    }
}
