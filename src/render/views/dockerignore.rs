//! What `dockerignore.j2` prints besides its fixed list: the generated Dockerfiles, which the build context
//! does not need.

use serde::Serialize;

use crate::plan::Plan;

#[derive(Debug, Serialize)]
pub struct DockerignoreView<'a> {
    pub dockerfiles: Vec<&'a str>,
}

impl<'a> DockerignoreView<'a> {
    pub fn new(plan: &'a Plan) -> Self {
        Self { dockerfiles: plan.apps.iter().map(|a| a.dockerfile.as_str()).collect() }
    }
}
