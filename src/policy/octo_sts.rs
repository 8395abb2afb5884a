//! octo-sts trust policies (policy-semantics.md §3): `.github/chainguard/<identity>.sts.yaml`, as YAML or JSON.
//!
//! Parsing follows octo-sts's `TrustPolicy.Compile` (unknown fields rejected as `yaml.UnmarshalStrict` does;
//! exactly one of `issuer`/`issuer_pattern`, of `subject`/`subject_pattern`; at most one of
//! `audience`/`audience_pattern` and of `app`/`app_pattern`); evaluation follows `CheckToken`: the token's
//! `iss`/`sub`/`aud` are validated first (`oidcvalidate`), then issuer, subject, audience, `claim_pattern`.
//!
//! Patterns are RE2 compiled with [`regex_lite`] (RE2 syntax, ASCII-only Perl classes like Go's). Two anchorings
//! exist, see [`OctoStsAnchoring`]: `"^" + p + "$"` (the brief's and older octo-sts's, default) and
//! `"^(?:" + p + ")$"` (octo-sts after GHSA-mwqh-2vg8-rhj3). Both are compiled; when they disagree on a token the
//! condition carries the rule id [`ANCHORING_RULE`] and the decision a warning.

use regex_lite::Regex;
use serde_json::{json, Map, Value};

use crate::error::Error;
use crate::json::type_name;
use crate::policy::path;
use crate::policy::single;
use crate::policy::trace::{
    decide, ConditionTrace, Decision, DecisionKind, Effect, Lint, LintCode, Severity, StatementTrace, Warning,
};
use crate::policy::{EvalContext, OctoStsAnchoring, OctoStsOptions};

/// The dialect's stable name.
pub const DIALECT: &str = "octo-sts";
/// The audience required when a policy sets neither `audience` nor `audience_pattern` and the caller gives no
/// [`EvalContext::octo_sts_domain`]: the public instance's domain.
pub const DEFAULT_DOMAIN: &str = "octo-sts.dev";
/// Warning rule id: the result depended on how patterns are anchored.
pub const ANCHORING_RULE: &str = "octo-sts-pattern-anchoring";

const FIELDS: &[&str] = &[
    "issuer",
    "issuer_pattern",
    "subject",
    "subject_pattern",
    "audience",
    "audience_pattern",
    "claim_pattern",
    "permissions",
    "repositories",
    "app",
    "app_pattern",
];

/// Fields no other dialect uses.
const SIGNATURE_FIELDS: &[&str] = &["issuer_pattern", "subject_pattern", "audience_pattern", "claim_pattern"];

/// Whether a document has the shape of an octo-sts trust policy (for `auto` detection): issuer and subject
/// fields and nothing octo-sts would reject, or any field only octo-sts has.
pub fn looks_like(map: &Map<String, Value>) -> bool {
    let issuer = map.contains_key("issuer") || map.contains_key("issuer_pattern");
    let subject = map.contains_key("subject") || map.contains_key("subject_pattern");
    let only_known = map.keys().all(|k| FIELDS.contains(&k.as_str()));
    (issuer && subject && only_known) || SIGNATURE_FIELDS.iter().any(|f| map.contains_key(*f))
}

/// A compiled octo-sts trust policy.
#[derive(Clone, Debug)]
pub struct OctoStsPolicy {
    issuer: Field,
    subject: Field,
    audience: Option<Field>,
    claim_patterns: Vec<(String, Pattern)>,
    lints: Vec<Lint>,
    /// The deployment's domain and anchoring given at parse; an evaluation's [`EvalContext`] overrides them.
    options: OctoStsOptions,
}

#[derive(Clone, Debug)]
enum Field {
    Exact { value: String, path: String },
    Pattern(Pattern),
}

/// A `*_pattern` compiled both ways.
#[derive(Clone, Debug)]
pub struct Pattern {
    source: String,
    legacy: Regex,
    grouped: Regex,
    path: String,
}

impl Pattern {
    fn compile(source: &str, path: String, what: &str) -> Result<Pattern, Error> {
        if let Err((pos, msg)) = re2_check(source) {
            return Err(Error::policy(path, format!("{what}: {msg}")).with_position(pos));
        }
        let build = |re: &str| Regex::new(re);
        // octo-sts compiles the pattern alone first: an unbalanced ")" would otherwise close the anchoring group.
        if let Err(e) = build(source) {
            return Err(Error::policy(path, format!("{what}: {}", one_line(&e.to_string()))));
        }
        let legacy = build(&format!("^{source}$"))
            .map_err(|e| Error::policy(path.clone(), format!("{what}: {}", one_line(&e.to_string()))))?;
        let grouped = build(&format!("^(?:{source})$"))
            .map_err(|e| Error::policy(path.clone(), format!("{what}: {}", one_line(&e.to_string()))))?;
        Ok(Pattern { source: source.to_owned(), legacy, grouped, path })
    }

