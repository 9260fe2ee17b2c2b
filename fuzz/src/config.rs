//! A structure-aware input: fuzzer bytes choose a config made of the keys in `schema/multiarch.schema.json`,
//! serialised to TOML, so most inputs get past the TOML parser and reach the planner and the renderer.
//!
//! Most values come from pools of realistic ones (what the examples use, what the grammars accept) so that
//! whole configs validate; some are near misses, hostile strings or arbitrary text, some keys hold a value of
//! the wrong type, and a few keys are unknown. When the fuzzer's bytes run out every choice falls back to its
//! first, ordinary option, so short inputs give small valid configs.

use std::fmt;

use arbitrary::{Arbitrary, Result, Unstructured};
use toml::{Table, Value};

/// TOML text built from the schema's keys. `Debug` prints the text itself, so `cargo fuzz fmt` shows it.
pub struct ConfigText(pub String);

impl fmt::Debug for ConfigText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\n{}", self.0)
    }
}

impl<'a> Arbitrary<'a> for ConfigText {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let root = Gen { u, app_names: Vec::new() }.root()?;
        // Serialising a table of strings, integers, booleans and tables cannot fail; toml's own bugs are not
        // what this target looks for, so such an input is skipped rather than reported.
        toml::to_string(&root).map(ConfigText).map_err(|_| arbitrary::Error::IncorrectFormat)
    }
}

/// Values for one key: `good` ones pass its grammar (free text may still be hostile to a sink), `bad` ones
/// are near misses its checks must refuse.
struct Pool {
    good: &'static [&'static str],
    bad: &'static [&'static str],
}

struct Ints {
    good: &'static [i64],
    bad: &'static [i64],
}

const VERSIONS: Pool =
    Pool { good: &["0.1", "0.0", "0", "0.1.0"], bad: &["9.0", "v0.1", "1.x", "99999999999999999999.1", ""] };
const NAMES: Pool = Pool {
    good: &["demo", "go-hello", "backend", "frontend", "a", "x2", "api-server", "node-exporter", "b", "svc-1"],
    bad: &["My_Project", "app.v2", "-lead", "trail-", "a--b", "2fa", "validate", "Dockerfile", "a b"],
};
/// Free text: printable, so it passes validation, and full of what each sink must escape.
const FREE_TEXT: Pool = Pool {
    good: &[
        "A small service",
        "",
        "it's \"quoted\"",
        "$HOME and $(id) and `id`",
        "100% $$ {{ x }} [[ y ]] {% z %}",
        "# not a comment",
        "a\\b",
        "Ünïcödé ✓",
        "--flag",
        "-",
        "a=b; c && d | e > f",
        "'",
        "\"",
        "${ not_github }",
        "$",
        "%}",
        "[%",
        "#}",
        "<!-- -->",
        "\\\"",
        "' OR '1'='1",
        "http://localhost:8080/",
        "8080",
        "info",
    ],
    bad: &["a\tb", "line\nbreak", "${{ github.event.issue.title }}", "safe \u{202e} txt", "zero\u{200b}width", "\u{7}"],
};
const URLS: Pool = Pool {
    good: &["https://github.com/example/demo", "https://example.com", "https://git.example.com:8443/a/b"],
    bad: &["http://example.com", "git@github.com:example/demo.git", "example.com", "https://x/?q=1"],
};
const LICENSES: Pool =
    Pool { good: &["MIT", "Apache-2.0", "MIT OR Apache-2.0", "GPL-3.0-only WITH x"], bad: &["MIT AND", "MIT/Apache"] };
