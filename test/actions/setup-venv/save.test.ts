import { describe, expect, test } from "@jest/globals";
import { save } from "../../../actions/setup-venv/save.js";
import { State } from "../../../actions/setup-venv/state.js";
import { recordingIo, runInProcess } from "../../harness/recording-io.js";

describe("setup-venv's post step, in-process", () => {
  test.each([
    ["no state at all", {}],
    ["a cache hit", { [State.Save]: "false", [State.Venv]: "/w/.venv", [State.Key]: "k" }],
  ])("with %s it saves nothing and says so", async (_, state) => {
    const { io, exitCode } = await runInProcess("setup-venv", save, recordingIo(state));
    expect(exitCode).toBe(0);
    expect(io.errors).toEqual([]);
    expect(io.infos).toEqual([
      "setup-venv: nothing to save (cache hit, cache off, or no cache service).",
    ]);
  });
});
