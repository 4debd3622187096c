//! `errorbeacon-inbox`: see [`errorbeacon_inbox::config`] for the command line.

use errorbeacon_inbox::config::{self, Command};
use std::process::ExitCode;

// Request handlers allocate and free many small strings per event on two threads, and the
// writer frees what they allocated: mimalloc's thread-local heaps do both for less than glibc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match config::parse(&args, |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("errorbeacon-inbox: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match command {
        Command::Help => {
            println!("{}", config::USAGE);
            Ok(())
        }
        Command::ProjectAdd { name, config } => project_add(&name, &config),
        Command::Serve(config) => match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
            Ok(rt) => rt.block_on(errorbeacon_inbox::serve(&config)),
            Err(e) => Err(format!("cannot start the runtime: {e}")),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("errorbeacon-inbox: {e}");
            ExitCode::FAILURE
        }
    }
}

fn project_add(name: &str, config: &config::Config) -> Result<(), String> {
    let conn = errorbeacon_inbox::store::open_and_migrate(&config.db)
        .map_err(|e| format!("cannot open {}: {e}", config.db.display()))?;
    let now = (errorbeacon_inbox::system_clock())();
    // The first project is the default one the server would create; make it first, so that
    // `project add` on a fresh database does not take its place.
    errorbeacon_inbox::store::default_project(&conn, now)?;
    let project = errorbeacon_inbox::store::create_project(&conn, name, now)?;
    println!("DSN: {}", project.dsn(&errorbeacon_inbox::dsn_host(config.addr)));
    Ok(())
}
