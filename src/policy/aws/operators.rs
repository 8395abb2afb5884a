//! AWS condition operators: names, families, and the typed values they compare (numbers, dates, IP ranges,
//! ARNs, booleans).

use std::cmp::Ordering;
use std::net::IpAddr;

use crate::policy::trace::SetOperator;

/// An operator without its `ForAnyValue:`/`ForAllValues:` prefix and `IfExists` suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BaseOp {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// Families share value parsing and comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// How a string family compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrMode {
    Exact,
    IgnoreCase,
    Like,
}

/// The ordering relation of a Numeric/Date operator (negated operators use their positive counterpart).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rel {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Rel {
    pub fn holds(self, o: Ordering) -> bool {
        match self {
            Rel::Eq => o == Ordering::Equal,
            Rel::Lt => o == Ordering::Less,
            Rel::Le => o != Ordering::Greater,
            Rel::Gt => o == Ordering::Greater,
            Rel::Ge => o != Ordering::Less,
        }
    }

    pub fn phrase(self) -> &'static str {
        match self {
            Rel::Eq => "equal to",
            Rel::Lt => "less than",
            Rel::Le => "less than or equal to",
            Rel::Gt => "greater than",
            Rel::Ge => "greater than or equal to",
        }
    }
}

const ALL: &[BaseOp] = &[
    BaseOp::StringEquals,
    BaseOp::StringNotEquals,
    BaseOp::StringEqualsIgnoreCase,
    BaseOp::StringNotEqualsIgnoreCase,
    BaseOp::StringLike,
    BaseOp::StringNotLike,
    BaseOp::NumericEquals,
    BaseOp::NumericNotEquals,
    BaseOp::NumericLessThan,
    BaseOp::NumericLessThanEquals,
    BaseOp::NumericGreaterThan,
    BaseOp::NumericGreaterThanEquals,
    BaseOp::DateEquals,
    BaseOp::DateNotEquals,
    BaseOp::DateLessThan,
    BaseOp::DateLessThanEquals,
    BaseOp::DateGreaterThan,
    BaseOp::DateGreaterThanEquals,
    BaseOp::Bool,
    BaseOp::BinaryEquals,
    BaseOp::IpAddress,
    BaseOp::NotIpAddress,
    BaseOp::ArnEquals,
    BaseOp::ArnLike,
    BaseOp::ArnNotEquals,
    BaseOp::ArnNotLike,
    BaseOp::Null,
];

impl BaseOp {
    pub fn name(self) -> &'static str {
        match self {
            BaseOp::StringEquals => "StringEquals",
            BaseOp::StringNotEquals => "StringNotEquals",
            BaseOp::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            BaseOp::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            BaseOp::StringLike => "StringLike",
            BaseOp::StringNotLike => "StringNotLike",
            BaseOp::NumericEquals => "NumericEquals",
            BaseOp::NumericNotEquals => "NumericNotEquals",
            BaseOp::NumericLessThan => "NumericLessThan",
            BaseOp::NumericLessThanEquals => "NumericLessThanEquals",
            BaseOp::NumericGreaterThan => "NumericGreaterThan",
            BaseOp::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            BaseOp::DateEquals => "DateEquals",
            BaseOp::DateNotEquals => "DateNotEquals",
            BaseOp::DateLessThan => "DateLessThan",
            BaseOp::DateLessThanEquals => "DateLessThanEquals",
            BaseOp::DateGreaterThan => "DateGreaterThan",
            BaseOp::DateGreaterThanEquals => "DateGreaterThanEquals",
            BaseOp::Bool => "Bool",
            BaseOp::BinaryEquals => "BinaryEquals",
            BaseOp::IpAddress => "IpAddress",
            BaseOp::NotIpAddress => "NotIpAddress",
            BaseOp::ArnEquals => "ArnEquals",
            BaseOp::ArnLike => "ArnLike",
            BaseOp::ArnNotEquals => "ArnNotEquals",
            BaseOp::ArnNotLike => "ArnNotLike",
            BaseOp::Null => "Null",
        }
    }

    pub fn from_name(name: &str) -> Option<BaseOp> {
        ALL.iter().copied().find(|op| op.name() == name)
    }

    /// Negated operators succeed when the token value matches none of the policy values, and on a missing key.
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            BaseOp::StringNotEquals
                | BaseOp::StringNotEqualsIgnoreCase
                | BaseOp::StringNotLike
                | BaseOp::NumericNotEquals
                | BaseOp::DateNotEquals
                | BaseOp::NotIpAddress
                | BaseOp::ArnNotEquals
                | BaseOp::ArnNotLike
        )
    }

    pub fn family(self) -> Family {
        use BaseOp::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => Family::String,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => Family::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => Family::Date,
            Bool => Family::Bool,
            BinaryEquals => Family::Binary,
            IpAddress | NotIpAddress => Family::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => Family::Arn,
            Null => Family::Null,
        }
    }

    pub fn str_mode(self) -> StrMode {
        match self {
            BaseOp::StringEqualsIgnoreCase | BaseOp::StringNotEqualsIgnoreCase => {
                StrMode::IgnoreCase
            }
            BaseOp::StringLike | BaseOp::StringNotLike => StrMode::Like,
            _ => StrMode::Exact,
        }
    }

    pub fn rel(self) -> Rel {
        use BaseOp::*;
        match self {
            NumericLessThan | DateLessThan => Rel::Lt,
            NumericLessThanEquals | DateLessThanEquals => Rel::Le,
            NumericGreaterThan | DateGreaterThan => Rel::Gt,
            NumericGreaterThanEquals | DateGreaterThanEquals => Rel::Ge,
            _ => Rel::Eq,
        }
    }

    /// Policy variables are not allowed in Numeric, Date, Binary, IP or Null operators.
    pub fn allows_variables(self) -> bool {
        matches!(self.family(), Family::String | Family::Arn | Family::Bool)
    }
}

