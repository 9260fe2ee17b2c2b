//! Every config under `fixtures/invalid/` is refused; the full error output is snapshotted.

use crate::util;

#[test]
fn every_invalid_fixture_is_refused_with_located_errors() {
    let dir = util::root().join("tests/fixtures/invalid");
    let mut fixtures: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    fixtures.sort();
    assert!(fixtures.len() >= 20, "expected the invalid fixtures, found {}", fixtures.len());
    let settings = util::insta_settings("invalid");
    for path in fixtures {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let display = format!("invalid/{}", path.file_name().unwrap().to_string_lossy());
        let bytes = std::fs::read(&path).unwrap();
        let output = match mkmulti::parse::decode(&bytes) {
            Err(d) => mkmulti::diagnostics::Source::new(display, "").render(&d),
            Ok(text) => match mkmulti::load_str(text, &display, "multiarch.toml") {
                Ok(_) => panic!("{name} was accepted"),
                Err(mkmulti::LoadError::Invalid(messages)) => messages.concat(),
                Err(mkmulti::LoadError::Io(m)) => panic!("{m}"),
            },
        };
        assert!(output.starts_with("error: "), "{name}: {output}");
        settings.bind(|| insta::assert_snapshot!(name, output));
    }
}
