#!/usr/bin/env node
// The `winnow` command. Runs the TypeScript sources through tsx's loader so that
// `npx winnow ...` works straight after `npm install`, with no build step.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
