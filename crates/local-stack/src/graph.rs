//! The dependency graph: creation order, deletion order, cycles. Pure.

use std::collections::{BTreeMap, BTreeSet};

/// Why resources cannot be ordered.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GraphError {
    #[error("circular dependency between resources: {}", .0.join(" -> "))]
    Cycle(Vec<String>),
    #[error("{from} depends on {to}, which is not a resource of the stack")]
    Missing { from: String, to: String },
}

/// `node -> the nodes it depends on`.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// A creation order: every node after all it depends on. Among nodes that
/// are ready at the same time, the alphabetical first goes first, so runs
/// are repeatable.
pub fn creation_order(graph: &Graph) -> Result<Vec<String>, GraphError> {
    for (from, deps) in graph {
        if let Some(to) = deps.iter().find(|d| !graph.contains_key(*d)) {
            return Err(GraphError::Missing {
                from: from.clone(),
                to: to.clone(),
            });
        }
    }
    let mut waiting: BTreeMap<&str, usize> = graph
        .iter()
        .map(|(node, deps)| (node.as_str(), deps.len()))
        .collect();
    let mut dependants: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (node, deps) in graph {
        for dep in deps {
            dependants.entry(dep).or_default().push(node);
        }
    }
    let mut ready: BTreeSet<&str> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(node, _)| *node)
        .collect();
    let mut order = Vec::with_capacity(graph.len());
    while let Some(node) = ready.pop_first() {
        order.push(node.to_owned());
        for dependant in dependants.get(node).into_iter().flatten() {
            if let Some(count) = waiting.get_mut(dependant) {
                *count -= 1;
                if *count == 0 {
                    ready.insert(dependant);
                }
            }
        }
    }
    if order.len() < graph.len() {
        let placed: BTreeSet<&str> = order.iter().map(String::as_str).collect();
        return Err(GraphError::Cycle(find_cycle(graph, &placed)));
    }
    Ok(order)
}

/// The reverse of a creation order: dependants before what they depend on.
pub fn deletion_order(graph: &Graph) -> Result<Vec<String>, GraphError> {
    let mut order = creation_order(graph)?;
    order.reverse();
    Ok(order)
}

/// A cycle among the nodes that could not be placed, as `A -> B -> A`.
fn find_cycle(graph: &Graph, placed: &BTreeSet<&str>) -> Vec<String> {
    // Every unplaced node depends on some unplaced node, so walking
    // unplaced dependencies must come back to a node already on the path.
    let Some(start) = graph.keys().find(|k| !placed.contains(k.as_str())) else {
        return Vec::new();
    };
    let mut path: Vec<&str> = vec![start];
    loop {
        let Some(current) = path.last().copied() else {
            return Vec::new();
        };
        let next = graph[current]
            .iter()
            .find(|d| !placed.contains(d.as_str()))
            .map(String::as_str);
        let Some(next) = next else {
            return path.iter().map(|s| (*s).to_owned()).collect();
        };
        if let Some(at) = path.iter().position(|p| *p == next) {
            let mut cycle: Vec<String> = path[at..].iter().map(|s| (*s).to_owned()).collect();
            cycle.push(next.to_owned());
            return cycle;
        }
        path.push(next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(edges: &[(&str, &[&str])]) -> Graph {
        edges
            .iter()
            .map(|(node, deps)| {
                (
                    (*node).to_owned(),
                    deps.iter().map(|d| (*d).to_owned()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn orders_dependencies_first_and_deletes_in_reverse() {
        let g = graph(&[
            ("Workteam", &["Workforce", "Group"]),
            ("Group", &["Workforce", "Pool"]),
            ("Workforce", &["Pool", "Client"]),
            ("Client", &["Pool"]),
            ("Pool", &[]),
            ("Logs", &[]),
        ]);
        let order = creation_order(&g).unwrap();
        assert_eq!(
            order,
            ["Logs", "Pool", "Client", "Workforce", "Group", "Workteam"]
        );
        let position = |n: &str| order.iter().position(|o| o == n).unwrap();
        for (node, deps) in &g {
            for dep in deps {
                assert!(position(dep) < position(node), "{dep} before {node}");
            }
        }
        let reverse = deletion_order(&g).unwrap();
        assert_eq!(reverse.first().map(String::as_str), Some("Workteam"));
        assert_eq!(reverse.last().map(String::as_str), Some("Logs"));
    }

    #[test]
    fn a_cycle_is_named() {
        let g = graph(&[
            ("A", &["B"]),
            ("B", &["C"]),
            ("C", &["A"]),
            ("D", &["A"]),
            ("E", &[]),
        ]);
        let error = creation_order(&g).unwrap_err();
        assert_eq!(
            error.to_string(),
            "circular dependency between resources: A -> B -> C -> A"
        );
    }

    #[test]
    fn a_missing_dependency_is_named() {
        let g = graph(&[("A", &["Ghost"])]);
        assert_eq!(
            creation_order(&g).unwrap_err(),
            GraphError::Missing {
                from: "A".into(),
                to: "Ghost".into()
            }
        );
    }
}
