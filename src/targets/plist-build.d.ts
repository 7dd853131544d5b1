// Types for the plist package's builder module, imported on its own (see launchd.ts).
declare module 'plist/lib/build.js' {
  import type { PlistValue } from 'plist';
  const builder: { build(object: PlistValue, options?: object): string };
  export default builder;
}
