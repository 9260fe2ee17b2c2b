//! Reading `docker buildx inspect` output into [`Inspect`]: the builder's driver, its nodes, the platforms they
//! run and whether the worker uses the containerd image store.
//!
//! The format was read from buildx's `commands/inspect.go` and `driver/docker/driver.go` and checked against
//! buildx 0.13.1 (2026-11):
//! - `docker buildx inspect --bootstrap NAME` prints `Key: value` lines aligned by a tabwriter: `Name`, `Driver`,
//!   then after `Nodes:` per node `Name`, `Endpoint`, `Status` (or `Error`), `Platforms` (comma-separated, `*`
//!   marks platforms set by hand) and an indented `Labels:` block. An unknown name exits 1 with
//!   `ERROR: no builder "NAME" found`;
//! - the `docker` driver builds several platforms only on the containerd image store. buildx decides that by the
//!   worker label `org.mobyproject.buildkit.worker.snapshotter` (which `inspect` prints); `docker info` shows the
//!   same store as `DriverStatus` `[["driver-type","io.containerd.snapshotter.v1"]]`.

use crate::platform;

/// What `docker buildx inspect` says about a builder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inspect {
    pub driver: String,
    /// A builder-level `Error:` line.
    pub error: Option<String>,
    pub nodes: Vec<Node>,
}

/// One node of a builder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub endpoint: String,
    pub status: String,
    pub error: Option<String>,
    /// Platforms as printed, the `*` of hand-set ones removed.
    pub platforms: Vec<String>,
    /// `None` when the output had no `Labels:` block (older buildx, or a node that is not running).
    pub labels: Option<Vec<(String, String)>>,
}

impl Inspect {
    /// Every platform any node runs, canonicalised; entries mkmulti has no name for (`linux/amd64/v2`) dropped.
    pub fn platforms(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for p in self.nodes.iter().flat_map(|n| &n.platforms) {
            if let Ok(parsed) = platform::parse(p)
                && !out.contains(&parsed.info.oci)
            {
                out.push(parsed.info.oci);
            }
        }
        out
    }

    /// Whether a node's worker uses a containerd snapshotter, the way buildx's docker driver decides it can build
    /// several platforms; `None` when no node printed labels.
    pub(super) fn containerd_store(&self) -> Option<bool> {
        let labelled: Vec<&Vec<(String, String)>> = self.nodes.iter().filter_map(|n| n.labels.as_ref()).collect();
        if labelled.is_empty() {
            return None;
        }
        Some(labelled.iter().any(|ls| ls.iter().any(|(k, _)| k == "org.mobyproject.buildkit.worker.snapshotter")))
    }
}

/// Reads `docker buildx inspect` output.
pub fn parse_inspect(text: &str) -> Inspect {
    let mut out = Inspect::default();
    let mut in_nodes = false;
    let mut in_labels = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if in_labels && let (Some(node), Some((k, v))) = (out.nodes.last_mut(), line.trim().split_once(':')) {
                node.labels.get_or_insert_with(Vec::new).push((k.trim().to_string(), v.trim().to_string()));
            }
            continue;
        }
        in_labels = false;
        let Some((key, value)) = line.split_once(':') else { continue };
        let value = value.trim().to_string();
        if !in_nodes {
            match key {
                "Driver" => out.driver = value,
                "Error" => out.error = Some(value),
                "Nodes" => in_nodes = true,
                _ => {}
            }
            continue;
        }
        if key == "Name" {
            out.nodes.push(Node { name: value, ..Node::default() });
            continue;
        }
        let Some(node) = out.nodes.last_mut() else { continue };
        match key {
            "Endpoint" => node.endpoint = value,
            "Status" => node.status = value,
            "Error" => node.error = Some(value),
            "Platforms" => {
                node.platforms = value
                    .split(',')
                    .map(|p| p.trim().trim_end_matches('*').to_string())
                    .filter(|p| !p.is_empty())
                    .collect();
            }
            "Labels" => {
                in_labels = true;
                node.labels.get_or_insert_with(Vec::new);
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::fake::{INSPECT_CONTAINER_AMD64, INSPECT_DEFAULT_CLASSIC, INSPECT_DEFAULT_CONTAINERD};

    #[test]
    fn inspect_output_is_read_as_buildx_prints_it() {
        let i = parse_inspect(INSPECT_DEFAULT_CONTAINERD);
        assert_eq!(i.driver, "docker");
        assert_eq!(i.nodes.len(), 1);
        assert_eq!(i.nodes[0].endpoint, "default");
        assert_eq!(i.nodes[0].status, "running");
        assert_eq!(i.platforms(), ["linux/amd64", "linux/arm64", "linux/riscv64", "linux/ppc64le", "linux/s390x"]);
        assert_eq!(i.containerd_store(), Some(true));
        assert_eq!(parse_inspect(INSPECT_DEFAULT_CLASSIC).containerd_store(), Some(false));
        let c = parse_inspect(INSPECT_CONTAINER_AMD64);
        assert_eq!(c.driver, "docker-container");
        assert_eq!(c.nodes[0].endpoint, "unix:///var/run/docker.sock");
        assert_eq!(c.platforms(), ["linux/amd64", "linux/386"], "the `*` of a hand-set platform is dropped");
        assert_eq!(c.nodes[0].labels.as_ref().map(Vec::len), Some(2), "GC policy lines are not labels");
        assert_eq!(
            parse_inspect("Name: x\nDriver: docker\n\nNodes:\nName: x\nStatus: inactive\n").containerd_store(),
            None
        );
    }
}
