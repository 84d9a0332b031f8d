//! The read loop: stdin's lines and stdout handed to `serve` (R-PROTO-1 .. R-PROTO-3).

use std::io::{self, BufRead};
use std::process::ExitCode;

use rsm_adapter::protocol::serve;

fn main() -> ExitCode {
    // R-PROTO-1: `lines` grows its buffer as needed, so there is no line length cap.
    match serve(io::stdin().lock().lines(), io::stdout().lock()) {
        // R-PROTO-9: a shutdown, or the end of input.
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rsm-adapter: {e}");
            ExitCode::FAILURE
        }
    }
}
