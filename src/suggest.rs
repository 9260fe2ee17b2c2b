//! "Did you mean ...?" suggestions from a known set of words.

/// The known word closest to `input`, if it is close enough to be a plausible typo.
pub fn closest<'a>(input: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input = input.to_ascii_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(&input, &k.to_ascii_lowercase()), k))
        .filter(|(d, k)| *d > 0 && *d <= (k.len().max(input.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_near_words_only() {
        let keys = ["platforms", "registry", "runtime"];
        assert_eq!(closest("platfroms", keys), Some("platforms"));
        assert_eq!(closest("runtim", keys), Some("runtime"));
        assert_eq!(closest("zzz", keys), None);
        assert_eq!(closest("platforms", keys), None, "an exact match is not a suggestion");
    }
}
