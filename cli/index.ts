#!/usr/bin/env node
import { main } from "./program";

const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
process.exitCode = await main(process.argv.slice(2), io);
