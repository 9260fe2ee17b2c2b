//! What `doctor` checks the machine for: the platforms (the config's, `--platforms`, or the two most images
//! need), which apps run a step under emulation on each, and the builder the generated Makefile would use.

use crate::plan::Plan;
use crate::platform::{self, PlatformInfo};

/// The platforms checked when there is no config and no `--platforms`: what most images are built for.
pub const COMMON_PLATFORMS: &str = "linux/amd64,linux/arm64";

/// Where the platform list came from; the report's first line says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The config file, by its label.
    Config(String),
    Flag,
    /// No config here and no `--platforms`.
    Common,
}

/// What the machine is checked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub platforms: Vec<&'static PlatformInfo>,
    pub source: Source,
    /// The config's project, whose Makefile names its builder `<project>-builder`.
    pub project: Option<String>,
    /// Each app that runs a step on the target platform (installs runtime packages), with its platforms.
    emulating: Vec<(String, Vec<&'static str>)>,
}

impl Target {
    /// `--platforms` (comma-separated), else the config's platforms, else [`COMMON_PLATFORMS`]. With a flag
    /// and a config, every emulating app is taken to build every flagged platform.
    pub fn new(plan: Option<&Plan>, flag: Option<&str>) -> Result<Target, String> {
        let flagged = flag.map(parse_list).transpose()?;
        let Some(plan) = plan else {
            let source = if flagged.is_some() { Source::Flag } else { Source::Common };
            let platforms = match flagged {
                Some(p) => p,
                None => parse_list(COMMON_PLATFORMS).expect("the common platforms parse"),
            };
            return Ok(Target { platforms, source, project: None, emulating: vec![] });
        };
        let emulating = plan
            .apps
            .iter()
            .filter(|a| a.emulated_steps > 0)
            .map(|a| {
                let on = match &flagged {
                    Some(list) => list.iter().map(|p| p.oci).collect(),
                    None => a.platforms.iter().map(|p| p.oci).collect(),
                };
                (a.name.clone(), on)
            })
            .collect();
        let (platforms, source) = match flagged {
            Some(list) => (list, Source::Flag),
            None => {
                let list = plan.platforms.iter().filter_map(|p| platform::parse(p.oci).ok().map(|p| p.info)).collect();
                (list, Source::Config(plan.config_file.clone()))
            }
        };
        Ok(Target { platforms, source, project: Some(plan.project.name.clone()), emulating })
    }

    /// The apps that run a step on `oci`.
    pub fn emulating(&self, oci: &str) -> Vec<&str> {
        self.emulating.iter().filter(|(_, on)| on.contains(&oci)).map(|(name, _)| name.as_str()).collect()
    }

    /// The builder checked when neither `--builder` nor `$BUILDER_NAME` names one: the generated Makefile's
    /// `<project>-builder`, or without a config the engine's own builder `default`.
    pub fn default_builder(&self) -> String {
        self.project.as_ref().map_or_else(|| "default".to_string(), |p| format!("{p}-builder"))
    }

    /// A name for a docker-container builder doctor suggests creating.
    pub fn suggested_builder(&self) -> String {
        self.project.as_ref().map_or_else(|| "multiarch".to_string(), |p| format!("{p}-builder"))
    }

    pub fn oci_list(&self) -> String {
        self.platforms.iter().map(|p| p.oci).collect::<Vec<_>>().join(", ")
    }

    /// The report's first line: which platforms are checked, and why those.
    pub fn headline(&self) -> String {
        let why = match &self.source {
            Source::Config(label) => format!("the platforms of {label}"),
            Source::Flag => "from --platforms".to_string(),
            Source::Common => {
                "no multiarch.toml here, so the two most images need (--platforms LIST checks others)".to_string()
            }
        };
        format!("checking {}: {why}", self.oci_list())
    }
}

/// `linux/amd64,linux/arm64`: each entry as `platform::parse` reads it, duplicates dropped.
fn parse_list(list: &str) -> Result<Vec<&'static PlatformInfo>, String> {
    let mut out: Vec<&'static PlatformInfo> = Vec::new();
    for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let info = platform::parse(entry).map_err(|e| format!("--platforms: `{entry}`: {e}"))?.info;
        if !out.contains(&info) {
            out.push(info);
        }
    }
    if out.is_empty() {
        return Err("--platforms needs at least one platform, e.g. linux/amd64,linux/arm64".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::fake::plan;

    #[test]
    fn platforms_come_from_the_flag_then_the_config_then_the_common_two() {
        let common = Target::new(None, None).unwrap();
        assert_eq!((common.oci_list().as_str(), &common.source), ("linux/amd64, linux/arm64", &Source::Common));
        assert_eq!(common.default_builder(), "default");
        assert!(common.emulating("linux/arm64").is_empty());

        let flagged = Target::new(None, Some("arm64, linux/arm/v7,linux/arm64")).unwrap();
        assert_eq!((flagged.oci_list().as_str(), &flagged.source), ("linux/arm64, linux/arm/v7", &Source::Flag));

        let p = plan(true);
        let config = Target::new(Some(&p), None).unwrap();
        assert_eq!(config.source, Source::Config("multiarch.toml".into()));
        assert_eq!(config.oci_list(), "linux/amd64, linux/arm64, linux/arm/v7");
        assert_eq!(config.emulating("linux/arm64"), ["api"]);
        assert_eq!(config.default_builder(), "demo-builder");
        assert_eq!(
            config.headline(),
            "checking linux/amd64, linux/arm64, linux/arm/v7: the platforms of multiarch.toml"
        );

        let overridden = Target::new(Some(&p), Some("linux/s390x")).unwrap();
        assert_eq!((overridden.oci_list().as_str(), &overridden.source), ("linux/s390x", &Source::Flag));
        assert_eq!(overridden.emulating("linux/s390x"), ["api"], "the flag's platforms are the apps' now");
        assert_eq!(overridden.default_builder(), "demo-builder");
    }

    #[test]
    fn a_bad_platform_list_says_which_entry() {
        let e = Target::new(None, Some("linux/amd64,linux/amd46")).unwrap_err();
        assert!(e.starts_with("--platforms: `linux/amd46`: unknown architecture"), "{e}");
        assert!(Target::new(None, Some(" , ")).is_err());
    }
}