    fn anchored(&self, mode: OctoStsAnchoring) -> String {
        match mode {
            OctoStsAnchoring::Legacy => format!("^{}$", self.source),
            OctoStsAnchoring::Grouped => format!("^(?:{})$", self.source),
        }
    }

    /// (result under `mode`, result under the other anchoring).
    fn matches(&self, text: &str, mode: OctoStsAnchoring) -> (bool, bool) {
        let l = self.legacy.is_match(text);
        let g = self.grouped.is_match(text);
        match mode {
            OctoStsAnchoring::Legacy => (l, g),
            OctoStsAnchoring::Grouped => (g, l),
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl OctoStsPolicy {
    /// Parses a JSON document: every field must have its JSON type (strings are strings).
    pub fn parse(doc: &Value) -> Result<OctoStsPolicy, Error> {
        compile(doc, false)
    }

    /// Parses a document read from YAML: scalars in string fields are stringified as octo-sts's YAML library
    /// does (`subject: 123` is `"123"`, `claim_pattern: {email_verified: true}` is `"true"`).
    pub fn parse_yaml_value(doc: &Value) -> Result<OctoStsPolicy, Error> {
        compile(doc, true)
    }

    pub fn lints(&self) -> &[Lint] {
        &self.lints
    }

    pub fn with_options(self, options: OctoStsOptions) -> OctoStsPolicy {
        OctoStsPolicy { options, ..self }
    }

    pub fn evaluate(&self, claims: &Map<String, Value>, ctx: &EvalContext) -> Decision {
        evaluate(self, claims, ctx)
    }

    pub fn decide(&self, claims: &Map<String, Value>, ctx: &EvalContext) -> DecisionKind {
        evaluate(self, claims, ctx).decision
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

/// A string field: `Ok(None)` when absent, null or empty (Go's zero value is "unset").
fn string_field(map: &Map<String, Value>, name: &str, yaml: bool, base: &str) -> Result<Option<String>, Error> {
    let p = path::field(base, name);
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => Ok(Some(scalar_string(v, yaml, &p, name)?).filter(|s| !s.is_empty())),
    }
}

fn scalar_string(v: &Value, yaml: bool, p: &str, what: &str) -> Result<String, Error> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Null => Ok(String::new()),
        Value::Bool(b) if yaml => Ok(b.to_string()),
        Value::Number(n) if yaml => Ok(go_format_number(n)),
        other => Err(Error::policy(p.to_owned(), format!("{what} must be a string, found {}", type_name(other)))),
    }
}

/// `strconv.FormatInt` for integers, `strconv.FormatFloat(f, 'g', -1, 64)` for floats (as sigs.k8s.io/yaml
/// stringifies a YAML number for a string field).
fn go_format_number(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let Some(f) = n.as_f64() else { return n.to_string() };
    // Go's 'g' with the shortest precision: %e when the decimal exponent is < -4 or >= 6, else %f.
    let sci = format!("{f:e}");
    let Some((mantissa, exp)) = sci.split_once('e') else { return sci };
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        return format!("{f}");
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

fn compile(doc: &Value, yaml: bool) -> Result<OctoStsPolicy, Error> {
    let Value::Object(map) = doc else {
        return Err(Error::policy(
            "$",
            format!("an octo-sts trust policy must be a mapping/object, found {}", type_name(doc)),
        ));
    };
    let base = "$";
    for key in map.keys() {
        if !FIELDS.contains(&key.as_str()) {
            return Err(Error::policy(
                path::field(base, key),
                format!("unknown field {key:?} (octo-sts parses trust policies strictly; known fields: {})", FIELDS.join(", ")),
            ));
        }
    }
    let issuer = exactly_one(map, "issuer", yaml, true)?.ok_or_else(|| {
        Error::policy(base, "trust policy: one of issuer or issuer_pattern must be set, got neither")
    })?;
    let subject = exactly_one(map, "subject", yaml, true)?.ok_or_else(|| {
        Error::policy(base, "trust policy: one of subject or subject_pattern must be set, got neither")
    })?;
    let audience = exactly_one(map, "audience", yaml, false)?;

    let mut claim_patterns = Vec::new();
    match map.get("claim_pattern") {
        None | Some(Value::Null) => {}
        Some(Value::Object(cp)) => {
            for (k, v) in cp {
                let p = path::field(&path::field(base, "claim_pattern"), k);
                let src = scalar_string(v, yaml, &p, &format!("claim_pattern[{k:?}]"))?;
                let pat = Pattern::compile(&src, p, &format!("error compiling claim_pattern[{k:?}]"))?;
                claim_patterns.push((k.clone(), pat));
            }
        }
        Some(other) => {
            return Err(Error::policy(
                path::field(base, "claim_pattern"),
                format!("claim_pattern must be a mapping of claim → pattern, found {}", type_name(other)),
            ))
        }
    }

    match map.get("permissions") {
        None | Some(Value::Null) => {}
        Some(Value::Object(perms)) => {
            for (k, v) in perms {
                let p = path::field(&path::field(base, "permissions"), k);
                let level = scalar_string(v, yaml, &p, &format!("permissions.{k}"))?;
                if !matches!(level.as_str(), "read" | "write" | "admin" | "") {
                    return Err(Error::policy(p, format!("permission {k:?} must be \"read\", \"write\" or \"admin\", found {level:?}")));
                }
            }
        }
        Some(other) => {
            return Err(Error::policy(
                path::field(base, "permissions"),
                format!("permissions must be a mapping of permission → level, found {}", type_name(other)),
            ))
        }
    }
    match map.get("repositories") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                scalar_string(item, yaml, &path::index(&path::field(base, "repositories"), i), "repositories entry")?;
            }
        }
        Some(other) => {
            return Err(Error::policy(
                path::field(base, "repositories"),
                format!("repositories must be a list of repository names, found {}", type_name(other)),
            ))
        }
    }
    let app = string_field(map, "app", yaml, base)?;
    let app_pattern = string_field(map, "app_pattern", yaml, base)?;
    match (app, app_pattern) {
        (Some(_), Some(_)) => {
            return Err(Error::policy(
                path::field(base, "app_pattern"),
                "trust policy: only one of app or app_pattern can be set, got both",
            ))
        }
        (None, Some(p)) => {
            Pattern::compile(&p, path::field(base, "app_pattern"), "trust policy: invalid app_pattern")?;
        }
        _ => {}
    }

