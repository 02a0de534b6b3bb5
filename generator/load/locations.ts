/**
 * Where each DSL value was written. The loader rewrites every DSL call `f(args)` in the user's
 * file to `__potgenAt(f(args), where)`, so the objects the DSL returns can be traced back to
 * `file:line:col` without the DSL itself knowing about files.
 */
import type { SourceLocation } from '../core/errors.ts';
import { displayPath } from '../core/paths.ts';

/** The location of a DSL call and of each property of its object-literal argument (dotted paths), with absolute file paths. */
export interface CallSite {
  readonly call: SourceLocation;
  readonly props: Readonly<Record<string, SourceLocation>>;
}

/** Finds where a DSL value, or one of its properties, was written. */
export interface Locator {
  /** The location of `path` (e.g. `pe` or `input.height`) in the call that made `value`, else of the call. */
  locate(value: object, path?: string): SourceLocation | undefined;
}

/** Records call sites as the user's file runs, and answers `locate` afterwards. */
export class CallSiteRecorder implements Locator {
  private readonly sites = new WeakMap<object, CallSite>();

  /** Attaches a call site to a value the DSL returned; returns the value unchanged. */
  readonly record = <T>(value: T, site: CallSite): T => {
    if (typeof value === 'object' && value !== null && !this.sites.has(value)) this.sites.set(value, site);
    return value;
  };

  locate(value: object, path?: string): SourceLocation | undefined {
    const site = this.sites.get(value);
    if (!site) return undefined;
    const at = (path !== undefined ? site.props[path] : undefined) ?? site.call;
    return { ...at, file: displayPath(at.file) };
  }
}

/** A locator that knows nothing: for specs built in code rather than loaded from a file. */
export const noLocations: Locator = { locate: () => undefined };