/// A parsed operator name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operator {
    pub base: BaseOp,
    pub set: Option<SetOperator>,
    pub if_exists: bool,
}

/// Parses `[ForAnyValue:|ForAllValues:]Base[IfExists]`. Names are case-sensitive as in IAM; a wrong-case name
/// gets a suggestion.
pub fn parse_operator(name: &str) -> Result<Operator, String> {
    let (set, rest) = if let Some(r) = name.strip_prefix("ForAnyValue:") {
        (Some(SetOperator::ForAnyValue), r)
    } else if let Some(r) = name.strip_prefix("ForAllValues:") {
        (Some(SetOperator::ForAllValues), r)
    } else {
        (None, name)
    };
    let (if_exists, base_name) = match rest.strip_suffix("IfExists") {
        Some(b) => (true, b),
        None => (false, rest),
    };
    let Some(base) = BaseOp::from_name(base_name) else {
        return Err(unknown_operator_message(name));
    };
    if base == BaseOp::Null && if_exists {
        return Err(
            "Null cannot take the IfExists suffix (Null already tests whether the key exists)"
                .into(),
        );
    }
    if base == BaseOp::Null && set.is_some() {
        return Err("Null cannot take a ForAnyValue:/ForAllValues: prefix".into());
    }
    Ok(Operator {
        base,
        set,
        if_exists,
    })
}

fn unknown_operator_message(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let (prefix, rest) = ["foranyvalue:", "forallvalues:"]
        .iter()
        .find_map(|p| lower.strip_prefix(p).map(|r| (*p, r)))
        .unwrap_or(("", lower.as_str()));
    let (suffix, base) = match rest.strip_suffix("ifexists") {
        Some(b) => ("IfExists", b),
        None => ("", rest),
    };
    let canon_prefix = match prefix {
        "foranyvalue:" => "ForAnyValue:",
        "forallvalues:" => "ForAllValues:",
        _ => "",
    };
    if let Some(op) = ALL.iter().find(|op| op.name().eq_ignore_ascii_case(base)) {
        return format!(
            "unknown condition operator {name:?}; operator names are case-sensitive (did you mean {:?}?)",
            format!("{canon_prefix}{}{suffix}", op.name())
        );
    }
    format!("unknown condition operator {name:?}")
}

// ---------------------------------------------------------------------------------------------------------
// Numbers

/// A number from a policy or a token, compared exactly when both sides are integers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    Int(i128),
    Float(f64),
}

impl Num {
    pub fn from_json(n: &serde_json::Number) -> Option<Num> {
        if let Some(i) = n.as_i64() {
            Some(Num::Int(i as i128))
        } else if let Some(u) = n.as_u64() {
            Some(Num::Int(u as i128))
        } else {
            n.as_f64().filter(|f| f.is_finite()).map(Num::Float)
        }
    }