    let mut policy = OctoStsPolicy { issuer, subject, audience, claim_patterns, lints: Vec::new(), options: OctoStsOptions::default() };
    policy.lints = static_lints(&policy);
    Ok(policy)
}

/// `name` / `name_pattern`: both set is an error; neither is `Ok(None)`.
fn exactly_one(map: &Map<String, Value>, name: &str, yaml: bool, _required: bool) -> Result<Option<Field>, Error> {
    let pattern_name = format!("{name}_pattern");
    let exact = string_field(map, name, yaml, "$")?;
    let pattern = string_field(map, &pattern_name, yaml, "$")?;
    match (exact, pattern) {
        (Some(_), Some(_)) => Err(Error::policy(
            path::field("$", &pattern_name),
            format!("trust policy: only one of {name} or {pattern_name} can be set, got both"),
        )),
        (Some(value), None) => Ok(Some(Field::Exact { value, path: path::field("$", name) })),
        (None, Some(p)) => Ok(Some(Field::Pattern(Pattern::compile(
            &p,
            path::field("$", &pattern_name),
            &format!("trust policy: invalid {pattern_name}"),
        )?))),
        (None, None) => Ok(None),
    }
}

/// Rejects what Go's RE2 rejects but regex-lite accepts, and explains what RE2 accepts but regex-lite cannot
/// compile (Unicode classes, `\Q…\E`, octal escapes). Returns the byte position of the offending construct.
pub fn re2_check(p: &str) -> Result<(), (usize, String)> {
    let b = p.as_bytes();
    let mut i = 0;
    let mut in_class = false;
    // True right after a repetition operator (and its optional lazy `?`): another one is RE2's "invalid nested
    // repetition operator".
    let mut after_repeat = false;
    let mut after_lazy = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => {
                let next = b.get(i + 1).copied();
                match next {
                    Some(b'<') | Some(b'>') | Some(b'u') | Some(b'U') => {
                        return Err((i, format!("invalid escape sequence \\{} (not RE2 syntax)", next.map(char::from).unwrap_or(' '))))
                    }
                    Some(b'p') | Some(b'P') => {
                        return Err((i, "Unicode classes (\\p{…}, \\P{…}) are RE2 but not supported by this engine (regex-lite); spell the characters out".into()))
                    }
                    Some(b'Q') => return Err((i, "\\Q…\\E quoting is RE2 but not supported by this engine (regex-lite); escape each character".into())),
                    Some(b'0'..=b'7') => {
                        return Err((i, "octal escapes (\\0, \\12, …) are not supported by this engine (regex-lite); use \\x{…}; single-digit \\1…\\7 is a backreference, which RE2 rejects".into()))
                    }
                    Some(b'b') if !in_class && b.get(i + 2) == Some(&b'{') => {
                        return Err((i, "\\b{…} means a word-boundary kind here but \\b followed by a literal '{' in RE2; escape the brace (\\b\\{)".into()))
                    }
                    Some(b'C') | Some(b'Z') => return Err((i, format!("invalid escape sequence \\{} (not supported by RE2)", char::from(b'C')))),
                    None => return Err((i, "trailing backslash at end of expression".into())),
                    _ => {}
                }
                i += 2;
                after_repeat = false;
                after_lazy = false;
                // Skip the rest of a multi-byte char after the backslash.
                while i < b.len() && !p.is_char_boundary(i) {
                    i += 1;
                }
                continue;
            }
            b'[' if !in_class => {
                in_class = true;
                i += 1;
                // A leading `^` and a leading `]` are part of the class.
                if b.get(i) == Some(&b'^') {
                    i += 1;
                }
                if b.get(i) == Some(&b']') {
                    i += 1;
                }
                after_repeat = false;
                continue;
            }
            b'[' if in_class && b.get(i + 1) == Some(&b':') => {
                // [:alpha:] inside a class
                if let Some(end) = p.get(i + 2..).and_then(|r| r.find(":]")) {
                    i += end + 4;
                    continue;
                }
            }
            b']' if in_class => in_class = false,
            _ if in_class => {}
            b'(' if b.get(i + 1) == Some(&b'?') => {
                // Flags group: Go knows i, m, s, U (and `-`); `(?P<name>` / `(?<name>` are groups.
                let mut j = i + 2;
                while let Some(&f) = b.get(j) {
                    match f {
                        b'i' | b'm' | b's' | b'U' | b'-' => j += 1,
                        b':' | b')' => break,
                        b'P' | b'<' if j == i + 2 => break,
                        _ => return Err((j, format!("invalid or unsupported Perl syntax: flag {:?} (RE2 flags are i, m, s, U)", char::from(f)))),
                    }
                }
            }
            b'*' | b'+' | b'?' => {
                if c == b'?' && after_repeat && !after_lazy {
                    after_lazy = true;
                    i += 1;
                    continue;
                }
                if after_repeat {
                    return Err((i, "invalid nested repetition operator".into()));
                }
                after_repeat = true;
                after_lazy = false;
                i += 1;
                continue;
            }
            b'{' => {
                // {n}, {n,}, {n,m}: RE2 caps counts at 1000; anything else is a literal brace.
                let rest = p.get(i + 1..).unwrap_or("");
                if let Some(end) = rest.find('}') {
                    let body = rest.get(..end).unwrap_or("");
                    let mut parts = body.splitn(2, ',');
                    let lo = parts.next().unwrap_or("");
                    let hi = parts.next();
                    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|d| d.is_ascii_digit());
                    if numeric(lo) && hi.is_none_or(|h| h.is_empty() || numeric(h)) {
                        let too_big = |s: &str| s.len() > 4 || s.parse::<u32>().map_or(true, |n| n > 1000);
                        if too_big(lo) || hi.is_some_and(|h| !h.is_empty() && too_big(h)) {
                            return Err((i, format!("invalid repeat count {{{body}}} (RE2 allows at most 1000)")));
                        }
                        if after_repeat {
                            return Err((i, "invalid nested repetition operator".into()));
                        }
                        after_repeat = true;
                        after_lazy = false;
                        i += end + 2;
                        continue;
                    }
                }
            }
            _ => {}
        }
        after_repeat = false;
        after_lazy = false;
        i += 1;
    }
    Ok(())
}

