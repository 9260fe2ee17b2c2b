//! Target platforms: parsing and normalising what users write, and the per-platform facts every output needs.
//!
//! Sources for the table below (checked 2026):
//! - canonical names and aliases: containerd/platforms `platforms.go` and `database.go` (`normalizeArch`);
//! - Go: `go tool dist list`, `GOARM` from `cmd/dist/build.go` (5, 6, 7);
//! - Rust: `rustc --print target-list`;
//! - Debian bookworm: the `dpkg --print-architecture` names and the `gcc-<triple>` / `libc6-dev-<arch>-cross`
//!   cross packages;
//! - ELF `e_machine` values: the System V gABI (`EM_X86_64` 62, `EM_AARCH64` 183, ...);
//! - `uname -m` spellings: Linux `arch/*/Makefile` `UTS_MACHINE`, macOS `arm64`;
//! - QEMU architecture names: qemu's `linux-user` targets, as `qemu-user-static` and tonistiigi/binfmt register them;
//! - GitHub-hosted runners: `ubuntu-24.04` (x86-64) and `ubuntu-24.04-arm` (Arm64); there are none for the
//!   other architectures, which build on x86-64.

use std::fmt;

/// Everything mkmulti knows about one `linux/...` platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlatformInfo {
    /// Canonical OCI form, as Docker prints it: `linux/arm/v7`.
    pub oci: &'static str,
    /// `TARGETARCH` as BuildKit sets it.
    pub arch: &'static str,
    /// `TARGETVARIANT` as BuildKit sets it (empty when none).
    pub variant: &'static str,
    /// Go `GOARCH`.
    pub goarch: &'static str,
    /// Go `GOARM` (only for `GOARCH=arm`).
    pub goarm: Option<&'static str>,
    /// Rust target triple with glibc.
    pub rust_gnu: &'static str,
    /// Rust target triple with musl; `None` where rustup ships no standard library for it (tier 3).
    pub rust_musl: Option<&'static str>,
    /// Debian architecture name; `None` where Debian has no exact match.
    pub debian_arch: Option<&'static str>,
    /// GNU toolchain prefix of Debian's cross gcc (`aarch64-linux-gnu`).
    pub gnu_prefix: Option<&'static str>,
    /// The Debian bookworm architecture whose static binaries (`tini-static`) run here: armel's for arm/v6,
    /// since Debian's armhf needs ARMv7; `None` where bookworm has no release architecture (riscv64).
    pub debian_static_arch: Option<&'static str>,
    /// ELF `e_machine` of a binary for this platform, as its two bytes in the file's byte order (big-endian for
    /// s390x, little-endian elsewhere) the way `od -tx1` prints them.
    pub elf_machine: &'static str,
    /// `uname -m` spellings that identify this platform (Linux first, then other systems').
    pub uname: &'static [&'static str],
    /// QEMU's name for the architecture: its binfmt_misc entry is `/proc/sys/fs/binfmt_misc/qemu-<this>`.
    pub qemu_arch: &'static str,
    /// The GitHub-hosted runner a native-runner workflow builds this platform on.
    pub github_runner: &'static str,
    /// That runner executes this platform's binaries without QEMU (x86-64 runs i386 code; Arm runners are
    /// 64-bit only as far as can be relied on, so 32-bit Arm counts as emulated).
    pub github_runner_native: bool,
}

