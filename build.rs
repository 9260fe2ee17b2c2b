//! The built-in templates of `mkmulti new` are embedded from `templates/new/` (`include_dir!`): rebuild when a file
//! there is added, removed or changed.
fn main() {
    println!("cargo:rerun-if-changed=templates/new");
}
