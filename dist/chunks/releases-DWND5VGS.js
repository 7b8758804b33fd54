import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a}from"./chunk-EZB6MJDZ.js";import"./chunk-YXA7JP4S.js";import"./chunk-YAC6PLLK.js";import"./chunk-WNPGRKDX.js";import"./chunk-KDLYBRYK.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";export{a as GitHubReleaseApi};
