//! Cognito `CustomMessage` trigger of the workforce's user pool: every
//! invitation Cognito sends (`CustomMessage_AdminCreateUser`) carries the
//! labeling portal's URL.
//!
//! `Custom::InviteEmail` writes the URL into the pool's invitation template,
//! but CloudFormation rewrites the whole pool on any update that reaches it,
//! and twice on a rolled-back one, putting the template's invitation back
//! without the link. This trigger composes the email when it is sent, from
//! the pool's template of that moment and the workforce's portal URL, so no
//! rewrite can undo it.
//!
//! [`compose`] is the pure decision; [`trigger`] reads the pool and the
//! workforce and answers Cognito.

pub mod trigger;

/// Cognito's limit on an invitation email's message, in characters.
pub const MAX_EMAIL_MESSAGE: usize = 20_000;
/// Cognito's limit on an invitation email's subject, in characters.
pub const MAX_EMAIL_SUBJECT: usize = 140;
/// The placeholder of the username in Cognito's message templates.
pub const USERNAME_PLACEHOLDER: &str = "{username}";
/// The placeholder of the temporary password in Cognito's message templates.
pub const CODE_PLACEHOLDER: &str = "{####}";
/// What Cognito sends when the pool has no invitation template.
pub const COGNITO_DEFAULT_MESSAGE: &str =
    "Your username is {username} and temporary password is {####}.";
/// The subject Cognito sends when the pool has no invitation template.
pub const COGNITO_DEFAULT_SUBJECT: &str = "Your temporary password";
/// The trigger source of an invitation (AdminCreateUser, also with RESEND).
pub const ADMIN_CREATE_USER: &str = "CustomMessage_AdminCreateUser";

/// How the portal paragraph starts; the URL follows, up to the next `"`.
const PARAGRAPH_HEAD: &str = "<br>Labeling portal: <a href=\"";

/// The paragraph appended to every invitation: the portal link and what to
/// expect at the first sign-in. template.yaml's `InviteEmail` appends the
/// same text with `${PortalDomain.PortalUrl}` (a contract test holds it to
/// this function), so the pool's template and the trigger agree.
pub fn portal_paragraph(portal_url: &str) -> String {
    format!(
        "{PARAGRAPH_HEAD}{portal_url}\">{portal_url}</a><br><br> At your first sign-in you \
         choose a new password and set up an authenticator app (such as Google Authenticator \
         or Microsoft Authenticator) for multi-factor authentication."
    )
}

/// The pool's invitation template as DescribeUserPool shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InviteTemplate {
    pub email_subject: Option<String>,
    pub email_message: Option<String>,
}

/// What Cognito replaces in the message it sends: the event's
/// `usernameParameter` and `codeParameter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholders {
    pub username: String,
    pub code: String,
}

impl Placeholders {
    /// The event's parameters; Cognito's template placeholders when absent.
    pub fn from_event(username_parameter: Option<&str>, code_parameter: Option<&str>) -> Self {
        let pick = |given: Option<&str>, default: &str| {
            given
                .filter(|text| !text.is_empty())
                .unwrap_or(default)
                .to_owned()
        };
        Self {
            username: pick(username_parameter, USERNAME_PLACEHOLDER),
            code: pick(code_parameter, CODE_PLACEHOLDER),
        }
    }
}

impl Default for Placeholders {
    fn default() -> Self {
        Self::from_event(None, None)
    }
}

/// How the pool's message was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The portal paragraph was appended.
    Appended,
    /// The pool's message had the paragraph for another portal (an older
    /// workforce); it now links the current one.
    Replaced { old_url: String },
}

/// The decision: what Cognito should send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invitation {
    /// The pool's message already links the current portal (what
    /// `Custom::InviteEmail` wrote wins): Cognito sends its template.
    AsTemplated,
    /// Send this instead of the template.
    Composed {
        subject: String,
        message: String,
        change: Change,
    },
}

/// Why no invitation with the portal link can be composed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    #[error(
        "with the portal link the invitation message would be {length} characters, \
         more than Cognito's {MAX_EMAIL_MESSAGE}; shorten the user pool's invitation message"
    )]
    MessageTooLong { length: usize },
    #[error(
        "the user pool's invitation subject is {length} characters, more than Cognito's {MAX_EMAIL_SUBJECT}"
    )]
    SubjectTooLong { length: usize },
    #[error(
        "the user pool's invitation message has no {placeholder}, so the email could not carry the {what}"
    )]
    MissingPlaceholder {
        placeholder: String,
        what: &'static str,
    },
}

/// Where the paragraph of another portal sits in `message`, and its URL.
fn other_portal_paragraph(message: &str) -> Option<(std::ops::Range<usize>, String)> {
    message
        .match_indices(PARAGRAPH_HEAD)
        .find_map(|(start, _)| {
            let url_start = start + PARAGRAPH_HEAD.len();
            let url_len = message[url_start..].find('"')?;
            let url = &message[url_start..url_start + url_len];
            let paragraph = portal_paragraph(url);
            message[start..]
                .starts_with(&paragraph)
                .then(|| (start..start + paragraph.len(), url.to_owned()))
        })
}

