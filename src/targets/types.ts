// What every target module provides: everything about the target in one place (docs/design.md,
// "Adding a target"). Adding a target = one module like this, one folder under templates/,
// one line in registry.ts, and its golden files.
import type { ConfigField } from '../config/schema.js';
import type { NormalizedConfig } from '../config/types.js';
import type { Detection, Enabler } from './host.js';

/** What a target does with a config field: renders it, has no use for it, or cannot express it. */
export type FieldSupport = 'mapped' | 'ignored' | 'unsupported';

export interface FieldMapping {
  support: FieldSupport;
  /** how the field is expressed, or why it is not (one short phrase, shown in docs/targets.md) */
  how: string;
}

export const mapped = (how: string): FieldMapping => ({ support: 'mapped', how });
export const ignored = (how: string): FieldMapping => ({ support: 'ignored', how });
export const unsupported = (how: string): FieldMapping => ({ support: 'unsupported', how });

export interface RenderedFile {
  /** where the file belongs on the installed system, relative to / (e.g. "etc/init.d/hello") */
  installPath: string;
  /** file name used with --out DIR (e.g. "hello.service", "hello/log/run") */
  outPath: string;
  /** permission bits to install with, e.g. 0o755 */
  mode: number;
  content: string;
}

export interface RenderContext {
  /** render templates/<target>/<file> with a view of already-escaped strings */
  template(file: string, view: object): string;
  /** say on stderr that this target cannot express a field the user set */
  warn(field: ConfigField, message: string): void;
}

export interface Target {
  name: string;
  /** one line for `initgen targets` and the docs */
  title: string;
  /** every config field, declared: the compiler complains when one is missing */
  fields: Record<ConfigField, FieldMapping>;
  render(config: NormalizedConfig, ctx: RenderContext): RenderedFile[];
  /** what the service manager calls the service: a systemd unit, an SMF FMRI, a launchd label; the name elsewhere */
  unit(config: NormalizedConfig): string;
  /** the install paths render() can give for service NAME: a manifest listing any other path is refused */
  installPaths(name: string): RegExp;
  /**
   * what root runs of the program's code: `always` (a wrapper runs node as root for
   * every action), `withoutUser` (node starts as `user`, as root only without one), `never`
   */
  rootRuns: 'always' | 'withoutUser' | 'never';
  /** how install enables it on a host and uninstall disables it */
  enabler: Enabler;
  /** what `initgen detect` looks for; none: the target is not an init system (logrotate) */
  detection?: Detection;
}

/** TEXT escaped for a RegExp source, to match it literally. */
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
