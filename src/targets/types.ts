// What every target module provides. Adding a target = one module like this,
// one folder under templates/, one name in registry.ts, and its golden files.
import type { ConfigField } from '../config/schema.js';
import type { NormalizedConfig } from '../config/types.js';

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
}
