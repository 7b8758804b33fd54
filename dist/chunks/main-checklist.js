import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{p as t}from"./chunk-R225ZX4V.js";import"./chunk-HFCXXLEB.js";import{a as r}from"./chunk-UXDF7626.js";import{a as o}from"./chunk-PCUNG435.js";import"./chunk-2GPA2YWE.js";import"./chunk-WNPGRKDX.js";import"./chunk-KDLYBRYK.js";import"./chunk-CKRJZ3C4.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";function n(){t(o,process.env.GITHUB_WORKSPACE??process.cwd())}async function c(){await r(async()=>{n();let{runChecklist:i}=await import("./run-NVWVYWCR.js");await i(o)})}export{c as run};