const PLATFORMS: Pool = Pool {
    good: &[
        // Every runtime image publishes the first five; only some publish the others.
        "linux/amd64",
        "linux/arm64",
        "linux/arm/v7",
        "linux/ppc64le",
        "linux/s390x",
        "linux/386",
        "linux/arm/v6",
        "linux/arm/v5",
        "linux/riscv64",
    ],
    bad: &[
        "darwin/arm64",
        "windows/amd64",
        "linux/*",
        "linux/mips64",
        "linux/arm/v9",
        "linux/amd64/v3",
        "linux",
        "/",
        "",
    ],
};
/// Aliases mkmulti normalises (with a note) to the canonical names above.
const PLATFORM_ALIASES: &[&str] = &["aarch64", "x86_64", "armhf", "arm64/v8", "linux/arm64/v8", "AMD64", "arm", "i386"];
const HOSTS: Pool = Pool {
    good: &[
        "docker.io",
        "ghcr.io",
        "quay.io",
        "registry.example.com",
        "localhost:5000",
        "registry.example.com:443",
        "index.docker.io",
        "[::1]:5000",
        "localhost",
        "GHCR.IO",
    ],
    bad: &["myregistry", "https://ghcr.io", "ghcr.io/", "-x.io", ""],
};
const NAMESPACES: Pool =
    Pool { good: &["example", "acme", "my-org/team", "a__b", "a/b/c/d", "a.b"], bad: &["Example", "-x", "org/", ""] };
const LANGUAGES: Pool = Pool { good: &["go", "rust"], bad: &["python", "Go", ""] };
const IMAGES: Pool = Pool {
    good: &["demo", "realtime-svg-backend", "acme/demo", "a/b/c"],
    bad: &["Demo", "demo:latest", "demo@sha256:abc", "ghcr.io/acme/demo", ""],
};
const IMAGE_REFS: Pool = Pool {
    good: &[
        "golang:1.22-bookworm",
        "rust:1.85-bookworm",
        "alpine:3.20",
        "debian:bookworm-slim",
        "gcr.io/distroless/static-debian12",
        "gcr.io/distroless/cc-debian12:nonroot",
        "ghcr.io/acme/base@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "localhost:5000/base:1",
        "[::1]:5000/base",
    ],
    bad: &["alpine:3.22@sha256:abc", "Alpine", "scratch", "alpine:", "-alpine", "alpine:-1"],
};
const RUNTIMES: Pool = Pool {
    good: &["distroless", "scratch", "distroless-static", "distroless-cc", "alpine", "debian-slim"],
    bad: &["busybox", "Alpine"],
};
const BINS: Pool = Pool { good: &["demo", "server", "my_bin", "bin.v2", "Demo"], bad: &["a b", "../x", "-v", ".x"] };
const PACKAGES: Pool = Pool { good: &["backend", "svg-core", "my_crate"], bad: &["Bad Name", ".", ""] };
const MAINS: Pool =
    Pool { good: &[".", "./cmd/demo", "./cmd/server", "./a.b/c_d"], bad: &["./", "./../other", "/abs", "cmd/x"] };
const DURATIONS: Pool =
    Pool { good: &["30s", "5s", "10s", "1m", "1m30s", "1h", "0s", "500ms", "1.5s"], bad: &["30", "-1s", "1d", "s"] };
const SYSTEM_PACKAGES: Pool = Pool {
    good: &["curl", "ca-certificates", "tzdata", "libssl3", "libstdc++6", "curl=7.88.1-10+deb12u5"],
    bad: &["CURL", "-y", "curl;id", ""],
};
const ENV_KEYS: Pool = Pool {
    good: &["RUST_LOG", "PORT", "BACKEND_URL", "GOFLAGS", "API_TOKEN", "DB_PASSWORD", "SECRET_KEY", "_X", "a1"],
    bad: &["1BAD", "a-b", "BAD NAME", "", "PATH", "VERSION", "TARGETPLATFORM"],
};
const SIGNALS: Pool = Pool {
    good: &["SIGTERM", "SIGINT", "SIGQUIT", "SIGKILL", "SIGRTMIN+3", "15"],
    bad: &["TERM", "SIGFOO; x", "sigterm", "SIGTERM; rm -rf /"],
};
const USERS: Pool =
    Pool { good: &["nonroot", "app", "_svc", "nobody", "a-b"], bad: &["root", "1000", "1000:1000", "app user", "-u"] };
