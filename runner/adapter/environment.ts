// The environment every adapter process runs under (SPEC.md R-PROTO-11; docs/porting.md lists it for porters).
// Not whatever the runner inherited: a CI runner or a developer's shell sets variables that change how a
// language runtime reads, writes or orders, and a port would pass or fail by the machine it was checked on.
// A port that never flushes stdout passed wherever PYTHONUNBUFFERED=1 was set, and failed elsewhere.

/**
 * Cleared for every adapter process, by runtime: each changes I/O (buffering, the charset of stdin and
 * stdout), the order of a hash map, or what the program runs (options injected into every start).
 * Kept: PATH, HOME and the toolchains' homes (CARGO_HOME, GOPATH, JAVA_HOME, VIRTUAL_ENV, PYTHONPATH,
 * NODE_PATH, CLASSPATH), which say where things are, not how they behave; the sanitizers' options
 * (ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS), which are the instrument of whoever runs the kit under them
 * and change no answer of a port without a memory error; and anything not listed.
 */
export const CLEARED: readonly string[] = [
  // Python: stdout buffering, the charset of stdin/stdout, UTF-8 mode and the C locale's coercion, the hash
  // seed (a set's order), and options that change what runs (-O drops asserts, -W error raises on warnings).
  "PYTHONUNBUFFERED",
  "PYTHONIOENCODING",
  "PYTHONUTF8",
  "PYTHONCOERCECLOCALE",
  "PYTHONLEGACYWINDOWSSTDIO",
  "PYTHONHASHSEED",
  "PYTHONOPTIMIZE",
  "PYTHONWARNINGS",
  "PYTHONDEVMODE",
  "PYTHONINSPECT",
  "PYTHONINTMAXSTRDIGITS",
  // Node: options and preloaded code for every start, and the ICU data that localeCompare and Intl use.
  "NODE_OPTIONS",
  "NODE_ICU_DATA",
  "UV_THREADPOOL_SIZE",
  // Go: runtime switches (GODEBUG), threads, the collector.
  "GODEBUG",
  "GOMAXPROCS",
  "GOGC",
  "GOMEMLIMIT",
  "GOTRACEBACK",
  // Rust: backtraces (slower panics, other stderr), logging that a port may send to stdout, thread stacks
  // (a recursive parser's depth).
  "RUST_BACKTRACE",
  "RUST_LIB_BACKTRACE",
  "RUST_LOG",
  "RUST_MIN_STACK",
  // JVM: options for every start, -Dfile.encoding=UTF-8 among them, which hides a port that reads stdin in
  // the default charset.
  "JAVA_TOOL_OPTIONS",
  "_JAVA_OPTIONS",
  "JDK_JAVA_OPTIONS",
  "JAVA_OPTS",
  // .NET, Ruby, Perl: culture-invariant mode, and options that set the charset of stdin and stdout.
  "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT",
  "RUBYOPT",
  "PERL_UNICODE",
  "PERL5OPT",
  // The locale and the time zone, set below to known values instead.
  "LANG",
  "LANGUAGE",
  "TZ",
];

/**
 * Set for every adapter process: a UTF-8 locale (glibc has C.UTF-8 built in from 2.35, Debian and Ubuntu
 * have long shipped it, musl's every locale is UTF-8; macOS has no C.UTF-8 but en_US.UTF-8) and UTC. The
 * environment check (runner/checks/env.ts) then runs the vectors again under LC_ALL=C and more, on top of this.
 */
export const SET: Readonly<Record<string, string>> = {
  LANG: process.platform === "darwin" ? "en_US.UTF-8" : "C.UTF-8",
  TZ: "UTC",
};

/**
 * The environment of an adapter process: `inherited` without CLEARED and every LC_* variable (LC_ALL wins
 * over LANG), with SET, and `extra` on top (the environment check's variables).
 */
export function adapterEnvironment(inherited: NodeJS.ProcessEnv, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const cleared = new Set(CLEARED);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(inherited)) if (v !== undefined && !cleared.has(k) && !k.startsWith("LC_")) env[k] = v;
  return { ...env, ...SET, ...extra };
}
