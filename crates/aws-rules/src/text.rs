//! How a value a rule refused is shown in a Reason: quoted, and shortened
//! when long, so a 1 KB value cannot crowd out the rest of the message.

/// How many characters of a value a Reason quotes.
pub const SHOWN_CHARS: usize = 80;

/// `value` quoted for a message, shortened when it is long.
pub fn shown(value: &str) -> String {
    let length = value.chars().count();
    if length <= SHOWN_CHARS {
        format!("{value:?}")
    } else {
        let head: String = value.chars().take(SHOWN_CHARS).collect();
        format!("{head:?}... ({length} characters)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_quoted_whole_and_long_ones_shortened() {
        assert_eq!(shown("https://a"), "\"https://a\"");
        assert_eq!(shown("a\"b"), "\"a\\\"b\"");
        let exact = "a".repeat(SHOWN_CHARS);
        assert_eq!(shown(&exact), format!("{exact:?}"));
        let long = format!("{exact}bcd");
        assert_eq!(
            shown(&long),
            format!("{exact:?}... ({} characters)", SHOWN_CHARS + 3)
        );
        // Characters, not bytes: a multi-byte value is not cut inside one.
        let wide = "é".repeat(SHOWN_CHARS + 1);
        assert!(shown(&wide).ends_with(&format!("... ({} characters)", SHOWN_CHARS + 1)));
    }
}