const VOLUMES: Pool =
    Pool { good: &["/data", "/var/lib/demo", "/tmp", "/a.b/c-d"], bad: &["data", "/", "/data/../etc", "/a b", "/./x"] };
const GO_VERSIONS: Pool = Pool { good: &["1.22", "1.23", "1.22.3", "1"], bad: &["1.21rc1", "latest", "go1.22"] };
const GOAMD64: Pool = Pool { good: &["v1", "v2", "v3", "v4"], bad: &["v5", "V2", ""] };
const LDFLAGS: Pool =
    Pool { good: &["-s", "-w", "-X", "main.version=1.0", "-extldflags=-static", "a@b%c"], bad: &["-", "a b", "'x'"] };
const GO_TAGS: Pool = Pool { good: &["netgo", "osusergo", "timetzdata", "a.b_c"], bad: &["bad tag", "a,b", "-x"] };
const GO_PACKAGES: Pool =
    Pool { good: &["main", "github.com/example/demo/internal/version", "~x/y-z"], bad: &["bad package", "a;b"] };
const RUST_VERSIONS: Pool = Pool { good: &["1.85", "1.85.0", "1.95", "1"], bad: &["stable", "nightly", "1.x"] };
const LIBCS: Pool = Pool { good: &["gnu", "musl"], bad: &["uclibc"] };
const RUST_CACHES: Pool = Pool { good: &["mounts", "chef"], bad: &["sccache"] };
const PROFILES: Pool =
    Pool { good: &["release", "dev", "dist", "release-lto", "my_profile"], bad: &["bad profile", ""] };
const FEATURES: Pool =
    Pool { good: &["tls", "serde", "full", "backend/metrics", "a+b.c"], bad: &["dep:foo", "bad feature", "a/b/c"] };
const RESTARTS: Pool =
    Pool { good: &["unless-stopped", "always", "no", "on-failure"], bad: &["on-failure:3", "never"] };
const BRANCHES: Pool = Pool {
    good: &["main", "master", "release/v1", "develop", "a_b.c-d"],
    bad: &["release/*", "a..b", "x.lock", "-x", ""],
};
const TAG_PATTERNS: Pool = Pool { good: &["v*", "*", "v+.*", "release-*", "v*/x"], bad: &["", "v[0-9]*", "v* x"] };
const SECRETS: Pool = Pool {
    good: &["DOCKERHUB_TOKEN", "DOCKERHUB_USERNAME", "GITHUB_TOKEN", "REGISTRY_PASSWORD"],
    bad: &["GITHUB_X", "bad-name", "1X"],
};
const STRATEGIES: Pool = Pool { good: &["single", "native"], bad: &["matrix"] };
const PIN_ACTIONS: Pool = Pool { good: &["sha", "tag"], bad: &["branch"] };
const WORKFLOWS: Pool =
    Pool { good: &["docker", "release", "build-images", "Docker_2", "a.b"], bad: &["a/b", "../x", "", ".", "-x"] };
const COMMANDS: Pool = Pool {
    good: &["demo", "healthcheck", "/demo", "-f", "http://localhost:8080/", "curl", "wget", "it's", "$HOME", "{{ x }}"],
    bad: &["", "a\nb", "${{ x }}"],
};
const TYPO_KEYS: Pool =
    Pool { good: &["platfroms", "lang", "port", "runtime_image", "smoke_test", "namespce"], bad: &[] };
const PORTS: Ints = Ints { good: &[8080, 80, 443, 8081, 9100, 1, 65535], bad: &[0, 65536, 70000, -1] };
const UIDS: Ints = Ints { good: &[65532, 1000, 65534, 1, 4294967295], bad: &[0, 4294967296, -1] };
const RETRIES: Ints = Ints { good: &[3, 1, 5, 100], bad: &[0, 101] };
const TIMEOUT_MINUTES: Ints = Ints { good: &[60, 1, 30, 360], bad: &[0, 361] };
/// Pieces spliced into values: quotes, expansions, GitHub expressions, line breaks, control, bidi and
/// zero-width characters, template delimiters, leading dashes.
const HOSTILE: &[&str] = &[
    "${{ github.event.issue.title }}",
    "${{",
    "'",
    "\"",
    "$(id)",
    "`id`",
    "$$",
    "\\",
    "\n",
    "\r\n",
    "\t",
    "\u{7}",
    "\u{1b}[2J",
    "\u{202e}",
    "\u{200b}",
    "\u{feff}",
    "\u{85}",
    "{{ x }}",
    "{%",
    "[[ x ]]",
    "[%",
    "#",
    " # ",
    ";",
    "&&",
    "|",
    ">",
    "-",
    "--",
    " ",
    "..",
    "/",
    ":",
    "@",
    "=",
    "%",
    "*",
    "\u{0}",
    "}}",
    "%]",
    "]]",
];

