import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{e as i,g as s,i as t}from"./chunk-2XUQ7X3N.js";import{a as o,d as e}from"./chunk-DJN2VXAE.js";async function f(a){t(process.env["INPUT_GITHUB-TOKEN"]);try{await a()}catch(r){!(r instanceof o)&&r instanceof Error&&r.stack&&i(r.stack),s(e(r))}}export{f as a};
