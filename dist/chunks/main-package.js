import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{b as t}from"./chunk-HIXPQHW4.js";import"./chunk-JJVTAISS.js";import"./chunk-TZP4LAMU.js";import{a as r}from"./chunk-2TM62AQJ.js";import{a as o}from"./chunk-PHDNOW7G.js";import"./chunk-4C4GNTKY.js";import"./chunk-WNPGRKDX.js";import"./chunk-KDLYBRYK.js";import"./chunk-DJN2VXAE.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";function a(){t(o,process.env)}async function i(){await r(async()=>{a();let{runPackage:n}=await import("./package-47FPCYBL.js");await n(o)})}export{i as run};