struct Gen<'u, 'a> {
    u: &'u mut Unstructured<'a>,
    /// Names given to apps so far: most configs keep them distinct, as a repeated name is refused.
    app_names: Vec<String>,
}

impl Gen<'_, '_> {
    /// True `pct` percent of the time; false once the bytes run out.
    fn chance(&mut self, pct: u8) -> Result<bool> {
        Ok(self.u.int_in_range(0..=99u8)? >= 100 - pct)
    }

    /// True one time in 256: for mistakes that end validation early (wrong types, missing or unknown keys).
    fn rare(&mut self) -> Result<bool> {
        Ok(u8::arbitrary(self.u)? == u8::MAX)
    }

    fn pick<T: Copy>(&mut self, pool: &[T]) -> Result<T> {
        Ok(pool[self.u.choose_index(pool.len())?])
    }

    /// Mostly a good value; sometimes a bad one, a good one spliced with a hostile piece, or arbitrary text.
    fn text(&mut self, pool: &Pool) -> Result<String> {
        Ok(match self.u.int_in_range(0..=99u8)? {
            0..=93 => self.pick(pool.good)?.to_string(),
            94 | 95 if !pool.bad.is_empty() => self.pick(pool.bad)?.to_string(),
            94..=97 => {
                let (a, h, b) = (self.pick(pool.good)?, self.pick(HOSTILE)?, self.pick(pool.good)?);
                match self.u.int_in_range(0..=2u8)? {
                    0 => format!("{h}{a}"),
                    1 => format!("{a}{h}"),
                    _ => format!("{a}{h}{b}"),
                }
            }
            98 => format!("{}{}", self.pick(pool.good)?, String::arbitrary(self.u)?),
            _ => String::arbitrary(self.u)?,
        })
    }

    fn string(&mut self, pool: &Pool) -> Result<Value> {
        self.text(pool).map(Value::String)
    }

    fn int(&mut self, pool: &Ints) -> Result<Value> {
        let n = match self.u.int_in_range(0..=99u8)? {
            0..=93 => self.pick(pool.good)?,
            94..=97 => self.pick(pool.bad)?,
            _ => i64::arbitrary(self.u)?,
        };
        Ok(Value::Integer(n))
    }

    fn boolean(&mut self) -> Result<Value> {
        bool::arbitrary(self.u).map(Value::Boolean)
    }

    fn strings(&mut self, pool: &Pool, max: usize) -> Result<Value> {
        let n = self.u.int_in_range(0..=max)?;
        (0..n).map(|_| self.string(pool)).collect::<Result<_>>().map(Value::Array)
    }

    /// A platform list, mostly of distinct platforms, as duplicates (even through an alias) are refused.
    fn platforms(&mut self, max: usize) -> Result<Value> {
        let n = 1 + self.u.int_in_range(0..=max - 1)?;
        let mut items: Vec<String> = Vec::with_capacity(n);
        for _ in 0..n {
            let p = match self.u.int_in_range(0..=19u8)? {
                0..=13 => self.pick(&PLATFORMS.good[..5])?.to_string(),
                14..=16 => self.pick(PLATFORMS.good)?.to_string(),
                17 | 18 => self.pick(PLATFORM_ALIASES)?.to_string(),
                _ => self.text(&PLATFORMS)?,
            };
            if !items.contains(&p) || self.chance(2)? {
                items.push(p);
            }
        }
        Ok(Value::Array(items.into_iter().map(Value::String).collect()))
    }

