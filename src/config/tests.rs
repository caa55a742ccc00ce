use std::io::Write;

use super::*;

fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_PATH)
}

/// Loads `path` with exactly `vars` as the process's `GUICHET__` variables, in
/// figment's jail (which restores the environment after, one test at a time).
#[allow(clippy::result_large_err)] // figment's own error type, in tests only
fn load_with(path: &Path, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let mut loaded = None;
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        for (name, value) in vars {
            jail.set_env(name, value);
        }
        loaded = Some(Config::load(path));
        Ok(())
    });
    loaded.expect("the jail ran")
}

/// A copy of the committed file with one piece of text replaced.
fn edited(from: &str, to: &str) -> tempfile::NamedTempFile {
    let text = std::fs::read_to_string(committed()).unwrap();
    assert!(
        text.contains(from),
        "the committed file no longer holds {from:?}"
    );
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(text.replacen(from, to, 1).as_bytes())
        .unwrap();
    file
}

fn error_of(file: &tempfile::NamedTempFile, vars: &[(&str, &str)]) -> ConfigError {
    load_with(file.path(), vars).unwrap_err()
}

#[test]
fn the_committed_configuration_loads_with_the_helpdesk_defaults() {
    let config = load_with(&committed(), &[]).unwrap();
    assert_eq!(config.company.time_zone, chrono_tz::Europe::Paris);
    assert_eq!(config.company.default_language, Language::Fr);
    assert!(config.database.url.starts_with("sqlite://"));
    assert_eq!(
        config.teams.keys().collect::<Vec<_>>(),
        ["finance", "hr", "it"]
    );
    assert!(config.teams["hr"].confidential && !config.teams["it"].confidential);
    let order: Vec<&str> = config
        .categories_in_order()
        .iter()
        .map(|(slug, _)| slug.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "hardware",
            "software",
            "network",
            "access",
            "bug",
            "question",
            "finance_travel",
            "hr_request",
            "other"
        ]
    );
    let travel = &config.categories["finance_travel"];
    assert!(travel.needs_approval && travel.team == "finance");
    assert_eq!(config.categories["hr_request"].team, "hr");
    assert_eq!(
        config.sla.target(Priority::P0).first_response.to_string(),
        "15m"
    );
    assert_eq!(config.sla.target(Priority::P2).resolution.to_string(), "3d");
}

#[test]
fn environment_variables_override_any_key() {
    let config = load_with(
        &committed(),
        &[
            ("GUICHET__SLA__P1__RESOLUTION", "12h"),
            ("GUICHET__DATABASE__MAX_CONNECTIONS", "3"),
            ("GUICHET__TEAMS__IT__EMAIL", "support-it@example.com"),
            ("GUICHET__COMPANY__DEFAULT_LANGUAGE", "en"),
            ("UNRELATED", "ignored"),
        ],
    )
    .unwrap();
    assert_eq!(config.sla.p1.resolution.to_string(), "12h");
    assert_eq!(config.database.max_connections, 3);
    assert_eq!(
        config.teams["it"].email.as_ref().map(Email::as_str),
        Some("support-it@example.com")
    );
    assert_eq!(config.company.default_language, Language::En);
}

#[test]
fn a_missing_file_is_named() {
    let err = load_with(Path::new("/nonexistent/guichet.toml"), &[]).unwrap_err();
    assert_eq!(err.origin, "/nonexistent/guichet.toml");
    assert!(err.message.contains("cannot read"), "{err}");
}

#[test]
fn broken_toml_names_the_file_and_the_line() {
    let file = edited("[company]", "[company");
    let err = error_of(&file, &[]);
    assert_eq!(err.origin, file.path().display().to_string());
    assert_eq!(err.key, None);
    let shown = err.to_string();
    assert!(shown.contains("line 8"), "{shown}");
    assert!(!shown.contains('\n'), "one line: {shown}");
}

#[test]
fn a_bad_value_names_the_file_the_key_and_the_problem() {
    let file = edited("resolution = \"4h\"", "resolution = \"4 hours\"");
    let err = error_of(&file, &[]);
    assert_eq!(err.origin, file.path().display().to_string());
    assert_eq!(err.key.as_deref(), Some("sla.p0.resolution"));
    assert!(err.message.contains("is not a duration"), "{err}");

    let err = error_of(&edited("Europe/Paris", "Europe/Pariss"), &[]);
    assert_eq!(err.key.as_deref(), Some("company.time_zone"));
    assert!(err.message.contains("unknown time zone"), "{err}");

    let err = error_of(
        &edited("default_priority = \"P1\"", "default_priority = \"P7\""),
        &[],
    );
    assert_eq!(
        err.key.as_deref(),
        Some("categories.network.default_priority")
    );
}

#[test]
fn a_bad_environment_value_names_the_variable() {
    let err = load_with(&committed(), &[("GUICHET__SLA__P1__RESOLUTION", "soon")]).unwrap_err();
    assert_eq!(
        err.origin,
        "environment variable GUICHET__SLA__P1__RESOLUTION"
    );
    assert_eq!(err.key.as_deref(), Some("sla.p1.resolution"));
}

