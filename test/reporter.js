// A node:test reporter that writes one JSON line per finished test (name, file,
// outcome, skip reason), for test/run.js to summarise the skips after the spec
// reporter's own output. Used as: --test-reporter=./test/reporter.js
export default async function* jsonLines(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, file, nesting, skip, todo, details = {} } = event.data;
    // describe() blocks report as tests too; only their tests are counted, unless
    // the whole block is skipped (then its tests never report)
    if (details.type === 'suite' && (skip === undefined || skip === false)) continue;
    yield `${JSON.stringify({
      outcome: event.type === 'test:pass' ? 'pass' : 'fail',
      name,
      file,
      nesting,
      skip: skip === undefined || skip === false ? undefined : skip === true ? '' : String(skip),
      todo: todo === undefined || todo === false ? undefined : String(todo),
    })}\n`;
  }
}