    fn map(&mut self, keys: &Pool, values: &Pool, max: usize) -> Result<Value> {
        let mut t = Table::new();
        for _ in 0..self.u.int_in_range(0..=max)? {
            let k = self.text(keys)?;
            t.insert(k, self.string(values)?);
        }
        Ok(Value::Table(t))
    }

    /// A value of some type a key does not take.
    fn wrong(&mut self) -> Result<Value> {
        Ok(match self.u.int_in_range(0..=5u8)? {
            0 => Value::Integer(i64::arbitrary(self.u)?),
            1 => Value::Boolean(bool::arbitrary(self.u)?),
            2 => Value::Float(f64::arbitrary(self.u)?),
            3 => Value::String(self.pick(HOSTILE)?.to_string()),
            4 => Value::Array(vec![Value::Integer(1), Value::String("x".into())]),
            _ => Value::Table(Table::new()),
        })
    }

    /// Sets `key` `pct` percent of the time, rarely to a value of the wrong type.
    fn set(&mut self, t: &mut Table, key: &str, pct: u8, value: impl FnOnce(&mut Self) -> Result<Value>) -> Result<()> {
        if self.chance(pct)? {
            let v = if self.rare()? { self.wrong()? } else { value(self)? };
            t.insert(key.to_string(), v);
        }
        Ok(())
    }

    /// Sets `key` unless told not to, so the key is there when the bytes run out.
    fn require(&mut self, t: &mut Table, key: &str, value: impl FnOnce(&mut Self) -> Result<Value>) -> Result<()> {
        if !self.rare()? {
            let v = if self.rare()? { self.wrong()? } else { value(self)? };
            t.insert(key.to_string(), v);
        }
        Ok(())
    }

    fn unknown_keys(&mut self, t: &mut Table) -> Result<()> {
        if self.rare()? {
            let k = self.text(&TYPO_KEYS)?;
            t.insert(k, Value::String("x".into()));
        }
        Ok(())
    }

    fn root(&mut self) -> Result<Table> {
        let mut t = Table::new();
        self.set(&mut t, "mkmulti-version", 60, |g| g.string(&VERSIONS))?;
        self.require(&mut t, "project", |g| g.project().map(Value::Table))?;
        self.require(&mut t, "registry", |g| g.registry().map(Value::Table))?;
        self.require(&mut t, "app", |g| {
            let n = if g.chance(1)? { 0 } else { 1 + g.u.int_in_range(0..=2u8)? };
            (0..n).map(|_| g.app().map(Value::Table)).collect::<Result<_>>().map(Value::Array)
        })?;
        self.set(&mut t, "ci", 40, |g| g.ci().map(Value::Table))?;
        self.set(&mut t, "output", 40, |g| g.output().map(Value::Table))?;
        self.set(&mut t, "tags", 25, |g| g.tags().map(Value::Table))?;
        self.unknown_keys(&mut t)?;
        Ok(t)
    }

    fn project(&mut self) -> Result<Table> {
        let mut t = Table::new();
        self.require(&mut t, "name", |g| g.string(&NAMES))?;
        self.set(&mut t, "description", 50, |g| g.string(&FREE_TEXT))?;
        self.set(&mut t, "source", 40, |g| g.string(&URLS))?;
        self.set(&mut t, "license", 40, |g| g.string(&LICENSES))?;
        self.set(&mut t, "platforms", 50, |g| g.platforms(4))?;
        self.unknown_keys(&mut t)?;
        Ok(t)
    }

    fn registry(&mut self) -> Result<Table> {
        let mut t = Table::new();
        self.set(&mut t, "host", 60, |g| g.string(&HOSTS))?;
        self.require(&mut t, "namespace", |g| g.string(&NAMESPACES))?;
        self.unknown_keys(&mut t)?;
        Ok(t)
    }

