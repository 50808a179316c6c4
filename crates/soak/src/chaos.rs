//! The faults of one lifecycle: what the fault proxies do to each AWS call
//! the functions make, and what befalls each custom-resource event (its
//! ResponseURL, a crash of the function mid-event, a second delivery, a
//! workforce slower than the deadline). It also checks what the ResponseURL
//! received for each event: one accepted answer, or agreeing ones.

use crate::rng::Rng;
use local_aws::fault_proxy::{Action, Call, FaultPolicy};
use local_aws::sink::RecordedPut;
use local_stack::faults::{Crash, Delivery, EventFaults};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// How often each fault is injected, in percent (per call for the AWS call
/// faults, per event for the others).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    pub throttle: u64,
    pub server_error: u64,
    pub slow_call: u64,
    pub crash: u64,
    pub duplicate: u64,
    pub response_5xx: u64,
    /// Only on the first event of a step: a refused answer fails the
    /// resource, and a rollback that cannot finish is not the point.
    pub response_403: u64,
    /// Only on a step's first workforce event, for the same reason: a
    /// rollback held past its deadline too is CloudFormation's
    /// UPDATE_ROLLBACK_FAILED, which no resource can avoid.
    pub slow_workforce: u64,
}

impl Default for Rates {
    fn default() -> Self {
        Self {
            throttle: 6,
            server_error: 4,
            slow_call: 5,
            crash: 10,
            duplicate: 8,
            response_5xx: 10,
            response_403: 4,
            slow_workforce: 10,
        }
    }
}

/// The names faults are counted under in the report.
pub const THROTTLED: &str = "AWS call throttled";
pub const SERVER_ERROR: &str = "AWS call 5xx";
pub const SLOW_CALL: &str = "AWS call slow";
pub const CRASH: &str = "function killed mid-event, event redelivered";
pub const DUPLICATE: &str = "event delivered twice";
pub const RESPONSE_5XX: &str = "ResponseURL 5xx, then 200";
pub const RESPONSE_403: &str = "ResponseURL 403 (final)";
pub const SLOW_WORKFORCE: &str = "workforce slower than the deadline";

/// The deadline of an event whose workforce is held past it: what fails
/// the event in seconds, as a workforce slower than fifteen minutes would
/// in AWS. Every other event gets the soak's function Timeout, which is
/// longer than the functions' own retry budget, as every real Timeout is.
pub const SLOW_WORKFORCE_DEADLINE: Duration = Duration::from_secs(8);

/// The event being delivered.
struct Current {
    label: String,
    rng: Rng,
    delivery: Delivery,
    crash_at_call: Option<u32>,
    crash: Option<Crash>,
    calls: u32,
    slow_workforce: bool,
}

#[derive(Default)]
struct State {
    seed: u64,
    step: u64,
    events_in_step: u64,
    workforce_events_in_step: u64,
    enabled: bool,
    /// Calls outside any event (the CustomMessage trigger during a user's
    /// creation) draw from here.
    ambient: Option<Rng>,
    current: Option<Current>,
    faults: BTreeMap<&'static str, u64>,
    events: u64,
    refused_in_step: bool,
    violations: Vec<String>,
}

/// Shared by the fault proxies and local-stack's event hooks.
pub struct Chaos {
    rates: Rates,
    state: Mutex<State>,
    /// Holds the SageMaker emulator's workforces short of settling (true)
    /// or lets them settle (false).
    hold_workforces: Box<dyn Fn(bool) + Send + Sync>,
}

impl Chaos {
    pub fn new(seed: u64, rates: Rates, hold_workforces: Box<dyn Fn(bool) + Send + Sync>) -> Self {
        Self {
            rates,
            state: Mutex::new(State {
                seed,
                enabled: true,
                ..State::default()
            }),
            hold_workforces,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts step `step` (its faults are drawn from the seed and the step).
    pub fn begin_step(&self, step: u64, faults_on: bool) {
        let mut state = self.lock();
        state.step = step;
        state.events_in_step = 0;
        state.workforce_events_in_step = 0;
        state.enabled = faults_on;
        state.refused_in_step = false;
        state.ambient = Some(Rng::derive(state.seed, &[step, u64::MAX]));
    }

    /// Whether a response was refused for good in this step (the stack may
    /// then end FAILED, as CloudFormation would leave it).
    pub fn refused_in_step(&self) -> bool {
        self.lock().refused_in_step
    }

    pub fn take_violations(&self) -> Vec<String> {
        std::mem::take(&mut self.lock().violations)
    }

    /// Faults injected so far, by kind.
    pub fn faults(&self) -> BTreeMap<&'static str, u64> {
        self.lock().faults.clone()
    }

    pub fn events(&self) -> u64 {
        self.lock().events
    }
}

fn count(state: &mut State, kind: &'static str) {
    *state.faults.entry(kind).or_default() += 1;
}

/// The AWS error codes each service throttles and fails with.
fn throttling_code(service: &str) -> &'static str {
    match service {
        "AWSCognitoIdentityProviderService" => "TooManyRequestsException",
        _ => "ThrottlingException",
    }
}