/// Whether the pattern has a `|` outside every group and class (so `"^" + p + "$"` anchors each alternative at
/// one end only).
pub fn has_top_level_alternation(p: &str) -> bool {
    let b = p.as_bytes();
    let (mut depth, mut in_class, mut i) = (0usize, false, 0usize);
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 1,
            b'[' if !in_class => {
                in_class = true;
                if b.get(i + 1) == Some(&b'^') {
                    i += 1;
                }
                if b.get(i + 1) == Some(&b']') {
                    i += 1;
                }
            }
            b']' if in_class => in_class = false,
            _ if in_class => {}
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b'|' if depth == 0 => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// Values no real constraint accepts all of.
const PROBES: &[&str] = &["x", "zz-probe:/@.|-Z9", "https://evil.example/zz", "repo:evil/zz:ref:refs/heads/zz"];

fn static_lints(p: &OctoStsPolicy) -> Vec<Lint> {
    let mut lints = Vec::new();
    let mut pats: Vec<(&str, &Pattern)> = Vec::new();
    if let Field::Pattern(pt) = &p.issuer {
        pats.push(("issuer_pattern", pt));
    }
    if let Field::Pattern(pt) = &p.subject {
        pats.push(("subject_pattern", pt));
    }
    if let Some(Field::Pattern(pt)) = &p.audience {
        pats.push(("audience_pattern", pt));
    }
    for (k, pt) in &p.claim_patterns {
        pats.push((k.as_str(), pt));
    }
    for (what, pt) in pats {
        if has_top_level_alternation(&pt.source) {
            lints.push(Lint::new(
                LintCode::UnanchoredAlternation,
                Severity::Warning,
                pt.path.clone(),
                format!(
                    "{what} {:?} has a top-level '|': compiled as \"^{}$\" each alternative is anchored at one end only (the first must start the value, the last must end it, anything may follow or precede); octo-sts since GHSA-mwqh-2vg8-rhj3 compiles \"^(?:{})$\"; write \"(?:{})\" to mean the same under both",
                    pt.source, pt.source, pt.source, pt.source
                ),
            ));
        }
        if PROBES.iter().all(|probe| pt.legacy.is_match(probe) || pt.grouped.is_match(probe)) {
            let code = if what == "subject_pattern" { LintCode::MissingSubCondition } else { LintCode::PatternMatchesAnything };
            lints.push(Lint::new(
                code,
                Severity::Warning,
                pt.path.clone(),
                format!("{what} {:?} matches arbitrary values, so it constrains nothing", pt.source),
            ));
        }
    }
    lints
}

// ---------------------------------------------------------------------------------------------------------------
// Token checks (octo-sts's oidcvalidate)

const CONTROL_AND_SPACE: fn(char) -> bool = |c| (c as u32) < 0x20 || c == ' ';

/// Go's `unicode.IsPrint`, approximated without Unicode tables: no control, format, private-use, line/paragraph
/// separators or non-ASCII spaces. Unassigned code points count as printable here (Go rejects them).
fn go_is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    let format = matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E | 0x200B..=0x200F
        | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD
        | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F);
    let private = matches!(u, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD);
    let nonchar = matches!(u, 0xFDD0..=0xFDEF) || (u & 0xFFFE) == 0xFFFE;
    !(format || private || nonchar)
}

