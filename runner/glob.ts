// Glob patterns for --filter and for a registry's build inputs. Small on purpose: `*`, `**` and `?` are all
// anyone writes in either place, and pulling in a glob library for them is not worth a dependency.

export function hasGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/**
 * A whole-string matcher. For paths (`paths: true`) `*` and `?` stay inside one path segment and `**`
 * crosses them; for scenario names `*` matches anything, since `--filter '*utf16*'` should find
 * `keys/utf16-trap` without the user thinking about topics.
 */
export function globToRegExp(pattern: string, options: { paths: boolean }): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      const slash = pattern[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += options.paths ? "[^/]*" : ".*";
    else if (c === "?") out += options.paths ? "[^/]" : ".";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}