    fn app(&mut self) -> Result<Table> {
        let mut t = Table::new();
        let mut name = self.text(&NAMES)?;
        if self.app_names.contains(&name) && !self.chance(10)? {
            name = format!("{name}-{}", self.app_names.len());
        }
        self.app_names.push(name.clone());
        self.require(&mut t, "name", |_| Ok(Value::String(name.clone())))?;
        let language = self.text(&LANGUAGES)?;
        self.require(&mut t, "language", |_| Ok(Value::String(language.clone())))?;
        self.set(&mut t, "platforms", 15, |g| g.platforms(3))?;
        self.set(&mut t, "bin", 15, |g| g.string(&BINS))?;
        self.set(&mut t, "image", 20, |g| g.string(&IMAGES))?;
        self.set(&mut t, "runtime", 40, |g| g.string(&RUNTIMES))?;
        self.set(&mut t, "runtime-image", 10, |g| g.string(&IMAGE_REFS))?;
        self.set(&mut t, "builder-image", 10, |g| g.string(&IMAGE_REFS))?;
        self.set(&mut t, "init", 15, |g| g.boolean())?;
        self.set(&mut t, "tzdata", 10, |g| g.boolean())?;
        self.set(&mut t, "ports", 40, |g| {
            let n = g.u.int_in_range(0..=3u8)?;
            (0..n).map(|_| g.int(&PORTS)).collect::<Result<_>>().map(Value::Array)
        })?;
        self.set(&mut t, "args", 15, |g| g.strings(&FREE_TEXT, 3))?;
        self.set(&mut t, "smoke-test", 30, |g| g.strings(&FREE_TEXT, 2))?;
        self.set(&mut t, "healthcheck", 30, |g| g.healthcheck(&name).map(Value::Table))?;
        self.set(&mut t, "env", 20, |g| g.map(&ENV_KEYS, &FREE_TEXT, 3))?;
        self.set(&mut t, "build-args", 15, |g| g.map(&ENV_KEYS, &FREE_TEXT, 3))?;
        self.set(&mut t, "packages", 8, |g| g.strings(&SYSTEM_PACKAGES, 3))?;
        self.set(&mut t, "stop-signal", 10, |g| g.string(&SIGNALS))?;
        self.set(&mut t, "user", 10, |g| g.string(&USERS))?;
        self.set(&mut t, "uid", 10, |g| g.int(&UIDS))?;
        self.set(&mut t, "volumes", 10, |g| g.strings(&VOLUMES, 2))?;
        self.set(&mut t, "compose", 15, |g| g.compose().map(Value::Table))?;
        // Each language's table mostly on its own language's app; on the other it must be refused.
        let (go, rust) = if language == "rust" { (2, 50) } else { (50, 2) };
        self.set(&mut t, "main", go / 2, |g| g.string(&MAINS))?;
        self.set(&mut t, "package", rust / 2, |g| g.string(&PACKAGES))?;
        self.set(&mut t, "go", go, |g| g.go().map(Value::Table))?;
        self.set(&mut t, "rust", rust, |g| g.rust().map(Value::Table))?;
        self.unknown_keys(&mut t)?;
        Ok(t)
    }

    /// Mostly the app's own binary with arguments: images without a shell have no other program to run.
    fn healthcheck(&mut self, binary: &str) -> Result<Table> {
        let mut t = Table::new();
        self.require(&mut t, "command", |g| {
            let first = if g.chance(30)? { g.text(&COMMANDS)? } else { binary.to_string() };
            let Value::Array(rest) = g.strings(&FREE_TEXT, 2)? else { unreachable!("strings gives an array") };
            Ok(Value::Array([Value::String(first)].into_iter().chain(rest).collect()))
        })?;
        self.set(&mut t, "interval", 30, |g| g.string(&DURATIONS))?;
        self.set(&mut t, "timeout", 30, |g| g.string(&DURATIONS))?;
        self.set(&mut t, "start-period", 30, |g| g.string(&DURATIONS))?;
        self.set(&mut t, "retries", 30, |g| g.int(&RETRIES))?;
        self.unknown_keys(&mut t)?;
        Ok(t)
    }