/// `oidcvalidate.IsValidSubject`; the error says why not.
pub fn check_subject(sub: &str) -> Result<(), String> {
    check_identifier(sub, "subject", "\"'`\\<>;&$(){}[]")
}

/// `oidcvalidate.IsValidAudience`.
pub fn check_audience(aud: &str) -> Result<(), String> {
    check_identifier(aud, "audience", "\"'`\\<>;|&$(){}[]@")
}

fn check_identifier(s: &str, what: &str, forbidden: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err(format!("the {what} is empty"));
    }
    let n = s.chars().count();
    if n > 255 {
        return Err(format!("the {what} is {n} characters long (at most 255)"));
    }
    if let Some(c) = s.chars().find(|&c| CONTROL_AND_SPACE(c)) {
        return Err(format!("the {what} contains whitespace or a control character ({c:?})"));
    }
    if let Some(c) = s.chars().find(|&c| forbidden.contains(c)) {
        return Err(format!("the {what} contains {c:?}, which octo-sts rejects (none of {forbidden} allowed)"));
    }
    if let Some(c) = s.chars().find(|&c| !go_is_print(c)) {
        return Err(format!("the {what} contains the non-printable character U+{:04X}", c as u32));
    }
    Ok(())
}

/// `oidcvalidate.IsValidIssuer`.
pub fn check_issuer(iss: &str) -> Result<(), String> {
    let n = iss.chars().count();
    if n == 0 {
        return Err("the issuer is empty".into());
    }
    if n > 255 {
        return Err(format!("the issuer is {n} characters long (at most 255)"));
    }
    if let Some(c) = iss.chars().find(|c| c.is_control()) {
        return Err(format!("the issuer contains the control character {c:?}"));
    }
    if iss.contains(['?', '#']) {
        return Err("the issuer has a query or fragment".into());
    }
    let lower = iss.to_ascii_lowercase();
    let (https, rest) = if lower.starts_with("https://") {
        (true, iss.get(8..).unwrap_or(""))
    } else if lower.starts_with("http://") {
        (false, iss.get(7..).unwrap_or(""))
    } else {
        return Err("the issuer is not an https:// URL".into());
    };
    let (authority, raw_path) = match rest.find('/') {
        Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i..).unwrap_or("")),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return Err("the issuer URL has user information (user@host)".into());
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        let Some(end) = v6.find(']') else { return Err("the issuer's IPv6 host is missing ']'".into()) };
        let after = v6.get(end + 1..).unwrap_or("");
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(|p| p.bytes().all(|d| d.is_ascii_digit()))) {
            return Err("the issuer's port is not a number".into());
        }
        v6.get(..end).unwrap_or("")
    } else {
        match authority.rsplit_once(':') {
            Some((h, port)) => {
                if !port.bytes().all(|d| d.is_ascii_digit()) {
                    return Err("the issuer's port is not a number".into());
                }
                h
            }
            None => authority,
        }
    };
    if host.is_empty() {
        return Err("the issuer has no host".into());
    }
    if !https && !matches!(host, "localhost" | "127.0.0.1" | "::1") {
        return Err("the issuer uses http:// (only https://, or http:// for localhost, is allowed)".into());
    }
    if host.chars().any(|c| CONTROL_AND_SPACE(c) || c == '\t' || !c.is_ascii()) {
        return Err("the issuer's host name has whitespace or non-ASCII characters".into());
    }
    if !raw_path.is_empty() {
        let path = percent_decode(raw_path).ok_or("the issuer's path has an invalid %-escape")?;
        if path.contains("..") || path.contains("//") || path.contains("~~") || path.ends_with('~') {
            return Err("the issuer's path contains '..', '//', '~~' or ends with '~'".into());
        }
        if !path.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '/')) {
            return Err("the issuer's path has characters other than letters, digits and -._~/".into());
        }
        for seg in path.split('/') {
            if matches!(seg, "." | ".." | "~") {
                return Err(format!("the issuer's path has the segment {seg:?}"));
            }
            if seg.len() > 150 {
                return Err("the issuer's path has a segment longer than 150 characters".into());
            }
        }
    }
    Ok(())
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

