#!/usr/bin/env node
import { main } from "../dist/cli/main.js";

main(process.argv).then(
  (code) => {
    if (code >= 0) process.exitCode = code; // -1: a server that keeps running
  },
  (err) => {
    process.stderr.write(`callcue: ${err?.message ?? err}\n`);
    process.exitCode = 1;
  },
);
