// Preloaded with --require: makes the module named by HIDE_MODULE unresolvable, as when a
// database driver is not installed.
const Module = require('node:module');
const hidden = process.env.HIDE_MODULE;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === hidden) {
    const error = new Error(`Cannot find module '${request}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
