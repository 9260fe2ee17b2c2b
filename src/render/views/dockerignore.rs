//! What `dockerignore.j2` prints besides its fixed list: the generated files in one build context, which the
//! build does not need. One `.dockerignore` per distinct context (BuildKit reads it from the context's root).
//! Only mkmulti's own files at the paths the config gives them: the project's own Makefile, Dockerfile or
//! scripts may be what its own builds, which read this file too, copy in.

use serde::Serialize;

use crate::plan::Plan;

#[derive(Debug, Serialize)]
pub struct DockerignoreView<'a> {
    /// The context, relative to the config's directory: `.` or `services/api`.
    pub context: &'a str,
    /// The generated Dockerfiles in this context, relative to it.
    pub dockerfiles: Vec<&'a str>,
    /// The context is the config's directory, which also holds the Makefile, compose.yaml and the scripts.
    pub holds_outputs: bool,
    /// `output.makefile-path`.
    pub makefile: &'a str,
    /// The generated scripts, when they are.
    pub scripts: Vec<&'static str>,
}

impl<'a> DockerignoreView<'a> {
    /// One view per distinct build context, in the order of the apps that first name each.
    pub fn all(plan: &'a Plan) -> Vec<Self> {
        let mut views: Vec<Self> = Vec::new();
        for app in &plan.apps {
            let dockerfile = app.dockerfile_in_context.as_str();
            match views.iter_mut().find(|v| v.context == app.context) {
                Some(view) => view.dockerfiles.push(dockerfile),
                None => views.push(Self {
                    context: &app.context,
                    dockerfiles: vec![dockerfile],
                    holds_outputs: app.context == ".",
                    makefile: &plan.output.makefile_path,
                    scripts: if plan.output.scripts { crate::plan::SCRIPTS.to_vec() } else { Vec::new() },
                }),
            }
        }
        views
    }

    /// Where this `.dockerignore` is written, relative to the config's directory.
    pub fn path(&self) -> String {
        if self.context == "." { ".dockerignore".to_string() } else { format!("{}/.dockerignore", self.context) }
    }
}
