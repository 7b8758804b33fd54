import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{b as t}from"./chunk-AP2DK3RL.js";import"./chunk-BV62AOKB.js";import"./chunk-HFCXXLEB.js";import{a as r}from"./chunk-UXDF7626.js";import{a as o}from"./chunk-PCUNG435.js";import"./chunk-2GPA2YWE.js";import"./chunk-WNPGRKDX.js";import"./chunk-KDLYBRYK.js";import"./chunk-CKRJZ3C4.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";function a(){t(o,process.env)}async function i(){await r(async()=>{a();let{runPackage:n}=await import("./package-LXYPKLR7.js");await n(o)})}export{i as run};