/// The invitation Cognito should send for a pool whose template is
/// `template`, when the labeling portal is `portal_url`: the template as it
/// is if it links the portal already; otherwise its message with the portal
/// paragraph (replacing the paragraph of an older portal, or appended),
/// within Cognito's limits and keeping the username and password
/// placeholders Cognito fills in.
pub fn compose(
    template: &InviteTemplate,
    portal_url: &str,
    placeholders: &Placeholders,
) -> Result<Invitation, ComposeError> {
    let message = template
        .email_message
        .as_deref()
        .filter(|text| !text.is_empty())
        .unwrap_or(COGNITO_DEFAULT_MESSAGE);
    if message.contains(portal_url) {
        return Ok(Invitation::AsTemplated);
    }
    let subject = template
        .email_subject
        .as_deref()
        .filter(|text| !text.is_empty())
        .unwrap_or(COGNITO_DEFAULT_SUBJECT);
    let subject_length = subject.chars().count();
    if subject_length > MAX_EMAIL_SUBJECT {
        return Err(ComposeError::SubjectTooLong {
            length: subject_length,
        });
    }
    // The template's placeholders are Cognito's template syntax; in a
    // trigger's answer Cognito fills in the event's parameters instead.
    let mut message = message
        .replace(USERNAME_PLACEHOLDER, &placeholders.username)
        .replace(CODE_PLACEHOLDER, &placeholders.code);
    for (placeholder, what) in [
        (&placeholders.username, "username"),
        (&placeholders.code, "temporary password"),
    ] {
        if !message.contains(placeholder.as_str()) {
            return Err(ComposeError::MissingPlaceholder {
                placeholder: placeholder.clone(),
                what,
            });
        }
    }
    let paragraph = portal_paragraph(portal_url);
    let change = match other_portal_paragraph(&message) {
        Some((range, old_url)) => {
            message.replace_range(range, &paragraph);
            Change::Replaced { old_url }
        }
        None => {
            message.push_str(&paragraph);
            Change::Appended
        }
    };
    let length = message.chars().count();
    if length > MAX_EMAIL_MESSAGE {
        return Err(ComposeError::MessageTooLong { length });
    }
    Ok(Invitation::Composed {
        subject: subject.to_owned(),
        message,
        change,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORTAL: &str = "https://abcde12345.labeling.us-east-1.sagemaker.aws";
    const OLD_PORTAL: &str = "https://zyxwv98765.labeling.us-east-1.sagemaker.aws";
    const GREETING: &str = "Hello,<br><br>Username: {username}<br>Temporary password: {####}<br>";

    fn template(subject: &str, message: &str) -> InviteTemplate {
        InviteTemplate {
            email_subject: Some(subject.into()),
            email_message: Some(message.into()),
        }
    }

    fn composed(invitation: Invitation) -> (String, String, Change) {
        match invitation {
            Invitation::Composed {
                subject,
                message,
                change,
            } => (subject, message, change),
            Invitation::AsTemplated => panic!("expected a composed invitation"),
        }
    }

    #[test]
    fn the_paragraph_links_the_portal_once_as_href_and_text() {
        let paragraph = portal_paragraph(PORTAL);
        assert!(paragraph.starts_with("<br>Labeling portal: <a href=\""));
        assert_eq!(paragraph.matches(PORTAL).count(), 2);
        assert!(paragraph.contains(&format!("<a href=\"{PORTAL}\">{PORTAL}</a>")));
        assert!(paragraph.ends_with("for multi-factor authentication."));
    }

    #[test]
    fn a_template_that_links_the_portal_is_sent_as_it_is() {
        let written = format!("{GREETING}{}", portal_paragraph(PORTAL));
        assert_eq!(
            compose(&template("Hi", &written), PORTAL, &Placeholders::default()),
            Ok(Invitation::AsTemplated)
        );
        // Whatever way the pool's message links it: InviteEmail's text wins.
        let custom = format!("Go to {PORTAL} with {{username}} / {{####}}");
        assert_eq!(
            compose(&template("Hi", &custom), PORTAL, &Placeholders::default()),
            Ok(Invitation::AsTemplated)
        );
    }

    #[test]
    fn a_template_without_the_link_gets_the_paragraph_appended() {
        let (subject, message, change) = composed(
            compose(
                &template("You are invited", GREETING),
                PORTAL,
                &Placeholders::default(),
            )
            .unwrap(),
        );
        assert_eq!(subject, "You are invited");
        assert_eq!(message, format!("{GREETING}{}", portal_paragraph(PORTAL)));
        assert_eq!(change, Change::Appended);
    }

    #[test]
    fn the_paragraph_of_an_older_portal_is_replaced_not_doubled() {
        let old = format!("{GREETING}{}", portal_paragraph(OLD_PORTAL));
        let (_, message, change) =
            composed(compose(&template("s", &old), PORTAL, &Placeholders::default()).unwrap());
        assert_eq!(message, format!("{GREETING}{}", portal_paragraph(PORTAL)));
        assert!(!message.contains(OLD_PORTAL));
        assert_eq!(
            change,
            Change::Replaced {
                old_url: OLD_PORTAL.into()
            }
        );
        // Text after the old paragraph is kept where it was.
        let with_tail = format!("{old}<br>Thanks");
        let (_, message, _) = composed(
            compose(&template("s", &with_tail), PORTAL, &Placeholders::default()).unwrap(),
        );
        assert_eq!(
            message,
            format!("{GREETING}{}<br>Thanks", portal_paragraph(PORTAL))
        );
        // A mention of another URL that is not the paragraph is left alone.
        let mention = format!("{GREETING}<br>Labeling portal: <a href=\"{OLD_PORTAL}\">old</a>");
        let (_, message, change) =
            composed(compose(&template("s", &mention), PORTAL, &Placeholders::default()).unwrap());
        assert_eq!(message, format!("{mention}{}", portal_paragraph(PORTAL)));
        assert_eq!(change, Change::Appended);
    }

    #[test]
    fn no_template_means_cognitos_default_invitation_with_the_paragraph() {
        for empty in [InviteTemplate::default(), template("", "")] {
            let (subject, message, _) =
                composed(compose(&empty, PORTAL, &Placeholders::default()).unwrap());
            assert_eq!(subject, COGNITO_DEFAULT_SUBJECT);
            assert_eq!(
                message,
                format!("{COGNITO_DEFAULT_MESSAGE}{}", portal_paragraph(PORTAL))
            );
        }
    }

    #[test]
    fn the_events_parameters_stand_where_the_template_has_placeholders() {
        let placeholders = Placeholders::from_event(Some("{user}"), Some("{code}"));
        let (_, message, _) =
            composed(compose(&template("s", GREETING), PORTAL, &placeholders).unwrap());
        assert!(message.contains("Username: {user}<br>Temporary password: {code}"));
        assert!(!message.contains(USERNAME_PLACEHOLDER) && !message.contains(CODE_PLACEHOLDER));
        // Absent or empty parameters are Cognito's placeholders.
        assert_eq!(
            Placeholders::from_event(Some(""), None),
            Placeholders::default()
        );
        assert_eq!(Placeholders::default().username, "{username}");
        assert_eq!(Placeholders::default().code, "{####}");
    }

    #[test]
    fn a_template_without_a_placeholder_is_refused_naming_it() {
        let error = compose(
            &template("s", "Hello {username}, welcome"),
            PORTAL,
            &Placeholders::default(),
        )
        .unwrap_err();
        assert_eq!(
            error,
            ComposeError::MissingPlaceholder {
                placeholder: "{####}".into(),
                what: "temporary password"
            }
        );
        assert!(error.to_string().contains("no {####}"), "{error}");
        let error = compose(
            &template("s", "Password {####}"),
            PORTAL,
            &Placeholders::default(),
        )
        .unwrap_err();
        assert!(error.to_string().contains("no {username}"), "{error}");
    }

    #[test]
    fn cognitos_limits_hold_counting_characters() {
        let paragraph = portal_paragraph(PORTAL).chars().count();
        let fill = |total: usize| {
            let base = GREETING.chars().count();
            format!("{GREETING}{}", "é".repeat(total - base))
        };
        let fits = fill(MAX_EMAIL_MESSAGE - paragraph);
        let (_, message, _) =
            composed(compose(&template("s", &fits), PORTAL, &Placeholders::default()).unwrap());
        assert_eq!(message.chars().count(), MAX_EMAIL_MESSAGE);
        assert!(
            message.len() > MAX_EMAIL_MESSAGE,
            "bytes are not the measure"
        );
        let over = fill(MAX_EMAIL_MESSAGE - paragraph + 1);
        let error = compose(&template("s", &over), PORTAL, &Placeholders::default()).unwrap_err();
        assert_eq!(
            error,
            ComposeError::MessageTooLong {
                length: MAX_EMAIL_MESSAGE + 1
            }
        );
        assert!(error.to_string().contains("20000"), "{error}");

        let subject = "ü".repeat(MAX_EMAIL_SUBJECT);
        assert!(
            compose(
                &template(&subject, GREETING),
                PORTAL,
                &Placeholders::default()
            )
            .is_ok()
        );
        let long = "ü".repeat(MAX_EMAIL_SUBJECT + 1);
        assert_eq!(
            compose(&template(&long, GREETING), PORTAL, &Placeholders::default()),
            Err(ComposeError::SubjectTooLong {
                length: MAX_EMAIL_SUBJECT + 1
            })
        );
    }
}
