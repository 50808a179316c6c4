//! AddTags, DeleteTags and ListTags on the region's workforces and work
//! teams, found by ARN. A workforce's and a team's tags start as their
//! Create request's `Tags` and go with them.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::Deserialize;
use serde_json::{Value, json};

use super::errors::ApiError;
use super::requests::TagRequest;
use super::state::{RegionState, Shared};
use super::validation::{Violations, check_tags};

/// Most tags one resource holds (SageMaker's quota).
const MAX_TAGS_PER_RESOURCE: usize = 50;

pub(super) type Tags = BTreeMap<String, String>;

/// The tags of a Create request (validated by `check_tags`).
pub(super) fn from_request(tags: Option<Vec<TagRequest>>) -> Tags {
    tags.unwrap_or_default()
        .into_iter()
        .map(|tag| (tag.key.unwrap_or_default(), tag.value.unwrap_or_default()))
        .collect()
}

fn as_list(tags: &Tags) -> Value {
    Value::Array(
        tags.iter()
            .map(|(key, value)| json!({ "Key": key, "Value": value }))
            .collect(),
    )
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct AddTagsRequest {
    resource_arn: Option<String>,
    tags: Option<Vec<TagRequest>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct DeleteTagsRequest {
    resource_arn: Option<String>,
    tag_keys: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ListTagsRequest {
    resource_arn: Option<String>,
    max_results: Option<i64>,
    next_token: Option<String>,
}

fn check_arn<'a>(v: &mut Violations, arn: Option<&'a str>) -> Option<&'a str> {
    let arn = v.required(arn, "resourceArn")?;
    v.length(arn, "resourceArn", 0, 256).then_some(arn)
}

/// The tags of the workforce or work team `arn` names in `region`.
fn tags_of<'a>(region: &'a mut RegionState, arn: &str) -> Result<&'a mut Tags, ApiError> {
    let workforce = region
        .workforces
        .values_mut()
        .find(|workforce| workforce.arn == arn)
        .map(|workforce| &mut workforce.tags);
    match workforce {
        Some(tags) => Ok(tags),
        None => region
            .workteams
            .values_mut()
            .find(|team| team.arn == arn)
            .map(|team| &mut team.tags)
            .ok_or_else(|| ApiError::validation(format!("Resource {arn} does not exist."))),
    }
}

pub(super) fn add_tags(
    shared: &Shared,
    region: &str,
    request: AddTagsRequest,
) -> Result<Value, ApiError> {
    let mut v = Violations::default();
    let arn = check_arn(&mut v, request.resource_arn.as_deref()).map(str::to_owned);
    match request.tags.as_deref() {
        None => v.fail(None, "tags", "Member must not be null"),
        Some(tags) => check_tags(&mut v, Some(tags)),
    }
    v.finish()?;
    let arn = arn.unwrap_or_default();
    let added = from_request(request.tags);
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    let tags = tags_of(state.region(region), &arn)?;
    let total = tags
        .keys()
        .chain(added.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if total > MAX_TAGS_PER_RESOURCE {
        return Err(ApiError::new(
            "ResourceLimitExceeded",
            format!(
                "Resource {arn} would have {total} tags; a resource can have at most {MAX_TAGS_PER_RESOURCE}"
            ),
        ));
    }
    tags.extend(added.clone());
    Ok(json!({ "Tags": as_list(&added) }))
}

pub(super) fn delete_tags(
    shared: &Shared,
    region: &str,
    request: DeleteTagsRequest,
) -> Result<Value, ApiError> {
    let mut v = Violations::default();
    let arn = check_arn(&mut v, request.resource_arn.as_deref()).map(str::to_owned);
    match request.tag_keys.as_deref() {
        None => v.fail(None, "tagKeys", "Member must not be null"),
        Some(keys) => {
            v.list_length(keys, "tagKeys", 1, 50);
            for (i, key) in keys.iter().enumerate() {
                v.length(key, &format!("tagKeys.{}.member", i + 1), 1, 128);
            }
        }
    }
    v.finish()?;
    let arn = arn.unwrap_or_default();
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    let tags = tags_of(state.region(region), &arn)?;
    for key in request.tag_keys.unwrap_or_default() {
        tags.remove(&key);
    }
    Ok(json!({}))
}

pub(super) fn list_tags(
    shared: &Shared,
    region: &str,
    request: ListTagsRequest,
) -> Result<Value, ApiError> {
    let mut v = Violations::default();
    let arn = check_arn(&mut v, request.resource_arn.as_deref()).map(str::to_owned);
    if let Some(max) = request.max_results
        && !(50..=100).contains(&max)
    {
        let constraint = if max < 50 {
            "Member must have value greater than or equal to 50"
        } else {
            "Member must have value less than or equal to 100"
        };
        v.fail(Some(&max.to_string()), "maxResults", constraint);
    }
    v.finish()?;
    let arn = arn.unwrap_or_default();
    let mut state = shared.lock();
    state.advance(&shared.options, Instant::now());
    let tags = tags_of(state.region(region), &arn)?;
    let start = match &request.next_token {
        None => 0,
        Some(token) => token
            .strip_prefix("tags-")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n <= tags.len())
            .ok_or_else(|| ApiError::validation(format!("Invalid pagination token {token}")))?,
    };
    let max = usize::try_from(request.max_results.unwrap_or(50)).unwrap_or(50);
    let page: Tags = tags
        .iter()
        .skip(start)
        .take(max)
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let mut out = json!({ "Tags": as_list(&page) });
    if start + max < tags.len() {
        out["NextToken"] = json!(format!("tags-{}", start + max));
    }
    Ok(out)
}