/// The platforms mkmulti can build for, in the order it lists them.
pub const PLATFORMS: &[PlatformInfo] = &[
    PlatformInfo {
        oci: "linux/amd64",
        arch: "amd64",
        variant: "",
        goarch: "amd64",
        goarm: None,
        rust_gnu: "x86_64-unknown-linux-gnu",
        rust_musl: Some("x86_64-unknown-linux-musl"),
        debian_arch: Some("amd64"),
        gnu_prefix: Some("x86_64-linux-gnu"),
        debian_static_arch: Some("amd64"),
        elf_machine: "3e 00",
        uname: &["x86_64", "amd64"],
        qemu_arch: "x86_64",
        github_runner: "ubuntu-24.04",
        github_runner_native: true,
    },
    PlatformInfo {
        oci: "linux/arm64",
        arch: "arm64",
        variant: "",
        goarch: "arm64",
        goarm: None,
        rust_gnu: "aarch64-unknown-linux-gnu",
        rust_musl: Some("aarch64-unknown-linux-musl"),
        debian_arch: Some("arm64"),
        gnu_prefix: Some("aarch64-linux-gnu"),
        debian_static_arch: Some("arm64"),
        elf_machine: "b7 00",
        uname: &["aarch64", "arm64"],
        qemu_arch: "aarch64",
        github_runner: "ubuntu-24.04-arm",
        github_runner_native: true,
    },
    PlatformInfo {
        oci: "linux/arm/v7",
        arch: "arm",
        variant: "v7",
        goarch: "arm",
        goarm: Some("7"),
        rust_gnu: "armv7-unknown-linux-gnueabihf",
        rust_musl: Some("armv7-unknown-linux-musleabihf"),
        debian_arch: Some("armhf"),
        gnu_prefix: Some("arm-linux-gnueabihf"),
        debian_static_arch: Some("armhf"),
        elf_machine: "28 00",
        // armv8l: a 32-bit userland on an ARMv8 CPU, which runs arm/v7 images (aarch64_be, big-endian, runs none).
        uname: &["armv7l", "armv7", "armv8l"],
        qemu_arch: "arm",
        github_runner: "ubuntu-24.04-arm",
        github_runner_native: false,
    },
    PlatformInfo {
        oci: "linux/arm/v6",
        arch: "arm",
        variant: "v6",
        goarch: "arm",
        goarm: Some("6"),
        rust_gnu: "arm-unknown-linux-gnueabihf",
        rust_musl: Some("arm-unknown-linux-musleabihf"),
        debian_arch: None,
        gnu_prefix: None,
        debian_static_arch: Some("armel"),
        elf_machine: "28 00",
        uname: &["armv6l", "armv6"],
        qemu_arch: "arm",
        github_runner: "ubuntu-24.04-arm",
        github_runner_native: false,
    },
    PlatformInfo {
        oci: "linux/arm/v5",
        arch: "arm",
        variant: "v5",
        goarch: "arm",
        goarm: Some("5"),
        rust_gnu: "armv5te-unknown-linux-gnueabi",
        rust_musl: Some("armv5te-unknown-linux-musleabi"),
        debian_arch: Some("armel"),
        gnu_prefix: Some("arm-linux-gnueabi"),
        debian_static_arch: Some("armel"),
        elf_machine: "28 00",
        uname: &["armv5tel", "armv5l", "armv5"],
        qemu_arch: "arm",
        github_runner: "ubuntu-24.04-arm",
        github_runner_native: false,
    },
    PlatformInfo {
        oci: "linux/386",
        arch: "386",
        variant: "",
        goarch: "386",
        goarm: None,
        rust_gnu: "i686-unknown-linux-gnu",
        rust_musl: Some("i686-unknown-linux-musl"),
        debian_arch: Some("i386"),
        gnu_prefix: Some("i686-linux-gnu"),
        debian_static_arch: Some("i386"),
        elf_machine: "03 00",
        uname: &["i686", "i386", "i586"],
        qemu_arch: "i386",
        github_runner: "ubuntu-24.04",
        github_runner_native: true,
    },
    PlatformInfo {
        oci: "linux/riscv64",
        arch: "riscv64",
        variant: "",
        goarch: "riscv64",
        goarm: None,
        rust_gnu: "riscv64gc-unknown-linux-gnu",
        rust_musl: Some("riscv64gc-unknown-linux-musl"),
        debian_arch: Some("riscv64"),
        gnu_prefix: Some("riscv64-linux-gnu"),
        debian_static_arch: None,
        elf_machine: "f3 00",
        uname: &["riscv64"],
        qemu_arch: "riscv64",
        github_runner: "ubuntu-24.04",
        github_runner_native: false,
    },
    PlatformInfo {
        oci: "linux/ppc64le",
        arch: "ppc64le",
        variant: "",
        goarch: "ppc64le",
        goarm: None,
        rust_gnu: "powerpc64le-unknown-linux-gnu",
        rust_musl: Some("powerpc64le-unknown-linux-musl"),
        debian_arch: Some("ppc64el"),
        gnu_prefix: Some("powerpc64le-linux-gnu"),
        debian_static_arch: Some("ppc64el"),
        elf_machine: "15 00",
        uname: &["ppc64le"],
        qemu_arch: "ppc64le",
        github_runner: "ubuntu-24.04",
        github_runner_native: false,
    },
    PlatformInfo {
        oci: "linux/s390x",
        arch: "s390x",
        variant: "",
        goarch: "s390x",
        goarm: None,
        rust_gnu: "s390x-unknown-linux-gnu",
        rust_musl: None,
        debian_arch: Some("s390x"),
        gnu_prefix: Some("s390x-linux-gnu"),
        debian_static_arch: Some("s390x"),
        elf_machine: "00 16",
        uname: &["s390x"],
        qemu_arch: "s390x",
        github_runner: "ubuntu-24.04",
        github_runner_native: false,
    },
];

