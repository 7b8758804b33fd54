import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a,b,c}from"./chunk-UB5OV5UR.js";import"./chunk-7AX5QLHK.js";import"./chunk-5DOD3JTT.js";import"./chunk-OVSLOOZ7.js";export{b as queueMarkdown,a as queueRows,c as queueText};
