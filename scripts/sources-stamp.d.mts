// Types for sources-stamp.mjs, the bundles' content stamp.
export const repoRoot: string;
export const STAMP: string;
export function importSpecifiers(text: string): string[];
export function resolveSpecifier(fromFile: string, specifier: string): string | undefined;
export function bundleEntries(source: string): { entry: string; bundle: string }[];
export function bundledModules(entries: string[]): string[];
export function sourcesStamp(source: string, root?: string): string;
export function staleSources(distDir: string, root?: string): string[] | undefined;
export function assertFreshBundles(distDir: string, root?: string): void;
