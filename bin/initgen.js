#!/usr/bin/env node
// CommonJS (bin/package.json) over one bundled file: initgen runs in every package
// build, and Node's ES module loader alone would cost more than rendering a target.
require('../dist/bundle/initgen-cli.cjs')
  .main()
  .then((code) => {
    process.exitCode = code;
  });
