/** The workflow run's event payload (GITHUB_EVENT_PATH), read once where it is needed. */
import { readFileSync } from "node:fs";

/** The payload as an object, or undefined when the file is missing or not a JSON object. */
export function readEventPayload<T extends object>(eventPath: string | undefined): T | undefined {
  if (!eventPath) return undefined;
  try {
    const payload: unknown = JSON.parse(readFileSync(eventPath, "utf8"));
    return typeof payload === "object" && payload !== null ? (payload as T) : undefined;
  } catch {
    return undefined;
  }
}
