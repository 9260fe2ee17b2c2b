//! What a `.dockerignore` keeps out of the build context, read the way BuildKit reads it: one pattern per line,
//! `#` comments, `!` exceptions, every pattern relative to the context's root (a leading `/` changes nothing),
//! `*` and `?` within one path segment, `**` across any number of them, and the last matching line decides. A
//! pattern that matches a directory excludes everything under it unless a later exception brings a path back.

use regex::Regex;

/// The patterns of one `.dockerignore`, in file order.
#[derive(Debug)]
pub struct DockerIgnore {
    rules: Vec<Rule>,
}

#[derive(Debug)]
struct Rule {
    /// The pattern as written (without `!`), for messages.
    pattern: String,
    regex: Regex,
    exception: bool,
}

impl DockerIgnore {
    pub fn parse(text: &str) -> Self {
        let rules = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|line| {
                let (exception, pattern) = match line.strip_prefix('!') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, line),
                };
                let cleaned = clean(pattern);
                let regex = Regex::new(&to_regex(&cleaned)).ok()?;
                Some(Rule { pattern: pattern.to_string(), regex, exception })
            })
            .collect();
        Self { rules }
    }

    /// The pattern that keeps `path` (relative to the context, `/`-separated) out of the build context, if one
    /// does: the last line that matches the path or one of its parent directories, unless that line is an
    /// exception.
    pub fn excluded_by(&self, path: &str) -> Option<&str> {
        let path = clean(path);
        let mut verdict = None;
        for rule in &self.rules {
            if rule.matches(&path) {
                verdict = (!rule.exception).then_some(rule.pattern.as_str());
            }
        }
        verdict
    }
}

impl Rule {
    /// The path itself, or a directory above it: excluding a directory excludes what it holds.
    fn matches(&self, path: &str) -> bool {
        let mut prefix = path;
        loop {
            if self.regex.is_match(prefix) {
                return true;
            }
            match prefix.rfind('/') {
                Some(i) => prefix = &prefix[..i],
                None => return false,
            }
        }
    }
}

/// A path or pattern as Go's `filepath.Clean` leaves it, without a leading `/`: no `.` segments, no empty
/// segments, `..` resolved where it can be.
fn clean(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

/// The anchored regular expression of a cleaned pattern.
fn to_regex(pattern: &str) -> String {
    let mut re = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 1;
                if chars.get(i + 1) == Some(&'/') {
                    // `**/` matches zero or more whole directories.
                    re.push_str("(?:.*/)?");
                    i += 1;
                } else {
                    re.push_str(".*");
                }
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '\\' if i + 1 < chars.len() => {
                i += 1;
                re.push_str(&regex::escape(&chars[i].to_string()));
            }
            '[' => {
                // A character class, as written, with `^` spelled the regex way.
                let close = chars[i + 1..].iter().position(|&c| c == ']').map(|p| p + i + 1);
                match close {
                    Some(end) => {
                        let mut class: String = chars[i + 1..end].iter().collect();
                        if let Some(rest) = class.strip_prefix('^') {
                            class = format!("^{}", rest.replace('\\', "\\\\"));
                        } else {
                            class = class.replace('\\', "\\\\");
                        }
                        re.push('[');
                        re.push_str(&class);
                        re.push(']');
                        i = end;
                    }
                    None => re.push_str("\\["),
                }
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    re.push('$');
    re
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excluded(ignore: &str, path: &str) -> Option<String> {
        DockerIgnore::parse(ignore).excluded_by(path).map(String::from)
    }

    #[test]
    fn plain_names_are_anchored_at_the_context_root() {
        assert_eq!(excluded("go.sum", "go.sum").as_deref(), Some("go.sum"));
        assert_eq!(excluded("/go.sum", "go.sum").as_deref(), Some("/go.sum"));
        assert_eq!(excluded("./go.sum", "go.sum").as_deref(), Some("./go.sum"));
        // Unlike .gitignore, a bare name does not match deeper down.
        assert_eq!(excluded("go.sum", "sub/go.sum"), None);
    }

    #[test]
    fn a_directory_pattern_excludes_what_it_holds() {
        assert_eq!(excluded("src", "src/main.rs").as_deref(), Some("src"));
        assert_eq!(excluded("src/", "src/bin/x.rs").as_deref(), Some("src/"));
        assert_eq!(excluded("cmd/*", "cmd/api/main.go").as_deref(), Some("cmd/*"));
        assert_eq!(excluded("src", "srcs/main.rs"), None);
    }

    #[test]
    fn stars_stay_in_one_segment_and_double_stars_cross_them() {
        assert_eq!(excluded("*.lock", "Cargo.lock").as_deref(), Some("*.lock"));
        assert_eq!(excluded("*.lock", "sub/Cargo.lock"), None);
        assert_eq!(excluded("**/*.lock", "sub/dir/Cargo.lock").as_deref(), Some("**/*.lock"));
        assert_eq!(excluded("**/*.lock", "Cargo.lock").as_deref(), Some("**/*.lock"));
        assert_eq!(excluded("*", "go.mod").as_deref(), Some("*"));
        assert_eq!(excluded("go.???", "go.sum").as_deref(), Some("go.???"));
        assert_eq!(excluded("[Cc]argo.lock", "Cargo.lock").as_deref(), Some("[Cc]argo.lock"));
        assert_eq!(excluded("[^C]argo.lock", "Cargo.lock"), None);
    }

    #[test]
    fn the_last_matching_line_decides() {
        assert_eq!(excluded("*\n!go.mod\n!go.sum\n!cmd", "go.sum"), None);
        assert_eq!(excluded("*\n!go.mod\n!cmd", "cmd/api/main.go"), None);
        assert_eq!(excluded("*\n!go.mod", "go.sum").as_deref(), Some("*"));
        assert_eq!(excluded("!go.sum\n*", "go.sum").as_deref(), Some("*"));
        assert_eq!(excluded("# go.sum\n\n  go.sum  ", "go.sum").as_deref(), Some("go.sum"));
    }

    #[test]
    fn an_unclosed_bracket_and_an_escape_are_literal() {
        assert_eq!(excluded("[go.sum", "go.sum"), None);
        assert_eq!(excluded("go\\.sum", "go.sum").as_deref(), Some("go\\.sum"));
    }
}
