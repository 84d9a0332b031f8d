// The one name rule (SPEC.md R-NAME-1): what a scenario's or a decode vector's name may be. It is the pattern
// of `name` in the golden schemas, read from them, and every command that reads a name checks it here:
// `validate` and `vectors` (a file's path), conformance (a golden's path and its `name`), `rsm trace` (a
// corpus name). Before, only the golden schema checked it, so `Bad_Name.json` passed `validate` and
// `vectors --check` and then stopped every conformance run.
import decodeGolden from "../schema/decode_golden.schema.json" with { type: "json" };
import golden from "../schema/golden.schema.json" with { type: "json" };

const SCENARIO_NAME = new RegExp(golden.properties.name.pattern, "u");
const DECODE_NAME = new RegExp(decodeGolden.properties.name.pattern, "u");

/** The topic reserved for decode vectors (SPEC.md section 8): their names are `decode/<segment>`. */
export const DECODE_TOPIC = "decode";

/**
 * Why `name` is no name (R-NAME-1), as the message of a Problem, or null when it is one. A name under
 * `decode/` is a decode vector's, which has exactly one segment after the topic.
 */
export function nameProblem(name: string): string | null {
  const decode = name.startsWith(`${DECODE_TOPIC}/`);
  if ((decode ? DECODE_NAME : SCENARIO_NAME).test(name)) return null;
  const got = JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}...` : name);
  return decode
    ? `the name ${got} is not a decode vector's; expected "decode/" and one segment of lowercase letters, digits and "-", starting with a letter or digit`
    : `the name ${got} is not a scenario name; expected segments of lowercase letters, digits and "-", each starting with a letter or digit, joined by "/"`;
}
