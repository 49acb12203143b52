// Which Node runs the suite: .ci/run sets CI_NODE_LINE to the major version it put first
// on PATH, and this proves ava's test processes really run on it (they are started with
// ava's own process.execPath, which must be that node, not the machine's).
import test from 'ava';

test('the suite runs on the Node line CI asked for', (t) => {
  t.log(`node ${process.version} (${process.execPath})`);
  const line = process.env.CI_NODE_LINE;
  if (line === undefined || line === '') {
    t.pass('not under .ci/run');
    return;
  }
  t.is(process.versions.node.split('.')[0], line);
});
