// The tag vocabulary (vectors/tags.json): every tag a scenario carries is one it documents, so `--tag` in CI
// selects what it says and a typo such as `utf16` for `utf16-trap` is caught where the scenario is written.
// validate and vectors both check it, so neither accepts what the other refuses.
import path from "node:path";
import { CONFIG_FILE, FileRefused, readInputTextSync } from "../common/read_file.js";

export const TAGS_FILE = path.join("vectors", "tags.json");

/** The documented tags, or null when the repository has no vocabulary (a test's root): then any tag goes. */
export function tagVocabulary(root: string): ReadonlyMap<string, string> | null {
  let text: string;
  try {
    text = readInputTextSync(path.join(root, TAGS_FILE), CONFIG_FILE, { label: TAGS_FILE });
  } catch (err) {
    if (err instanceof FileRefused && err.code === "ENOENT") return null;
    throw err;
  }
  return new Map(Object.entries((JSON.parse(text) as { tags: Record<string, string> }).tags));
}

/** One line per tag of a scenario that the vocabulary does not document. */
export function tagProblems(file: string, tags: readonly string[] | undefined, vocabulary: ReadonlyMap<string, string> | null): string[] {
  if (vocabulary === null) return [];
  return (tags ?? []).flatMap((t, i) => (vocabulary.has(t) ? [] : [`${file} tags[${i}]: unknown tag ${JSON.stringify(t)}; expected one of the tags ${TAGS_FILE} documents (add it there, with what it is about)`]));
}
