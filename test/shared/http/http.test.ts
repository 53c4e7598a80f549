import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { Deadline } from "../../../shared/http/deadline.js";
import { NetworkError, send } from "../../../shared/http/http.js";
import { type RunningServer, startServer } from "../../harness/server.js";
import { applyFault } from "../../harness/warehouse-faults.js";

let server: RunningServer;

beforeAll(async () => {
  server = await startServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/trickle")
      return applyFault({ kind: "trickle", intervalMs: 100 }, req, res);
    if (url.pathname === "/silent") return applyFault({ kind: "silent" }, req, res);
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok": true}');
  });
});
afterAll(() => server?.close());

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error) => error,
  );

test("an answer in time is read whole", async () => {
  const answer = await send(`${server.url}/ok`, { method: "GET", totalMs: 60_000 });
  expect(answer).toMatchObject({ status: 200, body: '{"ok": true}' });
});

test("a body trickling within the idle timeout ends at the total deadline", async () => {
  const error = await failure(
    send(`${server.url}/trickle?token=s3cret`, { method: "GET", timeoutMs: 60_000, totalMs: 1500 }),
  );
  expect(error).toBeInstanceOf(NetworkError);
  expect((error as Error).message).toBe(
    `no complete answer from ${server.url}/trickle within 1.5 s`,
  );
});

test("silence ends at the idle timeout, before the total", async () => {
  const error = await failure(
    send(`${server.url}/silent`, { method: "POST", body: "{}", timeoutMs: 500, totalMs: 600_000 }),
  );
  expect(error).toBeInstanceOf(NetworkError);
  expect((error as Error).message).toBe(`POST ${server.url}/silent: no data for 0.5 s`);
});

test("the phase's deadline cuts a request short of its own cap, and a spent one sends nothing", async () => {
  const deadline = new Deadline(1000, "the test");
  const error = await failure(
    send(`${server.url}/trickle`, { method: "GET", totalMs: 600_000, deadline }),
  );
  expect((error as Error).message).toMatch(
    new RegExp(`^no complete answer from ${server.url}/trickle within [\\d.]+ s$`),
  );
  const spent = await failure(
    send(`${server.url}/ok`, { method: "GET", deadline: new Deadline(0, "the test") }),
  );
  expect((spent as Error).message).toBe(`no time left to ask ${server.url}/ok`);
});
