//! Real mail servers for the email tests, started per test on free loopback ports: Debian's
//! Dovecot for IMAP (a passwd-file of test mailboxes, Maildir storage in a temporary folder) and
//! an aiosmtpd SMTP server (`tests/mail/smtp_relay.py`) that requires AUTH and delivers into the
//! recipients' Dovecot mailboxes. Both are killed when the value is dropped.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub struct MailServers {
    pub imap_port: u16,
    pub smtp_port: u16,
    pub dir: PathBuf,
    children: Vec<Child>,
}

impl Drop for MailServers {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        if std::thread::panicking() {
            eprintln!(
                "mail servers' files kept for a look: {}",
                self.dir.display()
            );
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for(port: u16, what: &str) {
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("{what} did not start on port {port}");
}

impl MailServers {
    /// Starts both servers with these mailboxes (address → password).
    pub fn start(users: &BTreeMap<String, String>) -> MailServers {
        let dir = std::env::temp_dir().join(format!("inbox-mail-{}", server::ids::new_id()));
        std::fs::create_dir_all(dir.join("home")).unwrap();
        let (imap_port, smtp_port) = (free_port(), free_port());
        let passwd: String = users
            .iter()
            .map(|(u, p)| format!("{u}:{{PLAIN}}{p}\n"))
            .collect();
        std::fs::write(dir.join("passwd"), passwd).unwrap();
        std::fs::write(
            dir.join("users.json"),
            serde_json::to_string(users).unwrap(),
        )
        .unwrap();
        let root = running_as_root();
        let (mail_user, service_users) = if root {
            ("dovecot".to_string(), String::new())
        } else {
            let me = std::env::var("USER").unwrap_or_else(|_| "nobody".into());
            (
                me.clone(),
                format!("default_login_user = {me}\ndefault_internal_user = {me}\n"),
            )
        };
        let d = dir.display();
        let conf = format!(
            "protocols = imap\nlisten = 127.0.0.1\nbase_dir = {d}/run\nstate_dir = {d}/state\n\
             log_path = {d}/dovecot.log\nssl = no\ndisable_plaintext_auth = no\nauth_mechanisms = plain login\nfirst_valid_uid = 1\n\
             mail_location = maildir:{d}/home/%u/Maildir\n{service_users}\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {d}/passwd\n}}\n\
             userdb {{\n  driver = static\n  args = uid={mail_user} gid={mail_user} home={d}/home/%u\n}}\n\
             service imap-login {{\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {imap_port}\n  }}\n  inet_listener imaps {{\n    port = 0\n  }}\n}}\n\
             service stats {{\n  unix_listener stats-reader {{\n    mode = 0666\n  }}\n  unix_listener stats-writer {{\n    mode = 0666\n  }}\n}}\n"
        );
        std::fs::write(dir.join("dovecot.conf"), conf).unwrap();
        if root {
            let _ = Command::new("chown")
                .args(["-R", "dovecot:dovecot"])
                .arg(dir.join("home"))
                .status();
        }
        let dovecot = Command::new("dovecot")
            .arg("-F")
            .arg("-c")
            .arg(dir.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Debian's dovecot-imapd is needed (the test command installs it)");
        let mut servers = MailServers {
            imap_port,
            smtp_port,
            dir: dir.clone(),
            children: vec![dovecot],
        };
        wait_for(imap_port, "dovecot");
        // Read when the test runs, not when it was compiled: a shared target dir may hold a test
        // binary built from another checkout of the same sources.
        let script = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap())
            .join("tests/mail/smtp_relay.py");
        let relay = Command::new("python3")
            .arg(script)
            .arg(smtp_port.to_string())
            .arg(imap_port.to_string())
            .arg(dir.join("users.json"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd is needed (the test command installs it)");
        servers.children.push(relay);
        wait_for(smtp_port, "the SMTP server");
        servers
    }

    /// Runs a Python snippet with `IMAP`/`SMTP` ports and `users` defined; returns its stdout.
    pub fn python(&self, code: &str) -> String {
        let prelude = format!(
            "import imaplib, smtplib, json, email\nIMAP={}\nSMTP={}\nusers=json.load(open({:?}))\n",
            self.imap_port,
            self.smtp_port,
            self.dir.join("users.json").display().to_string()
        );
        let out = Command::new("python3")
            .arg("-c")
            .arg(format!("{prelude}{code}"))
            .output()
            .expect("python3");
        assert!(
            out.status.success(),
            "python failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Sends a raw RFC 5322 message through the SMTP server as `from` (a real client:
    /// Python's smtplib, AUTH with `from`'s password).
    pub fn send_raw(&self, from: &str, to: &str, raw: &str) {
        let code = format!(
            "s=smtplib.SMTP('127.0.0.1', SMTP)\ns.login({from:?}, users[{from:?}])\ns.sendmail({from:?}, [{to:?}], {raw:?}.encode())\ns.quit()\n"
        );
        self.python(&code);
    }

    /// The raw messages in `user`'s INBOX, oldest first.
    pub fn inbox(&self, user: &str) -> Vec<String> {
        let code = format!(
            "m=imaplib.IMAP4('127.0.0.1', IMAP)\nm.login({user:?}, users[{user:?}])\nm.select('INBOX')\n\
             typ, data = m.search(None, 'ALL')\nout=[]\n\
             for n in data[0].split():\n    t, d = m.fetch(n, '(RFC822)')\n    out.append(d[0][1].decode('utf-8', 'replace'))\n\
             print(json.dumps(out))\n"
        );
        serde_json::from_str(self.python(&code).trim()).unwrap()
    }
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
