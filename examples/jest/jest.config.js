// Jest loads every module through a registry of its own, out of reach of Node's require
// hooks: the setup file hands `sequelize` to the instrumentation explicitly.
module.exports = {
  testEnvironment: 'node',
  setupFilesAfterEnv: ['./telemetry.jest.js'],
};
