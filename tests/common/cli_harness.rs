//! Runs the command-line example (`examples/funil`) in-process, with its own output
//! buffers, and writes its input files to the temp directory. Shared by the tests of
//! `check`/`eval`/`batch`/`reward` (`tests/cli.rs`) and of `simulate`
//! (`tests/simulate.rs`).

#[path = "../../examples/funil/cli.rs"]
mod cli;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A file in the temp directory with a name no other test uses.
pub fn temp_file(name: &str, text: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir: PathBuf = std::env::temp_dir().join(format!("funil-cli-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// What one command printed, and its exit code.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts that stderr contains `text`, showing stderr when it does not.
    #[track_caller]
    pub fn assert_stderr_has(&self, text: &str) {
        assert!(self.stderr.contains(text), "{}", self.stderr);
    }
}

/// Runs the command line `args` (without the program name).
pub fn run(args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|a| (*a).to_string()).collect();
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let code = cli::run(&args, &mut stdout, &mut stderr);
    Run {
        code,
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}
