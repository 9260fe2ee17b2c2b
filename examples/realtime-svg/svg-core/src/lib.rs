//! Rendering for the realtime-svg demo: an analog clock badge as an SVG
//! string, computed from a Unix timestamp (UTC) and a label.
//!
//! The [`http`] module holds the few lines of std-only HTTP plumbing that the
//! `backend` and `frontend` binaries share, so the workspace needs no crates
//! from a registry.

pub mod http;

use std::fmt::Write as _;

/// Badge width and height in SVG user units.
pub const WIDTH: u32 = 220;
pub const HEIGHT: u32 = 260;

const CX: f64 = 110.0;
const CY: f64 = 110.0;
const RADIUS: f64 = 100.0;

/// Wall-clock time of day (UTC) derived from a Unix timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOfDay {
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl TimeOfDay {
    /// Time of day in UTC for `unix_secs` seconds since the epoch.
    pub fn from_unix(unix_secs: u64) -> Self {
        let secs_of_day = unix_secs % 86_400;
        TimeOfDay {
            hour: (secs_of_day / 3600) as u32,
            minute: (secs_of_day % 3600 / 60) as u32,
            second: (secs_of_day % 60) as u32,
        }
    }

    /// Clockwise angles in degrees from 12 o'clock of the hour, minute and
    /// second hands. The hour and minute hands move smoothly.
    pub fn hand_angles(self) -> (f64, f64, f64) {
        let s = f64::from(self.second);
        let m = f64::from(self.minute) + s / 60.0;
        let h = f64::from(self.hour % 12) + m / 60.0;
        (h * 30.0, m * 6.0, s * 6.0)
    }
}

impl std::fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}:{:02}", self.hour, self.minute, self.second)
    }
}

/// Escape text for use in XML/HTML element content and quoted attributes.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// End point of a hand of length `len` at `deg` degrees clockwise from 12.
fn hand_end(deg: f64, len: f64) -> (f64, f64) {
    let rad = deg.to_radians();
    (CX + len * rad.sin(), CY - len * rad.cos())
}

/// Render the clock badge for `unix_secs` (shown in UTC) with `label` below
/// the dial. The label is XML-escaped. Output is deterministic.
pub fn render_clock(unix_secs: u64, label: &str) -> String {
    let time = TimeOfDay::from_unix(unix_secs);
    let (hour_deg, minute_deg, second_deg) = time.hand_angles();

    // `write!` into a String cannot fail, hence the ignored results.
    let mut svg = String::with_capacity(2048);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif">"##
    );
    let _ = write!(
        svg,
        r##"<circle cx="{CX}" cy="{CY}" r="{RADIUS}" fill="#fdfdfd" stroke="#333" stroke-width="4"/>"##
    );
    // Twelve hour ticks.
    for i in 0..12 {
        let deg = f64::from(i) * 30.0;
        let (x1, y1) = hand_end(deg, RADIUS - 12.0);
        let (x2, y2) = hand_end(deg, RADIUS - 2.0);
        let _ = write!(
            svg,
            r##"<line x1="{x1:.2}" y1="{y1:.2}" x2="{x2:.2}" y2="{y2:.2}" stroke="#333" stroke-width="3"/>"##
        );
    }
    for (deg, len, width, color) in [
        (hour_deg, 50.0, 6, "#333"),
        (minute_deg, 75.0, 4, "#333"),
        (second_deg, 85.0, 2, "#d33"),
    ] {
        let (x, y) = hand_end(deg, len);
        let _ = write!(
            svg,
            r##"<line x1="{CX}" y1="{CY}" x2="{x:.2}" y2="{y:.2}" stroke="{color}" stroke-width="{width}" stroke-linecap="round"/>"##
        );
    }
    let _ = write!(
        svg,
        r##"<circle cx="{CX}" cy="{CY}" r="4" fill="#d33"/><text x="{CX}" y="232" text-anchor="middle" font-size="18">{time} UTC</text><text x="{CX}" y="253" text-anchor="middle" font-size="14" fill="#555">{}</text></svg>"##,
        escape_xml(label)
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_of_day_from_unix() {
        // 2026-01-01T13:45:30Z
        let t = TimeOfDay::from_unix(1_767_275_130);
        assert_eq!(
            t,
            TimeOfDay {
                hour: 13,
                minute: 45,
                second: 30
            }
        );
        assert_eq!(t.to_string(), "13:45:30");
        assert_eq!(TimeOfDay::from_unix(0).to_string(), "00:00:00");
    }

    #[test]
    fn hand_angles_at_quarter_past_three() {
        let (h, m, s) = TimeOfDay::from_unix(15 * 3600 + 15 * 60).hand_angles();
        assert!((h - 97.5).abs() < 1e-9, "hour hand {h}");
        assert!((m - 90.0).abs() < 1e-9, "minute hand {m}");
        assert!(s.abs() < 1e-9, "second hand {s}");
    }

    #[test]
    fn escape_xml_escapes_markup() {
        assert_eq!(
            escape_xml(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(escape_xml("linux/aarch64"), "linux/aarch64");
    }

    #[test]
    fn render_clock_is_a_complete_svg_with_time_and_escaped_label() {
        let svg = render_clock(1_767_275_130, "a<b");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains(">13:45:30 UTC</text>"));
        assert!(svg.contains(">a&lt;b</text>"));
        assert!(!svg.contains("a<b"));
        // Same input, same output.
        assert_eq!(svg, render_clock(1_767_275_130, "a<b"));
    }

    #[test]
    fn twelve_o_clock_hands_point_straight_up() {
        let svg = render_clock(0, "x");
        // Second hand: 85 units above the centre.
        assert!(
            svg.contains(r##"x2="110.00" y2="25.00" stroke="#d33""##),
            "{svg}"
        );
    }
}