struct Check {
    trace: ConditionTrace,
    /// octo-sts's error text when this is the first check to fail.
    error: String,
    /// The result under the other anchoring, when it differs.
    other_anchoring: Option<bool>,
}

#[allow(clippy::too_many_arguments)]
fn check(
    operator: &str,
    key: &str,
    claim: Option<&str>,
    policy_values: Vec<Value>,
    token_values: Option<Vec<Value>>,
    matched: bool,
    reason: String,
    path: String,
    error: String,
) -> Check {
    let base_operator = match operator {
        "token_check" => "token_check",
        "claim_pattern" => "claim_pattern",
        o if o.ends_with("_pattern") => "pattern",
        _ => "exact",
    };
    Check {
        trace: single::condition_as(
            operator,
            base_operator,
            key,
            claim,
            policy_values,
            token_values,
            matched,
            reason,
            path,
        ),
        error,
        other_anchoring: None,
    }
}

fn go_quote_list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(" "))
}

fn evaluate(p: &OctoStsPolicy, claims: &Map<String, Value>, ctx: &EvalContext) -> Decision {
    let mode = ctx.octo_sts_anchoring.or(p.options.anchoring).unwrap_or_default();
    let domain = ctx.octo_sts_domain.as_deref().or(p.options.domain.as_deref()).unwrap_or(DEFAULT_DOMAIN);
    let mut checks: Vec<Check> = Vec::new();

    // The token as go-oidc reads it.
    let iss_v = claims.get("iss");
    let sub_v = claims.get("sub");
    let aud_v = claims.get("aud");
    let iss = iss_v.and_then(Value::as_str).unwrap_or("");
    let sub = sub_v.and_then(Value::as_str).unwrap_or("");
    let (aud, aud_readable): (Vec<String>, bool) = match aud_v {
        None | Some(Value::Null) => (Vec::new(), true),
        Some(Value::String(s)) => (vec![s.clone()], true),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
            (items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(), true)
        }
        Some(_) => (Vec::new(), false),
    };
    let tv = |v: Option<&Value>| v.map(|v| vec![v.clone()]);

    // 1. Token checks.
    let iss_check = match iss_v {
        Some(Value::String(s)) => check_issuer(s),
        Some(other) => Err(format!("iss is {}, not a string", type_name(other))),
        None => Err("iss is missing".into()),
    };
    checks.push(check(
        "token_check",
        "iss",
        Some("iss"),
        Vec::new(),
        tv(iss_v),
        iss_check.is_ok(),
        match &iss_check {
            Ok(()) => "iss is a valid issuer URL (https, ≤ 255 characters, no query or fragment)".into(),
            Err(why) => format!("{why}: invalid issuer in token"),
        },
        "$".into(),
        "invalid issuer in token".into(),
    ));
    let sub_check = match sub_v {
        Some(Value::String(s)) => check_subject(s),
        Some(other) => Err(format!("sub is {}, not a string", type_name(other))),
        None => Err("sub is missing".into()),
    };
    checks.push(check(
        "token_check",
        "sub",
        Some("sub"),
        Vec::new(),
        tv(sub_v),
        sub_check.is_ok(),
        match &sub_check {
            Ok(()) => "sub is a valid subject (≤ 255 characters, no whitespace, control or quoting characters)".into(),
            Err(why) => format!("{why}: invalid subject in token"),
        },
        "$".into(),
        "invalid subject in token".into(),
    ));
    let aud_check = if !aud_readable {
        Err("aud is neither a string nor a list of strings".to_owned())
    } else {
        aud.iter().try_for_each(|a| check_audience(a).map_err(|why| format!("{why} ({a:?})")))
    };
    checks.push(check(
        "token_check",
        "aud",
        Some("aud"),
        Vec::new(),
        tv(aud_v),
        aud_check.is_ok(),
        match &aud_check {
            Ok(()) if aud.is_empty() => "no aud values to validate".into(),
            Ok(()) => "every aud value is valid (≤ 255 characters, none of whitespace, quotes, @, |)".into(),
            Err(why) => format!("{why}: invalid audience in token"),
        },
        "$".into(),
        "invalid audience in token".into(),
    ));

    // 2. Issuer and subject.
    for (field, name, value, value_v) in [(&p.issuer, "issuer", iss, iss_v), (&p.subject, "subject", sub, sub_v)] {
        let claim = if name == "issuer" { "iss" } else { "sub" };
        checks.push(match field {
            Field::Exact { value: want, path } => {
                let ok = value == want;
                let err = format!("trust policy: {name} {value:?} did not match {want:?}");
                check(
                    name,
                    claim,
                    Some(claim),
                    vec![json!(want)],
                    tv(value_v),
                    ok,
                    if ok { format!("{claim} {value:?} equals {name}") } else { format!("{claim} {value:?} is not {want:?} (exact, case-sensitive): {err}") },
                    path.clone(),
                    err,
                )
            }
            Field::Pattern(pt) => {
                let (ok, other) = pt.matches(value, mode);
                let op = format!("{name}_pattern");
                let err = format!("trust policy: {name} {value:?} did not match pattern {:?}", pt.source);
                let mut c = check(
                    &op,
                    claim,
                    Some(claim),
                    vec![json!(pt.source)],
                    tv(value_v),
                    ok,
                    if ok {
                        format!("{claim} {value:?} matches {:?}", pt.anchored(mode))
                    } else {
                        format!("{claim} {value:?} does not match {:?}: {err}", pt.anchored(mode))
                    },
                    pt.path.clone(),
                    err,
                );
                if ok != other {
                    c.other_anchoring = Some(other);
                }
                c
            }
        });
    }

    // 3. Audience: any token value may match.
    let aud_values = tv(aud_v);
    checks.push(match &p.audience {
        Some(Field::Pattern(pt)) => {
            let hit = aud.iter().find(|a| pt.matches(a, mode).0);
            let other = aud.iter().any(|a| pt.matches(a, mode).1);
            let err = format!("trust policy: audience_pattern {:?} did not match any of {}", pt.source, go_quote_list(&aud));
            let mut c = check(
                "audience_pattern",
                "aud",
                Some("aud"),
                vec![json!(pt.source)],
                aud_values,
                hit.is_some(),
                match hit {
                    Some(a) => format!("aud value {a:?} matches {:?}", pt.anchored(mode)),
                    None => format!("no aud value matches {:?}: {err}", pt.anchored(mode)),
                },
                pt.path.clone(),
                err,
            );
            if hit.is_some() != other {
                c.other_anchoring = Some(other);
            }
            c
        }
        Some(Field::Exact { value: want, path }) => {
            let ok = aud.contains(want);
            let err = format!("trust policy: audience {want:?} did not match any of {}", go_quote_list(&aud));
            check(
                "audience",
                "aud",
                Some("aud"),
                vec![json!(want)],
                aud_values,
                ok,
                if ok { format!("aud contains {want:?}") } else { format!("aud does not contain {want:?}: {err}") },
                path.clone(),
                err,
            )
        }
        None => {
            let ok = aud.iter().any(|a| a == domain);
            let err = format!("trust policy: audience {domain:?} did not match any of {}", go_quote_list(&aud));
            check(
                "audience(default)",
                "aud",
                Some("aud"),
                vec![json!(domain)],
                aud_values,
                ok,
                if ok {
                    format!("no audience in the policy: aud contains the service's domain {domain:?}")
                } else {
                    format!("no audience in the policy, so aud must contain the service's domain {domain:?}: {err}")
                },
                "$".into(),
                err,
            )
        }
    });

    // 4. Claim patterns.
    for (k, pt) in &p.claim_patterns {
        let raw = claims.get(k);
        let value: Result<String, (String, String)> = match raw {
            None => Err((
                format!("claim {k:?} is missing"),
                format!("trust policy: expected claim {k:?} not found in token"),
            )),
            Some(Value::Bool(b)) => Ok(b.to_string()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err((
                format!("claim {k:?} is {}, not a string (only strings and booleans are compared)", type_name(other)),
                format!("trust policy: expected claim {k:?} not a string"),
            )),
        };
        let mut c = match value {
            Err((reason, err)) => check("claim_pattern", k, Some(k), vec![json!(pt.source)], tv(raw), false, reason, pt.path.clone(), err),
            Ok(s) => {
                let (ok, other) = pt.matches(&s, mode);
                let err = format!("trust policy: claim {k:?} did not match {:?}", pt.anchored(mode));
                let shown = if matches!(raw, Some(Value::Bool(_))) { format!("{s:?} (boolean, stringified)") } else { format!("{s:?}") };
                let mut c = check(
                    "claim_pattern",
                    k,
                    Some(k),
                    vec![json!(pt.source)],
                    tv(raw),
                    ok,
                    if ok {
                        format!("claim {k:?} value {shown} matches {:?}", pt.anchored(mode))
                    } else {
                        format!("claim {k:?} value {shown} does not match {:?}", pt.anchored(mode))
                    },
                    pt.path.clone(),
                    err,
                );
                if ok != other {
                    c.other_anchoring = Some(other);
                }
                c
            }
        };
        c.trace.key = k.clone();
        checks.push(c);
    }

    // Warnings where the anchoring decided a result.
    let failing = checks.iter().filter(|c| !c.trace.matched).count();
    let mut warnings = Vec::new();
    for c in &mut checks {
        if let Some(other) = c.other_anchoring {
            c.trace.unconfirmed = Some(ANCHORING_RULE);
            // Flipping this condition changes the decision only if it is the sole failure, or nothing fails.
            let decisive = if c.trace.matched { failing == 0 } else { failing == 1 };
            let (this, that) = match mode {
                OctoStsAnchoring::Legacy => ("\"^\" + p + \"$\"", "\"^(?:\" + p + \")$\" (octo-sts after GHSA-mwqh-2vg8-rhj3)"),
                OctoStsAnchoring::Grouped => ("\"^(?:\" + p + \")$\"", "\"^\" + p + \"$\" (octo-sts before GHSA-mwqh-2vg8-rhj3)"),
            };
            warnings.push(Warning {
                rule: ANCHORING_RULE,
                message: format!(
                    "{} {:?}: {} under {this}, but would {} under {that}",
                    c.trace.operator,
                    c.trace.key,
                    if c.trace.matched { "matches" } else { "does not match" },
                    if other { "match" } else { "not match" }
                ),
                path: c.trace.path.clone(),
                decisive,
            });
        }
    }

    let conditions_matched = checks.iter().all(|c| c.trace.matched);
    let reason = match checks.iter().find(|c| !c.trace.matched) {
        None => format!("allow: the token satisfies the trust policy ({} check(s))", checks.len()),
        Some(c) => format!("implicit-deny: octo-sts would answer \"{}\"", c.error),
    };
    let statement = StatementTrace {
        index: 0,
        sid: None,
        effect: Effect::Allow,
        principal_matched: true,
        action_matched: true,
        conditions_matched,
        matched: conditions_matched,
        principal: None,
        action: None,
        conditions: checks.into_iter().map(|c| c.trace).collect(),
        path: "$".into(),
    };
    Decision {
        decision: decide([(statement.effect, statement.matched)]),
        dialect: DIALECT,
        provider: None,
        statements: vec![statement],
        lints: p.lints.clone(),
        warnings,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn re2_compat_rejections() {
        for (p, pos) in [
            (r"a\<b", 1),
            (r"\pL", 0),
            (r"x\Qa.b\E", 1),
            (r"\1", 0),
            ("a{1001}", 1),
            ("a**", 2),
            ("(?x)a", 2),
            (r"\b{start}", 0),
            (r"\u0041", 0),
        ] {
            let e = re2_check(p).expect_err(p);
            assert_eq!(e.0, pos, "{p}: {}", e.1);
        }
        for ok in [
            "a{2}", "a{1000}", "a*?", "a+?", "[*+]+", "(?i)abc", "(?P<n>x)", "[[:alpha:]]+", r"\d\w\s", "a{,5}",
            r"\.", "[]a]", "[^]a]", "x{2}?", "(?:a|b)", "é*",
        ] {
            assert!(re2_check(ok).is_ok(), "{ok}: {:?}", re2_check(ok));
        }
    }

    #[test]
    fn top_level_alternation() {
        assert!(has_top_level_alternation("a|b"));
        assert!(has_top_level_alternation("main|"));
        assert!(!has_top_level_alternation("(?:a|b)"));
        assert!(!has_top_level_alternation(r"a\|b"));
        assert!(!has_top_level_alternation("[|]"));
        assert!(has_top_level_alternation("(x)|y"));
    }

    #[test]
    fn issuer_validation() {
        for ok in [
            "https://token.actions.githubusercontent.com",
            "https://oidc.fly.io/acme",
            "http://localhost:8080",
            "http://127.0.0.1",
            "http://[::1]:9000/x",
            "https://x.example/",
            "HTTPS://X.EXAMPLE",
        ] {
            assert!(check_issuer(ok).is_ok(), "{ok}: {:?}", check_issuer(ok));
        }
        for bad in [
            "",
            "http://example.com",
            "https://x.example/?a=b",
            "https://x.example/#f",
            "ftp://x",
            "https://user@x.example",
            "https://x.example/a/../b",
            "https://x.example//a",
            "https://x.example/a~",
            "https://x.example/a b",
            "https://exämple.com",
            "https://",
            "https://x.example:abc",
        ] {
            assert!(check_issuer(bad).is_err(), "{bad}");
        }
        assert!(check_issuer(&format!("https://x.example/{}", "a".repeat(250))).is_err());
    }

    #[test]
    fn go_number_formatting() {
        let f = |x: f64| go_format_number(&serde_json::Number::from_f64(x).unwrap());
        assert_eq!(f(1.5), "1.5");
        assert_eq!(go_format_number(&serde_json::Number::from(123)), "123");
        assert_eq!(f(1e21), "1e+21");
        assert_eq!(f(0.00001), "1e-05");
        assert_eq!(f(123456.0), "123456");
        assert_eq!(f(1e6), "1e+06");
        assert_eq!(f(0.0001), "0.0001");
    }
}
