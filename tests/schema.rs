//! The JSON schema: checked in, current, and describing every example.

use crate::util;

#[test]
fn checked_in_schema_is_current() {
    let path = util::root().join("schema/multiarch.schema.json");
    let fresh = mkmulti::schema::json();
    if std::env::var_os("MKMULTI_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == fresh,
        "schema/multiarch.schema.json is stale: run `MKMULTI_UPDATE_SCHEMA=1 cargo test schema` and commit it"
    );
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&mkmulti::schema::json()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON schema")
}

fn as_json(toml_text: &str) -> serde_json::Value {
    let value: toml::Value = toml::from_str(toml_text).expect("valid TOML");
    serde_json::to_value(value).unwrap()
}

#[test]
fn every_example_validates_against_the_schema() {
    let v = validator();
    for dir in util::examples() {
        let text = std::fs::read_to_string(dir.join("multiarch.toml")).unwrap();
        assert!(
            text.starts_with("#:schema ../../schema/multiarch.schema.json\n"),
            "{}: no #:schema line",
            dir.display()
        );
        let errors: Vec<String> = v.iter_errors(&as_json(&text)).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", dir.display());
    }
}

#[test]
fn schema_rejects_what_the_parser_rejects() {
    let v = validator();
    let cases = [
        ("unknown key", "[project]\nname = \"a\"\nplatfroms = []\n[[app]]\nname = \"a\"\nlanguage = \"go\"\n"),
        ("bad enum", "[project]\nname = \"a\"\n[[app]]\nname = \"a\"\nlanguage = \"python\"\n"),
        ("missing app", "[project]\nname = \"a\"\n"),
        ("wrong type", "[project]\nname = \"a\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\nports = \"8080\"\n"),
        ("port out of range", "[project]\nname = \"a\"\n[[app]]\nname = \"a\"\nlanguage = \"go\"\nports = [70000]\n"),
    ];
    for (what, text) in cases {
        assert!(!v.is_valid(&as_json(text)), "the schema accepted a config with a {what}");
        assert!(mkmulti::load_str(text, "t.toml", "t.toml").is_err(), "mkmulti accepted a config with a {what}");
    }
}
