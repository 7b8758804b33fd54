import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{g as e}from"../chunks/chunk-QRAO7KMI.js";import"../chunks/chunk-TIGXNNRB.js";import"../chunks/chunk-HXJNNB4Y.js";import"../chunks/chunk-OULZW3EU.js";import"../chunks/chunk-I3HXRGUY.js";import{a as i}from"../chunks/chunk-RXTH2KJH.js";import{a as o,e as n}from"../chunks/chunk-DSHYLKGK.js";import"../chunks/chunk-4C4GNTKY.js";import"../chunks/chunk-2XUQ7X3N.js";import{a as r}from"../chunks/chunk-DJN2VXAE.js";import"../chunks/chunk-E4CCIZQA.js";import"../chunks/chunk-OVSLOOZ7.js";async function f(){await i(async()=>{if(n(o,"rollback",!1)){let{runRollbackAction:s}=await import("../chunks/action-UYNJN3Z2.js"),a=await s(o);if(a.result==="failed")throw new r(`Rollback failed: ${a.reason}`);return}e(o);let{failureOf:l,runDeploy:m}=await import("../chunks/run-GWBVHGSA.js"),t=l(await m(o));if(t)throw new r(t)})}await f();