impl PlatformInfo {
    /// `amd64`, `arm64`, `armv7`: `TARGETARCH` and `TARGETVARIANT` joined, as used in stage names and make targets.
    pub fn slug(&self) -> String {
        format!("{}{}", self.arch, self.variant)
    }
}

impl fmt::Display for PlatformInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.oci)
    }
}

/// How a platform string was understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub info: &'static PlatformInfo,
    /// Set when the input was an alias, with the canonical form it became.
    pub normalised_from: Option<String>,
}

/// Why a platform string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlatformError {
    Empty,
    Wildcard,
    NotLinux { os: String },
    UnknownArch { arch: String, suggestion: Option<&'static str> },
    UnknownVariant { arch: &'static str, variant: String, known: Vec<&'static str> },
}

impl fmt::Display for PlatformError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlatformError::Empty => f.write_str("a platform cannot be empty"),
            PlatformError::Wildcard => f.write_str("wildcards are not platforms; list each platform"),
            PlatformError::NotLinux { os } => {
                write!(f, "operating system `{os}` is not supported; container images here are `linux/...`")
            }
            PlatformError::UnknownArch { arch, .. } => write!(f, "unknown architecture `{arch}`"),
            PlatformError::UnknownVariant { arch, variant, known } => {
                if known.is_empty() {
                    write!(f, "architecture `{arch}` has no variant `{variant}`")
                } else {
                    write!(f, "`{arch}` has no variant `{variant}` (known: {})", known.join(", "))
                }
            }
        }
    }
}

/// Parses a platform the way users write it (`linux/arm64`, `arm64`, `aarch64`, `linux/arm64/v8`, `armhf`,
/// `LINUX/AMD64`) into the canonical entry. Unlike containerd, a missing OS means `linux`, never the host's.
pub fn parse(input: &str) -> Result<Parsed, PlatformError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(PlatformError::Empty);
    }
    if trimmed.contains('*') {
        return Err(PlatformError::Wildcard);
    }
    let lower = trimmed.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('/').collect();
    let (os, arch, variant) = match parts.as_slice() {
        [arch] => ("linux", *arch, None),
        [first, second] if is_known_os(first) => (*first, *second, None),
        [arch, variant] => ("linux", *arch, Some(*variant)),
        [os, arch, variant] => (*os, *arch, Some(*variant)),
        _ => {
            return Err(PlatformError::UnknownArch { arch: trimmed.to_string(), suggestion: None });
        }
    };
    if os != "linux" {
        return Err(PlatformError::NotLinux { os: os.to_string() });
    }
    let (arch, implied_variant) = normalise_arch(arch);
    let variant = match (variant, implied_variant) {
        (Some(v), _) => Some(v.to_string()),
        (None, implied) => implied.map(str::to_string),
    };
    let candidates: Vec<&'static PlatformInfo> = PLATFORMS.iter().filter(|p| p.arch == arch).collect();
    if candidates.is_empty() {
        return Err(PlatformError::UnknownArch { suggestion: suggest_arch(arch), arch: arch.to_string() });
    }
    let info = match variant.as_deref() {
        Some(ARM64_VARIANT) if arch == "arm64" => candidates[0],
        // 32-bit ARM without a variant means v7, as containerd and Docker assume.
        None if arch == "arm" => candidates.iter().find(|p| p.variant == "v7").copied().unwrap_or(candidates[0]),
        None => candidates[0],
        Some(v) => match candidates.iter().find(|p| p.variant == v) {
            Some(p) => p,
            None => {
                let known = candidates.iter().map(|p| p.variant).filter(|v| !v.is_empty()).collect();
                let arch = candidates[0].arch;
                return Err(PlatformError::UnknownVariant { arch, variant: v.to_string(), known });
            }
        },
    };
    let normalised_from = (info.oci != trimmed).then(|| trimmed.to_string());
    Ok(Parsed { info, normalised_from })
}

