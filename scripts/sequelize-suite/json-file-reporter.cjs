'use strict';
// Mocha's own JSON reporter, with its result also written to the file named by
// SEQUELIZE_SUITE_RESULT (the suite's tests print to stdout, which would corrupt the JSON
// there), and one progress character per test on stderr.
const fs = require('fs');
// The suite's own mocha (run from the Sequelize folder), not this repository's.
const JSONReporter = require(
  require.resolve('mocha/lib/reporters/json', { paths: [process.cwd()] }),
);

function JsonFileReporter(runner, options) {
  JSONReporter.call(this, runner, options);
  runner.on('pass', () => process.stderr.write('.'));
  runner.on('fail', () => process.stderr.write('F'));
  runner.on('pending', () => process.stderr.write(','));
  runner.once('end', () => {
    process.stderr.write('\n');
    fs.writeFileSync(process.env.SEQUELIZE_SUITE_RESULT, JSON.stringify(runner.testResults));
  });
}

module.exports = JsonFileReporter;
