//! E-mail over SMTP, with lettre. E-mails are written to the outbox like chat
//! messages (an `email` row, in the transaction that decided them) and the
//! dispatcher sends them through the [`Mailer`]: a mail server that is down delays
//! them, it does not lose them, and one acknowledged is never sent again.

use std::time::Duration;

use guichet_chat::DeliveryError;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::config::{MailConfig, MailSecurity};

/// The environment variable holding the SMTP password.
pub const PASSWORD_VAR: &str = "GUICHET_SMTP_PASSWORD";

/// How long one conversation with the server may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A recipient: `Helpdesk <helpdesk@example.com>` or a bare address.
fn parse_mailbox(text: &str) -> Option<Mailbox> {
    text.trim().parse().ok()
}

/// The SMTP server the configuration names.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

impl Mailer {
    /// `None` when no server is configured (`mail.host` empty).
    pub fn from_config(
        config: &MailConfig,
        password: Option<String>,
    ) -> Result<Option<Mailer>, String> {
        let host = config.host.trim();
        if host.is_empty() {
            return Ok(None);
        }
        let from = config
            .sender()
            .ok_or_else(|| format!("mail.from: {:?} is not an address", config.from))?;
        let builder = match config.security {
            MailSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
            MailSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
            MailSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                host,
            )),
        }
        .map_err(|e| format!("mail.host: {host:?}: {e}"))?;
        let mut builder = builder.port(config.port).timeout(Some(TIMEOUT));
        let user = config.user.trim();
        if !user.is_empty() {
            let password = password
                .ok_or_else(|| format!("mail.user is set: give its password in {PASSWORD_VAR}"))?;
            builder = builder.credentials(Credentials::new(user.to_owned(), password));
        }
        Ok(Some(Mailer {
            transport: builder.build(),
            from,
        }))
    }

    /// Whether the server accepts a connection (and the login, when configured).
    pub async fn check(&self) -> Result<(), String> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => Err("the server did not answer NOOP".into()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Sends one plain-text e-mail, with a Message-ID of its own (`<random@host>`,
    /// made by lettre) so that mail clients can thread and deduplicate it. A
    /// refusal of the address or the message is
    /// final; anything else (server down, busy, timeout) is tried again later.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), DeliveryError> {
        let permanent = DeliveryError::refused;
        let to = parse_mailbox(to).ok_or_else(|| permanent(format!("{to:?} is not an address")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(None)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| permanent(format!("cannot build the e-mail: {e}")))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(permanent(format!("the mail server refused: {e}"))),
            Err(e) => Err(DeliveryError::Retry {
                after: None,
                reason: format!("mail server: {e}"),
            }),
        }
    }
}
