// The environment adapters run under: the runtime variables that change I/O are gone whatever the runner
// inherited, the locale and time zone are known, and what says where things are stays.
import { describe, expect, it } from "vitest";
import { CLEARED, adapterEnvironment } from "./environment.js";

describe("adapterEnvironment", () => {
  const inherited = {
    PATH: "/usr/bin",
    HOME: "/home/ci",
    CARGO_HOME: "/opt/cargo",
    ASAN_OPTIONS: "detect_leaks=1",
    PYTHONUNBUFFERED: "1",
    PYTHONIOENCODING: "utf-8",
    NODE_OPTIONS: "--require ./hook.js",
    JAVA_TOOL_OPTIONS: "-Dfile.encoding=UTF-8",
    LC_ALL: "C",
    LC_CTYPE: "POSIX",
    LANG: "de_DE.ISO-8859-1",
    TZ: "Asia/Kathmandu",
  };

  it("clears every listed variable and every LC_*, sets a UTF-8 locale and UTC, keeps the rest", () => {
    const env = adapterEnvironment(inherited);
    for (const k of CLEARED) if (k !== "LANG" && k !== "TZ") expect(env).not.toHaveProperty(k);
    expect(env).not.toHaveProperty("LC_ALL");
    expect(env).not.toHaveProperty("LC_CTYPE");
    expect(env.LANG).toMatch(/UTF-8$/);
    expect(env.TZ).toBe("UTC");
    expect(env).toMatchObject({ PATH: "/usr/bin", HOME: "/home/ci", CARGO_HOME: "/opt/cargo", ASAN_OPTIONS: "detect_leaks=1" });
  });

  it("puts the environment check's variables on top", () => {
    expect(adapterEnvironment(inherited, { LC_ALL: "C", PYTHONUTF8: "0" })).toMatchObject({ LC_ALL: "C", PYTHONUTF8: "0" });
  });
});
