import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{e as t,g as i,i as s}from"./chunk-WNPGRKDX.js";import{a as e,f as o}from"./chunk-CKRJZ3C4.js";async function l(a){s(process.env["INPUT_GITHUB-TOKEN"]);try{await a()}catch(r){!(r instanceof e)&&r instanceof Error&&r.stack&&t(r.stack),i(o(r))}}export{l as a};