/// Looks up a canonical platform by its OCI form.
pub fn by_oci(oci: &str) -> Option<&'static PlatformInfo> {
    PLATFORMS.iter().find(|p| p.oci == oci)
}

fn is_known_os(s: &str) -> bool {
    matches!(
        s,
        "linux" | "windows" | "darwin" | "macos" | "freebsd" | "netbsd" | "openbsd" | "solaris" | "illumos" | "wasip1"
    )
}

/// The architecture spellings [`parse`] accepts besides the table's own `arch` names: containerd's `normalizeArch`
/// plus the `uname -m` spellings users paste, each with the arch it means and the variant it implies.
pub const ARCH_ALIASES: &[(&str, &str, Option<&str>)] = &[
    ("x86_64", "amd64", None),
    ("x86-64", "amd64", None),
    ("aarch64", "arm64", None),
    ("armhf", "arm", Some("v7")),
    ("armv7", "arm", Some("v7")),
    ("armv7l", "arm", Some("v7")),
    ("armel", "arm", Some("v6")),
    ("armv6", "arm", Some("v6")),
    ("armv6l", "arm", Some("v6")),
    ("armv5", "arm", Some("v5")),
    ("armv5l", "arm", Some("v5")),
    ("armv5tel", "arm", Some("v5")),
    ("i386", "386", None),
    ("i686", "386", None),
    ("x86", "386", None),
    ("ppc64el", "ppc64le", None),
    ("riscv", "riscv64", None),
];

/// arm64's only variant, which containerd drops: `linux/arm64/v8` is `linux/arm64`.
const ARM64_VARIANT: &str = "v8";

/// Returns the arch and any variant an alias implies.
fn normalise_arch(arch: &str) -> (&str, Option<&'static str>) {
    ARCH_ALIASES
        .iter()
        .find(|(alias, _, _)| *alias == arch)
        .map_or((arch, None), |(_, arch, variant)| (*arch, *variant))
}

/// The spellings of each platform that [`parse`] accepts and normalises (with a note) to its canonical form, in
/// lowercase, generated from [`PLATFORMS`] and [`ARCH_ALIASES`]: each arch spelling alone and after `linux/`, the
/// variant without the OS (`arm/v6`), and arm64 with its `v8`. Not every accepted string (any case, surrounding
/// spaces and odd combinations such as `armhf/v6` parse too), but every one users write.
pub fn aliases() -> Vec<(String, &'static PlatformInfo)> {
    let mut out: Vec<(String, &'static PlatformInfo)> = Vec::new();
    for p in PLATFORMS {
        // Without a variant, `arm` means v7 (see `parse`).
        let bare_arch = p.variant.is_empty() || (p.arch == "arm" && p.variant == "v7");
        let spellings = bare_arch.then_some(p.arch).into_iter().chain(
            ARCH_ALIASES
                .iter()
                .filter(|(_, arch, variant)| *arch == p.arch && variant.unwrap_or_default() == p.variant)
                .map(|(alias, _, _)| *alias),
        );
        let mut forms: Vec<String> = spellings.flat_map(|s| [s.to_string(), format!("linux/{s}")]).collect();
        if !p.variant.is_empty() {
            forms.push(format!("{}/{}", p.arch, p.variant));
        }
        if p.arch == "arm64" {
            forms.extend([format!("arm64/{ARM64_VARIANT}"), format!("linux/arm64/{ARM64_VARIANT}")]);
        }
        out.extend(forms.into_iter().filter(|f| f != p.oci).map(|f| (f, p)));
    }
    out
}

fn suggest_arch(arch: &str) -> Option<&'static str> {
    crate::suggest::closest(arch, PLATFORMS.iter().map(|p| p.arch))
}

#[cfg(test)]
mod tests {

