#!/usr/bin/env node
// Launcher for the terminal client: registers tsx's ESM loader, then runs main.ts.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./main.ts', import.meta.url).href);