    /// Decimal text: `-?digits(.digits)?([eE][+-]?digits)?`; no spaces, no `NaN`/`Infinity`, no hex.
    pub fn parse(s: &str) -> Option<Num> {
        let b = s.as_bytes();
        let mut i = 0;
        if b.first() == Some(&b'-') || b.first() == Some(&b'+') {
            i += 1;
        }
        let digits_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == digits_start {
            return None;
        }
        let mut integer = true;
        if b.get(i) == Some(&b'.') {
            integer = false;
            i += 1;
            let f = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == f {
                return None;
            }
        }
        if matches!(b.get(i), Some(b'e') | Some(b'E')) {
            integer = false;
            i += 1;
            if matches!(b.get(i), Some(b'+') | Some(b'-')) {
                i += 1;
            }
            let e = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == e {
                return None;
            }
        }
        if i != b.len() {
            return None;
        }
        if integer {
            if let Ok(v) = s.parse::<i128>() {
                return Some(Num::Int(v));
            }
        }
        s.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Num::Float)
    }

    fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    pub fn compare(self, other: Num) -> Option<Ordering> {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => Some(a.cmp(&b)),
            (a, b) => a.as_f64().partial_cmp(&b.as_f64()),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Dates

/// Milliseconds since the Unix epoch.
pub type EpochMillis = i128;

/// Parses an AWS date value: epoch seconds (integer or decimal) or ISO 8601 (`2024-05-01`,
/// `2024-05-01T12:00:00Z`, fractional seconds, `±hh:mm` offsets; no zone means UTC).
pub fn parse_date(s: &str) -> Option<EpochMillis> {
    if let Some(n) = Num::parse(s) {
        return Some(seconds_to_millis(n));
    }
    parse_iso8601(s)
}

pub fn seconds_to_millis(n: Num) -> EpochMillis {
    match n {
        Num::Int(i) => i.saturating_mul(1000),
        Num::Float(f) => {
            let ms = (f * 1000.0).floor();
            if ms >= i128::MAX as f64 {
                i128::MAX
            } else if ms <= i128::MIN as f64 {
                i128::MIN
            } else {
                ms as i128
            }
        }
    }
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let s = b.get(at..at + n)?;
    if !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn parse_iso8601(s: &str) -> Option<EpochMillis> {
    let b = s.as_bytes();
    let year = digits(b, 0, 4)?;
    if b.get(4) != Some(&b'-') {
        return None;
    }
    let month = digits(b, 5, 2)?;
    if b.get(7) != Some(&b'-') {
        return None;
    }
    let day = digits(b, 8, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut millis = i128::from(days_from_civil(year, month, day)) * 86_400_000;
    let mut i = 10;
    if i == b.len() {
        return Some(millis);
    }
    if !matches!(b.get(i), Some(b'T') | Some(b't') | Some(b' ')) {
        return None;
    }
    let hour = digits(b, i + 1, 2)?;
    if b.get(i + 3) != Some(&b':') {
        return None;
    }
    let minute = digits(b, i + 4, 2)?;
    i += 6;
    let mut second = 0;
    let mut frac_ms: i64 = 0;
    if b.get(i) == Some(&b':') {
        second = digits(b, i + 1, 2)?;
        i += 3;
        if matches!(b.get(i), Some(b'.') | Some(b',')) {
            i += 1;
            let start = i;
            let mut scale = 100;
            while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
                frac_ms += i64::from(d - b'0') * scale;
                scale /= 10;
                i += 1;
            }
            if i == start {
                return None;
            }
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut offset_min: i64 = 0;
    match b.get(i) {
        None => {}
        Some(b'Z') | Some(b'z') => i += 1,
        Some(&sign) if sign == b'+' || sign == b'-' => {
            let oh = digits(b, i + 1, 2)?;
            let (om, len) = if b.get(i + 3) == Some(&b':') {
                (digits(b, i + 4, 2)?, 6)
            } else if b.len() > i + 3 {
                (digits(b, i + 3, 2)?, 5)
            } else {
                (0, 3)
            };
            if oh > 23 || om > 59 {
                return None;
            }
            offset_min = (oh * 60 + om) * if sign == b'-' { -1 } else { 1 };
            i += len;
        }
        Some(_) => return None,
    }
    if i != b.len() {
        return None;
    }
    millis += i128::from((hour * 3600 + minute * 60 + second - offset_min * 60) * 1000 + frac_ms);
    Some(millis)
}

// ---------------------------------------------------------------------------------------------------------
// IP ranges

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    /// `203.0.113.0/24`, `2001:db8::/32`, or a bare address (a /32 or /128).
    pub fn parse(s: &str) -> Option<Cidr> {
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = a.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) if !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()) && p.len() <= 3 => {
                p.parse().ok()?
            }
            Some(_) => return None,
            None => max,
        };
        if prefix > max {
            return None;
        }
        Some(Cidr { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u32::MAX << (32 - u32::from(self.prefix))
                };
                (u32::from(net) & mask) == (u32::from(ip) & mask)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = if self.prefix == 0 {
                    0
                } else {
                    u128::MAX << (128 - u32::from(self.prefix))
                };
                (u128::from(net) & mask) == (u128::from(ip) & mask)
            }
            _ => false,
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// ARNs

/// Splits an ARN into its six colon-separated parts (the resource part may itself contain colons).
pub fn arn_parts(s: &str) -> Option<[&str; 6]> {
    let mut it = s.splitn(6, ':');
    let parts = [
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ];
    Some(parts)
}

/// Parses a Bool operand: JSON booleans or `"true"`/`"false"` in any case.
pub fn parse_bool_text(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_names() {
        let op = parse_operator("ForAnyValue:StringLikeIfExists").unwrap();
        assert_eq!(
            op,
            Operator {
                base: BaseOp::StringLike,
                set: Some(SetOperator::ForAnyValue),
                if_exists: true
            }
        );
        assert_eq!(parse_operator("Null").unwrap().base, BaseOp::Null);
        assert!(parse_operator("NullIfExists").is_err());
        assert!(parse_operator("ForAllValues:Null").is_err());
        assert!(parse_operator("stringequals")
            .unwrap_err()
            .contains("did you mean \"StringEquals\""));
        assert!(parse_operator("forallvalues:stringlikeifexists")
            .unwrap_err()
            .contains("\"ForAllValues:StringLikeIfExists\""));
        assert!(parse_operator("StringEquls")
            .unwrap_err()
            .starts_with("unknown condition operator"));
        assert!(parse_operator("ForAnyValue:").is_err());
        assert!(parse_operator("IfExists").is_err());
        for op in ALL {
            assert_eq!(BaseOp::from_name(op.name()), Some(*op));
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(Num::parse("42"), Some(Num::Int(42)));
        assert_eq!(Num::parse("-1.5"), Some(Num::Float(-1.5)));
        assert_eq!(Num::parse("1e3"), Some(Num::Float(1000.0)));
        for bad in [
            "", " 1", "1 ", "0x10", "NaN", "Infinity", "1.", ".5", "1e", "--1", "1e999",
        ] {
            assert_eq!(Num::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Num::Int(3).compare(Num::Float(3.0)), Some(Ordering::Equal));
        assert_eq!(
            Num::parse("123456789012345678901")
                .unwrap()
                .compare(Num::parse("123456789012345678902").unwrap()),
            Some(Ordering::Less)
        );
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_date("1970-01-02"), Some(86_400_000));
        assert_eq!(parse_date("1700000000"), Some(1_700_000_000_000));
        assert_eq!(parse_date("2023-11-14T22:13:20Z"), Some(1_700_000_000_000));
        assert_eq!(
            parse_date("2023-11-14T23:13:20+01:00"),
            Some(1_700_000_000_000)
        );
        assert_eq!(
            parse_date("2023-11-14T22:13:20.5Z"),
            Some(1_700_000_000_500)
        );
        assert_eq!(
            parse_date("2023-11-14T22:13Z"),
            Some(1_700_000_000_000 - 20_000)
        );
        assert_eq!(parse_date("2024-02-29"), Some(1_709_164_800_000));
        for bad in [
            "2023-02-29",
            "2023-13-01",
            "2023-1-01",
            "yesterday",
            "2023-11-14T25:00:00Z",
            "2023-11-14T",
            "2023-11-14Tx",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn cidrs() {
        let c = Cidr::parse("203.0.113.0/24").unwrap();
        assert!(c.contains("203.0.113.9".parse().unwrap()));
        assert!(!c.contains("203.0.114.9".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0")
            .unwrap()
            .contains("1.2.3.4".parse().unwrap()));
        assert!(Cidr::parse("2001:db8::/32")
            .unwrap()
            .contains("2001:db8::1".parse().unwrap()));
        assert!(!Cidr::parse("2001:db8::/32")
            .unwrap()
            .contains("1.2.3.4".parse().unwrap()));
        for bad in ["1.2.3.4/33", "1.2.3/8", "x", "1.2.3.4/", "1.2.3.4/-1"] {
            assert_eq!(Cidr::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn arns() {
        assert_eq!(
            arn_parts("arn:aws:iam::1:role/a:b").map(|p| p[5]),
            Some("role/a:b")
        );
        assert!(arn_parts("arn:aws:iam").is_none());
    }
}
