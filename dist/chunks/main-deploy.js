import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{g as e}from"./chunk-4UE2YJG7.js";import"./chunk-HXJNNB4Y.js";import"./chunk-V5XLR3X3.js";import"./chunk-JJVTAISS.js";import"./chunk-TZP4LAMU.js";import{a as n}from"./chunk-2TM62AQJ.js";import{a as o,e as t}from"./chunk-PHDNOW7G.js";import"./chunk-4C4GNTKY.js";import"./chunk-WNPGRKDX.js";import"./chunk-KDLYBRYK.js";import{a as r}from"./chunk-DJN2VXAE.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";function s(){t(o,"rollback",!1)||e(o)}async function m(){await n(async()=>{if(t(o,"rollback",!1)){let{runRollbackAction:c}=await import("./action-MOEUBVF3.js"),a=await c(o);if(a.result==="failed")throw new r(`Rollback failed: ${a.reason}`);return}s();let{failureOf:f,runDeploy:l}=await import("./run-P2SEOARM.js"),i=f(await l(o));if(i)throw new r(i)})}export{m as run};
