import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{d as r}from"./chunk-RFQEAV2X.js";import{a as t}from"./chunk-HVC4VSIG.js";import{a as o}from"./chunk-Y7LBI6MU.js";import"./chunk-4C4GNTKY.js";import"./chunk-C6MXCKUM.js";import"./chunk-KDLYBRYK.js";import"./chunk-DJN2VXAE.js";import"./chunk-NGOSJJS2.js";import"./chunk-OVSLOOZ7.js";function i(){r(o)}async function a(){await t(async()=>{i();let{runGate:n}=await import("./run-Z2M4SWTD.js");await n(o)})}export{a as run};
