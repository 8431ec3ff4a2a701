//! Parsing of single cell values: missing-value tokens, numbers (with an optional decimal comma),
//! booleans and dates. Shared by the CSV reader and by the fitted preparation when it scores new
//! rows, so a value is read the same way in training and in prediction.

/// Spellings of a missing value (compared case-insensitively after trimming whitespace).
pub const MISSING_TOKENS: [&str; 8] = ["", "na", "n/a", "nan", "null", "?", "-", "#n/a"];

/// Whether a (trimmed or untrimmed) cell is one of the [`MISSING_TOKENS`].
pub fn is_missing(cell: &str) -> bool {
    let s = cell.trim();
    s.len() <= 4 && MISSING_TOKENS.iter().any(|t| s.eq_ignore_ascii_case(t))
}

/// Parses a finite number. With `decimal_comma`, a comma is the decimal separator and dots are
/// thousands separators (`1.234,5` → 1234.5); otherwise only `.` is a decimal point.
/// Words such as `inf` or `nan` are not numbers here.
pub fn parse_number(cell: &str, decimal_comma: bool) -> Option<f64> {
    let s = cell.trim();
    let first = *s.as_bytes().first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.' | b',')) {
        return None;
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b',' | b'e' | b'E'))
    {
        return None;
    }
    let value = if decimal_comma && s.contains(',') {
        if s.bytes().filter(|&b| b == b',').count() != 1 {
            return None;
        }
        let normal: String = s
            .chars()
            .filter(|&c| c != '.')
            .map(|c| if c == ',' { '.' } else { c })
            .collect();
        normal.parse::<f64>().ok()?
    } else {
        s.parse::<f64>().ok()?
    };
    value.is_finite().then_some(value)
}

/// Parses a boolean word: true/false, yes/no, t/f, y/n (any case). `0`/`1` are numbers, not
/// booleans.
pub fn parse_bool(cell: &str) -> Option<bool> {
    let s = cell.trim();
    const TRUE: [&str; 4] = ["true", "yes", "t", "y"];
    const FALSE: [&str; 4] = ["false", "no", "f", "n"];
    if TRUE.iter().any(|t| s.eq_ignore_ascii_case(t)) {
        Some(true)
    } else if FALSE.iter().any(|t| s.eq_ignore_ascii_case(t)) {
        Some(false)
    } else {
        None
    }
}

/// Days from 1970-01-01 to the civil date `y-m-d` (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of a day count from 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

fn valid(y: i64, m: u32, d: u32) -> bool {
    (1000..=9999).contains(&y) && (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)
}

fn small(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses `HH:MM[:SS[.fff]]` with an optional trailing `Z` or `±HH:MM` (ignored) into a day
/// fraction.
fn parse_time(s: &str) -> Option<f64> {
    let s = s.trim_end_matches('Z');
    let s = match s.rfind(['+', '-']) {
        Some(i) if i >= 5 => &s[..i],
        _ => s,
    };
    let mut parts = s.split(':');
    let h = small(parts.next()?)?;
    let m = small(parts.next()?)?;
    let sec = match parts.next() {
        Some(p) => {
            let v: f64 = p.parse().ok()?;
            (0.0..61.0).contains(&v).then_some(v)?
        }
        None => 0.0,
    };
    if parts.next().is_some() || h > 23 || m > 59 {
        return None;
    }
    Some((h as f64 * 3600.0 + m as f64 * 60.0 + sec) / 86_400.0)
}

/// Parses a date or date-time into days (with a fractional time of day) since 1970-01-01.
///
/// Accepted: `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `DD.MM.YYYY`, `DD-MM-YYYY`, and
/// `MM/DD/YYYY` (read as `DD/MM/YYYY` when the first number exceeds 12), each optionally
/// followed by `T` or a space and `HH:MM[:SS]`.
pub fn parse_date(cell: &str) -> Option<f64> {
    let s = cell.trim();
    if s.len() < 8 || s.len() > 35 || !s.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let (date, time) = match s.find(['T', ' ']) {
        Some(i) => (&s[..i], Some(s[i + 1..].trim())),
        None => (s, None),
    };
    let sep = date.bytes().find(|b| matches!(b, b'-' | b'/' | b'.'))? as char;
    let mut parts = date.split(sep);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (y, m, d) = if a.len() == 4 {
        (small(a)? as i64, small(b)?, small(c)?)
    } else if c.len() == 4 {
        let (x, z, y) = (small(a)?, small(b)?, small(c)? as i64);
        if sep == '/' && x <= 12 {
            (y, x, z)
        } else {
            (y, z, x)
        }
    } else {
        return None;
    };
    if !valid(y, m, d) {
        return None;
    }
    let frac = match time {
        Some(t) if !t.is_empty() => parse_time(t)?,
        _ => 0.0,
    };
    Some(days_from_civil(y, m, d) as f64 + frac)
}

/// The numeric features a date contributes: year, month (1–12), day of year (1–366) and
/// weekday (0 = Monday … 6 = Sunday).
pub fn date_parts(days: f64) -> [f64; 4] {
    let day = days.floor() as i64;
    let (y, m, _) = civil_from_days(day);
    let doy = day - days_from_civil(y, 1, 1) + 1;
    let weekday = (day + 3).rem_euclid(7);
    [y as f64, m as f64, doy as f64, weekday as f64]
}

/// Formats a day count as `YYYY-MM-DD` (for profiles).
pub fn format_date(days: f64) -> String {
    let (y, m, d) = civil_from_days(days.floor() as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_tokens() {
        for t in ["", " ", "NA", "n/a", "NaN", "NULL", "?", "-", "#N/A"] {
            assert!(is_missing(t), "{t:?}");
        }
        assert!(!is_missing("0") && !is_missing("none") && !is_missing("nan2"));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number(" 1.5 ", false), Some(1.5));
        assert_eq!(parse_number("1,5", true), Some(1.5));
        assert_eq!(parse_number("1.234,5", true), Some(1234.5));
        assert_eq!(parse_number("1,5", false), None);
        assert_eq!(parse_number("-3e2", false), Some(-300.0));
        assert_eq!(parse_number("inf", false), None);
        assert_eq!(parse_number("1e999", false), None);
        assert_eq!(parse_number("abc", false), None);
        assert_eq!(parse_number("", false), None);
    }

    #[test]
    fn dates_round_trip_and_parts() {
        let d = parse_date("2024-02-29").unwrap();
        assert_eq!(format_date(d), "2024-02-29");
        // 2024-02-29 was a Thursday.
        assert_eq!(date_parts(d), [2024.0, 2.0, 60.0, 3.0]);
        assert_eq!(parse_date("29.02.2024"), Some(d));
        assert_eq!(parse_date("02/29/2024"), Some(d));
        assert_eq!(parse_date("29/02/2024"), Some(d));
        assert_eq!(parse_date("1970-01-01"), Some(0.0));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2024-01-01T12:00:00Z"), Some(d - 59.0 + 0.5));
        assert_eq!(parse_date("2024-13-01"), None);
        assert_eq!(parse_date("12345678"), None);
        for z in [-800_000i64, -1, 0, 59, 19_000, 2_000_000] {
            let (y, m, dd) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, dd), z);
        }
    }
}
