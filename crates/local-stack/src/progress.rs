//! Stack events, printed the way CloudFormation's event list reads.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// One stack event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub timestamp: String,
    pub logical_id: String,
    pub resource_type: String,
    pub status: String,
    pub reason: String,
}

/// Prints events (unless quiet) and keeps them for the summary and tests.
#[derive(Debug, Default)]
pub struct Progress {
    quiet: bool,
    events: Mutex<Vec<Event>>,
    /// The CloudFormation events sent to custom resources, ResponseURL removed.
    requests: Mutex<Vec<serde_json::Value>>,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        Self {
            quiet,
            events: Mutex::new(Vec::new()),
            requests: Mutex::new(Vec::new()),
        }
    }

    pub fn event(&self, logical_id: &str, resource_type: &str, status: &str, reason: &str) {
        let event = Event {
            timestamp: utc_now(),
            logical_id: logical_id.to_owned(),
            resource_type: resource_type.to_owned(),
            status: status.to_owned(),
            reason: reason.to_owned(),
        };
        if !self.quiet {
            println!("{}", format_event(&event));
        }
        self.events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(event);
    }

    pub fn note(&self, text: &str) {
        if !self.quiet {
            println!("  note: {text}");
        }
    }

    /// Records a request sent to a custom resource's function (kept, not printed).
    pub fn request(&self, mut request: serde_json::Value) {
        if let Some(map) = request.as_object_mut() {
            map.remove("ResponseURL");
        }
        self.requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(request);
    }

    /// Every request sent to a custom resource, oldest first.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        self.requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn events(&self) -> Vec<Event> {
        self.events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

pub fn format_event(event: &Event) -> String {
    let line = format!(
        "{}  {:<34} {:<44} {}",
        event.timestamp, event.logical_id, event.resource_type, event.status
    );
    if event.reason.is_empty() {
        line
    } else {
        format!("{line}  {}", event.reason)
    }
}

fn utc_now() -> String {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    format_utc(since.as_secs())
}

/// `YYYY-MM-DD HH:MM:SS UTC` (civil-from-days, Howard Hinnant's algorithm).
pub fn format_utc(epoch_seconds: u64) -> String {
    let days = (epoch_seconds / 86_400) as i64;
    let rem = epoch_seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_and_events() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(1_709_210_096), "2024-02-29 12:34:56 UTC");
        let event = Event {
            timestamp: "T".into(),
            logical_id: "Pool".into(),
            resource_type: "AWS::Cognito::UserPool".into(),
            status: "CREATE_FAILED".into(),
            reason: "why".into(),
        };
        let line = format_event(&event);
        assert!(line.starts_with("T  Pool "));
        assert!(line.ends_with("CREATE_FAILED  why"));
    }
}
