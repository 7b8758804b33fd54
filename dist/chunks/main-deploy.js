import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{c as e}from"./chunk-3QNEMM4I.js";import"./chunk-ZWSTVE2I.js";import"./chunk-KRBG4BMV.js";import"./chunk-VFI7KT4M.js";import"./chunk-6CRAOU5U.js";import"./chunk-BV62AOKB.js";import"./chunk-HFCXXLEB.js";import{a as n}from"./chunk-UXDF7626.js";import{a as f}from"./chunk-U32LVFRH.js";import{a as o,e as t}from"./chunk-PCUNG435.js";import"./chunk-2GPA2YWE.js";import"./chunk-WNPGRKDX.js";import"./chunk-KDLYBRYK.js";import{a as r}from"./chunk-CKRJZ3C4.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";function s(){t(o,"rollback",!1)||e(o)}async function p(){await n(async()=>{if(t(o,"rollback",!1)){let{runRollbackAction:m}=await import("./action-EVAQXLKN.js"),a=await m(o);if(a.result==="failed")throw new r(`Rollback failed: ${a.reason}`);return}s(),f();let{failureOf:l,runDeploy:c}=await import("./run-5GSV5HC7.js"),i=l(await c(o));if(i)throw new r(i)})}export{p as run};
