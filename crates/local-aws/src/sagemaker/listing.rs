//! Sorting and paging, shared by ListWorkforces and ListWorkteams.

use serde_json::{Value, json};

use super::errors::ApiError;
use super::requests::ListRequest;
use super::validation::{Violations, check_max_results};

/// Sorting and paging shared by the list operations.
pub(super) fn list_page(
    mut items: Vec<(String, f64, Value)>,
    request: &ListRequest,
) -> Result<(Vec<Value>, Option<String>), ApiError> {
    let mut v = Violations::default();
    check_max_results(&mut v, request.max_results);
    if let Some(sort_by) = &request.sort_by {
        v.one_of(sort_by, "sortBy", &["Name", "CreateDate"]);
    }
    if let Some(order) = &request.sort_order {
        v.one_of(order, "sortOrder", &["Ascending", "Descending"]);
    }
    v.finish()?;
    if let Some(part) = &request.name_contains {
        items.retain(|(name, _, _)| name.contains(part.as_str()));
    }
    if request.sort_by.as_deref() == Some("Name") {
        items.sort_by(|a, b| a.0.cmp(&b.0));
    } else {
        items.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    }
    if request.sort_order.as_deref() == Some("Descending") {
        items.reverse();
    }
    let start = match &request.next_token {
        None => 0,
        Some(token) => token
            .strip_prefix("page-")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n <= items.len())
            .ok_or_else(|| ApiError::validation(format!("Invalid pagination token {token}")))?,
    };
    let max = usize::try_from(request.max_results.unwrap_or(10)).unwrap_or(10);
    let end = (start + max).min(items.len());
    let next = (end < items.len()).then(|| format!("page-{end}"));
    let page = items
        .into_iter()
        .skip(start)
        .take(end - start)
        .map(|(_, _, v)| v)
        .collect();
    Ok((page, next))
}

pub(super) fn with_next_token(mut out: Value, next: Option<String>) -> Value {
    if let Some(next) = next {
        out["NextToken"] = json!(next);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_page_with_tokens() {
        let items: Vec<(String, f64, Value)> = (0..5)
            .map(|i| (format!("n{i}"), f64::from(5 - i), json!(i)))
            .collect();
        let request = ListRequest {
            max_results: Some(2),
            ..Default::default()
        };
        // Default order: CreateDate ascending.
        let (page, next) = list_page(items.clone(), &request).unwrap();
        assert_eq!(page, vec![json!(4), json!(3)]);
        let request = ListRequest {
            max_results: Some(2),
            sort_by: Some("Name".into()),
            next_token: next,
            ..Default::default()
        };
        let (page, next) = list_page(items.clone(), &request).unwrap();
        assert_eq!(page, vec![json!(2), json!(3)]);
        assert_eq!(next.as_deref(), Some("page-4"));
        let bad = ListRequest {
            next_token: Some("nope".into()),
            ..Default::default()
        };
        assert_eq!(
            list_page(items, &bad).unwrap_err().code,
            "ValidationException"
        );
    }
}
