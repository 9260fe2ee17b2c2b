//! Before any parsing: the file's bytes as text, or why they are not a config (too large, binary, UTF-16,
//! not UTF-8).

use crate::diagnostics::{Diagnostic, Severity};

/// Files larger than this are refused before parsing: a config is a few kilobytes.
pub const MAX_CONFIG_BYTES: usize = 256 * 1024;

/// Checks the raw bytes before any parsing: size, NUL bytes (a binary file), UTF-8.
pub fn decode(bytes: &[u8]) -> Result<&str, Diagnostic> {
    let plain = |message: String, help: &str| Diagnostic {
        severity: Severity::Error,
        message,
        path: None,
        span: None,
        help: Some(help.to_string()),
    };
    if bytes.len() > MAX_CONFIG_BYTES {
        return Err(plain(
            format!("the file is {} bytes; a config may be at most {MAX_CONFIG_BYTES}", bytes.len()),
            "is this the right file? multiarch.toml is normally a few kilobytes",
        ));
    }
    if let Some(encoding) = utf16(bytes) {
        return Err(plain(
            format!("the file is {encoding}, not UTF-8"),
            "TOML files are UTF-8: re-save it as UTF-8, e.g. `iconv -f UTF-16 -t UTF-8 multiarch.toml`",
        ));
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(plain(
            format!("the file holds a NUL byte at offset {at}: it looks binary, not TOML"),
            "point --config at a text file",
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        plain(
            format!("the file is not valid UTF-8 (at byte {})", e.valid_up_to()),
            "TOML files must be UTF-8; re-save the file as UTF-8",
        )
    })
}

/// `UTF-16 (little-endian)` or `UTF-16 (big-endian)` when the bytes are UTF-16: a byte-order mark, or ASCII text
/// with every other byte NUL (what editors on Windows write as "Unicode").
fn utf16(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xFE, ..] => return Some("UTF-16 (little-endian)"),
        [0xFE, 0xFF, ..] => return Some("UTF-16 (big-endian)"),
        _ => {}
    }
    let head = &bytes[..bytes.len().min(64) & !1];
    let nul_at = |parity: usize| head.len() >= 4 && head.iter().skip(parity).step_by(2).all(|b| *b == 0);
    let ascii_at = |parity: usize| head.iter().skip(parity).step_by(2).all(|b| *b != 0 && b.is_ascii());
    if nul_at(1) && ascii_at(0) {
        Some("UTF-16 (little-endian)")
    } else if nul_at(0) && ascii_at(1) {
        Some("UTF-16 (big-endian)")
    } else {
        None
    }
}
