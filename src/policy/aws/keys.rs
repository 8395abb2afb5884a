//! THE table of condition keys AWS STS exposes for `AssumeRoleWithWebIdentity`, per provider, and how each
//! maps to the token's claims. Any other claim is absent as a key.
//!
//! Sources: IAM User Guide ("Available keys for AWS web identity federation") and the Service Authorization
//! Reference for AWS STS (2026), as summarised in policy-semantics.md §1.

/// Providers with their own key lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderClass {
    /// `token.actions.githubusercontent.com`, `token.actions.githubusercontent.com/<subpath>`,
    /// `github.com/enterprises/<name>`.
    GitHub,
    /// `accounts.google.com`.
    Google,
    /// `oidc.circleci.com/org/<orgid>`.
    CircleCi,
    /// `idcs-<id>.identity.oraclecloud.com`.
    Oracle,
    /// Any other OIDC provider.
    Generic,
}

/// Classifies a provider prefix (case-insensitively: key names compare case-insensitively).
pub fn classify(prefix: &str) -> ProviderClass {
    let p = prefix.to_ascii_lowercase();
    const GH: &str = "token.actions.githubusercontent.com";
    if p == GH || p.strip_prefix(GH).is_some_and(|rest| rest.starts_with('/')) {
        return ProviderClass::GitHub;
    }
    if p.strip_prefix("github.com/enterprises/")
        .is_some_and(|rest| !rest.is_empty())
    {
        return ProviderClass::GitHub;
    }
    if p == "accounts.google.com" {
        return ProviderClass::Google;
    }
    if p.strip_prefix("oidc.circleci.com/org/")
        .is_some_and(|rest| !rest.is_empty())
    {
        return ProviderClass::CircleCi;
    }
    if p.strip_prefix("idcs-")
        .and_then(|rest| rest.strip_suffix(".identity.oraclecloud.com"))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
    {
        return ProviderClass::Oracle;
    }
    ProviderClass::Generic
}

/// How AWS types a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    String,
    Numeric,
    /// Always a set of values, even with one element (`amr`).
    MultiValued,
}

/// Where a key's value comes from in the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimSource {
    Claim(&'static str),
    /// Google's `:aud`: the token's `azp` when present, else its `aud`.
    AzpElseAud,
    /// A member of an object claim (`google` → `organization_number`).
    Nested(&'static str, &'static str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExposedKey {
    /// The key name after `<prefix>:`, lowercase.
    pub name: &'static str,
    pub source: ClaimSource,
    pub kind: ValueKind,
}

const fn key(name: &'static str, kind: ValueKind) -> ExposedKey {
    ExposedKey {
        name,
        source: ClaimSource::Claim(name),
        kind,
    }
}

/// Every OIDC provider.
const GENERIC: &[ExposedKey] = &[
    key("aud", ValueKind::String),
    key("sub", ValueKind::String),
    key("azp", ValueKind::String),
    key("amr", ValueKind::MultiValued),
];

const GOOGLE: &[ExposedKey] = &[
    ExposedKey {
        name: "aud",
        source: ClaimSource::AzpElseAud,
        kind: ValueKind::String,
    },
    ExposedKey {
        name: "oaud",
        source: ClaimSource::Claim("aud"),
        kind: ValueKind::String,
    },
    // UNCONFIRMED where the claim sits in the token: we read `google.organization_number`.
    ExposedKey {
        name: "google/organization_number",
        source: ClaimSource::Nested("google", "organization_number"),
        kind: ValueKind::Numeric,
    },
];

const GITHUB: &[ExposedKey] = &[
    key("actor", ValueKind::String),
    key("actor_id", ValueKind::String),
    key("enterprise_id", ValueKind::String),
    key("environment", ValueKind::String),
    key("job_workflow_ref", ValueKind::String),
    key("ref", ValueKind::String),
    key("repository", ValueKind::String),
    key("repository_id", ValueKind::String),
    key("repository_owner_id", ValueKind::String),
    key("workflow", ValueKind::String),
];

const CIRCLECI: &[ExposedKey] = &[key("oidc.circleci.com/project-id", ValueKind::String)];

const ORACLE: &[ExposedKey] = &[key("rpst_id", ValueKind::String)];

fn specific(class: ProviderClass) -> &'static [ExposedKey] {
    match class {
        ProviderClass::GitHub => GITHUB,
        ProviderClass::Google => GOOGLE,
        ProviderClass::CircleCi => CIRCLECI,
        ProviderClass::Oracle => ORACLE,
        ProviderClass::Generic => &[],
    }
}

/// Looks a key name (after `<prefix>:`) up for a provider class; `name` compares case-insensitively.
pub fn lookup(class: ProviderClass, name: &str) -> Option<&'static ExposedKey> {
    specific(class)
        .iter()
        .chain(GENERIC.iter())
        .find(|k| k.name.eq_ignore_ascii_case(name))
}

/// The key names a provider exposes, for messages.
pub fn exposed_names(class: ProviderClass) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for k in specific(class).iter().chain(GENERIC.iter()) {
        if !names.contains(&k.name) {
            names.push(k.name);
        }
    }
    names
}

/// Multi-tenant issuers, where a missing `sub` condition lets anyone on the platform in.
pub fn is_multi_tenant(prefix: &str) -> bool {
    matches!(
        classify(prefix),
        ProviderClass::GitHub | ProviderClass::Google
    ) || prefix.eq_ignore_ascii_case("gitlab.com")
        || prefix.eq_ignore_ascii_case("app.terraform.io")
        || prefix.eq_ignore_ascii_case("cognito-identity.amazonaws.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(
            classify("token.actions.githubusercontent.com"),
            ProviderClass::GitHub
        );
        assert_eq!(
            classify("token.actions.githubusercontent.com/acme"),
            ProviderClass::GitHub
        );
        assert_eq!(
            classify("Token.Actions.GitHubUserContent.com"),
            ProviderClass::GitHub
        );
        assert_eq!(
            classify("token.actions.githubusercontent.com.evil.com"),
            ProviderClass::Generic
        );
        assert_eq!(
            classify("github.com/enterprises/acme"),
            ProviderClass::GitHub
        );
        assert_eq!(classify("accounts.google.com"), ProviderClass::Google);
        assert_eq!(
            classify("oidc.circleci.com/org/1234"),
            ProviderClass::CircleCi
        );
        assert_eq!(
            classify("idcs-abc.identity.oraclecloud.com"),
            ProviderClass::Oracle
        );
        assert_eq!(classify("oidc.fly.io/acme"), ProviderClass::Generic);
    }

    #[test]
    fn lookups() {
        assert_eq!(
            lookup(ProviderClass::Google, "aud").map(|k| k.source),
            Some(ClaimSource::AzpElseAud)
        );
        assert_eq!(
            lookup(ProviderClass::Generic, "aud").map(|k| k.source),
            Some(ClaimSource::Claim("aud"))
        );
        assert!(lookup(ProviderClass::Generic, "oaud").is_none());
        assert!(lookup(ProviderClass::GitHub, "Environment").is_some());
        assert!(lookup(ProviderClass::Generic, "environment").is_none());
        assert!(lookup(ProviderClass::GitHub, "iat").is_none());
        assert_eq!(
            lookup(ProviderClass::Generic, "AMR").map(|k| k.kind),
            Some(ValueKind::MultiValued)
        );
        assert!(exposed_names(ProviderClass::Google).contains(&"oaud"));
    }
}
