/** What the main step leaves for the post step. */
export const State = { Venv: "venv", Key: "cache-key", Save: "save-cache" } as const;
