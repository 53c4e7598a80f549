import { expect, test } from "@jest/globals";
import { mapConcurrently } from "../../../shared/runtime/concurrency.js";

test("at most `limit` calls in flight, answers in the items' order", async () => {
  let inFlight = 0;
  let most = 0;
  const answers = await mapConcurrently([5, 1, 4, 2, 3, 0, 6], 3, async (item) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight--;
    return item * 10;
  });
  expect(answers).toEqual([50, 10, 40, 20, 30, 0, 60]);
  expect(most).toBe(3);
  expect(await mapConcurrently([], 4, async (item) => item)).toEqual([]);
});
