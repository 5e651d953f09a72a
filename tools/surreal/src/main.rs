//! The `surreal` server binary, e.g. `surreal start --bind 127.0.0.1:8000 --user root --pass root memory`.
//! Used by the multi-instance test and for running the app against a remote SurrealDB.

fn main() -> std::process::ExitCode {
    surrealdb_server::init(surrealdb_server::core::CommunityComposer())
}