    #[test]
    fn elf_machine_bytes_are_in_each_platform_byte_order() {
        // (platform, EM_* from the System V gABI, big-endian)
        let expected = [
            ("linux/amd64", 62u16, false),
            ("linux/arm64", 183, false),
            ("linux/arm/v7", 40, false),
            ("linux/386", 3, false),
            ("linux/riscv64", 243, false),
            ("linux/ppc64le", 21, false),
            ("linux/s390x", 22, true),
        ];
        for (oci, em, big) in expected {
            let p = PLATFORMS.iter().find(|p| p.oci == oci).unwrap();
            let [a, b] = if big { em.to_be_bytes() } else { em.to_le_bytes() };
            assert_eq!(p.elf_machine, format!("{a:02x} {b:02x}"), "{oci}");
        }
    }
    use super::*;

    fn oci(s: &str) -> &'static str {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e}")).info.oci
    }

    #[test]
    fn canonical_forms_parse_to_themselves_without_a_note() {
        for p in PLATFORMS {
            let parsed = parse(p.oci).unwrap();
            assert_eq!(parsed.info.oci, p.oci);
            assert_eq!(parsed.normalised_from, None);
        }
    }

    #[test]
    fn aliases_normalise_like_containerd_but_default_to_linux() {
        assert_eq!(oci("aarch64"), "linux/arm64");
        assert_eq!(oci("arm64"), "linux/arm64");
        assert_eq!(oci("linux/arm64/v8"), "linux/arm64");
        assert_eq!(oci("x86_64"), "linux/amd64");
        assert_eq!(oci("LINUX/AMD64"), "linux/amd64");
        assert_eq!(oci("armhf"), "linux/arm/v7");
        assert_eq!(oci("linux/arm"), "linux/arm/v7");
        assert_eq!(oci("arm/v6"), "linux/arm/v6");
        assert_eq!(oci("armel"), "linux/arm/v6");
        assert_eq!(oci("armv5tel"), "linux/arm/v5");
        assert_eq!(oci("i386"), "linux/386");
        assert_eq!(oci("linux/ppc64el"), "linux/ppc64le");
        assert_eq!(parse("aarch64").unwrap().normalised_from.as_deref(), Some("aarch64"));
    }

    #[test]
    fn every_alias_parses_to_its_platform_with_a_note() {
        let aliases = aliases();
        for (alias, p) in &aliases {
            let parsed = parse(alias).unwrap_or_else(|e| panic!("{alias}: {e}"));
            assert_eq!(parsed.info, *p, "{alias}");
            assert_eq!(parsed.normalised_from.as_deref(), Some(alias.as_str()));
        }
        for alias in ["aarch64", "linux/x86_64", "armhf", "linux/arm", "arm/v6", "linux/arm64/v8", "i686", "riscv"] {
            assert!(aliases.iter().any(|(a, _)| a == alias), "{alias} is not listed");
        }
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(parse(""), Err(PlatformError::Empty));
        assert_eq!(parse("linux/*"), Err(PlatformError::Wildcard));
        assert_eq!(parse("darwin/arm64"), Err(PlatformError::NotLinux { os: "darwin".into() }));
        assert_eq!(parse("windows/amd64"), Err(PlatformError::NotLinux { os: "windows".into() }));
        match parse("linux/amd46") {
            Err(PlatformError::UnknownArch { arch, suggestion }) => {
                assert_eq!(arch, "amd46");
                assert_eq!(suggestion, Some("amd64"));
            }
            other => panic!("{other:?}"),
        }
        match parse("linux/arm/v9") {
            Err(PlatformError::UnknownVariant { known, .. }) => assert_eq!(known, vec!["v7", "v6", "v5"]),
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse("linux/mips64le"), Err(PlatformError::UnknownArch { .. })));
    }

    #[test]
    fn table_is_consistent() {
        for p in PLATFORMS {
            assert_eq!(
                p.oci,
                if p.variant.is_empty() {
                    format!("linux/{}", p.arch)
                } else {
                    format!("linux/{}/{}", p.arch, p.variant)
                }
            );
            assert_eq!(p.goarm.is_some(), p.goarch == "arm");
            assert!(p.rust_gnu.contains("linux-gnu") && p.rust_musl.is_none_or(|m| m.contains("linux-musl")));
            assert_eq!(p.debian_arch.is_some(), p.gnu_prefix.is_some());
        }
        for d in crate::config::defaults::PLATFORMS {
            assert!(by_oci(d).is_some());
        }
        assert_eq!(by_oci("linux/arm/v7").unwrap().slug(), "armv7");
    }
}
