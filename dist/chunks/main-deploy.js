import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{g as e}from"./chunk-TUNFK7LT.js";import"./chunk-HXJNNB4Y.js";import"./chunk-XX3QQ7JZ.js";import"./chunk-JJVTAISS.js";import"./chunk-TZP4LAMU.js";import{a as n}from"./chunk-HVC4VSIG.js";import{a as o,e as t}from"./chunk-Y7LBI6MU.js";import"./chunk-4C4GNTKY.js";import"./chunk-C6MXCKUM.js";import"./chunk-KDLYBRYK.js";import{a as r}from"./chunk-DJN2VXAE.js";import"./chunk-NGOSJJS2.js";import"./chunk-OVSLOOZ7.js";function s(){t(o,"rollback",!1)||e(o)}async function m(){await n(async()=>{if(t(o,"rollback",!1)){let{runRollbackAction:c}=await import("./action-RGHC2TYK.js"),a=await c(o);if(a.result==="failed")throw new r(`Rollback failed: ${a.reason}`);return}s();let{failureOf:f,runDeploy:l}=await import("./run-32LI3W5R.js"),i=f(await l(o));if(i)throw new r(i)})}export{m as run};