#[test]
fn unknown_keys_are_typos_and_refused() {
    let err = error_of(&edited("max_connections", "max_conections"), &[]);
    assert_eq!(err.key.as_deref(), Some("database.max_conections"));
    assert!(err.message.contains("max_conections"), "{err}");
}

#[test]
fn a_category_routed_to_an_unknown_team_is_refused() {
    let err = error_of(&edited("team = \"finance\"", "team = \"financ\""), &[]);
    assert_eq!(err.key.as_deref(), Some("categories.finance_travel.team"));
    assert!(err.message.contains("unknown team \"financ\""), "{err}");
    assert!(err.message.contains("finance, hr, it"), "{err}");
}

#[test]
fn a_first_response_target_longer_than_resolution_is_refused() {
    let err = error_of(
        &edited("first_response = \"15m\"", "first_response = \"5h\""),
        &[],
    );
    assert_eq!(err.key.as_deref(), Some("sla.p0"));
}

#[test]
fn database_passwords_come_only_from_the_environment() {
    let secret = "postgres://guichet:hunter2@localhost/guichet";
    let file = edited("sqlite://data/guichet.db", secret);
    let err = error_of(&file, &[]);
    assert_eq!(err.key.as_deref(), Some("database.url"));
    assert!(err.message.contains("GUICHET__DATABASE__URL"), "{err}");
    assert!(!err.to_string().contains("hunter2"), "{err}");

    let config = load_with(&committed(), &[("GUICHET__DATABASE__URL", secret)]).unwrap();
    assert_eq!(config.database.url, secret);
    let shown = format!("{config:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[test]
fn the_bot_api_address_can_be_set_and_is_checked() {
    let config = load_with(
        &committed(),
        &[("GUICHET__TELEGRAM__API_URL", "http://127.0.0.1:8081/")],
    )
    .unwrap();
    assert_eq!(
        config.telegram.api_url.unwrap().as_str(),
        "http://127.0.0.1:8081/"
    );
    let err = load_with(&committed(), &[("GUICHET__TELEGRAM__API_URL", "not a url")]).unwrap_err();
    assert_eq!(err.key.as_deref(), Some("telegram.api_url"));
}

#[test]
fn webhook_mode_needs_its_public_address() {
    let err = load_with(&committed(), &[("GUICHET__TELEGRAM__MODE", "webhook")]).unwrap_err();
    assert_eq!(err.key.as_deref(), Some("telegram.webhook_url"));
    let config = load_with(
        &committed(),
        &[
            ("GUICHET__TELEGRAM__MODE", "webhook"),
            (
                "GUICHET__TELEGRAM__WEBHOOK_URL",
                "https://helpdesk.example.com/telegram/webhook",
            ),
        ],
    )
    .unwrap();
    assert_eq!(config.telegram.mode, TelegramMode::Webhook);
    let err = load_with(
        &committed(),
        &[("GUICHET__TELEGRAM__MODE", "carrier-pigeon")],
    )
    .unwrap_err();
    assert_eq!(err.key.as_deref(), Some("telegram.mode"));
}

#[test]
fn the_scheduler_sections_are_read_and_checked() {
    let config = load_with(&committed(), &[]).unwrap();
    assert_eq!(config.reminders.unanswered.p1.to_string(), "30m");
    assert_eq!(config.overdue.after.len(), 1);
    assert!(!config.business_hours.enabled);
    assert!(config.teams["it"].escalation.leads, "leads by default");
    assert!(config.mail.host.is_empty(), "no e-mail until configured");

    for (from, to, key, says) in [
        (
            "warn_at_percent = 80",
            "warn_at_percent = 100",
            "escalation.warn_at_percent",
            "between 1 and 99",
        ),
        (
            r#"after = ["3d"]"#,
            r#"after = ["7d", "3d"]"#,
            "overdue.after",
            "increasing order",
        ),
        (
            r#"days = ["mon", "tue", "wed", "thu", "fri"]"#,
            r#"days = ["lundi"]"#,
            "business_hours.days",
            "not a day of the week",
        ),
        (
            r#"start = "09:00""#,
            r#"start = "9h""#,
            "business_hours.start",
            "not a time of day",
        ),
        (
            r#"security = "starttls""#,
            r#"security = "ssl""#,
            "mail.security",
            "unknown variant",
        ),
    ] {
        let err = error_of(&edited(from, to), &[]);
        assert_eq!(err.key.as_deref(), Some(key), "{err}");
        assert!(err.message.contains(says), "{err}");
    }
    let err = error_of(
        &edited(r#"host = """#, r#"host = "smtp.example.com""#),
        &[("GUICHET__MAIL__FROM", "helpdesk")],
    );
    assert_eq!(err.key.as_deref(), Some("mail.from"), "{err}");
    assert!(err.origin.contains("GUICHET__MAIL__FROM"), "{err}");
}
