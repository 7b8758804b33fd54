import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{g as e}from"./chunk-G7AD2YOW.js";import"./chunk-HXJNNB4Y.js";import"./chunk-VRVRJYAG.js";import"./chunk-DJ4RTTQM.js";import"./chunk-GEAJSZGQ.js";import{a as n}from"./chunk-DHTBUBSW.js";import{a as o,e as t}from"./chunk-ABRP7F7C.js";import"./chunk-4C4GNTKY.js";import"./chunk-ZMBD2E4J.js";import{a as r}from"./chunk-DJN2VXAE.js";import"./chunk-ZYK65CK6.js";import"./chunk-OVSLOOZ7.js";function s(){t(o,"rollback",!1)||e(o)}async function m(){await n(async()=>{if(t(o,"rollback",!1)){let{runRollbackAction:c}=await import("./action-RQYTUWOE.js"),a=await c(o);if(a.result==="failed")throw new r(`Rollback failed: ${a.reason}`);return}s();let{failureOf:f,runDeploy:l}=await import("./run-UK6EBAU5.js"),i=f(await l(o));if(i)throw new r(i)})}export{m as run};
