/** setup-venv's post step: saves the venv after a cache miss. */
import type { ActionIo } from "../../shared/runtime/index.js";
import { State } from "./state.js";

/** The post step: saves the venv after a miss in a successful job; loads the cache code only then. */
export async function save(io: ActionIo): Promise<void> {
  if (io.getState(State.Save) !== "true") {
    io.info("setup-venv: nothing to save (cache hit, cache off, or no cache service).");
    return;
  }
  const venv = io.getState(State.Venv);
  const key = io.getState(State.Key);
  const { saveVenv } = await import("../../shared/cache/venv-store.js");
  const id = await saveVenv(venv, key, (message) => io.warning(message));
  if (id === undefined) return;
  io.info(
    id === -1
      ? `setup-venv: ${key} was not saved (another job may have saved it first).`
      : `setup-venv: saved the venv as ${key}.`,
  );
}
