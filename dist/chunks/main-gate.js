import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{d as r}from"./chunk-GTDC2G5F.js";import{a as t}from"./chunk-2TM62AQJ.js";import{a as o}from"./chunk-PHDNOW7G.js";import"./chunk-4C4GNTKY.js";import"./chunk-WNPGRKDX.js";import"./chunk-KDLYBRYK.js";import"./chunk-DJN2VXAE.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";function i(){r(o)}async function a(){await t(async()=>{i();let{runGate:n}=await import("./run-VTGPDTFT.js");await n(o)})}export{a as run};
