// The extension's client (extension.js) outside VS Code: `vscode` and vscode-languageclient are
// replaced by stand-ins that record what the extension asks of them.
//   node --test tests/extension.test.js
'use strict';

const assert = require('node:assert/strict');
const Module = require('node:module');
const path = require('node:path');
const test = require('node:test');

function fakes(settings) {
  const calls = { clients: [], errors: [], commands: {}, configListeners: [] };
  const vscode = {
    workspace: {
      workspaceFolders: [{ uri: { scheme: 'file', fsPath: '/designs' } }],
      getConfiguration: (section) => {
        assert.equal(section, 'assemblint');
        return { get: (key, fallback) => (key in settings ? settings[key] : fallback) };
      },
      onDidChangeConfiguration: (listener) => {
        calls.configListeners.push(listener);
        return { dispose() {} };
      },
    },
    window: {
      createOutputChannel: (name) => ({ name, dispose() {} }),
      showErrorMessage: (message) => calls.errors.push(message),
    },
    commands: {
      registerCommand: (name, callback) => {
        calls.commands[name] = callback;
        return { dispose() {} };
      },
    },
  };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, started: false, stopped: false });
      calls.clients.push(this);
    }
    async start() {
      if (settings.failToStart) throw new Error('spawn assemblint ENOENT');
      this.started = true;
    }
    async stop() {
      this.stopped = true;
    }
  }
  const languageclient = { LanguageClient, TransportKind: { stdio: 0, ipc: 1 } };
  return { calls, vscode, languageclient };
}

// Loads a fresh copy of extension.js against the given settings.
function load(settings = {}) {
  const { calls, vscode, languageclient } = fakes(settings);
  const original = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return languageclient;
    return original.call(this, request, parent, isMain);
  };
  const file = path.join(__dirname, '..', 'extension.js');
  delete require.cache[require.resolve(file)];
  try {
    return { extension: require(file), calls, vscode };
  } finally {
    Module._load = original;
  }
}

test('vscode-languageclient/node gives what extension.js uses', () => {
  // Loaded for real, with a `vscode` that answers anything: only its exports matter here.
  const anything = new Proxy(function () {}, {
    get: (target, key) => (key === '__esModule' ? false : anything),
    construct: () => anything,
    apply: () => anything,
  });
  const original = Module._load;
  Module._load = function (request, parent, isMain) {
    return request === 'vscode' ? anything : original.call(this, request, parent, isMain);
  };
  try {
    const { LanguageClient, TransportKind } = require('vscode-languageclient/node');
    assert.equal(typeof LanguageClient, 'function');
    assert.equal(typeof LanguageClient.prototype.start, 'function');
    assert.equal(typeof LanguageClient.prototype.stop, 'function');
    assert.equal(TransportKind.stdio, 0);
  } finally {
    Module._load = original;
  }
});

test('the extension is the package.json main and starts for .assy files', () => {
  const pkg = require('../package.json');
  assert.equal(path.resolve(__dirname, '..', pkg.main), path.join(__dirname, '..', 'extension.js'));
  assert.deepEqual(pkg.activationEvents, ['onLanguage:assy']);
  assert.deepEqual(pkg.contributes.configuration.properties['assemblint.server.command'].default, ['assemblint', 'lsp']);
});

test('activate starts `assemblint lsp` over stdio for assy documents', async () => {
  const { extension, calls } = load();
  const context = { subscriptions: [] };
  await extension.activate(context);
  assert.equal(calls.clients.length, 1);
  const client = calls.clients[0];
  assert.equal(client.id, 'assemblint');
  assert.equal(client.serverOptions.command, 'assemblint');
  assert.deepEqual(client.serverOptions.args, ['lsp']);
  assert.equal(client.serverOptions.transport, 0);
  assert.equal(client.serverOptions.options.cwd, '/designs');
  assert.deepEqual(
    client.clientOptions.documentSelector.map((s) => s.language),
    ['assy', 'assy'],
  );
  assert.ok(client.started);
  assert.deepEqual(calls.errors, []);
  assert.ok('assemblint.restartServer' in calls.commands);
  assert.ok(context.subscriptions.length >= 3);
  await extension.deactivate();
  assert.ok(client.stopped);
});

test('the setting assemblint.server.command gives the program and its arguments', async () => {
  const { extension, calls } = load({ 'server.command': ['/opt/venv/bin/assemblint', 'lsp', '--verbose'] });
  await extension.activate({ subscriptions: [] });
  assert.equal(calls.clients[0].serverOptions.command, '/opt/venv/bin/assemblint');
  assert.deepEqual(calls.clients[0].serverOptions.args, ['lsp', '--verbose']);
  await extension.deactivate();
});

test('a malformed command is reported, and no server is started', async () => {
  for (const bad of [[], 'assemblint lsp', ['assemblint', 3], ['']]) {
    const { extension, calls } = load({ 'server.command': bad });
    await extension.activate({ subscriptions: [] });
    assert.equal(calls.clients.length, 0, JSON.stringify(bad));
    assert.equal(calls.errors.length, 1);
    assert.match(calls.errors[0], /assemblint\.server\.command must be a list of strings/);
    await extension.deactivate();
  }
});

test('a server that cannot be started is reported with the way to fix it', async () => {
  const { extension, calls } = load({ failToStart: true });
  await extension.activate({ subscriptions: [] });
  assert.equal(calls.errors.length, 1);
  assert.match(calls.errors[0], /could not start the language server `assemblint lsp`: spawn assemblint ENOENT/);
  assert.match(calls.errors[0], /assemblint\.server\.command/);
  await extension.deactivate();
});

test('changing the command restarts the server; the restart command does too', async () => {
  const { extension, calls } = load();
  await extension.activate({ subscriptions: [] });
  await calls.configListeners[0]({ affectsConfiguration: (key) => key === 'assemblint.server.command' });
  assert.equal(calls.clients.length, 2);
  assert.ok(calls.clients[0].stopped);
  await calls.configListeners[0]({ affectsConfiguration: () => false });
  assert.equal(calls.clients.length, 2);
  await calls.commands['assemblint.restartServer']();
  assert.equal(calls.clients.length, 3);
  assert.ok(calls.clients[1].stopped);
  await extension.deactivate();
  assert.ok(calls.clients[2].stopped);
});