fn server_error_code(service: &str) -> &'static str {
    match service {
        "AWSCognitoIdentityProviderService" => "InternalErrorException",
        _ => "InternalFailure",
    }
}

impl FaultPolicy for Chaos {
    fn decide(&self, call: &Call) -> Action {
        let mut guard = self.lock();
        let state = &mut *guard;
        if !state.enabled {
            return Action::Forward;
        }
        let rng = match state.current.as_mut() {
            Some(current) => {
                current.calls += 1;
                if current.crash_at_call == Some(current.calls)
                    && let Some(crash) = current.crash.take()
                {
                    count(state, CRASH);
                    return Action::ForwardThenLose(Box::new(move || crash()));
                }
                &mut current.rng
            }
            None => match state.ambient.as_mut() {
                Some(rng) => rng,
                None => return Action::Forward,
            },
        };
        let roll = rng.below(100);
        let slow_ms = 50 + rng.below(350);
        let rates = self.rates;
        if roll < rates.throttle {
            count(state, THROTTLED);
            Action::Refuse {
                status: 400,
                code: throttling_code(&call.service),
                message: "Rate exceeded",
            }
        } else if roll < rates.throttle + rates.server_error {
            count(state, SERVER_ERROR);
            Action::Refuse {
                status: 500,
                code: server_error_code(&call.service),
                message: "We encountered an internal error. Please try again.",
            }
        } else if roll < rates.throttle + rates.server_error + rates.slow_call {
            count(state, SLOW_CALL);
            Action::Delay(Duration::from_millis(slow_ms))
        } else {
            Action::Forward
        }
    }
}

fn label(event: &Value) -> String {
    format!(
        "{} {} ({})",
        event["RequestType"].as_str().unwrap_or("?"),
        event["LogicalResourceId"].as_str().unwrap_or("?"),
        event["ResourceType"].as_str().unwrap_or("?"),
    )
}

impl EventFaults for Chaos {
    fn deliver(&self, event: &Value, crash: Crash) -> Delivery {
        let mut guard = self.lock();
        let state = &mut *guard;
        state.events += 1;
        state.events_in_step += 1;
        let mut rng = Rng::derive(state.seed, &[state.step, state.events_in_step]);
        let mut current = Current {
            label: label(event),
            rng: Rng::new(rng.next_u64()),
            delivery: Delivery::default(),
            crash_at_call: None,
            crash: None,
            calls: 0,
            slow_workforce: false,
        };
        if state.enabled {
            let rates = self.rates;
            if state.events_in_step == 1 && rng.percent(rates.response_403) {
                current.delivery.response_statuses = vec![403];
                state.refused_in_step = true;
                count(state, RESPONSE_403);
            } else if rng.percent(rates.response_5xx) {
                let failures = 1 + rng.below(2) as usize;
                current.delivery.response_statuses =
                    (0..failures).map(|_| *rng.pick(&[500, 503])).collect();
                count(state, RESPONSE_5XX);
            }
            if current.delivery.response_statuses != [403] && rng.percent(rates.duplicate) {
                current.delivery.duplicate = true;
                count(state, DUPLICATE);
            }
            if rng.percent(rates.crash) {
                // Counted when it happens: the function may make fewer calls.
                current.crash_at_call = Some(1 + rng.below(3) as u32);
                current.crash = Some(crash);
            }
            let settles = event["ResourceType"] == "Custom::PrivateWorkforce"
                && event["RequestType"] != "Delete";
            if settles {
                state.workforce_events_in_step += 1;
            }
            if settles && state.workforce_events_in_step == 1 && rng.percent(rates.slow_workforce) {
                current.slow_workforce = true;
                current.delivery.timeout = Some(SLOW_WORKFORCE_DEADLINE);
                (self.hold_workforces)(true);
                count(state, SLOW_WORKFORCE);
            }
        }
        let delivery = current.delivery.clone();
        state.current = Some(current);
        delivery
    }

