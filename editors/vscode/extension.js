// The assemblint extension for VS Code: starts `assemblint lsp` (the language server, over stdio)
// for .assy files. Highlighting needs none of this: it is the grammar in syntaxes/.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

const SECTION = 'assemblint';
const COMMAND_SETTING = 'server.command';
const DEFAULT_COMMAND = ['assemblint', 'lsp'];

let client;
let output;

// The server command from the settings: a non-empty array of non-empty strings, program first.
function serverCommand(config) {
  const command = config.get(COMMAND_SETTING, DEFAULT_COMMAND);
  if (!Array.isArray(command) || command.length === 0 || !command.every((part) => typeof part === 'string' && part)) {
    throw new Error(
      `the setting ${SECTION}.${COMMAND_SETTING} must be a list of strings, the program first, ` +
        `such as ${JSON.stringify(DEFAULT_COMMAND)}; got ${JSON.stringify(command)}`,
    );
  }
  return command;
}

function serverOptions(command, workspaceFolders) {
  const options = {};
  if (workspaceFolders && workspaceFolders.length > 0 && workspaceFolders[0].uri.scheme === 'file') {
    options.cwd = workspaceFolders[0].uri.fsPath;
  }
  return { command: command[0], args: command.slice(1), transport: TransportKind.stdio, options };
}

function clientOptions() {
  return {
    documentSelector: [
      { scheme: 'file', language: 'assy' },
      { scheme: 'untitled', language: 'assy' },
    ],
    outputChannel: output,
  };
}

async function start() {
  let command;
  try {
    command = serverCommand(vscode.workspace.getConfiguration(SECTION));
  } catch (error) {
    vscode.window.showErrorMessage(`assemblint: ${error.message}`);
    return;
  }
  client = new LanguageClient(
    'assemblint',
    'assemblint',
    serverOptions(command, vscode.workspace.workspaceFolders),
    clientOptions(),
  );
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    vscode.window.showErrorMessage(
      `assemblint: could not start the language server \`${command.join(' ')}\`: ${error && error.message ? error.message : error}. ` +
        `Install assemblint where VS Code can find it, or set ${SECTION}.${COMMAND_SETTING} ` +
        'to its full path, e.g. ["/path/to/.venv/bin/assemblint", "lsp"].',
    );
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

async function restart() {
  await stop();
  await start();
}

async function activate(context) {
  output = vscode.window.createOutputChannel('assemblint');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('assemblint.restartServer', restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.${COMMAND_SETTING}`)) {
        return restart();
      }
      return undefined;
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, serverCommand, serverOptions, clientOptions };
