//! A real SMTP server for the end-to-end tests: Python's aiosmtpd, started on a free
//! port of 127.0.0.1, writing every message it receives into a Maildir that the test
//! reads back, parsed.
//!
//! Needs Debian's `python3-aiosmtpd` (installed by `.ci/run`). The interpreter is
//! `GUICHET_TEST_PYTHON` when set, else `/usr/bin/python3` when it exists (Debian's
//! packages install there, not into a pyenv Python), else `python3` on the PATH.
//! A server that cannot start fails the test: it is never skipped.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use mailparse::{MailAddr, MailHeaderMap};

/// How long [`SmtpServer::start`] waits for the greeting and [`SmtpServer::wait_for`]
/// for the messages.
const PATIENCE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);

const INSTALL_HINT: &str = "install Debian's package with `apt-get install python3-aiosmtpd` \
     (it is for /usr/bin/python3), or set GUICHET_TEST_PYTHON to a Python that has aiosmtpd";

/// A real SMTP server (aiosmtpd) on 127.0.0.1, writing what it receives to a
/// Maildir; stopped when dropped.
pub struct SmtpServer {
    child: Child,
    port: u16,
    maildir: PathBuf,
    /// Holds the Maildir and the server's log; removed on drop.
    dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts it on a free port and waits for its `220` greeting. Panics with a
    /// clear message (how to install python3-aiosmtpd) when it cannot start.
    pub async fn start() -> SmtpServer {
        let dir = tempfile::tempdir().expect("temp dir for the Maildir");
        // aiosmtpd creates the Maildir itself: the path must not exist yet.
        let maildir = dir.path().join("maildir");
        let log = File::create(dir.path().join("aiosmtpd.log")).expect("server log file");
        let port = free_port();
        let python = python();
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("server log file"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run {python} for the SMTP server: {e}; {INSTALL_HINT}")
            });
        // From here on a panic drops the server, which kills the child.
        let mut server = SmtpServer {
            child,
            port,
            maildir,
            dir,
        };
        server.wait_until_ready(&python).await;
        server
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every message received so far, oldest first (by file modification time, then
    /// name), parsed.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let mut files: Vec<(SystemTime, String, PathBuf)> = Vec::new();
        // A delivered message is renamed into new/; a mail reader would move it to cur/.
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.maildir.join(sub)) else {
                continue;
            };
            for entry in entries {
                let entry = entry.expect("Maildir entry");
                let modified = entry.metadata().and_then(|m| m.modified()).expect("mtime");
                let name = entry.file_name().to_string_lossy().into_owned();
                files.push((modified, name, entry.path()));
            }
        }
        files.sort();
        files
            .iter()
            .map(|(_, _, path)| ReceivedMail::read(path))
            .collect()
    }

    /// Waits (polling, up to ~10 s) until at least `n` messages arrived, then
    /// returns them all. Panics on timeout, listing what arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            if Instant::now() > deadline {
                let arrived: Vec<String> = messages
                    .iter()
                    .map(|m| format!("  to {:?}: {:?}", m.to, m.subject))
                    .collect();
                panic!(
                    "expected {n} e-mail(s) within {PATIENCE:?}, {} arrived:\n{}",
                    messages.len(),
                    arrived.join("\n")
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Polls until the server greets a connection with `220`, panicking with its
    /// output when it exits or stays silent.
    async fn wait_until_ready(&mut self, python: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if greets(self.port) {
                return;
            }
            if let Some(status) = self.child.try_wait().expect("poll the SMTP server") {
                panic!(
                    "the SMTP server ({python} -m aiosmtpd) exited with {status}: {}\n{INSTALL_HINT}",
                    self.log()
                );
            }
            if Instant::now() > deadline {
                panic!(
                    "the SMTP server ({python} -m aiosmtpd) did not greet on port {} within {PATIENCE:?}: {}",
                    self.port,
                    self.log()
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// What the server printed (stdout and stderr).
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("aiosmtpd.log")).unwrap_or_default()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One message as it arrived, decoded.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The From header, decoded, e.g. `guichet <helpdesk@example.com>`.
    pub from: String,
    /// The addresses of the To header: just the addr-spec, lowercase.
    pub to: Vec<String>,
    /// The Subject header, decoded (RFC 2047).
    pub subject: String,
    /// The text/plain body (the first such part), decoded to UTF-8 text with `\n`
    /// line endings and no trailing line breaks: how many arrive after the text
    /// depends on the transfer encoding lettre picked (SMTP adds one to a
    /// quoted-printable or 7bit body, none to a base64 one).
    pub body: String,
    /// Every header in order, values decoded. aiosmtpd appends the envelope as
    /// `X-Peer`, `X-MailFrom` and `X-RcptTo`.
    pub headers: Vec<(String, String)>,
}

impl ReceivedMail {
    /// Reads and parses one Maildir file.
    fn read(path: &Path) -> ReceivedMail {
        let raw = std::fs::read(path).expect("read a Maildir message");
        let mail = mailparse::parse_mail(&raw)
            .unwrap_or_else(|e| panic!("unparsable e-mail {}: {e}", path.display()));
        let to = match mail.headers.get_first_header("To") {
            Some(header) => mailparse::addrparse_header(header)
                .expect("a parsable To header")
                .iter()
                .flat_map(|addr| match addr {
                    MailAddr::Single(single) => vec![single.clone()],
                    MailAddr::Group(group) => group.addrs.clone(),
                })
                .map(|single| single.addr.to_lowercase())
                .collect(),
            None => Vec::new(),
        };
        let body = mail
            .parts()
            .find(|part| part.ctype.mimetype == "text/plain")
            .map(|part| part.get_body().expect("a decodable text/plain body"))
            .unwrap_or_default()
            .replace("\r\n", "\n")
            .trim_end_matches('\n')
            .to_owned();
        let header = |name: &str| mail.headers.get_first_value(name).unwrap_or_default();
        ReceivedMail {
            from: header("From"),
            to,
            subject: header("Subject"),
            body,
            headers: mail
                .headers
                .iter()
                .map(|h| (h.get_key(), h.get_value()))
                .collect(),
        }
    }

    /// The first header of that name (case-insensitive), decoded.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

fn python() -> String {
    if let Some(python) = std::env::var("GUICHET_TEST_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
    {
        python
    } else if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3".to_owned()
    } else {
        "python3".to_owned()
    }
}

/// A port nobody listens on right now (bound then released).
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// Whether a connection to the port gets an SMTP `220` greeting.
fn greets(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(200)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut greeting = [0u8; 3];
    let ok = stream.read_exact(&mut greeting).is_ok() && &greeting == b"220";
    let _ = stream.write_all(b"QUIT\r\n");
    ok
}
