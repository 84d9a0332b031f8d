//! The read loop: one request line in, at most one reply line out (R-PROTO-1 .. R-PROTO-3).

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use rsm_adapter::{Action, error_line, handle};

fn main() -> ExitCode {
    let mut stdout = io::stdout().lock();
    // R-PROTO-1: `lines` grows its buffer as needed, so there is no line length cap.
    for line in io::stdin().lock().lines() {
        let action = match line {
            Ok(line) => handle(&line),
            // R-PROTO-8: a line that is not UTF-8 is bad input, not a reason to stop; `lines`
            // has consumed it, so the next request reads cleanly.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                Action::Reply(error_line(&format!("the line is not UTF-8: {e}")))
            }
            Err(e) => {
                eprintln!("rsm-adapter: cannot read stdin: {e}");
                return ExitCode::FAILURE;
            }
        };
        match action {
            Action::Reply(reply) => {
                // R-PROTO-2: flush every message so the runner never waits on a buffer.
                if let Err(e) = writeln!(stdout, "{reply}").and_then(|()| stdout.flush()) {
                    eprintln!("rsm-adapter: cannot write stdout: {e}");
                    return ExitCode::FAILURE;
                }
            }
            Action::Exit => return ExitCode::SUCCESS,
        }
    }
    // R-PROTO-9: end of input is a shutdown.
    ExitCode::SUCCESS
}
