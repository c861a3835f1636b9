// main.js — the entry point esbuild bundles into app.js.
import { start } from './app.js';

start(document.getElementById('app'));
