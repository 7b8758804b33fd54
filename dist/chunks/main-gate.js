import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{e as r}from"./chunk-R5KOHTXZ.js";import{a as t}from"./chunk-UXDF7626.js";import{a as o}from"./chunk-PCUNG435.js";import"./chunk-2GPA2YWE.js";import"./chunk-WNPGRKDX.js";import"./chunk-KDLYBRYK.js";import"./chunk-CKRJZ3C4.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";function i(){r(o)}async function a(){await t(async()=>{i();let{runGate:n}=await import("./run-RBSHQ4AE.js");await n(o)})}export{a as run};
