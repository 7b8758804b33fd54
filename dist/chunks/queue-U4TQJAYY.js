import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a,b,c,d,e,f}from"./chunk-NEG5C6XV.js";import"./chunk-7AX5QLHK.js";import"./chunk-BLVJDCH5.js";import"./chunk-DTCY56DR.js";import"./chunk-OJRROXPB.js";import"./chunk-5DOD3JTT.js";import"./chunk-YAC6PLLK.js";import"./chunk-BV62AOKB.js";import"./chunk-HFCXXLEB.js";import"./chunk-PPIU427G.js";import"./chunk-WNPGRKDX.js";import"./chunk-KDLYBRYK.js";import"./chunk-CKRJZ3C4.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";export{f as finishRelease,c as queueRelease,a as queueRun,b as readQueue,d as supersede,e as takeRelease};
