/** Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and sums self time per function. */
import { readFileSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  share: number;
}

/** Functions by self time, largest first; `share` is of the whole profile. */
export function topSelfTime(file: string, limit = 15): { totalMs: number; top: SelfTime[] } {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, SelfTime>();
  let totalUs = 0;
  // timeDeltas[i] is the time since the previous sample, so it belongs to samples[i - 1].
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    totalUs += delta;
    const frame = byId.get(profile.samples[i])?.callFrame;
    if (!frame) continue;
    const name = frame.functionName || "(anonymous)";
    const where = frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : "";
    const key = `${name}@${where}`;
    const entry = totals.get(key) ?? { name, where, ms: 0, share: 0 };
    entry.ms += delta / 1000;
    totals.set(key, entry);
  }
  const totalMs = totalUs / 1000;
  const top = [...totals.values()]
    .map((entry) => ({ ...entry, share: totalMs > 0 ? entry.ms / totalMs : 0 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, limit);
  return { totalMs, top };
}