    fn delivered(&self, event: &Value, responses: &[RecordedPut]) {
        let mut state = self.lock();
        let Some(current) = state.current.take() else {
            return;
        };
        if current.slow_workforce {
            (self.hold_workforces)(false);
        }
        let step = state.step;
        for problem in check_responses(&current.delivery, responses) {
            state.violations.push(format!(
                "step {step}, event {}: {problem} (request {})",
                current.label,
                event["RequestId"].as_str().unwrap_or("?")
            ));
        }
    }
}

/// What the ResponseURL must have received for one event: exactly one
/// accepted answer (two, agreeing, when the event was delivered twice;
/// none, after a single attempt, when it refused the answer for good).
pub fn check_responses(delivery: &Delivery, responses: &[RecordedPut]) -> Vec<String> {
    let accepted: Vec<Value> = responses
        .iter()
        .filter(|put| put.accepted())
        .map(RecordedPut::json)
        .collect();
    let mut problems = Vec::new();
    let refused_for_good = delivery.response_statuses == [403];
    let expected = match (refused_for_good, delivery.duplicate) {
        (true, _) => 0,
        (false, false) => 1,
        (false, true) => 2,
    };
    if accepted.len() != expected {
        problems.push(format!(
            "{} accepted responses, expected {expected} ({} PUTs in all)",
            accepted.len(),
            responses.len()
        ));
    }
    if refused_for_good && responses.len() != 1 {
        problems.push(format!(
            "a response refused with 403 was sent again ({} PUTs)",
            responses.len()
        ));
    }
    let decided = |answer: &Value| {
        (
            answer["Status"].clone(),
            answer["PhysicalResourceId"].clone(),
        )
    };
    if let Some(first) = accepted.first()
        && let Some(other) = accepted.iter().find(|a| decided(a) != decided(first))
    {
        problems.push(format!(
            "answers disagree: {} {} then {} {} ({})",
            first["Status"],
            first["PhysicalResourceId"],
            other["Status"],
            other["PhysicalResourceId"],
            other["Reason"].as_str().unwrap_or("no reason")
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn put(status: u16, answer: &str, physical_id: &str) -> RecordedPut {
        RecordedPut {
            key: "k".into(),
            method: "PUT".into(),
            content_type: None,
            content_length: None,
            body: serde_json::json!({"Status": answer, "PhysicalResourceId": physical_id})
                .to_string()
                .into_bytes(),
            status,
            at: Instant::now(),
        }
    }

    #[test]
    fn one_accepted_answer_is_right_and_none_or_two_are_not() {
        let plain = Delivery::default();
        assert!(check_responses(&plain, &[put(200, "SUCCESS", "a")]).is_empty());
        assert!(
            check_responses(
                &plain,
                &[put(503, "SUCCESS", "a"), put(200, "SUCCESS", "a")]
            )
            .is_empty()
        );
        assert_eq!(check_responses(&plain, &[]).len(), 1);
        assert_eq!(
            check_responses(
                &plain,
                &[put(200, "SUCCESS", "a"), put(200, "SUCCESS", "a")]
            )
            .len(),
            1
        );
    }

    #[test]
    fn a_second_delivery_must_agree_with_the_first() {
        let twice = Delivery {
            duplicate: true,
            ..Delivery::default()
        };
        assert!(
            check_responses(
                &twice,
                &[put(200, "SUCCESS", "a"), put(200, "SUCCESS", "a")]
            )
            .is_empty()
        );
        let problems = check_responses(
            &twice,
            &[put(200, "SUCCESS", "a"), put(200, "SUCCESS", "b")],
        );
        assert!(problems[0].contains("disagree"), "{problems:?}");
    }

    #[test]
    fn a_refused_answer_is_not_sent_again() {
        let refused = Delivery {
            response_statuses: vec![403],
            ..Delivery::default()
        };
        assert!(check_responses(&refused, &[put(403, "SUCCESS", "a")]).is_empty());
        let again = check_responses(
            &refused,
            &[put(403, "SUCCESS", "a"), put(200, "SUCCESS", "a")],
        );
        assert_eq!(again.len(), 2, "{again:?}");
    }
}