    fn compose(&mut self) -> Result<Table> {
        let mut t = Table::new();
        self.set(&mut t, "environment", 60, |g| g.map(&ENV_KEYS, &FREE_TEXT, 3))?;
        self.set(&mut t, "restart", 60, |g| g.string(&RESTARTS))?;
        self.unknown_keys(&mut t)?;
        Ok(t)
    }

    fn go(&mut self) -> Result<Table> {
        let mut t = Table::new();
        self.set(&mut t, "version", 60, |g| g.string(&GO_VERSIONS))?;
        self.set(&mut t, "cgo", 30, |g| g.boolean())?;
        self.set(&mut t, "goamd64", 20, |g| g.string(&GOAMD64))?;
        self.set(&mut t, "ldflags", 25, |g| g.strings(&LDFLAGS, 4))?;
        self.set(&mut t, "tags", 25, |g| g.strings(&GO_TAGS, 3))?;
        self.set(&mut t, "version-package", 15, |g| g.string(&GO_PACKAGES))?;
        self.unknown_keys(&mut t)?;
        Ok(t)
    }

    fn rust(&mut self) -> Result<Table> {
        let mut t = Table::new();
        self.set(&mut t, "version", 40, |g| g.string(&RUST_VERSIONS))?;
        self.set(&mut t, "libc", 40, |g| g.string(&LIBCS))?;
        self.set(&mut t, "cache", 30, |g| g.string(&RUST_CACHES))?;
        self.set(&mut t, "profile", 20, |g| g.string(&PROFILES))?;
        self.set(&mut t, "features", 20, |g| g.strings(&FEATURES, 3))?;
        self.set(&mut t, "no-default-features", 15, |g| g.boolean())?;
        self.unknown_keys(&mut t)?;
        Ok(t)
    }

    fn ci(&mut self) -> Result<Table> {
        let mut t = Table::new();
        self.set(&mut t, "workflow", 30, |g| g.string(&WORKFLOWS))?;
        self.set(&mut t, "branches", 30, |g| g.strings(&BRANCHES, 3))?;
        self.set(&mut t, "tag-pattern", 20, |g| g.string(&TAG_PATTERNS))?;
        self.set(&mut t, "pull-requests", 20, |g| g.boolean())?;
        self.set(&mut t, "cache", 20, |g| g.boolean())?;
        self.set(&mut t, "validate", 20, |g| g.boolean())?;
        self.set(&mut t, "strategy", 40, |g| g.string(&STRATEGIES))?;
        self.set(&mut t, "pin-actions", 30, |g| g.string(&PIN_ACTIONS))?;
        self.set(&mut t, "timeout-minutes", 20, |g| g.int(&TIMEOUT_MINUTES))?;
        self.set(&mut t, "username-secret", 20, |g| g.string(&SECRETS))?;
        self.set(&mut t, "password-secret", 20, |g| g.string(&SECRETS))?;
        self.unknown_keys(&mut t)?;
        Ok(t)
    }

    fn output(&mut self) -> Result<Table> {
        let mut t = Table::new();
        for key in
            ["dockerfile", "makefile", "compose", "scripts", "workflow", "dockerignore", "bake", "syntax-directive"]
        {
            self.set(&mut t, key, 30, |g| g.boolean())?;
        }
        self.unknown_keys(&mut t)?;
        Ok(t)
    }

    fn tags(&mut self) -> Result<Table> {
        let mut t = Table::new();
        for key in ["latest", "semver", "sha", "branch"] {
            self.set(&mut t, key, 50, |g| g.boolean())?;
        }
        self.unknown_keys(&mut t)?;
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_bytes_give_a_config_that_renders() {
        let ConfigText(text) = ConfigText::arbitrary_take_rest(Unstructured::new(&[])).unwrap();
        let loaded =
            mkmulti::load_str(&text, "multiarch.toml", "multiarch.toml").unwrap_or_else(|e| panic!("{text}\n{e:?}"));
        assert!(!mkmulti::render::render(&loaded.plan).is_empty());
    }
}
